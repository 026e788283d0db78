"""The ids a document writes in its ontology classes and gene descriptors, gathered once for the id rules."""

from __future__ import annotations

from typing import Any

from phenotk.validation.rule import Node

_STATE = "syntax:written-ids"


def written_ids(nodes: list[Node], state: dict[str, Any]) -> set[Any] | None:
    """The ids the nodes carry: each ``OntologyClass.id`` and ``GeneDescriptor.valueId`` (None left out).

    What ``curie-syntax`` and ``meta-undeclared-prefix`` read: when every one of them passes a test, every
    node passes it, and the rules skip their per-node loops. Gathered in one set comprehension per document
    (kept in ``ctx.state`` for the other rule). None when an id is unhashable (a list or an object): the
    rules then take their per-node path.
    """
    hit = state.get(_STATE)
    if hit is not None and hit[0] is nodes:
        return hit[1]  # type: ignore[no-any-return]
    ids: set[Any] | None
    try:
        # node[0] is node.value, node[1] node.type (tuple access: hot path); the walk makes nodes of objects only
        ids = {n[0].get("id") if n[1] == "OntologyClass" else n.get("valueId") for n in nodes}
        ids.discard(None)
    except TypeError:
        ids = None
    state[_STATE] = (nodes, ids)
    return ids
