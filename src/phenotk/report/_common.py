"""Helpers shared by the reporters: render options, rule look-up, locations, ordering."""

from __future__ import annotations

import dataclasses
import inspect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from phenotk.issue import Issue, Report, Result, RuleInfo, Severity

#: Severities from worst to mildest (display order).
SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)

#: Rule of the finding a result gets when its input could not be read at all (GUIDE §2).
UNREADABLE_RULE = "input-unreadable"


@dataclass(frozen=True)
class RenderOptions:
    """What every reporter is handed besides the report."""

    rules: Mapping[str, RuleInfo] = field(default_factory=dict)
    color: bool = False
    fail_on: Severity | None = Severity.ERROR
    #: display threshold: findings below it are left out (counted in the summary); None = every finding
    show: Severity | None = None
    #: folder SARIF artifact URIs are relative to (None: the git repository root of the cwd, else the cwd)
    base_dir: str | None = None
    #: lines said first in text and HTML (e.g. that HPO checks were wanted but no HPO could be loaded)
    warnings: tuple[str, ...] = ()
    #: documents of the text report rendered while the run went (:class:`phenotk.report.text.Blocks`), or None
    text_blocks: object = None

    @classmethod
    def make(
        cls,
        *,
        rules: Mapping[str, RuleInfo] | None = None,
        color: bool = False,
        fail_on: Severity | str | None = Severity.ERROR,
        show: Severity | str | None = None,
        base_dir: str | None = None,
        warnings: Iterable[str | None] = (),
        text_blocks: object = None,
    ) -> RenderOptions:
        """Normalise user input (``fail_on``/``show`` as strings, ``rules`` None, empty warnings dropped)."""
        return cls(
            rules=dict(rules or {}),
            color=color,
            fail_on=None if fail_on is None else Severity.parse(fail_on),
            show=None if show is None else Severity.parse(show),
            base_dir=base_dir,
            warnings=tuple(w for w in warnings if w),
            text_blocks=text_blocks,
        )

    def shows(self, issue: Issue) -> bool:
        """True when ``issue`` is at or above the display threshold."""
        return self.show is None or issue.severity.rank >= self.show.rank

    def rule_info(self, issue: Issue) -> RuleInfo | None:
        """The rule record of ``issue``: from ``rules`` (by code, then name), else from the finding catalog."""
        found = self.rules.get(issue.code) or self.rules.get(issue.rule)
        if found is None:
            from phenotk import catalog

            entry = catalog.get(issue.code)
            found = entry.info() if entry is not None and entry.name == issue.rule else None
        return found

    def fails(self, issue: Issue) -> bool:
        """True when ``issue`` is at or above the failure threshold."""
        return self.fail_on is not None and issue.severity.rank >= self.fail_on.rank


@dataclass(frozen=True)
class RuleRef:
    """A rule as seen in one report: code, name and what the rule registry knows about it (if anything)."""

    code: str
    name: str
    info: RuleInfo | None
    count: int

    @property
    def summary(self) -> str:
        """One-line description (the rule name when no RuleInfo was given)."""
        return self.info.summary if self.info and self.info.summary else self.name

    @property
    def group(self) -> str:
        """Rule group (``hpo``, ``meta``…), empty when unknown."""
        return self.info.group if self.info else ""


def shown_report(report: Report, options: RenderOptions) -> Report:
    """``report`` with the findings below ``options.show`` left out and a note counting them.

    What the machine formats render when a display threshold was asked for them (text and HTML count
    the hidden findings in their own summaries instead). Without a threshold: ``report`` itself.
    """
    if options.show is None:
        return report
    hidden = sum(1 for i in report.issues if not options.shows(i))
    if not hidden:
        return report
    results = [dataclasses.replace(r, issues=[i for i in r.issues if options.shows(i)]) for r in report.results]
    note = f"{hidden_phrase(hidden, options.show)} (--show {options.show.value})"
    return dataclasses.replace(report, results=results, notes=[*report.notes, note])


