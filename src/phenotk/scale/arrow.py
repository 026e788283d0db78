"""The Arrow schemas of scale-out runs: one row per finding, one row per document (versioned, documented).

**Findings** (:data:`FINDINGS_SCHEMA`, one row per finding, the GUIDE §2 finding with its document)::

    path      string   input path (a local path, or the URL it was read from, ``file:`` stripped)
    element   string   phenopacket | family | cohort (null for an unreadable input)
    id        string   the document's top-level id (null when it has none)
    code      string   stable finding code, e.g. HPO003
    rule      string   stable kebab-case name, e.g. hpo-obsolete-term
    severity  string   error | warning | info
    message   string   one line
    pointer   string   RFC 6901 pointer into the input document ("" for the whole input)
    line      int32    1-based line in the input (null when unknown)
    column    int32    1-based column (null when unknown)
    fix       string   the fix as JSON (``{"safe", "description", "patch"}``), null when none
    context   string   extra location data as JSON (null when none)

The rows are exactly the lines of ``phenotk validate --format jsonl`` (plus ``context`` as JSON text):
the JSON report is one rendering of the same records.

**Documents** (:data:`DOCUMENTS_SCHEMA`, one row per document or unreadable input, so documents without
findings are counted)::

    path, element, id          as above
    errors, warnings, info     int32 counts of its findings by severity (cross-document ones included only in
                               the single-process report; see docs/scale.md)
    file_seq                   int64 position of the input file in the run (null when the engine has none)
    doc_index                  int32 position of the document inside its file (JSONL, zip: > 0)

Both schemas carry ``phenotk.schema = "<name>/<SCHEMA_VERSION>"`` in their metadata (Parquet keeps it). A
column is only ever *added* within a major version.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import orjson
import pyarrow as pa

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.issue import Issue, Result

#: major version of the schemas below (bumped only when a column changes meaning or type)
SCHEMA_VERSION = "1"

FINDING_COLUMNS = (
    "path",
    "element",
    "id",
    "code",
    "rule",
    "severity",
    "message",
    "pointer",
    "line",
    "column",
    "fix",
    "context",
)

FINDINGS_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("element", pa.string()),
        ("id", pa.string()),
        ("code", pa.string()),
        ("rule", pa.string()),
        ("severity", pa.string()),
        ("message", pa.string()),
        ("pointer", pa.string()),
        ("line", pa.int32()),
        ("column", pa.int32()),
        ("fix", pa.string()),
        ("context", pa.string()),
    ],
    metadata={"phenotk.schema": f"findings/{SCHEMA_VERSION}"},
)

DOCUMENTS_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("element", pa.string()),
        ("id", pa.string()),
        ("errors", pa.int32()),
        ("warnings", pa.int32()),
        ("info", pa.int32()),
        ("file_seq", pa.int64()),
        ("doc_index", pa.int32()),
    ],
    metadata={"phenotk.schema": f"documents/{SCHEMA_VERSION}"},
)

#: what a partition hands the cross-document reduction per document that its run hooks kept notes of
NOTES_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("element", pa.string()),
        ("id", pa.string()),
        ("file_seq", pa.int64()),
        ("doc_index", pa.int32()),
        ("notes", pa.binary()),  # pickled engine notes (small: e.g. the id with its line and column)
    ]
)


def _json(value: Any) -> str:
    """Compact JSON as the ``jsonl`` reporter writes it (orjson, UTF-8 kept, odd values as strings)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS, default=_fallback).decode("utf-8")


def _fallback(value: Any) -> Any:
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def finding_row(result: Result, issue: Issue) -> dict[str, Any]:
    """One finding as a row of :data:`FINDINGS_SCHEMA`."""
    return {
        "path": result.path,
        "element": result.element,
        "id": result.id,
        "code": issue.code,
        "rule": issue.rule,
        "severity": issue.severity.value,
        "message": issue.message,
        "pointer": issue.pointer,
        "line": issue.line,
        "column": issue.column,
        "fix": _json(issue.fix.to_dict()) if issue.fix else None,
        "context": _json(issue.context) if issue.context else None,
    }


def findings_table(rows: Iterable[dict[str, Any]]) -> pa.Table:
    """Rows (see :func:`finding_row`) as a table of :data:`FINDINGS_SCHEMA`."""
    return table_of(rows, FINDINGS_SCHEMA)


def table_of(rows: Iterable[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """Rows (dicts with every column of ``schema``) as a table of ``schema``.

    Built column by column (``from_pydict``): ``pa.Table.from_pylist`` takes ~8 µs per row of 8 columns,
    ~30 times as long — ~1 s of a worker's CPU per 50,000 documents.
    """
    rows = rows if isinstance(rows, list) else list(rows)
    return pa.Table.from_pydict({name: [r[name] for r in rows] for name in schema.names}, schema=schema)


def results_to_findings(results: Iterable[Result]) -> pa.Table:
    """Every finding of ``results`` as a table of :data:`FINDINGS_SCHEMA` (e.g. a single-process report)."""
    return findings_table(finding_row(r, i) for r in results for i in r.issues)


def empty(schema: pa.Schema) -> pa.Table:
    """A table of ``schema`` without rows."""
    return schema.empty_table()


def schema_name(schema: pa.Schema) -> str | None:
    """``findings/1`` or ``documents/1`` from a schema's metadata (None when it is no phenotk schema)."""
    meta = schema.metadata or {}
    raw = meta.get(b"phenotk.schema")
    return raw.decode() if raw else None


__all__ = [
    "DOCUMENTS_SCHEMA",
    "FINDINGS_SCHEMA",
    "FINDING_COLUMNS",
    "NOTES_SCHEMA",
    "SCHEMA_VERSION",
    "empty",
    "finding_row",
    "findings_table",
    "results_to_findings",
    "schema_name",
    "table_of",
]
