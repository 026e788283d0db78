"""The reference walk: the walk plan interpreted, one obvious step at a time (slow; for checking the generator).

Selected with ``PHENOTK_REFERENCE_WALK=1``. It does what the generated walkers of :mod:`.codegen` do,
without any of their shortcuts: every node's rules are called, every required field is checked through the
runtime, every key is looked up in the type's field table and every non-null value goes through the
runtime's full value check. A differential test validates the public store with both walks and asserts the
findings are identical.
"""

from __future__ import annotations

from typing import Any

from phenotk.validation.engine.plan import TypePlan, WalkFn, WalkRuntime
from phenotk.validation.rule import Node


def reference_walkers(plans: dict[str, TypePlan], runtime: WalkRuntime) -> dict[str, WalkFn]:
    """Interpreted walk functions keyed by message type name (children reached through ``runtime._value``)."""
    return {name: _walker(plan, runtime) for name, plan in plans.items()}


def _walker(plan: TypePlan, runtime: WalkRuntime) -> WalkFn:
    def walk(value: dict[str, Any], node: Node) -> None:
        for rule in plan.rules or ():
            runtime._run(rule, node)
        for nodes in plan.lists or ():
            nodes.append(node)
        req = plan.required
        if req is not None:
            runtime._check_required(value, node, req)
            if req.oneof_keys is not None and req.oneof_keys.isdisjoint(value):
                runtime._missing_oneof(value, node, req)
        ptr = node.pointer
        for key, val in value.items():
            entry = plan.table.get(key)
            if entry is None:
                if runtime.check_unknown:
                    runtime._unknown(plan.spec, key, value, ptr)
                continue
            fs = entry[3]
            kptr = f"{ptr}/{_escape(key)}"
            if val is None:
                continue
            if fs.repeated:
                if type(val) is list:
                    for i, item in enumerate(val):
                        runtime._value(fs, item, f"{kptr}/{i}", node)
                elif runtime.check_type:
                    runtime._not_array(kptr, fs, val)
            else:
                runtime._value(fs, val, kptr, node)

    return walk


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


__all__ = ["reference_walkers"]
