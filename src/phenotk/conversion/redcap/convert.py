"""REDCap export + data dictionary + mapping → Phenopackets, through the table converter.

A REDCap mapping is a table mapping (``phenotk.mapping``) plus an optional ``redcap:`` section. This module does
the REDCap part and hands a plain sheet to :func:`phenotk.conversion.table.build_packets`:

1. read the dictionary and the export; report export columns the dictionary lacks (``redcap-unknown-field``);
2. check every coded value against its field's choices, dates and numbers against their validation
   (``redcap-bad-value``), and show choices as labels (``redcap.choices: label``, default) or codes; checkbox
   columns ``field___code`` become ``1``/``0`` (also from label exports: Checked/Unchecked);
3. keep rows apart that claim the same record/event/instrument/instance (``redcap-duplicate-record``);
4. copy ``redcap.carry`` fields/instruments from a record's first row that has them to its other event rows
   (longitudinal projects whose baseline forms live in one event);
5. unfold numbered field groups (``phenotypes.long`` columns containing ``{n}``) into one row per n;
6. let value maps be keyed by choice codes or labels alike; group a record's rows (repeating instruments,
   events) into one packet by the mapping's packet id.

Table findings about rows get the REDCap context (record, event, instrument, instance, field, value).
"""

from __future__ import annotations

import copy
import datetime as dt
import fnmatch
import functools
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from phenotk.errors import InputError
from phenotk.issue import Issue, Severity
from phenotk.mapping.model import TableMapping, load_mapping

from .dictionary import DataDictionary, Field, label_headers, load_dictionary
from .export import SYSTEM_COLUMNS, Export, read_export
from .findings import (
    BAD_VALUE,
    CHECKBOX_DEFAULT_CHANGED,
    CHECKBOX_UNTICKED,
    DICTIONARY_MISSING,
    DICTIONARY_USED,
    DUPLICATE_RECORD,
    LABEL_HEADERS,
    RENAMED,
    UNKNOWN_CARRY,
    UNKNOWN_FIELD,
    finding,
)

_NUMBER_COMMA = re.compile(r"-?\d+,\d+\Z")
#: A number as REDCap's number validation takes it (not Python's float(): no 'nan', 'inf', '1_000').
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\Z")
_DATE_FORMATS = {
    "ymd": ("%Y-%m-%d", "%Y/%m/%d"),
    "dmy": ("%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"),
    "mdy": ("%m-%d-%Y", "%m/%d/%Y"),
}
#: First row number of unfolded (virtual) rows, far above any real line number.
_VIRTUAL = 1_000_000_000
_VIRTUAL_ROW = re.compile(r"\brow (\d{10,})\b")
#: ``<form>_complete`` values of a form that was filled in: Unverified (1) and Complete (2), as codes (raw exports)
#: or as labels (REDCap's "CSV (labels)" export writes Incomplete / Unverified / Complete).
_FILLED_IN = frozenset({"1", "2", "unverified", "complete"})
#: Dictionary file names looked for next to an export when neither the mapping nor -O names one.
_DICTIONARY_GLOBS = ("*DataDictionary*.csv", "*datadictionary*.csv", "*dictionary*.csv", "*metadata*.json",
                     "*dictionary*.json")


@dataclass
class RedcapSettings:
    """The ``redcap:`` section of a mapping."""

    dictionary: str | None = None
    record_id: str | None = None
    carry: list[str] = field(default_factory=list)
    choices: str = "label"
    choice_codes: frozenset[str] = frozenset()
    decimal_comma: bool | None = None

    @classmethod
    def from_mapping(cls, mapping: TableMapping) -> RedcapSettings:
        """Read ``mapping.data['redcap']`` (validated by the mapping schema)."""
        raw = mapping.data.get("redcap") or {}
        return cls(
            dictionary=raw.get("dictionary"),
            record_id=raw.get("record_id"),
            carry=list(raw.get("carry", [])),
            choices=raw.get("choices", "label"),
            choice_codes=frozenset(raw.get("choice_codes", [])),
            decimal_comma=raw.get("decimal_comma"),
        )


@dataclass
class RowInfo:
    """Where a sheet row came from."""

    record: str
    event: str
    instrument: str
    instance: str
    number: int  # CSV line / JSON index of the export row
    n: int | None = None  # numbered-group index of an unfolded row


@dataclass
class RedcapItem:
    """One packet with its findings."""

    packet: Any
    source: str
    issues: list[Issue]


