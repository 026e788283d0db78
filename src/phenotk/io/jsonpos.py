"""Line:column of a few JSON pointers in JSON text: the skipping scan and the canonical-layout shortcut.

Two of the strategies :mod:`phenotk.io.positions` chooses from (the others: the root's position, the YAML
index of :class:`~phenotk.io.sourcemap.SourceMap`):

* :func:`locate_json` — a regex tokenizer that stops once every wanted pointer is seen, much cheaper than a
  full source map. Containers that hold no wanted pointer are skipped bracket to bracket (strings and
  scalars inside them are consumed by one regex step), so locating ``/metaData/...`` at the end of a file
  costs a few steps per feature rather than one per token.
* :func:`locate_canonical` — no scan at all for 2-space-indented JSON (every file of the public store).
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from collections.abc import Iterable
from typing import Any

import orjson

from phenotk.io.sourcemap import escape, split

_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'  # a JSON string, unrolled: no per-character alternation
_TOKEN = re.compile(r"\s*(" + _STRING + r'|[{}\[\],:]|[^\s{}\[\],:"]+)')
#: everything up to the next bracket that is not inside a string
_FILL = r'[^"\[\]{}]*(?:' + _STRING + r'[^"\[\]{}]*)*'
_TO_BRACKET = re.compile(_FILL)


def _nested(depth: int) -> str:
    """A regex for a container nested at most ``depth`` deep (brackets balanced, strings skipped whole)."""
    inner = ""
    for _ in range(depth):
        inner = r"[\[{]" + _FILL + (r"(?:" + inner + _FILL + r")*" if inner else "") + r"[\]}]"
    return inner


_CONTAINER = _nested(6)
#: one container in a single regex step (most values nest only a few levels; deeper ones fall back)
_WHOLE = re.compile(_CONTAINER)
_ITEM = r"\s*(?:" + _CONTAINER + "|" + _STRING + r'|[^\s,\[\]{}"]+)\s*,'


@functools.lru_cache(maxsize=512)
def _items(k: int) -> re.Pattern[str]:
    """``k`` array items and their commas in one step."""
    return re.compile(r"(?:" + _ITEM + r"){" + str(k) + "}")


def _prefixes(pointer: str) -> list[str]:
    tokens = split(pointer)
    out = [""]
    acc = ""
    for t in tokens:
        acc += "/" + escape(t)
        out.append(acc)
    return out


def _drop_under(remaining: set[str], closed: str, kids: dict[str, list[str]] | None = None) -> bool:
    """Forget wanted pointers inside a container that just closed; True when nothing is left to find.

    With ``kids`` (wanted pointer → its wanted children) only the closed container's wanted subtree is visited,
    not every pointer still remaining (which made 4,000 wanted siblings quadratic).
    """
    if kids is None:
        prefix = closed + "/"
        for p in [p for p in remaining if p.startswith(prefix)]:
            remaining.discard(p)
        return not remaining
    todo = list(kids.get(closed, ()))
    while todo and remaining:
        p = todo.pop()
        remaining.discard(p)
        todo.extend(kids.get(p, ()))
    return not remaining


def _skip(text: str, pos: int) -> int:
    """Index just after the container whose opening bracket ends at ``pos`` (``len(text)`` if unclosed)."""
    m = _WHOLE.match(text, pos - 1)
    if m is not None:
        return m.end()
    depth = 1
    n = len(text)
    to_bracket = _TO_BRACKET.match
    while True:
        pos = to_bracket(text, pos).end()  # type: ignore[union-attr]  # always matches (possibly empty)
        if pos >= n:
            return n
        c = text[pos]
        pos += 1
        if c == "{" or c == "[":
            depth += 1
        elif c == "}" or c == "]":
            depth -= 1
            if depth == 0:
                return pos
        else:  # an unterminated string: malformed text, nothing more to find
            return n


def _jump(text: str, pos: int, frame: list[object], indices: dict[str, list[int]]) -> int:
    """In an array about to read item ``frame[2]``: jump over the items before the next wanted one."""
    wanted = indices.get(str(frame[1]))
    if not wanted:
        return pos
    i = int(frame[2])  # type: ignore[call-overload]
    k = bisect.bisect_left(wanted, i)
    if k == len(wanted) or wanted[k] == i:
        return pos
    m = _items(wanted[k] - i).match(text, pos)
    if m is None:  # an item nested deeper than the one-step pattern: go item by item
        return pos
    frame[2] = wanted[k]
    return m.end()


class _Scan:
    """One :func:`locate_json` pass: the wanted pointers, the container stack and what was found so far.

    A stack frame is ``[is_object, pointer, next_index, current_key, expecting_key]``.
    """

    __slots__ = ("expect_value", "found", "indices", "kids", "remaining", "stack", "text", "wanted")

    def __init__(self, text: str, wanted_ptrs: set[str]) -> None:
        self.text = text
        self.wanted: set[str] = set()
        for p in wanted_ptrs:
            self.wanted.update(_prefixes(p))
        #: array pointer → the item indices wanted in it (sorted), so unwanted runs of items are jumped
        self.indices: dict[str, list[int]] = {}
        for w in self.wanted:
            head, _, last = w.rpartition("/")
            if last.isdigit() and w:
                self.indices.setdefault(head, []).append(int(last))
        for lst in self.indices.values():
            lst.sort()
        self.found: dict[str, int] = {}
        self.remaining = set(self.wanted)  # not seen yet; dropped when found or when their parent closes
        self.kids: dict[str, list[str]] = {}  # wanted pointer → its wanted children (wanted holds every prefix)
        for w in self.wanted:
            if w:
                self.kids.setdefault(w.rpartition("/")[0], []).append(w)
        self.stack: list[list[object]] = []
        self.expect_value = True

    def run(self) -> dict[str, int]:
        """Offsets of the wanted pointers (and their prefixes) seen in the text."""
        text, stack = self.text, self.stack
        pos = 0
        token = _TOKEN.match
        while True:
            m = token(text, pos)
            if m is None:
                break
            pos = m.end()
            tok = m.group(1)
            first = tok[0]
            if stack and stack[-1][0] and stack[-1][4]:  # object expecting a key or '}'
                if self._key(tok, first):
                    break
            elif first == ":":
                self.expect_value = True
            elif first == ",":
                pos = self._comma(pos)
            elif first in "}]":
                self.expect_value = False
                if stack and self._close():
                    break
            elif self.expect_value:
                pos, done = self._value(first, m.start(1), pos)
                if done:
                    break
        return self.found

    def _key(self, tok: str, first: str) -> bool:
        """A key (or the closing brace) of the innermost object; True when nothing is left to find."""
        if first == '"':
            raw = tok[1:-1]
            frame = self.stack[-1]
            frame[3] = json.loads(tok) if "\\" in raw else raw
            frame[4] = False
        elif first == "}":
            self.expect_value = False
            return self._close()
        return False

    def _close(self) -> bool:
        """Pop the innermost container; True when it held the last pointers still to find."""
        closed = self.stack.pop()[1]
        return closed in self.wanted and _drop_under(self.remaining, str(closed), self.kids)

    def _comma(self, pos: int) -> int:
        if self.stack:
            frame = self.stack[-1]
            if frame[0]:
                frame[4] = True
            else:
                self.expect_value = True
                pos = _jump(self.text, pos, frame, self.indices)
        return pos

    def _value(self, first: str, start: int, pos: int) -> tuple[int, bool]:
        """A value starting at ``start``: record it when wanted, enter or skip a container; (pos, done)."""
        ptr = self._pointer()
        self.expect_value = False
        if ptr in self.remaining:
            self.found[ptr] = start
            self.remaining.discard(ptr)
            if not self.remaining:
                return pos, True
        if first == "{" or first == "[":
            if ptr not in self.wanted:  # nothing wanted inside: jump over it
                pos = _skip(self.text, pos)
            elif first == "{":
                self.stack.append([True, ptr, 0, None, True])
            else:
                frame: list[object] = [False, ptr, 0, None, False]
                self.stack.append(frame)
                self.expect_value = True
                pos = _jump(self.text, pos, frame, self.indices)
        return pos, False

    def _pointer(self) -> str:
        """Pointer of the value about to be read (advancing the innermost array's index)."""
        if not self.stack:
            return ""
        frame = self.stack[-1]
        if frame[0]:
            return f"{frame[1]}/{escape(str(frame[3]))}"
        idx = frame[2]
        frame[2] = int(idx) + 1  # type: ignore[call-overload]
        return f"{frame[1]}/{idx}"


def locate_json(text: str, pointers: Iterable[str], line_offset: int = 0) -> dict[str, tuple[int, int]]:
    """(line, column) (1-based) of each pointer, or of its nearest ancestor present in ``text``.

    Pointers that cannot be placed at all (malformed text) are left out of the result.
    """
    wanted_ptrs = set(pointers)
    if not wanted_ptrs:
        return {}
    found = _Scan(text, wanted_ptrs).run()
    out: dict[str, tuple[int, int]] = {}
    # line numbers counted once through the text in offset order (a count from 0 per pointer made 200,000
    # findings quadratic)
    cache: dict[int, tuple[int, int]] = {}
    line, prev, line_start = 1 + line_offset, 0, 0
    for off in sorted(set(found.values())):
        breaks = text.count("\n", prev, off)
        if breaks:
            line += breaks
            line_start = text.rfind("\n", prev, off) + 1  # only the new stretch: one-line JSON stays linear
        prev = off
        cache[off] = (line, off - line_start + 1)
    for p in wanted_ptrs:
        for prefix in reversed(_prefixes(p)):
            at = found.get(prefix)
            if at is not None:
                out[p] = cache[at]
                break
    return out


# ------------------------------------------------------------------------------ canonical documents

_INDENT_2 = orjson.OPT_INDENT_2


def locate_canonical(raw: bytes, data: Any, pointers: Iterable[str]) -> dict[str, tuple[int, int]] | None:
    """Positions in a document written as 2-space-indented JSON of ``data``; None when that is not so.

    Most Phenopacket JSON is written that way (phenopacket-store, protobuf's and orjson's pretty printers:
    every file of the public store is). Then a value's place follows from what precedes it — each sibling
    serialised by orjson at C speed — instead of scanning the text. Results equal
    :func:`locate_json`'s (nearest existing ancestor for absent pointers).

    Safe for any input: every piece of text before a wanted value is compared byte for byte with its
    2-space serialisation, and ``data`` is what ``raw`` parses to, so a JSON parser reading the same
    prefix is exactly where the value starts; its line is counted in the pieces (a re-indented piece's line
    breaks from its growth), and its column is the width of the key or indent before it on its line. Only
    the text before the pointers is serialised (not the whole document, which costs about as much as
    parsing it), in one pass over the wanted subtree of the
    document: each sibling before a wanted value is serialised once, however many pointers follow it,
    and the pieces are compared with the text in one comparison; None when they differ.
    """
    if data and not raw.startswith(b'{\n  "'):  # compact or otherwise indented: no serialisation needed
        return None
    wanted = pointers if type(pointers) is set else set(pointers)
    if len(wanted) > MAX_CANONICAL_POINTERS:
        return None  # each pointer serialises what precedes it: the one-pass scan is cheaper for many
    if _known is not None and _known[0] is raw and _known[1] is data:  # the whole text was compared already
        placed = _find_known(raw, data, wanted)
        if placed is not None:
            return placed
    tree, split_of = _wanted_tree(wanted)
    found: dict[tuple[str, ...], tuple[int, int]] = {(): (1, 1)}
    if tree:
        pieces: list[bytes] = []  # the text expected before the last wanted value, compared once at the end
        try:
            _place(data, 1, 0, tree, (), found, pieces)
        except orjson.JSONEncodeError:  # e.g. an integer past 64 bits, which orjson does not write: the scan does
            return None
        if pieces and not raw.startswith(b"".join(pieces)):
            return None
    out: dict[str, tuple[int, int]] = {}
    for pointer, key in split_of:
        here = found.get(key)
        while here is None:  # absent: the nearest ancestor that is there (the root always is)
            key = key[:-1]
            here = found.get(key)
        out[pointer] = here
    return out


# ------------------------------------------------------------------------------ texts known to be canonical

#: (text, tree) of the last text found to be exactly its tree's 2-space serialisation (:func:`note_canonical`)
_known: tuple[bytes, Any] | None = None


def note_canonical(raw: bytes, data: Any) -> None:
    """Record that ``raw`` is ``data`` serialised by orjson with 2-space indents (optionally one final newline).

    Whoever compared the whole text with that serialisation (:func:`~phenotk.io.duplicate_keys.duplicate_keys`
    does, for every 2-space-indented JSON document) says so here; :func:`locate_canonical` then places the
    pointers of the same text and tree (the very objects: identity, not equality) by searching the text, without
    serialising anything. One document is remembered, the last one noted.
    """
    global _known
    _known = (raw, data)


#: :func:`_item`'s answer for what it cannot place by searching (the serialising placement then answers)
_GIVE_UP = (-1, -1, None)


def _find_known(raw: bytes, data: Any, wanted: set[str]) -> dict[str, tuple[int, int]] | None:
    """Positions of ``wanted`` in a text known to be ``data``'s 2-space serialisation; None: not by searching.

    In such text a member of an object ``level`` deep is the first line after the object's opening bracket that
    starts with its key at the indent of that level (deeper lines are indented further, no string holds a line
    break, and keys are unique), and the items of a list of objects are the lines starting with ``{`` at the
    indent of its items. Each pointer is followed token by token, the tree telling which tokens exist (an absent
    one leaves the nearest existing ancestor); lines are counted once through the text, in offset order.
    """
    found: list[tuple[int, int, str]] = []  # (offset, column, pointer)
    for pointer in wanted:
        steps = _STEPS.get(pointer)
        if steps is None:
            steps = _steps(pointer)
            if steps is None:
                return None
        off, column, node = 0, 1, data
        for tok, member, member_column, level in steps:
            if type(node) is dict:
                if tok not in node:
                    break
                at = raw.find(member, off)
                if at < 0:  # cannot be in such a text
                    return None
                off, column, node = at + len(member), member_column, node[tok]
            else:
                got = _item(raw, off, node, tok, level)
                if got is None:
                    break
                if got is _GIVE_UP:
                    return None
                off, column, node = got
        found.append((off, column, pointer))
    found.sort()
    out: dict[str, tuple[int, int]] = {}
    line, prev = 1, 0
    for off, column, pointer in found:
        if off != prev:
            line += raw.count(b"\n", prev, off)
            prev = off
        out[pointer] = (line, column)
    return out


#: pointer -> per token: (token, the text before its value were it a member, that value's column, its depth)
_STEPS: dict[str, tuple[tuple[str, bytes, int, int], ...]] = {}


def _steps(pointer: str) -> tuple[tuple[str, bytes, int, int], ...] | None:
    """The tokens of a pointer, each with what a member of that name starts with at its depth (kept per pointer).

    None for a token orjson cannot write (a lone surrogate: no key of a parsed tree).
    """
    steps = []
    for level, tok in enumerate(_tokens(pointer)):
        try:
            key = orjson.dumps(tok)
        except orjson.JSONEncodeError:
            return None
        head = b" " * (2 * level + 2) + key + b": "
        steps.append((tok, b"\n" + head, (len(head) if head.isascii() else len(head.decode("utf-8"))) + 1, level))
    out = tuple(steps)
    if len(_STEPS) < MAX_HEADS:  # pointers come from the input: the memo stays bounded
        _STEPS[pointer] = out
    return out


def _item(raw: bytes, off: int, node: Any, tok: str, level: int) -> tuple[int, int, Any] | None:
    """(offset, column, value) of item ``tok`` of ``node`` (a list at ``off`` if it is one); None: it has none."""
    if type(node) is not list:
        return None
    if not (tok.isdigit() and tok.isascii()):
        return _GIVE_UP if tok.isdigit() else None  # a digit of another script: as the serialising placement does
    i = int(tok)
    if i >= len(node) or (tok[0] == "0" and len(tok) > 1):  # past the end, or not an index as written ("01")
        return None
    indent = 2 * level + 2
    if not i:
        return off + 2 + indent, indent + 1, node[0]
    if type(node[i]) is not dict or not {*map(type, node[:i])} <= _DICT_ONLY:
        return _GIVE_UP
    opening = b"\n" + b" " * indent + b"{"  # the first line of each item (they are all objects)
    parts = raw[off:].split(opening, i + 1)  # stops after item i
    return off + sum(map(len, parts[: i + 1])) + (i + 1) * len(opening) - 1, indent + 1, node[i]


_DICT_ONLY = frozenset({dict})
#: above this many pointers :func:`locate_canonical` steps aside for the linear scan of :func:`locate_json`
MAX_CANONICAL_POINTERS = 256


Tree = dict[str, Any]
#: a set of wanted pointers → (their tree of tokens, each pointer with its tokens); the findings of a collection's
#: documents point at the same few sets (``/files``, ``/id`` …), so each tree is built once (read-only afterwards)
_TREES: dict[frozenset[str], tuple[Tree, tuple[tuple[str, tuple[str, ...]], ...]]] = {}


def _wanted_tree(wanted: Iterable[str]) -> tuple[Tree, tuple[tuple[str, tuple[str, ...]], ...]]:
    key = frozenset(wanted)
    hit = _TREES.get(key)
    if hit is not None:
        return hit
    tree: Tree = {}  # token → the wanted subtree below it
    split_of = []
    for pointer in key:
        tokens = _tokens(pointer)
        split_of.append((pointer, tokens))
        t = tree
        for tok in tokens:
            sub = t.get(tok)
            if sub is None:
                sub = t[tok] = {}
            t = sub
    hit = (tree, tuple(split_of))
    if len(_TREES) < 4096:  # pointers come from the input: the memo stays bounded
        _TREES[key] = hit
    return hit


@functools.lru_cache(maxsize=4096)
def _tokens(pointer: str) -> tuple[str, ...]:
    """The unescaped tokens of a pointer (the same few pointers recur in every document of a collection)."""
    return tuple(split(pointer)) if pointer else ()


#: per level, key → the text before the key's value in a 2-space-indented object that deep
_HEADS: list[dict[str, bytes]] = []
#: per level, the indent of that level's members and items, after a line break
_BREAKS: list[bytes] = []


def _heads(level: int) -> dict[str, bytes]:
    while len(_HEADS) <= level:
        _HEADS.append({})
        _BREAKS.append(b"\n" + b" " * (2 * len(_BREAKS) + 2))
    return _HEADS[level]


#: the most key heads kept over all levels (keys and depths come from the input: the memo stays bounded)
MAX_HEADS = 65536
_kept = 0


def _head(key: str, level: int) -> bytes:
    global _kept
    head = b" " * (2 * (level + 1)) + orjson.dumps(key) + b": "
    heads = _heads(level)
    if _kept < MAX_HEADS:
        heads[key] = head
        _kept += 1
    return head


def _slice(items: list[Any], start: int, stop: int, level: int, inner: bytes) -> tuple[bytes, int]:
    """``items[start:stop]`` serialised as a top-level list re-indented to ``level``, and its line breaks.

    ``inner`` is the indent of the list's items at this level; the line breaks are counted from what the
    re-indenting added (or counted, at the top level).
    """
    text = orjson.dumps(items[start:stop], option=_INDENT_2)
    if not level:
        return text, text.count(b"\n")
    size = len(text)
    text = text.replace(b"\n", b"\n" + inner[2:])
    return text, (len(text) - size) // (2 * level)


def _place(
    node: Any,
    line: int,
    level: int,
    tree: dict[str, Any],
    path: tuple[str, ...],
    found: dict[Any, tuple[int, int]],
    pieces: list[bytes],
) -> None:
    """Record in ``found`` the (line, column) of the wanted values below ``node``, if the text is as expected.

    ``tree`` holds the wanted tokens below ``node`` (each with its own wanted subtree), ``node`` starts on
    line ``line`` and sits ``level`` deep. The places hold only if the text before the last wanted value is the
    2-space serialisation of what precedes it in the document: that text is appended to ``pieces`` (the text
    from the start of the document on), which the caller compares with the document once. The pieces below a
    wanted value that is not the last are replaced by the value's whole serialisation, which covers them.
    Each wanted value starts a line's content after its key (``"key": ``) or its item indent.
    """
    dumps = orjson.dumps
    if type(node) is dict:
        left = 0
        for tok in tree:
            if tok in node:
                left += 1
        if not left:
            return
        pieces.append(b"{\n")
        line += 1
        heads = _HEADS[level] if level < len(_HEADS) else _heads(level)
        nl = _BREAKS[level]  # a line break inside a value embedded at this level
        grow = len(nl) - 1  # what re-indenting adds per line break
        for key, value in node.items():
            head = heads.get(key)
            if head is None:
                head = _head(key, level)
            pieces.append(head)
            sub = tree.get(key)
            if sub is not None:
                here = (*path, key)
                found[here] = (line, (len(head) if head.isascii() else len(head.decode("utf-8"))) + 1)
                left -= 1
                if sub:
                    mark = len(pieces)
                    _place(value, line, level + 1, sub, here, found, pieces)
                    if not left:
                        return
                    del pieces[mark:]  # the value's whole text below covers what was expected inside it
                elif not left:
                    return
            text = dumps(value, option=_INDENT_2)
            if b"\n" in text:
                size = len(text)
                text = text.replace(b"\n", nl)
                line += (len(text) - size) // grow
            pieces.append(text)
            pieces.append(b",\n")
            line += 1
        return  # pragma: no cover - every wanted key was met above
    if type(node) is list:
        n = len(node)
        wanted = sorted(
            {int(tok) for tok in tree if tok.isdigit() and (tok == "0" or not tok.startswith("0")) and int(tok) < n}
        )
        if not wanted:
            return
        if level >= len(_BREAKS):
            _heads(level)
        inner = _BREAKS[level][1:]
        at = -1  # the item on whose first line ``line`` is, once one was placed (-1: the opening bracket's)
        sep = b",\n" + inner
        cut = len(inner)  # the closing "\n", indent and "]" of a re-indented slice
        column = len(inner) + 1
        mark = 0
        for i in wanted:
            # a slice of the items serialised as a top-level list, re-indented to this level: "[\n" + items
            # joined by ",\n" + "\n]", its line breaks counted from its growth (or counted, at the top level)
            if at < 0:
                if i:  # the i items before; here the closing line is the next item's separator instead
                    before, breaks = _slice(node, 0, i, level, inner)
                    pieces.append(before[:-cut])
                    pieces.append(sep)
                    line += breaks  # less the cut closing line, plus the separator's
                else:
                    pieces.append(b"[\n" + inner)
                    line += 1
            else:  # from the start of the item placed before: the items in between, without the brackets
                del pieces[mark:]  # what was expected inside the item before: its text below covers it
                between, breaks = _slice(node, at, i, level, inner)
                pieces.append(between[2 + len(inner) : -cut])
                pieces.append(sep)
                line += breaks - 1  # less the opening and closing lines, plus the separator's
            at = i
            tok = str(i)
            here = (*path, tok)
            found[here] = (line, column)
            sub = tree[tok]
            mark = len(pieces)
            if sub:
                _place(node[i], line, level + 1, sub, here, found, pieces)


_BLANKS = re.compile(rb"[ \t\r\n]*")


def root_position(raw: bytes) -> tuple[int, int]:
    """(line, column) of a JSON text's root value: its first non-blank character."""
    if raw[:1] not in b" \t\r\n":  # starts with the root value (b"" is in every bytes: it takes the long way)
        return 1, 1
    start = _BLANKS.match(raw).end()  # type: ignore[union-attr]  # matches (possibly empty) everywhere
    return raw.count(b"\n", 0, start) + 1, start - (raw.rfind(b"\n", 0, start) + 1) + 1


__all__ = ["locate_canonical", "locate_json", "note_canonical", "root_position"]
