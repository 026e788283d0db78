"""Protobuf's JSON parse errors said the curator's way: the value, its JSON pointer and what is wrong with it.

``json_format`` reports a value it cannot take as a chain — ``Failed to parse subject field: Failed to parse
dateOfBirth field: time data '1985-07' does not match format '%Y-%m-%dT%H:%M:%S' at
Phenopacket.subject.dateOfBirth..`` — that shows a truncated value and protobuf's names. :func:`explain` turns it
into ``'1985-07-14' at /subject/dateOfBirth is not an RFC 3339 timestamp (YYYY-MM-DDThh:mm:ssZ, e.g.
'1985-07-14T00:00:00Z')``, following the field names through the document's own tree. When the value cannot be
told for sure (a repeated field without an index, whose several items hold the field) the field path and
protobuf's reason are given instead — never another item's value.
"""

from __future__ import annotations

import re
from typing import Any

_FAILED = re.compile(r"Failed to parse (\w+) field: ")
_AT = re.compile(r"\s+at [A-Za-z0-9_]+((?:\.[A-Za-z0-9_]+(?:\[\d+\])?)+)\.*\s*$")
_STEP = re.compile(r"\.([A-Za-z0-9_]+)(?:\[(\d+)\])?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def explain(message: str, data: Any) -> str:
    """``message`` (a ``json_format`` parse error about ``data``) as one line naming the value and its pointer."""
    names = _FAILED.findall(message)
    if not names:
        return message
    inner = _FAILED.sub("", message)
    at = _AT.search(inner)
    steps: list[tuple[str, int | None]]
    if at is not None:
        steps = [(m.group(1), int(m.group(2)) if m.group(2) else None) for m in _STEP.finditer(at.group(1))]
        inner = inner[: at.start()]
    else:
        steps = [(n, None) for n in names]
    reason = inner.strip().rstrip(".").strip()
    found = _follow(data, steps)
    if found is None:
        dotted = ".".join(n if i is None else f"{n}[{i}]" for n, i in steps)
        return f"{dotted}: {reason}"
    pointer, value = found
    return f"{_show(value)} at {pointer} {_what(reason, value)}"


def _follow(data: Any, steps: list[tuple[str, int | None]]) -> tuple[str, Any] | None:
    """(pointer, value) reached by ``steps`` through ``data``; None when a step is missing or ambiguous."""
    node, pointer = data, ""
    for k, (name, index) in enumerate(steps):
        if not isinstance(node, dict):
            return None
        key = _key(node, name)
        if key is None:
            return None
        node, pointer = node[key], f"{pointer}/{_escape(key)}"
        if index is not None:
            if not isinstance(node, list) or index >= len(node):
                return None
            node, pointer = node[index], f"{pointer}/{index}"
        elif isinstance(node, list) and k + 1 < len(steps):  # which item? only when one item can be meant
            nxt = steps[k + 1][0]
            items = [i for i, item in enumerate(node) if isinstance(item, dict) and _key(item, nxt) is not None]
            if len(items) != 1:
                return None
            node, pointer = node[items[0]], f"{pointer}/{items[0]}"
    return pointer, node


def _key(node: dict[str, Any], name: str) -> str | None:
    """The key of ``node`` that protobuf called ``name`` (as written: camelCase or snake_case)."""
    if name in node:
        return name
    snake = re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)
    if snake in node:
        return snake
    camel = re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), name)
    return camel if camel in node else None


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _what(reason: str, value: Any) -> str:
    """What is wrong with ``value``, in words (protobuf's reason when no better one is known)."""
    low = reason.lower()
    if "time data" in low or "timestamp" in low or "timezone" in low or "does not match format" in low:
        hint = ""
        if isinstance(value, str) and _DATE.fullmatch(value.strip()):
            hint = f", e.g. '{value.strip()}T00:00:00Z'"
        return f"is not an RFC 3339 timestamp (YYYY-MM-DDThh:mm:ssZ{hint})"
    if "invalid literal for int()" in low or "couldn't parse integer" in low:
        return "is not an integer"
    if "expected string" in low:
        return "is not a string"
    return f"cannot be read: {reason}"


__all__ = ["explain"]
