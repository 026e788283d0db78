"""HPO002 hpo-obsolete-term."""

from __future__ import annotations

from typing import Any

from phenotk.issue import Fix, PatchOp, Severity
from phenotk.ontology.view import OntologyView
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.hpo._common import (
    class_suspects,
    describe,
    extra_ontologies,
    index_for,
    loaded_hpo,
    ontology_name,
    release_of,
)


def _retarget(value: dict[str, Any], new_id: str, idx: OntologyView, *, safe: bool, why: str) -> Fix:
    """Replace the id (and the label, with the new term's) of an ontology class."""
    ops = [PatchOp("replace", "/id", new_id)]
    new_label = idx.label(new_id)
    if new_label:
        if "label" in value:
            if value["label"] != new_label:
                ops.append(PatchOp("replace", "/label", new_label))
        else:
            ops.append(PatchOp("add", "/label", new_label))
    return Fix(tuple(ops), safe=safe, description=why)


class ObsoleteTerm(Rule):
    """An obsolete term or an alternative (secondary) id where the current primary id belongs.

    What it checks
    --------------
    For every ontology class with an ``HP:`` id (and ids of other loaded ontologies): the id is an
    ``alt_id`` of another term, or the term is marked obsolete in the loaded release.

    * alt id → the fix replaces it with the primary id and its label (**safe**);
    * obsolete with a single ``replaced_by`` → the fix uses the replacement and its label (**safe**);
    * obsolete with ``consider`` ids only → they are named; a single candidate becomes a suggested
      fix (applied only by ``phenotk fix --unsafe``), several stay a judgement call for the curator.

    Why
    ---
    Obsolete terms drop out of the hierarchy, so every ancestor-based analysis (similarity, gene
    prioritisation, cohort counts) silently ignores them; alt ids are tolerated by some tools and
    not by others.

    Anti-pattern
    ------------
    ``{"id": "HP:0001388", "label": "Joint laxity"}`` (an alt id of *Joint hypermobility*)

    Fixed
    -----
    ``{"id": "HP:0001382", "label": "Joint hypermobility"}``
    """

    code = "HPO002"
    name = "hpo-obsolete-term"
    severity = Severity.WARNING
    targets = ("OntologyClass",)
    requires_hpo = True
    batch = True

    def check_batch(self, nodes: list[Node], ctx: Context) -> list[tuple[Node, Violation]]:
        """All ontology classes of a document at once: current HPO ids cost one set probe each."""
        suspects = class_suspects(nodes, ctx)  # the pass the three term rules share
        if not suspects:  # most documents
            return []
        problem = loaded_hpo(ctx).tables().problem
        others = bool(extra_ontologies(ctx))
        out: list[tuple[Node, Violation]] = []
        for node in suspects:
            cid = node.value.get("id")
            if type(cid) is not str or (cid not in problem and (cid.startswith("HP:") or not others)):
                continue
            out.extend((node, v) for v in self.check(node, ctx))
        return out

    def check(self, node: Node, ctx: Context) -> Any:
        """Flag obsolete terms and alt ids."""
        value = node.value
        cid = value.get("id")
        if type(cid) is not str:
            return ()
        if cid.startswith("HP:"):
            idx = loaded_hpo(ctx)
            known = idx.tables()
            if cid not in known.problem:
                return ()
        else:
            other = index_for(ctx, cid)
            if other is None or cid not in other:
                return ()
            idx = other
        if idx.is_alt_id(cid):
            primary = idx.primary_id(cid)
            if primary is not None and not idx.is_obsolete(primary):
                msg = (
                    f"{cid} is an alternative id of {describe(idx, primary)} in {ontology_name(idx)} "
                    f"{release_of(idx)}; use the primary id"
                )
                fix = _retarget(value, primary, idx, safe=True, why=f"use the primary id {primary}")
                return [self.violation(msg, "id", fix=fix)]
        if not idx.is_obsolete(cid):
            return ()
        return [self._obsolete(cid, value, idx)]

    def _obsolete(self, cid: str, value: dict[str, Any], idx: OntologyView) -> Violation:
        where = f"{ontology_name(idx)} {release_of(idx)}"
        shown = value.get("label") if isinstance(value.get("label"), str) else idx.label(cid)
        head = f"{cid} ({shown!r}) is obsolete in {where}" if shown else f"{cid} is obsolete in {where}"
        rep = idx.replacement(cid)
        if rep is not None:
            fix = _retarget(value, rep, idx, safe=True, why=f"use {rep}, which replaces {cid}")
            return self.violation(f"{head}; replaced by {describe(idx, rep)}", "id", fix=fix)
        cands = idx.suggestions(cid)
        if len(cands) == 1:
            fix = _retarget(value, cands[0], idx, safe=False, why=f"consider {cands[0]}")
            return self.violation(f"{head}; consider {describe(idx, cands[0])}", "id", fix=fix)
        if cands:
            shown_c = ", ".join(describe(idx, c) for c in cands[:5])
            return self.violation(f"{head}; consider one of {shown_c}", "id")
        return self.violation(f"{head} and has no replacement; choose a current term", "id")
