"""Patch operations spliced into JSON *text*: only the touched values/lines change.

A one-pass scanner records, for every pointer, the span of its value, the start of its member
name (object members) and the order of its children. ``replace`` swaps a value span, ``remove``
cuts an element or member together with one separating comma and the whitespace up to its
neighbour, ``add`` copies the separator and indentation of its siblings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from phenotk.fixes.patch import PatchError
from phenotk.io.sourcemap import escape, split
from phenotk.issue import PatchOp

_WS = " \t\r\n"
_SCALAR_END = re.compile(r"[\s,\]\}]")


@dataclass
class Span:
    """Where one value sits: ``text[start:end]``; ``item_start`` includes the member name."""

    start: int
    end: int
    kind: str  # "o" object, "a" array, "s" scalar
    item_start: int
    children: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Style:
    """Layout detected from a document: indent unit (None = single line) and separators."""

    indent: str | None
    item_sep: str
    key_sep: str
    newline: str = "\n"


def scan(text: str) -> dict[str, Span]:
    """Spans of every value of a JSON text (raises ``PatchError`` when it is not valid JSON)."""
    spans: dict[str, Span] = {}
    n = len(text)

    def ws(i: int) -> int:
        while i < n and text[i] in _WS:
            i += 1
        return i

    def value(i: int, ptr: str, item_start: int) -> int:
        if i >= n:
            raise PatchError("unexpected end of JSON text")
        c = text[i]
        if c in "{[":
            kind = "o" if c == "{" else "a"
            close = "}" if c == "{" else "]"
            span = Span(i, -1, kind, item_start)
            spans[ptr] = span
            j = ws(i + 1)
            if j < n and text[j] == close:
                span.end = j + 1
                return j + 1
            idx = 0
            while True:
                if kind == "o":
                    if j >= n or text[j] != '"':
                        raise PatchError(f"expected a member name at offset {j}")
                    key, k = scanstring(text, j + 1)
                    k = ws(k)
                    if k >= n or text[k] != ":":
                        raise PatchError(f"expected ':' at offset {k}")
                    token = key
                    j2 = value(ws(k + 1), ptr + "/" + escape(key), j)
                else:
                    token = str(idx)
                    j2 = value(j, ptr + "/" + token, j)
                    idx += 1
                span.children.append(token)
                j = ws(j2)
                if j < n and text[j] == ",":
                    j = ws(j + 1)
                    continue
                if j < n and text[j] == close:
                    span.end = j + 1
                    return j + 1
                raise PatchError(f"expected ',' or {close!r} at offset {j}")
        if c == '"':
            _, end = scanstring(text, i + 1)
        else:
            m = _SCALAR_END.search(text, i)
            end = m.start() if m else n
        spans[ptr] = Span(i, end, "s", item_start)
        return end

    try:
        value(ws(0), "", 0)
    except (ValueError, RecursionError) as exc:
        raise PatchError(f"cannot scan JSON text: {exc}") from None
    return spans


def detect_style(text: str, spans: dict[str, Span]) -> Style:
    """Indent unit and separators used by the document (defaults: 2 spaces, ``", "``/``": "``)."""
    root = spans.get("")
    indent: str | None = None
    key_sep = ": "
    item_sep = ","
    if root is not None and root.children:
        first = spans["/" + escape(root.children[0])]
        between = text[root.start + 1 : first.item_start]
        if "\n" in between:
            child_indent = between.rsplit("\n", 1)[1]
            indent = child_indent[len(_line_indent(text, root.start)) :] or "  "
        else:
            indent = None
        if root.kind == "o":
            m = re.match(r'"(?:[^"\\]|\\.)*"(\s*):(\s*)', text[first.item_start : first.start + 1])
            if m:
                key_sep = m.group(1) + ":" + m.group(2)
        if len(root.children) > 1 and indent is None:
            second = spans["/" + escape(root.children[1])]
            # "," or ", " (Python's json.dumps default, so most JSON Lines): keep the blank after the comma
            m = re.fullmatch(r"[ \t]*,([ \t]*)", text[first.end : second.item_start])
            item_sep = "," + m.group(1) if m else ","
    return Style(indent, item_sep, key_sep, "\r\n" if "\r\n" in text else "\n")


def _line_indent(text: str, pos: int) -> str:
    start = text.rfind("\n", 0, pos) + 1
    j = start
    while j < len(text) and text[j] in " \t":
        j += 1
    return text[start:j]


def dump_value(value: Any, style: Style, base_indent: str) -> str:
    """Serialise ``value`` in the document's style, continuation lines indented by ``base_indent``."""
    if style.indent is None:
        return json.dumps(value, ensure_ascii=False, separators=(style.item_sep, style.key_sep))
    out = json.dumps(value, ensure_ascii=False, indent=style.indent, separators=(",", style.key_sep))
    if "\n" in out and (base_indent or style.newline != "\n"):
        out = out.replace("\n", style.newline + base_indent)
    return out


