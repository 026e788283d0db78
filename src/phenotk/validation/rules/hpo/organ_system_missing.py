"""HPO010 hpo-organ-system-missing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.hpo._common import describe, features, loaded_hpo

#: option keys (in ``ctx.options``) that list the required organ systems (HPO ids)
OPTION_KEYS = ("organ_systems", "organ-systems", "hpo-organ-system-missing")


def required_systems(ctx: Context) -> list[str]:
    """HPO ids of the organ systems the run requires (``--organ-systems`` / config), [] when none."""
    opts = ctx.options or {}
    for key in OPTION_KEYS:
        value = opts.get(key)
        if isinstance(value, dict):
            value = value.get("organ_systems", value.get("organ-systems"))
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if isinstance(value, Sequence) and value:
            return [str(v) for v in value]
    return []


class OrganSystemMissing(Rule):
    """A required organ system that the record neither describes nor explicitly excludes.

    What it checks
    --------------
    Only when organ systems are configured (``--organ-systems HP:0000707,HP:0001626`` or the
    ``organ_systems`` rule option): for each one, each phenopacket must contain an observed feature
    at or below that system's term, or an excluded feature at or below it (an explicit statement that
    the system was examined). Otherwise one finding at ``phenotypicFeatures`` names the system. No
    automatic fix: recording an exclusion is a clinical statement only the curator can make.

    Why
    ---
    Studies that compare cohorts per organ system (e.g. all patients assessed for heart defects)
    need to tell "not examined" from "normal".

    Anti-pattern
    ------------
    Organ systems ``HP:0001626`` (cardiovascular) required; the record has only neurological features.

    Fixed
    -----
    Add ``{"type": {"id": "HP:0001627", "label": "Abnormal heart morphology"}, "excluded": true}``
    after checking the echocardiogram.
    """

    code = "HPO010"
    name = "hpo-organ-system-missing"
    severity = Severity.WARNING
    targets = ("Phenopacket",)
    requires_hpo = True
    default_enabled = False

    def check(self, node: Node, ctx: Context) -> Any:
        """One finding per configured organ system without any annotation below it."""
        systems = required_systems(ctx)
        if not systems:
            return ()
        idx = loaded_hpo(ctx)
        key, feats = features(node, ctx)
        out: list[Violation] = []
        for system in systems:
            root = idx.primary_id(system)
            if root is None:
                out.append(self.violation(f"organ system {system} is not in HPO {idx.version}; check the option"))
                continue
            if any(idx.is_descendant_of(f.term, root) for f in feats):
                continue
            msg = (
                f"no feature in organ system {describe(idx, root)}: record an observed term below it, "
                f"or exclude {root} explicitly if it was examined and normal"
            )
            out.append(self.violation(msg, key or "phenotypicFeatures"))
        return out
