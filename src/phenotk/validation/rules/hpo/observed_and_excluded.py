"""HPO008 hpo-observed-and-excluded."""

from __future__ import annotations

from typing import Any

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.hpo._common import describe, feature_path, feature_sets, loaded_hpo


class ObservedAndExcluded(Rule):
    """The same term recorded both as observed and as excluded.

    What it checks
    --------------
    In each list of phenotypic features: two features with the same term (alt ids count as their
    primary term), one observed and one excluded. Reported at the later one, naming the earlier.
    There is no automatic fix: only the curator knows which is right.

    When the two carry different details (e.g. different ``onset`` or a ``resolution``) they may
    describe different times of life — the finding is then a **warning** asking to record the change
    with ``onset``/``resolution`` on one observed feature instead.

    Why
    ---
    A feature cannot be present and absent at once; tools that read either annotation disagree.

    Anti-pattern
    ------------
    Feature list::

        {"type": {"id": "HP:0001250", "label": "Seizure"}},
        {"type": {"id": "HP:0001250", "label": "Seizure"}, "excluded": true}

    Fixed
    -----
    ``[{"type": {"id": "HP:0001250", "label": "Seizure"}}]``
    """

    code = "HPO008"
    name = "hpo-observed-and-excluded"
    severity = Severity.ERROR
    targets = ("Phenopacket", "Biosample")
    requires_hpo = True

    def check(self, node: Node, ctx: Context) -> Any:
        """One finding per term that is both observed and excluded."""
        sets = feature_sets(node, ctx)
        if not sets.same_term:
            return ()
        idx = loaded_hpo(ctx)
        out: list[Violation] = []
        for group in sets.same_term:
            obs = [f for f in group if not f.excluded]
            exc = [f for f in group if f.excluded]
            if not obs or not exc:
                continue
            first, later = sorted((obs[0], exc[0]), key=lambda f: f.index)
            msg = (
                f"{describe(idx, later.term)} is {'excluded' if later.excluded else 'observed'} here but "
                f"{'excluded' if first.excluded else 'observed'} at {sets.key}/{first.index}"
            )
            severity = None
            if first.details != later.details:
                msg += "; if it changed over time, keep one observed feature with onset/resolution"
                severity = Severity.WARNING
            else:
                msg += "; keep the one that is right"
            out.append(self.violation(msg, *feature_path(sets, later), severity=severity))
        return out