def _one_line(text: str, span: Span) -> bool:
    """True for a non-empty container written on one line (``[{"id": "HP:1"}]`` inside a pretty document)."""
    return span.kind != "s" and bool(span.children) and "\n" not in text[span.start : span.end]


def _inline_seps(text: str, span: Span) -> tuple[str, str]:
    """(item separator, key separator) a one-line container uses (``", "``/``": "`` or ``","``/``":"``)."""
    seg = text[span.start : span.end]
    key_sep = ": " if re.search(r'"[ \t]*:[ \t]', seg) else ":"
    if "," in seg:
        item_sep = ", " if re.search(r",[ \t]", seg) else ","
    else:  # one member: no comma to go by
        item_sep = ", " if key_sep == ": " or re.search(r"[\[{][ \t]", seg) else ","
    return item_sep, key_sep


def _inline_model(text: str, spans: dict[str, Span], parent_ptr: str, style: Style) -> Span | None:
    """The one-line container whose layout a value added to ``parent_ptr`` copies, or None (pretty-print it).

    In a pretty document: the parent itself when it is written on one line; an empty parent inside a one-line
    container (``"metaData": {"created": "…", "resources": []}``); or the last sibling when the siblings are
    one-line containers, one per line (hand-written feature lists).
    """
    if style.indent is None:
        return None
    parent = spans[parent_ptr]
    if _one_line(text, parent):
        return parent
    if not parent.children:
        outer = spans.get(parent_ptr.rsplit("/", 1)[0]) if parent_ptr else None
        return outer if outer is not None and _one_line(text, outer) else None
    last = spans[_child_ptr(parent_ptr, parent.children[-1])]
    return last if _one_line(text, last) else None


def _inline(value: Any, text: str, span: Span) -> str:
    """``value`` on one line, with the separators the one-line container ``span`` uses."""
    return json.dumps(value, ensure_ascii=False, separators=_inline_seps(text, span))


def replacement(text: str, spans: dict[str, Span], target_ptr: str, value: Any, style: Style) -> str:
    """The text that replaces the value at ``target_ptr``: on one line where the old value or its container was."""
    target = spans[target_ptr]
    parent = spans.get(target_ptr.rsplit("/", 1)[0]) if target_ptr else None
    for span in (target, parent):
        if span is not None and _one_line(text, span) and style.indent is not None:
            return _inline(value, text, span)
    return dump_value(value, style, _line_indent(text, target.item_start))


def _child_ptr(parent: str, token: str) -> str:
    return parent + "/" + escape(token)


def _separator(text: str, spans: dict[str, Span], parent_ptr: str, style: Style) -> tuple[str, str]:
    """(text between two siblings incl. the comma, indentation of a child line) for a container."""
    parent = spans[parent_ptr]
    kids = [spans[_child_ptr(parent_ptr, t)] for t in parent.children]
    # a sibling on a line of its own is indented like that line; a cuddled one (JsonFormat's ``}, {``) like the
    # line it starts on, which is also where its closing bracket sits
    if len(kids) >= 2:
        sep = text[kids[-2].end : kids[-1].item_start]
        return sep, _line_indent(text, kids[-1].item_start)
    if len(kids) == 1:
        lead = text[parent.start + 1 : kids[0].item_start]
        if "\n" in lead:
            return "," + lead, _line_indent(text, kids[0].item_start)
        # one cuddled element in a pretty document (``[{`` … ``}]``): JsonFormat writes the next as ``}, {``
        if style.indent is None and lead:  # "[ {" … "} ]": the blank after the bracket goes after the comma
            return "," + lead, ""
        return (", " if style.indent is not None else style.item_sep) + lead, _line_indent(text, kids[0].item_start)
    # empty container: one level deeper than the line it opens on
    base = _line_indent(text, parent.start)
    if style.indent is None:
        return style.item_sep, ""
    return "," + style.newline + base + style.indent, base + style.indent


