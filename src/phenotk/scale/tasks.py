"""Worker tasks that write Parquet themselves: validate a partition, write its two tables, return its notes.

What :meth:`phenotk.scale.dask.Frames.to_parquet` (and so ``phenotk validate --engine dask``) runs on the
workers. The module imports neither pandas nor ``dask.dataframe`` (~65 MB of a worker's memory): a worker
holds the engine, one partition and the Arrow tables it writes, nothing else. Only the run-hook notes
(tens of bytes per document) go back to the client, which runs the cross-document reduction.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from phenotk.scale.inputs import FileItem, read_item
from phenotk.scale.partition import Partition, Spec, validate_records, worker_engine


class Batch:
    """A partition's listed files, opaque to Dask (a plain list of tuples is walked item by item for keys)."""

    __slots__ = ("items",)

    def __init__(self, items: list[FileItem]) -> None:
        self.items = items

    def __getstate__(self) -> list[FileItem]:
        return self.items

    def __setstate__(self, state: list[FileItem]) -> None:
        self.items = state


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
    return validate_records(((it[0], read_item(it), it[1], it[2]) for it in batch.items), engine)


def files_task(spec: Spec, batch: Batch, url: str, k: int) -> pa.Table:
    """Partition ``k`` of listed files: read, validate, write; its notes."""
    return write_partition(validate_batch(spec, batch), url, k)


def records_task(spec: Spec, records: list[Any], url: str, k: int) -> pa.Table:
    """Partition ``k`` of a bag of ``(path, bytes)`` records: validate, write; its notes."""
    engine = worker_engine(spec)
    part = validate_records(((r[0], r[1]) for r in records), engine)
    return write_partition(part, url, k)


__all__ = ["PART_NAME", "Batch", "files_task", "records_task", "validate_batch", "write_partition"]
