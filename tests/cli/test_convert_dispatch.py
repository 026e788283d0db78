"""`phenotk convert` dispatches to registered converters and validates what they make before writing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "phenotk", *args], capture_output=True, text=True, timeout=300)


def test_sheet_conversion_reports_cells_and_validation(tmp_path: Path, hpo_dir: Path) -> None:
    report = tmp_path / "report.json"
    proc = run(
        "convert",
        str(REPO / "examples" / "curation-sheet.csv"),
        "--mapping",
        str(REPO / "mappings" / "generic-wide.yaml"),
        "-o",
        f"{tmp_path}/out/",
        "--hpo",
        str(hpo_dir / "hp.json"),
        "--report",
        str(report),
        "--created",
        "2026-01-01T00:00:00Z",
    )
    assert "Traceback" not in proc.stderr
    data = json.loads(report.read_text())
    rules = {i["rule"] for r in data["results"] for i in r["issues"]}
    # from the converter: the misspelt cell; from the validator: the redundant ancestor and the missing HGNC id
    assert {"map-bad-cell", "hpo-redundant-ancestor", "schema-required"} <= rules
    assert proc.returncode == 1  # schema-required is an error
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "PMID_30000001_P1.json",
        "PMID_30000001_P2.json",
        "PMID_30000001_P3.json",
    ]
    # --no-validate: only the converter's own findings, and --fail-on never exits 0
    proc = run(
        "convert",
        str(REPO / "examples" / "curation-sheet.csv"),
        "--mapping",
        str(REPO / "mappings" / "generic-wide.yaml"),
        "-o",
        f"{tmp_path}/out2/",
        "--hpo",
        str(hpo_dir / "hp.json"),
        "--report",
        str(report),
        "--no-validate",
        "--fail-on",
        "never",
        "--force",  # the report of the first run exists: never replaced without --force
    )
    assert proc.returncode == 0, proc.stderr
    rules = {i["rule"] for r in json.loads(report.read_text())["results"] for i in r["issues"]}
    assert "schema-required" not in rules and "map-bad-cell" in rules


def test_unknown_converter_name_suggests(tmp_path: Path) -> None:
    proc = run("convert", str(REPO / "examples" / "proband-marfan.json"), "-o", str(tmp_path / "x"), "--to", "fihr")
    assert proc.returncode == 2
    assert "did you mean 'fhir'" in proc.stderr and "Traceback" not in proc.stderr


def test_xlsx_output_is_a_table_unless_named_like_a_template() -> None:
    from phenotk.conversion import registry

    assert registry.writer_for_output("out/table.xlsx").name == "xlsx"
    assert registry.writer_for_output("out/FBN1_individuals.xlsx").name == "pyphetools-xlsx"
    assert registry.writer_for_output("out/FBN1_individuals.json").name == "phetools-json"
    assert registry.writer_for_output("out/table.csv").name == "csv"
    assert registry.writer_for_output("out/packet.json") is None