@dataclass
class RedcapConversion:
    """Packets (with their findings) and export-level findings."""

    items: list[RedcapItem]
    issues: list[Issue]
    dictionary: DataDictionary | None = None

    @property
    def packets(self) -> list[Any]:
        """The packets in export order."""
        return [i.packet for i in self.items]

    @property
    def all_issues(self) -> list[Issue]:
        """Export-level findings followed by every packet's."""
        return [*self.issues, *(i for item in self.items for i in item.issues)]


def _unfold_eav_checkboxes(export: Export, d: DataDictionary) -> None:
    """Unfold EAV checkbox fields into the ``field___code`` columns of a flat export.

    EAV lists a checkbox once per ticked code (joined ``1|3`` by the reader). A ticked code becomes 1, the other
    codes 0 where the row ticks any; a row that ticks none gets empty cells (EAV does not say whether the form
    was filled in).
    """
    for col in list(export.header):
        f = d.fields.get(col)
        if f is None or f.type != "checkbox" or not f.choices:
            continue
        at = export.header.index(col)
        names = [f"{col}___{re.sub(r'[^a-z0-9_]', '_', code.strip().lower())}" for code in f.choices]
        export.header[at : at + 1] = names
        for row in export.rows:
            raw = row.pop(col, "")
            ticked = {f.choice_for(v) or v for v in raw.split("|") if v.strip()} if raw else set()
            for code, name in zip(f.choices, names, strict=True):
                row[name] = ("1" if code in ticked else "0") if ticked else ""
            extras = sorted(ticked - set(f.choices))
            if extras:  # not choices: kept in the field's column (all of them), reported as bad
                row[col] = "|".join(extras)
        if any(col in row for row in export.rows):
            export.header.insert(at, col)


def confined(base: Path, relative: str, mapping_path: str) -> Path:
    """``base / relative`` when it stays inside ``base``'s directory tree (symlinks resolved), else ``InputError``.

    A mapping names its dictionary relative to itself; an absolute path, ``../`` or a symlink out of the folder
    would let a shared mapping read any file the user can (``/etc/shadow`` as root). A file elsewhere is still
    allowed when the user names it: ``-O dictionary=PATH`` (or ``dictionary=`` in the API).
    """
    target = base / relative
    try:
        inside = os.path.realpath(target).startswith(os.path.join(os.path.realpath(base), ""))
    except (OSError, ValueError):
        inside = False
    if not inside:
        raise InputError(
            f"redcap.dictionary {relative!r} is outside the mapping's folder; phenotk reads only files under it "
            "from a mapping (name a file elsewhere with -O dictionary=PATH)",
            path=mapping_path,
        )
    return target


def find_dictionary(export: Path) -> Path | None:
    """The one data dictionary file next to ``export`` (by REDCap's usual names), or None."""
    found: list[Path] = []
    for pattern in _DICTIONARY_GLOBS:
        for p in sorted(export.parent.glob(pattern)):
            if p != export and p not in found:
                found.append(p)
    return found[0] if len(found) == 1 else None


#: The time of a REDCap datetime: ``HH:MM`` (datetime_*) or ``HH:MM:SS`` (datetime_seconds_*).
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\Z")


@functools.lru_cache(maxsize=65536)
def _iso_date(value: str, validation: str) -> str | None:
    """A REDCap date/datetime → ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM:SS``; None when it is not one.

    REDCap writes datetimes without seconds (``2020-10-05 10:00``); the seconds are added (``:00``) so the sheet
    layer reads the value (it knows ``T%H:%M:%S`` only). A time that is not a time of day is no date.
    """
    order = next((k for k in ("ymd", "dmy", "mdy") if k in validation), "ymd")
    date_part, _, time_part = value.strip().partition(" ")
    if not time_part and "T" in date_part:
        date_part, _, time_part = date_part.partition("T")
    clock = ""
    if time_part:
        m = _TIME.match(time_part.strip())
        if m is None or int(m[1]) > 23 or int(m[2]) > 59 or int(m[3] or 0) > 59:
            return None
        clock = f"T{int(m[1]):02d}:{m[2]}:{m[3] or '00'}"
    for key in (order, "ymd"):
        for fmt in _DATE_FORMATS[key]:
            try:
                d = dt.datetime.strptime(date_part, fmt).date()
            except ValueError:
                continue
            return d.isoformat() + clock
    return None


