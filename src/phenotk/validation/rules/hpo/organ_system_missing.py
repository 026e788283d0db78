"""HPO010 hpo-organ-system-missing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from phenotk.issue import Severity
from phenotk.ontology.view import OntologyView
from phenotk.validation.rule import Context, Node, Rule
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
        #: (term tables, organ systems) the two below were made for
        self._for: tuple[Any, list[str]] = (None, [])
        #: per organ system: (its primary id or None, the message of its finding)
        self._plan: list[tuple[str | None, str]] = []
        #: the organ systems the release has: (primary id, the ids at or below it, alt ids included)
        self._roots: list[tuple[str, frozenset[str]]] = []

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
        made_for = self._for
        if made_for[0] is not tables or made_for[1] != systems:
            self._for = (tables, systems)
            self._plan = [_plan(system, idx) for system in systems]
            self._roots = [(root, tables.under(root)) for root, _ in self._plan if root is not None]
        facts = feature_list(node, ctx)
        covered = _covered(facts.ids, self._roots)
        where = facts.key or "phenotypicFeatures"
        return [
            self.violation(msg) if root is None else self.violation(msg, where)
            for root, msg in self._plan
            if root not in covered
        ]


def _plan(system: str, idx: OntologyView) -> tuple[str | None, str]:
    """An organ system's primary id (None when the release lacks it) and the message of its finding."""
    root = idx.primary_id(system)
    if root is None:
        return None, f"organ system {system} is not in HPO {idx.version}; check the option"
    msg = (
        f"no feature in organ system {describe(idx, root)}: record an observed term below it, "
        f"or exclude {root} explicitly if it was examined and normal"
    )
    return root, msg


def _covered(ids: list[Any], roots: list[tuple[str, frozenset[str]]]) -> set[str]:
    """The organ systems (primary ids) that some written id lies at or below: one ``isdisjoint`` per system.

    ``roots`` pairs each system with :meth:`TermTables.under` of it: the ids (primary and alt) whose term is
    the system or below it, so an id is found there exactly when the release knows it and its primary id
    has the system among its ``is_a`` ancestors or is the system. The scan of ``ids`` stops at the first
    id found.
    """
    try:
        return {root for root, under in roots if not under.isdisjoint(ids)}
    except TypeError:  # an unhashable id (a list, an object …): never a term
        strings = [cid for cid in ids if type(cid) is str]
        return {root for root, under in roots if not under.isdisjoint(strings)}
