"""``text`` reporter: findings grouped by file, one line each, then a summary line.

Line form (stable; parts that are unknown are left out)::

    path:line:col: severity CODE message [rule-name]

A finding without a line shows its JSON pointer instead (``(at /metaData)``); ``[fixable]`` marks a
finding with a safe automatic fix. Files without findings are only counted in the summary. With a display
threshold (``--show warning``) the findings below it are left out, and so are files left without shown
findings; the summary still counts every finding and says how many were not shown. Warnings of the run
(HPO checks wanted but no HPO loaded) come first, one line each.

The report is built once as styled spans (rich style names); without colour the spans are joined as
plain text, with colour each span is wrapped in the ANSI codes rich renders for its style (computed
once per style, so colour costs no more than plain text on large runs). Both forms carry the same words.
"""

from __future__ import annotations

from collections.abc import Iterator

from phenotk.issue import Issue, Report, Severity
from phenotk.report._common import (
    RenderOptions,
    count_phrase,
    counts,
    has_control,
    hidden_phrase,
    hpo_phrase,
    location,
    nonzero_phrase,
    plural,
    printable,
    result_label,
    sorted_issues,
)

#: One output line: (text, rich style) spans.
Line = list[tuple[str, str]]

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_WORD = {s: s.value for s in Severity}  # the enum's ``.value`` is a property: looked up once here


def render(report: Report, options: RenderOptions) -> str:
    """The report as terminal text (ANSI styles when ``options.color``)."""
    if not options.color:  # one span per finding line (the usual, large part of the report): joined as built
        plain = [
            "".join([text for text, _ in line]) if len(line) != 1 else line[0][0]
            for line in _lines(report, options, plain=True)
        ]
        if has_control("".join(plain)):  # input text that would drive a terminal: escaped line by line
            plain = [printable(line) for line in plain]
        plain.append("")
        return "\n".join(plain)
    lines = _lines(report, options)  # spans hold the input's text as it is: escaped here, once per span
    ansi = _AnsiStyles()
    return "".join("".join(ansi.wrap(printable(text), style) for text, style in line) + "\n" for line in lines)


class _AnsiStyles:
    """rich style name → (start, end) escape codes, computed once per style (rich renders them)."""

    def __init__(self) -> None:
        self._codes: dict[str, tuple[str, str]] = {}

    def wrap(self, text: str, style: str) -> str:
        if not style or not text:
            return text
        codes = self._codes.get(style)
        if codes is None:
            from rich.color import ColorSystem
            from rich.style import Style

            start, _, end = Style.parse(style).render("\x00", color_system=ColorSystem.STANDARD).partition("\x00")
            codes = self._codes[style] = (start, end)
        return codes[0] + text + codes[1]


def _lines(report: Report, options: RenderOptions, *, plain: bool = False) -> Iterator[Line]:
    """The report's lines as styled spans; with ``plain`` each finding line is one unstyled span."""
    fixable = 0
    with_findings = 0
    hidden = 0
    for warning in options.warnings:
        yield [(warning, "bold yellow")]
    for result in report.results:
        if not result.issues:
            continue
        with_findings += 1
        shown = [i for i in result.issues if options.shows(i)] if options.show is not None else result.issues
        hidden += len(result.issues) - len(shown)
        if not shown:
            continue
        header: Line = [(result.path, "bold underline")]
        label = result_label(result)
        if label:
            header.append((f"  {label}", "dim"))
        header.append((f"  ({nonzero_phrase(counts(result.issues))})", "dim"))
        yield header
        path = result.path
        for issue in sorted_issues(shown):
            if issue.fix is not None and issue.fix.safe:
                fixable += 1
            if plain:
                yield [(_plain_line(path, issue), "")]
                continue
            line: Line = [
                ("  ", ""),
                (location(result.path, issue) + ":", "bold"),
                (" ", ""),
                (issue.severity.value, _STYLE[issue.severity]),
                (f" {issue.code} ", "bold"),
                (issue.message, ""),
            ]
            if issue.line is None and issue.pointer:
                line.append((f" (at {issue.pointer})", "dim"))
            line.append((f" [{issue.rule}]", "dim"))
            if issue.fix is not None and issue.fix.safe:
                line.append((" [fixable]", "green"))
            yield line
        yield []
    for note in report.notes:
        yield [("note: ", "bold"), (note, "")]
    yield _summary(report, with_findings, fixable)
    if hidden and options.show is not None:
        yield [(f"{hidden_phrase(hidden, options.show)} (--show {options.show.value})", "dim")]


def _plain_line(path: str, issue: Issue) -> str:
    """A finding's line without styles: the words of the styled spans in :func:`_lines`, built in one go."""
    if issue.line is None:
        text = f"  {path}: {_WORD[issue.severity]} {issue.code} {issue.message}"
        if issue.pointer:
            text += f" (at {issue.pointer})"
    elif issue.column is None:
        text = f"  {path}:{issue.line}: {_WORD[issue.severity]} {issue.code} {issue.message}"
    else:
        text = f"  {path}:{issue.line}:{issue.column}: {_WORD[issue.severity]} {issue.code} {issue.message}"
    text += f" [{issue.rule}]"
    return text + " [fixable]" if issue.fix is not None and issue.fix.safe else text


def _summary(report: Report, with_findings: int, fixable: int) -> Line:
    total = counts(report.issues)
    # JSON arrays and JSON Lines hold several documents per file (``a.jsonl#L3``, items share their file's path)
    files = len({r.path.split("#", 1)[0] for r in report.results})
    unit = "file" if files == len(report.results) else "document"
    checked = plural(len(report.results), unit) + (f" in {plural(files, 'file')}" if unit == "document" else "")
    line: Line = [(f"Checked {checked}: ", "bold")]
    if not report.issues:
        line.append(("no findings", "bold green"))
    else:
        worst_style = next((_STYLE[s] for s in (Severity.ERROR, Severity.WARNING) if total[s]), _STYLE[Severity.INFO])
        line.append((count_phrase(total), worst_style))
        line.append((f" in {plural(with_findings, unit)}", ""))
    if fixable:
        line.append((f"; {fixable} with a safe automatic fix", ""))
    line.append((f" ({hpo_phrase(report)})", "dim"))
    return line
