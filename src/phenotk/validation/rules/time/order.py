"""TIM003 time-order."""

from __future__ import annotations

from typing import Any

from phenotk.issue import Severity
from phenotk.validation.helpers import When, definitely_after, duration_days, parse_timestamp, time_element
from phenotk.validation.rule import Context, Node, Rule, Token, Violation, field_key

#: ages are compared in days with years = 365.25 d and months = 30.44 d; allow for that rounding
TOLERANCE_DAYS = 2.0
#: the longest pregnancy (44 weeks): an event at most this long before the date of birth may be a prenatal one
PREGNANCY_DAYS = 44 * 7.0

#: (list field, its snake_case key or None when it is the same, per-item time field, its snake_case key) of a
#: Phenopacket that must not be after the last encounter; the snake_case keys are spelled out so that no document
#: re-derives them
_EVENTS = (
    ("phenotypicFeatures", "phenotypic_features", "onset", "onset"),
    ("diseases", None, "onset", "onset"),
    ("measurements", None, "timeObserved", "time_observed"),
    ("biosamples", None, "timeOfCollection", "time_of_collection"),
)
#: the lists whose items have an onset and may have a resolution: all there is to compare without a last
#: encounter or a time of death
_ONSETS = tuple(e for e in _EVENTS if e[2] == "onset")


_key = field_key


class TimeOrder(Rule):
    """Times that contradict each other: onset after resolution or after the last encounter, and the like.

    What it checks
    --------------
    Within each phenopacket: a phenotypic feature's or disease's ``onset`` is not after its ``resolution``;
    onsets, measurement times and biosample collection times are not after the subject's ``timeAtLastEncounter``
    nor after the time of death; the time of death is not before the date of birth, nor is any of those event
    times more than a pregnancy (44 weeks) before it. Everywhere: ``AgeRange.start`` ≤ ``end`` and
    ``TimeInterval.start`` ≤ ``end``. Ages, HPO onset classes (e.g. *Juvenile onset* = 5–16 years), gestational
    ages and timestamps (turned into ages when ``dateOfBirth`` is known) are compared; only certain
    contradictions are reported (ranges overlap → no finding; ±2 days for year/month rounding).

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

    def check(self, node: Node, ctx: Context) -> list[Violation]:
        """Compare the times of one node."""
        kind = node[1]  # node.type (tuple access: hot path)
        if kind == "Phenopacket":
            return self._phenopacket(node[0])
        if kind == "AgeRange":
            return self._range(node, _duration, "age range")
        return self._range(node, _ts_days, "interval")

    def _range(self, node: Node, conv: Any, what: str) -> list[Violation]:
        start, end = node.value.get("start"), node.value.get("end")
        a, b = conv(start), conv(end)
        if a is not None and b is not None and a > b:
            return [self.violation(f"{what} starts after it ends ({_show(start)} > {_show(end)})", "start")]
        return []

    def _phenopacket(self, value: dict[str, Any]) -> list[Violation]:
        # a list, not a generator, and field keys inlined: this runs once per phenopacket and usually finds nothing
        found: list[Violation] = []
        subject = value.get("subject")  # the snake_case key is the same
        birth, tle, death = self._subject_times(subject, found) if isinstance(subject, dict) else (None, None, None)
        bounded = tle is not None or death is not None
        # the usual event: no resolution and no death, only the last encounter to compare with (inlined
        # definitely_after: a call less per event)
        plain = tle is not None and death is None
        limit = tle.hi + TOLERANCE_DAYS if tle is not None else 0.0
        for list_field, list_snake, time_field, time_snake in _EVENTS if bounded else _ONSETS:
            # (no last encounter or death to compare with: only the onset lists, whose items may have a resolution)
            if list_field in value:
                lkey = list_field
            elif list_snake is not None and list_snake in value:
                lkey = list_snake
            else:
                continue
            items = value[lkey]
            if type(items) is not list:
                continue
            timed = _timed(items, time_field, time_snake, bounded)
            if timed:
                self._events(found, items, timed, (lkey, time_field, time_snake), birth, tle, death, plain, limit)
        if birth is not None:  # a date of birth (rare): no event long before it
            self._before_birth(found, value, subject, birth)
        return found

    def _before_birth(self, found: list[Violation], value: dict[str, Any], subject: Any, birth: Any) -> None:
        """Events whose time is more than a pregnancy before the subject's date of birth (timestamps, intervals)."""
        dob = subject["dateOfBirth"] if "dateOfBirth" in subject else subject.get("date_of_birth")
        for list_field, list_snake, time_field, time_snake in _EVENTS:
            lkey = list_field if list_field in value else list_snake if list_snake in value else None
            items = value[lkey] if lkey is not None else None
            if type(items) is not list:
                continue
            for i, item in enumerate(items):
                if type(item) is not dict:
                    continue
                tkey = time_field if time_field in item else time_snake
                when = _when(item[tkey], birth) if tkey in item else None
                if when is not None and when.kind == "age" and when.hi < -(PREGNANCY_DAYS + TOLERANCE_DAYS):
                    found.append(
                        self.violation(
                            f"{time_field} ({when.text}) is before the subject's date of birth ({dob}) by more "
                            "than a pregnancy",
                            lkey,  # type: ignore[arg-type]
                            i,
                            tkey,
                        )
                    )

    def _events(
        self,
        found: list[Violation],
        items: list[Any],
        timed: list[dict[str, Any]],
        keys: tuple[str, str, str],
        birth: Any,
        tle: When | None,
        death: When | None,
        plain: bool,
        limit: float,
    ) -> None:
        """The timed items of one list (``keys``: the list's key, the time field and its snake_case key)."""
        lkey, time_field, time_snake = keys
        after = 0  # the timed items come in list order: the index of each is past the one before
        for item in timed:
            tkey = time_field if time_field in item else time_snake
            when = _when(item[tkey], birth)
            if when is None:
                continue
            if plain and "resolution" not in item and not (when.kind == tle.kind and when.lo > limit):  # type: ignore[union-attr]
                continue  # not after the last encounter: nothing to report
            # its index, looked up only now (by identity: an object listed twice is compared at each place)
            i = next(k for k in range(after, len(items)) if items[k] is item)
            after = i + 1
            self._compare(found, when, item, (lkey, i, tkey), time_field, birth, tle, death)

    def _subject_times(self, subject: dict[str, Any], found: list[Violation]) -> tuple[Any, When | None, When | None]:
        """(date of birth, time at last encounter, time of death) of the subject; a death before birth reported."""
        dob = subject["dateOfBirth"] if "dateOfBirth" in subject else subject.get("date_of_birth")
        birth = parse_timestamp(dob) if isinstance(dob, str) else None
        t = (
            subject["timeAtLastEncounter"]
            if "timeAtLastEncounter" in subject
            else subject.get("time_at_last_encounter")
        )
        tle = _when(t, birth) if t is not None else None
        vs_key = _key(subject, "vitalStatus") if "vitalStatus" in subject or "vital_status" in subject else None
        vs = subject.get(vs_key) if vs_key else None
        death = None
        if isinstance(vs, dict):
            tod_key = _key(vs, "timeOfDeath")
            death = time_element(vs.get(tod_key), birth) if tod_key else None
            if death is not None and birth is not None and death.hi < -TOLERANCE_DAYS:
                found.append(
                    self.violation(
                        f"time of death ({death.text}) is before the date of birth ({dob})",
                        "subject",
                        vs_key,  # type: ignore[arg-type]
                        tod_key,  # type: ignore[arg-type]
                    )
                )
        return birth, tle, death

    def _compare(
        self,
        found: list[Violation],
        when: When,
        item: dict[str, Any],
        path: tuple[Token, ...],
        time_field: str,
        birth: Any,
        tle: When | None,
        death: When | None,
    ) -> None:
        """One event time against its resolution, then the last encounter (or else the time of death)."""
        if time_field == "onset" and "resolution" in item:
            res = _when(item["resolution"], birth)
            if res is not None and definitely_after(when, res, TOLERANCE_DAYS):
                found.append(self.violation(f"{time_field} ({when.text}) is after the resolution ({res.text})", *path))
        if tle is not None and definitely_after(when, tle, TOLERANCE_DAYS):
            found.append(
                self.violation(
                    f"{time_field} ({when.text}) is after the subject's time at last encounter ({tle.text})", *path
                )
            )
        elif death is not None and definitely_after(when, death, TOLERANCE_DAYS):
            found.append(self.violation(f"{time_field} ({when.text}) is after the time of death ({death.text})", *path))


