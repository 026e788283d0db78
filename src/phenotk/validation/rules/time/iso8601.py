"""TIM001 time-iso8601."""

from __future__ import annotations

import re
from collections.abc import Iterator

from phenotk.issue import Severity
from phenotk.validation.helpers import DURATION
from phenotk.validation.rule import Context, Node, Rule, Violation

#: durations seen valid (the same few recur in every document)
_GOOD: set[str] = set()
#: a decimal fraction followed by a later component ("P1.5Y2M"): ISO 8601 allows it on the last one only
_EARLY_FRACTION = re.compile(r"[.,]\d+[YMWDH]T?\d")


def _valid(value: str) -> bool:
    """The :data:`DURATION` grammar, read strictly: no final newline (its ``$`` allows one), fractions last."""
    return (
        DURATION.match(value) is not None
        and not value.endswith("\n")
        and (("." not in value and "," not in value) or _EARLY_FRACTION.search(value) is None)
    )


class TimeIso8601(Rule):
    """An ``Age.iso8601duration`` that is not an ISO 8601 duration (``P3Y6M``, ``P2W``, ``P10D``).

    What it checks
    --------------
    Every ``iso8601duration`` must match ``PnYnMnWnDTnHnMnS`` (at least one component, ``T`` only before
    hours/minutes/seconds). A decimal fraction (``P1.5Y``, ``PT0,5H``) is allowed on the last component only,
    as ISO 8601 says: ``P1.5Y2M`` is an error. Lower-case letters, spaces (a final newline too) and a missing
    ``P`` get a fix; plain words ("3 years") get a message with the right form.

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
        if _valid(value):
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
        if _valid(candidate):
            fix = self.replace("/iso8601duration", candidate, description=f"use {candidate!r}")
            hint = f"; did you mean {candidate!r}?"
        elif DURATION.match(candidate):  # the shape is right, a fraction is not on the last component
            hint = "; only the last component may have a decimal fraction (P1Y6M, not P1.5Y6M)"
        yield self.violation(
            f"{value!r} is not an ISO 8601 duration (e.g. P3Y6M, P2W, P10D){hint}", "iso8601duration", fix=fix
        )
