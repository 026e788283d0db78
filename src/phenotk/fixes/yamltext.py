"""Patch operations spliced into block-style YAML *text* (PyYAML node marks give the spans).

Handles what phenopacket YAML looks like in practice: block mappings and sequences with plain or
quoted scalars, and flow collections written by hand (``type: {id: "HP:0001250", label: seizure}``).
Anything else (block scalars, emptying a block collection) raises ``PatchError`` and the caller falls
back to re-serialising the document.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from phenotk.fixes.patch import PatchError
from phenotk.io.sourcemap import escape, split
from phenotk.issue import PatchOp

_WIDTH = 2**31 - 1


def _index(text: str) -> tuple[dict[str, yaml.Node], dict[str, yaml.Node]]:
    """(pointer → value node, pointer → key node) for a YAML text."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)  # pure-Python loader: marks are character offsets
    except yaml.YAMLError as exc:
        raise PatchError(f"cannot scan YAML text: {exc}") from None
    if root is None:
        raise PatchError("empty YAML document")
    values: dict[str, yaml.Node] = {}
    keys: dict[str, yaml.Node] = {}
    todo: list[tuple[str, yaml.Node]] = [("", root)]
    while todo:
        ptr, node = todo.pop()
        values[ptr] = node
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                child = ptr + "/" + escape(str(k.value))
                keys[child] = k
                todo.append((child, v))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                todo.append((ptr + "/" + str(i), v))
    return values, keys


_ALIAS_AFTER_KEY = re.compile(r"[ \t]*:[ \t]*\*[^\s,\[\]{}]+")


def _end(node: yaml.Node, text: str) -> int:
    """Offset just after the last character that belongs to ``node``.

    An alias (``type: *sz``) is composed into the anchored node itself, whose marks lie where the anchor is:
    a block mapping ending in an alias ends after the ``*name`` token; a block sequence ending in one cannot be
    placed (``PatchError``: the caller re-serialises).
    """
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
        return int(node.end_mark.index)
    if isinstance(node, yaml.MappingNode):
        key, value = node.value[-1]
        if int(value.start_mark.index) < int(key.end_mark.index):  # the value sits before its key: an alias
            m = _ALIAS_AFTER_KEY.match(text, int(key.end_mark.index))
            if m is None:
                raise PatchError("alias layout not supported for splicing")
            return m.end()
        return _end(value, text)
    last = node.value[-1]
    if int(last.start_mark.index) < int(node.start_mark.index):
        raise PatchError("a sequence ending in an alias is not supported for splicing")
    return _end(last, text)


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _next_line(text: str, pos: int) -> int:
    nl = text.find("\n", pos)
    return len(text) if nl < 0 else nl + 1


def _only_spaces_before(text: str, pos: int) -> bool:
    return text[_line_start(text, pos) : pos].strip(" ") == ""


def _dash(text: str, item: yaml.Node) -> int:
    """Offset of the ``-`` that introduces a block sequence item (must open its line)."""
    j = int(item.start_mark.index) - 1
    while j >= 0 and text[j] == " ":
        j -= 1
    if j < 0 or text[j] != "-" or not _only_spaces_before(text, j):
        raise PatchError("sequence item layout not supported for splicing")
    return j


def _scalar(value: Any, style: str | None) -> str:
    if isinstance(value, str):
        if style == '"':
            return json.dumps(value, ensure_ascii=False)
        if style == "'" and "\n" not in value:
            return "'" + value.replace("'", "''") + "'"
    out = yaml.safe_dump(value, allow_unicode=True, width=_WIDTH)
    out = out.removesuffix("...\n").rstrip("\n")
    if "\n" in out:
        raise PatchError("multi-line scalar not supported for splicing")
    return out


def _block(value: Any, col: int, nl: str = "\n") -> str:
    """Block YAML for a container; continuation lines indented to column ``col`` (0-based), ended by ``nl``."""
    out = yaml.safe_dump(value, sort_keys=False, default_flow_style=False, allow_unicode=True, width=_WIDTH)
    return (nl + " " * col).join(out.rstrip("\n").split("\n"))


def _newline(text: str) -> str:
    """The line ending the text uses (CRLF when it has any: a Windows-edited file keeps CRLF on added lines)."""
    return "\r\n" if "\r\n" in text else "\n"


def _render(value: Any, node: yaml.Node | None, col: int, nl: str = "\n") -> str:
    if isinstance(value, (dict, list)):
        if not value or (
            node is not None and (isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False))
        ):
            return json.dumps(value, ensure_ascii=False)
        return _block(value, col, nl)
    style = node.style if isinstance(node, yaml.ScalarNode) else None
    if style in ("|", ">"):
        raise PatchError("block scalar not supported for splicing")
    return _scalar(value, style)


def _rename(text: str, values: dict[str, yaml.Node], keys: dict[str, yaml.Node], op: PatchOp) -> str:
    src, dst = split(op.from_ or ""), split(op.path)
    if not src or len(src) != len(dst) or src[:-1] != dst[:-1]:
        raise PatchError(f"{op.path}: only renaming a member in place is spliced")
    parent = values.get("".join("/" + escape(t) for t in src[:-1]))
    key = keys.get(op.from_ or "")
    if not isinstance(parent, yaml.MappingNode) or key is None or (op.path in values):
        raise PatchError(f"{op.path}: cannot rename in place")
    return text[: key.start_mark.index] + _scalar(dst[-1], getattr(key, "style", None)) + text[key.end_mark.index :]


_FLOW_UNSAFE = frozenset(",[]{}#&*!|>'\"%@`")


