"""PTK999 internal-error."""

from __future__ import annotations

import traceback

from phenotk.issue import Severity
from phenotk.validation.hooks import CrashHook
from phenotk.validation.rule import Rule, Violation


class InternalError(CrashHook):
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

    def crashed(self, rule: Rule, exc: Exception) -> Violation:
        """Which rule failed, with what, where in phenotk: always an error, whatever the configuration."""
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return Violation(
            f"rule {rule.name} failed here ({type(exc).__name__}: {exc} at {where.filename}:{where.lineno}); "
            "please report this bug",
            severity=Severity.ERROR,
        )
