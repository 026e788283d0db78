"""Find line:column of a few JSON pointers in JSON text, scanning only as far as needed.

The engine needs locations only for documents that have findings, and usually only for a few pointers;
a regex tokenizer that stops once every wanted pointer is seen is much cheaper than a full source map.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from phenotk.io.sourcemap import escape, split

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+')


def _prefixes(pointer: str) -> list[str]:
    tokens = split(pointer)
    out = [""]
    acc = ""
    for t in tokens:
        acc += "/" + escape(t)
        out.append(acc)
    return out


def _drop_under(remaining: set[str], closed: str) -> bool:
    """Forget wanted pointers inside a container that just closed; True when nothing is left to find."""
    prefix = closed + "/"
    for p in [p for p in remaining if p.startswith(prefix)]:
        remaining.discard(p)
    return not remaining


def locate_json(text: str, pointers: Iterable[str], line_offset: int = 0) -> dict[str, tuple[int, int]]:
    """(line, column) (1-based) of each pointer, or of its nearest ancestor present in ``text``.

    Pointers that cannot be placed at all (malformed text) are left out of the result.
    """
    wanted_ptrs = set(pointers)
    if not wanted_ptrs:
        return {}
    wanted: set[str] = set()
    for p in wanted_ptrs:
        wanted.update(_prefixes(p))
    found: dict[str, int] = {}
    remaining = set(wanted)  # not seen yet; dropped when found or when their parent closes
    # frames: [is_object, pointer, next_index, current_key, expecting_key]
    stack: list[list[object]] = []
    expect_value = True
    for m in _TOKEN.finditer(text):
        tok = m.group()
        first = tok[0]
        if stack and stack[-1][0] and stack[-1][4]:  # object expecting a key or '}'
            if first == '"':
                raw = tok[1:-1]
                stack[-1][3] = json.loads(tok) if "\\" in raw else raw
                stack[-1][4] = False
            elif first == "}":
                closed = stack.pop()[1]
                expect_value = False
                if closed in wanted and _drop_under(remaining, str(closed)):
                    break
            continue
        if first == ":":
            expect_value = True
            continue
        if first == ",":
            if stack:
                if stack[-1][0]:
                    stack[-1][4] = True
                else:
                    expect_value = True
            continue
        if first in "}]":
            expect_value = False
            if stack:
                closed = stack.pop()[1]
                if closed in wanted and _drop_under(remaining, str(closed)):
                    break
            continue
        if not expect_value:
            continue
        if stack:
            frame = stack[-1]
            if frame[0]:
                ptr = f"{frame[1]}/{escape(str(frame[3]))}"
            else:
                idx = frame[2]
                frame[2] = int(idx) + 1  # type: ignore[call-overload]
                ptr = f"{frame[1]}/{idx}"
        else:
            ptr = ""
        expect_value = False
        if ptr in remaining:
            found[ptr] = m.start()
            remaining.discard(ptr)
            if not remaining:
                break
        if first == "{":
            stack.append([True, ptr, 0, None, True])
        elif first == "[":
            stack.append([False, ptr, 0, None, False])
            expect_value = True
    out: dict[str, tuple[int, int]] = {}
    cache: dict[int, tuple[int, int]] = {}
    for p in wanted_ptrs:
        for prefix in reversed(_prefixes(p)):
            off = found.get(prefix)
            if off is not None:
                pos = cache.get(off)
                if pos is None:
                    line = text.count("\n", 0, off) + 1 + line_offset
                    col = off - (text.rfind("\n", 0, off) + 1) + 1
                    pos = cache[off] = (line, col)
                out[p] = pos
                break
    return out