def hidden_phrase(hidden: int, show: Severity) -> str:
    """``12 findings below warning not shown``."""
    return f"{plural(hidden, 'finding')} below {show.value} not shown"


def rules_used(report: Report, options: RenderOptions) -> list[RuleRef]:
    """Distinct rules among the report's findings (keyed by code), in code order, with counts."""
    seen: dict[str, tuple[Issue, int]] = {}
    for issue in report.issues:
        first, n = seen.get(issue.code, (issue, 0))
        seen[issue.code] = (first, n + 1)
    return [
        RuleRef(code=code, name=first.rule, info=options.rule_info(first), count=n)
        for code, (first, n) in sorted(seen.items())
    ]


def position_key(issue: Issue) -> tuple[int, int, int]:
    """Sort key: findings with a line first, by line and column; the rest keep their order."""
    if issue.line is None:
        return (1, 0, 0)
    return (0, issue.line, issue.column or 0)


def sorted_issues(issues: Iterable[Issue]) -> list[Issue]:
    """Findings in source order (stable for findings without a position)."""
    return sorted(issues, key=position_key)


def location(path: str, issue: Issue) -> str:
    """``path:line:col`` with the unknown parts left out."""
    parts = [path]
    if issue.line is not None:
        parts.append(str(issue.line))
        if issue.column is not None:
            parts.append(str(issue.column))
    return ":".join(parts)


def counts(issues: Iterable[Issue]) -> dict[Severity, int]:
    """Number of findings per severity (every severity present, possibly 0)."""
    out = dict.fromkeys(SEVERITY_ORDER, 0)
    for issue in issues:
        out[issue.severity] += 1
    return out


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 error``, ``2 errors``; ``many`` for irregular plurals."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def count_phrase(c: Mapping[Severity, int]) -> str:
    """``1 error, 2 warnings, 0 info``."""
    return ", ".join(
        [plural(c[Severity.ERROR], "error"), plural(c[Severity.WARNING], "warning"), f"{c[Severity.INFO]} info"]
    )


def nonzero_phrase(c: Mapping[Severity, int]) -> str:
    """``2 errors, 1 info`` — only the severities that occur (``no findings`` when none)."""
    words = {Severity.ERROR: "error", Severity.WARNING: "warning"}
    parts = [plural(c[s], words[s]) if s in words else f"{c[s]} info" for s in SEVERITY_ORDER if c[s]]
    return ", ".join(parts) or "no findings"


def result_label(result: Result) -> str:
    """``phenopacket PMID_1_P1`` — what the document is, for headings (empty when unknown)."""
    return " ".join(x for x in (result.element, result.id) if x)


def is_unreadable(issue: Issue) -> bool:
    """True for the finding of an input that could not be read at all.

    An error: a symlinked folder a walk did not enter is a warning of the same rule, and nothing is wrong.
    """
    return issue.rule == UNREADABLE_RULE and issue.severity is Severity.ERROR


def dumps_json(obj: Any, *, indent: bool = True) -> str:
    """JSON text via orjson (UTF-8 kept, 2-space indent): ~10x faster than ``json.dumps(indent=2)``.

    Values JSON cannot carry natively (dates from spreadsheet contexts, sets…) are written as strings
    instead of failing a whole report.
    """
    import orjson

    option = orjson.OPT_NON_STR_KEYS | (orjson.OPT_INDENT_2 if indent else 0)
    try:
        return orjson.dumps(obj, option=option, default=_fallback).decode("utf-8")
    except orjson.JSONEncodeError:  # a lone surrogate (a file name that is not UTF-8): U+FFFD, as utf8() writes it
        return orjson.dumps(_scrub(obj), option=option, default=lambda v: _scrub(_fallback(v))).decode("utf-8")


def _fallback(value: Any) -> Any:
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


