"""A variation descriptor's expressions as the variant rules read them (Record.parts), one pass."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from phenotk.validation.rules.variant._common import Record, _walk_interpretations, genomic_expression


def _reference(descriptor: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """Every object of ``expressions`` with its index, and each split by :func:`genomic_expression`."""
    exprs = descriptor.get("expressions")
    listed = [(i, e) for i, e in enumerate(exprs) if isinstance(e, dict)] if isinstance(exprs, list) else []
    genomic = [(i, e, s) for i, e in listed if (s := genomic_expression(e)) is not None]
    return listed, genomic


def test_parts_are_every_expression_and_the_genomic_ones_split(store_files: list[Path]) -> None:
    hostile: list[Any] = [
        {"syntax": "hgvs.g", "value": "NC_000001.11:g.12A>G"},
        {"syntax": "hgvs.m", "value": "NC_012920.1:m.3243A>G"},
        {"syntax": "hgvs.g", "value": "NM_1.1:c.1A>G"},
        {"syntax": "hgvs.g", "value": "NC_1.1:c.1A>G"},
        {"syntax": "hgvs.g", "value": 12},
        {"syntax": ["hgvs.g"], "value": "NC_1.1:g.1A>G"},
        {"syntax": {"a": 1}, "value": "NC_1.1:g.1A>G"},
        {"syntax": None},
        {},
        "hgvs.g",
        None,
        ["x"],
    ]
    descriptors: list[Any] = [{"expressions": hostile}, {"expressions": "x"}, {"expressions": None}, {}]
    for f in store_files[::40]:
        descriptors += [vd for _, vd in _walk_interpretations(orjson.loads(f.read_bytes()))[1]]
    split = 0
    for vd in descriptors:
        got = Record(("x",), vd, False).parts()
        assert got == _reference(vd)
        split += len(got[1])
    assert split > 50