def _timed(items: list[Any], time_field: str, time_snake: str, bounded: bool) -> list[dict[str, Any]]:
    """The list's objects that carry the time field (and a resolution, when not ``bounded``), in list order."""
    if not bounded:  # only onset against resolution can be compared
        return [item for item in items if type(item) is dict and "resolution" in item and time_field in item]
    if time_field == time_snake:  # onset: one key to look for, before the type (most items lack it)
        try:
            return [item for item in items if time_field in item and type(item) is dict]
        except TypeError:  # a number or null in the list
            return [item for item in items if type(item) is dict and time_field in item]
    return [item for item in items if type(item) is dict and (time_field in item or time_snake in item)]


#: the usual time elements, ``{"age": {"iso8601duration": …}}`` and ``{"ontologyClass": {"id": …, "label": …}}``,
#: interpreted once per process: (kind, text, label) → what :func:`time_element` makes of it (the same few
#: ages and onset classes recur in every document; the interval is only read, never changed)
_WHEN: dict[tuple[str, Any, Any], When | None] = {}
_MISS = object()


def _when(value: Any, birth: Any) -> When | None:
    """:func:`time_element` of an event's time, from the memo for the two usual shapes (birth plays no part)."""
    if type(value) is dict and len(value) == 1:
        if "age" in value:
            age = value["age"]
            if type(age) is dict and type(text := age.get("iso8601duration")) is str:
                key: tuple[str, Any, Any] = ("age", text, None)
            else:
                return time_element(value, birth)
        elif "ontologyClass" in value:
            oc = value["ontologyClass"]
            if type(oc) is not dict:
                return time_element(value, birth)
            ident, label = oc.get("id"), oc.get("label")
            if not (type(ident) is str or ident is None) or not (type(label) is str or label is None):
                return time_element(value, birth)
            key = ("class", ident, label)
        else:
            return time_element(value, birth)
        hit = _WHEN.get(key, _MISS)
        if hit is _MISS:
            hit = time_element(value, birth)
            if len(_WHEN) < 10_000:
                _WHEN[key] = hit
        return hit  # type: ignore[return-value]
    return time_element(value, birth)


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
