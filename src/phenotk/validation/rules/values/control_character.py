"""VAL004 text-control-character."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from phenotk.io import Format
from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Token, Violation, relative_pointer

#: C0 controls (tab, newline, CR, NUL, ESC …), DEL and the C1 controls (U+0080-U+009F)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
#: how they can appear in JSON text: C0 always escaped (``\t``, ``\u0001`` …), DEL and C1 escaped or raw (UTF-8)
_ESCAPED = re.compile(rb"\\[tnrbf]|\\u00[0189][0-9a-fA-F]|\\u007[fF]|\x7f|\xc2[\x80-\x9f]")
_NAMES = {"\t": "a tab", "\n": "a newline", "\r": "a carriage return"}
#: the controls the suggested value drops (whitespace controls become one blank)
_OTHER = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _checked_key(key: str) -> bool:
    return key in ("id", "label", "title", "symbol") or key.endswith(("Id", "_id", "Ids", "_ids"))


class TextControlCharacter(Rule):
    r"""An id, label or title contains a tab, newline, carriage return or another control character.

    What it checks
    --------------
    Every ``id``, ``label``, ``title``, ``symbol`` and ``…Id`` / ``…Ids`` string of the document (e.g.
    ``subject.id``, ``type.label``, ``externalReferences[*].description`` is free text and not checked) has no
    tab, line feed or carriage return, and no other control character: NUL, ESC (which drives a terminal),
    the other C0 controls, DEL or a C1 control (U+0080-U+009F, what a Windows-1252 text read as Latin-1
    leaves). JSON input is scanned first for them (three byte searches for a clean document).

    Why
    ---
    Ids and labels end up in TSV exports (Exomiser's, GPSEA's cohort tables, PED files), in file names and in
    matching by string: a trailing ``\\n`` from a spreadsheet cell makes ``"P1\\n"`` a different individual
    than ``"P1"`` and breaks every tab-separated line it is written to; a NUL ends the string for C tools.

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
        if raw is not None and (
            (b"\\" not in raw and b"\x7f" not in raw and b"\xc2" not in raw) or _ESCAPED.search(raw) is None
        ):  # memchr first
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
        clean = " ".join(_OTHER.sub("", text).split())
        name = _NAMES.get(ch) or f"the control character U+{ord(ch):04X}"
        what = "are one line" if ch in _NAMES else "hold no control character"
        return self.violation(
            f"{key} {text!r} contains {name}; ids, labels and titles {what}: {clean!r}",
            *path,
            fix=self.replace(relative_pointer(*path), clean, safe=False, description="collapse blanks"),
        )
