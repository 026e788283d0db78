"""``text`` reporter: findings grouped by file, one line each, then a summary line.

Line form (stable; parts that are unknown are left out)::

    path:line:col: severity CODE message [rule-name]

A finding without a line shows its JSON pointer instead (``(at /metaData)``); ``[fixable]`` marks a
finding with a safe automatic fix. Files without findings are only counted in the summary. Colour
(rich styles) only when asked for; without it the output is plain text with no escape codes.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from phenotk.issue import Report, Severity
from phenotk.report._common import (
    RenderOptions,
    count_phrase,
    counts,
    hpo_phrase,
    location,
    nonzero_phrase,
    plural,
    result_label,
    sorted_issues,
)

if TYPE_CHECKING:  # pragma: no cover
    from rich.text import Text

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render(report: Report, options: RenderOptions) -> str:
    """The report as terminal text (ANSI styles when ``options.color``)."""
    from rich.console import Console
    from rich.text import Text

    buf = io.StringIO()
    console = Console(
        file=buf,
        force_terminal=options.color,
        no_color=not options.color,
        color_system="standard" if options.color else None,
        width=10_000,
        soft_wrap=True,
        highlight=False,
        emoji=False,
        markup=False,
    )
    fixable = 0
    with_findings = 0
    for result in report.results:
        if not result.issues:
            continue
        with_findings += 1
        header = Text(result.path, style="bold underline")
        label = result_label(result)
        if label:
            header.append(f"  {label}", style="dim")
        header.append(f"  ({nonzero_phrase(counts(result.issues))})", style="dim")
        console.print(header)
        for issue in sorted_issues(result.issues):
            line = Text("  ")
            line.append(location(result.path, issue) + ":", style="bold")
            line.append(" ")
            line.append(issue.severity.value, style=_STYLE[issue.severity])
            line.append(f" {issue.code} ", style="bold")
            line.append(issue.message)
            if issue.line is None and issue.pointer:
                line.append(f" (at {issue.pointer})", style="dim")
            line.append(f" [{issue.rule}]", style="dim")
            if issue.fix is not None and issue.fix.safe:
                fixable += 1
                line.append(" [fixable]", style="green")
            console.print(line)
        console.print()
    for note in report.notes:
        console.print(Text("note: ", style="bold") + Text(note))
    console.print(_summary(report, with_findings, fixable))
    return buf.getvalue()


def _summary(report: Report, with_findings: int, fixable: int) -> Text:
    from rich.text import Text

    total = counts(report.issues)
    files = plural(len(report.results), "file")
    text = Text(f"Checked {files}: ", style="bold")
    if not report.issues:
        text.append("no findings", style="bold green")
    else:
        worst_style = next((_STYLE[s] for s in (Severity.ERROR, Severity.WARNING) if total[s]), "cyan")
        text.append(count_phrase(total), style=worst_style)
        text.append(f" in {plural(with_findings, 'file')}")
    if fixable:
        text.append(f"; {fixable} with a safe automatic fix")
    text.append(f" ({hpo_phrase(report)})", style="dim")
    return text
