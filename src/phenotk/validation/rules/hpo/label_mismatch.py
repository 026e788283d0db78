"""HPO003 hpo-label-mismatch."""

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


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


class LabelMismatch(Rule):
    """A label that is not the current label of the id next to it.

    What it checks
    --------------
    For every ontology class with a current (not obsolete, not alt) ``HP:`` id — or an id of another
    loaded ontology — the ``label`` equals the term's label in the loaded release. The message says
    when the label is a synonym of the term, when it differs only in case or spacing, and when it is
    the label (or a synonym) of *another* term: then the id may be the mistake as well as the label, two
    repairs are possible, and the finding names both and offers **no** fix. Otherwise the fix writes the
    current label (**safe**).

    When the document's ``metaData`` cites a newer HPO release than the loaded one, the term may
    simply have been renamed since: the finding is then **info** with no fix (a label that differs only in
    case or spacing gets one ``phenotk fix --unsafe`` applies), so ``phenotk fix`` (``--unsafe`` too) never
    turns a newer label back into an older one. Obsolete terms and alt ids are
    left to ``hpo-obsolete-term``, which fixes id and label together.

    Why
    ---
    Readers trust the label, software trusts the id: when they disagree one of them is wrong, and a
    stale label hides which term was really annotated.

    Anti-pattern
    ------------
    ``{"id": "HP:0001250", "label": "Seizures"}`` (a synonym)

    Fixed
    -----
    ``{"id": "HP:0001250", "label": "Seizure"}``
    """

    code = "HPO003"
    name = "hpo-label-mismatch"
    severity = Severity.WARNING
    targets = ("OntologyClass",)
    requires_hpo = True
    batch = True

    def check_batch(self, nodes: list[Node], ctx: Context) -> list[tuple[Node, Violation]]:
        """All ontology classes of a document at once: a matching HPO label costs one dict probe."""
        suspects = class_suspects(nodes, ctx)  # the pass the three term rules share
        if not suspects:  # most documents
            return []
        labels = loaded_hpo(ctx).tables().labels
        others = bool(extra_ontologies(ctx))
        out: list[tuple[Node, Violation]] = []
        for node in suspects:
            value = node.value
            cid = value.get("id")
            if type(cid) is not str or labels.get(cid) == value.get("label"):
                continue
            if not (others or cid.startswith("HP:")):
                continue
            out.extend((node, v) for v in self.check(node, ctx))
        return out

    def __init__(self) -> None:
        self._made: dict[tuple[Any, ...], tuple[str, Fix | None, Severity | None]] = {}

    def check(self, node: Node, ctx: Context) -> Any:
        """Compare the written label with the release's."""
        value = node.value
        cid = value.get("id")
        label = value.get("label")
        if type(cid) is not str or type(label) is not str or not label:
            return ()
        if cid.startswith("HP:"):
            idx = loaded_hpo(ctx)
            known = idx.tables()
            current = known.labels.get(cid)
            if current is None or current == label:
                return ()
        else:
            other = index_for(ctx, cid)
            if other is None:
                return ()
            idx = other
            current = idx.label(cid)
        if current is None or current == label or idx.is_alt_id(cid) or idx.is_obsolete(cid):
            return ()
        return [self._mismatch(cid, label, current, idx, ctx)]

    def _mismatch(self, cid: str, label: str, current: str, idx: OntologyView, ctx: Context) -> Violation:
        cited = document_newer_than(ctx, idx)
        key = (cid, label, current, cited, id(idx))
        made = self._made.get(key)  # the same stale label recurs across the documents of a run
        if made is None:
            made = self._describe(cid, label, current, idx, cited)
            if len(self._made) < 50_000:
                self._made[key] = made
        msg, fix, severity = made
        return self.violation(msg, "label", fix=fix, severity=severity)

    def _describe(
        self, cid: str, label: str, current: str, idx: OntologyView, cited: str | None
    ) -> tuple[str, Fix | None, Severity | None]:
        name, rel = ontology_name(idx), release_of(idx)
        msg = f"label {label!r} of {cid} is not its {name} {rel} label {current!r}"
        ambiguous = False
        if _norm(label) == _norm(current):
            msg += " (differs only in case or spacing)"
        else:
            # the terms whose label or synonym the label is (case and spacing folded as by _norm): the id's own
            # term among them means one of its synonyms, its label differing (see above). The one table answers
            # both questions: a run never unpacks every term's synonyms for the few stale labels it meets.
            named = idx.lookup(label)
            if cid in named:
                msg += "; it is a synonym — use the term's label"
            else:
                others = [t for t in named if t != cid and not idx.is_obsolete(t)]
                if others:
                    # two repairs: the id's label (keep the id) or the other term's id (keep the label) — which
                    # one the curator meant is a judgement call, so no fix is offered, not even a suggestion
                    other = others[0]
                    other_label = idx.label(other) or ""
                    kind = "the label" if _norm(other_label) == _norm(label) else "a synonym"
                    msg += (
                        f"; {label!r} is {kind} of {describe(idx, other)} — either the label should be {current!r}"
                        f" (keep {cid}) or the id should be {other} (keep the label): no automatic fix"
                    )
                    ambiguous = True
        fix = Fix((PatchOp("replace", "/label", current),), safe=True, description=f"use the label {current!r}")
        if cited is not None:
            msg += f"; the document cites {name} {cited}, which may have renamed the term"
            if _norm(label) != _norm(current):
                # the newer label is likely right: a fix (even one only `fix --unsafe` applies) would turn it back
                # into the older one (1,246 store labels did)
                return msg + ("" if ambiguous else ": no automatic fix"), None, Severity.INFO
            return msg, Fix(fix.ops, safe=False, description=fix.description), Severity.INFO  # case or spacing
        return msg, None if ambiguous else fix, None
