"""Shared helper of the meta rules: a ``metaData.resources`` list as JSON text, the key of their per-run memos."""

from __future__ import annotations

from typing import Any

import orjson

from phenotk.io import Format
from phenotk.validation.rule import Context

_STATE = "meta:resources-text"


def resources_text(resources: list[Any], ctx: Context) -> bytes | None:
    """The JSON text of a resource list: what the meta rules remember their verdicts by (documents repeat it).

    None — no memo, the rules look at each resource — when the document's tree was not parsed from JSON text (a
    dict handed to the API may hold enums or UUIDs, which JSON text writes like strings), when the list is no
    JSON, or when it holds a null (a NaN from a lenient parser is written as null too). Made once per list and
    document for both rules (``ctx.state``).
    """
    made: dict[int, tuple[list[Any], bytes | None]] | None = ctx.state.get(_STATE)
    if made is None:
        made = ctx.state[_STATE] = {}
    hit = made.get(id(resources))
    if hit is not None and hit[0] is resources:
        return hit[1]
    text: bytes | None = None
    doc = ctx.document
    if doc is not None and doc.format in (Format.JSON, Format.JSONL) and doc.utf8() is not None:
        try:
            text = orjson.dumps(resources)
        except TypeError:  # pragma: no cover - a parsed JSON tree is JSON
            text = None
        if text is not None and b"null" in text:
            text = None
    made[id(resources)] = (resources, text)
    return text