class _Pipeline:
    def __init__(self, export: Export, mapping: TableMapping, settings: RedcapSettings,
                 dictionary: DataDictionary | None, severity: Severity) -> None:
        self.x = export
        self.m = mapping
        self.s = settings
        self.d = dictionary
        self.sev = severity
        self.issues: list[Issue] = []
        self.info: dict[int, RowInfo] = {}
        h = export.header
        self.rid = settings.record_id or ("record_id" if "record_id" in h else h[0])
        if self.rid not in h:
            raise InputError(f"the record id field {self.rid!r} (mapping redcap.record_id) is not in the export; "
                             f"columns: {', '.join(h[:8])}", path=export.path)
        self.columns: dict[str, tuple[Field | None, str | None]] = {}
        self.system: list[str] = [c for c in h if c in SYSTEM_COLUMNS]
        self.unticked_blank: set[str] = set()  # checkbox columns whose 0 means "not recorded"

    # ------------------------------------------------------------------ columns
    def plan(self) -> None:
        d, x = self.d, self.x
        forms = set(d.forms) if d else set()
        nonempty = {c for r in x.rows for c, v in r.items() if v and not v.isspace()}
        known = 0
        # without a dictionary, REDCap's own naming tells a checkbox's options: field___code, two or more per field
        bases = Counter(c.partition("___")[0] for c in x.header if "___" in c) if d is None else Counter()
        for col in x.header:
            if col in self.system or col == self.rid:
                continue
            if col.endswith("_complete") and (not d or col[: -len("_complete")] in forms):
                self.system.append(col)  # form status (0/1/2), not data
                continue
            if col.endswith("_timestamp") and d and col[: -len("_timestamp")] in forms:
                self.system.append(col)
                continue
            if d is None:
                stem, _, option = col.partition("___")
                self.columns[col] = (None, option if option and bases[stem] >= 2 else None)
                continue
            known += self.plan_column(d, col, col in nonempty)
        if d is not None and self.columns and known == 0:
            raise InputError(
                f"none of the export's {len(self.columns)} fields is in the data dictionary {d.path} "
                f"(e.g. {', '.join(list(self.columns)[:4])}); is it the dictionary of another project?",
                path=x.path)
        self.plan_checkboxes()

    def plan_column(self, d: DataDictionary, col: str, filled: bool) -> bool:
        """Place one export column with the dictionary; True when the dictionary knows it (else a finding)."""
        f, code = d.resolve_column(col)
        self.columns[col] = (f, code)
        if f is not None:
            return True
        base = col.partition("___")[0]
        why = (f"checkbox {base!r} has no choice for this column" if "___" in col and base in d.fields
               else "the data dictionary does not define it")
        self.issues.append(finding(
            UNKNOWN_FIELD,
            f"export column {col!r}: {why}; its values are read as plain text" + ("" if filled else " (it is empty)"),
            self.sev if filled else Severity.INFO, field=col, reason="not in dictionary"))
        return False

    def plan_checkboxes(self) -> None:
        """Which checkbox columns read 0 as "not recorded" (all that the mapping reads, unless it says otherwise).

        REDCap exports 0 for every unticked box, also on forms never filled in, so 0 is no answer unless the
        entry that reads the column says what 0 means: a ``values`` map with a ``"0"`` key, or (wide phenotype
        columns) a ``values`` vocabulary listing 0. A wide mapping that lists no ``excluded`` words of its own
        relied on the old default (0 = excluded): one warning per run says the default changed.
        """
        boxes = [c for c, (_f, option) in self.columns.items() if option is not None]
        if not boxes:
            return
        if self.d is None:
            shown = ", ".join(boxes[:4]) + (" …" if len(boxes) > 4 else "")
            self.issues.append(finding(
                DICTIONARY_MISSING,
                f"without a data dictionary, {len(boxes)} column(s) named field___code ({shown}) are read as "
                "checkbox options by REDCap's naming: an unticked box (0) is 'not recorded' unless the mapping "
                "says 0 is excluded", Severity.INFO, field=boxes[0], reason="checkboxes by name"))
        reading = _CheckboxReading(self.m)
        relied: list[str] = []
        for col in boxes:
            kind = reading.of(col)
            if kind in ("blank", "relied"):
                self.unticked_blank.add(col)
            if kind == "relied":
                relied.append(col)
        if relied:
            shown = ", ".join(relied[:4]) + (" …" if len(relied) > 4 else "")
            self.issues.append(finding(
                CHECKBOX_DEFAULT_CHANGED,
                f"the mapping reads {len(relied)} checkbox option(s) as phenotypes ({shown}) without its own "
                "excluded words: an unticked box (0) is now 'not recorded', no longer an excluded phenotype "
                "(REDCap exports 0 also for forms never filled in). To read 0 as excluded as before, add "
                "'values: {excluded: [0, \"no\"]}' under phenotypes.wide; to keep the new reading, list excluded "
                "words without 0 there", Severity.WARNING, field=relied[0], reason="checkbox default changed"))

    # ------------------------------------------------------------------ cells
    def display(self, f: Field, code: str) -> str:
        if self.s.choices == "code" or f.name in self.s.choice_codes:
            return code
        return f.choices.get(code, code)

    def cell(self, col: str, value: str, ctx: dict[str, Any]) -> str:
        f, option = self.columns.get(col, (None, None))
        v = value.strip()
        if not v:
            return ""
        if f is None:
            if self.decimal_comma and _NUMBER_COMMA.match(v):
                return v.replace(",", ".")
            return value
        if option is not None:  # checkbox column
            low = v.lower()
            if low in ("1", "checked", "true", "yes") or low == f.choices.get(option, "\0").lower():
                return "1"
            if low in ("0", "unchecked", "false", "no"):
                return "0"
            self.bad(col, v, f"checkbox {f.name!r} option {option!r}: {v!r} is not 1/0 (Checked/Unchecked)", ctx)
            return ""
        if f.coded:
            code = f.choice_for(v)
            if code is None:
                shown = ", ".join(f"{c} = {lab}" for c, lab in list(f.choices.items())[:6])
                self.bad(col, v, f"{v!r} is not a choice of {f.type} field {f.name!r} ({shown}"
                         f"{', …' if len(f.choices) > 6 else ''}); value not used", ctx)
                return ""
            return self.display(f, code)
        val = f.validation
        if val.startswith(("date", "datetime")):
            iso = _iso_date(v, val)
            if iso is None:
                self.bad(col, v, f"{v!r} in {f.name!r} is not a date ({val}); value not used", ctx)
                return ""
            return iso
        if val.startswith(("number", "integer")) or f.type in ("calc", "slider"):
            num = v.replace(",", ".") if (_NUMBER_COMMA.match(v) and (self.decimal_comma or "comma" in val)) else v
            if not _NUMBER.match(num):
                if not val:  # calc fields may hold text
                    return value
                self.bad(col, v, f"{v!r} in {f.name!r} is not a number ({val}); value not used", ctx)
                return ""
            if val.startswith("integer") and not re.fullmatch(r"-?\d+", num):
                self.bad(col, v, f"{v!r} in {f.name!r} is not an integer; value not used", ctx)
                return ""
            return num
        return value

    def bad(self, col: str, value: str, message: str, ctx: dict[str, Any]) -> None:
        f = self.columns.get(col, (None, None))[0]
        if f is not None and f.form and not ctx.get("instrument"):
            ctx = {**ctx, "instrument": f.form}
        self.issues.append(finding(BAD_VALUE, message, self.sev, field=col, value=value,
                                   reason="bad value", **ctx))

    # ------------------------------------------------------------------ rows
    def rows(self) -> tuple[list[str], list[list[str]], list[int]]:
        x = self.x
        self.decimal_comma = self.s.decimal_comma if self.s.decimal_comma is not None else x.delimiter == ";"
        slots: dict[tuple[str, str, str, str], int] = {}
        out: list[dict[str, str]] = []
        numbers: list[int] = []
        for number, rec in zip(x.numbers, x.rows, strict=True):
            record = rec.get(self.rid, "").strip()
            event = rec.get("redcap_event_name", "").strip()
            instrument = rec.get("redcap_repeat_instrument", "").strip()
            instance = rec.get("redcap_repeat_instance", "").strip()
            ctx = {"record": record, "event": event, "instrument": instrument, "instance": instance, "row": number}
            cols = self.columns
            twice = self.repeated(number, rec, ctx)
            new = {col: (self.cell(col, val, ctx) if val and col in cols and col not in twice else
                         "" if col in twice else val) for col, val in rec.items()}
            key = (record, event, instrument, instance)
            if record and key in slots:
                slots[key] += 1
                renamed = f"{record}_{slots[key]}"
                self.issues.append(finding(
                    DUPLICATE_RECORD,
                    f"row {number} is a second row for record {record!r}"
                    + (f" event {event!r}" if event else "") + (f" {instrument} #{instance}" if instrument else "")
                    + f"; kept apart as record {renamed!r}", self.sev, field=self.rid, value=record,
                    reason="duplicate record", **{k: v for k, v in ctx.items() if k != "record"}, record=record))
                new[self.rid] = record = renamed
            else:
                slots[key] = 1
            self.info[number] = RowInfo(record, event, instrument, instance, number)
            out.append(new)
            numbers.append(number)
        self.fill_ids(out)
        self.carry(out)
        self.untick(out, numbers)
        header = list(x.header)
        extra_cols, virtual = self.unfold(out, numbers)
        header += extra_cols
        rows = [[r.get(h, "") for h in header] for r in out]
        for number, r in virtual:
            rows.append([r.get(h, "") for h in header])
            numbers.append(number)
        self.extra_columns = extra_cols
        return header, rows, numbers

    def repeated(self, number: int, rec: dict[str, str], ctx: dict[str, Any]) -> set[str]:
        """Fields an EAV export lists more than once for this row (not checkboxes): reported, their value not used."""
        names = (self.x.repeated or {}).get(number)
        if not names or self.d is None:
            return set()
        out = set()
        for name in sorted(names):
            f = self.d.fields.get(name)
            if f is not None and f.type == "checkbox":
                continue  # one row per ticked code: unfolded already
            values = rec.get(name, "").split("|")
            self.bad(name, rec.get(name, ""), f"{name!r} is given {len(values)} times for this record "
                     f"({', '.join(repr(v) for v in values[:4])}); value not used", ctx)
            out.add(name)
        return out

    def untick(self, rows: list[dict[str, str]], numbers: list[int]) -> None:
        """Blank the 0 of checkbox columns whose 0 means "not recorded"; count those on filled-in forms.

        After ``carry``, so a follow-up event's own 0 is not replaced by a baseline tick. A form whose
        ``<form>_complete`` is 1 (Unverified) or 2 (Complete), or those labels, was filled in: its unticked boxes
        are counted in one finding per record and event. An incomplete (0) or absent status says nothing was
        entered: silent.
        """
        if not self.unticked_blank:
            return
        cols = [c for c in self.x.header if c in self.unticked_blank]
        counted: dict[tuple[str, str], list[str]] = {}
        first_row: dict[tuple[str, str], int] = {}
        for number, r in zip(numbers, rows, strict=True):
            info = self.info[number]
            for col in cols:
                if r.get(col) != "0":
                    continue
                r[col] = ""
                f, option = self.columns[col]
                if f is None or r.get(f"{f.form}_complete", "").strip().lower() not in _FILLED_IN:
                    continue
                key = (info.record, info.event)
                first_row.setdefault(key, number)
                counted.setdefault(key, []).append(f"{f.name}: {f.choices.get(option or '', option)}")
        for (record, event), boxes in counted.items():
            shown = "; ".join(list(dict.fromkeys(boxes))[:6]) + (" …" if len(set(boxes)) > 6 else "")
            self.issues.append(finding(
                CHECKBOX_UNTICKED,
                f"record {record!r}" + (f" event {event!r}" if event else "")
                + f": {len(boxes)} unticked checkbox option(s) on filled-in forms were not written ({shown}); an "
                "unticked box means 'not recorded' unless the mapping says 0 is excluded "
                "(phenotypes.wide values: {excluded: [0]})",
                Severity.INFO, record=record, event=event, row=first_row[(record, event)], value=str(len(boxes)),
                reason="unticked checkbox"))

    def fill_ids(self, rows: list[dict[str, str]]) -> None:
        """Give every row of a record the record's packet/subject id cells (e.g. a pseudonym field).

        Repeating-instrument and event rows hold only the record id; the cells come from the record's first row
        that has them.
        """
        cols = [c for c in dict.fromkeys([*self.m.packet_id.columns(), *self.m.subject["id"].columns()])
                if c != self.rid and c in self.x.header]
        if not cols:
            return
        first: dict[tuple[str, str], str] = {}
        for r in rows:
            for c in cols:
                if r.get(c, "").strip():
                    first.setdefault((r.get(self.rid, ""), c), r[c])
        for r in rows:
            for c in cols:
                if not r.get(c, "").strip():
                    r[c] = first.get((r.get(self.rid, ""), c), "")

    def carry(self, rows: list[dict[str, str]]) -> None:
        if not self.s.carry:
            return
        cols: list[str] = []
        for name in self.s.carry:
            if name in self.x.header:
                cols.append(name)
            elif self.d is not None and name in self.d.forms:
                for fname in self.d.form_fields(name):
                    cols += [c for c in self.x.header if c == fname or c.startswith(fname + "___")]
            else:
                self.issues.append(finding(UNKNOWN_CARRY,
                                           f"redcap.carry names {name!r}, which is neither an export field nor an "
                                           "instrument of the dictionary", self.sev, field=name,
                                           reason="unknown carry name"))
        by_record: dict[str, list[dict[str, str]]] = {}
        for r in rows:
            if not r.get("redcap_repeat_instrument", "").strip():
                by_record.setdefault(r.get(self.rid, ""), []).append(r)
        for group in by_record.values():
            for col in cols:
                first = next((r[col] for r in group if r.get(col, "").strip()), "")
                if first:
                    for r in group:
                        if not r.get(col, "").strip():
                            r[col] = first

    def unfold(self, rows: list[dict[str, str]],
               numbers: list[int]) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
        long = self.m.long or {}
        patterns = sorted({c for spec in long.values() for c in spec.columns() if "{n}" in c})
        if not patterns:
            return [], []
        keep = list(dict.fromkeys([self.rid, *self.m.packet_id.columns(), *self.m.subject["id"].columns()]))
        virtual: list[tuple[int, dict[str, str]]] = []
        header = set(self.x.header)
        ns = sorted({int(m.group(1)) for p in patterns for h in header
                     for m in [re.fullmatch(re.escape(p).replace(re.escape("{n}"), r"(\d+)"), h)] if m})
        next_number = _VIRTUAL
        for number, r in zip(numbers, rows, strict=True):
            for n in ns:
                cells = {p: r.get(p.replace("{n}", str(n)), "") for p in patterns}
                if not any(v.strip() for v in cells.values()):
                    continue
                v = {k: r.get(k, "") for k in keep}
                v.update(cells)
                base = self.info[number]
                self.info[next_number] = RowInfo(base.record, base.event, base.instrument, base.instance, number, n)
                virtual.append((next_number, v))
                next_number += 1
        return patterns, virtual

    # ------------------------------------------------------------------ mapping
    def table_mapping(self) -> TableMapping:
        data = copy.deepcopy(self.m.data)
        data.pop("redcap", None)
        data.setdefault("input", {})["rows"] = "many"
        data["ignore_columns"] = list(dict.fromkeys([*data.get("ignore_columns", []), *self.system,
                                                     *self.extra_columns]))
        if self.d is not None:
            for spec in _specs(data):
                self._alias(spec)
            long = data.get("phenotypes", {}).get("long")
            if isinstance(long, dict) and "status" in long:
                status = long["status"]
                col = status if isinstance(status, str) else status.get("column")
                f = self.d.resolve_column(col)[0] if col else None
                for vocab in (long.get("values"), data.get("phenotypes", {}).get("values")):
                    if f is not None and f.coded and isinstance(vocab, dict):
                        for key in ("observed", "excluded", "unknown"):
                            words = list(vocab.get(key, []))
                            for w in list(words):
                                code = f.choice_for(str(w))
                                if code is not None:
                                    words += [code, f.choices[code]]
                            if key in vocab:
                                vocab[key] = list(dict.fromkeys(words))
        return TableMapping(data, self.m.path, self.m.source_map)

    def _alias(self, spec: dict[str, Any]) -> None:
        col, values = spec.get("column"), spec.get("values")
        if not col or not isinstance(values, dict) or self.d is None:
            return
        f = self.d.resolve_column(col)[0]
        if f is None or not f.coded:
            return
        for key, target in list(values.items()):
            code = f.choice_for(str(key))
            if code is None:
                continue
            for alias in (code, f.choices[code]):
                if not any(str(k).lower() == alias.lower() for k in values):
                    values[alias] = target

    # ------------------------------------------------------------------ findings
    def _row_text(self, match: re.Match[str]) -> str:
        info = self.info.get(int(match.group(1)))
        return match.group(0) if info is None else f"row {info.number} (group {info.n})"

    def recontext(self, issue: Issue) -> Issue:
        ctx = dict(issue.context)
        row = ctx.get("row")
        info = self.info.get(row) if isinstance(row, int) else None
        col = ctx.get("column")
        if info is not None:
            ctx["row"] = info.number
            for key in ("record", "event", "instrument", "instance"):
                val = getattr(info, key)
                if val:
                    ctx[key] = val
            if info.n is not None and isinstance(col, str) and "{n}" in col:
                col = col.replace("{n}", str(info.n))
        if isinstance(col, str) and col:
            ctx.pop("column", None)
            ctx["field"] = col
            f = self.columns.get(col, (None, None))[0]
            if f is not None and f.form and "instrument" not in ctx:
                ctx["instrument"] = f.form
        renamed = RENAMED.get(issue.rule)
        rule, code = (renamed.name, renamed.code) if renamed is not None else (issue.rule, issue.code)
        message = _VIRTUAL_ROW.sub(self._row_text, issue.message)
        if renamed is not None and message.startswith("column "):
            message = "field " + message[len("column "):]
        return Issue(code, rule, issue.severity, message, issue.pointer, issue.line, issue.column, issue.fix, ctx)


