"""Validation on Dask: ``phenotk.dask.validate(paths_or_bag, hpo=…, config=…)`` → a ``dask.dataframe`` of findings.

The graph: the inputs are listed on the client (local paths as ``phenotk validate`` lists them; ``s3://``,
``gs://``, ``file://`` URLs and globs through fsspec), cut into partitions (guided by default:
:func:`~phenotk.scale.tasks.cut`); each partition task reads its files (workers read; bytes never pass
through the client, except members of zip archives and stdin) and runs
:func:`~phenotk.scale.partition.validate_records` with an engine built once per worker process. One more
task gathers the partitions' run-hook notes (a few bytes per document) and runs the cross-document rules
(:func:`~phenotk.scale.partition.cross_document`); its finding rows are the last partition of the findings
frame. So the frame's rows are exactly the single-process run's findings.

:meth:`Frames.to_parquet` (``phenotk validate --engine dask``) runs no graph of frames: on a ``distributed``
client it submits the partition tasks while it lists the inputs and reduces their notes itself, in input
order, as they arrive.
"""

from __future__ import annotations

import os
import uuid
from typing import TYPE_CHECKING, Any

from phenotk.scale import require

require("dask.dataframe", "pyarrow", "fsspec")

import dask  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402

from phenotk.scale.arrow import DOCUMENTS_SCHEMA, FINDINGS_SCHEMA  # noqa: E402
from phenotk.scale.inputs import iter_inputs, list_inputs  # noqa: E402
from phenotk.scale.partition import (  # noqa: E402
    CrossDocument,
    Spec,
    cross_document,
    spec_limits,
    validate_records,
    worker_engine,
)
from phenotk.scale.tasks import Batch, current_client, cut, validate_batch, worker_threads  # noqa: E402

if TYPE_CHECKING:  # pragma: no cover
    import dask.bag as db

    from phenotk.validation.engine import Engine
    from phenotk.workflow.session import Session

#: files per partition task when one is asked for; the default (None) cuts guided partitions (:func:`cut`)
PARTITION_SIZE: int | None = None

#: files of the first partition a streamed run (:meth:`Frames.to_parquet` on a distributed client) submits while
#: it lists the inputs; each next one is twice as big, up to :data:`~phenotk.scale.tasks.MAX_PARTITION`. The
#: first leaves after ~1,300 files are listed (~10 ms): with 4,096-file partitions from the start the workers
#: waited for 20,480 files to be listed (~0.2 s of a 50,000-file run's ~6 s)
FIRST_PARTITION = 256


def _frame(table: pa.Table) -> pd.DataFrame:
    return table.to_pandas(types_mapper=pd.ArrowDtype)


FINDINGS_META = _frame(FINDINGS_SCHEMA.empty_table())
DOCUMENTS_META = _frame(DOCUMENTS_SCHEMA.empty_table())


# ------------------------------------------------------------------------------ the tasks (workers)


def _files_task(spec: Spec, batch: Batch) -> tuple[pd.DataFrame, pd.DataFrame, pa.Table]:
    """One partition of listed files: read, validate; (findings, documents, notes)."""
    part = validate_batch(spec, batch)
    return _frame(part.findings), _frame(part.documents), part.notes


def _records_task(spec: Spec, records: list[Any]) -> tuple[pd.DataFrame, pd.DataFrame, pa.Table]:
    """One partition of a bag of ``(path, bytes)`` records."""
    engine = worker_engine(spec)
    part = validate_records(((r[0], r[1]) for r in records), engine, limits=spec_limits(spec))
    return _frame(part.findings), _frame(part.documents), part.notes


def _cross_task(spec: Spec, order: str, *notes: pa.Table) -> pd.DataFrame:
    """The cross-document reduction: every partition's run-hook notes → the run hooks' finding rows."""
    return _frame(cross_document(worker_engine(spec), list(notes), order=order))


# ------------------------------------------------------------------------------ the API