#: a lone UTF-16 surrogate: no character; in a str from the file system, a byte that was not UTF-8
#: (``os.fsdecode`` maps byte 0xNN to U+DCNN)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _scrub(value: Any) -> Any:
    """``value`` (JSON-like) with every lone surrogate of its strings and keys replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(v) for v in value]
    return value


def utf8(text: str) -> bytes:
    r"""``text`` as UTF-8: what every report file is. A lone surrogate, which UTF-8 cannot carry, becomes U+FFFD.

    A file name that is not UTF-8 (bytes like 0xE9 on Linux) reaches the reports as such surrogates; the text
    and HTML reports show them as ``\xe9`` (:func:`printable`), SARIF percent-encodes the bytes in its URIs, others
    write U+FFFD — a report must be readable by its consumers (a strict UTF-8 JSON or CSV reader), not fail.
    """
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text).encode("utf-8")


def utf8_text(text: str) -> str:
    """``text`` with its lone surrogates as U+FFFD (for a text stream such as stdout): see :func:`utf8`."""
    return _SURROGATE.sub("\ufffd", text) if not text.isascii() and _SURROGATE.search(text) else text


#: C0 and C1 controls, the Unicode line and paragraph separators (a line break for str.splitlines, editors and
#: JavaScript) and the bidi overrides/isolates (they reorder what a terminal shows: ``rtl\u202egnp.json``)
#: (and a lone surrogate: from a file name's byte that is not UTF-8, shown as that byte, ``\xe9``)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
#: byte -> 0 for an ASCII control character (what :data:`_CONTROL` matches in ASCII text), 1 for any other byte
_ASCII_CONTROL = bytes(0 if c < 0x20 or c == 0x7F else 1 for c in range(256))


def has_control(text: str) -> bool:
    """True when ``text`` holds a control character (one that :func:`printable` escapes)."""
    if text.isascii():  # nearly every report's text: one C-level byte translation, no per-character table look-up
        return 0 in text.encode("ascii").translate(_ASCII_CONTROL)
    # str.isprintable is a C loop ~2x faster than the pattern: a printable text holds no control character
    return not text.isprintable() and _CONTROL.search(text) is not None


def printable(text: str) -> str:
    r"""``text`` with control characters shown as ``\xNN`` escapes (``\n``, ``\t``; ``\u2028`` for U+2028 and up).

    The line separators and bidi controls of :data:`_CONTROL` count as control characters. Reports print
    values taken from the input; an escape sequence in a phenopacket must not be able to
    drive the reader's terminal, a newline must not break the one-finding-per-line form, and a bidi override
    must not make a file name read as another.
    """
    return _CONTROL.sub(_escape_control, text) if _CONTROL.search(text) else text


def _escape_control(m: re.Match[str]) -> str:
    ch = m.group()
    named = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(ch)
    if named:
        return named
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for the byte 0xNN that was not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean_doc(doc: str) -> str:
    """A docstring with its indentation removed (first line kept as written), stripped."""
    return inspect.cleandoc(doc) if doc else ""


def hpo_phrase(report: Report) -> str:
    """``HPO 2025-05-06`` or a note that no HPO release was used."""
    return f"HPO {report.hpo_version}" if report.hpo_version else "no HPO release used"


def indent_json(text: str, n: int) -> str:
    """JSON text (from :func:`dumps_json`) indented by ``n`` more spaces: how it reads nested in a larger document.

    Exact because JSON strings never hold a raw newline: every newline of the text is layout.
    """
    pad = " " * n
    return pad + text.replace("\n", "\n" + pad)


@dataclass
class StreamRun:
    """What a streamed report knows once every document was written: the run around its results."""

    tool: str
    version: str
    hpo_version: str | None
    notes: list[str]
    summary: dict[str, int]
    #: rules with findings (shown ones), in code order (SARIF's ``tool.driver.rules``)
    refs: list[RuleRef]
    #: number of items of the report's list (JSON: results; SARIF: findings; JSONL/CSV: lines)
    items: int
