"""HPO001 hpo-unknown-term."""

from __future__ import annotations

from typing import Any

from phenotk.issue import Fix, PatchOp, Severity
from phenotk.ontology.view import OntologyView
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.hpo._common import (
    class_suspects,
    describe,
    document_newer_than,
    extra_ontologies,
    index_for,
    loaded_hpo,
    ontology_name,
    release_of,
)


class UnknownTerm(Rule):
    """An ontology id the loaded release does not have (HPO; MONDO, GENO … when their files are loaded).

    What it checks
    --------------
    Every ontology class whose id has the ``HP:`` prefix (and ids of any other ontology loaded with
    ``--ontology PREFIX=FILE``) is looked up in the loaded release. An absent id gets one of two
    messages:

    * ``not in HPO <release>; newer than this release — update HPO`` (**warning**) when the id lies
      in id space the release has not allocated yet (above its highest id, or in a long unallocated
      stretch), or when the document's ``metaData`` cites a newer HPO release than the loaded one:
      such ids were almost certainly minted after the release, so they are not errors;
    * ``no such HPO term`` (**error**) otherwise: a typo or an invented id. When the ``label`` names
      a term of the release, that id is suggested (not applied automatically).

    Ids that do not even have the ontology's shape (``HP:123``) are left to the syntax rules.

    Why
    ---
    An id that no release knows makes the annotation unusable by every downstream tool; an id that
    is merely newer than the release you validate with is fine and only asks for an HPO update.

    Anti-pattern
    ------------
    ``{"id": "HP:0001251", "label": "Seizure"}`` in a document curated with HPO 2025-05-06 (a typo:
    no such term; *Seizure* is HP:0001250)

    Fixed
    -----
    ``{"id": "HP:0001250", "label": "Seizure"}``
    """

    code = "HPO001"
    name = "hpo-unknown-term"
    severity = Severity.ERROR
    targets = ("OntologyClass",)
    requires_hpo = True
    batch = True

    def check_batch(self, nodes: list[Node], ctx: Context) -> list[tuple[Node, Violation]]:
        """All ontology classes of a document at once: known HPO ids cost one set probe each."""
        suspects = class_suspects(nodes, ctx)  # the pass the three term rules share
        if not suspects:  # most documents
            return []
        known = loaded_hpo(ctx).tables().primary
        others = bool(extra_ontologies(ctx))
        out: list[tuple[Node, Violation]] = []
        for node in suspects:
            cid = node.value.get("id")
            if type(cid) is not str or cid in known or not (others or cid.startswith("HP:")):
                continue
            out.extend((node, v) for v in self.check(node, ctx))
        return out

    def check(self, node: Node, ctx: Context) -> Any:
        """Look the class's id up in the release that answers its prefix."""
        value = node.value
        cid = value.get("id")
        if type(cid) is not str:
            return ()
        if cid.startswith("HP:"):
            idx = loaded_hpo(ctx)
            known = idx.tables()
            if cid in known.primary:
                return ()
        else:
            other = index_for(ctx, cid)
            if other is None or cid in other:
                return ()
            idx = other
        return self._absent(cid, value, idx, ctx)

    def _absent(self, cid: str, value: dict[str, Any], idx: OntologyView, ctx: Context) -> list[Violation]:
        status = str(getattr(idx.id_status(cid), "value", idx.id_status(cid)))
        if status == "malformed":
            return []
        name, rel = ontology_name(idx), release_of(idx)
        if status == "newer":
            msg = f"{cid} is not in {name} {rel}; newer than this release — update {name}"
            return [self.violation(msg, "id", severity=Severity.WARNING)]
        cited = document_newer_than(ctx, idx)
        if cited is not None:
            msg = (
                f"{cid} is not in {name} {rel}; newer than this release — update {name} "
                f"(the document cites {name} {cited})"
            )
            return [self.violation(msg, "id", severity=Severity.WARNING)]
        msg = f"no such {name} term {cid} in {name} {rel}"
        fix = None
        label = value.get("label")
        if isinstance(label, str) and label.strip():
            named = [t for t in idx.lookup(label) if not idx.is_obsolete(t)]
            if len(named) == 1:
                msg += f"; the label {label!r} names {describe(idx, named[0])} — is the id mistyped?"
                fix = Fix(
                    (PatchOp("replace", "/id", named[0]),),
                    safe=False,
                    description=f"use {named[0]}, the term the label names",
                )
            elif named:
                msg += f"; the label {label!r} names {', '.join(named[:4])}"
        return [self.violation(msg, "id", fix=fix)]
