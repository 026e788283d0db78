"""TIM005 time-implausible-age."""

from __future__ import annotations

from phenotk.issue import Severity
from phenotk.model.durations import duration_days
from phenotk.validation.rule import Context, Node, Rule, Violation

#: the longest verified human life is 122 years; an age past this is a typo (P1000Y, P130M read as years …)
MAX_AGE_YEARS = 125
#: the longest pregnancies on record end before 45 weeks; beyond it the value is not a gestational age
MAX_GESTATIONAL_WEEKS = 44
_YEAR_DAYS = 365.25

#: verdict per duration string (the same few durations recur in every document)
_SEEN: dict[str, str | None] = {}


class TimeImplausibleAge(Rule):
    """An age no person can have: over 125 years, or a gestational age past 44 weeks.

    What it checks
    --------------
    Every well-formed ``Age.iso8601duration`` (onsets, resolutions, last encounter, ages at collection, age
    ranges) longer than 125 years (the longest verified human life is 122 years), and every
    ``GestationalAge`` of more than 44 weeks. Malformed durations are ``time-iso8601``'s; negative or
    out-of-type numbers are ``value-out-of-range``'s.

    Why
    ---
    Such a value is a typo — ``P1000Y`` for ``P10Y``, months written as years, a birth weight typed into
    the weeks field — and every computed age, age histogram and onset comparison built on it is wrong. The
    reference validator accepts any duration; so do Exomiser and LIRICAL, which then place the onset
    outside every HPO onset class.

    Anti-pattern
    ------------
    ``{"age": {"iso8601duration": "P340Y"}}`` or ``{"gestationalAge": {"weeks": 52}}``

    Fixed
    -----
    ``{"age": {"iso8601duration": "P34Y"}}`` or ``{"gestationalAge": {"weeks": 25, "days": 2}}``
    """

    code = "TIM005"
    name = "time-implausible-age"
    severity = Severity.WARNING
    targets = ("Age", "GestationalAge")

    def check(self, node: Node, ctx: Context) -> list[Violation] | tuple[()]:
        """Compare the age with what a life or a pregnancy can last."""
        value = node[0]  # node.value (tuple access: hot path)
        if node[1] == "Age":
            text = value.get("iso8601duration")
            if not isinstance(text, str):
                return ()
            try:
                message = _SEEN[text]
            except KeyError:
                message = _age_message(text)
                if len(_SEEN) < 100_000:
                    _SEEN[text] = message
            return [self.violation(message, "iso8601duration")] if message else ()
        weeks = value.get("weeks")
        if isinstance(weeks, str) and weeks.strip().isdigit():  # int32 as a JSON string
            try:
                weeks = int(weeks)
            except ValueError:  # digits int() refuses: "²", or thousands of them (value-out-of-range's business)
                return ()
        if isinstance(weeks, int) and not isinstance(weeks, bool) and weeks > MAX_GESTATIONAL_WEEKS:
            return [
                self.violation(
                    f"gestational age of {weeks} weeks: no pregnancy lasts past {MAX_GESTATIONAL_WEEKS} weeks",
                    "weeks",
                )
            ]
        return ()


def _age_message(text: str) -> str | None:
    days = duration_days(text)
    if days is None or days <= MAX_AGE_YEARS * _YEAR_DAYS:
        return None
    years = days / _YEAR_DAYS
    shown = f"{years:,.0f}" if years < 1e9 else f"{years:.2g}"
    return f"age {text!r} is {shown} years: nobody lives past {MAX_AGE_YEARS} (a typo?)"
