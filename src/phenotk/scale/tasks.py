"""Worker tasks that write Parquet themselves: validate a partition, write its two tables, return its notes.

What :meth:`phenotk.scale.dask.Frames.to_parquet` (and so ``phenotk validate --engine dask``) runs on the
workers. The module imports neither pandas nor ``dask.dataframe`` (~65 MB of a worker's memory): a worker
holds the engine, one partition and the Arrow tables it writes, nothing else. Only the run-hook notes
(tens of bytes per document) go back to the client, which runs the cross-document reduction.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from phenotk.scale.inputs import FileItem, read_item
from phenotk.scale.partition import Partition, Spec, spec_limits, validate_records, worker_engine


class Batch:
    """A partition's listed files, opaque to Dask (a plain list of tuples is walked item by item for keys)."""

    __slots__ = ("items",)

    def __init__(self, items: list[FileItem]) -> None:
        self.items = items

    def __getstate__(self) -> list[FileItem]:
        return self.items

    def __setstate__(self, state: list[FileItem]) -> None:
        self.items = state


#: bounds of the partitions :func:`cut` makes (files): the smallest a partition gets near the end of a run, and
#: the largest (a worker holds one partition's Arrow tables: ~4 MB of rows for 4,096 store packets)
MIN_PARTITION = 128
MAX_PARTITION = 4096

#: :func:`cut` sizes each partition to the remaining files / (GUIDE * worker threads)
GUIDE = 4


def cut(items: Sequence[FileItem], size: int | None = None, workers: int = 1) -> list[Batch]:
    """The partitions of a run's listed files, in input order.

    ``size``: files per partition. None (the default) cuts *guided* partitions: each takes the remaining
    files / (``GUIDE`` × ``workers``), between ``MIN_PARTITION`` and ``MAX_PARTITION`` — a handful of big
    tasks per worker first (each task costs the scheduler and the worker a few milliseconds whatever its
    size: 256-file partitions of a 50,000-file run were ~200 tasks, ~1.3 s of scheduler CPU on 2 cores),
    then smaller ones, so workers finish together instead of one waiting on the other's last big partition.
    """
    out: list[Batch] = []
    n, start = len(items), 0
    while start < n:
        if size is not None:
            step = max(1, size)
        else:
            step = min(MAX_PARTITION, max(MIN_PARTITION, math.ceil((n - start) / (GUIDE * max(1, workers)))))
        out.append(Batch(list(items[start : start + step])))
        start += step
    return out


def current_client() -> Any:
    """The current ``distributed`` client, or None."""
    try:
        from distributed import default_client

        return default_client()
    except (ImportError, ValueError):
        return None


def worker_threads() -> int:
    """Worker threads of the current client's cluster (guided partitions are sized for them), else the cores."""
    client = current_client()
    if client is not None:
        try:
            return max(1, sum(client.nthreads().values()))
        except Exception:  # a client without a reachable scheduler: size for this machine
            pass
    return os.cpu_count() or 1


#: file name of partition ``k`` in ``findings/`` and ``documents/`` (dask.dataframe.to_parquet's names)
PART_NAME = "part.{}.parquet"


def write_partition(part: Partition, url: str, k: int) -> pa.Table:
    """Write ``part``'s findings and documents as ``url/findings|documents/part.k.parquet``; its notes."""
    import fsspec
    import pyarrow.parquet as pq

    fs, root = fsspec.core.url_to_fs(url)
    name = PART_NAME.format(k)
    pq.write_table(part.findings, f"{root}/findings/{name}", filesystem=fs)
    pq.write_table(part.documents, f"{root}/documents/{name}", filesystem=fs)
    return part.notes


def validate_batch(spec: Spec, batch: Batch) -> Partition:
    """Read and validate a partition of listed files with the worker's engine."""
    engine = worker_engine(spec)
    records = ((it[0], read_item(it), it[1], it[2]) for it in batch.items)
    return validate_records(records, engine, limits=spec_limits(spec))


#: a small synthetic phenopacket that :func:`warm` validates (every walker and lazily imported module gets used)
_WARM_DOC = (
    b'{"id": "phenotk-warm-up", "subject": {"id": "P1", "sex": "FEMALE"},'
    b' "phenotypicFeatures": [{"type": {"id": "HP:0001250", "label": "Seizure"}}],'
    b' "metaData": {"created": "2024-01-01T00:00:00Z", "createdBy": "phenotk", "phenopacketSchemaVersion": "2.0",'
    b' "resources": [{"id": "hp", "name": "human phenotype ontology", "url": "http://purl.obolibrary.org/obo/hp.owl",'
    b' "version": "2025-05-06", "namespacePrefix": "HP", "iriPrefix": "http://purl.obolibrary.org/obo/HP_"}]}}'
)


def warm(spec: Spec) -> None:
    """Build this process's engine for ``spec`` and run it once, before any partition arrives.

    What a worker's first partition would otherwise pay (~0.7 s of one core on the store): phenotk's rule
    modules, the HPO index, the generated walkers, pyarrow's Parquet writer (and the pandas module pyarrow
    imports the first time it builds an array). Run by :class:`phenotk.scale.preload.WarmEngine` when a worker
    starts; findings of the warm-up document are dropped.
    """
    import fsspec

    warm_up = [("phenotk-warm-up.json", _WARM_DOC, "phenotk-warm-up.json", 0)]
    part = validate_records(warm_up, worker_engine(spec), limits=spec_limits(spec))
    fs = fsspec.filesystem("memory")  # the first Parquet write through fsspec imports pyarrow.fs' handlers
    url = f"memory://phenotk-warm-up-{os.getpid()}"
    write_partition(part, url, 0)
    fs.rm(url, recursive=True)


def files_task(spec: Spec, batch: Batch, url: str, k: int) -> pa.Table:
    """Partition ``k`` of listed files: read, validate, write; its notes."""
    return write_partition(validate_batch(spec, batch), url, k)


def records_task(spec: Spec, records: list[Any], url: str, k: int) -> pa.Table:
    """Partition ``k`` of a bag of ``(path, bytes)`` records: validate, write; its notes."""
    engine = worker_engine(spec)
    part = validate_records(((r[0], r[1]) for r in records), engine, limits=spec_limits(spec))
    return write_partition(part, url, k)


__all__ = [
    "MAX_PARTITION",
    "MIN_PARTITION",
    "PART_NAME",
    "Batch",
    "current_client",
    "cut",
    "files_task",
    "records_task",
    "validate_batch",
    "warm",
    "worker_threads",
    "write_partition",
]
