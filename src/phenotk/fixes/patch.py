"""JSON Patch on plain trees, with the ordering and conflict rules ``phenotk fix`` needs.

Rules compute their fixes independently, each against the *original* document. Applying them one
after the other with plain RFC 6902 semantics would go wrong as soon as one fix removes an array
element that another fix points behind. So fixes are applied **from the end of the document
backwards** (array indices descending): an operation only ever shifts pointers that lie after it,
and those have been applied already. Two fixes touching the same path (or one a parent of the
other) conflict: the first one wins, the other is reported as not applied.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from phenotk.io.sourcemap import split
from phenotk.issue import Fix, PatchOp

SUPPORTED_OPS = frozenset({"add", "remove", "replace", "move"})


class PatchError(ValueError):
    """An operation that does not fit the document (missing parent, bad index, unsupported op)."""


@dataclass
class Skipped:
    """A fix that was not applied, and why."""

    fix: Fix
    reason: str


@dataclass
class PlannedOp:
    """One operation of an accepted fix, with its sort key (document order)."""

    op: PatchOp
    seq: int  # order of the fix in the input list
    key: tuple[Any, ...]


@dataclass
class Plan:
    """Accepted operations in application order (last position first) and the fixes left out."""

    ops: list[PlannedOp] = field(default_factory=list)
    accepted: list[Fix] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _token_key(token: str) -> tuple[int, Any]:
    if token == "-":
        return (0, float("inf"))
    if token.isdigit():
        return (0, int(token))
    return (1, token)


def sort_key(pointer: str) -> tuple[Any, ...]:
    """Key that orders pointers by position among siblings (array indices numerically, ``-`` last)."""
    return tuple(_token_key(t) for t in split(pointer))


def _overlaps(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` are the same path or one lies inside the other."""
    if a == b:
        return True
    return b.startswith(a + "/") or a.startswith(b + "/")


def _paths(op: PatchOp) -> tuple[str, ...]:
    return (op.path, op.from_) if op.from_ is not None else (op.path,)


def _ancestors(pointer: str) -> list[str]:
    """Proper ancestors of a pointer, root (``""``) first: ``/a/b`` → ``["", "/a"]``."""
    out = []
    pos = pointer.find("/", 1) if pointer else -1
    if pointer:
        out.append("")
    while pos != -1:
        out.append(pointer[:pos])
        pos = pointer.find("/", pos + 1)
    return out


def _clash(op: PatchOp, a: str, taken_at: dict[str, list[PatchOp]], below: dict[str, PatchOp]) -> PatchOp | None:
    """An accepted op that ``op`` (at its path or from-path ``a``) overlaps, as :func:`_overlaps` defines it."""
    for t in taken_at.get(a, ()):
        if not (_is_append(op) and _is_append(t) and op.path == t.path):
            return t
    for anc in _ancestors(a):
        hit = taken_at.get(anc)
        if hit:
            return hit[0]
    return below.get(a)


def _is_append(op: PatchOp) -> bool:
    return op.op == "add" and split(op.path)[-1:] == ["-"]


def plan(fixes: Iterable[Fix]) -> Plan:
    """Accept fixes in order, dropping those that conflict with an earlier one; order their ops.

    Conflict: an op whose path equals, contains or lies inside the path of an op of an already
    accepted fix (two appends to the same array, ``…/-``, do not conflict).
    """
    out = Plan()
    # indexes instead of comparing every op with every accepted op (4,000 duplicate features: 16 M comparisons)
    taken_at: dict[str, list[PatchOp]] = {}  # pointer → accepted ops at exactly that pointer
    below: dict[str, PatchOp] = {}  # pointer → an accepted op strictly inside it
    for seq, fx in enumerate(fixes):
        if not fx.ops:
            out.skipped.append(Skipped(fx, "empty fix (no patch operations)"))
            continue
        bad = [op for op in fx.ops if op.op not in SUPPORTED_OPS]
        if bad:
            out.skipped.append(Skipped(fx, f"unsupported patch operation {bad[0].op!r}"))
            continue
        clash = next((c for op in fx.ops for a in _paths(op) if (c := _clash(op, a, taken_at, below)) is not None),
                     None)
        if clash is not None:
            out.skipped.append(Skipped(fx, f"conflicts with an earlier fix at {clash.path or '/'}"))
            continue
        out.accepted.append(fx)
        for op in fx.ops:
            for b in _paths(op):
                taken_at.setdefault(b, []).append(op)
                for anc in _ancestors(b):
                    below.setdefault(anc, op)
        out.ops.extend(PlannedOp(op, seq, sort_key(op.path)) for op in fx.ops)
    # last position first; among appends to the same array keep the input order
    out.ops.sort(key=lambda p: (p.key, -p.seq), reverse=True)
    return out


