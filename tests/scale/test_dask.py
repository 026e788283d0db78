"""Dask: the findings of a LocalCluster(processes=True) run equal the single-process and --jobs 2 runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import copies_with_duplicates, multiset

pytest.importorskip("dask.dataframe")
pytest.importorskip("distributed")


def _single(paths: list[str], hpo: str, jobs: int = 1) -> Any:
    from phenotk.scale.arrow import results_to_findings
    from phenotk.workflow.session import Session

    report = Session.from_settings(config=False, hpo=hpo).validate(paths, jobs=jobs)
    return report, multiset(results_to_findings(report.results).to_pylist())


@pytest.fixture(scope="module")
def store_plus_copies(store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The whole store, then copies of three genes' files (deliberate duplicate ids across files)."""
    dup = tmp_path_factory.mktemp("dups")
    copies_with_duplicates(store_dir, dup, ["AAGAB", "ACTB", "FBN1"])
    return [str(store_dir), str(dup)]


def test_store_findings_equal_single_process_jobs2_and_dask(
    dask_client: Any, store_plus_copies: list[str], hpo_json: str
) -> None:
    import phenotk.dask

    report, single = _single(store_plus_copies, hpo_json)
    _, jobs2 = _single(store_plus_copies, hpo_json, jobs=2)
    frames = phenotk.dask.frames(store_plus_copies, hpo=hpo_json)
    findings, documents = dask_client.compute([frames.findings, frames.documents], sync=True)
    distributed = multiset(findings.to_dict("records"))

    dups = [k for k in single.elements() if k[4] == "id-duplicate"]
    n_copies = sum(1 for r in report.results if "/dups" in r.path)
    assert len(dups) == n_copies > 50  # every copy names its store original
    assert jobs2 == single
    assert distributed == single
    assert len(documents) == len(report.results) == sum(1 for _ in documents.itertuples())
    assert int(documents["errors"].sum()) + len(dups) == sum(1 for k in single.elements() if k[5] == "error")


def test_cross_document_findings_cross_partitions(
    dask_client: Any, store_dir: Path, tmp_path: Path, hpo_json: str
) -> None:
    """Partitions of 3 files: the duplicate and its original sit in different tasks, the finding is the same."""
    import phenotk.dask

    copies_with_duplicates(store_dir, tmp_path / "a", ["AAGAB"])
    copies_with_duplicates(store_dir, tmp_path / "b", ["AAGAB"])
    paths = [str(tmp_path / "a"), str(tmp_path / "b")]
    _, single = _single(paths, hpo_json)
    got = multiset(phenotk.dask.validate(paths, hpo=hpo_json, partition_size=3).compute().to_dict("records"))
    assert got == single
    dups = [k for k in got.elements() if k[4] == "id-duplicate"]
    assert dups and all(str(tmp_path / "b") in k[0] and str(tmp_path / "a") in k[6] for k in dups)


def test_bag_of_records_and_file_url(dask_client: Any, store_dir: Path, hpo_json: str) -> None:
    """A dask.bag of (path, bytes) records and a file:// glob give the same findings as the path run."""
    import dask.bag as db

    import phenotk.dask

    files = sorted((store_dir / "ACTB").glob("*.json"))
    _, single = _single([str(f) for f in files], hpo_json)
    bag = db.from_sequence([(str(f), f.read_bytes()) for f in files], npartitions=3)
    assert multiset(phenotk.dask.validate(bag, hpo=hpo_json).compute().to_dict("records")) == single
    url = f"file://{store_dir}/ACTB/*.json"
    assert multiset(phenotk.dask.validate(url, hpo=hpo_json).compute().to_dict("records")) == single


def test_unreadable_inputs_are_rows(dask_client: Any, tmp_path: Path, hpo_json: str) -> None:
    import phenotk.dask

    (tmp_path / "bad.json").write_text('{"id": "x",', encoding="utf-8")
    paths = [str(tmp_path / "bad.json"), str(tmp_path / "missing.json")]
    _, single = _single(paths, hpo_json)
    got = multiset(phenotk.dask.validate(paths, hpo=hpo_json).compute().to_dict("records"))
    assert got == single
    assert sorted(k[4] for k in got.elements()) == ["input-unreadable", "input-unreadable"]


def test_to_parquet_partition_tasks_write_what_the_single_process_finds(
    dask_client: Any, store_dir: Path, tmp_path: Path, hpo_json: str
) -> None:
    """Frames.to_parquet: tasks write their own Parquet (files or a bag), the client adds the cross-document part."""
    import dask.bag as db
    import pyarrow.parquet as pq

    import phenotk.dask

    copies_with_duplicates(store_dir, tmp_path / "a", ["AAGAB", "ACTB"])
    copies_with_duplicates(store_dir, tmp_path / "b", ["AAGAB"])
    paths = [str(tmp_path / "a"), str(tmp_path / "b")]
    report, single = _single(paths, hpo_json)
    assert any(k[4] == "id-duplicate" for k in single.elements())
    phenotk.dask.frames(paths, hpo=hpo_json, partition_size=4).to_parquet(str(tmp_path / "out"))
    findings = pq.read_table(tmp_path / "out" / "findings")
    assert findings.schema.metadata[b"phenotk.schema"] == b"findings/1"
    assert multiset(findings.to_pylist()) == single
    assert pq.read_table(tmp_path / "out" / "documents").num_rows == len(report.results)
    assert (tmp_path / "out" / "findings" / "part.cross.parquet").is_file()

    files = sorted((tmp_path / "a").glob("*/*.json")) + sorted((tmp_path / "b").glob("*/*.json"))
    bag = db.from_sequence([(str(f), f.read_bytes()) for f in files], npartitions=3)
    phenotk.dask.frames(bag, hpo=hpo_json).to_parquet(str(tmp_path / "bag"))
    assert multiset(pq.read_table(tmp_path / "bag" / "findings").to_pylist()) == single


