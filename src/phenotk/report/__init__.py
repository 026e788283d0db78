"""Reporters: one module per output format over the one record shape (GUIDE §3 practice 5).

A run's :class:`~phenotk.issue.Report` is rendered by the reporter that :class:`ReportFormat` names::

    from phenotk.report import ReportFormat, render, write_report

    text = render(report, "sarif", rules=rules)          # str
    write_report(report, ReportFormat.html, "report.html")  # atomic file write; None → stdout

The registry :data:`REPORTERS` maps each format to the module that renders it; the modules are
imported on first use, so ``import phenotk.report`` stays cheap (rich is only loaded for ``text``).
The enum also builds the CLI option (``--format``): its values are the choices.

``rules`` maps rule *name* and/or *code* to :class:`~phenotk.issue.RuleInfo` (help text for SARIF,
documentation for HTML); every reporter also works without it.
"""

from __future__ import annotations

import enum
import importlib
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from phenotk.issue import Report, RuleInfo, Severity

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.report._common import RenderOptions

__all__ = ["REPORTERS", "ReportFormat", "Reporter", "render", "write_report"]


class ReportFormat(str, enum.Enum):
    """Output formats of a report; the values are the ``--format`` choices of the CLI."""

    text = "text"
    json = "json"
    jsonl = "jsonl"
    sarif = "sarif"
    junit = "junit"
    csv = "csv"
    html = "html"

    @property
    def extension(self) -> str:
        """Conventional file extension (with dot), e.g. ``.sarif`` or ``.xml`` for JUnit."""
        return _EXTENSIONS[self]

    @property
    def media_type(self) -> str:
        """MIME type of the rendered report."""
        return _MEDIA_TYPES[self]

    @classmethod
    def parse(cls, value: ReportFormat | str) -> ReportFormat:
        """Accept a member or its name in any case; ``ValueError`` listing the choices otherwise."""
        if isinstance(value, ReportFormat):
            return value
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            choices = ", ".join(f.value for f in cls)
            raise ValueError(f"unknown report format {value!r}; use one of: {choices}") from None


_EXTENSIONS = {
    ReportFormat.text: ".txt",
    ReportFormat.json: ".json",
    ReportFormat.jsonl: ".jsonl",
    ReportFormat.sarif: ".sarif",
    ReportFormat.junit: ".xml",
    ReportFormat.csv: ".csv",
    ReportFormat.html: ".html",
}

_MEDIA_TYPES = {
    ReportFormat.text: "text/plain",
    ReportFormat.json: "application/json",
    ReportFormat.jsonl: "application/jsonl",
    ReportFormat.sarif: "application/sarif+json",
    ReportFormat.junit: "application/xml",
    ReportFormat.csv: "text/csv",
    ReportFormat.html: "text/html",
}


class Reporter(Protocol):
    """What a reporter module provides: ``render(report, options) -> str``."""

    def render(self, report: Report, options: RenderOptions) -> str:
        """Render the whole report as one string."""
        ...  # pragma: no cover


#: Format → module that implements it (imported lazily). Add a format: a member above + a line here.
REPORTERS: dict[ReportFormat, str] = {
    ReportFormat.text: "phenotk.report.text",
    ReportFormat.json: "phenotk.report.json",
    ReportFormat.jsonl: "phenotk.report.jsonl",
    ReportFormat.sarif: "phenotk.report.sarif",
    ReportFormat.junit: "phenotk.report.junit",
    ReportFormat.csv: "phenotk.report.csv",
    ReportFormat.html: "phenotk.report.html",
}


def _reporter(fmt: ReportFormat) -> Reporter:
    module: Reporter = importlib.import_module(REPORTERS[fmt])  # type: ignore[assignment]
    return module


def render(
    report: Report,
    fmt: ReportFormat | str,
    *,
    rules: Mapping[str, RuleInfo] | None = None,
    color: bool = False,
    fail_on: Severity | str | None = Severity.ERROR,
) -> str:
    """Render ``report`` in format ``fmt`` and return the text.

    ``rules`` maps rule names and/or codes to their :class:`RuleInfo` (optional). ``color`` only
    affects ``text``. ``fail_on`` is the run's failure threshold: JUnit marks a file failed when it has
    a finding at or above it (None = never); the text and HTML summaries name it.
    """
    from phenotk.report._common import RenderOptions

    resolved = ReportFormat.parse(fmt)
    options = RenderOptions.make(rules=rules, color=color, fail_on=fail_on)
    return _reporter(resolved).render(report, options)


def write_report(
    report: Report,
    fmt: ReportFormat | str,
    output: str | os.PathLike[str] | None = None,
    *,
    rules: Mapping[str, RuleInfo] | None = None,
    color: bool | None = None,
    fail_on: Severity | str | None = Severity.ERROR,
    force: bool = False,
) -> None:
    """Render ``report`` and write it to ``output`` atomically, or to stdout when ``output`` is None/``-``.

    ``color=None`` colours ``text`` on stdout only when stdout is a terminal and ``NO_COLOR`` is unset;
    files are never coloured. Like every phenotk output, an existing file is only replaced with
    ``force=True`` (else :class:`~phenotk.errors.OutputExistsError`, exit 2 in the CLI); an output that
    is a directory or cannot be written raises :class:`~phenotk.errors.UsageError` naming it.
    """
    to_stdout = output is None or str(output) == "-"
    if color is None:
        color = to_stdout and _stdout_is_tty() and not os.environ.get("NO_COLOR")
    text = render(report, fmt, rules=rules, color=bool(color) and to_stdout, fail_on=fail_on)
    if to_stdout:
        stream = sys.stdout
        stream.write(text)
        stream.flush()
        return
    from phenotk.errors import UsageError
    from phenotk.io import atomic_write

    assert output is not None
    if os.path.isdir(output):
        raise UsageError("the report output is a directory; name a file", path=os.fspath(output))
    try:
        atomic_write(output, text.encode("utf-8"), force=force)
    except OSError as exc:  # unwritable folder, disk full…: one line, no traceback
        raise UsageError(f"cannot write the report: {exc.strerror or exc}", path=os.fspath(output)) from None


def _stdout_is_tty() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False
