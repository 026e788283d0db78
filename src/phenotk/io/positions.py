r"""Pointer → line:column for a document: the one place that chooses how (JSON and YAML alike).

Strategies, cheapest first:

0. one top-level member asked for (:func:`locate_one`), in 2-space-indented JSON whose first member it is
   (``/id`` of a store file): its position from the length of ``{\n  "id": ``;
1. only the document root is asked for, in plain JSON: the root's position from the leading blanks;
2. JSON written as 2-space-indented text of its own tree (every file of the public store): offsets from the
   lengths of the serialised siblings, no scan (:func:`~phenotk.io.jsonpos.locate_canonical`) — or, when the
   whole text was already found equal to that serialisation (``schema-duplicate-key`` compares it:
   :func:`~phenotk.io.jsonpos.note_canonical`), by searching the text for each member's line, nothing serialised;
3. other JSON and JSON Lines: a skipping regex scan that stops once every pointer is seen
   (:func:`~phenotk.io.jsonpos.locate_json`);
4. YAML: the index of the composed node marks (:meth:`~phenotk.io.sourcemap.SourceMap.from_yaml`, built once
   per document and kept on it).

Every strategy answers a pointer that is not in the text with its nearest existing ancestor, and leaves out
(or answers None for) what it cannot place; a document without text (a protobuf message) places nothing.

Pointers are relative to the document; positions are those of its file. An item of a top-level JSON array
(``doc.pointer_prefix == "/N"``) holds its own text placed where it stands in the file (``line_offset`` lines
before it, blanks for the columns before it on its first line), so the scan (3) answers in file coordinates;
the whole-file shortcuts (0–2) are only for whole-file documents.
"""

from __future__ import annotations

from collections.abc import Iterable

from phenotk.io.document import Document, Format
from phenotk.io.jsonpos import locate_canonical, locate_json, root_position

Position = tuple[int | None, int | None]
_NOWHERE: Position = (None, None)
_ROOT_ONLY = frozenset({""})  # the pointers of document-level findings only


def locate(doc: Document, pointers: Iterable[str]) -> dict[str, Position]:
    """(line, column), 1-based, of each pointer of ``doc``; (None, None) for what cannot be placed."""
    wanted = pointers if isinstance(pointers, (set, frozenset)) else set(pointers)
    fmt = doc.format
    if fmt is Format.JSON and doc.line_offset == 0 and not doc.pointer_prefix:
        raw = doc.utf8()
        if raw is not None:
            if wanted == _ROOT_ONLY:
                return {"": root_position(raw)}
            placed = locate_canonical(raw, doc.data, wanted)
            if placed is not None:  # 2-space-indented JSON (most files): no scan at all
                return placed  # type: ignore[return-value]
    if doc.text is None:
        return dict.fromkeys(wanted, _NOWHERE)
    if fmt is Format.JSON or fmt is Format.JSONL:
        found = locate_json(doc.text, wanted, doc.line_offset)
        return {p: found.get(p, _NOWHERE) for p in wanted}
    smap = doc.source_map()
    return {p: smap.locate(p) for p in wanted}


def locate_one(doc: Document, pointer: str) -> Position:
    """(line, column) of one pointer of ``doc`` (see :func:`locate`)."""
    if doc.format is Format.JSON and doc.line_offset == 0 and not doc.pointer_prefix:
        raw = doc.utf8()
        if raw is not None:
            head = _HEADS.get(pointer)
            if head is None:
                head = _first_member_head(pointer)
            if head and raw.startswith(head):
                return 2, len(head) - 1  # the value starts after '{\n  "key": ' on line 2
    return locate(doc, (pointer,))[pointer]


def _first_member_head(pointer: str) -> bytes:
    r"""``{\n  "key": `` for a top-level pointer ``/key`` of a plain (identifier-like) key, else ``b""``.

    Text starting with it is 2-space-indented JSON whose first member is ``key``: the value is the next token.
    The answer is kept per pointer (the run hooks ask for the same few pointers in every document).
    """
    key = pointer[1:]
    plain = pointer.startswith("/") and key.isidentifier() and key.isascii()
    head = b'{\n  "' + key.encode("ascii") + b'": ' if plain else b""
    if len(_HEADS) < _MAX_HEADS:  # pointers come from the rules, not the input; bounded all the same
        _HEADS[pointer] = head
    return head


#: pointer -> the text a document whose first member it names starts with (``b""``: not a plain top-level key)
_HEADS: dict[str, bytes] = {}
_MAX_HEADS = 4096


__all__ = ["Position", "locate", "locate_one"]