class _CheckboxReading:
    """What a mapping says a checkbox column's 0 means (see :meth:`_Pipeline.plan_checkboxes`)."""

    def __init__(self, m: TableMapping) -> None:
        self.m = m
        self.plain, self.patterns = m.referenced_columns()
        self.ignored = set(m.ignore_columns)
        self.read_by: dict[str, list[Any]] = {}
        for spec in m.all_specs():
            for col in spec.columns():
                self.read_by.setdefault(col, []).append(spec)
        ph = m.data.get("phenotypes") or {}
        layers = [ph.get("values") or {}, (ph.get("wide") or {}).get("values") or {}]
        self.wide_zero = any(_says_zero(words) for layer in layers for words in layer.values())
        self.wide_excluded = any("excluded" in layer for layer in layers)

    def of(self, col: str) -> str:
        """How ``col``'s 0 is read: ``keep``, ``blank`` (not recorded) or ``relied`` (blank; old default used).

        ``keep``: the entry that reads the column says what 0 means, or no entry reads it. ``relied``: a wide
        phenotype column under a mapping without excluded words of its own (it relied on 0 = excluded).
        """
        if col in self.ignored:
            return "keep"
        if col in self.plain or any(fnmatch.fnmatchcase(col, p.replace("{n}", "*")) for p in self.patterns):
            said = any(_says_zero(list(spec.values or {})) for spec in self.read_by.get(col, []))
            return "keep" if said else "blank"
        wide = self.m.wide_columns
        if not (wide == "auto" or (isinstance(wide, list) and any(fnmatch.fnmatchcase(col, p) for p in wide))):
            return "keep"
        if self.wide_zero:
            return "keep"
        return "blank" if self.wide_excluded else "relied"


