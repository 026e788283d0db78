"""Reporters: one module per output format over the one record shape (GUIDE §3 practice 5).

A run's :class:`~phenotk.issue.Report` is rendered by the reporter that :class:`ReportFormat` names::

    from phenotk.report import ReportFormat, render, write_report

    text = render(report, "sarif", rules=rules)          # str
    write_report(report, ReportFormat.html, "report.html")  # atomic file write; None → stdout
    write_reports(report, parse_outputs(["html=r.html", "sarif=r.sarif"]))  # several formats, one run

The registry :data:`REPORTERS` maps each format to the module that renders it; the modules are
imported on first use, so ``import phenotk.report`` stays cheap (rich is only loaded for ``text``).
The enum also builds the CLI option (``--format``): its values are the choices.

``rules`` maps rule *name* and/or *code* to :class:`~phenotk.issue.RuleInfo` (help text for SARIF,
documentation for HTML); every reporter also works without it.

``show`` is a display threshold: text and HTML (:data:`HUMAN_FORMATS`) leave out the findings below it and
count them in their summary; a machine format given ``show`` drops them and says so in a run note. The CLI
applies a bare ``--show LEVEL`` to the human formats only and ``--show FORMAT=LEVEL`` to the one format
(:func:`parse_show`): machine formats keep everything unless asked. The exit code never depends on it.
"""

from __future__ import annotations

import enum
import importlib
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from phenotk._heap import frozen
from phenotk.issue import Report, RuleInfo, Severity

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.report._common import RenderOptions
    from phenotk.report.text import Blocks

__all__ = [
    "HUMAN_FORMATS",
    "REPORTERS",
    "Output",
    "ReportFormat",
    "Reporter",
    "parse_outputs",
    "parse_show",
    "render",
    "text_blocks",
    "write_report",
    "write_reports",
]


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


#: formats read by people: a bare ``--show LEVEL`` applies to them (machine formats keep every finding)
HUMAN_FORMATS = frozenset({ReportFormat.text, ReportFormat.html})


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
    show: Severity | str | None = None,
    base_dir: str | os.PathLike[str] | None = None,
    warnings: Iterable[str | None] = (),
    text_blocks: object = None,
) -> str:
    """Render ``report`` in format ``fmt`` and return the text.

    ``rules`` maps rule names and/or codes to their :class:`RuleInfo` (optional). ``color`` only
    affects ``text``. ``fail_on`` is the run's failure threshold: JUnit marks a file failed when it has
    a finding at or above it (None = never); the text and HTML summaries name it. ``show``: display
    threshold (see the module docstring). ``base_dir``: folder SARIF URIs are relative to (default: the
    git repository root of the working directory, else the working directory). ``warnings``: lines the
    text and HTML reports say first (the CLI passes the missing-HPO warning). ``text_blocks``: the text report's
    documents rendered while the run went (:class:`phenotk.report.text.Blocks`; other formats ignore it).
    """
    from phenotk.report._common import RenderOptions, shown_report

    resolved = ReportFormat.parse(fmt)
    options = RenderOptions.make(
        rules=rules,
        color=color,
        fail_on=fail_on,
        show=show,
        base_dir=None if base_dir is None else os.fspath(base_dir),
        warnings=warnings,
        text_blocks=text_blocks if resolved is ReportFormat.text else None,
    )
    if resolved not in HUMAN_FORMATS:
        report = shown_report(report, options)
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
    show: Severity | str | None = None,
    base_dir: str | os.PathLike[str] | None = None,
    warnings: Iterable[str | None] = (),
    text_blocks: object = None,
) -> None:
    """Render ``report`` and write it to ``output`` atomically, or to stdout when ``output`` is None/``-``.

    ``color=None`` colours ``text`` on stdout only when stdout is a terminal and ``NO_COLOR`` is unset;
    files are never coloured. Like every phenotk output, an existing file is only replaced with
    ``force=True`` (else :class:`~phenotk.errors.OutputExistsError`, exit 2 in the CLI); an output that
    is a directory or cannot be written raises :class:`~phenotk.errors.UsageError` naming it. ``show``,
    ``base_dir``, ``warnings``: see :func:`render`.
    """
    to_stdout = output is None or str(output) == "-"
    if color is None:
        color = to_stdout and _stdout_is_tty() and not os.environ.get("NO_COLOR")
    text = render(
        report,
        fmt,
        rules=rules,
        color=bool(color) and to_stdout,
        fail_on=fail_on,
        show=show,
        base_dir=base_dir,
        warnings=warnings,
        text_blocks=text_blocks,
    )
    from phenotk.report._common import utf8, utf8_text

    if to_stdout:
        stream = sys.stdout
        stream.write(utf8_text(text))
        stream.flush()
        return
    from phenotk.errors import UsageError
    from phenotk.io import atomic_write

    assert output is not None
    if os.path.isdir(output):
        raise UsageError("the report output is a directory; name a file", path=os.fspath(output))
    try:
        atomic_write(output, utf8(text), force=force)
    except OSError as exc:  # unwritable folder, disk full…: one line, no traceback
        raise UsageError(f"cannot write the report: {exc.strerror or exc}", path=os.fspath(output)) from None


@dataclass(frozen=True)
class Output:
    """One report of a run: its format and where it goes (None = stdout)."""

    fmt: ReportFormat
    path: str | None = None


