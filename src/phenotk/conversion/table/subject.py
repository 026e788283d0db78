"""The subject of a packet: id, sex, date of birth, age at last encounter, vital status."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from phenopackets import Individual, Sex, TimeElement, VitalStatus

from phenotk.issue import Issue
from phenotk.mapping.model import DEFAULT_SEX_MAP, DEFAULT_VITAL_MAP, SEX_VALUES, VITAL_VALUES, ValueSpec
from phenotk.model.durations import duration_days

from .findings import finding
from .values import DATE_EXPECTED, date_parser, enum_parser, read_time, read_value

if TYPE_CHECKING:  # pragma: no cover
    from .build import PacketRows, _Builder

#: Sex as clinics also write it: the symbols and the abbreviations with their dot ("m.", "männl.", "weibl.")
_SEX_WORDS: dict[str, str | None] = {
    **DEFAULT_SEX_MAP, "masc": "MALE", "männl": "MALE", "maennl": "MALE",
    "fem": "FEMALE", "weibl": "FEMALE",
}
_sex_word = enum_parser(_SEX_WORDS, SEX_VALUES)


def _serial_hint(raw: str) -> str:
    """A hint for a date cell holding an Excel date number (44262: the date lost its format in a CSV export)."""
    text = raw.strip()
    if not (text.isdigit() and 15000 <= int(text) <= 73000):  # 1941 … 2099
        return ""
    shown = (dt.date(1899, 12, 30) + dt.timedelta(days=int(text))).isoformat()
    return (f" (it looks like a spreadsheet's date number — {text} is {shown} in Excel's 1900 system — that lost "
            "its date format; it is not converted on a guess: format the column as a date and export again)")


def _sex(text: str) -> str | None:
    """A sex cell: the built-in words, also written with a final dot (``m.``, ``F.``, ``weibl.``)."""
    s = text.strip()
    return _sex_word(s[:-1] if len(s) > 1 and s.endswith(".") else s)


_VITAL = enum_parser(DEFAULT_VITAL_MAP, VITAL_VALUES)
_SEX_EXPECTED = f"a sex ({', '.join(SEX_VALUES)} or m/f/u)"
_VITAL_EXPECTED = f"a vital status ({', '.join(VITAL_VALUES)}, dead/alive, yes/no)"


def build_subject(
    b: _Builder, group: PacketRows, sid: str, issues: list[Issue], into: Individual | None = None
) -> tuple[Individual, bool]:
    """(the subject, True when the sheet stated UNKNOWN_SEX — proto3 cannot tell that from "not stated").

    ``into``: the (empty) message to fill — a packet's own ``subject``, set even when nothing is stated — instead
    of a new one (no copy into the packet).
    """
    sub = b.m.subject
    if into is None:
        subject = Individual(id=sid)
    else:
        subject = into
        subject.SetInParent()
        subject.id = sid
    first_row = group.rows[0][0]
    unknown_sex = False
    if "sex" in sub:
        raw, row = b.single(group, sub["sex"], issues, "sex")
        if raw or sub["sex"].default is not None:
            value = read_value(b, sub["sex"], raw, _sex, issues, row or first_row, "sex",
                               _SEX_EXPECTED)
            if value:
                subject.sex = Sex.Value(value)
                unknown_sex = value == "UNKNOWN_SEX"
    if "date_of_birth" in sub:
        raw, row = b.single(group, sub["date_of_birth"], issues, "date of birth")
        if raw:
            ts = read_value(b, sub["date_of_birth"], raw, date_parser(sub["date_of_birth"]), issues, row,
                            "date of birth", DATE_EXPECTED + _serial_hint(raw))
            if ts is not None:
                subject.date_of_birth.FromDatetime(ts)
    if "age_at_last_encounter" in sub:
        te = _last_encounter(b, group, sub["age_at_last_encounter"], issues)
        if te is not None:
            subject.time_at_last_encounter.CopyFrom(te)
    if "vital_status" in sub:
        raw, row = b.single(group, sub["vital_status"], issues, "vital status")
        if raw:
            value = read_value(b, sub["vital_status"], raw, _VITAL, issues, row, "vital status",
                               _VITAL_EXPECTED)
            if value:
                subject.vital_status.status = VitalStatus.Status.Value(value)
    return subject, unknown_sex


def _last_encounter(b: _Builder, group: PacketRows, spec: ValueSpec, issues: list[Issue]) -> TimeElement | None:
    """The age at the last encounter: in a sheet of one row per visit, the greatest age the rows give.

    Rows of one packet that give different ISO ages (``2y``, ``3y``, ``4 y`` at three visits) keep the greatest —
    the last encounter — and each other age is reported (``map-conflicting-values``: it is not carried). Ages
    that cannot be compared (an onset word, a gestational age, a date) keep the first, as for other fields.
    """
    rows = [(number, raw) for number, rec in group.rows if (raw := spec.raw(rec))]
    if len({raw for _, raw in rows}) <= 1:
        raw, row = b.single(group, spec, issues, "age at last encounter")
        return read_time(b, spec, raw, issues, row, "age at last encounter") if raw else None
    read: dict[str, TimeElement | None] = {}
    for number, raw in rows:
        if raw not in read:
            read[raw] = read_time(b, spec, raw, issues, number, "age at last encounter")
    days = {raw: duration_days(te.age.iso8601duration) if te is not None and te.WhichOneof("element") == "age"
            else None for raw, te in read.items()}
    ages = [(d, raw) for raw, d in days.items() if d is not None]
    if len(ages) != len(days):  # not all comparable ages: the first, the others reported
        raw, _ = b.single(group, spec, [], "age at last encounter")
        first_row = next(number for number, r in rows if r == raw)
        for number, other in rows:
            if other != raw:
                issues.append(finding(
                    "map-conflicting-values", f"age at last encounter is {raw!r} in row {first_row} but {other!r} "
                    f"here; kept {raw!r}", b.sev, sheet=b.sheet.name, row=number, column=spec.column or "",
                    value=other, reason="conflicting values"))
        return read[raw]
    kept = max(ages, key=lambda a: a[0])[1]
    kept_row = next(number for number, r in rows if r == kept)
    for number, other in rows:
        if other != kept and read[other] is not None:
            issues.append(finding(
                "map-conflicting-values", f"age at last encounter is {other!r} here but {kept!r} in row {kept_row}; "
                f"kept the greatest, {kept!r} (the last encounter); {other!r} is not carried", b.sev,
                sheet=b.sheet.name, row=number, column=spec.column or "", value=other, reason="conflicting values"))
    return read[kept]
