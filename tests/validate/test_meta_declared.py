"""meta-undeclared-prefix: a phenopacket's declared prefixes taken whole from its resource list's memo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from phenotk.validation.rule import Context
from phenotk.validation.rules.meta import undeclared_prefix


def _general(data: Any, ctx: Context) -> set[str]:
    """The prefixes as the general path gathers them (each metadata key, then the members: none here)."""
    declared: set[str] = set()
    if type(data) is dict:
        undeclared_prefix._resources(data, declared, ctx)
    return declared


def test_phenopacket_prefixes_are_those_of_the_general_path(store_files: list[Path]) -> None:
    res = [{"namespacePrefix": "HP"}, {"namespace_prefix": "MONDO"}, {"namespacePrefix": 3}, "x"]
    docs: list[Any] = [orjson.loads(f.read_bytes()) for f in store_files[::60]]
    docs += [
        {"metaData": {"resources": res}},
        {"metaData": {"resources": res}, "meta_data": {"resources": [{"namespacePrefix": "OMIM"}]}},
        {"meta_data": {"resources": res}},
        {"metaData": {"resources": "HP"}},
        {"metaData": ["x"]},
        {"metaData": None},
        {},
        ["not", "an", "object"],
        None,
    ]
    for data in docs:
        ctx = Context()
        got = undeclared_prefix._declared(data, "Phenopacket", ctx)
        assert set(got) == _general(data, Context()), data if not isinstance(data, dict) else data.get("id")
    assert any(undeclared_prefix._declared(d, "Phenopacket", Context()) for d in docs[:3])
