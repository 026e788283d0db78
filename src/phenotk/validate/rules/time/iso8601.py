"""TIM001 time-iso8601."""

from __future__ import annotations

from collections.abc import Iterator

from phenotk.issue import Severity
from phenotk.validate.helpers import DURATION
from phenotk.validate.rule import Context, Node, Rule, Violation


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

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        """Match the duration against the ISO 8601 grammar."""
        value = node.value.get("iso8601duration")
        if not isinstance(value, str) or DURATION.match(value):
            return
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
