"""Validation on Dask: ``phenotk.dask.validate(paths_or_bag, hpo=…, config=…)`` → a ``dask.dataframe`` of findings.

The graph: the inputs are listed on the client (local paths as ``phenotk validate`` lists them; ``s3://``,
``gs://``, ``file://`` URLs and globs through fsspec), cut into partitions of ``partition_size`` files; each
partition task reads its files (workers read; bytes never pass through the client, except members of zip
archives and stdin) and runs :func:`~phenotk.scale.partition.validate_records` with an engine built once per
worker process. One more task gathers the partitions' run-hook notes (a few bytes per document) and runs the
cross-document rules (:func:`~phenotk.scale.partition.cross_document`); its finding rows are the last
partition of the findings frame. So the frame's rows are exactly the single-process run's findings.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from phenotk.scale import require

require("dask.dataframe", "pyarrow", "fsspec")

import dask  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402

from phenotk.scale.arrow import DOCUMENTS_SCHEMA, FINDINGS_SCHEMA  # noqa: E402
from phenotk.scale.inputs import list_inputs  # noqa: E402
from phenotk.scale.partition import Spec, cross_document, validate_records, worker_engine  # noqa: E402
from phenotk.scale.tasks import Batch, validate_batch  # noqa: E402

if TYPE_CHECKING:  # pragma: no cover
    import dask.bag as db

    from phenotk.workflow.session import Session

#: files per partition task (a partition of store packets takes ~0.5 s on one core)
PARTITION_SIZE = 256


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
    part = validate_records(((r[0], r[1]) for r in records), engine)
    return _frame(part.findings), _frame(part.documents), part.notes


def _cross_task(spec: Spec, order: str, *notes: pa.Table) -> pd.DataFrame:
    """The cross-document reduction: every partition's run-hook notes → the run hooks' finding rows."""
    return _frame(cross_document(worker_engine(spec), list(notes), order=order))


# ------------------------------------------------------------------------------ the API


@dataclass
class Frames:
    """The findings and per-document frames of one run, and :meth:`to_parquet` that writes both in one pass."""

    findings: dd.DataFrame
    documents: dd.DataFrame
    #: what to_parquet runs: the worker's spec, the partitions (lists of files, or a bag's delayed partitions)
    _spec: Spec | None = None
    _chunks: list[Any] = field(default_factory=list)
    _records: bool = False
    _engine: Any = None
    _order: str = "seq"

    def to_parquet(self, directory: str, **kwargs: Any) -> None:
        """Write ``directory/findings/`` and ``directory/documents/`` (files are read and validated once).

        Each partition task validates its files and writes its two tables itself
        (:mod:`phenotk.scale.tasks`: Arrow straight to Parquet, no pandas), returning only the run-hook notes
        (tens of bytes per document), gathered as tasks finish. The cross-document reduction runs here, on
        the client, and is written as ``findings/part.cross.parquet``. ``kwargs``: keywords of
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
        todo = [
            dask.delayed(fn, pure=False)(self._spec, chunk, base, k, dask_key_name=f"phenotk-validate-{token}-{k}")
            for k, chunk in enumerate(self._chunks)
        ]
        cross = cross_document(self._engine, _gather(todo), order=self._order)
        pq.write_table(cross, f"{root}/findings/part.cross.parquet", filesystem=fs, **kwargs)


def _gather(todo: list[Any]) -> list[pa.Table]:
    """Every task's result; on a distributed client as they finish (a worker keeps none until the end)."""
    if not todo:
        return []
    try:
        from distributed import as_completed, default_client

        client = default_client()
    except (ImportError, ValueError):  # no distributed client: the current scheduler
        return list(dask.compute(*todo))
    out = []
    futures = client.compute(todo)
    for fut in as_completed(futures):
        out.append(fut.result())
        fut.release()
    return out


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
    partition_size: int = PARTITION_SIZE,
    **options: Any,
) -> Frames:
    """Findings and documents of ``paths_or_bag`` as lazy Dask frames (see :func:`validate`)."""
    session = session or session_of(hpo, config, **options)
    spec = Spec.of(session)
    parts: list[Any]
    chunks: list[Any]
    order = "seq"
    records = _is_bag(paths_or_bag)
    token = uuid.uuid4().hex[:12]  # task keys named, not hashed from 10^5 file names on the client
    if records:
        bag: db.Bag = paths_or_bag
        order = "walk"
        task = dask.delayed(_records_task, nout=3, pure=False)
        chunks = bag.to_delayed()
    else:
        items = list_inputs([paths_or_bag] if isinstance(paths_or_bag, (str, os.PathLike)) else list(paths_or_bag))
        task = dask.delayed(_files_task, nout=3, pure=False)
        size = max(1, partition_size)
        chunks = [Batch(items[i : i + size]) for i in range(0, len(items), size)]
    parts = [task(spec, c, dask_key_name=f"phenotk-partition-{token}-{k}") for k, c in enumerate(chunks)]
    cross = dask.delayed(_cross_task, pure=False)(
        spec, order, *[p[2] for p in parts], dask_key_name=f"phenotk-cross-{token}"
    )
    findings = dd.from_delayed([p[0] for p in parts] + [cross], meta=FINDINGS_META, verify_meta=False)
    if parts:
        documents = dd.from_delayed([p[1] for p in parts], meta=DOCUMENTS_META, verify_meta=False)
    else:
        documents = dd.from_pandas(DOCUMENTS_META, npartitions=1)
    return Frames(findings, documents, spec, chunks, records, session.engine, order)


def validate(
    paths_or_bag: Any,
    *,
    hpo: Any = None,
    config: Any = False,
    partition_size: int = PARTITION_SIZE,
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