def _says_zero(words: Any) -> bool:
    """True when a vocabulary word list or a value map's keys name a checkbox's 0 (``0``, ``"0"``, unchecked)."""
    return isinstance(words, list) and any(str(w).strip().lower() in ("0", "unchecked") for w in words)


def _rename(export: Export, names: dict[str, str]) -> None:
    """Rename the export's columns (label headers → field names); unmatched headers stay as they are."""
    new = [names.get(h, h) for h in export.header]
    old = list(export.header)
    export.header = new
    export.rows = [{n: r.get(o, "") for o, n in zip(old, new, strict=True)} for r in export.rows]
    export.duplicate_headers = [h for h in export.duplicate_headers or [] if h not in names]


def _specs(data: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def add(value: Any) -> None:
        if isinstance(value, dict) and "column" in value:
            out.append(value)

    add(data.get("id"))
    for v in (data.get("subject") or {}).values():
        add(v)
    for key in ("diseases", "variants", "references"):
        blocks = data.get(key)
        for block in blocks if isinstance(blocks, list) else [blocks] if blocks else []:
            for v in block.values():
                add(v)
    long = (data.get("phenotypes") or {}).get("long") or {}
    for k, v in long.items():
        if k != "values":
            add(v)
    return out


def convert_export(
    path: str | Path,
    mapping: str | Path | TableMapping | dict[str, Any],
    *,
    dictionary: str | Path | DataDictionary | None = None,
    ontology: Any = None,
    strict: bool = False,
    created: str | None = None,
    created_by: str = "phenotk",
    annotations: str | Path | None = None,
) -> RedcapConversion:
    """Convert a REDCap export (CSV or JSON) under a mapping (``annotations``: phenotype.hpoa for disease labels).

    The data dictionary is the argument, else the mapping's ``redcap.dictionary`` (relative to the mapping file),
    else the one file next to the export named like a dictionary; without one, codes stay codes (info finding).
    """
    from phenotk.conversion.table import Sheet, build_packets

    sev = Severity.ERROR if strict else Severity.WARNING
    m = load_mapping(mapping)
    settings = RedcapSettings.from_mapping(m)
    issues: list[Issue] = []
    d = _dictionary(path, dictionary, m, settings, sev, issues)
    if d is None:
        issues.append(finding(DICTIONARY_MISSING,
                              "no data dictionary (mapping redcap.dictionary, -O dictionary=PATH, or a "
                              "*DataDictionary*.csv next to the export): choice codes are kept as they are and "
                              "values are not checked", Severity.INFO))
    else:
        issues += d.issues
    export = read_export(path, delimiter=m.delimiter, encoding=m.encoding, record_field=settings.record_id)
    if d is not None:
        renamed = label_headers(export.header, d)
        if renamed is not None:
            _rename(export, renamed)
            issues.append(finding(LABEL_HEADERS,
                                  f"the export has field labels as headers (REDCap 'CSV labels'); matched "
                                  f"{len(renamed)} of {len(export.header)} to fields in dictionary order",
                                  Severity.INFO, reason="label headers"))
    if d is not None and export.kind == "json-eav":
        _unfold_eav_checkboxes(export, d)
    pipe = _Pipeline(export, m, settings, d, sev)
    pipe.plan()
    header, rows, numbers = pipe.rows()
    tm = pipe.table_mapping()
    sheet = Sheet(Path(export.path).name, header, rows, numbers, export.path,
                  duplicate_headers=list(export.duplicate_headers or []), delimiter=export.delimiter,
                  mixed_rows=list(export.mixed_rows or []),  # rows in another encoding are named, as for a sheet
                  stray_cells=list(export.stray_cells or []))  # so are cells beyond the header
    result = build_packets(
        sheet, tm, ontology=ontology, strict=strict, created=created, created_by=created_by, annotations=annotations
    )
    issues += pipe.issues
    issues += [pipe.recontext(i) for i in result.issues]
    items: list[RedcapItem] = []
    owner: dict[tuple[str, str], int] = {}  # (record, event) and (record, "") → the first item made from it
    for item in result.items:
        src = item.source
        first = pipe.info.get(int(src.rsplit("row ", 1)[-1].split("-")[0])) if "row " in src else None
        if first is not None:
            src = f"{export.path}:record {first.record}"
            owner.setdefault((first.record, first.event), len(items))
            owner.setdefault((first.record, ""), len(items))
        items.append(RedcapItem(item.packet, src, [pipe.recontext(i) for i in item.issues]))
    return RedcapConversion(items, _to_records(issues, items, owner), d)


def _dictionary(
    path: str | Path,
    dictionary: str | Path | DataDictionary | None,
    m: TableMapping,
    settings: RedcapSettings,
    sev: Severity,
    issues: list[Issue],
) -> DataDictionary | None:
    """The data dictionary: the argument, the mapping's ``redcap.dictionary``, or the one next to the export."""
    if isinstance(dictionary, DataDictionary):
        return dictionary
    dpath: Path | None = Path(dictionary) if dictionary is not None else None
    if dpath is None and settings.dictionary:
        base = Path(m.path).parent if m.path and not m.path.startswith("<") else Path.cwd()
        dpath = confined(base, settings.dictionary, m.path or "<mapping>")
    if dpath is None:
        dpath = find_dictionary(Path(path))
        if dpath is not None:
            issues.append(finding(DICTIONARY_USED,
                                  f"using the data dictionary {dpath.name} found next to the export "
                                  "(set redcap.dictionary or -O dictionary=PATH to choose another)",
                                  Severity.INFO, dictionary=str(dpath)))  # fmt: skip
    return load_dictionary(dpath, severity=sev) if dpath is not None else None


def _to_records(issues: list[Issue], items: list[RedcapItem], owner: dict[tuple[str, str], int]) -> list[Issue]:
    """Export-level findings that name a record (and event) go with that record's packet; the others are kept.

    A value finding of one record belongs with that record's packet, not with the first packet of the export.
    """
    kept: list[Issue] = []
    for issue in issues:
        record, event = str(issue.context.get("record", "")), str(issue.context.get("event", ""))
        at = owner.get((record, event), owner.get((record, ""))) if record else None
        if at is None:
            kept.append(issue)
        else:
            items[at].issues.insert(0, issue)
    return kept
