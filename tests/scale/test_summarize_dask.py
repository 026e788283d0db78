"""``phenotk summarize --engine dask`` / ``phenotk.dask.summarize``: the partitions' summaries add up to the
single-process summary (the same JSON), on a LocalCluster(processes=True)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("dask")
pytest.importorskip("distributed")

GENES = ["AAGAB", "ACTB", "FBN1", "ABCA4"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "phenotk", *args], capture_output=True, text=True, timeout=600, env=env
    )


def _json(summary: Any, top: int | None = -1) -> str:
    """What ``phenotk summarize --format json`` prints (``top=None``: every term and disease)."""
    return json.dumps(summary.to_dict(top=top), indent=2, ensure_ascii=False)


@pytest.fixture(scope="module")
def corpus(store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four genes of the store and one broken file."""
    root = tmp_path_factory.mktemp("summary-corpus")
    for gene in GENES:
        shutil.copytree(store_dir / gene, root / gene)
    (root / "zz_broken.json").write_text('{"id": "P1", "subject": ', encoding="utf-8")
    return root


def test_cli_engine_dask_prints_the_single_process_json(corpus: Path, hpo_json: str) -> None:
    """Same stdout (JSON), same one-line error for the broken file, same exit code 2."""
    common = ("summarize", str(corpus), "--hpo", hpo_json, "--format", "json", "--top", "50")
    single = run(*common)
    dask = run(*common, "--engine", "dask", "--workers", "2")
    assert single.returncode == dask.returncode == 2, dask.stderr
    assert json.loads(dask.stdout)["packets"] > 50
    assert dask.stdout == single.stdout
    broken = [line for line in dask.stderr.splitlines() if "zz_broken.json" in line]
    assert len(broken) == 1 and broken == [ln for ln in single.stderr.splitlines() if "zz_broken.json" in ln]
    assert "Traceback" not in dask.stderr
    local_workers = run("summarize", str(corpus / "AAGAB"), "--no-hpo", "--workers", "2")
    assert local_workers.returncode == 2 and "--engine dask" in local_workers.stderr


def test_whole_store_summary_equals_single_process(dask_client: Any, store_dir: Path, hpo_json: str) -> None:
    import phenotk.dask
    from phenotk.analysis import read_cohort

    cohort = read_cohort(store_dir, hpo=hpo_json)
    single = cohort.summary()
    distributed = phenotk.dask.summarize(str(store_dir), hpo=hpo_json, partition_size=256)
    assert not cohort.errors
    assert distributed.packets == single.packets == len(cohort) > 7000
    assert distributed.propagated and distributed.organ_systems
    assert _json(distributed) == _json(single)  # what `phenotk summarize --format json` prints
    assert _json(distributed, None) == _json(single, None)  # every term and disease, not only the top
    assert distributed.ages_years == single.ages_years
    assert distributed.feature_onset_years == single.feature_onset_years


def test_bag_of_records_and_unreadable_input(dask_client: Any, corpus: Path, hpo_json: str) -> None:
    """A ``dask.bag`` of (path, bytes) records gives the same summary; the broken record is warned about."""
    import dask.bag as db

    import phenotk.dask
    from phenotk.analysis import read_cohort

    files = sorted(p for p in corpus.rglob("*.json"))
    records = [(str(p), p.read_bytes()) for p in files]
    bag = db.from_sequence(records, npartitions=3)
    with pytest.warns(UserWarning, match="zz_broken.json"):
        distributed = phenotk.dask.summarize(bag, hpo=hpo_json, top=30)
    single = read_cohort([str(p) for p in files], hpo=hpo_json).summary(top=30)
    assert _json(distributed, None) == _json(single, None)


def test_engine_dask_without_the_extra_is_one_line(corpus: Path, hpo_json: str, tmp_path: Path) -> None:
    """A Python where ``import dask`` fails: one line naming pip install "phenotk[scale]", exit 2."""
    fake = tmp_path / "nodask" / "dask"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('No module named dask')\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": f"{fake.parent}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    proc = run("summarize", str(corpus / "AAGAB"), "--hpo", hpo_json, "--engine", "dask", env=env)
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and 'pip install "phenotk[scale]"' in lines[0], proc.stderr
    assert proc.stdout == ""


def test_config_limits_hold_in_the_workers(corpus: Path, hpo_json: str, tmp_path: Path) -> None:
    """The run's ``[limits]`` (a phenotk.toml found from the working directory) hold in the Dask workers too."""
    sizes = sorted(p.stat().st_size for p in (corpus / "ACTB").glob("*.json"))
    (tmp_path / "phenotk.toml").write_text(f"[limits]\ndocument-bytes = {sizes[len(sizes) // 2]}\n", encoding="utf-8")
    common = ("summarize", str(corpus / "ACTB"), "--hpo", hpo_json, "--format", "json")
    single = subprocess.run([sys.executable, "-m", "phenotk", *common], capture_output=True, text=True, cwd=tmp_path)
    dask = subprocess.run(
        [sys.executable, "-m", "phenotk", *common, "--engine", "dask", "--workers", "2"],
        capture_output=True, text=True, cwd=tmp_path,
    )
    over = [ln for ln in single.stderr.splitlines() if "exceeds limits.document-bytes" in ln]
    assert single.returncode == dask.returncode == 2 and over, single.stderr
    assert sorted(ln for ln in dask.stderr.splitlines() if "limits." in ln) == sorted(over)
    assert dask.stdout == single.stdout
