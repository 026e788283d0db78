"""PTK999 internal-error."""

from __future__ import annotations

from phenotk.issue import Severity
from phenotk.validation.rule import Rule


class InternalError(Rule):
    """A rule crashed on this node (a phenotk bug); the run continued.

    What it checks
    --------------
    Nothing in your data: the engine catches an exception raised by a rule, reports it at the node the
    rule was looking at, and goes on with the other rules and documents.

    Why
    ---
    One faulty rule must not hide every other finding of a run, nor end it with a traceback.

    Anti-pattern
    ------------
    ``rule time-order failed here (TypeError: …)`` — please report it with the input that caused it.

    Fixed
    -----
    Upgrade phenotk, or ``--ignore`` the failing rule until it is fixed.
    """

    code = "PTK999"
    name = "internal-error"
    severity = Severity.ERROR
