"""HPO004 hpo-wrong-branch."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from phenotk.issue import Severity
from phenotk.ontology.hpo_roots import CLINICAL_MODIFIER, LATERALITY, ONSET, PHENOTYPIC_ABNORMALITY, SEVERITY
from phenotk.ontology.view import OntologyView
from phenotk.validation.rule import Context, Node, Rule, Token, Violation, _snake
from phenotk.validation.rules.hpo._common import (
    describe,
    feature_list,
    loaded_hpo,
    release_of,
)

#: node type → (field JSON name, inner field of a TimeElement or None, repeated, required sub-ontology root)
_FIELDS: dict[str, tuple[tuple[str, str | None, bool, str], ...]] = {
    "PhenotypicFeature": (
        ("type", None, False, PHENOTYPIC_ABNORMALITY),
        ("severity", None, False, SEVERITY),
        ("modifiers", None, True, CLINICAL_MODIFIER),
        ("onset", "ontologyClass", False, ONSET),
        ("resolution", "ontologyClass", False, ONSET),
    ),
    "Disease": (
        ("onset", "ontologyClass", False, ONSET),
        ("resolution", "ontologyClass", False, ONSET),
        ("laterality", None, False, LATERALITY),
    ),
}

#: sub-ontologies that describe the patient without being abnormalities: a feature there is a warning
_SOFT_FEATURE_BRANCHES = frozenset({"past_medical_history", "blood_group", "biospecimen_phenotypic_feature"})


_SNAKE_INNER = {"ontologyClass": "ontology_class"}

#: node type → {key as written (camelCase or snake_case): (field, inner TimeElement field, repeated, root)}
_BY_KEY: dict[str, dict[str, tuple[str, str | None, bool, str]]] = {
    owner: {k: spec for spec in specs for k in {spec[0], _snake(spec[0])}} for owner, specs in _FIELDS.items()
}

#: node type → fields holding a term directly, besides a feature's ``type`` (the batch shortcut's "anything
#: else to check?" test)
_DIRECT: dict[str, frozenset[str]] = {
    owner: frozenset(f for f, inner, _, _ in specs if inner is None and f != "type") for owner, specs in _FIELDS.items()
}
#: keys of either node type that name a term field besides a feature's ``type`` (a node without any of them
#: needs only its type looked at)
_QUIET = frozenset(f for specs in _FIELDS.values() for f, _, _, _ in specs if f != "type")
if any(tuple(f for f, inner, _, _ in specs if inner) != ("onset", "resolution") for specs in _FIELDS.values()):
    raise RuntimeError("wrong_branch: the batch shortcut reads onset/resolution classes; update it with _FIELDS")


class WrongBranch(Rule):
    """An HPO term from the wrong sub-ontology for its field (a Mode of inheritance term as a feature…).

    What it checks
    --------------
    ``phenotypicFeatures[].type`` must lie under *Phenotypic abnormality* (HP:0000118);
    ``severity`` under *Severity* (HP:0012824); ``modifiers`` under *Clinical modifier* (HP:0012823);
    the ``ontologyClass`` of a feature's or a disease's ``onset``/``resolution`` under *Onset*
    (HP:0003674); ``Disease.laterality`` (when an HP term) under *Laterality* (HP:0012831). The
    message names the sub-ontology the term is really in. Terms from *Past medical history*, *Blood
    group* and *Biospecimen phenotypic feature* as features are warnings, everything else an error.
    Phenopackets v2 has no field for a mode of inheritance, so inheritance terms can only be misplaced:
    as features (error) or modifiers (error). Only ``HP:`` ids known to the release are checked.

    Why
    ---
    Tools select features by sub-ontology: an inheritance or onset term recorded as a feature counts
    as a phenotype in every similarity and cohort statistic, and an onset that is not an Onset term
    cannot be turned into an age.

    Anti-pattern
    ------------
    ``"phenotypicFeatures": [{"type": {"id": "HP:0000006", "label": "Autosomal dominant inheritance"}}]``

    Fixed
    -----
    Remove the feature; record the inheritance in the disease's description or an interpretation.
    """

    code = "HPO004"
    name = "hpo-wrong-branch"
    severity = Severity.ERROR
    targets = ("PhenotypicFeature", "Disease")
    requires_hpo = True
    batch = True

    def check_batch(self, nodes: list[Node], ctx: Context) -> list[tuple[Node, Violation]]:
        """All features and diseases of a document at once: a plain feature under PA costs one set probe.

        The packet's own features usually come first and are all plain: they are cleared all at once
        (:func:`_to_look_at`); the node loop below takes the rest (diseases, biosamples' features …).
        """
        tables = loaded_hpo(ctx).tables()
        under_pa = tables.under(PHENOTYPIC_ABNORMALITY)
        under_onset: frozenset[str] | None = None  # read when a node has an onset or a resolution
        out: list[tuple[Node, Violation]] = []
        quiet = _QUIET.isdisjoint
        for node in _to_look_at(nodes, ctx, under_pa):
            value = node[0]  # node.value (tuple access: hot path)
            if quiet(value):
                # no field besides a feature's type holds a term: a disease is done, a feature when its type is
                # under Phenotypic abnormality (anything unusual — no type, not an object — takes check())
                if node[1] != "PhenotypicFeature":
                    continue
                try:
                    if value["type"]["id"] in under_pa:
                        continue
                except (KeyError, TypeError):
                    pass
            else:
                # onset and resolution (if any) without an ontology class or with an Onset one, no other term
                # field (_DIRECT), and (features) a type under Phenotypic abnormality: nothing to report either
                if under_onset is None:
                    under_onset = tables.under(ONSET)
                onset, resolution = value.get("onset"), value.get("resolution")  # None: no call (most resolutions)
                if (onset is None or _onset_term_or_none(onset, under_onset)) and (
                    resolution is None or _onset_term_or_none(resolution, under_onset)
                ):
                    kind = node[1]
                    if kind == "Disease":
                        if _DIRECT[kind].isdisjoint(value):
                            continue
                    elif _DIRECT[kind].isdisjoint(value):
                        t = value.get("type")
                        cid = t.get("id") if type(t) is dict else None
                        if type(cid) is str and cid in under_pa:
                            continue
            out.extend((node, v) for v in self.check(node, ctx))
        return out

    def check(self, node: Node, ctx: Context) -> Any:
        """Check each HPO-coded field of a feature or a disease against its sub-ontology."""
        value = node.value
        idx = loaded_hpo(ctx)
        t = value.get("type")
        if type(t) is dict and (len(value) == 1 or (len(value) == 2 and "excluded" in value)):
            # the common {type[, excluded]} feature: one set probe
            cid = t.get("id")
            if type(cid) is str and cid in idx.tables().under(PHENOTYPIC_ABNORMALITY):
                return ()
        wanted = _BY_KEY[node.type]
        out: list[Violation] = []
        for key, val in value.items():
            spec = wanted.get(key)
            if spec is None or val is None:
                continue
            field, inner, repeated, root = spec
            items: list[tuple[tuple[Token, ...], Any]]
            if repeated:
                items = [((key, i), v) for i, v in enumerate(val)] if isinstance(val, list) else []
            elif inner is not None:
                if not isinstance(val, dict):
                    continue
                sub_key = inner if inner in val else _SNAKE_INNER[inner]
                items = [((key, sub_key), val[sub_key])] if sub_key in val else []
            else:
                items = [((key,), val)]
            for path, oc in items:
                out.extend(self._one(oc, path, root, node.type, field, idx))
        return out

    def _one(
        self, oc: Any, path: tuple[Token, ...], root: str, owner: str, field: str, idx: OntologyView
    ) -> Iterator[Violation]:
        if not isinstance(oc, dict):
            return
        cid = oc.get("id")
        if type(cid) is not str or not cid.startswith("HP:"):
            return
        known = idx.tables()
        if cid in known.under(root) or cid not in known.primary or (cid in known.problem and idx.is_obsolete(cid)):
            return
        term = known.primary[cid]
        branch = idx.branch_of(term)
        where = _branch_label(idx, branch)
        what = f"{owner}.{field}"
        msg = (
            f"{describe(idx, cid)} is {where}, not under {describe(idx, root)}: {what} takes "
            f"{idx.label(root) or root} terms (HPO {release_of(idx)})"
        )
        severity = Severity.WARNING if field == "type" and branch in _SOFT_FEATURE_BRANCHES else None
        yield self.violation(msg, *path, "id", severity=severity)


def _to_look_at(nodes: list[Node], ctx: Context, under_pa: frozenset[str]) -> list[Node]:
    """``nodes`` without the root packet's features when all of them are plain (else ``nodes`` as they are).

    A plain feature holds no term field besides its ``type`` (no severity, modifiers, onset, resolution),
    and its ``type.id`` is under Phenotypic abnormality: :meth:`WrongBranch.check` has nothing to say about
    it. The root packet's list as the HPO list rules read it (:func:`feature_list`, usually kept in
    ``ctx.state``) is tested as a whole — the keys of all its items at once (the test that fails first when
    one fails: a feature with an onset), its ``type.id`` list against the set — and the leading nodes are left
    out only when their values equal its items one for one (the walk appends them first when the packet has
    its features before its diseases and biosamples).
    """
    root = ctx.root
    if root is None or root[1] != "Phenopacket":  # root[1]: root.type
        return nodes
    facts = feature_list(root, ctx)
    items = facts.items
    if not items or len(nodes) < len(items):
        return nodes
    try:  # items that are not objects fail below (their type.id is None), whatever their keys say here
        if not _QUIET.isdisjoint(set().union(*items)) or not under_pa.issuperset(facts.ids):
            return nodes
    except TypeError:  # an unhashable type.id, or an item that is a number or holds unhashable values
        return nodes
    n = len(items)
    return nodes[n:] if [node[0] for node in nodes[:n]] == items else nodes  # node[0]: node.value


def _onset_term_or_none(when: Any, under_onset: frozenset[str]) -> bool:
    """True when an onset or resolution (a TimeElement, or None) holds no ontology class or an Onset term.

    Then :meth:`WrongBranch.check` has nothing to say about it (the class it reads — ``ontologyClass``, else
    ``ontology_class`` — is at or under Onset). False for anything else, which ``check`` then looks at.
    """
    if when is None:
        return True
    if type(when) is not dict:
        return False
    if "ontologyClass" in when:
        oc = when["ontologyClass"]
    elif "ontology_class" in when:
        oc = when["ontology_class"]
    else:
        return True
    cid = oc.get("id") if type(oc) is dict else None
    return type(cid) is str and cid in under_onset


def _branch_label(idx: OntologyView, branch: str | None) -> str:
    if branch is None:
        return "outside every HPO sub-ontology"
    from phenotk.ontology import HPO_ROOTS

    root = HPO_ROOTS.get(branch)
    name = (idx.label(root) if root else None) or branch.replace("_", " ")
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name} term"  # an Onset term, a Mode of inheritance term
