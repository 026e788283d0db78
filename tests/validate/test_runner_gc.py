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


def _freeze_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The caller froze its heap; from now on every gc.freeze/gc.unfreeze call is recorded instead of made.

    (Counting frozen objects before and after is no test of that: a thread an earlier test left running in the
    same process, e.g. a Dask event loop under pytest-xdist, may free an object the caller's freeze had taken.)
    """
    gc.freeze()
    calls: list[str] = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "unfreeze", lambda: calls.append("unfreeze"))
    return calls


def test_a_callers_own_freeze_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _freeze_calls(monkeypatch)
    seen, after = _frozen_counts(5)
    assert calls == []  # neither frozen again nor thawed: the caller's freeze stays the caller's
    assert all(c > 0 for c in seen) and after > 0


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


def test_frozen_block_refreezes_what_it_added_and_unfreezes_at_the_end() -> None:
    kept = []
    with _heap.frozen() as refreeze:
        start = gc.get_freeze_count()
        assert start > 0
        kept.extend([i] for i in range(1000))  # what a scale-out client keeps: each partition's notes
        assert any(o is kept[0] for o in gc.get_objects())  # scanned by the collector until frozen
        refreeze()
        # every kept list is frozen now: out of the collector's generations (the count alone can move by a few:
        # a frozen object freed meanwhile, e.g. another test's garbage, leaves the permanent generation)
        mine = {id(x) for x in kept}
        assert not any(id(o) in mine for o in gc.get_objects())
        assert gc.get_freeze_count() > start
    assert gc.get_freeze_count() == 0
    with pytest.raises(KeyError), _heap.frozen():
        raise KeyError("an error inside the block")
    assert gc.get_freeze_count() == 0


def test_frozen_leaves_a_callers_freeze_and_a_disabled_collector_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _freeze_calls(monkeypatch)
    with _heap.frozen() as refreeze:
        kept = [[i] for i in range(100)]
        refreeze()
        assert calls == [] and gc.get_freeze_count() > 0
    assert calls == [] and gc.get_freeze_count() > 0 and kept
    monkeypatch.undo()
    gc.unfreeze()
    gc.disable()
    try:
        with _heap.frozen() as refreeze:
            refreeze()
            assert gc.get_freeze_count() == 0
    finally:
        gc.enable()


def test_scale_out_runs_give_the_heap_back(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from phenotk.scale.local import iter_partitions
    from phenotk.scale.partition import cross_document, validate_records
    from phenotk.validation.config import Options, engine_config
    from phenotk.validation.engine import Engine
    from phenotk.workflow.session import Session

    for i in range(3):
        (tmp_path / f"p{i}.json").write_text('{"id": "same", "subject": {"id": "s"}}', encoding="utf-8")
    session = Session.from_settings(config=False, no_hpo=True)
    parts = list(iter_partitions([str(tmp_path)], session))
    assert gc.get_freeze_count() == 0
    assert "id-duplicate" in parts[-1].findings.column("rule").to_pylist()  # the cross-document findings came
    engine = Engine(engine_config(Options(no_hpo=True)))
    part = validate_records(
        [(str(p), p.read_bytes(), p.name, k) for k, p in enumerate(sorted(tmp_path.iterdir()))], engine
    )
    cross = cross_document(engine, [part.notes])
    assert gc.get_freeze_count() == 0
    assert cross.column("rule").to_pylist().count("id-duplicate") == 2


def test_the_end_of_a_run_and_its_report_run_on_a_frozen_heap(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The cross-document end of run and the report writers see the run's heap frozen, and thaw it after."""
    for i in range(2):
        (tmp_path / f"p{i}.json").write_text('{"id": "same", "subject": {"id": "s"}}', encoding="utf-8")
    from phenotk.report import Output, ReportFormat, write_reports
    from phenotk.validation.config import Options, engine_config
    from phenotk.validation.engine import Engine

    seen: dict[str, int] = {}
    end_run = Engine.end_run

    def spying_end_run(self: Engine, log: object) -> None:
        seen["end_run"] = gc.get_freeze_count()
        end_run(self, log)  # type: ignore[arg-type]

    monkeypatch.setattr(Engine, "end_run", spying_end_run)
    report = runner.run([str(tmp_path)], engine_config(Options(no_hpo=True)))
    assert seen["end_run"] > 0 and gc.get_freeze_count() == 0
    assert [i.rule for i in report.results[1].issues].count("id-duplicate") == 1  # the end of run still ran

    import phenotk.report as reports

    write_report = reports.write_report

    def spying_write(*args: object, **kwargs: object) -> None:
        seen["write"] = gc.get_freeze_count()
        write_report(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reports, "write_report", spying_write)
    write_reports(report, [Output(ReportFormat.json, str(tmp_path / "r.json"))])
    assert seen["write"] > 0 and gc.get_freeze_count() == 0
    assert (tmp_path / "r.json").stat().st_size > 0
