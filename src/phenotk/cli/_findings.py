"""Findings on stderr and side reports (``--report FILE``) for the commands that convert."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from phenotk._text import printable
from phenotk.errors import UsageError
from phenotk.issue import Report, Severity

#: report file endings → reporter format name
_BY_EXTENSION = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".sarif": "sarif",
    ".xml": "junit",
    ".junit": "junit",
    ".csv": "csv",
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
}


def split_list(values: list[str] | None) -> list[str] | None:
    """``--ignore a,b --ignore c`` → ``[a, b, c]``; None when not given."""
    if not values:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def report_format_for(path: Path, explicit: str | None) -> str:
    """The reporter for ``--report PATH``: ``--report-format`` when given, else the file's extension."""
    from phenotk.report import ReportFormat

    if explicit:
        try:
            return ReportFormat.parse(explicit).value
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    name = path.name.lower()
    if name.endswith(".sarif.json"):
        return "sarif"
    fmt = _BY_EXTENSION.get(os.path.splitext(name)[1])
    if fmt is None:
        known = " ".join(sorted(_BY_EXTENSION))
        raise UsageError(
            f"cannot tell the report format from the name; use one of {known} or --report-format", path=str(path)
        )
    return fmt


def check_report_target(path: Path | None, explicit: str | None, force: bool) -> None:
    """Refuse a bad ``--report`` before any work: unknown format, a directory, or an existing file without --force."""
    if path is None:
        return
    report_format_for(path, explicit)
    if path.is_dir():
        raise UsageError("the report output is a directory; name a file", path=str(path))
    if path.exists() and not force:
        raise UsageError("the report file exists; add --force to replace it", path=str(path))


def write_side_report(
    report: Report, path: Path, explicit: str | None, *, fail_on: Severity | None, force: bool
) -> None:
    """Write ``report`` to ``path`` in the format its extension (or ``--report-format``) names."""
    from phenotk.report import write_report

    write_report(report, report_format_for(path, explicit), path, fail_on=fail_on, force=force)


def print_findings(report: Report, *, quiet: bool = False) -> None:
    """One line per finding on stderr: ``path[:line:col]: severity rule: message [sheet S, row R, column C]``.

    ``quiet`` hides info findings; ``input-unreadable`` findings are left out (their one-line error was printed
    when the input failed). Lines go out in blocks of ``_BLOCK`` (one write and flush each: a 200,000-row sheet
    has ~460,000 findings, and a write and flush per line cost ~4 s of the run's serial end).
    """
    info = Severity.INFO
    block: list[str] = []
    for result, issue in report.iter_issues():
        if quiet and issue.severity is info:
            continue
        if issue.rule == "input-unreadable" and issue.severity is Severity.ERROR:
            continue  # its one-line error was printed when the input failed (a symlinked folder's warning: here)
        ctx = issue.context
        cell = ", ".join(f"{k} {ctx[k]}" for k in ("sheet", "row", "column") if k in ctx) if ctx else ""
        where = result.path
        if issue.line is not None:
            where += f":{issue.line}" + (f":{issue.column}" if issue.column is not None else "")
        extra = cell or (issue.pointer if issue.line is None else "")
        line = f"{where}: {issue.severity.value} {issue.rule}: {issue.message}" + (f" [{extra}]" if extra else "")
        block.append(printable(line))  # escapes every control character: no line can hold a newline or an ESC
        if len(block) >= _BLOCK:
            typer.echo("\n".join(block), err=True)
            block.clear()
    if block:
        typer.echo("\n".join(block), err=True)


#: finding lines per write to stderr
_BLOCK = 2048