class Frames:
    """The findings and per-document frames of one run, and :meth:`to_parquet` that writes both in one pass.

    The frames (``.findings``, ``.documents``: lazy ``dask.dataframe`` graphs) are built on first use;
    :meth:`to_parquet` does not build them.
    """

    def __init__(
        self,
        spec: Spec | None,
        chunks: list[Any] | None = None,
        *,
        paths: list[Any] | None = None,
        partition_size: int | None = PARTITION_SIZE,
        records: bool = False,
        session: Session | None = None,
        order: str = "seq",
    ) -> None:
        self._spec = spec
        #: the partitions (lists of files, or a bag's delayed partitions); None: ``paths`` not listed yet
        self._parts = chunks
        self._paths = paths
        self._size = partition_size
        self._records = records
        self._session = session
        self._order = order
        self._frames: tuple[dd.DataFrame, dd.DataFrame] | None = None

    @property
    def _chunks(self) -> list[Any]:
        if self._parts is None:
            items = list_inputs(self._paths or [])
            self._parts = cut(items, self._size, worker_threads() if self._size is None else 1)
        return self._parts

    @property
    def findings(self) -> dd.DataFrame:
        """One row per finding (:data:`~phenotk.scale.arrow.FINDINGS_SCHEMA`), the cross-document ones last."""
        return self._graph()[0]

    @property
    def documents(self) -> dd.DataFrame:
        """One row per document (:data:`~phenotk.scale.arrow.DOCUMENTS_SCHEMA`)."""
        return self._graph()[1]

    def _graph(self) -> tuple[dd.DataFrame, dd.DataFrame]:
        if self._frames is None:
            self._frames = _dataframes(self._spec, self._chunks, self._records, self._order)
        return self._frames

    def _engine(self) -> Engine:
        return self._session.engine if self._session is not None else worker_engine(self._spec)  # type: ignore[arg-type]

    def to_parquet(self, directory: str, **kwargs: Any) -> None:
        """Write ``directory/findings/`` and ``directory/documents/`` (files are read and validated once).

        Each partition task validates its files and writes its two tables itself
        (:mod:`phenotk.scale.tasks`: Arrow straight to Parquet, no pandas), returning only the run-hook notes
        (tens of bytes per document). On a ``distributed`` client the partitions are submitted as the inputs
        are listed, in input order (first in, first out: the big ones first, see
        :func:`~phenotk.scale.tasks.cut`), and the client feeds each partition's notes to the cross-document
        reduction as soon as the partitions before it are in, while the workers go on; the reduction's
        findings are written last, as ``findings/part.cross.parquet``. ``kwargs``: keywords of
        ``pyarrow.parquet.write_table`` (e.g. ``compression="zstd"``) for the client's own file.
        """
        import fsspec
        import pyarrow.parquet as pq

        from phenotk.scale import tasks

        base = directory.rstrip("/")
        fs, root = fsspec.core.url_to_fs(base)
        fs.makedirs(f"{root}/findings", exist_ok=True)
        fs.makedirs(f"{root}/documents", exist_ok=True)
        fn = tasks.records_task if self._records else tasks.files_task
        token = uuid.uuid4().hex[:12]
        client = current_client()
        if client is not None and not self._records:
            cross = _stream_files(client, self, base, token)
        else:
            calls = [
                (fn, (self._spec, c, base, k), f"phenotk-validate-{token}-{k}") for k, c in enumerate(self._chunks)
            ]
            cross = cross_document(self._engine(), _gather(calls), order=self._order)
        pq.write_table(cross, f"{root}/findings/part.cross.parquet", filesystem=fs, **kwargs)


def _stream_files(client: Any, run: Frames, base: str, token: str) -> pa.Table:
    """Submit a run's file partitions as they are listed and reduce their notes in order; the cross findings."""
    from distributed import as_completed

    from phenotk._heap import frozen
    from phenotk.scale import tasks

    spec = run._spec
    reducer = CrossDocument(run._engine())
    done: dict[int, pa.Table] = {}
    nxt = 0

    def take(k: int, notes: pa.Table) -> None:
        nonlocal nxt
        done[k] = notes
        while nxt in done:
            reducer.add(done.pop(nxt))
            nxt += 1

    def submit(k: int, batch: Batch) -> Any:
        return client.submit(tasks.files_task, spec, batch, base, k, key=f"phenotk-validate-{token}-{k}", pure=False)

    futures: dict[Any, int] = {}
    pending = as_completed(with_results=True)
    k = 0
    if run._parts is not None or run._size is not None:
        for batch in run._chunks:
            fut = submit(k, batch)
            futures[fut] = k
            pending.add(fut)
            k += 1
    else:  # partitions go out while the client lists the rest; the tail is cut when the count is known
        threads = worker_threads()
        size = FIRST_PARTITION
        buf: list[Any] = []
        for item in iter_inputs(run._paths or []):
            buf.append(item)
            # a partition leaves once 2 x threads more files wait behind it (the guided tail then balances
            # the workers); small ones first, so the workers start while the client lists, then ever bigger
            if len(buf) >= (2 * threads + 1) * size:
                fut = submit(k, Batch(buf[:size]))
                futures[fut] = k
                pending.add(fut)
                k += 1
                del buf[:size]
                size = min(tasks.MAX_PARTITION, 2 * size)
        for batch in cut(buf, None, threads):
            fut = submit(k, batch)
            futures[fut] = k
            pending.add(fut)
            k += 1
        del buf
    with frozen() as refreeze:  # the notes kept so far out of the collector's scans (phenotk._heap)
        for batch in pending.batches():
            for fut, notes in batch:
                take(futures.pop(fut), notes)
                fut.release()
            refreeze()
        return reducer.finish()


