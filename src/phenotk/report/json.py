"""``json`` reporter: exactly :meth:`Report.to_dict` — the GUIDE §2 JSON report contract.

:class:`Stream` writes the same bytes document by document (:mod:`phenotk.report.stream`).
"""

from __future__ import annotations

from typing import Any

from phenotk.issue import Issue, Report, Result
from phenotk.report._common import RenderOptions, StreamRun, dumps_json, indent_json


def render(report: Report, options: RenderOptions) -> str:
    """One JSON document (indented, UTF-8 kept) ending with a newline."""
    return dumps_json(report.to_dict()) + "\n"


class Stream:
    """The JSON report in pieces: one item per document (its result object), the run around them."""

    #: between two items of the ``results`` array
    separator = ",\n"

    def __init__(self, options: RenderOptions) -> None:
        self.options = options

    def issue(self, result: Result, issue: Issue) -> str:
        """One finding as it sits in the report (``results[k].issues[j]``, indented)."""
        return indent_json(dumps_json(issue.to_dict()), 8)

    def items(self, result: Result, issues: list[tuple[str, str]]) -> list[str]:
        """The document's result object (from its findings' pieces, in order)."""
        text = dumps_json({"path": result.path, "element": result.element, "id": result.id, "issues": []})
        if issues:  # the object ends with '"issues": []\n}'
            body = ",\n".join(frag for _code, frag in issues)
            text = indent_json(text[:-4], 4) + "[\n" + body + "\n      ]\n    }"
            return [text]
        return [indent_json(text, 4)]

    def head(self, run: StreamRun) -> str:
        """Everything before the first result (the summary is known: this is written last)."""
        return _split(run)[0]

    def tail(self, run: StreamRun) -> str:
        """Everything after the last result."""
        return _split(run)[1]


def _split(run: StreamRun) -> tuple[str, str]:
    doc: dict[str, Any] = {
        "tool": run.tool,
        "version": run.version,
        "hpo_version": run.hpo_version,
        "notes": list(run.notes),
        "summary": run.summary,
        "results": [],
    }
    text = dumps_json(doc)  # ends with '"results": []\n}'
    if not run.items:
        return text + "\n", ""
    return text[:-4] + "[\n", "\n  ]\n}\n"
