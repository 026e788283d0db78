"""TIM001 time-iso8601."""

from __future__ import annotations

from collections.abc import Iterator

from phenotk.issue import Severity
from phenotk.validation.helpers import DURATION
from phenotk.validation.rule import Context, Node, Rule, Violation

#: durations seen valid (the same few recur in every document)
_GOOD: set[str] = set()


class TimeIso8601(Rule):
    """An ``Age.iso8601duration`` that is not an ISO 8601 duration (``P3Y6M``, ``P2W``, ``P10D``).

    What it checks
    --------------
    Every ``iso8601duration`` must match ``PnYnMnWnDTnHnMnS`` (at least one component, ``T`` only before
    hours/minutes/seconds). Lower-case letters, spaces and a missing ``P`` get a fix; plain words
    ("3 years") get a message with the right form.

    Why
    ---
    Ages are compared and aggregated (onset vs. last encounter, age histograms); a string no parser
    understands is an age that silently drops out of every analysis.

    Anti-pattern
    ------------
    ``{"age": {"iso8601duration": "3Y6M"}}`` or ``"P3 years"``

    Fixed
    -----
    ``{"age": {"iso8601duration": "P3Y6M"}}``
    """

    code = "TIM001"
    name = "time-iso8601"
    severity = Severity.ERROR
    targets = ("Age",)

    def check(self, node: Node, ctx: Context) -> list[Violation] | tuple[()]:
        """Match the duration against the ISO 8601 grammar."""
        value = node[0].get("iso8601duration")  # node.value (tuple access: hot path)
        if not isinstance(value, str) or value in _GOOD:
            return ()
        if DURATION.match(value):
            if len(_GOOD) < 100_000:
                _GOOD.add(value)
            return ()
        return list(self._bad(value))

    def _bad(self, value: str) -> Iterator[Violation]:
        candidate = value.strip().upper().replace(" ", "")
        if not candidate.startswith("P"):
            candidate = "P" + candidate
        fix = None
        hint = ""
        if DURATION.match(candidate):
            fix = self.replace("/iso8601duration", candidate, description=f"use {candidate!r}")
            hint = f"; did you mean {candidate!r}?"
        yield self.violation(
            f"{value!r} is not an ISO 8601 duration (e.g. P3Y6M, P2W, P10D){hint}", "iso8601duration", fix=fix
        )