def _gather(calls: list[tuple[Any, tuple[Any, ...], str]]) -> list[pa.Table]:
    """Every call's result; on a distributed client as they finish (a worker keeps none until the end)."""
    if not calls:
        return []
    todo = [dask.delayed(fn, pure=False)(*args, dask_key_name=key) for fn, args, key in calls]
    client = current_client()
    if client is None:  # no distributed client: the current scheduler
        return list(dask.compute(*todo))
    from distributed import as_completed

    out = []
    for batch in as_completed(client.compute(todo), with_results=True).batches():
        for fut, result in batch:
            out.append(result)
            fut.release()
    return out


def _dataframes(spec: Spec | None, chunks: list[Any], records: bool, order: str) -> tuple[dd.DataFrame, dd.DataFrame]:
    """The lazy findings and documents frames of a run's partitions."""
    token = uuid.uuid4().hex[:12]  # task keys named, not hashed from 10^5 file names on the client
    fn = _records_task if records else _files_task
    task = dask.delayed(fn, nout=3, pure=False)
    parts = [task(spec, c, dask_key_name=f"phenotk-partition-{token}-{k}") for k, c in enumerate(chunks)]
    cross = dask.delayed(_cross_task, pure=False)(
        spec, order, *[p[2] for p in parts], dask_key_name=f"phenotk-cross-{token}"
    )
    findings = dd.from_delayed([p[0] for p in parts] + [cross], meta=FINDINGS_META, verify_meta=False)
    if parts:
        documents = dd.from_delayed([p[1] for p in parts], meta=DOCUMENTS_META, verify_meta=False)
    else:
        documents = dd.from_pandas(DOCUMENTS_META, npartitions=1)
    return findings, documents


def session_of(hpo: Any = None, config: Any = False, **options: Any) -> Session:
    """The client's session (options validated, HPO resolved to a file), as ``phenotk.validate`` builds it."""
    from phenotk.workflow.session import Session

    return Session.from_settings(config=config, hpo=hpo, **options)


def frames(
    paths_or_bag: Any,
    *,
    hpo: Any = None,
    config: Any = False,
    session: Session | None = None,
    partition_size: int | None = PARTITION_SIZE,
    **options: Any,
) -> Frames:
    """Findings and documents of ``paths_or_bag`` as lazy Dask frames (see :func:`validate`).

    ``partition_size``: files per partition task; None (default): guided partitions sized for the worker
    threads of the current client (:func:`~phenotk.scale.tasks.cut`).
    """
    session = session or session_of(hpo, config, **options)
    spec = Spec.of(session)
    if _is_bag(paths_or_bag):
        bag: db.Bag = paths_or_bag
        return Frames(spec, bag.to_delayed(), records=True, session=session, order="walk")
    paths = [paths_or_bag] if isinstance(paths_or_bag, (str, os.PathLike)) else list(paths_or_bag)
    return Frames(spec, paths=paths, partition_size=partition_size, session=session)


def validate(
    paths_or_bag: Any,
    *,
    hpo: Any = None,
    config: Any = False,
    partition_size: int | None = PARTITION_SIZE,
    **options: Any,
) -> dd.DataFrame:
    """Findings of every document under ``paths_or_bag`` as a lazy ``dask.dataframe`` (one row per finding).

    ``paths_or_bag``: a path, directory, glob or URL (``s3://``, ``gs://``, ``file://`` — read through
    fsspec; install the fsspec backend, e.g. ``s3fs``), a list of them, or a ``dask.bag`` of ``(path, bytes)``
    records. ``hpo``: an HPO file (workers load it again from that path, which they must see) or False;
    None resolves it as ``phenotk validate`` does. ``config``: a config file, True to look for one, False
    (default) for none; ``options``: the keywords of :func:`phenotk.validate` (``profile``, ``select``,
    ``ignore``, ``severity``, ``require`` …).

    The columns are :data:`~phenotk.scale.arrow.FINDINGS_SCHEMA`; ``.to_parquet(dir)`` writes them. The rows
    equal the single-process run's findings, cross-document ones (duplicate ids across files) included.
    """
    return frames(paths_or_bag, hpo=hpo, config=config, partition_size=partition_size, **options).findings


def _is_bag(obj: Any) -> bool:
    return type(obj).__module__.startswith("dask.bag") or (
        hasattr(obj, "to_delayed") and hasattr(obj, "map_partitions") and not isinstance(obj, dd.DataFrame)
    )


__all__ = ["FINDINGS_META", "Frames", "frames", "list_inputs", "session_of", "validate"]
