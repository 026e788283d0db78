"""curie-syntax and meta-undeclared-prefix judge the ids a document writes for the first time without a pass over
its nodes (their per-id fast paths): the findings are those of the per-node paths, with cold and warm memos, on
store documents and on hostile nodes (non-string, empty, unhashable, snake_case, undeclared and malformed ids)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from phenotk.validation.rule import Context, Node
from phenotk.validation.rules.meta import undeclared_prefix
from phenotk.validation.rules.meta.undeclared_prefix import MetaUndeclaredPrefix
from phenotk.validation.rules.syntax.curie_syntax import CurieSyntax

from .test_written_ids import _nodes


def _shown(found: Any) -> list[tuple[int, str, tuple[Any, ...], Any]]:
    return [(id(node), v.message, tuple(v.path), v.fix) for node, v in found]


def _curie(rule: CurieSyntax, nodes: list[Node]) -> list[Any]:
    return _shown(rule.check_batch(nodes, Context(data={}, state={})))


def _prefix(data: dict[str, Any], nodes: list[Node], slow: bool) -> list[Any]:
    root = Node(data, "Phenopacket", "")
    ctx = Context(data=data, root=root, state={})
    rule = MetaUndeclaredPrefix()
    if slow:
        declared = undeclared_prefix._declared(data, "Phenopacket", ctx)
        return _shown(rule._undeclared(nodes, ctx, declared))
    return _shown(rule.check_batch(nodes, ctx))


def _both_ways(data: dict[str, Any], nodes: list[Node]) -> None:
    """The fast paths (cold memos, then warm) against the per-node paths."""
    slow = _shown(CurieSyntax()._batch(nodes, set()))
    fast = CurieSyntax()
    assert _curie(fast, nodes) == slow  # cold: every id is new
    assert _curie(fast, nodes) == slow  # warm: the valid ones remembered
    undeclared_prefix._PREFIXES.clear()
    expected = _prefix(data, nodes, slow=True)
    undeclared_prefix._PREFIXES.clear()
    undeclared_prefix._FINE.clear()
    assert _prefix(data, nodes, slow=False) == expected
    assert _prefix(data, nodes, slow=False) == expected


def test_store_documents(store_dir: Path) -> None:
    files = sorted(store_dir.glob("*/*.json"))[::211]
    assert files
    for f in files:
        data = orjson.loads(f.read_bytes())
        _both_ways(data, _nodes(data, []))


_META = {"metaData": {"resources": [{"namespacePrefix": "HP"}, {"namespace_prefix": "HGNC"}]}}


@pytest.mark.parametrize(
    "values",
    [
        [("OntologyClass", {"id": "HP:0001250"}), ("OntologyClass", {"label": "x"})],
        [("OntologyClass", {"id": "MONDO:0007947"}), ("OntologyClass", {"id": "MONDO:0007948"})],
        [("OntologyClass", {"id": "hp:0001250"}), ("OntologyClass", {"id": "HPO:1250"})],
        [("GeneDescriptor", {"value_id": "HGNC:FBN1", "id": "NOT:ME"}), ("OntologyClass", {"id": "HP:1"})],
        [("GeneDescriptor", {"valueId": None, "value_id": "OMIM:1"}), ("GeneDescriptor", {"valueId": ""})],
        [("OntologyClass", {"id": "not a curie", "label": "HP:0001250"}), ("OntologyClass", {"id": "HP_0001250"})],
        [("OntologyClass", {"id": ["unhashable"]}), ("OntologyClass", {"id": "ORPHA:x"})],
        [("OntologyClass", {"id": 7}), ("OntologyClass", {"id": True}), ("GeneDescriptor", {"valueId": 7.5})],
        [("OntologyClass", {"id": "NCIT:C1"}), ("OntologyClass", {"id": "NCIT:C1"}), ("OntologyClass", {"id": ""})],
    ],
)
def test_hostile_nodes(values: list[tuple[str, dict[str, Any]]]) -> None:
    data = {**_META, "x": [v for _, v in values]}
    _both_ways(data, [Node(v, t, "", None, None) for t, v in values])
