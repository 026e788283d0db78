"""PRV002 privacy-exact-timestamp."""

from __future__ import annotations

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation

#: parents whose timestamps date the record, not the person (metaData.created, updates)
_RECORD_TYPES = ("MetaData", "Update")
#: parents whose timestamps are not reported: the record's, and ``Individual`` (its ``dateOfBirth`` has its own
#: rule)
_NOT_EVENTS = frozenset((*_RECORD_TYPES, "Individual"))


class PrivacyExactTimestamp(Rule):
    """A calendar date of something that happened to the subject (opt-in privacy rule, profile ``sharing``).

    What it checks
    --------------
    Every ``google.protobuf.Timestamp`` about the person: time elements (onset, resolution, time observed,
    time of death, procedure performed), intervals and dose intervals. ``dateOfBirth`` has its own rule
    (``privacy-date-of-birth``); ``metaData.created`` and update timestamps date the record and are not
    reported.

    Why
    ---
    Dates of admission, diagnosis, treatment and death are Safe Harbor identifiers (all elements of a date
    except the year). Ages, or dates shifted by a secret per-subject offset (``phenotk deidentify``), keep the
    intervals analyses need.

    Anti-pattern
    ------------
    ``"onset": {"timestamp": "2020-03-17T00:00:00Z"}``

    Fixed
    -----
    ``"onset": {"age": {"iso8601duration": "P3Y2M"}}``
    """

    code = "PRV002"
    name = "privacy-exact-timestamp"
    severity = Severity.WARNING
    targets = ("Timestamp",)
    default_enabled = False

    def check(self, node: Node, ctx: Context) -> list[Violation]:
        """Report a timestamp that dates an event of the subject's life."""
        parent = node[3]  # node.parent; parent[1] is its type (tuple access: a call per timestamp)
        if parent is not None and parent[1] in _NOT_EVENTS:
            return []
        return [self.violation(f"exact date {node.value!r}; share an age or de-identify (phenotk deidentify)")]
