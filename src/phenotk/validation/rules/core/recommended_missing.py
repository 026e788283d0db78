"""REC001 recommended-missing."""

from __future__ import annotations

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation

#: type → RECOMMENDED fields (Phenopacket schema v2 documentation) that this rule reports when absent
RECOMMENDED: dict[str, tuple[str, ...]] = {
    "Phenopacket": ("subject", "phenotypicFeatures"),
    "Individual": ("sex", "timeAtLastEncounter"),
    "Interpretation": ("diagnosis",),
}


class RecommendedMissing(Rule):
    """A field the Phenopacket v2 specification marks RECOMMENDED is absent (info).

    What it checks
    --------------
    ``Phenopacket.subject`` and ``phenotypicFeatures``, ``Individual.sex`` and
    ``Individual.timeAtLastEncounter``, and ``Interpretation.diagnosis``: each absent one is reported
    once, at the pointer where it would go. Member phenopackets of a Cohort or Family are included.

    Why
    ---
    Analyses of cohorts (age at onset vs. age at last encounter, sex-specific features) are only as good
    as these fields; the specification asks for them whenever they are known.

    Anti-pattern
    ------------
    ``"subject": {"id": "P1"}`` — no sex, no age at last encounter.

    Fixed
    -----
    ``"subject": {"id": "P1", "sex": "FEMALE", "timeAtLastEncounter": {"age": {"iso8601duration": "P6Y"}}}``
    (use ``UNKNOWN_SEX`` when sex truly is unknown).
    """

    code = "REC001"
    name = "recommended-missing"
    severity = Severity.INFO
    targets = tuple(RECOMMENDED)

    def check(self, node: Node, ctx: Context) -> list[Violation] | tuple[()]:
        """Report each recommended field that is absent or empty."""
        get = node[0].get  # node.value (tuple access: hot path)
        for name in RECOMMENDED[node[1]]:
            if not get(name):  # truthy is never empty: only absent/empty/falsy values take the exact path below
                break
        else:
            return ()  # all present under their camelCase names (the common case; no generator per node)
        return [
            self.violation(f"{node.type} has no {name!r} (RECOMMENDED by the Phenopacket v2 schema)", name)
            for name in RECOMMENDED[node.type]
            if not node.has(name)
        ]
