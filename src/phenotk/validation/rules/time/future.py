"""TIM004 time-future."""

from __future__ import annotations

import datetime as _dt

from phenotk.issue import Severity
from phenotk.validation.helpers import parse_timestamp
from phenotk.validation.rule import Context, Node, Rule, Violation

#: clock skew and time zones: timestamps up to this far ahead are accepted
TOLERANCE = _dt.timedelta(days=1)


class TimeFuture(Rule):
    """A timestamp later than now (birth dates, creation dates, events in the future).

    What it checks
    --------------
    Every well-formed timestamp (``created``, ``dateOfBirth``, time elements, intervals, updates) is
    compared with the current time of the run; more than one day ahead is reported.

    Why
    ---
    A date in the future is a typo (wrong year, day/month swapped) that makes every computed age wrong.

    Anti-pattern
    ------------
    ``"dateOfBirth": "2091-05-30T00:00:00Z"``

    Fixed
    -----
    ``"dateOfBirth": "1991-05-30T00:00:00Z"``
    """

    code = "TIM004"
    name = "time-future"
    severity = Severity.ERROR
    targets = ("Timestamp",)

    def check(self, node: Node, ctx: Context) -> list[Violation] | tuple[()]:
        """Compare with ``ctx.now``."""
        ts = parse_timestamp(node[0])  # node.value (tuple access: hot path)
        if ts is not None and ts > ctx.now + TOLERANCE:
            return [self.violation(f"{node.value!r} is in the future (now is {ctx.now:%Y-%m-%d})")]
        return ()
