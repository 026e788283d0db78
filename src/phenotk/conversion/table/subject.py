"""The subject of a packet: id, sex, date of birth, age at last encounter, vital status."""

from __future__ import annotations

from typing import TYPE_CHECKING

from phenopackets import Individual, Sex, VitalStatus

from phenotk.issue import Issue
from phenotk.mapping.model import DEFAULT_SEX_MAP, DEFAULT_VITAL_MAP, SEX_VALUES, VITAL_VALUES

from .values import DATE_EXPECTED, date_parser, enum_parser, read_time, read_value

if TYPE_CHECKING:  # pragma: no cover
    from .build import PacketRows, _Builder

_SEX = enum_parser(DEFAULT_SEX_MAP, SEX_VALUES)
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
            value = read_value(b, sub["sex"], raw, _SEX, issues, row or first_row, "sex",
                               _SEX_EXPECTED)
            if value:
                subject.sex = Sex.Value(value)
                unknown_sex = value == "UNKNOWN_SEX"
    if "date_of_birth" in sub:
        raw, row = b.single(group, sub["date_of_birth"], issues, "date of birth")
        if raw:
            ts = read_value(b, sub["date_of_birth"], raw, date_parser(sub["date_of_birth"]), issues, row,
                            "date of birth", DATE_EXPECTED)
            if ts is not None:
                subject.date_of_birth.FromDatetime(ts)
    if "age_at_last_encounter" in sub:
        raw, row = b.single(group, sub["age_at_last_encounter"], issues, "age at last encounter")
        if raw:
            te = read_time(b, sub["age_at_last_encounter"], raw, issues, row, "age at last encounter")
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
