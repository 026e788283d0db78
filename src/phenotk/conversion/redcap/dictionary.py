"""REDCap data dictionaries (the project's metadata): CSV as downloaded from REDCap, or the API's JSON metadata.

A dictionary says, per field, its instrument (form), type, label and — for dropdown/radio/checkbox fields — the
choices ``code, label | code, label``. yes/no and true/false fields get their fixed choices. Problems become
findings (``redcap-dictionary-*``); a dictionary without a field-name column or without any usable field is an
``InputError`` (nothing usable remains).
"""

from __future__ import annotations

import io
import os
import re
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from phenotk.errors import InputError
from phenotk.issue import Issue, Severity
from phenotk.limits import DEFAULT as DEFAULT_LIMITS
from phenotk.limits import Limits
from phenotk.limits import current as current_limits

from .export import load_json
from .findings import (
    DICTIONARY_BAD_CHOICES,
    DICTIONARY_DUPLICATE_FIELD,
    DICTIONARY_MISSING_COLUMN,
    DICTIONARY_UNKNOWN_TYPE,
    finding,
)

#: Field types REDCap knows.
FIELD_TYPES = frozenset(
    {"text", "notes", "dropdown", "radio", "checkbox", "yesno", "truefalse", "calc", "file", "slider", "descriptive",
     "sql"}
)
#: Types whose values are choice codes.
CODED_TYPES = frozenset({"dropdown", "radio", "checkbox", "yesno", "truefalse"})
_FIXED_CHOICES = {"yesno": {"1": "Yes", "0": "No"}, "truefalse": {"1": "True", "0": "False"}}

#: Standard dictionary columns: key → accepted header spellings (lower case, CSV download and API JSON).
COLUMNS: dict[str, tuple[str, ...]] = {
    "field_name": ("variable / field name", "field_name", "variable", "field name"),
    "form_name": ("form name", "form_name", "instrument", "instrument name"),
    "section_header": ("section header", "section_header"),
    "field_type": ("field type", "field_type"),
    "field_label": ("field label", "field_label"),
    "choices": ("choices, calculations, or slider labels", "select_choices_or_calculations", "choices"),
    "field_note": ("field note", "field_note"),
    "validation": ("text validation type or show slider number", "text_validation_type_or_show_slider_number"),
    "validation_min": ("text validation min", "text_validation_min"),
    "validation_max": ("text validation max", "text_validation_max"),
    "identifier": ("identifier?", "identifier"),
    "branching_logic": ("branching logic (show field only if...)", "branching_logic"),
    "required": ("required field?", "required_field"),
    "custom_alignment": ("custom alignment", "custom_alignment"),
    "question_number": ("question number (surveys only)", "question_number"),
    "matrix_group": ("matrix group name", "matrix_group_name"),
    "matrix_ranking": ("matrix ranking?", "matrix_ranking"),
    "annotation": ("field annotation", "field_annotation"),
}
#: Position of each column in a REDCap CSV download (used when a header cell is damaged).
ORDER = tuple(COLUMNS)
_REQUIRED = ("field_name", "form_name", "field_type")
_ONTOLOGY = re.compile(r"BIOPORTAL:([A-Za-z0-9_.-]+)\Z")


@dataclass
class Field:
    """One dictionary field."""

    name: str
    form: str
    type: str
    label: str = ""
    choices: dict[str, str] = field(default_factory=dict)  # code → label, in dictionary order
    validation: str = ""
    note: str = ""
    ontology: str = ""  # BIOPORTAL:<ONTOLOGY> autocomplete of text fields
    row: int = 0

    @property
    def coded(self) -> bool:
        """True when values are choice codes (dropdown, radio, checkbox, yes/no, true/false)."""
        return self.type in CODED_TYPES and bool(self.choices)

    def choice_for(self, value: str) -> str | None:
        """The code ``value`` stands for: itself when it is a code, the code of a matching label, else None."""
        if value in self.choices:
            return value
        low = value.strip().lower()
        for code, label in self.choices.items():
            if code.lower() == low or label.strip().lower() == low:
                return code
        return None

    def checkbox_code(self, suffix: str) -> str | None:
        """The choice code a ``name___suffix`` export column stands for (REDCap lower-cases and maps '-' → '_')."""
        want = _column_code(suffix)
        for code in self.choices:
            if _column_code(code) == want:
                return code
        return None


