"""``csv`` reporter: the columns of phenopacket-tools' CSV output, for drop-in use in existing sheets.

Columns, exactly: ``PATH,LEVEL,VALIDATOR_ID,CATEGORY,MESSAGE``.

- ``LEVEL``: ``ERROR`` / ``WARNING`` / ``INFO``;
- ``VALIDATOR_ID``: the stable rule **code** (e.g. ``HPO003``; what ``phenotk explain`` takes);
- ``CATEGORY``: the kebab-case rule **name** (e.g. ``hpo-obsolete-term``) — always available, so the
  column means the same with or without the rule registry;
- ``MESSAGE``: the one-line message.

Quoting follows RFC 4180 (``csv`` module, minimal quoting). Cells that a spreadsheet would run as a
formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) get a leading single quote.
"""

from __future__ import annotations

import csv
import io

from phenotk.issue import Report
from phenotk.report._common import RenderOptions

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