# ---------------------------------------------------------------- tree application


def _parent(tree: Any, tokens: Sequence[str], path: str) -> Any:
    node = tree
    for t in tokens[:-1]:
        if isinstance(node, dict):
            if t not in node:
                raise PatchError(f"{path}: no member {t!r}")
            node = node[t]
        elif isinstance(node, list):
            if not t.isdigit() or int(t) >= len(node):
                raise PatchError(f"{path}: no element {t}")
            node = node[int(t)]
        else:
            raise PatchError(f"{path}: cannot descend into a {type(node).__name__}")
    return node


def _get(tree: Any, pointer: str) -> Any:
    node = tree
    for t in split(pointer):
        if isinstance(node, dict) and t in node:
            node = node[t]
        elif isinstance(node, list) and t.isdigit() and int(t) < len(node):
            node = node[int(t)]
        else:
            raise PatchError(f"{pointer}: no such value")
    return node


def apply_op(tree: Any, op: PatchOp) -> Any:
    """Apply one add/remove/replace/move to ``tree`` in place; returns the (possibly new) root."""
    if op.op == "move":
        if op.from_ is None:
            raise PatchError(f"{op.path}: move without 'from'")
        if op.path.startswith(op.from_ + "/"):
            raise PatchError(f"{op.path}: cannot move a value into itself")
        value = _get(tree, op.from_)
        tree = apply_op(tree, PatchOp("remove", op.from_))
        return apply_op(tree, PatchOp("add", op.path, value))
    tokens = split(op.path)
    value = copy.deepcopy(op.value)
    if not tokens:
        if op.op in ("add", "replace"):
            return value
        raise PatchError("cannot remove the whole document")
    parent = _parent(tree, tokens, op.path)
    last = tokens[-1]
    if isinstance(parent, dict):
        if op.op == "add":
            parent[last] = value
        elif last not in parent:
            raise PatchError(f"{op.path}: no member {last!r}")
        elif op.op == "replace":
            parent[last] = value
        else:
            del parent[last]
        return tree
    if isinstance(parent, list):
        if op.op == "add":
            idx = len(parent) if last == "-" else (int(last) if last.isdigit() else -1)
            if not 0 <= idx <= len(parent):
                raise PatchError(f"{op.path}: index out of range")
            parent.insert(idx, value)
            return tree
        if not last.isdigit() or int(last) >= len(parent):
            raise PatchError(f"{op.path}: no element {last}")
        if op.op == "replace":
            parent[int(last)] = value
        else:
            del parent[int(last)]
        return tree
    raise PatchError(f"{op.path}: parent is a {type(parent).__name__}, not an object or array")


def apply_to_tree(tree: Any, fixes: Iterable[Fix]) -> tuple[Any, Plan]:
    """Apply fixes to a deep copy of ``tree`` (original-document semantics); returns (new tree, plan).

    A fix whose operation does not fit the document is moved from ``accepted`` to ``skipped``
    (its other operations are rolled back: fixes are all-or-nothing).
    """
    p = plan(fixes)
    result = copy.deepcopy(tree)
    failed: dict[int, str] = {}
    for po in p.ops:
        if po.seq in failed:
            continue
        try:
            result = apply_op(result, po.op)
        except PatchError as exc:
            failed[po.seq] = str(exc)
    if failed:
        # all-or-nothing: redo without the failed fixes
        seqs = sorted({po.seq for po in p.ops})
        kept = [fx for s, fx in zip(seqs, p.accepted, strict=True) if s not in failed]
        dropped = [Skipped(fx, failed[s]) for s, fx in zip(seqs, p.accepted, strict=True) if s in failed]
        result, p2 = apply_to_tree(tree, kept)
        p2.skipped = [*p.skipped, *dropped, *p2.skipped]
        return result, p2
    return result, p
