r"""Keys stated twice in one JSON object.

RFC 8259 says the names in an object SHOULD be unique and leaves the meaning of a repeated name to the reader.
protobuf's JSON parsers decide: Python's ``json_format.Parse`` refuses the document ("duplicate key") and
Java's ``JsonFormat`` (the reference validator) refuses it ("has already been set"), while orjson — phenotk's
reader — keeps the last value without a word. So a file phenotk reads may be refused downstream, and the value
the curator wrote first is silently gone.

:func:`duplicate_keys` costs little on the usual file: 2-space-indented text (every file of the public store) that
equals the parsed tree re-serialised by orjson the same way has no repeated key (a serialised object never does);
otherwise the number of ``"`` in the text is compared with the number in the tree re-serialised by orjson (both
counted in C). A repeated key leaves at least its two quotes fewer in the tree, so equal counts mean no
repetition. Only when they differ — a repetition, or a quote written as ``\u0022`` — is the text scanned token by
token to name each repeated key exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

from phenotk.io.jsonpos import note_canonical
from phenotk.io.sourcemap import escape

_STRING = rb'"[^"\\]*(?:\\.[^"\\]*)*"'
_TOKEN = re.compile(rb"\s*(" + _STRING + rb'|[{}\[\],:]|[^\s{}\[\],:"]+)')


@dataclass(frozen=True)
class Duplicate:
    """``key`` written ``count`` times in the object at ``pointer`` (the last value is the one read)."""

    pointer: str
    key: str
    count: int

    @property
    def member(self) -> str:
        """The pointer of the repeated member."""
        return f"{self.pointer}/{escape(self.key)}"


def duplicate_keys(raw: bytes, tree: Any) -> list[Duplicate]:
    """Every key written more than once in one object of the JSON text ``raw`` (whose parsed form is ``tree``)."""
    if not isinstance(tree, (dict, list)):
        return []
    if raw.startswith(b'{\n  "'):  # 2-space-indented: the text is most likely the tree's own serialisation
        try:
            pretty = orjson.dumps(tree, option=orjson.OPT_INDENT_2)
        except (TypeError, orjson.JSONEncodeError):  # an integer past 64 bits: count exactly
            return scan(raw)
        if raw == pretty or (len(raw) == len(pretty) + 1 and raw.endswith(b"\n") and raw.startswith(pretty)):
            note_canonical(raw, tree)  # the document's findings are then placed by searching the text
            return []  # one comparison instead of counting quotes in the text and in the tree (~8 instructions a byte)
    try:
        written = orjson.dumps(tree).count(b'"')
    except (TypeError, orjson.JSONEncodeError):  # an integer past 64 bits: count exactly
        return scan(raw)
    if raw.count(b'"') == written:
        return []
    return scan(raw)


def scan(raw: bytes) -> list[Duplicate]:
    """The exact answer: walk the tokens, keep the keys seen per open object (malformed text: what was seen)."""
    # frames: [pointer, keys seen (dict key → count) or None for an array, next array index, pending key]
    stack: list[list[Any]] = []
    found: dict[tuple[str, str], int] = {}
    pos, end = 0, len(raw)
    expect_key = False
    while pos < end:
        m = _TOKEN.match(raw, pos)
        if m is None:
            break
        pos = m.end()
        tok = m.group(1)
        first = tok[:1]
        if first == b"{":
            stack.append([_child(stack), {}, 0, None])
            expect_key = True
        elif first == b"[":
            stack.append([_child(stack), None, 0, None])
            expect_key = False
        elif first in (b"}", b"]"):
            if stack:
                stack.pop()
            expect_key = False
        elif first == b",":
            if stack and stack[-1][1] is not None:
                expect_key = True
            elif stack:
                stack[-1][2] += 1
        elif first == b":":
            expect_key = False
        elif first == b'"' and expect_key and stack:
            key = _decode(tok)
            keys = stack[-1][1]
            keys[key] = keys.get(key, 0) + 1
            if keys[key] > 1:
                found[(stack[-1][0], key)] = keys[key]
            stack[-1][3] = key
            expect_key = False
    return [Duplicate(p, k, n) for (p, k), n in found.items()]


def _child(stack: list[list[Any]]) -> str:
    """The pointer of a container opened as the next value of the innermost open container."""
    if not stack:
        return ""
    top = stack[-1]
    if top[1] is None:  # an array: the item index
        return f"{top[0]}/{top[2]}"
    return f"{top[0]}/{escape(top[3] or '')}"


def _decode(tok: bytes) -> str:
    try:
        value = orjson.loads(tok)
    except orjson.JSONDecodeError:
        return tok[1:-1].decode("utf-8", "replace")
    return value if isinstance(value, str) else str(value)


def yaml_duplicates(text: str) -> list[Duplicate]:
    """Every key written more than once in one mapping of the YAML ``text`` (PyYAML, too, keeps the last).

    The text is composed (not constructed) once more, so this costs about two thirds of a YAML load; YAML
    inputs are read for people, not by the million.
    """
    import yaml

    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError, ValueError):
        return []  # what cannot be composed was already refused by the reader
    found: dict[tuple[str, str], int] = {}
    stack: list[tuple[Any, str]] = [(root, "")] if root is not None else []
    seen: set[int] = set()
    while stack:
        node, pointer = stack.pop()
        if id(node) in seen:  # an alias points at a node met before
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            counts: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if key is None:
                    continue
                counts[key] = counts.get(key, 0) + 1
                if counts[key] > 1:
                    found[(pointer, key)] = counts[key]
                stack.append((value_node, f"{pointer}/{escape(key)}"))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, f"{pointer}/{i}") for i, item in enumerate(node.value))
    return [Duplicate(p, k, n) for (p, k), n in sorted(found.items())]
