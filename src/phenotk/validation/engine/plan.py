"""The walk plan: per message type, what a walk of one engine does at its nodes (built once per engine).

A :class:`TypePlan` holds a type's field table (with the child types' plans), the rules targeting the type,
the per-document node lists of the batch rules, the required fields a :class:`~phenotk.validation.hooks
.RequiredHook` declares and, for leaf types, the keys that make a message trivially valid. Both walks read
it: the generated one (:mod:`.codegen`, the fast default) and the interpreted one (:mod:`.reference`, the
slow, obviously-correct check of the generated code). Neither knows any rule; they call back into a
:class:`WalkRuntime` (the engine) for everything that produces a finding.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from phenotk.validation import schema as S
from phenotk.validation.hooks import Required, RequiredHook
from phenotk.validation.rule import Context, Node, Rule, Violation

#: a walk function: (message value, its node) → None (findings go to the runtime)
WalkFn = Callable[[dict[str, Any], Node], None]


class TypePlan:
    """A message type as one engine walks it: field table with child plans, and the hooks of this run."""

    __slots__ = ("leaf", "lists", "name", "required", "rules", "spec", "table")

    def __init__(self, spec: S.MessageSpec) -> None:
        self.spec = spec
        self.name = spec.name
        #: JSON and proto key → (fast type or None, repeated, child plan or None, field spec)
        self.table: dict[str, tuple[type | None, bool, TypePlan | None, S.FieldSpec]] = {}
        #: the (non-batch) rules whose ``targets`` name this type, None when there are none
        self.rules: list[Rule] | None = None
        #: the batch rules' node lists this type's nodes are appended to, None when there are none
        self.lists: list[list[Node]] | None = None
        #: required fields (from the required-fields hook), None when nothing is required or no hook runs
        self.required: Required | None = None
        #: keys of a message whose fields are all singular strings (OntologyClass, Age, Resource …), else None
        self.leaf: frozenset[str] | None = None
        if spec.table and all(fast is str for fast, _, _, _ in spec.table.values()):
            self.leaf = frozenset(spec.table)


class WalkRuntime(Protocol):
    """What a walk calls back into (the engine): every finding and every rule call goes through it."""

    ctx: Context
    #: the findings of the current document so far (a walk compares its length before and after a subtree)
    _issues: list[Any]
    #: rules targeting ``Timestamp`` values (strings, not messages: no plan of their own)
    timestamp_rules: tuple[Rule, ...]
    #: True when an unknown-field hook runs (else unknown keys are skipped without a call)
    check_unknown: bool
    #: True when a wrong-type hook runs
    check_type: bool
    #: True when an enum-value hook runs
    check_enum: bool

    def _emit(self, rule: Rule, base: str, v: Violation) -> None: ...
    def _crash(self, rule: Rule, ptr: str, exc: Exception) -> None: ...
    def _run(self, rule: Rule, node: Node) -> None: ...
    def _check_required(self, value: dict[str, Any], node: Node, req: Required) -> None: ...
    def _missing_oneof(self, value: dict[str, Any], node: Node, req: Required) -> None: ...
    def _unknown(self, spec: S.MessageSpec, key: str, value: dict[str, Any], ptr: str) -> None: ...
    def _not_array(self, ptr: str, fs: S.FieldSpec, val: Any) -> None: ...
    def _value(self, fs: S.FieldSpec, val: Any, ptr: str, parent: Node) -> None: ...


def build_plan(
    specs: Mapping[str, S.MessageSpec],
    dispatch: Mapping[str, list[Rule]],
    collect: Mapping[str, list[list[Node]]],
    required: RequiredHook | None,
) -> dict[str, TypePlan]:
    """One :class:`TypePlan` per message type, linked to its children's plans."""
    plans = {name: TypePlan(spec) for name, spec in specs.items()}
    for name, spec in specs.items():
        p = plans[name]
        p.rules, p.lists = dispatch.get(name), collect.get(name)
        p.required = None if required is None else required.required(name)
        p.table = {
            key: (fast, rep, None if child is None else plans[child.name], fs)
            for key, (fast, rep, child, fs) in spec.table.items()
        }
    return plans


__all__ = ["TypePlan", "WalkFn", "WalkRuntime", "build_plan"]
