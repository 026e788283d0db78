"""A unified diff of a file and its fixed text that stays fast on large, repetitive files.

``difflib.unified_diff`` compares every line with every other when lines repeat (``},`` and ``"type": {`` in a
JSON array of packets): 200 packets took a minute, 3,000 did not finish in ten. Fixes change a few lines here and
there, and the lines around them that occur once in each text (ids, labels) pin the two texts together: the
lines are matched on those unique lines first (patience diff), and ``difflib`` only compares the short stretches
between two such anchors.
"""

from __future__ import annotations

import difflib
from bisect import bisect_left
from collections.abc import Iterator, Sequence

#: stretches up to this many lines on both sides go straight to difflib
_SMALL = 400


def _unique_pairs(a: Sequence[str], b: Sequence[str], alo: int, ahi: int, blo: int, bhi: int) -> list[tuple[int, int]]:
    """(i, j) of the lines that occur exactly once in a[alo:ahi] and once in b[blo:bhi], the longest run in order."""
    seen_a: dict[str, int] = {}
    for i in range(alo, ahi):
        seen_a[a[i]] = -1 if a[i] in seen_a else i
    seen_b: dict[str, int] = {}
    for j in range(blo, bhi):
        line = b[j]
        if seen_a.get(line, -1) >= 0:
            seen_b[line] = -1 if line in seen_b else j
    pairs = sorted((seen_a[line], j) for line, j in seen_b.items() if j >= 0)
    # longest increasing subsequence of j (patience sorting), keeping the pairs it is made of
    tails: list[int] = []
    tail_at: list[int] = []
    prev: list[int] = [-1] * len(pairs)
    for k, (_i, j) in enumerate(pairs):
        pos = bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[pos] = j
            tail_at[pos] = k
        prev[k] = tail_at[pos - 1] if pos else -1
    out: list[tuple[int, int]] = []
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        out.append(pairs[k])
        k = prev[k]
    return out[::-1]


def _matches(
    a: Sequence[str], b: Sequence[str], alo: int, ahi: int, blo: int, bhi: int
) -> Iterator[tuple[int, int, int]]:
    """Matching blocks (i, j, n) of a[alo:ahi] and b[blo:bhi], in order."""
    while alo < ahi and blo < bhi and a[alo] == b[blo]:  # equal heads and tails need no search
        yield alo, blo, 1
        alo, blo = alo + 1, blo + 1
    tail: list[tuple[int, int, int]] = []
    while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
        ahi, bhi = ahi - 1, bhi - 1
        tail.append((ahi, bhi, 1))
    if alo < ahi and blo < bhi:
        anchors = [] if (ahi - alo) + (bhi - blo) <= _SMALL else _unique_pairs(a, b, alo, ahi, blo, bhi)
        if anchors:
            i0, j0 = alo, blo
            for i, j in anchors:
                yield from _matches(a, b, i0, i, j0, j)
                yield i, j, 1
                i0, j0 = i + 1, j + 1
            yield from _matches(a, b, i0, ahi, j0, bhi)
        else:
            sm = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
            for i, j, n in sm.get_matching_blocks():
                if n:
                    yield alo + i, blo + j, n
    yield from reversed(tail)


def _opcodes(a: Sequence[str], b: Sequence[str]) -> list[tuple[str, int, int, int, int]]:
    ops: list[tuple[str, int, int, int, int]] = []
    i = j = 0
    blocks = [*_matches(a, b, 0, len(a), 0, len(b)), (len(a), len(b), 0)]
    for bi, bj, n in blocks:
        tag = "replace" if i < bi and j < bj else "delete" if i < bi else "insert" if j < bj else ""
        if tag:
            ops.append((tag, i, bi, j, bj))
        if n:
            if ops and ops[-1][0] == "equal" and ops[-1][2] == bi and ops[-1][4] == bj:
                ops[-1] = ("equal", ops[-1][1], bi + n, ops[-1][3], bj + n)
            else:
                ops.append(("equal", bi, bi + n, bj, bj + n))
        i, j = bi + n, bj + n
    return ops


def _groups(ops: list[tuple[str, int, int, int, int]], n: int = 3) -> Iterator[list[tuple[str, int, int, int, int]]]:
    """Hunks as difflib's ``get_grouped_opcodes`` makes them, from our opcodes."""
    if not ops:
        ops = [("equal", 0, 1, 0, 1)]
    if ops[0][0] == "equal":
        tag, i1, i2, j1, j2 = ops[0]
        ops[0] = tag, max(i1, i2 - n), i2, max(j1, j2 - n), j2
    if ops[-1][0] == "equal":
        tag, i1, i2, j1, j2 = ops[-1]
        ops[-1] = tag, i1, min(i2, i1 + n), j1, min(j2, j1 + n)
    group: list[tuple[str, int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal" and i2 - i1 > 2 * n:
            group.append((tag, i1, min(i2, i1 + n), j1, min(j2, j1 + n)))
            yield group
            group = []
            i1, j1 = max(i1, i2 - n), max(j1, j2 - n)
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        yield group


def unified_diff(
    a: Sequence[str], b: Sequence[str], fromfile: str = "", tofile: str = "", n: int = 3
) -> Iterator[str]:
    """The lines of ``difflib.unified_diff(a, b, fromfile, tofile, n=n)`` (lines with their endings), fast."""
    started = False
    for group in _groups(_opcodes(a, b), n):
        if not started:
            started = True
            yield f"--- {fromfile}\n"
            yield f"+++ {tofile}\n"
        first, last = group[0], group[-1]
        yield f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                yield from (" " + line for line in a[i1:i2])
                continue
            if tag in ("replace", "delete"):
                yield from ("-" + line for line in a[i1:i2])
            if tag in ("replace", "insert"):
                yield from ("+" + line for line in b[j1:j2])


def _range(start: int, stop: int) -> str:
    """A hunk range as difflib writes it: ``start,length`` (1-based; one line: ``start``; none: ``start-1,0``)."""
    beginning, length = start + 1, stop - start
    if length == 1:
        return f"{beginning}"
    if not length:
        beginning -= 1
    return f"{beginning},{length}"


def diff_text(before: str, after: str, path: str, n: int = 3) -> str:
    r"""The unified diff of a file's text before and after its fixes, as ``git diff`` prints it.

    Headers ``a/PATH`` / ``b/PATH`` (an absolute path keeps its ``/``: ``a//tmp/x.json``, which ``patch -p1``
    applies to ``/tmp/x.json`` from any folder); a last line without a newline is marked ``\ No newline at end of
    file`` — without the mark, a one-line JSON packet's old and new line came out as one line.
    """
    lines = unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}",
                         n=n)
    return "".join(_marked_ends(lines))


def _marked_ends(lines: Iterator[str]) -> Iterator[str]:
    for line in lines:
        if line.endswith(("\n", "\r")):
            yield line
        else:
            yield line + "\n"
            yield "\\ No newline at end of file\n"
