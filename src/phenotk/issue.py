"""The one record shape for findings, shared by validation and conversion (GUIDE §2).

It lives below both the ``validate`` and ``convert`` layers so converters can report what they
could not carry in the same reports as validation findings.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


class Severity(str, enum.Enum):
    """How bad a finding is. Ordered: ``info`` < ``warning`` < ``error``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """0 for info, 1 for warning, 2 for error."""
        return _RANK[self]

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        """Accept ``error``/``ERROR``/``Severity.ERROR``."""
        if isinstance(value, Severity):
            return value
        try:
            return cls(str(value).lower())
        except ValueError:
            raise ValueError(f"unknown severity {value!r}; use error, warning or info") from None


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True)
class PatchOp:
    """One RFC 6902 JSON Patch operation; ``path`` is a JSON pointer into the input document."""

    op: str  # add | remove | replace | move | copy | test
    path: str
    value: Any = None
    from_: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON Patch form."""
        out: dict[str, Any] = {"op": self.op, "path": self.path}
        if self.op in ("add", "replace", "test"):
            out["value"] = self.value
        if self.from_ is not None:
            out["from"] = self.from_
        return out


@dataclass(frozen=True)
class Fix:
    """A repair as data. ``safe`` fixes are applied by ``phenotk fix``; others are suggestions."""

    ops: tuple[PatchOp, ...]
    safe: bool = True
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON form used in reports."""
        return {
            "safe": self.safe,
            "description": self.description,
            "patch": [op.to_dict() for op in self.ops],
        }