def test_to_parquet_streams_guided_partitions_while_listing(
    dask_client: Any, store_dir: Path, tmp_path: Path, hpo_json: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Default partitions: big ones submitted while the client still lists, a guided tail; the findings are the
    single-process run's, cross-document ones included (the notes are reduced in input order as they arrive)."""
    import pyarrow.parquet as pq

    import phenotk.dask
    from phenotk.scale import dask as scale_dask
    from phenotk.scale import tasks

    monkeypatch.setattr(tasks, "MAX_PARTITION", 2)  # early submissions once (2 * threads + 1) * size files wait
    monkeypatch.setattr(tasks, "MIN_PARTITION", 1)
    monkeypatch.setattr(scale_dask, "FIRST_PARTITION", 1)  # 1 file, then 2 (the biggest)
    copies_with_duplicates(store_dir, tmp_path / "a", ["AAGAB", "ACTB"])
    copies_with_duplicates(store_dir, tmp_path / "b", ["AAGAB", "ACTB"])
    paths = [str(tmp_path / "a"), str(tmp_path / "b")]
    report, single = _single(paths, hpo_json)
    assert len(report.results) > 2 * 2 * 2 + 2 + 2  # some partitions go out before the listing ends
    phenotk.dask.frames(paths, hpo=hpo_json).to_parquet(str(tmp_path / "out"))
    parts = sorted((tmp_path / "out" / "documents").glob("part.*.parquet"), key=lambda p: int(p.name.split(".")[1]))
    sizes = [pq.read_metadata(p).num_rows for p in parts]
    assert sizes[:2] == [1, 2] and max(sizes) == 2  # a small first partition, then big ones, then the tail
    assert sizes[-1] == 1
    assert multiset(pq.read_table(tmp_path / "out" / "findings").to_pylist()) == single
    dups = [k for k in single.elements() if k[4] == "id-duplicate"]
    assert len(dups) == sum(1 for r in report.results if "/b/" in r.path)
    assert sum(sizes) == len(report.results)


def test_cut_guided_partitions() -> None:
    """Guided partitions: input order kept, at most MAX_PARTITION, shrinking toward the end."""
    from phenotk.scale.tasks import MAX_PARTITION, MIN_PARTITION, cut

    items: list[Any] = list(range(50_000))
    parts = [b.items for b in cut(items, None, 2)]
    assert [x for p in parts for x in p] == items
    sizes = [len(p) for p in parts]
    assert sizes[0] == MAX_PARTITION and max(sizes) == MAX_PARTITION
    assert sizes == sorted(sizes, reverse=True)
    assert all(s >= MIN_PARTITION for s in sizes[:-1])
    assert len(parts) < 50_000 // 256  # far fewer tasks than fixed 256-file partitions
    assert [len(b.items) for b in cut(items[:10], 4)] == [4, 4, 2]


def test_warm_engine_keeps_the_workers_heap_out_of_the_collector(dask_client: Any, hpo_json: str) -> None:
    """WarmEngine builds the engine in each worker and freezes what it loaded (phenotk._heap's reason)."""
    import gc

    from phenotk.scale.partition import Spec
    from phenotk.scale.preload import WarmEngine
    from phenotk.workflow.session import Session

    before = dask_client.run(gc.get_freeze_count)
    dask_client.register_plugin(WarmEngine(Spec.of(Session.from_settings(config=False, hpo=hpo_json))))
    after = dask_client.run(gc.get_freeze_count)
    assert after.keys() == before.keys() and len(after) == 2
    assert all(after[w] > before[w] for w in after)
    dask_client.run(gc.unfreeze)


def test_config_limits_hold_in_the_workers(dask_client: Any, store_dir: Path, tmp_path: Path, hpo_json: str) -> None:
    """``[tool.phenotk.limits]`` of the run holds on the workers (their task threads) as in one process."""
    import dask.bag as db
    import pyarrow.parquet as pq

    import phenotk.dask
    from phenotk.limits import Limits
    from phenotk.workflow.session import Session

    files = sorted((store_dir / "ACTB").glob("*.json"))
    small = min(f.stat().st_size for f in files)
    options = {"limits": Limits(document_bytes=small)}  # every file but the smallest is over it
    paths = [str(f) for f in files]
    session = Session.from_settings(config=False, hpo=hpo_json, **options)
    single = multiset(_rows(session.validate(paths)))
    over = [k for k in single.elements() if k[4] == "input-unreadable"]
    assert len(over) == len(files) - 1 and all("exceeds limits.document-bytes" in k[6] for k in over)
    phenotk.dask.frames(paths, session=session, partition_size=2).to_parquet(str(tmp_path / "out"))
    assert multiset(pq.read_table(tmp_path / "out" / "findings").to_pylist()) == single
    got = phenotk.dask.frames(paths, session=session, partition_size=2).findings.compute()
    assert multiset(got.to_dict("records")) == single
    bag = db.from_sequence([(p, Path(p).read_bytes()) for p in paths], npartitions=3)  # bytes read elsewhere
    assert multiset(phenotk.dask.frames(bag, session=session).findings.compute().to_dict("records")) == single


def _rows(report: Any) -> list[dict[str, Any]]:
    from phenotk.scale.arrow import results_to_findings

    return results_to_findings(report.results).to_pylist()
