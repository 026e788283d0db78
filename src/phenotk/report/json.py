"""``json`` reporter: exactly :meth:`Report.to_dict` — the GUIDE §2 JSON report contract."""

from __future__ import annotations

from phenotk.issue import Report
from phenotk.report._common import RenderOptions, dumps_json


def render(report: Report, options: RenderOptions) -> str:
    """One JSON document (indented, UTF-8 kept) ending with a newline."""
    return dumps_json(report.to_dict()) + "\n"
