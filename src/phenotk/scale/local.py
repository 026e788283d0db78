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
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from phenotk._heap import frozen
from phenotk.scale.arrow import DOCUMENTS_SCHEMA, NOTES_SCHEMA
from phenotk.scale.inputs import FileItem, list_inputs, read_item
from phenotk.scale.partition import CrossDocument, Partition, Spec, spec_limits, validate_records, worker_engine

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.limits import Limits
    from phenotk.validation.engine import Engine
    from phenotk.workflow.session import Session

#: files per partition when one is asked for; None (default): guided partitions (:func:`phenotk.scale.tasks.cut`)
PARTITION_SIZE: int | None = None


def _task(spec: Spec, items: list[FileItem]) -> Partition:
    return _validate(worker_engine(spec), items, spec_limits(spec))


def _validate(engine: Engine, items: list[FileItem], limits: Limits) -> Partition:
    return validate_records(((it[0], read_item(it), it[1], it[2]) for it in items), engine, limits=limits)


def iter_partitions(
    paths: Sequence[str], session: Session, *, jobs: int = 1, partition_size: int | None = PARTITION_SIZE
) -> Iterator[Partition]:
    """Every partition's tables in input order, then the cross-document findings (as the last partition).

    ``jobs > 1``: each worker process builds and warms the engine once when it starts
    (:func:`~phenotk.scale.tasks.warm`); partitions are guided (big first, smaller at the end) unless
    ``partition_size`` says otherwise.
    """
    from phenotk._procs import capped_jobs
    from phenotk.scale.tasks import cut

    jobs = capped_jobs(jobs)
    items = list_inputs(paths)
    chunks = [b.items for b in cut(items, partition_size, max(1, jobs))]
    del items
    reducer = CrossDocument(session.engine)  # fed in input order as partitions come back
    with frozen() as refreeze:  # the notes kept so far out of the collector's scans (phenotk._heap)
        yield from _partitions(session, chunks, reducer, refreeze, jobs)
        yield Partition(reducer.finish(), DOCUMENTS_SCHEMA.empty_table(), NOTES_SCHEMA.empty_table())


def _partitions(
    session: Session, chunks: list[list[Any]], reducer: CrossDocument, refreeze: Callable[[], None], jobs: int
) -> Iterator[Partition]:
    from phenotk.scale.tasks import warm

    if jobs <= 1:
        for chunk in chunks:
            part = _validate(session.engine, chunk, session.options.limits)
            reducer.add(part.notes)
            refreeze()
            yield part
    else:
        from concurrent.futures import Future, ProcessPoolExecutor

        spec = Spec.of(session)
        with ProcessPoolExecutor(max_workers=jobs, initializer=warm, initargs=(spec,)) as pool:
            pending: deque[Future[Partition]] = deque()
            for k in range(len(chunks)):
                chunk, chunks[k] = chunks[k], []  # the parent keeps no file list it has handed out
                pending.append(pool.submit(_task, spec, chunk))
                if len(pending) >= 2 * jobs:  # bounded: at most 2 partitions per worker in flight
                    part = pending.popleft().result()
                    reducer.add(part.notes)
                    refreeze()
                    yield part
            while pending:
                part = pending.popleft().result()
                reducer.add(part.notes)
                refreeze()
                yield part


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
