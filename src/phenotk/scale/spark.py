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

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from phenotk.scale import require

require("pyspark", "pyarrow")

import pyarrow as pa  # noqa: E402

from phenotk.scale.arrow import DOCUMENTS_SCHEMA, FINDING_COLUMNS, FINDINGS_SCHEMA  # noqa: E402
from phenotk.scale.partition import (  # noqa: E402
    Partition,
    Spec,
    cross_document,
    spec_limits,
    validate_records,
    worker_engine,
)

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame

    from phenotk.workflow.session import Session

#: the rows mapInArrow yields: a finding (kind "f") or a document with its counts and run-hook notes (kind "d")
ROWS_SCHEMA = pa.schema(
    [
        ("kind", pa.string()),
        *[(f.name, f.type) for f in FINDINGS_SCHEMA],
        ("errors", pa.int32()),
        ("warnings", pa.int32()),
        ("info", pa.int32()),
        ("doc_index", pa.int32()),
        ("notes", pa.binary()),
    ]
)

#: the documents frame of :func:`frames` (``file_seq`` is null: Spark lists the files itself)
DOCUMENT_COLUMNS = tuple(f.name for f in DOCUMENTS_SCHEMA)

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


def _rows(part: Partition) -> pa.Table:
    """One partition's findings and documents as :data:`ROWS_SCHEMA` rows."""
    f = part.findings
    n_f = f.num_rows
    cols: dict[str, Any] = {"kind": pa.array(["f"] * n_f, pa.string())}
    for field in ROWS_SCHEMA:
        if field.name in FINDING_COLUMNS:
            cols[field.name] = f.column(field.name)
        elif field.name != "kind":
            cols[field.name] = pa.nulls(n_f, field.type)
    findings = pa.table(cols, schema=ROWS_SCHEMA)
    d = part.documents
    kept = part.notes
    notes = {
        (p, k): n for p, k, n in zip(*(kept.column(c).to_pylist() for c in ("path", "doc_index", "notes")), strict=True)
    }
    n_d = d.num_rows
    cols = {"kind": pa.array(["d"] * n_d, pa.string())}
    for field in ROWS_SCHEMA:
        if field.name in ("path", "element", "id", "errors", "warnings", "info", "doc_index"):
            cols[field.name] = d.column(field.name)
        elif field.name == "notes":
            keys = zip(d.column("path").to_pylist(), d.column("doc_index").to_pylist(), strict=True)
            cols["notes"] = pa.array([notes.get(k) for k in keys], pa.binary())
        elif field.name != "kind":
            cols[field.name] = pa.nulls(n_d, field.type)
    return pa.concat_tables([findings, pa.table(cols, schema=ROWS_SCHEMA)])


def _partition_fn(spec: Spec) -> Any:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        engine = worker_engine(spec)
        for batch in batches:
            paths = batch.column("path").to_pylist()
            contents = batch.column("content").to_pylist()
            records = ((local_path(p), c) for p, c in zip(paths, contents, strict=True))
            part = validate_records(records, engine, limits=spec_limits(spec))
            yield from _rows(part).to_batches()

    return run


@contextlib.contextmanager
def _local_workers_run_this_python(spark: Any) -> Iterator[None]:
    """On a local master with no ``PYSPARK_PYTHON``, the Python workers of this call run this interpreter.

    PySpark starts its workers with ``python3`` from PATH unless ``PYSPARK_PYTHON`` says otherwise; from a
    virtual environment that is not activated (``.venv/bin/python script.py``, a Jupyter kernel) that is another
    Python, and every task failed with ``ModuleNotFoundError: No module named 'phenotk'`` under a page of Java
    stack. On ``local[N]`` / ``local-cluster`` the workers share this machine, so this interpreter is the right
    one; the context's setting is put back after the UDF is made (only this call's workers use it). A cluster
    master, Spark Connect or an explicit ``PYSPARK_PYTHON`` are left alone (docs/scale.md).
    """
    try:
        sc = spark.sparkContext
        local = str(sc.master).startswith("local")
    except Exception:  # Spark Connect has no SparkContext
        yield
        return
    before = getattr(sc, "pythonExec", None)
    if not local or "PYSPARK_PYTHON" in os.environ or before in (None, sys.executable):
        yield
        return
    sc.pythonExec = sys.executable
    try:
        yield
    finally:
        sc.pythonExec = before


@dataclass
class Frames:
    """Findings and documents of one Spark run (both from the same persisted rows: files validated once)."""

    findings: DataFrame
    documents: DataFrame

    def to_parquet(self, directory: str, *, mode: str = "errorifexists") -> None:
        """Write ``directory/findings/`` and ``directory/documents/`` as Parquet."""
        base = directory.rstrip("/")
        self.findings.write.mode(mode).parquet(f"{base}/findings")
        self.documents.write.mode(mode).parquet(f"{base}/documents")


def frames(
    binary_files: DataFrame,
    *,
    hpo: Any = None,
    config: Any = False,
    session: Session | None = None,
    **options: Any,
) -> Frames:
    """Findings and per-document rows of a ``binaryFile`` DataFrame (see :func:`validate`)."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    if session is None:
        from phenotk.workflow.session import Session

        session = Session.from_settings(config=config, hpo=hpo, **options)
    spec = Spec.of(session)
    with _local_workers_run_this_python(binary_files.sparkSession):
        rows = binary_files.select("path", "content").mapInArrow(_partition_fn(spec), ddl(ROWS_SCHEMA))
    rows = rows.persist(StorageLevel.MEMORY_AND_DISK)
    docs = rows.filter(rows.kind == "d")
    notes = docs.filter(docs.notes.isNotNull()).select("path", "element", "id", "doc_index", "notes").toArrow()
    notes = notes.append_column("file_seq", pa.nulls(notes.num_rows, pa.int64()))
    cross = cross_document(session.engine, notes, order="walk")
    findings = rows.filter(rows.kind == "f").select(*FINDING_COLUMNS)
    if cross.num_rows:
        spark = binary_files.sparkSession
        extra = spark.createDataFrame([tuple(r.values()) for r in cross.to_pylist()], schema=ddl(FINDINGS_SCHEMA))
        findings = findings.unionByName(extra)
    documents = docs.withColumn("file_seq", F.lit(None).cast("bigint")).select(*DOCUMENT_COLUMNS)
    return Frames(findings, documents)


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
    return frames(binary_files, hpo=hpo, config=config, session=session, **options).findings


__all__ = ["ROWS_SCHEMA", "Frames", "ddl", "frames", "local_path", "validate"]
