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
    #: fixes made moot by an accepted fix that removes what they edit (their findings go with the element)
    superseded: list[Skipped] = field(default_factory=list)
    #: the input position of each accepted fix (parallel to ``accepted``)
    seqs: list[int] = field(default_factory=list)


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


def _clash(
    op: PatchOp, a: str, taken_at: dict[str, list[PatchOp]], below: dict[str, dict[int, PatchOp]]
) -> PatchOp | None:
    """An accepted op that ``op`` (at its path or from-path ``a``) overlaps, as :func:`_overlaps` defines it."""
    for t in taken_at.get(a, ()):
        if not (_is_append(op) and _is_append(t) and op.path == t.path):
            return t
    for anc in _ancestors(a):
        hit = taken_at.get(anc)
        if hit:
            return hit[0]
    inside = below.get(a)
    return next(iter(inside.values())) if inside else None


def _is_append(op: PatchOp) -> bool:
    return op.op == "add" and split(op.path)[-1:] == ["-"]


class _Index:
    """The accepted fixes of a plan, indexed by the pointers their operations touch (accepting and dropping)."""

    def __init__(self) -> None:
        self.fixes: dict[int, Fix] = {}  # seq → accepted fix, in input order
        self.taken_at: dict[str, list[PatchOp]] = {}  # pointer → accepted ops at exactly that pointer
        self.below: dict[str, dict[int, PatchOp]] = {}  # pointer → accepted ops strictly inside it (by id)
        self.owner: dict[int, int] = {}  # id(op) → seq of its fix
        self.removed: dict[str, int] = {}  # pointer an accepted fix removes → its seq

    def accept(self, seq: int, fx: Fix) -> None:
        self.fixes[seq] = fx
        for op in fx.ops:
            self.owner[id(op)] = seq
            if op.op == "remove":
                self.removed[op.path] = seq
            for b in _paths(op):
                self.taken_at.setdefault(b, []).append(op)
                for anc in _ancestors(b):
                    self.below.setdefault(anc, {})[id(op)] = op

    def drop(self, seq: int) -> Fix:
        fx = self.fixes.pop(seq)
        for op in fx.ops:
            self.owner.pop(id(op), None)
            if op.op == "remove" and self.removed.get(op.path) == seq:
                del self.removed[op.path]
            for b in _paths(op):
                ops = self.taken_at[b]
                ops.remove(op)
                if not ops:
                    del self.taken_at[b]
                for anc in _ancestors(b):
                    inside = self.below[anc]
                    inside.pop(id(op), None)
                    if not inside:
                        del self.below[anc]
        return fx

    def removed_around(self, pointer: str) -> str | None:
        """A pointer an accepted fix removes that strictly contains ``pointer``, or None."""
        return next((anc for anc in _ancestors(pointer) if anc in self.removed), None)

    def moot_inside(self, fx: Fix) -> list[int] | None:
        """Seqs of the accepted fixes lying wholly inside what ``fx`` (removals only) removes.

        None when ``fx`` conflicts with anything else (an edit at the same path or at an ancestor).
        """
        if not all(op.op == "remove" for op in fx.ops):
            return None
        gone = {op.path for op in fx.ops}
        seqs: set[int] = set()
        for path in gone:
            if path in self.taken_at or any(anc in self.taken_at for anc in _ancestors(path)):
                return None
            seqs.update(self.owner[id(op)] for op in self.below.get(path, {}).values())
        for seq in seqs:
            for op in self.fixes[seq].ops:
                if not all(any(g in _ancestors(a) for g in gone) for a in _paths(op)):
                    return None
        return sorted(seqs)


def plan(fixes: Iterable[Fix]) -> Plan:
    """Accept fixes in order, dropping those that conflict with an earlier one; order their ops.

    Conflict: an op whose path equals, contains or lies inside the path of an op of an already
    accepted fix (two appends to the same array, ``…/-``, do not conflict). Except for removals: a fix
    whose every path lies inside an element another fix removes is moot, not in conflict — it goes to
    ``superseded`` and the removal stands, whichever of the two came first (a stale label on the copy of a
    duplicate feature that is removed). Otherwise a fix left out with a conflict would be applied by the
    next ``phenotk fix`` and the first run would not have converged.
    """
    out = Plan()
    # indexes instead of comparing every op with every accepted op (4,000 duplicate features: 16 M comparisons)
    idx = _Index()
    for seq, fx in enumerate(fixes):
        if not fx.ops:
            out.skipped.append(Skipped(fx, "empty fix (no patch operations)"))
            continue
        bad = [op for op in fx.ops if op.op not in SUPPORTED_OPS]
        if bad:
            out.skipped.append(Skipped(fx, f"unsupported patch operation {bad[0].op!r}"))
            continue
        if any(a == "" for op in fx.ops for a in _paths(op)):
            # no finding is repaired by replacing the whole document: a rule that means its node's field but
            # writes "" (the node = the document) would turn a phenopacket into a string
            why = "its patch points at the whole document (a bug in this rule's fix: please report it)"
            out.skipped.append(Skipped(fx, why))
            continue
        clash = next(
            (c for op in fx.ops for a in _paths(op) if (c := _clash(op, a, idx.taken_at, idx.below)) is not None),
            None,
        )
        if clash is None:
            idx.accept(seq, fx)
            continue
        around = [idx.removed_around(a) for op in fx.ops for a in _paths(op)]
        if all(around):
            out.superseded.append(Skipped(fx, f"moot: {around[0]} is removed by another fix"))
            continue
        moot = idx.moot_inside(fx)
        if moot:
            for s in moot:
                gone = idx.drop(s)
                out.superseded.append(Skipped(gone, f"moot: {fx.ops[0].path} is removed by another fix"))
            idx.accept(seq, fx)
            continue
        out.skipped.append(Skipped(fx, f"conflicts with an earlier fix at {clash.path or '/'}"))
    out.accepted = list(idx.fixes.values())
    out.seqs = list(idx.fixes)
    out.ops = [PlannedOp(op, seq, sort_key(op.path)) for seq, fx in idx.fixes.items() for op in fx.ops]
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
    todo = list(fixes)
    p = plan(todo)
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
        # all-or-nothing: redo without the failed fixes (a fix a failed removal had made moot comes back)
        dropped = [Skipped(todo[s], reason) for s, reason in failed.items()]
        result, p2 = apply_to_tree(tree, [fx for s, fx in enumerate(todo) if s not in failed])
        p2.skipped = [*dropped, *p2.skipped]
        return result, p2
    return result, p
