"""XREF001 xref-unknown-subject."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from phenotk.issue import Severity
from phenotk.validate.rule import Context, Node, Rule, Violation, field_key

_k = field_key


def _items(d: Any, name: str) -> Iterator[tuple[str, int, dict[str, Any]]]:
    if isinstance(d, dict):
        key = _k(d, name)
        if key is not None:
            items = d[key]
            if type(items) is list:
                for i, item in enumerate(items):
                    if type(item) is dict:
                        yield key, i, item


def known_ids(pp: dict[str, Any]) -> tuple[str | None, set[str]]:
    """(subject id, biosample ids) of a phenopacket tree."""
    subj_key = _k(pp, "subject")
    subject = pp.get(subj_key) if subj_key else None
    sid = subject.get("id") if isinstance(subject, dict) else None
    bios = {str(b.get("id")) for _, _, b in _items(pp, "biosamples") if isinstance(b.get("id"), str)}
    return (sid if isinstance(sid, str) else None), bios


class XrefUnknownSubject(Rule):
    """A genomic interpretation names a subject or biosample id that the phenopacket does not have.

    What it checks
    --------------
    ``interpretations[*].diagnosis.genomicInterpretations[*].subjectOrBiosampleId`` must equal
    ``subject.id`` or the ``id`` of one of the phenopacket's ``biosamples``. When it differs from the
    subject id only by case or surrounding spaces a safe fix is offered.

    Why
    ---
    The link says *whose* genotype this is. A dangling id usually means a copy-paste from another
    individual's phenopacket: the variant may belong to someone else.

    Anti-pattern
    ------------
    ``"subject": {"id": "II-1"}`` … ``"subjectOrBiosampleId": "II:1"``

    Fixed
    -----
    ``"subjectOrBiosampleId": "II-1"``
    """

    code = "XREF001"
    name = "xref-unknown-subject"
    severity = Severity.ERROR
    targets = ("Phenopacket",)

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        """Compare every subjectOrBiosampleId with the ids of the phenopacket."""
        pp = node.value
        if "interpretations" not in pp:
            return
        sid, bios = known_ids(pp)
        valid = set(bios)
        if sid is not None:
            valid.add(sid)
        for ik, i, interp in _items(pp, "interpretations"):
            dk = _k(interp, "diagnosis")
            diag = interp.get(dk) if dk else None
            for gk, j, gi in _items(diag, "genomicInterpretations"):
                fk = _k(gi, "subjectOrBiosampleId")
                if fk is None:
                    continue
                ref = gi[fk]
                if not isinstance(ref, str) or not ref or ref in valid:
                    continue
                fix = None
                if sid is not None and ref.strip().lower() == sid.strip().lower():
                    fix = self.replace("", sid, description=f"use the subject id {sid!r}")
                known = ", ".join(repr(x) for x in sorted(valid)) or "none"
                yield self.violation(
                    f"subjectOrBiosampleId {ref!r} is neither the subject id nor a biosample id (known: {known})",
                    ik,
                    i,
                    dk,  # type: ignore[arg-type]
                    gk,
                    j,
                    fk,
                    fix=fix,
                )
