"""The pyphetools Excel template layout and safe workbook access (shared by the template reader, writer, sniffer).

Layout: row 1 holds the fixed headers (:data:`FIXED_HEADERS`), then ``HPO``, then HPO labels; row 2 holds type
hints (:data:`TYPE_HINTS`), then HPO ids; rows 3+ one individual each. Workbooks are opened read-only, after a
zip-bomb check, and closed before the rows are used.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from phenotk.errors import InputError
from phenotk.limits import DEFAULT as DEFAULT_LIMITS
from phenotk.limits import current as current_limits

FIXED_HEADERS = (
    "PMID",
    "title",
    "individual_id",
    "comment",
    "disease_id",
    "disease_label",
    "HGNC_id",
    "gene_symbol",
    "transcript",
    "allele_1",
    "allele_2",
    "variant.comment",
    "age_of_onset",
    "age_at_last_encounter",
    "deceased",
    "sex",
)
TYPE_HINTS = (
    "CURIE",
    "str",
    "str",
    "optional",
    "CURIE",
    "str",
    "CURIE",
    "str",
    "str",
    "str",
    "str",
    "optional",
    "age",
    "age",
    "yes/no/na",
    "M:F:O:U",
)

#: Zip-bomb guards: defaults of ``limits.workbook-bytes`` (uncompressed size) and ``limits.zip-ratio`` (the check
#: reads :func:`phenotk.limits.current`, set from ``[tool.phenotk.limits]``).
MAX_UNCOMPRESSED = DEFAULT_LIMITS.workbook_bytes
MAX_RATIO = DEFAULT_LIMITS.zip_ratio
#: First characters that make Excel run a cell as a formula (our writer neutralises them with ``'``).
DANGEROUS = ("=", "+", "-", "@")


def col_letter(index: int) -> str:
    """0-based column index → spreadsheet letters."""
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_text(value: Any) -> str:
    """A cell as stripped text (``3.0`` → ``3``; ``None`` → ``""``), formula neutralisation undone."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unneutralise(str(value).strip())


def unneutralise(text: str) -> str:
    """Undo our writer's formula neutralisation (``'=…`` → ``=…``)."""
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1] in DANGEROUS else text


def neutralise(value: str) -> str:
    """Prefix ``'`` to text Excel would run as a formula (``=``, ``+``, ``-``, ``@``)."""
    return "'" + value if value[:1] in DANGEROUS else value


