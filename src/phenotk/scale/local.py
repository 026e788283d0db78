"""The same per-partition function on one machine: in this process, or streamed from a process pool.

:func:`iter_partitions` lists the inputs, cuts them into partitions and yields each partition's Arrow
tables as soon as it is done (``jobs > 1``: worker processes build the engine once from the run's
:class:`~phenotk.scale.partition.Spec` and send back Arrow tables, not reports), then one last partition
holding the cross-document findings. :func:`write_parquet` streams them into ``OUT/findings/`` and
``OUT/documents/`` — memory holds one partition and the run-hook notes, whatever the number of findings.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from phenotk.scale.arrow import DOCUMENTS_SCHEMA, NOTES_SCHEMA
from phenotk.scale.inputs import FileItem, list_inputs, read_item
from phenotk.scale.partition import Partition, Spec, cross_document, validate_records, worker_engine

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.validation.engine import Engine
    from phenotk.workflow.session import Session

#: files per partition
PARTITION_SIZE = 256


def _task(spec: Spec, items: list[FileItem]) -> Partition:
    return _validate(worker_engine(spec), items)


def _validate(engine: Engine, items: list[FileItem]) -> Partition:
    return validate_records(((it[0], read_item(it), it[1], it[2]) for it in items), engine)


def iter_partitions(
    paths: Sequence[str], session: Session, *, jobs: int = 1, partition_size: int = PARTITION_SIZE
) -> Iterator[Partition]:
    """Every partition's tables in input order, then the cross-document findings (as the last partition)."""
    items = list_inputs(paths)
    chunks = [items[i : i + partition_size] for i in range(0, len(items), max(1, partition_size))]
    notes: list[pa.Table] = []
    if jobs <= 1:
        for chunk in chunks:
            part = _validate(session.engine, chunk)
            notes.append(part.notes)
            yield part
    else:
        from concurrent.futures import Future, ProcessPoolExecutor

        spec = Spec.of(session)
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            pending: deque[Future[Partition]] = deque()
            for chunk in chunks:
                pending.append(pool.submit(_task, spec, chunk))
                if len(pending) >= 2 * jobs:  # bounded: at most 2 partitions per worker in flight
                    part = pending.popleft().result()
                    notes.append(part.notes)
                    yield part
            while pending:
                part = pending.popleft().result()
                notes.append(part.notes)
                yield part
    cross = cross_document(session.engine, notes, order="seq")
    yield Partition(cross, DOCUMENTS_SCHEMA.empty_table(), NOTES_SCHEMA.empty_table())


def write_parquet(paths: Sequence[str], session: Session, out: str, *, jobs: int = 1) -> None:
    """Stream a local run's findings and documents into ``out/findings/`` and ``out/documents/``."""
    import pyarrow.parquet as pq

    from phenotk.scale.arrow import FINDINGS_SCHEMA

    os.makedirs(os.path.join(out, "findings"), exist_ok=True)
    os.makedirs(os.path.join(out, "documents"), exist_ok=True)
    with (
        pq.ParquetWriter(os.path.join(out, "findings", "part.0.parquet"), FINDINGS_SCHEMA) as fw,
        pq.ParquetWriter(os.path.join(out, "documents", "part.0.parquet"), DOCUMENTS_SCHEMA) as dw,
    ):
        for part in iter_partitions(paths, session, jobs=jobs):
            if part.findings.num_rows:
                fw.write_table(part.findings)
            if part.documents.num_rows:
                dw.write_table(part.documents)


def findings_table(paths: Sequence[str], session: Session, *, jobs: int = 1) -> Any:
    """All findings of a local run as one Arrow table (tests, small runs)."""
    return pa.concat_tables([p.findings for p in iter_partitions(paths, session, jobs=jobs)])


__all__ = ["PARTITION_SIZE", "findings_table", "iter_partitions", "write_parquet"]