def _rename(text: str, spans: dict[str, Span], op: PatchOp) -> str:
    """A ``move`` between two members of the same object: rewrite the member name in place."""
    src, dst = split(op.from_ or ""), split(op.path)
    if not src or len(src) != len(dst) or src[:-1] != dst[:-1]:
        raise PatchError(f"{op.path}: only renaming a member in place is spliced")
    parent = spans.get("".join("/" + escape(t) for t in src[:-1]))
    member = spans.get(op.from_ or "")
    if parent is None or parent.kind != "o" or member is None or dst[-1] in parent.children:
        raise PatchError(f"{op.path}: cannot rename in place")
    _, key_end = scanstring(text, member.item_start + 1)
    return text[: member.item_start] + json.dumps(dst[-1], ensure_ascii=False) + text[key_end:]


def apply_op_text(text: str, op: PatchOp, style: Style) -> str:
    """Splice one add/remove/replace (or an in-place member rename) into ``text``; ``PatchError`` if it cannot."""
    spans = scan(text)
    if op.op == "move":
        return _rename(text, spans, op)
    tokens = split(op.path)
    if not tokens:
        if op.op == "remove":
            raise PatchError("cannot remove the whole document")
        root = spans[""]
        return text[: root.start] + dump_value(op.value, style, "") + text[root.end :]
    parent_ptr = "".join("/" + escape(t) for t in tokens[:-1])
    last = tokens[-1]
    parent = spans.get(parent_ptr)
    if parent is None or parent.kind == "s":
        raise PatchError(f"{op.path}: parent is missing or not a container")
    target_ptr = _child_ptr(parent_ptr, last)
    target = spans.get(target_ptr) if last != "-" else None

    if op.op == "replace" or (op.op == "add" and parent.kind == "o" and target is not None):
        if target is None:
            raise PatchError(f"{op.path}: nothing to replace")
        new = replacement(text, spans, target_ptr, op.value, style)
        return text[: target.start] + new + text[target.end :]

    if op.op == "remove":
        if target is None:
            raise PatchError(f"{op.path}: nothing to remove")
        kids = parent.children
        idx = kids.index(last)
        if len(kids) == 1:
            return text[: parent.start + 1] + text[parent.end - 1 :]
        if idx < len(kids) - 1:
            nxt = spans[_child_ptr(parent_ptr, kids[idx + 1])]
            return text[: target.item_start] + text[nxt.item_start :]
        prev = spans[_child_ptr(parent_ptr, kids[idx - 1])]
        return text[: prev.end] + text[target.end :]

    # add
    sep, child_indent = _separator(text, spans, parent_ptr, style)
    key_sep = style.key_sep
    model = _inline_model(text, spans, parent_ptr, style)  # a one-line container the new value should look like
    value = dump_value(op.value, style, child_indent) if model is None else _inline(op.value, text, model)
    if model is parent:
        item_sep, key_sep = _inline_seps(text, parent)
        if len(parent.children) == 1:
            sep = item_sep + text[parent.start + 1 : spans[_child_ptr(parent_ptr, parent.children[0])].item_start]
    if parent.kind == "a":
        n = len(parent.children)
        idx = n if last == "-" else (int(last) if last.isdigit() else -1)
        if not 0 <= idx <= n:
            raise PatchError(f"{op.path}: index out of range")
        item = value
    else:
        idx = len(parent.children)
        item = json.dumps(last, ensure_ascii=False) + key_sep + value
    if not parent.children:
        if style.indent is None or model is not None:
            return text[: parent.start + 1] + item + text[parent.end - 1 :]
        closing_indent = _line_indent(text, parent.start)
        inner = style.newline + child_indent + item + style.newline + closing_indent
        return text[: parent.start + 1] + inner + text[parent.end - 1 :]
    if idx == len(parent.children):
        prev = spans[_child_ptr(parent_ptr, parent.children[-1])]
        return text[: prev.end] + sep + item + text[prev.end :]
    at = spans[_child_ptr(parent_ptr, parent.children[idx])]
    return text[: at.item_start] + item + sep + text[at.item_start :]
