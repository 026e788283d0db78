"""JSON pointer → line:column maps for JSON and YAML texts (built lazily, only when needed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_WS = " \t\r\n"


def escape(token: str | int) -> str:
    """Escape one reference token for an RFC 6901 pointer."""
    return str(token).replace("~", "~0").replace("/", "~1")


def join(pointer: str, *tokens: str | int) -> str:
    """``join("/a", "b", 0)`` → ``"/a/b/0"``."""
    return pointer + "".join("/" + escape(t) for t in tokens)


def split(pointer: str) -> list[str]:
    """Reference tokens of a pointer (unescaped)."""
    if not pointer:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.lstrip("/").split("/")]


@dataclass
class SourceMap:
    """Start positions of every value (and, with key ``pointer + "#key"``, every member name)."""

    positions: dict[str, tuple[int, int]]

    @classmethod
    def empty(cls) -> SourceMap:
        """A map that knows nothing (protobuf binary input)."""
        return cls({})

    def locate(self, pointer: str) -> tuple[int | None, int | None]:
        """(line, col) of ``pointer`` or of its nearest ancestor that exists in the text."""
        tokens = split(pointer)
        while True:
            p = "".join("/" + escape(t) for t in tokens)
            if p in self.positions:
                return self.positions[p]
            if not tokens:
                return (None, None)
            tokens.pop()

    @classmethod
    def from_json(cls, text: str, line_offset: int = 0) -> SourceMap:
        """Scan JSON text once; malformed text yields a partial map, never an exception."""
        positions: dict[str, tuple[int, int]] = {}
        n = len(text)
        i = 0
        line = 1 + line_offset
        line_start = 0

        def skip_ws(i: int) -> int:
            nonlocal line, line_start
            while i < n and text[i] in _WS:
                if text[i] == "\n":
                    line += 1
                    line_start = i + 1
                i += 1
            return i

        def read_string(i: int) -> tuple[str, int]:
            # text[i] == '"'
            j = i + 1
            chunks: list[str] = []
            while j < n:
                c = text[j]
                if c == '"':
                    return "".join(chunks), j + 1
                if c == "\\" and j + 1 < n:
                    nxt = text[j + 1]
                    if nxt == "u" and j + 5 < n:
                        try:
                            chunks.append(chr(int(text[j + 2 : j + 6], 16)))
                        except ValueError:
                            pass
                        j += 6
                        continue
                    chunks.append({"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}.get(nxt, nxt))
                    j += 2
                    continue
                chunks.append(c)
                j += 1
            return "".join(chunks), n

        # iterative parse with an explicit stack: (kind, pointer, next_index)
        stack: list[list[Any]] = []
        pointer = ""
        try:
            i = skip_ws(i)
            expecting_value = True
            while i < n:
                if expecting_value:
                    positions[pointer] = (line, i - line_start + 1)
                    c = text[i]
                    if c == "{":
                        stack.append(["o", pointer, 0])
                        i = skip_ws(i + 1)
                        if i < n and text[i] == "}":
                            stack.pop()
                            i += 1
                            expecting_value = False
                        else:
                            key_pos = (line, i - line_start + 1)
                            key, i = read_string(i)
                            ptr = stack[-1][1] + "/" + escape(key)
                            positions[ptr + "#key"] = key_pos
                            i = skip_ws(i)
                            i = skip_ws(i + 1)  # ':'
                            pointer = ptr
                            continue
                    elif c == "[":
                        stack.append(["a", pointer, 0])
                        i = skip_ws(i + 1)
                        if i < n and text[i] == "]":
                            stack.pop()
                            i += 1
                            expecting_value = False
                        else:
                            pointer = stack[-1][1] + "/0"
                            continue
                    elif c == '"':
                        _, i = read_string(i)
                        expecting_value = False
                    else:
                        while i < n and text[i] not in ",]}" and text[i] not in _WS:
                            i += 1
                        expecting_value = False
                    continue
                # after a value: ',' or closing bracket
                i = skip_ws(i)
                if i >= n or not stack:
                    break
                c = text[i]
                top = stack[-1]
                if c == ",":
                    i = skip_ws(i + 1)
                    if top[0] == "a":
                        top[2] += 1
                        pointer = top[1] + "/" + str(top[2])
                    else:
                        key_line, key_col = line, i - line_start + 1
                        key, i = read_string(i)
                        pointer = top[1] + "/" + escape(key)
                        positions[pointer + "#key"] = (key_line, key_col)
                        i = skip_ws(i)
                        i = skip_ws(i + 1)
                    expecting_value = True
                elif c in "]}":
                    stack.pop()
                    i += 1
                else:
                    break
        except IndexError:  # pragma: no cover - defensive on truncated text
            pass
        return cls(positions)

    @classmethod
    def from_yaml(cls, text: str, line_offset: int = 0) -> SourceMap:
        """Map from PyYAML's node marks (compose only; nothing is constructed)."""
        import yaml

        positions: dict[str, tuple[int, int]] = {}
        try:
            root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError:
            return cls(positions)
        if root is None:
            return cls(positions)
        todo: list[tuple[str, yaml.Node]] = [("", root)]
        while todo:
            ptr, node = todo.pop()
            mark = node.start_mark
            positions[ptr] = (mark.line + 1 + line_offset, mark.column + 1)
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    child = join(ptr, str(k.value))
                    positions[child + "#key"] = (k.start_mark.line + 1 + line_offset, k.start_mark.column + 1)
                    todo.append((child, v))
            elif isinstance(node, yaml.SequenceNode):
                for idx, v in enumerate(node.value):
                    todo.append((join(ptr, idx), v))
        return cls(positions)
