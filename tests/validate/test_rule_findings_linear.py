"""Rules that report one finding per item of a list collect them in linear time.

A hostile document (tens of thousands of resources or variation descriptors, each with a finding) made the
rules that built their result as ``out = [*out, *found]`` copy the list at every item: quadratic (50,000
incomplete resources took 10 s in meta-resource-incomplete alone). Wide bounds, not benchmarks.
"""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest

from phenotk.validation.rule import Context, Node
from phenotk.validation.rules.meta.resource_incomplete import MetaResourceIncomplete
from phenotk.validation.rules.variant import hgvs_syntax, hgvs_vcf, vcf_record

N = 60_000


def test_many_incomplete_resources() -> None:
    resources = [{"id": f"r{i}", "name": "n", "url": "u", "version": "v", "namespacePrefix": f"P{i}"} for i in range(N)]
    node = Node({"resources": resources}, "MetaData", "/metaData", None, "metaData")
    started = time.process_time()
    found = list(MetaResourceIncomplete().check(node, Context()))
    assert time.process_time() - started < 2.0
    assert len(found) == 2 * N  # each: no iriPrefix, and a url that is no URL
    assert found[-1].path[:2] == ("resources", N - 1)


class _OneFinding:
    """A memo whose every descriptor has one finding (what the rules' own checks give for a bad descriptor)."""

    def of(self, rec: Any) -> tuple[Any, ...]:
        return (("bad", ("expressions", 0, "value"), None),)


@pytest.mark.parametrize("module", [hgvs_syntax, hgvs_vcf, vcf_record])
def test_many_variant_findings(module: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    recs = [SimpleNamespace(path=("interpretations", 0, "g", i), vcf={}) for i in range(N)]
    monkeypatch.setattr(module, "records", lambda node, ctx: recs)
    monkeypatch.setattr(module, "_MEMO", _OneFinding())
    rule = next(v for v in vars(module).values() if isinstance(v, type) and v.__module__ == module.__name__)
    started = time.process_time()
    found = list(rule().check(Node({}, "Phenopacket", "", None, None), Context()))
    assert time.process_time() - started < 2.0
    assert len(found) == N
    assert found[-1].path[3] == N - 1
