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


def test_last_tasks_shrink_so_workers_finish_together(
    session: Session, store_files: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tasks keep their size until the listing nears its end, then take the files left / (2 × jobs), at least
    MIN_TAIL_CHUNK; every file is in exactly one task, in input order, and the findings equal one process's."""
    corpus = _corpus(store_files, tmp_path, 60)
    monkeypatch.setattr(runner, "CHUNK", 4)
    monkeypatch.setattr(runner, "BIG_CHUNK", 8)
    monkeypatch.setattr(runner, "BIG_AFTER", 12)
    monkeypatch.setattr(runner, "MIN_TAIL_CHUNK", 2)
    sizes: list[int] = []
    paths: list[str] = []
    from concurrent.futures import ProcessPoolExecutor

    submit = ProcessPoolExecutor.submit

    def counting(self: Any, fn: Any, chunk: Any, *rest: Any) -> Any:  # what the parent sends, task by task
        sizes.append(len(chunk))
        paths.extend(item[0] for item in chunk)
        return submit(self, fn, chunk, *rest)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", counting)
    two = session.validate([str(corpus)], jobs=2)
    one = session.validate([str(corpus)], jobs=1)
    # 60 files listed 32 ahead (2 jobs × 8 × 2): 4-file tasks up to file 12, 8-file tasks while the files left
    # are not known (files 12-27), then ceil(left / 4) capped at 8, at least 2: 32 → 8, 24 → 6, 18 → 5, 13 → 4,
    # 9 → 3, 6 → 2, 4 → 2, 2 → 2
    assert sizes == [4, 4, 4, 8, 8, 8, 6, 5, 4, 3, 2, 2, 2]
    assert paths == [r.path for r in one.results] == [r.path for r in two.results]
    assert _rows(two) == _rows(one) and sum(_rows(one).values()) > 0


def test_remaining_counts_only_near_the_end() -> None:
    assert list(runner._with_remaining(iter("abcde"), 2)) == [
        ("a", None),
        ("b", None),
        ("c", None),
        ("d", 2),
        ("e", 1),
    ]
    assert list(runner._with_remaining(iter("ab"), 5)) == [("a", 2), ("b", 1)]
    assert runner._chunk_size(0, None, 2) == runner.CHUNK
    assert runner._chunk_size(runner.BIG_AFTER, None, 2) == runner.BIG_CHUNK
    assert runner._chunk_size(runner.BIG_AFTER, 1000, 2) == min(runner.BIG_CHUNK, 250)
    assert runner._chunk_size(runner.BIG_AFTER, 3, 2) == runner.MIN_TAIL_CHUNK


def test_cli_text_report_rendered_during_a_pool_run_equals_the_finished_report(
    session: Session, store_files: list[Path], tmp_path: Path, hpo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``phenotk validate --jobs 2 -o report.txt`` renders each document while the workers go on; a duplicate id
    across files (a finding added at the end of the run, first in an early document) is in the file as the
    in-memory render of the same run has it, with and without a display threshold."""
    from phenotk.cli.app import main
    from phenotk.report import render

    corpus = _corpus(store_files, tmp_path, 30)
    twin = json.loads(store_files[0].read_text(encoding="utf-8"))
    (corpus / "zz-twin.json").write_text(json.dumps(twin, indent=2), encoding="utf-8")  # same id as the first
    hp = str(hpo_dir / "hp.json")
    monkeypatch.chdir(tmp_path)  # no project config file found upwards: the session's defaults
    expected = session.validate([str(corpus)], jobs=1)
    assert any(i.rule == "id-duplicate" for r in expected.results for i in r.issues)
    for show in ([], ["--show", "warning"]):
        out = tmp_path / f"report{len(show)}.txt"
        with pytest.raises(SystemExit):
            main(["validate", str(corpus), "--hpo", hp, "--jobs", "2", "-q", "-o", str(out), *show])
        assert out.read_text(encoding="utf-8") == render(expected, "text", show=show[1] if show else None)


def test_an_unreadable_file_gets_the_same_message_with_one_or_two_jobs(
    session: Session, store_files: list[Path], tmp_path: Path
) -> None:
    # a dangling symlink read 'cannot read: No such file or directory' in one process and
    # "cannot read: [Errno 2] No such file or directory: '…'" in the pool's parent: findings differed by --jobs
    corpus = _corpus(store_files, tmp_path, 40)
    (corpus / "dangling.json").symlink_to(tmp_path / "gone.json")
    one, two = session.validate([str(corpus)], jobs=1), session.validate([str(corpus)], jobs=2)
    assert _rows(one) == _rows(two)
    assert [i.message for r in one.results for i in r.issues if r.path.endswith("dangling.json")] == [
        "cannot read: No such file or directory"]
