"""HPO010 hpo-organ-system-missing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from phenotk.issue import Severity
from phenotk.ontology.view import OntologyView
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.hpo._common import describe, feature_list, loaded_hpo

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

    def __init__(self) -> None:
        #: (options mapping, its organ systems): the options of a run do not change between documents
        self._systems: tuple[Any, list[str]] = (None, [])
        #: (term tables, {system id: (primary id or None, {written id: at or below it})}): per release
        self._below: tuple[Any, dict[str, tuple[str | None, dict[Any, bool]]]] = (None, {})

    def check(self, node: Node, ctx: Context) -> Any:
        """One finding per configured organ system without any annotation below it."""
        opts, systems = self._systems
        if opts is not ctx.options:
            systems = required_systems(ctx)
            self._systems = (ctx.options, systems)
        if not systems:
            return ()
        idx = loaded_hpo(ctx)
        tables = idx.tables()
        known, below = self._below
        if known is not tables:
            below = {}
            self._below = (tables, below)
        facts = feature_list(node, ctx)
        ids = facts.ids
        out: list[Violation] = []
        for system in systems:
            hit = below.get(system)
            if hit is None:
                hit = below[system] = (idx.primary_id(system), {})
            root, memo = hit
            if root is None:
                out.append(self.violation(f"organ system {system} is not in HPO {idx.version}; check the option"))
                continue
            if ids and _any_below(ids, root, memo, idx):
                continue
            msg = (
                f"no feature in organ system {describe(idx, root)}: record an observed term below it, "
                f"or exclude {root} explicitly if it was examined and normal"
            )
            out.append(self.violation(msg, facts.key or "phenotypicFeatures"))
        return out


def _any_below(ids: list[Any], root: str, memo: dict[Any, bool], idx: OntologyView) -> bool:
    """True when some written id is a term the release knows at or below ``root`` (one memo probe per id)."""
    try:
        hits: list[bool | None] = list(map(memo.get, ids))
    except TypeError:  # an unhashable id (a list, an object …): never a term
        return any(type(c) is str and _below(c, root, idx) for c in ids)
    if None in hits:  # ids this run has not met yet
        for k, cid in enumerate(ids):
            if hits[k] is None:
                hits[k] = below = _below(cid, root, idx)
                if len(memo) < 200_000:
                    memo[cid] = below
    return True in hits


def _below(cid: Any, root: str, idx: OntologyView) -> bool:
    """A known ``HP`` id whose term (its primary id, for alt ids) is ``root`` or below it."""
    if type(cid) is not str:
        return False
    term = idx.tables().primary.get(cid)
    return term is not None and idx.is_descendant_of(term, root)
