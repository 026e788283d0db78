r"""``jsonl`` reporter: one JSON object per finding per line, for streaming tools (``jq``, ``grep``, pandas).

Each line is the finding of GUIDE §2 prefixed with the ``path``, ``element`` and ``id`` of its document.
A run without findings renders as an empty string. NEL, U+2028 and U+2029, which JSON allows raw in a string
but ``str.splitlines()`` and editors take for line breaks, are written as ``\u`` escapes: a line is a line
for every reader. :class:`Stream` writes the same lines as results arrive
(:mod:`phenotk.report.stream`).
"""

from __future__ import annotations

import re

from phenotk.issue import Issue, Report, Result
from phenotk.report._common import RenderOptions, StreamRun, dumps_json


def _line(result: Result, issue: Issue) -> str:
    text = dumps_json({"path": result.path, "element": result.element, "id": result.id, **issue.to_dict()},
                      indent=False)  # fmt: skip
    if not text.isascii() and _BREAKS.search(text):  # only inside strings, where the escape means the same
        text = _BREAKS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text + "\n"


#: line breaks for str.splitlines() that JSON strings may hold raw (orjson escapes the C0 ones)
_BREAKS = re.compile("[\x85\u2028\u2029]")


def render(report: Report, options: RenderOptions) -> str:
    """Findings as JSON lines (each line ends with a newline)."""
    return "".join([_line(r, i) for r, i in report.iter_issues()])


class Stream:
    """JSON lines in pieces: one item (line) per finding, nothing around them."""

    separator = ""

    def __init__(self, options: RenderOptions) -> None:
        self.options = options

    def issue(self, result: Result, issue: Issue) -> str:
        """The finding's line (with its newline)."""
        return _line(result, issue)

    def items(self, result: Result, issues: list[tuple[str, str]]) -> list[str]:
        """The document's lines."""
        return [frag for _code, frag in issues]

    def head(self, run: StreamRun) -> str:
        """Nothing before the lines."""
        return ""

    def tail(self, run: StreamRun) -> str:
        """Nothing after them."""
        return ""
