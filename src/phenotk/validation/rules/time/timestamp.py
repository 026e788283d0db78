"""TIM002 time-timestamp."""

from __future__ import annotations

from collections.abc import Iterator

from phenotk.issue import Severity
from phenotk.validation.helpers import TIMESTAMP, parse_timestamp
from phenotk.validation.rule import Context, Node, Rule, Violation


class TimeTimestamp(Rule):
    """A timestamp that is not RFC 3339 as protobuf JSON requires (``2021-03-04T00:00:00Z``).

    What it checks
    --------------
    Every ``google.protobuf.Timestamp`` value (``created``, ``dateOfBirth``, ``timestamp``, interval
    ``start``/``end``, update ``timestamp``) must be ``YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`` and a
    real calendar date, with nothing after it (a final newline neither). A bare date gets a fix to midnight
    UTC; surrounding blanks get a fix that strips them.

    Why
    ---
    Protobuf JSON parsing rejects the whole document on a date without a time or zone.

    Anti-pattern
    ------------
    ``"dateOfBirth": "2001-05-30"`` or ``"created": "2021-13-01T00:00:00Z"``

    Fixed
    -----
    ``"dateOfBirth": "2001-05-30T00:00:00Z"``
    """

    code = "TIM002"
    name = "time-timestamp"
    severity = Severity.ERROR
    targets = ("Timestamp",)

    def check(self, node: Node, ctx: Context) -> list[Violation] | tuple[()]:
        """Parse the timestamp."""
        value = node[0]  # node.value (tuple access: hot path)
        if parse_timestamp(value) is not None and value[-1] != "\n":  # the shape regex's "$" passes a final \n
            return ()
        return list(self._bad(value))

    def _bad(self, value: str) -> Iterator[Violation]:
        candidate = None
        v = value.strip()
        if len(v) == 10 and parse_timestamp(v + "T00:00:00Z"):
            candidate = v + "T00:00:00Z"
        elif " " in v and parse_timestamp(v.replace(" ", "T", 1) + ("" if v.endswith("Z") else "Z")):
            candidate = v.replace(" ", "T", 1) + ("" if v.endswith("Z") else "Z")
        elif parse_timestamp(v.upper()):
            candidate = v.upper()
        fix = self.replace("", candidate, safe=False, description=f"use {candidate!r}") if candidate else None
        hint = f"; did you mean {candidate!r}?" if candidate else _reason(v)
        yield self.violation(f"{value!r} is not an RFC 3339 timestamp (YYYY-MM-DDThh:mm:ssZ){hint}", fix=fix)


def _reason(value: str) -> str:
    """Why a value of the right shape is no timestamp; empty when the shape itself is wrong.

    convert-pheno writes ``0000-01-01T00:00:00Z`` for an unknown date: the shape is right, the year is not.
    """
    if TIMESTAMP.match(value) is None:
        return ""
    if value.startswith("0000"):
        return (
            ": year 0000 is before 0001-01-01, the first instant a protobuf Timestamp holds"
            " (a placeholder? leave the field out)"
        )
    return ": no such date or time"
