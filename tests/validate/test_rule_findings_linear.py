"""Rules that report one finding per item of a list collect them in linear time.

A hostile document (tens of thousands of resources or variation descriptors, each with a finding) made the
rules that built their result as ``out = [*out, *found]`` copy the list at every item: quadratic (50,000
incomplete resources took 10 s in meta-resource-incomplete alone). No time limit (CI runs tests in parallel on
a loaded machine): the time for 4 N items against N items — about 4 when linear, 16 when quadratic — the best of
three runs each.
"""

from __future__ import annotations

import gc
import time
from types import SimpleNamespace
from typing import Any

import pytest

from phenotk.validation.rule import Context, Node
from phenotk.validation.rules.meta.resource_incomplete import MetaResourceIncomplete
from phenotk.validation.rules.variant import hgvs_syntax, hgvs_vcf, vcf_record

N = 10_000


def _growth(run: Any) -> float:
    """time(run(4 N)) / time(run(N)), each the best of three (CPU time of this process, collector off)."""
    def best(n: int) -> float:
        times = []
        for _ in range(3):
            gc.collect()
            gc.disable()  # the collector's full scans grow with the heap: superlinear whatever the rule does
            try:
                started = time.process_time()
                run(n)
                times.append(time.process_time() - started)
            finally:
                gc.enable()
        return max(min(times), 1e-4)

    return best(4 * N) / best(N)


def test_many_incomplete_resources() -> None:
    def run(n: int) -> list[Any]:
        resources = [{"id": f"r{i}", "name": "n", "url": "u", "version": "v", "namespacePrefix": f"P{i}"}
                     for i in range(n)]
        node = Node({"resources": resources}, "MetaData", "/metaData", None, "metaData")
        return list(MetaResourceIncomplete().check(node, Context()))

    found = run(N)
    assert len(found) == 2 * N  # each: no iriPrefix, and a url that is no URL
    assert found[-1].path[:2] == ("resources", N - 1)
    assert _growth(run) < 9  # linear ≈ 4, quadratic ≈ 16


class _OneFinding:
    """A memo whose every descriptor has one finding (what the rules' own checks give for a bad descriptor)."""

    def of(self, rec: Any) -> tuple[Any, ...]:
        return (("bad", ("expressions", 0, "value"), None),)


@pytest.mark.parametrize("module", [hgvs_syntax, hgvs_vcf, vcf_record])
def test_many_variant_findings(module: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "_MEMO", _OneFinding())
    rule = next(v for v in vars(module).values() if isinstance(v, type) and v.__module__ == module.__name__)

    def run(n: int) -> list[Any]:
        recs = [SimpleNamespace(path=("interpretations", 0, "g", i), vcf={}) for i in range(n)]
        monkeypatch.setattr(module, "records", lambda node, ctx: recs)
        return list(rule().check(Node({}, "Phenopacket", "", None, None), Context()))

    found = run(N)
    assert len(found) == N
    assert found[-1].path[3] == N - 1
    assert _growth(run) < 9  # linear ≈ 4, quadratic ≈ 16
