"""written_ids (the C-level id gathering shared by curie-syntax and meta-undeclared-prefix) agrees with a plain
per-node reading of the ids, on real store documents and on hostile nodes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from phenotk.validation.rule import Node
from phenotk.validation.rules.syntax._ids import written_ids


def _plain(nodes: list[Node]) -> set[Any] | None:
    """The per-node reading: OntologyClass.id, GeneDescriptor.valueId (value_id too); None if unhashable."""
    try:
        ids = {n.value.get("id") if n.type == "OntologyClass" else n.get("valueId") for n in nodes}
    except TypeError:
        return None
    ids.discard(None)
    return ids


def _nodes(data: Any, out: list[Node]) -> list[Node]:
    """Every object with an ``id`` and ``label`` as an OntologyClass node, ``valueId``/``symbol`` as a gene."""
    if isinstance(data, dict):
        if "symbol" in data:
            out.append(Node(data, "GeneDescriptor", ""))
        elif "label" in data and "id" in data:
            out.append(Node(data, "OntologyClass", ""))
        for v in data.values():
            _nodes(v, out)
    elif isinstance(data, list):
        for v in data:
            _nodes(v, out)
    return out


def test_store_documents(store_dir: Path) -> None:
    files = sorted(store_dir.glob("*/*.json"))[::97]
    assert files
    genes = 0
    for f in files:
        nodes = _nodes(orjson.loads(f.read_bytes()), [])
        genes += any(n.type == "GeneDescriptor" for n in nodes)
        assert written_ids(nodes, {}) == _plain(nodes), f
    assert genes  # documents with gene descriptors (the mixed path) were among them


@pytest.mark.parametrize(
    "values",
    [
        [],
        [("OntologyClass", {"id": "HP:1"}), ("OntologyClass", {"label": "x"})],
        [("GeneDescriptor", {"value_id": "HGNC:1", "id": "NOT:ME"}), ("OntologyClass", {"id": "HP:1"})],
        [("GeneDescriptor", {"valueId": "HGNC:2"}), ("GeneDescriptor", {"id": "NOT:ME"})],
        [("OntologyClass", {"id": ["unhashable"]})],
        [("OntologyClass", {"id": "HP:1"}), ("GeneDescriptor", {"valueId": {"an": "object"}})],
        [("OntologyClass", {"id": 7}), ("OntologyClass", {"id": None}), ("GeneDescriptor", {"valueId": 7.5})],
    ],
)
def test_hostile_nodes(values: list[tuple[str, dict[str, Any]]]) -> None:
    nodes = [Node(v, t, "") for t, v in values]
    state: dict[str, Any] = {}
    assert written_ids(nodes, state) == _plain(nodes)
    assert written_ids(nodes, state) is state["syntax:written-ids"][1]  # kept for the other rule
