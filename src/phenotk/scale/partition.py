"""The pure per-partition function: ``(path, bytes)`` records in → Arrow tables out.

Every engine (Dask, Spark, a plain loop) runs :func:`validate_records` on its partitions with an engine built
once per worker process by :func:`worker_engine` from a :class:`Spec` (the run's validated options and the
HPO file path: the cached HPO index loads in ~0.05 s). Documents never leave the worker; what comes back is
one table of finding rows, one of per-document rows and one of run-hook notes (a few bytes per document).

Cross-document rules (``id-duplicate``: the same id in two files) are the engine's run hooks. Their notes
from all partitions are gathered and handed to :meth:`Engine.end_run` in input order by
:func:`cross_document`, which returns the extra finding rows — the same findings the single-process runner
adds at the end of its run.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from phenotk.errors import InputError
from phenotk.io import parse_bytes
from phenotk.issue import Issue, Result, Severity
from phenotk.limits import Limits, using
from phenotk.limits import current as current_limits
from phenotk.scale.arrow import (
    DOCUMENTS_SCHEMA,
    NOTES_SCHEMA,
    finding_row,
    findings_table,
    table_of,
)

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.validation.config import Options
    from phenotk.validation.engine import Engine
    from phenotk.workflow.session import Session


@dataclass(frozen=True)
class Spec:
    """What a worker needs to build the run's engine: validated options and the HPO file (False: none)."""

    options: Options
    hpo: str | bool = False

    @classmethod
    def of(cls, session: Session) -> Spec:
        """The spec of a session built on the client (options validated there, HPO resolved to a file)."""
        if session.hpo is not None and session.hpo_path is None:
            raise ValueError("the HPO index was not loaded from a file; workers need a path (hpo=FILE)")
        return cls(session.options, session.hpo_path or False)


_ENGINES: dict[bytes, Engine] = {}


def worker_engine(spec: Spec) -> Engine:
    """The engine of ``spec`` in this process, built once (a worker validates many partitions with it)."""
    key = pickle.dumps(spec)
    engine = _ENGINES.get(key)
    if engine is None:
        from phenotk.workflow.session import Session

        session = Session(spec.options, hpo=spec.hpo if spec.hpo else False, download=False)
        engine = _ENGINES[key] = session.engine
    return engine


@dataclass
class Partition:
    """What one partition produced: finding rows, document rows and run-hook notes (Arrow tables)."""

    findings: pa.Table
    documents: pa.Table
    notes: pa.Table


#: a record: (path, bytes) or (path, bytes, file name, file position); bytes may be the read error instead
Record = tuple[Any, ...]


def validate_records(records: Iterable[Record], engine: Engine, *, limits: Limits | None = None) -> Partition:
    """Validate the documents in ``records`` with ``engine``; findings and documents as Arrow tables.

    A record is ``(path, data)`` or ``(path, data, name, file_seq)``: ``data`` the file's bytes (or the
    :class:`InputError`/``OSError`` met reading it), ``name`` the file name for format hints, ``file_seq``
    the file's position in the run (the order cross-document findings follow). ``limits``: the run's
    ``[tool.phenotk.limits]`` (:func:`spec_limits`), current while the records are read and parsed — a
    worker's task thread does not see what its session set elsewhere. Pure: no file is opened.
    """
    if limits is None:
        return _validate_records(records, engine)
    with using(limits):
        return _validate_records(records, engine)


def spec_limits(spec: Spec) -> Limits:
    """The input limits of ``spec``'s run (its options' ``[tool.phenotk.limits]``)."""
    return spec.options.limits


def _validate_records(records: Iterable[Record], engine: Engine) -> Partition:
    from phenotk.validation.engine import RunLog

    limits = current_limits()

    frows: list[dict[str, Any]] = []
    drows: list[dict[str, Any]] = []
    nrows: list[dict[str, Any]] = []
    for rec in records:
        path, data = rec[0], rec[1]
        name = rec[2] if len(rec) > 2 else None
        file_seq = rec[3] if len(rec) > 3 else None
        items: Iterable[Any]
        if isinstance(data, InputError):
            items = [data]
        elif isinstance(data, BaseException):
            items = [InputError(f"cannot read: {getattr(data, 'strerror', None) or data}", path=path)]
        elif len(data) > limits.document_bytes:  # bytes a bag or Spark read whole: the reader's own refusal
            items = [limits.exceeded("document-bytes", f"file is {len(data)} bytes", path=path)]
        else:
            items = parse_bytes(bytes(data), path, name=name or os.path.basename(path))
        for k, item in enumerate(items):
            log = RunLog()
            res = engine.check(item, log)
            if engine.config.skip_foreign and engine.is_foreign(res):
                continue  # no Phenopacket, Family or Cohort (skip-foreign): not a document of the run
            counts = _counts(res)
            drows.append(
                {"path": res.path, "element": res.element, "id": res.id, **counts, "file_seq": file_seq, "doc_index": k}
            )
            frows.extend(finding_row(res, i) for i in res.issues)
            if log.entries:
                nrows.append(
                    {
                        "path": res.path,
                        "element": res.element,
                        "id": res.id,
                        "file_seq": file_seq,
                        "doc_index": k,
                        "notes": pickle.dumps(log.entries[0][1], protocol=pickle.HIGHEST_PROTOCOL),
                    }
                )
    return Partition(
        findings_table(frows),
        table_of(drows, DOCUMENTS_SCHEMA),
        table_of(nrows, NOTES_SCHEMA),
    )


