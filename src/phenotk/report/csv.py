r"""``csv`` reporter: the columns of phenopacket-tools' CSV output, for drop-in use in existing sheets.

Columns, exactly: ``PATH,LEVEL,VALIDATOR_ID,CATEGORY,MESSAGE``.

- ``LEVEL``: ``ERROR`` / ``WARNING`` / ``INFO``;
- ``VALIDATOR_ID``: the stable rule **code** (e.g. ``HPO003``; what ``phenotk explain`` takes);
- ``CATEGORY``: the kebab-case rule **name** (e.g. ``hpo-obsolete-term``) — always available, so the
  column means the same with or without the rule registry;
- ``MESSAGE``: the one-line message.

Quoting follows RFC 4180, minimal: a cell holding a comma, a double quote, a line feed or a carriage return is
quoted (the ``csv`` module quotes only the characters of its line terminator, so a bare carriage return, which
a file name or a message may hold, went out unquoted and split the row for every reader). Rows end with ``\n``.
Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return) get a leading single quote.
:class:`Stream` writes the same rows as results arrive (:mod:`phenotk.report.stream`).
"""

from __future__ import annotations

from phenotk.issue import Issue, Report, Result
from phenotk.report._common import RenderOptions, StreamRun

HEADER = ("PATH", "LEVEL", "VALIDATOR_ID", "CATEGORY", "MESSAGE")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would read as a formula (CSV injection)."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _cell(value: str) -> str:
    """One cell, quoted when it holds a separator, a quote or a line break (RFC 4180)."""
    if "," in value or '"' in value or "\n" in value or "\r" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def row(cells: tuple[str, ...]) -> str:
    r"""One CSV line (with its ``\n``): the cells guarded against formulas, then quoted where needed."""
    return ",".join([_cell(neutralise(c)) for c in cells]) + "\n"


def _finding(result: Result, issue: Issue) -> str:
    return row((result.path, issue.severity.value.upper(), issue.code, issue.rule, issue.message))


def render(report: Report, options: RenderOptions) -> str:
    """Header line plus one row per finding."""
    return row(HEADER) + "".join([_finding(r, i) for r, i in report.iter_issues()])


class Stream:
    """The CSV in pieces: the header, then one item (row) per finding."""

    separator = ""

    def __init__(self, options: RenderOptions) -> None:
        self.options = options

    def issue(self, result: Result, issue: Issue) -> str:
        """The finding's row (with its line end)."""
        return _finding(result, issue)

    def items(self, result: Result, issues: list[tuple[str, str]]) -> list[str]:
        """The document's rows."""
        return [frag for _code, frag in issues]

    def head(self, run: StreamRun) -> str:
        """The header line."""
        return row(HEADER)

    def tail(self, run: StreamRun) -> str:
        """Nothing after the rows."""
        return ""
