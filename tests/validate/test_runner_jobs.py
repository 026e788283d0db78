"""``--jobs 0`` (the command line's default) chooses workers for large runs; forked workers reuse the engine."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from phenotk.validation import runner
from phenotk.workflow.session import Session


def _corpus(store_files: list[Path], tmp_path: Path, n: int) -> Path:
    out = tmp_path / "corpus"
    out.mkdir()
    for f in store_files[:n]:
        shutil.copy(f, out / f.name)
    return out


def _rows(report: Any) -> Counter[tuple[Any, ...]]:
    return Counter((r.path, i.code, i.message, i.pointer, i.line, i.column) for r in report.results for i in r.issues)


@pytest.fixture(scope="module")
def session(hpo_dir: Path) -> Session:
    return Session.from_settings(config=False, hpo=str(hpo_dir / "hp.json"))


def test_automatic_choice_follows_the_number_of_files(
    session: Session, store_files: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus(store_files, tmp_path, 12)
    single = session.validate([str(corpus)], jobs=1)
    pools: list[int] = []
    real = runner._run_parallel

    def spy(*args: Any) -> Any:
        pools.append(args[3])
        return real(*args)

    monkeypatch.setattr(runner, "_run_parallel", spy)
    monkeypatch.setattr(runner, "auto_jobs", lambda: 2)
    monkeypatch.setattr(runner, "AUTO_MIN_FILES", 50)  # 12 files: below the threshold, checked here
    few = session.validate([str(corpus)], jobs=0)
    assert pools == []
    monkeypatch.setattr(runner, "AUTO_MIN_FILES", 5)  # above it: two workers
    many = session.validate([str(corpus)], jobs=0)
    assert pools == [2]
    assert [r.path for r in many.results] == [r.path for r in single.results] == [r.path for r in few.results]
    assert _rows(many) == _rows(single) == _rows(few) and sum(_rows(single).values()) > 0


def test_forked_workers_start_with_the_parents_engine(
    session: Session, store_files: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("workers are not forked here")
    corpus = _corpus(store_files, tmp_path, 8)
    packet = json.loads(store_files[0].read_text(encoding="utf-8"))
    packet["phenotypicFeatures"] = [{"type": {"id": "HP:9999999", "label": "no such term"}}]
    (corpus / "unknown-term.json").write_text(json.dumps(packet), encoding="utf-8")
    single = session.validate([str(corpus)], jobs=1)

    def no_loading(path: str) -> Any:
        raise AssertionError("a forked worker loaded an ontology again")

    monkeypatch.setattr(runner, "load_hpo", no_loading)  # the forked workers inherit this module state
    pooled = session.validate([str(corpus)], jobs=2)
    assert _rows(pooled) == _rows(single)
    assert any(i.rule == "hpo-unknown-term" for r in pooled.results for i in r.issues)  # HPO rules ran in workers
    assert runner._INHERITED is None  # the parent's engine is not held after the run
