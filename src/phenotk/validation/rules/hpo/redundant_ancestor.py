"""HPO005 hpo-redundant-ancestor."""

from __future__ import annotations

from typing import Any

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.hpo._common import (
    describe,
    feature_path,
    feature_sets,
    hierarchy_caveat,
    loaded_hpo,
    remove_feature,
)


class RedundantAncestor(Rule):
    """An observed term listed together with an observed, more specific descendant.

    What it checks
    --------------
    In each list of phenotypic features (a phenopacket's, a family member's, a biosample's): an
    observed feature whose term is an ``is_a`` ancestor of another observed feature's term, e.g.
    *Seizure* next to *Focal-onset seizure*. The annotation *true path rule* makes the ancestor
    implied, so the fix removes it (**safe**).

    The ancestor is only reported when it carries nothing the descendant does not: if it has its
    own ``onset``, ``resolution``, ``severity``, ``modifiers``, ``evidence`` or ``description`` (for
    instance generic *Seizure* from the first year, *Focal-onset seizure* diagnosed at 5 years),
    it records something the specific term does not, and curators keep both — no finding. When the
    document's ``metaData`` cites a newer HPO than the loaded one, the hierarchy may have changed
    since (phenopacket-store: *Patent foramen ovale* under *Atrial septal defect* in 2025-05-06), so
    the message says so and there is no fix (not even for ``fix --unsafe``: removing a feature the cited
    hierarchy may need loses data).

    Why
    ---
    Redundant ancestors inflate feature counts and skew term-frequency statistics of a cohort;
    phenopacket-store's own pipeline removes them.

    Anti-pattern
    ------------
    Feature list::

        {"type": {"id": "HP:0001250", "label": "Seizure"}},
        {"type": {"id": "HP:0007359", "label": "Focal-onset seizure"}}

    Fixed
    -----
    ``[{"type": {"id": "HP:0007359", "label": "Focal-onset seizure"}}]``
    """

    code = "HPO005"
    name = "hpo-redundant-ancestor"
    severity = Severity.WARNING
    targets = ("Phenopacket", "Biosample")
    requires_hpo = True

    def check(self, node: Node, ctx: Context) -> Any:
        """One finding per observed ancestor that a more specific observed feature makes redundant."""
        sets = feature_sets(node, ctx)
        if not sets.pairs:
            return ()
        idx = loaded_hpo(ctx)
        out: list[Violation] = []
        done: set[int] = set()
        caveat = hierarchy_caveat(ctx, idx)
        for a, d in sets.pairs:
            if a.excluded or d.excluded or a.index in done or a.carries_more_than(d):
                continue
            done.add(a.index)
            msg = (
                f"observed {describe(idx, a.term)} is implied by the more specific observed "
                f"{describe(idx, d.term)} at {sets.key}/{d.index}; remove the ancestor"
            )
            fix = remove_feature(sets, a, f"remove the redundant ancestor {a.term}")
            if caveat:  # redundant in the loaded hierarchy, maybe not in the cited one: removing it loses data
                msg += caveat
                fix = None
            out.append(self.violation(msg, *feature_path(sets, a), fix=fix))
        return out
