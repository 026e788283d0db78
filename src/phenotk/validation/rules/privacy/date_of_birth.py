"""PRV001 privacy-date-of-birth."""

from __future__ import annotations

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation


class PrivacyDateOfBirth(Rule):
    """A subject's full date of birth is present (opt-in privacy rule, profile ``sharing``).

    What it checks
    --------------
    ``Individual.dateOfBirth`` is set. Only the ``sharing`` profile (or ``--select privacy``) runs it.

    Why
    ---
    A full date of birth is one of the 18 HIPAA Safe Harbor identifiers and, with sex and a postcode, picks out
    most people. Ages (``timeAtLastEncounter``, onsets) carry what analyses need; ``phenotk deidentify``
    removes the date (safe-harbor), reduces it to a year (pseudonymised) or shifts it (research).

    Anti-pattern
    ------------
    ``"subject": {"id": "P1", "dateOfBirth": "1998-02-14T00:00:00Z"}``

    Fixed
    -----
    ``"subject": {"id": "P1", "timeAtLastEncounter": {"age": {"iso8601duration": "P25Y"}}}``
    """

    code = "PRV001"
    name = "privacy-date-of-birth"
    severity = Severity.WARNING
    targets = ("Individual",)
    default_enabled = False

    def check(self, node: Node, ctx: Context) -> list[Violation]:
        """Report a present ``dateOfBirth``."""
        value = node[0]  # node.value (tuple access): most subjects have no date of birth under either spelling
        if "dateOfBirth" not in value and "date_of_birth" not in value:
            return []
        key = node.key("dateOfBirth")
        if key is None or not node.value.get(key):
            return []
        return [
            self.violation(
                "subject has a full date of birth; share ages instead (phenotk deidentify removes or coarsens it)",
                key,
            )
        ]
