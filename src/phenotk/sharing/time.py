"""Time under de-identification: per-subject date shifts, timestamps as ages, ages of 90 and over.

Timestamps are read with the validator's RFC 3339 parser and durations with :mod:`phenotk.model.durations`
(one parser each in the project); nothing here parses dates by itself.
"""

from __future__ import annotations

import datetime as _dt

from phenotk.model.durations import duration_days
from phenotk.validation.helpers import TIMESTAMP, parse_timestamp

#: Safe Harbor: ages over 89 are aggregated into one category "90 or older"
AGE_CAP_YEARS = 90
AGE_CAP = f"P{AGE_CAP_YEARS}Y"
CAP_DAYS = AGE_CAP_YEARS * 365.25
_CAP_DAYS = CAP_DAYS


def parse(value: object) -> _dt.datetime | None:
    """An RFC 3339 timestamp as a datetime (None when it is not one)."""
    return parse_timestamp(value) if isinstance(value, str) else None


def shift(value: str, days: int) -> str | None:
    """``value`` moved back ``days`` days, written in the same shape (fraction and zone kept); None if unreadable."""
    dt = parse(value)
    m = TIMESTAMP.match(value)
    if dt is None or m is None:
        return None
    try:
        new = dt - _dt.timedelta(days=days)
    except OverflowError:
        return None
    frac, zone = m.group(7) or "", m.group(8)
    return f"{new.year:04d}-{new.month:02d}-{new.day:02d}T{new.hour:02d}:{new.minute:02d}:{new.second:02d}{frac}{zone}"


def age_at(birth: _dt.datetime, when: _dt.datetime) -> str | None:
    """The exact age at ``when`` as an ISO 8601 duration in days (and hours/minutes/seconds if any).

    Days, not years and months, so that the interval between any two ages equals the interval between the
    timestamps they replace. None before birth (an age cannot be negative; such a timestamp is shifted instead).
    """
    delta = when - birth
    if delta < _dt.timedelta(0):
        return None
    seconds = delta.seconds
    text = f"P{delta.days}D"
    if seconds or delta.microseconds:
        h, rest = divmod(seconds, 3600)
        mi, s = divmod(rest, 60)
        sec = f"{s}.{delta.microseconds:06d}".rstrip("0").rstrip(".") if delta.microseconds else str(s)
        text += f"T{h}H{mi}M{sec}S"
    return text


def year_start(value: _dt.datetime) -> str:
    """1 January of the timestamp's year, midnight UTC (a date of birth reduced to its year)."""
    return f"{value.year:04d}-01-01T00:00:00Z"


def is_over_cap(duration: str) -> bool:
    """True for an ISO 8601 age of 90 years or more (Safe Harbor aggregates these)."""
    days = duration_days(duration) if isinstance(duration, str) else None
    return days is not None and days >= _CAP_DAYS


def age_days(duration: object) -> float | None:
    """Days of an ISO 8601 age, also when written in lower case or with spaces (``p 95y``); None if unreadable."""
    if not isinstance(duration, str):
        return None
    days = duration_days(duration)
    if days is None:
        days = duration_days("".join(duration.split()).upper())
    return days
