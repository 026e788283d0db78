"""HPO007 hpo-excluded-ancestor-conflict."""

from __future__ import annotations

from typing import Any

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.hpo._common import (
    describe,
    document_newer_than,
    feature_path,
    feature_sets,
    loaded_hpo,
    release_of,
)


class ExcludedAncestorConflict(Rule):
    """An observed term whose ancestor is excluded: the record contradicts itself.

    What it checks
    --------------
    In each list of phenotypic features: an observed feature whose term has an ``is_a`` ancestor that
    is recorded as excluded, e.g. observed *Focal-onset seizure* with excluded *Seizure*. A focal
    seizure *is* a seizure, so one of the two annotations is wrong; which one is a judgement call,
    so there is no automatic fix. Reported at the excluded feature, naming the observed one.

    Error by default. When the document's ``metaData`` cites a newer HPO than the loaded release,
    the hierarchy that makes the two conflict may have changed since (HPO moves terms), so the
    finding is a **warning** that says so.

    Why
    ---
    Contradictory annotations give different answers depending on which one a tool reads first.

    Anti-pattern
    ------------
    Feature list::

        {"type": {"id": "HP:0007359", "label": "Focal-onset seizure"}},
        {"type": {"id": "HP:0001250", "label": "Seizure"}, "excluded": true}

    Fixed
    -----
    Feature list::

        {"type": {"id": "HP:0007359", "label": "Focal-onset seizure"}},
        {"type": {"id": "HP:0002069", "label": "Bilateral tonic-clonic seizure"}, "excluded": true}
    """

    code = "HPO007"
    name = "hpo-excluded-ancestor-conflict"
    severity = Severity.ERROR
    targets = ("Phenopacket", "Biosample")
    requires_hpo = True

    def check(self, node: Node, ctx: Context) -> Any:
        """One finding per (excluded ancestor, observed descendant) pair."""
        sets = feature_sets(node, ctx)
        if not sets.pairs:
            return ()
        idx = loaded_hpo(ctx)
        out: list[Violation] = []
        newer = None
        for a, d in sets.pairs:
            if not a.excluded or d.excluded:
                continue
            msg = (
                f"{describe(idx, a.term)} is excluded, but its descendant {describe(idx, d.term)} at "
                f"{sets.key}/{d.index} is observed; one of the two annotations is wrong"
            )
            severity = None
            newer = newer or document_newer_than(ctx, idx)
            if newer is not None:
                msg += f" (in HPO {release_of(idx)}; the document cites HPO {newer}, whose hierarchy may differ)"
                severity = Severity.WARNING
            out.append(self.violation(msg, *feature_path(sets, a), severity=severity))
        return out
