"""ISO 8601 durations as numbers (ages, onsets): shared by validation rules and cohort summaries."""

from __future__ import annotations

import functools
import re

DURATION = re.compile(
    r"^P(?!$)(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?=\d)(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$"
)
_UNIT_DAYS = (365.25, 30.4375, 7.0, 1.0, 1 / 24, 1 / 1440, 1 / 86400)


@functools.lru_cache(maxsize=4096)
def duration_days(value: str) -> float | None:
    """Length of an ISO 8601 duration in days (years = 365.25 d, months = 30.44 d); None if malformed."""
    m = DURATION.match(value)
    if m is None:
        return None
    total = 0.0
    for part, unit in zip(m.groups(), _UNIT_DAYS, strict=True):
        if part:
            total += float(part.replace(",", ".")) * unit
    return total
