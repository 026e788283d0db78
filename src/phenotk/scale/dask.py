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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from phenotk.scale import require

require("dask.dataframe", "pyarrow", "fsspec")

import dask  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402

from phenotk.scale.arrow import DOCUMENTS_SCHEMA, FINDINGS_SCHEMA  # noqa: E402
from phenotk.scale.inputs import FileItem, list_inputs, read_item  # noqa: E402
from phenotk.scale.partition import Spec, cross_document, validate_records, worker_engine  # noqa: E402

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


def _files_task(spec: Spec, items: list[FileItem]) -> tuple[pd.DataFrame, pd.DataFrame, pa.Table]:
    """One partition of listed files: read, validate; (findings, documents, notes)."""
    engine = worker_engine(spec)
    part = validate_records(((it[0], read_item(it), it[1], it[2]) for it in items), engine)
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
    """The findings and per-document frames of one run (computing both together validates once)."""

    findings: dd.DataFrame
    documents: dd.DataFrame
    #: the findings without the cross-document partition, the partitions' notes, the client's engine, the order
    _parts: dd.DataFrame | None = None
    _notes: list[Any] = field(default_factory=list)
    _engine: Any = None
    _order: str = "seq"

    def to_parquet(self, directory: str, **kwargs: Any) -> None:
        """Write ``directory/findings/`` and ``directory/documents/`` (one graph: files are validated once).

        The cross-document reduction runs here, on the client, over the notes the partitions return (tens of
        bytes per document), and is written as ``findings/part.cross.parquet``: no worker holds the notes
        of the whole run.
        """
        import fsspec
        import pyarrow.parquet as pq

        base = directory.rstrip("/")
        if self._parts is None:
            writes = [
                self.findings.to_parquet(f"{base}/findings", schema=FINDINGS_SCHEMA, compute=False, **kwargs),
                self.documents.to_parquet(f"{base}/documents", schema=DOCUMENTS_SCHEMA, compute=False, **kwargs),
            ]
            dask.compute(*writes)
            return
        writes = [
            self._parts.to_parquet(f"{base}/findings", schema=FINDINGS_SCHEMA, compute=False, **kwargs),
            self.documents.to_parquet(f"{base}/documents", schema=DOCUMENTS_SCHEMA, compute=False, **kwargs),
        ]
        done = dask.compute(*writes, *self._notes)
        cross = cross_document(self._engine, list(done[2:]), order=self._order)
        fs, root = fsspec.core.url_to_fs(f"{base}/findings")
        pq.write_table(cross, f"{root}/part.cross.parquet", filesystem=fs)


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
    order = "seq"
    if _is_bag(paths_or_bag):
        bag: db.Bag = paths_or_bag
        order = "walk"
        task = dask.delayed(_records_task, nout=3, pure=True)
        parts = [task(spec, d) for d in bag.to_delayed()]
    else:
        items = list_inputs([paths_or_bag] if isinstance(paths_or_bag, (str, os.PathLike)) else list(paths_or_bag))
        task = dask.delayed(_files_task, nout=3, pure=True)
        size = max(1, partition_size)
        parts = [task(spec, items[i : i + size]) for i in range(0, len(items), size)]
    cross = dask.delayed(_cross_task, pure=True)(spec, order, *[p[2] for p in parts])
    findings = dd.from_delayed([p[0] for p in parts] + [cross], meta=FINDINGS_META, verify_meta=False)
    local = dd.from_delayed([p[0] for p in parts], meta=FINDINGS_META, verify_meta=False) if parts else None
    if parts:
        documents = dd.from_delayed([p[1] for p in parts], meta=DOCUMENTS_META, verify_meta=False)
    else:
        documents = dd.from_pandas(DOCUMENTS_META, npartitions=1)
    return Frames(findings, documents, local, [p[2] for p in parts], session.engine, order)


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
