"""Validation on Spark: ``phenotk.spark.validate(binary_files_df)`` → a Spark DataFrame of findings.

The input is a ``binaryFile`` DataFrame (``spark.read.format("binaryFile")``: columns ``path`` and
``content``). :func:`validate` runs :func:`~phenotk.scale.partition.validate_records` in ``mapInArrow``
(one engine per Python worker, built from the run's options and the HPO file path), keeps the rows
(persisted: files are validated once), gathers the run-hook notes on the driver (a few bytes per document),
runs the cross-document rules there in the order ``phenotk validate DIR`` reads files (a directory's files
before its subdirectories) and appends their findings. The result has the columns of
:data:`~phenotk.scale.arrow.FINDINGS_SCHEMA`; ``file:`` paths are reported as local paths.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from phenotk.scale import require

require("pyspark", "pyarrow")

import pyarrow as pa  # noqa: E402

from phenotk.scale.arrow import FINDING_COLUMNS, FINDINGS_SCHEMA  # noqa: E402
from phenotk.scale.partition import Spec, cross_document, validate_records, worker_engine  # noqa: E402

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame

    from phenotk.workflow.session import Session

#: the rows mapInArrow yields: a finding (kind "f") or the run-hook notes of a document (kind "n")
ROWS_SCHEMA = pa.schema(
    [
        ("kind", pa.string()),
        *[(f.name, f.type) for f in FINDINGS_SCHEMA],
        ("doc_index", pa.int32()),
        ("notes", pa.binary()),
    ]
)

_DDL = {pa.string(): "string", pa.int32(): "int", pa.int64(): "bigint", pa.binary(): "binary"}


def ddl(schema: pa.Schema) -> str:
    """Spark DDL of an Arrow schema of string/int/binary columns."""
    return ", ".join(f"`{f.name}` {_DDL[f.type]}" for f in schema)


def local_path(path: str) -> str:
    """``file:/x/y.json`` / ``file:///x/y.json`` → ``/x/y.json``; other URLs unchanged."""
    if path.startswith("file://"):
        return path[len("file://") :]
    if path.startswith("file:"):
        return path[len("file:") :]
    return path


def _partition_fn(spec: Spec) -> Any:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        engine = worker_engine(spec)
        for batch in batches:
            paths = batch.column("path").to_pylist()
            contents = batch.column("content").to_pylist()
            part = validate_records(((local_path(p), c) for p, c in zip(paths, contents, strict=True)), engine)
            n_f = part.findings.num_rows
            f = part.findings.append_column("doc_index", pa.nulls(n_f, pa.int32()))
            f = f.append_column("notes", pa.nulls(n_f, pa.binary()))
            f = f.add_column(0, "kind", pa.array(["f"] * n_f, pa.string()))
            n = part.notes
            nn = n.num_rows
            cols = {
                "kind": pa.array(["n"] * nn, pa.string()),
                **{c: pa.nulls(nn, FINDINGS_SCHEMA.field(c).type) for c in FINDING_COLUMNS},
            }
            cols["path"], cols["element"], cols["id"] = n.column("path"), n.column("element"), n.column("id")
            cols["doc_index"], cols["notes"] = n.column("doc_index"), n.column("notes")
            notes = pa.table(cols, schema=ROWS_SCHEMA)
            for t in (f.cast(ROWS_SCHEMA), notes):
                yield from t.to_batches()

    return run


def validate(
    binary_files: DataFrame,
    *,
    hpo: Any = None,
    config: Any = False,
    session: Session | None = None,
    **options: Any,
) -> DataFrame:
    """Findings of the documents in a ``binaryFile`` DataFrame (columns ``path``, ``content``).

    ``hpo``: an HPO file every executor can read (or False; None resolves it as ``phenotk validate`` does);
    ``config`` / ``options`` as in :func:`phenotk.validate`. The returned DataFrame is the findings, the
    cross-document ones (duplicate ids across files) included.
    """
    from pyspark import StorageLevel

    if session is None:
        from phenotk.workflow.session import Session

        session = Session.from_settings(config=config, hpo=hpo, **options)
    spec = Spec.of(session)
    rows = binary_files.select("path", "content").mapInArrow(_partition_fn(spec), ddl(ROWS_SCHEMA))
    rows = rows.persist(StorageLevel.MEMORY_AND_DISK)
    notes = rows.filter(rows.kind == "n").select("path", "element", "id", "doc_index", "notes").toArrow()
    notes = notes.append_column("file_seq", pa.nulls(notes.num_rows, pa.int64()))
    cross = cross_document(session.engine, notes, order="walk")
    findings = rows.filter(rows.kind == "f").select(*FINDING_COLUMNS)
    if cross.num_rows:
        spark = binary_files.sparkSession
        findings = findings.unionByName(
            spark.createDataFrame([tuple(r.values()) for r in cross.to_pylist()], schema=ddl(FINDINGS_SCHEMA))
        )
    return findings


__all__ = ["ROWS_SCHEMA", "ddl", "local_path", "validate"]
