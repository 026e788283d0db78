"""``jsonl`` reporter: one JSON object per finding per line, for streaming tools (``jq``, ``grep``, pandas).

Each line is the finding of GUIDE §2 prefixed with the ``path``, ``element`` and ``id`` of its document.
A run without findings renders as an empty string. :class:`Stream` writes the same lines as results arrive
(:mod:`phenotk.report.stream`).
"""

from __future__ import annotations

from phenotk.issue import Issue, Report, Result
from phenotk.report._common import RenderOptions, StreamRun, dumps_json


def render(report: Report, options: RenderOptions) -> str:
    """Findings as JSON lines (each line ends with a newline)."""
    lines = [
        dumps_json({"path": r.path, "element": r.element, "id": r.id, **i.to_dict()}, indent=False)
        for r, i in report.iter_issues()
    ]
    return "".join(line + "\n" for line in lines)


class Stream:
    """JSON lines in pieces: one item (line) per finding, nothing around them."""

    separator = ""

    def __init__(self, options: RenderOptions) -> None:
        self.options = options

    def issue(self, result: Result, issue: Issue) -> str:
        """The finding's line (with its newline)."""
        return dumps_json({"path": result.path, "element": result.element, "id": result.id, **issue.to_dict()},
                          indent=False) + "\n"  # fmt: skip

    def items(self, result: Result, issues: list[tuple[str, str]]) -> list[str]:
        """The document's lines."""
        return [frag for _code, frag in issues]

    def head(self, run: StreamRun) -> str:
        """Nothing before the lines."""
        return ""

    def tail(self, run: StreamRun) -> str:
        """Nothing after them."""
        return ""
