"""``csv`` reporter: the columns of phenopacket-tools' CSV output, for drop-in use in existing sheets.

Columns, exactly: ``PATH,LEVEL,VALIDATOR_ID,CATEGORY,MESSAGE``.

- ``LEVEL``: ``ERROR`` / ``WARNING`` / ``INFO``;
- ``VALIDATOR_ID``: the stable rule **code** (e.g. ``HPO003``; what ``phenotk explain`` takes);
- ``CATEGORY``: the kebab-case rule **name** (e.g. ``hpo-obsolete-term``) — always available, so the
  column means the same with or without the rule registry;
- ``MESSAGE``: the one-line message.

Quoting follows RFC 4180 (``csv`` module, minimal quoting). Cells that a spreadsheet would run as a
formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) get a leading single quote.
:class:`Stream` writes the same rows as results arrive (:mod:`phenotk.report.stream`).
"""

from __future__ import annotations

import csv
import io

from phenotk.issue import Issue, Report, Result
from phenotk.report._common import RenderOptions, StreamRun

HEADER = ("PATH", "LEVEL", "VALIDATOR_ID", "CATEGORY", "MESSAGE")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would read as a formula (CSV injection)."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def render(report: Report, options: RenderOptions) -> str:
    """Header line plus one row per finding."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADER)
    for result, issue in report.iter_issues():
        row = (result.path, issue.severity.value.upper(), issue.code, issue.rule, issue.message)
        writer.writerow([neutralise(cell) for cell in row])
    return buf.getvalue()


class Stream:
    """The CSV in pieces: the header, then one item (row) per finding."""

    separator = ""

    def __init__(self, options: RenderOptions) -> None:
        self.options = options
        self._buf = io.StringIO()
        self._writer = csv.writer(self._buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)

    def issue(self, result: Result, issue: Issue) -> str:
        """The finding's row (with its line end)."""
        row = (result.path, issue.severity.value.upper(), issue.code, issue.rule, issue.message)
        buf = self._buf
        buf.seek(0)
        buf.truncate()
        self._writer.writerow([neutralise(cell) for cell in row])
        return buf.getvalue()

    def items(self, result: Result, issues: list[tuple[str, str]]) -> list[str]:
        """The document's rows."""
        return [frag for _code, frag in issues]

    def head(self, run: StreamRun) -> str:
        """The header line."""
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL).writerow(HEADER)
        return buf.getvalue()

    def tail(self, run: StreamRun) -> str:
        """Nothing after the rows."""
        return ""
