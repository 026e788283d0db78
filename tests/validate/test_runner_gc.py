"""A run keeps its heap out of the cyclic collector's scans while it runs, and gives it back when it ends."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from phenotk import _heap
from phenotk.validation import runner


@pytest.fixture(autouse=True)
def _clean_gc() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def _frozen_counts(n: int) -> tuple[list[int], int]:
    seen = []
    gen = _heap.settled(iter(range(n)))
    for _ in gen:
        seen.append(gc.get_freeze_count())
    return seen, gc.get_freeze_count()


def test_frozen_while_running_and_unfrozen_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_heap, "EVERY", 3)
    seen, after = _frozen_counts(10)
    assert all(c > 0 for c in seen)
    assert after == 0


def test_results_made_during_the_run_are_frozen_then_released(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_heap, "EVERY", 2)
    kept: list[list[int]] = []

    def results() -> Iterator[list[int]]:
        for i in range(6):
            kept.append([i])  # what a run keeps (its results)
            yield kept[-1]

    counts = []
    for _ in _heap.settled(results()):
        counts.append(gc.get_freeze_count())
    assert counts[-1] > counts[0]  # results kept so far joined the frozen heap
    assert gc.get_freeze_count() == 0


def test_an_abandoned_run_unfreezes() -> None:
    gen = _heap.settled(iter(range(100)))
    next(gen)
    assert gc.get_freeze_count() > 0
    gen.close()
    assert gc.get_freeze_count() == 0


def test_a_callers_own_freeze_is_left_alone() -> None:
    gc.freeze()
    before = gc.get_freeze_count()
    seen, after = _frozen_counts(5)
    assert seen == [before] * 5
    assert after == before > 0
    assert gc.get_freeze_count() == before


def test_a_run_validates_as_before(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "p.json"
    p.write_text('{"id": "x", "subject": {"id": "s"}}', encoding="utf-8")
    from phenotk.io import iter_documents
    from phenotk.validation.config import Options, engine_config

    cfg = engine_config(Options(no_hpo=True))
    report = runner.run([str(tmp_path)], cfg)
    direct = runner.check_documents(iter_documents([str(p)]), cfg)
    assert [r.path for r in report.results] == [str(p)]
    assert report.results[0].issues and report.results == direct.results
    assert gc.get_freeze_count() == 0
