"""``phenotk validate --format parquet`` (local, --jobs 2, --engine dask): Parquet read back with pyarrow and DuckDB."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import copies_with_duplicates, multiset

pq = pytest.importorskip("pyarrow.parquet")
duckdb = pytest.importorskip("duckdb")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "phenotk", *args], capture_output=True, text=True, timeout=600, env=env
    )


@pytest.fixture(scope="module")
def corpus(store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six genes of the store plus copies of one (duplicate ids) and a broken file."""
    root = tmp_path_factory.mktemp("corpus")
    copies_with_duplicates(store_dir, root, ["AAGAB", "ACTB", "ACVR1", "ABCA4", "ADA", "ACTA1"])
    copies_with_duplicates(store_dir, root / "zz", ["ACTB"])
    return root


def _single(corpus: Path, hpo: str) -> tuple[object, object]:
    from phenotk.scale.arrow import results_to_findings
    from phenotk.workflow.session import Session

    report = Session.from_settings(config=False, hpo=hpo).validate([str(corpus)])
    return report, multiset(results_to_findings(report.results).to_pylist())


@pytest.mark.parametrize("engine", [["-j", "1"], ["-j", "2"], ["--engine", "dask", "--workers", "2"]])
def test_parquet_output_reads_back(corpus: Path, hpo_json: str, tmp_path: Path, engine: list[str]) -> None:
    report, single = _single(corpus, hpo_json)
    out = tmp_path / "out"
    proc = run("validate", str(corpus), "--hpo", hpo_json, "--format", "parquet", "-o", str(out), *engine)
    assert proc.returncode == (1 if report.fails(report_fail_on()) else 0), proc.stderr
    assert f"{len(report.results)} document(s):" in proc.stdout
    assert "Traceback" not in proc.stderr

    table = pq.read_table(out / "findings")
    assert table.schema.metadata[b"phenotk.schema"] == b"findings/1"
    assert multiset(table.to_pylist()) == single
    docs = pq.read_table(out / "documents")
    assert docs.num_rows == len(report.results)

    con = duckdb.connect()
    rows = con.execute(
        f"select rule, severity, count(*) from read_parquet('{out}/findings/*.parquet') group by all order by all"
    ).fetchall()
    expected: dict[tuple[str, str], int] = {}
    for key in single.elements():
        expected[(key[4], key[5])] = expected.get((key[4], key[5]), 0) + 1
    assert rows == sorted((r, s, n) for (r, s), n in expected.items())
    dup = con.execute(
        f"select count(*) from read_parquet('{out}/findings/*.parquet') "
        "where rule = 'id-duplicate' and path like '%/zz/%'"
    ).fetchone()
    assert dup is not None and dup[0] == len(list((corpus / "zz" / "ACTB").glob("*.json"))) > 0
    n_docs = con.execute(f"select count(*) from read_parquet('{out}/documents/*.parquet')").fetchone()
    assert n_docs == (len(report.results),)


def report_fail_on() -> object:
    from phenotk.issue import Severity

    return Severity.ERROR


def test_unreadable_input_exit_2_and_existing_output(corpus: Path, hpo_json: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run("validate", str(corpus / "AAGAB"), str(tmp_path / "nope.json"), "--hpo", hpo_json,
               "--format", "parquet", "-o", str(out))  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    again = run("validate", str(corpus / "AAGAB"), "--hpo", hpo_json, "--format", "parquet", "-o", str(out))
    assert again.returncode == 2 and "--force" in again.stderr and "Traceback" not in again.stderr
    no_dir = run("validate", str(corpus / "AAGAB"), "--hpo", hpo_json, "--engine", "dask", "--format", "parquet")
    assert no_dir.returncode == 2 and "-o DIR" in no_dir.stderr


def test_engine_dask_without_the_extra_is_one_line(corpus: Path, hpo_json: str, tmp_path: Path) -> None:
    """A Python where ``import dask`` fails: one line naming pip install "phenotk[scale]", exit 2."""
    fake = tmp_path / "nodask" / "dask"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('No module named dask')\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": f"{fake.parent}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    proc = run("validate", str(corpus / "AAGAB"), "--hpo", hpo_json, "--engine", "dask", "--format", "parquet",
               "-o", str(tmp_path / "o"), env=env)  # fmt: skip
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and 'pip install "phenotk[scale]"' in lines[0], proc.stderr