def _flow_value(value: Any, node: yaml.Node | None) -> str:
    """YAML for ``value`` inside a flow collection: JSON for containers, strings quoted when plain would break."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    style = node.style if isinstance(node, yaml.ScalarNode) else None
    if style in ("|", ">"):
        raise PatchError("block scalar not supported for splicing")
    out = _scalar(value, style)
    if isinstance(value, str) and style is None and (_FLOW_UNSAFE & set(out) or ": " in out):
        return json.dumps(value, ensure_ascii=False)
    return out


def _flow_op(text: str, parent: yaml.Node, target: yaml.Node | None, key: yaml.Node | None, last: str,
             op: PatchOp) -> str:
    """Add / remove / replace inside a flow mapping ``{…}`` or flow sequence ``[…]``."""
    if op.op == "replace" or (op.op == "add" and isinstance(parent, yaml.MappingNode) and target is not None):
        if target is None:
            raise PatchError(f"{op.path}: nothing to replace")
        start, end = int(target.start_mark.index), _end(target, text)
        return text[:start] + _flow_value(op.value, target) + text[end:]
    close = int(parent.end_mark.index) - 1  # the closing } or ]
    if text[close] not in "}]":
        raise PatchError(f"{op.path}: flow collection layout not supported for splicing")
    if op.op == "remove":
        if target is None:
            raise PatchError(f"{op.path}: nothing to remove")
        first = int(key.start_mark.index) if isinstance(parent, yaml.MappingNode) and key is not None else int(
            target.start_mark.index)
        end = _end(target, text)
        j = end
        while j < close and text[j] in " \t\r\n":
            j += 1
        if text[j] == ",":  # take the comma after it (and the spaces up to the next member)
            j += 1
            while j < close and text[j] in " \t":
                j += 1
            return text[:first] + text[j:]
        i = first - 1
        while i > 0 and text[i] in " \t\r\n":
            i -= 1
        if text[i] == ",":  # the last member: take the comma before it
            return text[:i] + text[end:]
        return text[:first] + text[end:]  # the only member: {} or [] remains
    # add: at the end, or before item ``last`` of a sequence
    if isinstance(parent, yaml.SequenceNode):
        n = len(parent.value)
        idx = n if last == "-" else (int(last) if last.isdigit() else -1)
        if not 0 <= idx <= n:
            raise PatchError(f"{op.path}: index out of range")
        item = _flow_value(op.value, None)
        if idx < n:
            at = int(parent.value[idx].start_mark.index)
            return text[:at] + item + ", " + text[at:]
    else:
        item = _scalar(last, None) + ": " + _flow_value(op.value, None)
    if not parent.value:
        return text[:close] + item + text[close:]
    at = _end(parent.value[-1][1] if isinstance(parent, yaml.MappingNode) else parent.value[-1], text)
    return text[:at] + ", " + item + text[at:]


def apply_op_text(text: str, op: PatchOp) -> str:
    """Splice one add/remove/replace (or an in-place member rename) into block-style YAML ``text``.

    Raises ``PatchError`` when the operation does not fit the text's layout.
    """
    values, keys = _index(text)
    nl = _newline(text)
    if op.op == "move":
        return _rename(text, values, keys, op)
    tokens = split(op.path)
    if not tokens:
        raise PatchError("whole-document replacement is a re-serialisation")
    parent_ptr = "".join("/" + escape(t) for t in tokens[:-1])
    last = tokens[-1]
    parent = values.get(parent_ptr)
    if parent is None or isinstance(parent, yaml.ScalarNode):
        raise PatchError(f"{op.path}: parent is missing or not a container")
    target_ptr = parent_ptr + "/" + escape(last)
    target = values.get(target_ptr) if last != "-" else None
    if getattr(parent, "flow_style", False):
        return _flow_op(text, parent, target, keys.get(target_ptr), last, op)

    if op.op == "replace" or (op.op == "add" and isinstance(parent, yaml.MappingNode) and target is not None):
        if target is None:
            raise PatchError(f"{op.path}: nothing to replace")
        start, end = int(target.start_mark.index), _end(target, text)
        return text[:start] + _render(op.value, target, int(target.start_mark.column), nl) + text[end:]

    if op.op == "remove":
        if target is None:
            raise PatchError(f"{op.path}: nothing to remove")
        if len(parent.value) == 1:
            raise PatchError(f"{op.path}: emptying a block collection")
        if isinstance(parent, yaml.SequenceNode):
            first = _dash(text, target)
        else:
            key = keys[target_ptr]
            first = int(key.start_mark.index)
            if not _only_spaces_before(text, first):
                raise PatchError("mapping member layout not supported for splicing")
        return text[: _line_start(text, first)] + text[_next_line(text, _end(target, text)) :]

    # add
    if isinstance(parent, yaml.SequenceNode):
        n = len(parent.value)
        idx = n if last == "-" else (int(last) if last.isdigit() else -1)
        if not 0 <= idx <= n:
            raise PatchError(f"{op.path}: index out of range")
        dash = _dash(text, parent.value[-1] if idx == n else parent.value[idx])
        col = dash - _line_start(text, dash)
        item = " " * col + "- " + _render(op.value, None, col + 2, nl) + nl
        if idx < n:
            at = _line_start(text, dash)
            return text[:at] + item + text[at:]
        anchor = parent.value[-1]
    else:
        last_key, anchor = parent.value[-1]
        col = int(last_key.start_mark.column)
        before = text[_line_start(text, int(last_key.start_mark.index)) : int(last_key.start_mark.index)]
        if before.replace("-", " ").strip(" "):
            raise PatchError("mapping member layout not supported for splicing")
        item = " " * col + _block({last: op.value}, col, nl) + nl
    at = _next_line(text, _end(anchor, text))
    prefix = text[:at]
    if not prefix.endswith("\n"):
        prefix += nl
    return prefix + item + text[at:]