def check_zip(path: Path) -> None:
    """Refuse workbooks whose uncompressed size or compression ratio looks like a zip bomb."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile:
        raise InputError("not an .xlsx workbook (not a zip archive)", path=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from None
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    limits = current_limits()
    over = "workbook-bytes" if total > limits.workbook_bytes else None
    if over is None and total > 10 * 1024 * 1024 and total / packed > limits.zip_ratio:
        over = "zip-ratio"
    if over is not None:
        raise limits.exceeded(
            over, f"workbook expands to {total} bytes (ratio {total // packed}:1); refusing to read a possible "
            "zip bomb", path=str(path),
        )


def open_workbook(path: Path) -> Any:
    """The workbook, read-only with cached values (zip-bomb checked); an InputError when it cannot be opened."""
    import openpyxl

    check_zip(path)
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise InputError(f"cannot open workbook: {exc}", path=str(path)) from None


def open_rows(
    path: Path, sheet: str | None, max_row: int | None = None
) -> tuple[str, list[str], list[tuple[Any, ...]]]:
    """(sheet read, every sheet name, its rows — the first ``max_row`` only when given).

    By default the first sheet the workbook shows: a hidden first sheet (the drop-down lists of a curation
    workbook) is passed over, as the sheet reader does.
    """
    wb = open_workbook(path)
    try:
        names = list(wb.sheetnames)
        shown = [ws.title for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") in ("visible", None)]
        name = sheet or (shown or names)[0]
        if name not in names:
            raise InputError(f"no sheet {name!r} (sheets: {', '.join(names)})", path=str(path))
        rows = list(wb[name].iter_rows(max_row=max_row, values_only=True))
    finally:
        wb.close()
    return name, names, rows


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")
_MERGE_TAG = re.compile(rb"<(?:\w+:)?mergeCell[ >/]")


def _has_tag(path: Path, tag: re.Pattern[bytes]) -> bool:
    """True when a worksheet of the (zip-checked) workbook holds ``tag`` (read in 1 MiB chunks)."""
    try:
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    continue
                with zf.open(name) as fh:
                    tail = b""
                    while chunk := fh.read(1 << 20):
                        if tag.search(tail + chunk):
                            return True
                        tail = chunk[-16:]
    except (OSError, zipfile.BadZipFile):
        return False
    return False


def _has_formulas(path: Path) -> bool:
    """True when a worksheet of the (zip-checked) workbook holds a formula element."""
    return _has_tag(path, _FORMULA_TAG)


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3}[0-9]{1,7}:[A-Z]{1,3}[0-9]{1,7})"')


def merged_ranges(path: Path, sheet: str) -> list[tuple[int, int, int, int]]:
    """(first row, first column, last row, last column) of the sheet's merged ranges (1-based rows, 0-based columns).

    Read-only workbooks do not say; the ranges are read from the worksheet's XML (streamed, at most
    ``limits.merged-ranges`` of them), only for a workbook with ``<mergeCell>`` elements.
    """
    if not _has_tag(path, _MERGE_TAG):
        return []
    import openpyxl
    from openpyxl.utils import range_boundaries

    try:
        wb = openpyxl.load_workbook(path, read_only=True)
        try:
            member = getattr(wb[sheet], "_worksheet_path", None) if sheet in wb.sheetnames else None
        finally:
            wb.close()
    except Exception:  # opened once already; a second failure only means no ranges are known
        return []
    if not member:
        return []
    limits = current_limits()
    out: list[tuple[int, int, int, int]] = []
    with zipfile.ZipFile(path) as zf, zf.open(member.lstrip("/")) as fh:
        tail = b""
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            end = 0
            for m in _MERGE_REF.finditer(data):
                c1, r1, c2, r2 = range_boundaries(m.group(1).decode("ascii"))
                out.append((int(r1 or 0), int(c1 or 1) - 1, int(r2 or 0), int(c2 or 1) - 1))
                end = m.end()
            if len(out) > limits.merged_ranges:
                raise limits.exceeded("merged-ranges", f"sheet {sheet!r} has over {limits.merged_ranges} merged "
                                      "ranges", path=str(path))
            tail = data[max(end, len(data) - 128):]
    return sorted(out)


def uncached_formulas(path: Path, sheet: str, rows: list[tuple[Any, ...]]) -> dict[tuple[int, int], str]:
    """(1-based row, 0-based column) → formula of the cells of ``rows`` that hold a formula without a saved value.

    ``rows`` are the sheet's cached values (:func:`open_rows`). A workbook written by a script (openpyxl, pandas)
    keeps formulas without computing them: their cached value is empty, which is not what the cell says. Only a
    workbook with formula elements is opened a second time (formulas instead of values).
    """
    if not _has_formulas(path):
        return {}
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception:  # opened once already; a second failure only means no formulas are named
        return {}
    out: dict[tuple[int, int], str] = {}
    try:
        for r, row in enumerate(wb[sheet].iter_rows(max_row=len(rows), values_only=True), start=1):
            cached = rows[r - 1] if r <= len(rows) else ()
            for c, value in enumerate(row):
                text = getattr(value, "text", value)  # ArrayFormula / DataTableFormula keep theirs in .text
                if not (isinstance(text, str) and text.startswith("=")):
                    continue
                if c >= len(cached) or cached[c] is None:
                    out[(r, c)] = text
    finally:
        wb.close()
    return out
