"""HPO009 hpo-duplicate-feature."""

from __future__ import annotations

from typing import Any

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.hpo._common import (
    Feature,
    describe,
    feature_path,
    feature_sets,
    loaded_hpo,
    remove_feature,
)


class DuplicateFeature(Rule):
    """The same term listed twice with the same status (observed twice, or excluded twice).

    What it checks
    --------------
    In each list of phenotypic features: two features with the same term (an alt id counts as its
    primary term) and the same ``excluded`` status. When one of them carries nothing the other lacks,
    the fix removes it (**safe**; of two identical ones the later, or the one written with an alt id).
    When both carry different details — e.g. two episodes with different ``onset`` — they are
    separate observations and there is no finding.

    Why
    ---
    Duplicates double-count a feature in cohort statistics and usually come from merging two sources.

    Anti-pattern
    ------------
    ``[{"type": {"id": "HP:0001250", "label": "Seizure"}}, {"type": {"id": "HP:0001250", "label": "Seizure"}}]``

    Fixed
    -----
    ``[{"type": {"id": "HP:0001250", "label": "Seizure"}}]``
    """

    code = "HPO009"
    name = "hpo-duplicate-feature"
    severity = Severity.WARNING
    targets = ("Phenopacket", "Biosample")
    requires_hpo = True

    def check(self, node: Node, ctx: Context) -> Any:
        """One finding per redundant copy."""
        sets = feature_sets(node, ctx)
        if not sets.same_term:
            return ()
        idx = loaded_hpo(ctx)
        out: list[Violation] = []
        for group in sets.same_term:
            for excluded in (False, True):
                same = [f for f in group if f.excluded is excluded]
                removed: set[int] = set()
                for i, keep in enumerate(same):
                    if keep.index in removed:
                        continue
                    for other in same[i + 1 :]:
                        if other.index in removed:
                            continue
                        drop = _which(keep, other)
                        if drop is None:
                            continue
                        kept = other if drop is keep else keep
                        removed.add(drop.index)
                        msg = (
                            f"{'excluded' if excluded else 'observed'} {describe(idx, drop.term)} is listed again "
                            f"at {sets.key}/{kept.index}; remove this copy"
                        )
                        fix = remove_feature(sets, drop, f"remove the duplicate {drop.curie}")
                        out.append(self.violation(msg, *feature_path(sets, drop), fix=fix))
                        if drop is keep:
                            break
        return out


def _which(a: Feature, b: Feature) -> Feature | None:
    """The copy to drop (``b`` is later in the list), or None when both hold details of their own."""
    b_more, a_more = b.carries_more_than(a), a.carries_more_than(b)
    if not b_more and not a_more:
        return a if (a.curie != a.term and b.curie == b.term) else b
    if not b_more:
        return b
    if not a_more:
        return a
    return None
