"""Spark: phenotk.spark.validate over a binaryFile DataFrame on local[2] equals the single-process run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import copies_with_duplicates, multiset

pytest.importorskip("pyspark")


def test_spark_sample_equals_single_process(spark: Any, store_dir: Path, tmp_path: Path, hpo_json: str) -> None:
    """A sample of the store (three genes in two folders: the second holds deliberate duplicate ids)."""
    import phenotk.spark
    from phenotk.scale.arrow import results_to_findings
    from phenotk.workflow.session import Session

    root = tmp_path / "sample"
    copies_with_duplicates(store_dir, root, ["AAGAB", "ACTB", "ACVR1"])
    copies_with_duplicates(store_dir, root / "zz_copies", ["ACTB"])
    (root / "broken.json").write_text('{"id": "b1", "subject": ', encoding="utf-8")
    report = Session.from_settings(config=False, hpo=hpo_json).validate([str(root)])
    single = multiset(results_to_findings(report.results).to_pylist())

    df = (
        spark.read.format("binaryFile")
        .option("recursiveFileLookup", "true")
        .option("pathGlobFilter", "*.json")
        .load(str(root))
        .repartition(3)
    )
    frames = phenotk.spark.frames(df, hpo=hpo_json)
    got = multiset(r.asDict() for r in frames.findings.collect())
    docs = frames.documents.toPandas()

    assert got == single
    assert sorted(docs["path"]) == sorted(r.path for r in report.results)
    assert int(docs["errors"].sum()) + sum(1 for k in got.elements() if k[4] == "id-duplicate") == sum(
        1 for k in got.elements() if k[5] == "error"
    )
    rules = [k[4] for k in got.elements()]
    assert rules.count("id-duplicate") == len(list((root / "zz_copies" / "ACTB").glob("*.json"))) > 0
    assert rules.count("input-unreadable") == 1
