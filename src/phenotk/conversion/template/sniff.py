"""The one content probe for curation templates: a phetools cohort JSON, or a pyphetools workbook.

:func:`is_pyphetools_template` is the single answer to "is this header row a pyphetools template?" — the
``template`` reader asks it when sniffing, the corpus benchmark asks it, and the table reader should ask it too
(it must not claim these workbooks). :func:`sniff_template_file` opens a workbook once, reads its first row
only, and asks that predicate. Cheap to import (openpyxl is imported on first use).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from phenotk.conversion.template.workbook import cell_text, open_rows

#: Row-1 headers that every pyphetools template has (matched case-insensitively), besides the ``HPO`` column.
_KEY_HEADERS = ("pmid", "individual_id", "disease_id")


def sniff_cohort_json(head: bytes) -> bool:
    """True for a JSON object whose first bytes carry the cohort JSON keys (``cohortType`` / ``hpoHeaders``)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"{") and (b'"cohortType"' in head or b'"hpoHeaders"' in head)


def is_pyphetools_template(header_rows: Sequence[Iterable[Any]] | Iterable[Any]) -> bool:
    """True when a sheet's first row is a pyphetools template header.

    That is an ``HPO`` column and the ``PMID``, ``individual_id`` and ``disease_id`` columns (any case).
    Accepts the first row itself, or a sequence of rows (only the first is looked at).
    """
    rows = list(header_rows)
    first: Iterable[Any] = rows[0] if rows and isinstance(rows[0], (tuple, list)) else rows
    cells = {cell_text(v).lower() for v in first}
    return "hpo" in cells and all(h in cells for h in _KEY_HEADERS)


def sniff_template_file(path: Path, head: bytes) -> bool:
    """An ``.xlsx`` whose first row is a pyphetools template header (opens the workbook once, reads one row)."""
    if not head.startswith(b"PK") or not path.name.lower().endswith(".xlsx"):
        return False
    try:
        _, _, rows = open_rows(path, None, max_row=1)
    except Exception:  # a sniff never fails: an unreadable workbook is for the reader to report
        return False
    return is_pyphetools_template(rows[:1])
