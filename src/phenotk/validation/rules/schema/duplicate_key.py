"""SCH007 schema-duplicate-key."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from phenotk.io.document import Format
from phenotk.io.duplicate_keys import Duplicate, duplicate_keys, yaml_duplicates
from phenotk.io.sourcemap import split
from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation


class SchemaDuplicateKey(Rule):
    """A key written twice in one JSON object or YAML mapping (the last value is read; protobuf refuses it).

    What it checks
    --------------
    Every object of a JSON or JSON Lines document, and every mapping of a YAML document: a key that occurs
    more than once. The finding points at the repeated member and says how often it was written and which
    value was read. For JSON the check costs two byte counts per document unless a repetition is likely (then
    the text is scanned to name it); YAML is composed once more.

    Why
    ---
    RFC 8259 leaves a repeated name to the reader (YAML forbids it; PyYAML keeps the last value). orjson
    (phenotk's reader), Python's ``json`` and most JavaScript readers keep the last value and drop the others
    without a word; protobuf's JSON parsers — Python's ``json_format`` ("duplicate key") and Java's
    ``JsonFormat`` used by the reference validator phenopacket-tools ("has already been set") — refuse the
    whole document. Either way one of the values the curator wrote is lost: usually a merge or copy-paste
    accident, such as two ``"sex"`` lines in a subject.

    Anti-pattern
    ------------
    ``"subject": {"id": "P1", "sex": "MALE", "sex": "FEMALE"}``

    Fixed
    -----
    ``"subject": {"id": "P1", "sex": "FEMALE"}`` (keep the value that is right; no automatic fix: only the
    curator knows which one that is)
    """

    code = "SCH007"
    name = "schema-duplicate-key"
    severity = Severity.ERROR
    targets = ()

    def end_document(self, root: Node, ctx: Context) -> Iterable[Violation]:
        """Count the keys of the text against those of the parsed tree; name the repeated ones.

        Returns ``()`` for a document without a repeated key (no generator made: this runs for every document).
        A tree written by protobuf has no text (``utf8()`` and ``text`` are None), so it is never scanned.
        """
        doc = ctx.document
        if doc is None:
            return ()
        fmt = doc.format
        if fmt is Format.JSON or fmt is Format.JSONL:
            raw = doc.utf8()
            found = duplicate_keys(raw, ctx.data) if raw else []
        elif fmt is Format.YAML and not doc.written_by_protobuf:
            found = yaml_duplicates(doc.text) if doc.text else []
        else:
            return ()
        if not found:
            return ()
        return [self._repeated(dup, ctx.data) for dup in found]

    def _repeated(self, dup: Duplicate, data: Any) -> Violation:
        times = "twice" if dup.count == 2 else f"{dup.count} times"
        path = split(dup.member)
        read = _value(data, path)
        shown = f" ({read!r})" if isinstance(read, (str, int, float, bool)) and len(repr(read)) <= 60 else ""
        return self.violation(
            f"key {dup.key!r} is written {times} in this object; phenotk read the last value{shown}, while "
            "protobuf's JSON parsers (and the reference validator) refuse the document: keep one",
            *path,
        )


def _value(tree: Any, path: list[str]) -> Any:
    for token in path:
        if isinstance(tree, dict):
            tree = tree.get(token)
        elif isinstance(tree, list) and token.isdigit() and int(token) < len(tree):
            tree = tree[int(token)]
        else:
            return None
    return tree
