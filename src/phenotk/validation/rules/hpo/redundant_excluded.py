"""HPO006 hpo-redundant-excluded."""

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


class RedundantExcluded(Rule):
    """An excluded term listed together with an excluded ancestor that already excludes it.

    What it checks
    --------------
    In each list of phenotypic features: an excluded feature whose term is an ``is_a`` descendant of
    another excluded feature's term, e.g. excluded *Focal-onset seizure* next to excluded *Seizure*.
    Excluding the general term excludes every more specific one, so the fix removes the descendant
    (**safe**). A descendant that carries its own details (``onset``, ``evidence``, ``description``,
    ``modifiers`` …) that the ancestor lacks is kept: no finding. When the document's ``metaData``
    cites a newer HPO than the loaded one, the hierarchy may have changed since, so the message says
    so and there is no fix (not even for ``fix --unsafe``).

    Why
    ---
    Redundant exclusions make a record longer without adding information and double-count negative
    annotations in cohort statistics.

    Anti-pattern
    ------------
    Feature list::

        {"type": {"id": "HP:0001250", "label": "Seizure"}, "excluded": true},
        {"type": {"id": "HP:0007359", "label": "Focal-onset seizure"}, "excluded": true}

    Fixed
    -----
    ``[{"type": {"id": "HP:0001250", "label": "Seizure"}, "excluded": true}]``
    """

    code = "HPO006"
    name = "hpo-redundant-excluded"
    severity = Severity.WARNING
    targets = ("Phenopacket", "Biosample")
    requires_hpo = True

    def check(self, node: Node, ctx: Context) -> Any:
        """One finding per excluded descendant already covered by an excluded ancestor."""
        sets = feature_sets(node, ctx)
        if not sets.pairs:
            return ()
        idx = loaded_hpo(ctx)
        out: list[Violation] = []
        done: set[int] = set()
        caveat = hierarchy_caveat(ctx, idx)
        for a, d in sets.pairs:
            if not (a.excluded and d.excluded) or d.index in done or d.carries_more_than(a):
                continue
            done.add(d.index)
            msg = (
                f"excluded {describe(idx, d.term)} is already excluded by its excluded ancestor "
                f"{describe(idx, a.term)} at {sets.key}/{a.index}; remove the descendant"
            )
            fix = remove_feature(sets, d, f"remove the redundant exclusion {d.term}")
            if caveat:  # redundant in the loaded hierarchy, maybe not in the cited one: removing it loses data
                msg += caveat
                fix = None
            out.append(self.violation(msg, *feature_path(sets, d), fix=fix))
        return out
