"""``jsonl`` reporter: one JSON object per finding per line, for streaming tools (``jq``, ``grep``, pandas).

Each line is the finding of GUIDE §2 prefixed with the ``path``, ``element`` and ``id`` of its document.
A run without findings renders as an empty string.
"""

from __future__ import annotations

from phenotk.issue import Report
from phenotk.report._common import RenderOptions, dumps_json


def render(report: Report, options: RenderOptions) -> str:
    """Findings as JSON lines (each line ends with a newline)."""
    lines = [
        dumps_json({"path": r.path, "element": r.element, "id": r.id, **i.to_dict()}, indent=False)
        for r, i in report.iter_issues()
    ]
    return "".join(line + "\n" for line in lines)