def parse_outputs(values: Sequence[str], fmt: ReportFormat | str | None = None) -> list[Output]:
    """The run's reports from ``--output`` values and ``--format``.

    A value ``FORMAT=PATH`` (``sarif=out.sarif``; ``PATH`` ``-`` is stdout) names its own format; a plain
    ``PATH`` (at most one) takes ``fmt`` (default ``text``) — the ``-f FORMAT -o PATH`` form. No value: one
    report in ``fmt`` on stdout; only ``FORMAT=PATH`` values: just those (add ``text=-`` for the terminal
    too). Only the text before the first ``=`` that is a format name counts as one: write ``./a=b.json``
    for a file whose name starts like that. Two reports to one file, or two on stdout, are usage errors.
    """
    from phenotk.errors import UsageError

    default = ReportFormat.parse(fmt) if fmt is not None else ReportFormat.text
    named: list[Output] = []
    plain: list[str] = []
    for value in values:
        head, sep, tail = value.partition("=")
        if sep and head.strip().lower() in {f.value for f in ReportFormat}:
            if not tail:
                raise UsageError(f"--output {value}: name a file after '=' (or - for stdout)")
            named.append(Output(ReportFormat.parse(head), None if tail == "-" else tail))
        else:
            _refuse_misspelt_format(value, head if sep else "")
            plain.append(value)
    if len(plain) > 1:
        raise UsageError(f"--output: several files without a format ({', '.join(plain)}); write FORMAT=PATH")
    outputs = [Output(default, None if plain[0] == "-" else plain[0])] if plain else []
    if not plain and not named:
        outputs.append(Output(default))
    outputs += named
    seen: set[str | None] = set()
    for out in outputs:
        key = None if out.path is None else os.path.abspath(out.path)
        if key in seen:
            raise UsageError("two reports to " + ("stdout" if out.path is None else out.path) + "; name one file each")
        seen.add(key)
    return outputs


def _refuse_misspelt_format(value: str, head: str) -> None:
    """A usage error for ``--output sarif_=x.sarif``-like values: a word close to a format name before ``=``.

    Such a value would otherwise be one plain file named ``sarif_=x.sarif`` in the default format, and the
    report the user asked for would silently not be written (a CI step then uploads nothing).
    """
    import difflib
    import re

    from phenotk.errors import UsageError

    word = head.strip().lower()
    if not word or not re.fullmatch(r"[a-z][a-z0-9_-]*", word):
        return
    close = difflib.get_close_matches(word, [f.value for f in ReportFormat], n=1, cutoff=0.6)
    if close:
        raise UsageError(
            f"--output {value}: unknown report format {head.strip()!r} (did you mean {close[0]}?); "
            f"write ./{value} for a file of that name"
        )


def parse_show(values: Iterable[str]) -> dict[ReportFormat, Severity]:
    """Display thresholds per format from ``--show`` values: ``LEVEL`` (text, HTML) or ``FORMAT=LEVEL``."""
    from phenotk.errors import UsageError

    out: dict[ReportFormat, Severity] = {}
    for value in values:
        head, sep, tail = value.rpartition("=")
        try:
            level = Severity.parse(tail)
            formats = [ReportFormat.parse(head)] if sep else sorted(HUMAN_FORMATS)
        except ValueError as exc:
            raise UsageError(f"--show {value}: {exc} (or FORMAT=LEVEL, e.g. html=warning)") from None
        for f in formats:
            out[f] = level
    return out


def write_reports(
    report: Report,
    outputs: Sequence[Output],
    *,
    rules: Mapping[str, RuleInfo] | None = None,
    fail_on: Severity | str | None = Severity.ERROR,
    force: bool = False,
    show: Mapping[ReportFormat, Severity] | None = None,
    base_dir: str | os.PathLike[str] | None = None,
    warnings: Iterable[str | None] = (),
    text_blocks: object = None,
) -> None:
    """Write every report of a run (see :func:`parse_outputs`); files are checked before any is written.

    ``show`` maps formats to their display threshold (see :func:`parse_show`); ``text_blocks``
    (:func:`text_blocks`) serves the first text report without colour; the other arguments as in
    :func:`write_report`.
    """
    from phenotk.errors import OutputExistsError

    if not force:
        for out in outputs:
            if out.path is not None and os.path.isfile(out.path):
                raise OutputExistsError("output exists; use --force to overwrite", path=out.path)
    kept = tuple(warnings)
    # rendering allocates per finding while the run's results and ontologies are alive: frozen, the collector
    # does not scan them again and again (phenotk._heap)
    with frozen():
        for out in outputs:
            write_report(
                report,
                out.fmt,
                out.path,
                rules=rules,
                fail_on=fail_on,
                force=force,
                show=(show or {}).get(out.fmt),
                base_dir=base_dir,
                warnings=kept,
                text_blocks=text_blocks if out is _plain_text(outputs) else None,
            )


def _plain_text(outputs: Sequence[Output]) -> Output | None:
    """The first text report of ``outputs`` that is written without colour (a file, a pipe, ``NO_COLOR``)."""
    for out in outputs:
        if out.fmt is ReportFormat.text:
            to_stdout = out.path is None or str(out.path) == "-"
            return None if to_stdout and _stdout_is_tty() and not os.environ.get("NO_COLOR") else out
    return None


def text_blocks(outputs: Sequence[Output], show: Mapping[ReportFormat, Severity] | None = None) -> Blocks | None:
    """A :class:`phenotk.report.text.Blocks` for ``outputs``' plain text report (None when there is none).

    Hand each result of the run to its ``add`` as it arrives, then the object to :func:`write_reports`: the
    text report's documents are then rendered while worker processes validate the next ones.
    """
    if _plain_text(outputs) is None:
        return None
    from phenotk.report._common import RenderOptions
    from phenotk.report.text import Blocks

    return Blocks(RenderOptions.make(show=(show or {}).get(ReportFormat.text)))


def _stdout_is_tty() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False
