"""``text`` reporter: findings grouped by file, one line each, then a summary line.

Line form (stable; parts that are unknown are left out)::

    path:line:col: severity CODE message [rule-name]

A finding without a line shows its JSON pointer instead (``(at /metaData)``); ``[fixable]`` marks a
finding with a safe automatic fix. Files without findings are only counted in the summary. With a display
threshold (``--show warning``) the findings below it are left out, and so are files left without shown
findings; the summary still counts every finding and says how many were not shown. Warnings of the run
(HPO checks wanted but no HPO loaded) come first, one line each.

With colour the report is built as styled spans (rich style names), each span wrapped in the ANSI codes rich
renders for its style (computed once per style). Without colour (a file, a pipe) each document's lines are one
plain block of strings, which :class:`Blocks` can make while the run goes on (``phenotk validate`` renders
each document as its result arrives); the report then puts the blocks together. Both forms carry the same
words, and control characters of the input are escaped in both.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from operator import attrgetter, is_

from phenotk.issue import Issue, Report, Result, Severity
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
    if not options.color:  # one string per line, each document's lines a block (rendered during the run, maybe)
        return _plain(report, options)
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


#: a document's plain lines (header, findings, blank line; none when no finding is shown), how many of its shown
#: findings have a safe fix, how many are below the display threshold
Block = tuple[list[str], int, int]


class Blocks:
    """The plain text of each document of a report, rendered as the document's result arrives.

    ``phenotk validate`` hands each result to :meth:`add` while worker processes validate the next documents,
    and passes this object to the text reporter (``RenderOptions.text_blocks``), which then only puts the blocks
    together. A block is used only for the very findings it was rendered from (the same objects, in the same
    order): a document that the end of the run gave a cross-document finding, or whose findings a baseline
    removed, is rendered again. ``options`` are the report's (the display threshold must be the same).
    """

    def __init__(self, options: RenderOptions) -> None:
        self.options = options
        self._made: dict[int, tuple[Result, tuple[Issue, ...], Block]] = {}

    def add(self, result: Result) -> None:
        """Render ``result``'s block now (nothing for a document without findings)."""
        if result.issues:
            self._made[id(result)] = (result, tuple(result.issues), _block(result, self.options))

    def get(self, result: Result) -> Block | None:
        """The block made of ``result``, None when there is none or its findings have changed since."""
        made = self._made.get(id(result))
        if made is None or made[0] is not result:
            return None
        issues, current = made[1], result.issues
        if len(issues) != len(current) or not all(map(is_, issues, current)):
            return None
        return made[2]


def _plain(report: Report, options: RenderOptions) -> str:
    """The report without styles: the words of :func:`_lines`, one string per line."""
    blocks = options.text_blocks if isinstance(options.text_blocks, Blocks) else None
    if blocks is not None and blocks.options.show != options.show:
        blocks = None
    out = [printable(w) for w in options.warnings]
    with_findings = fixable = hidden = 0
    for result in report.results:
        if not result.issues:
            continue
        with_findings += 1
        block = blocks.get(result) if blocks is not None else None
        lines, fixes, below = block if block is not None else _block(result, options)
        out.extend(lines)
        fixable += fixes
        hidden += below
    end = [_summary(report, with_findings, fixable)]
    if hidden and options.show is not None:
        end.append([(f"{hidden_phrase(hidden, options.show)} (--show {options.show.value})", "dim")])
    out.extend(printable(note) for note in ("note: " + n for n in report.notes))
    out.extend(printable("".join([text for text, _ in line])) for line in end)
    out.append("")
    return "\n".join(out)


def _block(result: Result, options: RenderOptions) -> Block:
    """A document's plain lines (control characters of the input escaped), its fixable and hidden counts."""
    shown = [i for i in result.issues if options.shows(i)] if options.show is not None else result.issues
    hidden = len(result.issues) - len(shown)
    if not shown:
        return [], 0, hidden
    path = result.path
    label, tally = _header_words(result)
    lines = [path + label + tally]
    fixable = 0
    for issue in sorted_issues(shown):
        if issue.fix is not None and issue.fix.safe:
            fixable += 1
        lines.append(_plain_line(path, issue))
    lines.append("")
    if _input_has_control(path + label, shown, lines):  # input text that would drive a terminal: escaped line by line
        lines = [printable(line) for line in lines]
    return lines, fixable, hidden


#: the words a finding's line takes from the finding (the rest of the line: the path, position digits, fixed words)
_OWN_WORDS = attrgetter("code", "message", "pointer", "rule")


def _input_has_control(head: str, issues: list[Issue], lines: list[str]) -> bool:
    """True when a control character is in ``lines`` (a document's block: ``head`` its path and label).

    Only the words the lines take from the document and its findings are looked at, once each (a line repeats
    the path): ``head`` and each finding's code, message, pointer and rule; a finding whose words are not all
    strings has the joined lines looked at, as before.
    """
    try:
        words = head + "".join(chain.from_iterable(map(_OWN_WORDS, issues)))
    except TypeError:  # a word that is not a string: the lines say what was rendered
        return has_control("".join(lines))
    return has_control(words)


def _header_words(result: Result) -> tuple[str, str]:
    """What follows the path in a document's heading: its label (or ``""``) and its findings' tally."""
    label = result_label(result)
    return (f"  {label}" if label else ""), _tally(result.issues)


_SEVERITY = attrgetter("severity")
#: (errors, warnings, info) -> a heading's tally: the few combinations of a report's documents, each phrased once
_TALLIES: dict[tuple[int, int, int], str] = {}


def _tally(issues: list[Issue]) -> str:
    """``  (2 errors, 1 info)``: the findings counted at C level, the phrase kept per combination of counts."""
    severities = list(map(_SEVERITY, issues))
    key = (severities.count(Severity.ERROR), severities.count(Severity.WARNING), severities.count(Severity.INFO))
    known = sum(key) == len(severities)  # else a severity that is none of them: phrased, not kept
    tally = _TALLIES.get(key) if known else None
    if tally is None:
        tally = f"  ({nonzero_phrase(counts(issues))})"
        if known and len(_TALLIES) < 4096:
            _TALLIES[key] = tally
    return tally


def _header(result: Result) -> Line:
    label, tally = _header_words(result)
    header: Line = [(result.path, "bold underline")]
    if label:
        header.append((label, "dim"))
    header.append((tally, "dim"))
    return header


def _lines(report: Report, options: RenderOptions) -> Iterator[Line]:
    """The report's lines as styled spans (the coloured form; :func:`_plain` says the same words)."""
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
        yield _header(result)
        for issue in sorted_issues(shown):
            if issue.fix is not None and issue.fix.safe:
                fixable += 1
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
