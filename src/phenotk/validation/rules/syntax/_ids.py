"""The ids a document writes in its ontology classes and gene descriptors, gathered once for the id rules."""

from __future__ import annotations

from typing import Any

from phenotk.validation.rule import Node

_STATE = "syntax:written-ids"
#: an id written as a web address (an IRI) instead of a CURIE: ``curie-syntax``'s finding
IRI_SCHEMES = ("http://", "https://")


def iri_curie(value: str) -> str | None:
    """The CURIE an ontology term's IRI names, or None; for an id that :func:`is_iri` (not checked here).

    The last segment of the address, after ``/`` or ``#``: an OBO PURL's ``HP_0001250`` (the first ``_`` is
    the colon), an identifiers.org ``NCIT:C46113``. Not validated: ``Orphanet:558`` is returned as written.
    """
    last = value.strip().rstrip("/")
    last = last[max(last.rfind("/"), last.rfind("#")) + 1 :]
    if ":" not in last:
        if "_" not in last:
            return None
        last = last.replace("_", ":", 1)
    prefix, _, local = last.partition(":")
    return last if prefix and local else None


def is_iri(value: str) -> bool:
    """True for an id that is a web address (``http://purl.obolibrary.org/obo/HP_0001250``), blanks aside."""
    return value.lstrip()[:8].lower().startswith(IRI_SCHEMES)


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
