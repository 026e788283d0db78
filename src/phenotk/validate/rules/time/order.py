"""TIM003 time-order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from phenotk.issue import Severity
from phenotk.validate.helpers import When, definitely_after, duration_days, parse_timestamp, time_element
from phenotk.validate.rule import Context, Node, Rule, Token, Violation, field_key

#: ages are compared in days with years = 365.25 d and months = 30.44 d; allow for that rounding
TOLERANCE_DAYS = 2.0

#: (list field, per-item time field) pairs of a Phenopacket that must not be after the last encounter
_EVENTS = (
    ("phenotypicFeatures", "onset", "onset"),
    ("diseases", "onset", "onset"),
    ("measurements", "timeObserved", "time_observed"),
    ("biosamples", "timeOfCollection", "time_of_collection"),
)


_key = field_key


class TimeOrder(Rule):
    """Times that contradict each other: onset after resolution or after the last encounter, and the like.

    What it checks
    --------------
    Within each phenopacket: a phenotypic feature's or disease's ``onset`` is not after its
    ``resolution``; onsets, measurement times and biosample collection times are not after the
    subject's ``timeAtLastEncounter`` nor after the time of death; the time of death is not before the
    date of birth. Everywhere: ``AgeRange.start`` ≤ ``end`` and ``TimeInterval.start`` ≤ ``end``.
    Ages, HPO onset classes (e.g. *Juvenile onset* = 5–16 years), gestational ages and timestamps
    (turned into ages when ``dateOfBirth`` is known) are compared; only certain contradictions are
    reported (ranges overlap → no finding; ±2 days for year/month rounding).

    Why
    ---
    These are almost always typing errors (days for years, swapped fields) and they corrupt survival and
    age-of-onset analyses.

    Anti-pattern
    ------------
    ``"onset": {"age": {"iso8601duration": "P12Y"}}`` with
    ``"timeAtLastEncounter": {"age": {"iso8601duration": "P2Y"}}``

    Fixed
    -----
    ``"onset": {"age": {"iso8601duration": "P1Y"}}`` (the age the curator meant)
    """

    code = "TIM003"
    name = "time-order"
    severity = Severity.ERROR
    targets = ("Phenopacket", "AgeRange", "TimeInterval")

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        """Compare the times of one node."""
        if node.type == "AgeRange":
            yield from self._range(node, lambda v: _duration(v), "age range")
        elif node.type == "TimeInterval":
            yield from self._range(node, lambda v: _ts_days(v), "interval")
        else:
            yield from self._phenopacket(node)

    def _range(self, node: Node, conv: Any, what: str) -> Iterator[Violation]:
        start, end = node.value.get("start"), node.value.get("end")
        a, b = conv(start), conv(end)
        if a is not None and b is not None and a > b:
            yield self.violation(f"{what} starts after it ends ({_show(start)} > {_show(end)})", "start")

    def _phenopacket(self, node: Node) -> Iterator[Violation]:
        value = node.value
        subj_key = _key(value, "subject")
        subject = value.get(subj_key) if subj_key else None
        birth = None
        tle: When | None = None
        death: When | None = None
        if isinstance(subject, dict):
            dob_key = _key(subject, "dateOfBirth")
            dob = subject.get(dob_key) if dob_key else None
            birth = parse_timestamp(dob) if isinstance(dob, str) else None
            tle_key = _key(subject, "timeAtLastEncounter")
            tle = time_element(subject.get(tle_key), birth) if tle_key else None
            vs_key = _key(subject, "vitalStatus")
            vs = subject.get(vs_key) if vs_key else None
            if isinstance(vs, dict):
                tod_key = _key(vs, "timeOfDeath")
                death = time_element(vs.get(tod_key), birth) if tod_key else None
                if death is not None and birth is not None and death.hi < -TOLERANCE_DAYS:
                    yield self.violation(
                        f"time of death ({death.text}) is before the date of birth ({dob})",
                        subj_key,  # type: ignore[arg-type]
                        vs_key,  # type: ignore[arg-type]
                        tod_key,  # type: ignore[arg-type]
                    )
        bounded = tle is not None or death is not None
        for list_field, time_field, time_snake in _EVENTS:
            if not bounded and time_field != "onset":
                continue  # no last encounter or death to compare with, and no resolution in these lists
            lkey = _key(value, list_field)
            if lkey is None:
                continue
            items = value[lkey]
            if type(items) is not list:
                continue
            if bounded:
                timed = [
                    (i, item)
                    for i, item in enumerate(items)
                    if type(item) is dict and (time_field in item or time_snake in item)
                ]
            else:  # only onset against resolution can be compared
                timed = [
                    (i, item)
                    for i, item in enumerate(items)
                    if type(item) is dict and "resolution" in item and time_field in item
                ]
            for i, item in timed:
                tkey = time_field if time_field in item else time_snake
                when = time_element(item[tkey], birth)
                if when is None:
                    continue
                path: tuple[Token, ...] = (lkey, i, tkey)
                if time_field == "onset" and "resolution" in item:
                    res = time_element(item["resolution"], birth)
                    if res is not None and definitely_after(when, res, TOLERANCE_DAYS):
                        yield self.violation(f"{time_field} ({when.text}) is after the resolution ({res.text})", *path)
                if tle is not None and definitely_after(when, tle, TOLERANCE_DAYS):
                    yield self.violation(
                        f"{time_field} ({when.text}) is after the subject's time at last encounter ({tle.text})", *path
                    )
                elif death is not None and definitely_after(when, death, TOLERANCE_DAYS):
                    yield self.violation(f"{time_field} ({when.text}) is after the time of death ({death.text})", *path)


def _duration(v: Any) -> float | None:
    if isinstance(v, dict) and isinstance(v.get("iso8601duration"), str):
        return duration_days(v["iso8601duration"])
    return None


def _ts_days(v: Any) -> float | None:
    ts = parse_timestamp(v) if isinstance(v, str) else None
    return ts.timestamp() / 86400.0 if ts else None


def _show(v: Any) -> str:
    if isinstance(v, dict):
        return str(v.get("iso8601duration", v))
    return str(v)
