"""``--jobs``/``--workers`` beyond the CPUs: lowered with a note, never thousands of forked processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from phenotk import _procs
from phenotk.validation import runner
from phenotk.workflow.session import Session


def test_capped_jobs_keeps_automatic_and_small_values_and_lowers_huge_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_procs, "usable_cpus", lambda: 2)
    assert _procs.max_jobs() == _procs.AUTO_MAX_JOBS  # at least the automatic ceiling, even on 2 CPUs
    assert [_procs.capped_jobs(j) for j in (0, 1, 2, 4, 5, 100_000)] == [0, 1, 2, 4, 4, 4]
    assert _procs.jobs_note(4) is None
    note = _procs.jobs_note(100_000)
    assert note is not None and "100000 lowered to 4" in note and "2 CPU(s)" in note
    monkeypatch.setattr(_procs, "usable_cpus", lambda: 64)
    assert _procs.capped_jobs(100_000) == 64 and _procs.capped_jobs(48) == 48


def test_runner_starts_at_most_max_jobs_workers(monkeypatch: pytest.MonkeyPatch, store_files: list[Path]) -> None:
    asked: list[int] = []
    real = runner._run_parallel

    def spy(sources, engine, hpo_path, jobs, progress, log):  # type: ignore[no-untyped-def]
        asked.append(jobs)
        return real(sources, engine, hpo_path, jobs, progress, log)

    monkeypatch.setattr(runner, "_run_parallel", spy)
    monkeypatch.setattr(runner, "capped_jobs", lambda j: min(j, 2) if j > 0 else j)
    files = [str(p) for p in store_files[:6]]
    session = Session(hpo=False)
    many = session.validate(files, jobs=100_000)
    one = session.validate(files, jobs=1)
    assert asked == [2]
    assert [(r.path, [(i.code, i.pointer) for i in r.issues]) for r in many.results] == [
        (r.path, [(i.code, i.pointer) for i in r.issues]) for r in one.results
    ]


def test_cli_jobs_far_beyond_the_cpus_runs_with_a_note(store_files: list[Path], tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PHENOTK_DEBUG"}
    done = subprocess.run(
        [sys.executable, "-m", "phenotk", "validate", str(store_files[0]), "--no-hpo", "-q", "--jobs", "100000"],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    assert f"--jobs 100000 lowered to {_procs.max_jobs()}" in done.stderr
    assert "Traceback" not in done.stderr
