"""Whole-corpus runs: the structural findings on the public store and the v2 examples are exactly those
listed (with justifications) in docs/corpus-findings.md, and the run is identical with ``--jobs 2``."""

from __future__ import annotations

import collections
import re
from pathlib import Path
from typing import Any

import pytest

from phenotk.issue import Report
from phenotk.validation.config import Options, engine_config
from phenotk.validation.runner import run

pytestmark = [pytest.mark.shared, pytest.mark.slow]

DOC = Path(__file__).resolve().parents[2] / "docs" / "corpus-findings.md"
CORPORA = ("phenopacket-store", "v2-examples")


def _documented() -> dict[tuple[str, str, str], tuple[int, int]]:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("## Structural rules")
    end = text.index("\n## ", start + 1)
    rows = {}
    for line in text[start:end].splitlines():
        m = re.match(r"\| (\S+) \| `([a-z0-9-]+)` \| (\w+) \| (\d+) \| (\d+) \|", line)
        if m:
            rows[(m.group(1), m.group(2), m.group(3))] = (int(m.group(4)), int(m.group(5)))
    return rows


@pytest.fixture(scope="session")
def corpus_reports(shared_data: Path) -> dict[str, Report]:
    cfg = engine_config(Options())
    cfg.rules = tuple(r for r in cfg.rules if not r.requires_hpo)
    return {name: run([str(shared_data / name)], cfg, jobs=2) for name in CORPORA}


def _counts(report: Report) -> dict[tuple[str, str], tuple[int, int]]:
    n: collections.Counter[tuple[str, str]] = collections.Counter()
    files: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
    for res, issue in report.iter_issues():
        key = (issue.rule, issue.severity.value)
        n[key] += 1
        files[key].add(res.path)
    return {k: (v, len(files[k])) for k, v in n.items()}


def test_every_structural_finding_is_documented(corpus_reports: dict[str, Report]) -> None:
    documented = _documented()
    actual: dict[tuple[str, str, str], tuple[int, int]] = {}
    for name, report in corpus_reports.items():
        for (rule, sev), counts in _counts(report).items():
            actual[(name, rule, sev)] = counts
    assert actual == documented


def test_whole_store_is_read(corpus_reports: dict[str, Any], store_files: list[Path]) -> None:
    report = corpus_reports["phenopacket-store"]
    assert len(report.results) == len(store_files) == 7682
    assert all(r.element == "phenopacket" and r.id for r in report.results)
    # no false errors from the schema rules: the store is valid protobuf JSON
    assert not any(i.rule.startswith("schema-") for i in report.issues)


def test_single_process_matches_jobs(shared_data: Path, corpus_reports: dict[str, Report]) -> None:
    cfg = engine_config(Options())
    cfg.rules = tuple(r for r in cfg.rules if not r.requires_hpo)
    one = run([str(shared_data / "v2-examples")], cfg, jobs=1)
    assert [r.to_dict() for r in one.results] == [r.to_dict() for r in corpus_reports["v2-examples"].results]
