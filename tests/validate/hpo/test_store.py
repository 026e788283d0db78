"""The HPO rules on the whole public store with hp.json 2025-05-06: no errors, newer ids are only warnings."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from phenotk.validation.config import Options, engine_config
from phenotk.validation.runner import run


@pytest.fixture(scope="module")
def store_report(store_dir: Path, hpo_index: Any) -> Any:
    return run([str(store_dir)], engine_config(Options(select=["hpo"])), hpo=hpo_index)


@pytest.mark.slow
def test_no_hpo_errors_on_the_store(store_report: Any) -> None:
    errors = [(r.path, i.pointer, i.message) for r, i in store_report.iter_issues() if i.severity.value == "error"]
    assert errors == []
    assert store_report.hpo_version == "2025-05-06"


@pytest.mark.slow
def test_newer_ids_get_one_warning_each_and_nothing_else(
    store_report: Any, store_files: list[Path], hpo_dir: Path
) -> None:
    with open(hpo_dir / "store_terms_not_in_these_releases.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    newer = {r["hpo_id"] for r in rows if r["in_hp.json_2025-05-06"] == "False"}
    expected: Counter[tuple[str, str]] = Counter()
    for f in store_files:
        for k, feat in enumerate(json.loads(f.read_text()).get("phenotypicFeatures", [])):
            if feat["type"]["id"] in newer:
                expected[(str(f), f"/phenotypicFeatures/{k}")] += 1
    assert expected, "the store snapshot should use some ids newer than 2025-05-06"
    got: Counter[tuple[str, str]] = Counter()
    for r, i in store_report.iter_issues():
        feature = "/".join(i.pointer.split("/")[:3])
        if (r.path, feature) in expected:
            assert i.rule == "hpo-unknown-term", (r.path, i.rule, i.message)
            assert i.severity.value == "warning"
            assert "newer than this release — update HPO" in i.message
            got[(r.path, feature)] += 1
    assert got == expected
    others = [
        i for i in store_report.issues if i.rule == "hpo-unknown-term" and "newer than this release" not in i.message
    ]
    assert others == []
