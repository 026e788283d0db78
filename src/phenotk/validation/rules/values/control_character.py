"""VAL004 text-control-character."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from phenotk.io import Format
from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Token, Violation

_CONTROL = re.compile(r"[\t\n\r]")
#: in JSON text a tab, newline or CR inside a string is always escaped (one pass over the bytes)
_ESCAPED = re.compile(rb"\\[tnr]|\\u000[9aAdD]")
_NAMES = {"\t": "a tab", "\n": "a newline", "\r": "a carriage return"}


def _checked_key(key: str) -> bool:
    return key in ("id", "label", "title", "symbol") or key.endswith(("Id", "_id", "Ids", "_ids"))


class TextControlCharacter(Rule):
    r"""An id, label or title contains a tab, newline or carriage return.

    What it checks
    --------------
    Every ``id``, ``label``, ``title``, ``symbol`` and ``…Id`` / ``…Ids`` string of the document (e.g.
    ``subject.id``, ``type.label``, ``externalReferences[*].description`` is free text and not checked) has no
    tab, line feed or carriage return. JSON input is scanned first for escaped control characters, so a
    clean document costs one byte search.

    Why
    ---
    Ids and labels end up in TSV exports (Exomiser's, GPSEA's cohort tables, PED files), in file names and in
    matching by string: a trailing ``\\n`` from a spreadsheet cell makes ``"P1\\n"`` a different individual
    than ``"P1"`` and breaks every tab-separated line it is written to.

    Anti-pattern
    ------------
    ``"subject": {"id": "P1\\t"}``

    Fixed
    -----
    ``"subject": {"id": "P1"}``
    """

    code = "VAL004"
    name = "text-control-character"
    severity = Severity.WARNING
    targets = ()

    def end_document(self, root: Node, ctx: Context) -> Iterable[Violation]:
        """Scan the document's ids, labels and titles (after a fast byte search of JSON input).

        Returns ``()`` for a document whose text has no escaped tab, newline or CR (no generator made: this
        runs for every document), else the walk's findings.
        """
        doc = ctx.document
        if doc is not None:
            fmt = doc.format
            raw = doc.utf8() if fmt is Format.JSON or fmt is Format.JSONL else None
        else:
            raw = None
        if raw is None:  # YAML, or a tree made by a converter: orjson writes \t \n \r escaped, at C speed
            try:
                raw = orjson.dumps(root.value)
            except (TypeError, orjson.JSONEncodeError):  # a YAML date or a non-string key: walk instead
                raw = None
        if raw is not None and (b"\\" not in raw or _ESCAPED.search(raw) is None):  # memchr first
            return ()
        return self._walk(root.value, [])

    def _walk(self, value: Any, path: list[Token]) -> Iterator[Violation]:
        if isinstance(value, dict):
            for k, v in value.items():
                path.append(k)
                if isinstance(v, str):
                    if _checked_key(k) and _CONTROL.search(v):
                        yield self._found(k, v, path)
                elif isinstance(v, list) and _checked_key(k) and v and all(isinstance(x, str) for x in v):
                    for i, x in enumerate(v):
                        if _CONTROL.search(x):
                            path.append(i)
                            yield self._found(k, x, path)
                            path.pop()
                else:
                    yield from self._walk(v, path)
                path.pop()
        elif isinstance(value, list):
            for i, v in enumerate(value):
                path.append(i)
                yield from self._walk(v, path)
                path.pop()

    def _found(self, key: str, text: str, path: list[Token]) -> Violation:
        ch = _CONTROL.search(text).group(0)  # type: ignore[union-attr]
        clean = " ".join(text.split())
        return self.violation(
            f"{key} {text!r} contains {_NAMES[ch]}; ids, labels and titles are one line: {clean!r}",
            *path,
            fix=self.replace("", clean, safe=False, description="collapse blanks"),
        )
