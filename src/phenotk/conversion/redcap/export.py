"""REDCap record exports: CSV (any delimiter/encoding, raw codes or labels) and the API's JSON (flat or EAV).

Both become a header plus rows of strings with a 1-based position (CSV line or JSON array index) for findings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from phenotk.errors import InputError

#: Columns REDCap adds to every export (never data of the project's fields).
SYSTEM_COLUMNS = (
    "redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance", "redcap_data_access_group",
    "redcap_survey_identifier", "redcap_arm",
)
#: Keys of an API "eav" export row.
EAV_KEYS = ("record", "field_name", "value")


@dataclass
class Export:
    """An export as strings: ``header``, ``rows`` (dicts), ``numbers`` (CSV line / JSON index), ``kind``."""

    path: str
    header: list[str]
    rows: list[dict[str, str]]
    numbers: list[int]
    kind: str  # "csv" | "json" | "json-eav"
    delimiter: str | None = None
    duplicate_headers: list[str] | None = None
    #: CSV lines of a UTF-8 file written in another encoding (read as Windows-1252; the table reader's finding)
    mixed_rows: list[int] | None = None
    #: CSV: (line, column letter, value) of non-empty cells beyond the header (the sheet layer reports them)
    stray_cells: list[tuple[int, str, str]] | None = None
    #: EAV: row number → fields listed more than once for that row (their values joined by ``|``)
    repeated: dict[int, set[str]] | None = None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def load_json(raw: bytes, encoding: str | None, path: str, what: str = "not valid JSON") -> Any:
    """Parse JSON bytes: UTF-8/16/32 (with or without a BOM), or ``encoding`` when the mapping names one."""
    try:
        text: str | bytes = raw.decode(encoding) if encoding else raw.removeprefix(b"\xef\xbb\xbf")
        return json.loads(text)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}", path=path) from None
    except UnicodeDecodeError as exc:
        hint = "" if encoding else "; name the encoding in the mapping (encoding: cp1252)"
        raise InputError(f"cannot decode as {encoding or 'UTF-8/16/32'}: {exc.reason}{hint}", path=path) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{what}: {exc.msg}", path=path, line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        raise InputError(f"{what}: nested too deeply", path=path, line=1, column=1) from None
    except ValueError as exc:  # an integer past Python's digit limit
        raise InputError(f"{what}: {' '.join(str(exc).split())[:160]}", path=path) from None


def _from_eav(data: list[dict[str, Any]], path: str, record_field: str | None) -> Export:
    rid = record_field or "record_id"
    slots: dict[tuple[str, str, str, str], dict[str, str]] = {}
    numbers: dict[tuple[str, str, str, str], int] = {}
    header: dict[str, None] = {rid: None}
    repeated: dict[int, set[str]] = {}
    for i, item in enumerate(data, start=1):
        key = (_text(item.get("record")), _text(item.get("redcap_event_name")),
               _text(item.get("redcap_repeat_instrument")), _text(item.get("redcap_repeat_instance")))
        row = slots.setdefault(key, {rid: key[0]})
        numbers.setdefault(key, i)
        for col, val in zip(SYSTEM_COLUMNS[:3], key[1:], strict=True):
            if val:
                row[col] = val
                header.setdefault(col, None)
        name = _text(item.get("field_name"))
        value = _text(item.get("value"))
        header.setdefault(name, None)
        # checkbox options come as one row per ticked code (joined here, unfolded with the dictionary); any other
        # field listed twice is reported by the conversion
        if name in row and row[name] and value and row[name] != value:
            row[name] = row[name] + "|" + value
            repeated.setdefault(numbers[key], set()).add(name)
        else:
            row[name] = value
    cols = list(header)
    rows = [{c: r.get(c, "") for c in cols} for r in slots.values()]
    return Export(path, cols, rows, list(numbers.values()), "json-eav", repeated=repeated)


def read_export(path: str | Path, *, delimiter: str | None = None, encoding: str | None = None,
                record_field: str | None = None) -> Export:
    """Read a CSV or JSON record export; ``InputError`` when it is neither or has no records."""
    from phenotk.conversion.table import read_table

    p = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=p, kind="missing") from None
    if raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
        data = load_json(raw, encoding, p)
        if isinstance(data, dict) and isinstance(data.get("records"), list):
            data = data["records"]
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise InputError("a REDCap JSON export must be an array of record objects", path=p)
        if not data:
            raise InputError("the export holds no records", path=p)
        if all(k in data[0] for k in EAV_KEYS) and "field_name" in data[0]:
            return _from_eav(data, p, record_field)
        keys = dict.fromkeys(data[0])
        for r in data:
            if r.keys() != keys.keys():
                keys.update(dict.fromkeys(r))
        header = list(keys)
        rows = []
        for r in data:
            other = [k for k, v in r.items() if type(v) is not str]
            if len(r) != len(header):
                r = {h: _text(r.get(h)) for h in header}
            elif other:
                r = dict(r)
                for k in other:
                    r[k] = _text(r[k])
            rows.append(r)
        return Export(p, header, rows, list(range(1, len(rows) + 1)), "json")
    sheet = read_table(p, delimiter=delimiter, encoding=encoding)
    if not sheet.rows:
        raise InputError("the export holds no records (only a header)", path=p)
    rows = [dict(zip(sheet.header, r, strict=False)) for r in sheet.rows]
    return Export(p, list(sheet.header), rows, list(sheet.row_numbers), "csv", sheet.delimiter,
                  list(sheet.duplicate_headers), list(sheet.mixed_rows), list(sheet.stray_cells))


def looks_like_export(head: bytes) -> bool:
    """True when the first bytes look like a REDCap export.

    That is a CSV header starting with ``record_id`` or holding ``redcap_event_name`` /
    ``redcap_repeat_instrument``, or JSON records with those keys (or EAV rows: record, field_name, value).
    """
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    if text.startswith(("[", "{")):
        window = text[:2000]
        return '"redcap_event_name"' in window or '"redcap_repeat_instrument"' in window or (
            window.lstrip("[{ \r\n\t").startswith('"record_id"') or ('"field_name"' in window and '"record"' in window)
        )
    cells = header_cells(text)
    if not cells or not cells[0]:
        return False
    return cells[0] == "record_id" or "redcap_event_name" in cells or "redcap_repeat_instrument" in cells


def header_cells(text: str) -> list[str]:
    """The first line of a CSV/TSV text as lower-case cells (``,``, ``;`` or tab; quotes dropped): a quick look."""
    first = text.split("\n", 1)[0].strip()
    return [c.strip().strip('"').lower() for c in first.replace(";", ",").replace("\t", ",").split(",")]