def _counts(res: Result) -> dict[str, int]:
    out = {"errors": 0, "warnings": 0, "info": 0}
    for i in res.issues:
        if i.severity is Severity.ERROR:
            out["errors"] += 1
        elif i.severity is Severity.WARNING:
            out["warnings"] += 1
        else:
            out["info"] += 1
    return out


# ------------------------------------------------------------------------------ the cross-document reduction


def walk_key(path: str) -> str:
    r"""Sort key giving the order ``phenotk validate DIR`` reads files in (a directory's files, then subdirs).

    Used when the engine has no file positions (Spark lists files itself): at each level a file sorts before
    any directory, names sort as strings (the key compares as a string: each folder is ``\x02name\x00``, the
    file ``\x01name``). A JSONL document's ``#L<n>`` suffix is not part of the key.
    """
    parts = path.split("#L", 1)[0].split("/")
    return "".join("\x02" + d + "\x00" for d in parts[:-1]) + "\x01" + parts[-1]


class _Doc:
    """What the end of a run needs of a document: its path, its row, and (only if it gets one) a findings list."""

    __slots__ = ("_issues", "path", "row", "rows")

    def __init__(self, path: str, rows: pa.Table, row: int) -> None:
        self.path = path
        self.rows = rows  # its partition's element and id columns (shared by the partition's documents)
        self.row = row
        self._issues: list[Issue] | None = None

    @property
    def issues(self) -> list[Issue]:
        if self._issues is None:
            self._issues = []
        return self._issues


#: notes unpickled per slice (bounds the transient bytes objects of a big run)
_SLICE = 65536


class CrossDocument:
    """The cross-document reduction, fed notes tables in input order as they come, finished once.

    :meth:`add` turns a table's rows into the engine's run log (unpickling each document's notes), so a
    client that receives partitions in order does this while the workers still validate; :meth:`finish`
    runs the run hooks' end of run and returns their finding rows. Memory: a small slotted object per
    document (~0.2 KB) and its notes; the notes' bytes are dropped once unpickled.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.log = engine.run_log()  # the run hooks reduce the notes as they come (see RunLog)
        self.docs: list[_Doc] = []

    def add(self, table: pa.Table) -> None:
        """The notes of the next documents of the run (rows in input order)."""
        if not table.num_rows:
            return
        # a copy: the received table's buffers (paths, notes) are then freed with it
        rows = table.select(["element", "id"]).take(pa.array(range(table.num_rows), pa.int32()))
        docs, add = self.docs, self.log.add
        for start in range(0, table.num_rows, _SLICE):
            part = table.slice(start, _SLICE)
            paths = part.column("path").to_pylist()
            for k, (path, blob) in enumerate(zip(paths, part.column("notes").to_pylist(), strict=True)):
                doc = _Doc(path, rows, start + k)
                docs.append(doc)
                add(doc, pickle.loads(blob))  # type: ignore[arg-type]  # our own workers' notes

    def finish(self) -> pa.Table:
        """The run hooks' findings (duplicate ids across files …) as rows of the findings schema."""
        if not self.docs:
            return findings_table([])
        self.engine.end_run(self.log)
        rows: list[dict[str, Any]] = []
        for doc in self.docs:
            if doc._issues:
                element, ident = doc.rows.column("element")[doc.row].as_py(), doc.rows.column("id")[doc.row].as_py()
                res = Result(doc.path, element, ident, doc._issues)
                rows.extend(finding_row(res, i) for i in doc._issues)
        return findings_table(rows)


def sort_notes(notes: Sequence[pa.Table] | pa.Table, order: str = "seq") -> pa.Table:
    """Every partition's notes in one table, in run order.

    ``"seq"``: by (file_seq, doc_index); ``"walk"``: by (:func:`walk_key` of the path, doc_index).
    """
    import pyarrow.compute as pc

    table = notes if isinstance(notes, pa.Table) else _concat(notes)
    if not table.num_rows:
        return table
    if order == "seq":
        keys = pa.table({"a": table.column("file_seq"), "b": table.column("doc_index")})
    else:
        walk = pa.array([walk_key(p) for p in table.column("path").to_pylist()], pa.string())
        keys = pa.table({"a": walk, "b": table.column("doc_index")})
    return table.take(pc.sort_indices(keys, sort_keys=[("a", "ascending"), ("b", "ascending")]))


def cross_document(engine: Engine, notes: Sequence[pa.Table] | pa.Table, *, order: str = "seq") -> pa.Table:
    """Findings of the run hooks (duplicate ids across files …) from every partition's notes.

    ``order``: ``"seq"`` sorts by (file_seq, doc_index) — the input order of the run; ``"walk"`` by
    :func:`walk_key` of the path (for engines that list files themselves). The same notes in the same order
    give the same findings as the single-process run (see :class:`CrossDocument`).
    """
    from phenotk._heap import frozen

    reducer = CrossDocument(engine)
    with frozen():  # the client's heap (HPO index …) is not scanned again as the documents' notes pile up
        reducer.add(sort_notes(notes, order))
        return reducer.finish()


def _concat(tables: Sequence[pa.Table]) -> pa.Table:
    tables = [t for t in tables if t.num_rows]
    return pa.concat_tables(tables) if tables else NOTES_SCHEMA.empty_table()


__all__ = [
    "CrossDocument",
    "Partition",
    "Record",
    "Spec",
    "cross_document",
    "sort_notes",
    "spec_limits",
    "validate_records",
    "walk_key",
    "worker_engine",
]
