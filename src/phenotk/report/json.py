"""``json`` reporter: exactly :meth:`Report.to_dict` — the GUIDE §2 JSON report contract."""

from __future__ import annotations

import json

from phenotk.issue import Report
from phenotk.report._common import RenderOptions


def render(report: Report, options: RenderOptions) -> str:
    """One JSON document (indented, UTF-8 kept) ending with a newline."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