@dataclass(slots=True)
class Issue:
    """One finding. ``pointer`` is an RFC 6901 pointer into the input document; line/column 1-based.

    ``context`` carries format-specific location data that has no pointer, e.g. for a spreadsheet
    cell ``{"sheet": "Sheet1", "row": 4, "column": "C", "value": "yse"}``.
    """

    code: str
    rule: str
    severity: Severity
    message: str
    pointer: str = ""
    line: int | None = None
    column: int | None = None
    fix: Fix | None = None
    context: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON report form of GUIDE §2 (plus ``context`` when it has data)."""
        out: dict[str, Any] = {
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "pointer": self.pointer,
            "line": self.line,
            "column": self.column,
            "fix": self.fix.to_dict() if self.fix else None,
        }
        if self.context:
            out["context"] = self.context
        return out

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # one constructor call per finding when results cross a process boundary (``--jobs``): the dataclass
        # default (``__setstate__`` per object) made unpickling 6x slower, most of the parent's CPU in a pool run
        return (Issue, (self.code, self.rule, self.severity, self.message, self.pointer, self.line, self.column,
                        self.fix, self.context))  # fmt: skip


Finding = Issue


_RESULT_FIELDS = frozenset(("path", "element", "id", "issues"))


@dataclass
class Result:
    """All findings for one input document (or one unreadable input)."""

    path: str
    element: str | None = None
    id: str | None = None
    issues: list[Issue] = field(default_factory=list)

    def __reduce__(self) -> tuple[Any, ...]:
        # as Issue.__reduce__: a constructor call, plus any attribute a caller attached
        fields = (self.path, self.element, self.id, self.issues)
        extra = {k: v for k, v in self.__dict__.items() if k not in _RESULT_FIELDS}
        return (Result, fields, extra) if extra else (Result, fields)

    def __repr__(self) -> str:
        n = len(self.issues)
        codes = ", ".join(i.code for i in self.issues[:5]) + (f", … {n - 5} more" if n > 5 else "")
        return f"Result({self.path!r}, element={self.element!r}, id={self.id!r}, {n} issue(s): {codes})"

    def to_dict(self) -> dict[str, Any]:
        """JSON report form."""
        return {
            "path": self.path,
            "element": self.element,
            "id": self.id,
            "issues": [i.to_dict() for i in self.issues],
        }


@dataclass(frozen=True)
class FindingType:
    """One catalogued kind of finding: a stable code, a stable kebab-case name, a default severity and its doc.

    Converters declare theirs in ``conversion/<format>/findings.py`` as a module-level ``FINDINGS`` tuple;
    validation rules are Rule classes. :mod:`phenotk.catalog` gathers both, so ``phenotk rules --all`` /
    ``phenotk explain`` and the reporters know every code any command can emit. ``doc`` is the documentation
    page: sections *What it means*, *Why*, *Example* and *What to do*. ``aliases`` are retired codes that
    still resolve (``explain``, ``--ignore``) after a code was merged into this one.
    """

    code: str
    name: str
    severity: Severity
    summary: str
    doc: str = ""
    group: str = ""
    aliases: tuple[str, ...] = ()

    def __call__(
        self,
        message: str,
        *,
        severity: Severity | None = None,
        pointer: str = "",
        line: int | None = None,
        column: int | None = None,
        fix: Fix | None = None,
        **context: Any,
    ) -> Issue:
        """An :class:`Issue` of this type; ``context`` keys whose value is None are left out."""
        ctx = {k: v for k, v in context.items() if v is not None}
        return Issue(
            self.code, self.name, severity or self.severity, message, pointer, line, column, fix, ctx
        )

    def info(self) -> RuleInfo:
        """The :class:`RuleInfo` reporters take."""
        return RuleInfo(self.code, self.name, self.severity, self.summary, self.doc, self.group)


@dataclass
class Report:
    """A run's findings, file by file. Reporters render this; the API returns it."""

    results: list[Result] = field(default_factory=list)
    hpo_version: str | None = None
    notes: list[str] = field(default_factory=list)  # run-level remarks, e.g. "HPO checks skipped: …"
    tool: str = "phenotk"

    @property
    def version(self) -> str:
        """Phenotk version that made the report."""
        from phenotk._version import __version__

        return __version__

    @property
    def issues(self) -> list[Issue]:
        """Every finding of every result, in order."""
        return [i for r in self.results for i in r.issues]

    def iter_issues(self) -> Iterator[tuple[Result, Issue]]:
        """(result, issue) pairs."""
        for r in self.results:
            for i in r.issues:
                yield r, i

    def count(self, severity: Severity) -> int:
        """Number of findings with that severity."""
        return sum(1 for i in self.issues if i.severity is severity)

    @property
    def summary(self) -> dict[str, int]:
        """``files``, ``errors``, ``warnings``, ``info`` counts."""
        return {
            "files": len(self.results),
            "errors": self.count(Severity.ERROR),
            "warnings": self.count(Severity.WARNING),
            "info": self.count(Severity.INFO),
        }

    @property
    def ok(self) -> bool:
        """True when there is no error."""
        return self.count(Severity.ERROR) == 0

    def fails(self, fail_on: Severity | None) -> bool:
        """True when a finding is at or above ``fail_on`` (None = never fail)."""
        if fail_on is None:
            return False
        return any(i.severity.rank >= fail_on.rank for i in self.issues)

    def extend(self, results: Iterable[Result]) -> None:
        """Add results."""
        self.results.extend(results)

    def to_dict(self) -> dict[str, Any]:
        """The JSON report document of GUIDE §2."""
        return {
            "tool": self.tool,
            "version": self.version,
            "hpo_version": self.hpo_version,
            "notes": list(self.notes),
            "summary": self.summary,
            "results": [r.to_dict() for r in self.results],
        }

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per finding (path, element, id + the issue fields)."""
        rows = []
        for r, i in self.iter_issues():
            d = i.to_dict()
            d["fix"] = None if i.fix is None else ("safe" if i.fix.safe else "suggestion")
            rows.append({"path": r.path, "element": r.element, "id": r.id, **d})
        return rows

    def to_dataframe(self) -> pd.DataFrame:
        """Findings as a pandas DataFrame (one row per finding), typed as the analysis frames are.

        Text columns are ``string``; ``severity`` an ordered categorical (``info`` < ``warning`` < ``error``, so
        ``frame[frame.severity >= "warning"]`` works); ``line`` and ``column`` nullable integers (``Int64``, NA
        where a finding has no place); ``fix`` the fix as a dict, or None. The same columns when there is no finding.
        """
        import pandas as pd

        cols = ["path", "element", "id", "code", "rule", "severity", "message", "pointer", "line", "column", "fix"]
        frame = pd.DataFrame(self.to_records(), columns=[*cols, "context"])[cols]
        text = {c: "string" for c in ("path", "element", "id", "code", "rule", "message", "pointer")}
        severity = pd.CategoricalDtype(["info", "warning", "error"], ordered=True)
        return frame.astype({**text, "severity": severity, "line": "Int64", "column": "Int64", "fix": "object"})

    def __len__(self) -> int:
        return len(self.issues)

    #: findings shown by ``repr`` / the Jupyter table before "… N more" (like pandas' ``display.max_rows``)
    REPR_ROWS = 10
    HTML_ROWS = 100

    def _shown(self, n: int) -> list[tuple[Result, Issue]]:
        """The first ``n`` findings, errors first, then warnings, then info (file order within a severity)."""
        out: list[tuple[Result, Issue]] = []
        for sev in (Severity.ERROR, Severity.WARNING, Severity.INFO):
            for r, i in self.iter_issues():
                if i.severity is sev:
                    out.append((r, i))
                    if len(out) == n:
                        return out
        return out

    def _by_rule(self) -> list[tuple[tuple[str, str, Severity], int]]:
        from collections import Counter

        c = Counter((i.code, i.rule, i.severity) for i in self.issues)
        return c.most_common()

    def _more_hint(self) -> str:
        return (
            "report.to_dataframe() has every finding; "
            "phenotk.report.write_report(report, 'html', 'report.html') writes the full report"
        )

    def __repr__(self) -> str:
        s = self.summary
        lines = [
            f"Report({s['files']} file(s): {s['errors']} error(s), {s['warnings']} warning(s), {s['info']} info; "
            f"HPO {self.hpo_version or 'not used'})"
        ]
        rules = self._by_rule()
        if rules:
            shown = ", ".join(f"{code} {rule} {n}" for (code, rule, _), n in rules[:5])
            lines.append(f"  by rule: {shown}" + (f", … {len(rules) - 5} more rules" if len(rules) > 5 else ""))
        for r, i in self._shown(self.REPR_ROWS):
            loc = f"{r.path}:{i.line}" if i.line else r.path
            msg = i.message if len(i.message) <= 100 else i.message[:99] + "…"
            lines.append(f"  {i.severity.value:<7} {i.code} {loc}  {msg}")
        more = len(self) - self.REPR_ROWS
        if more > 0:
            lines.append(f"  … {more} more finding(s): {self._more_hint()}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """Findings table for Jupyter: counts per rule and the first findings (errors first), bounded in size."""
        import html

        esc = html.escape
        colours = {Severity.ERROR: "#c0392b", Severity.WARNING: "#b9770e", Severity.INFO: "#2e86c1"}
        s = self.summary
        head = (
            f"<p><b>phenotk report</b> · {s['files']} file(s) · {s['errors']} error(s), {s['warnings']} warning(s), "
            f"{s['info']} info · HPO {esc(self.hpo_version or 'not used')}</p>"
        )
        if not len(self):
            return head + "<p>No findings.</p>"
        rules = self._by_rule()
        rule_rows = "".join(
            f"<tr><td style='color:{colours[sev]}'>{sev.value}</td><td><code>{esc(code)}</code> {esc(rule)}</td>"
            f"<td style='text-align:right'>{n}</td></tr>"
            for (code, rule, sev), n in rules[:20]
        )
        if len(rules) > 20:
            rule_rows += f"<tr><td colspan='3'>… {len(rules) - 20} more rules</td></tr>"
        shown = self._shown(self.HTML_ROWS)
        rows = "".join(
            f"<tr><td>{esc(r.path)}</td><td>{i.line or ''}{':' + str(i.column) if i.column else ''}</td>"
            f"<td style='color:{colours[i.severity]};font-weight:bold'>{i.severity.value}</td>"
            f"<td title='{esc(i.rule)}'><code>{esc(i.code)}</code> {esc(i.rule)}</td>"
            f"<td>{esc(i.message if len(i.message) <= 300 else i.message[:299] + '…')}</td>"
            f"<td><code>{esc(i.pointer)}</code></td></tr>"
            for r, i in shown
        )
        more = len(self) - len(shown)
        tail = f"<p>… {more} more finding(s) not shown: {esc(self._more_hint())}.</p>" if more > 0 else ""
        return (
            head + "<table><tr><th>severity</th><th>rule</th><th>findings</th></tr>" + rule_rows + "</table>"
            + f"<p>{'First ' + str(len(shown)) + ' findings' if more > 0 else 'Findings'} (errors first):</p>"
            "<table><tr><th>file</th><th>line</th><th>severity</th><th>rule</th><th>message</th>"
            "<th>pointer</th></tr>" + rows + "</table>" + tail
        )


def worst(issues: Sequence[Issue]) -> Severity | None:
    """Highest severity among issues, None when empty."""
    return max((i.severity for i in issues), key=lambda s: s.rank, default=None)


@dataclass(frozen=True)
class RuleInfo:
    """What reporters need to know about a rule (SARIF ``rules``, HTML rule links, ``phenotk explain``).

    Built by the validation engine's registry from each rule class; ``doc`` is the rule docstring
    (sections *What it checks*, *Why*, *Anti-pattern*, *Fixed*).
    """

    code: str
    name: str
    severity: Severity
    summary: str
    doc: str = ""
    group: str = ""