def _column_code(code: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", code.strip().lower())


@dataclass
class DataDictionary:
    """Fields by name, instruments in order, and the findings made while reading."""

    path: str
    fields: dict[str, Field]
    issues: list[Issue] = field(default_factory=list)

    @property
    def forms(self) -> list[str]:
        """Instrument names in dictionary order."""
        return list(dict.fromkeys(f.form for f in self.fields.values() if f.form))

    def form_fields(self, form: str) -> list[str]:
        """Field names of one instrument."""
        return [f.name for f in self.fields.values() if f.form == form]

    def resolve_column(self, column: str) -> tuple[Field | None, str | None]:
        """(field, checkbox choice code) for an export column; (None, None) when the dictionary lacks it."""
        f = self.fields.get(column)
        if f is not None:
            return f, None
        base, sep, suffix = column.partition("___")
        if sep:
            f = self.fields.get(base)
            if f is not None and f.type == "checkbox":
                code = f.checkbox_code(suffix)
                if code is not None:
                    return f, code
        return None, None


_TAG = re.compile(r"<[^>]*>")
_DUPLICATE = re.compile(r" \(\d+\)\Z")
_CHOICE_HEADER = re.compile(r"(.*)\s\(choice=(.*)\)\s*\Z", re.S)
#: Headers of REDCap's label exports for its own columns.
LABEL_SYSTEM_HEADERS = {
    "event name": "redcap_event_name", "repeat instrument": "redcap_repeat_instrument",
    "repeat instance": "redcap_repeat_instance", "data access group": "redcap_data_access_group",
    "survey identifier": "redcap_survey_identifier",
}


def _label_key(text: str) -> str:
    return " ".join(_TAG.sub(" ", text).lower().split())


def label_headers(header: list[str], dictionary: DataDictionary) -> dict[str, str] | None:
    """Header → column name for a label export (headers are field labels), or None for a raw-name export.

    REDCap writes the columns in dictionary order, so equal labels are matched to fields in that order; checkbox
    options appear as ``Label (choice=Option)`` and form status as ``Complete?`` after the form's last field.
    """
    known = sum(1 for h in header if h in LABEL_SYSTEM_HEADERS.values() or dictionary.resolve_column(h)[0])
    if known * 2 >= len(header):
        return None
    by_label: dict[str, list[Field]] = {}
    for f in dictionary.fields.values():
        by_label.setdefault(_label_key(f.label), []).append(f)
    used: set[str] = set()
    out: dict[str, str] = {}
    form = ""
    stamps: list[str] = []  # 'Survey Timestamp' headers: <form>_timestamp of the form whose fields follow

    def entered(f: Field) -> None:
        nonlocal form
        form = f.form
        for stamp in stamps:
            out[stamp] = f"{f.form}_timestamp"
        stamps.clear()

    for h in header:
        key = _label_key(h)
        if key not in by_label and key not in LABEL_SYSTEM_HEADERS:
            key = _DUPLICATE.sub("", key)  # the CSV reader renames repeated headers 'Complete? (2)', …
        if key in LABEL_SYSTEM_HEADERS:
            out[h] = LABEL_SYSTEM_HEADERS[key]
            continue
        if key == "complete?" and form:
            out[h] = f"{form}_complete"
            continue
        if key == "survey timestamp":
            stamps.append(h)
            continue
        m = _CHOICE_HEADER.match(h)
        if m:
            for f in by_label.get(_label_key(m.group(1)), []):
                code = f.choice_for(m.group(2).strip()) if f.type == "checkbox" else None
                # the raw export's column name: REDCap lower-cases the code and writes '_' for other characters
                if code is not None and f"{f.name}___{_column_code(code)}" not in used:
                    out[h] = f"{f.name}___{_column_code(code)}"
                    used.add(out[h])
                    entered(f)
                    break
            continue
        for f in by_label.get(key, []):
            if f.name not in used and f.type != "descriptive":
                out[h] = f.name
                used.add(f.name)
                entered(f)
                break
    matched = sum(1 for h, name in out.items() if name not in LABEL_SYSTEM_HEADERS.values())
    return out if matched > known else None


def parse_choices(text: str) -> tuple[dict[str, str], list[str]]:
    """``'1, Yes | 2, No'`` → ({'1': 'Yes', '2': 'No'}, problems). Entries without a comma are problems.

    Besides ``|``, a backslash-n (two characters) and a line break inside the cell (a dictionary edited in a
    spreadsheet) separate choices.
    """
    out: dict[str, str] = {}
    problems: list[str] = []
    for part in text.replace("\\n", "|").replace("\r\n", "|").replace("\n", "|").replace("\r", "|").split("|"):
        entry = part.strip()
        if not entry:
            continue
        code, sep, label = entry.partition(",")
        code, label = code.strip(), label.strip()
        if not sep or not code:
            problems.append(f"{entry!r} is not 'code, label'")
            continue
        if code in out:
            problems.append(f"code {code!r} is given twice")
            continue
        if not label:
            problems.append(f"code {code!r} has no label")
            label = code
        out[code] = label
    return out, problems


def _norm(header: str) -> str:
    return " ".join(header.replace("\ufeff", "").strip().strip('"').lower().split())


def _index(header: list[str], path: str, issues: list[Issue]) -> dict[str, int]:
    lookup = {spelling: key for key, spellings in COLUMNS.items() for spelling in spellings}
    idx: dict[str, int] = {}
    for j, h in enumerate(header):
        key = lookup.get(_norm(h))
        if key is not None and key not in idx:
            idx[key] = j
    # A damaged header cell (e.g. the first header written as '1'): trust REDCap's fixed column order when the
    # neighbouring headers sit where REDCap puts them.
    for key in _REQUIRED:
        if key in idx:
            continue
        pos = ORDER.index(key)
        neighbours = [k for k in ORDER[max(pos - 1, 0): pos + 2] if k != key]
        if pos < len(header) and _norm(header[pos]) not in lookup and all(idx.get(k) == ORDER.index(k)
                                                                          for k in neighbours):
            idx[key] = pos
            issues.append(finding(
                DICTIONARY_MISSING_COLUMN,
                f"dictionary header {header[pos]!r} in column {pos + 1} is not {COLUMNS[key][0]!r}; read it as the "
                "field names because REDCap always puts them there — fix the header",
                Severity.WARNING, dictionary=path, column=header[pos], reason="damaged header"))
    missing = [k for k in _REQUIRED if k not in idx]
    if "field_name" in missing or "field_type" in missing:
        raise InputError(
            f"not a REDCap data dictionary: no {' / '.join(repr(COLUMNS[k][0]) for k in missing)} column "
            f"(header: {', '.join(header[:6])}{' …' if len(header) > 6 else ''})",
            path=path,
        )
    for key in missing:
        issues.append(finding(DICTIONARY_MISSING_COLUMN,
                              f"the data dictionary has no {COLUMNS[key][0]!r} column; instruments are unknown",
                              Severity.WARNING, dictionary=path, column=COLUMNS[key][0], reason="missing column"))
    if "choices" not in idx:
        issues.append(finding(DICTIONARY_MISSING_COLUMN,
                              f"the data dictionary has no {COLUMNS['choices'][0]!r} column; coded values cannot be "
                              "checked or labelled", Severity.WARNING, dictionary=path, column=COLUMNS["choices"][0],
                              reason="missing column"))
    return idx


def _rows_from_json(data: Any, path: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    if not isinstance(data, list) or not data or not all(isinstance(r, dict) for r in data):
        raise InputError("a JSON data dictionary must be a non-empty array of field objects (REDCap API metadata)",
                         path=path)
    header = list(dict.fromkeys(k for r in data for k in r))
    rows = [(i + 1, ["" if r.get(h) is None else str(r.get(h)) for h in header]) for i, r in enumerate(data)]
    return header, rows


#: Default of ``limits.dictionary-bytes``: largest data dictionary read; real ones are well under a megabyte.
MAX_DICTIONARY_BYTES = DEFAULT_LIMITS.dictionary_bytes


def read_regular(path: str, what: str, limit: int | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; ``InputError`` for anything else.

    ``limit`` None: ``limits.dictionary-bytes`` of the current :class:`phenotk.limits.Limits`.

    Opened non-blocking and checked with ``fstat``: a FIFO, ``/dev/zero`` or ``/dev/urandom`` is refused before
    a byte is read (they would block or never end), and no more than ``limit + 1`` bytes are ever read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputError(f"cannot read the {what}: {exc.strerror or exc}", path=path, kind="missing") from None
    limits = current_limits()
    if limit is None:
        limit = limits.dictionary_bytes
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        kind = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file (a device, FIFO or socket)"
        raise InputError(f"the {what} is {kind}", path=path)
    with os.fdopen(fd, "rb") as fh:
        if st.st_size > limit:
            raise _too_big(f"the {what} is {st.st_size} bytes", limit, limits, path)
        try:
            raw = fh.read(limit + 1)
        except OSError as exc:
            raise InputError(f"cannot read the {what}: {exc.strerror or exc}", path=path) from None
    if len(raw) > limit:
        raise _too_big(f"the {what} is over {limit} bytes", limit, limits, path)
    return raw


def _too_big(what: str, limit: int, limits: Limits, path: str) -> InputError:
    if limit == limits.dictionary_bytes:
        return limits.exceeded("dictionary-bytes", what, path=path)
    return InputError(f"{what}, over the {limit}-byte limit", path=path)


def _instrument_csv(raw: bytes, path: str) -> bytes | None:
    """The ``instrument.csv`` of a REDCap instrument zip (download / Shared Library), None for another file.

    A zip that is neither an instrument zip nor a workbook is an ``InputError`` naming what was looked for.
    """
    if not raw.startswith(b"PK"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            names = zf.namelist()
            if "xl/workbook.xml" in names:
                return None  # an XLSX dictionary: the sheet reader's
            member = next((n for n in names if n.rsplit("/", 1)[-1].lower() == "instrument.csv"), None)
            if member is None:
                raise InputError("a zip data dictionary must be a REDCap instrument zip holding instrument.csv "
                                 f"(it holds {', '.join(names[:4]) or 'nothing'})", path=path)
            limit = current_limits().dictionary_bytes
            if zf.getinfo(member).file_size > limit:
                raise _too_big(f"{member} in the zip is {zf.getinfo(member).file_size} bytes", limit,
                               current_limits(), path)
            return zf.read(member)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError, EOFError, zlib.error) as exc:
        raise InputError(f"cannot read the data dictionary zip: {' '.join(str(exc).split())[:160]}",
                         path=path) from None


def load_dictionary(path: str | Path, *, severity: Severity = Severity.WARNING) -> DataDictionary:
    """Read a data dictionary (CSV of any delimiter/encoding, API JSON, instrument zip); findings in ``.issues``."""
    from phenotk.conversion.table import read_table

    p = str(path)
    raw = read_regular(p, "data dictionary")
    issues: list[Issue] = []
    if raw.lstrip()[:1] in (b"[", b"{"):
        data = load_json(raw, None, p, "data dictionary is not valid JSON")
        header, rows = _rows_from_json(data, p)
    else:
        instrument = _instrument_csv(raw, p)
        if instrument is not None:  # REDCap's instrument zip: its instrument.csv is the dictionary
            with tempfile.TemporaryDirectory() as folder:
                inner = Path(folder) / "instrument.csv"
                inner.write_bytes(instrument)
                sheet = read_table(inner)
        else:
            sheet = read_table(p)
        header = [h for h in sheet.header]
        rows = list(zip(sheet.row_numbers, sheet.rows, strict=False))
    idx = _index(header, p, issues)

    def cell(cells: list[str], key: str) -> str:
        j = idx.get(key)
        return cells[j].strip() if j is not None and j < len(cells) else ""

    fields: dict[str, Field] = {}
    for number, cells in rows:
        name = cell(cells, "field_name")
        if not name:
            continue
        ftype = cell(cells, "field_type").lower()
        ctx = {"dictionary": p, "row": number, "field": name}
        if ftype not in FIELD_TYPES:
            issues.append(finding(DICTIONARY_UNKNOWN_TYPE,
                                  f"field {name!r} has type {ftype!r}, which REDCap does not have "
                                  f"({', '.join(sorted(FIELD_TYPES))}); its values are read as text",
                                  severity, value=ftype, reason="unknown field type", **ctx))
        if name in fields:
            issues.append(finding(DICTIONARY_DUPLICATE_FIELD,
                                  f"field {name!r} is defined again in row {number} (first in row "
                                  f"{fields[name].row}); the first definition is kept", severity,
                                  reason="duplicate field", **ctx))
            continue
        choices_text = cell(cells, "choices")
        f = Field(name=name, form=cell(cells, "form_name"), type=ftype, label=cell(cells, "field_label"),
                  validation=cell(cells, "validation").lower(), note=cell(cells, "field_note"), row=number)
        if ftype in _FIXED_CHOICES:
            f.choices = dict(_FIXED_CHOICES[ftype])
        elif ftype in ("dropdown", "radio", "checkbox") and "choices" in idx:
            choices, problems = parse_choices(choices_text)
            if not choices:
                problems = problems or ["the choice list is empty"]
            for problem in problems:
                issues.append(finding(DICTIONARY_BAD_CHOICES,
                                      f"choices of {ftype} field {name!r}: {problem}; write them as "
                                      "'code, label | code, label'", severity, value=choices_text[:200],
                                      reason="bad choices", **ctx))
            f.choices = choices
        elif ftype == "text":
            m = _ONTOLOGY.match(choices_text)
            if m:
                f.ontology = m.group(1).upper()
        fields[name] = f
    if not fields:
        raise InputError("the data dictionary defines no fields", path=p)
    return DataDictionary(p, fields, issues)
