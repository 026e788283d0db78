"""XREF001 xref-unknown-subject."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation, field_key, relative_pointer

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

    def check(self, node: Node, ctx: Context) -> list[Violation] | tuple[()]:
        """Compare every subjectOrBiosampleId with the ids of the phenopacket."""
        # loops inlined and a list returned (no generators), the usual reference (the subject id) accepted before
        # the biosample ids are collected: this runs once per phenopacket and usually finds nothing
        pp = node[0]  # node.value (tuple access: hot path)
        interps = pp.get("interpretations")  # the snake_case key is the same
        if type(interps) is not list:
            return ()
        subject = pp.get("subject")
        sid = subject.get("id") if isinstance(subject, dict) else None
        if not isinstance(sid, str):
            sid = None
        valid: set[str] | None = None
        found: list[Violation] = []
        for i, interp in enumerate(interps):
            if type(interp) is not dict:
                continue
            diag = interp.get("diagnosis")
            if not isinstance(diag, dict):
                continue
            # the field keys (:func:`field_key`) inlined: a call each per interpretation is most of the rule's cost
            if "genomicInterpretations" in diag:
                gk = "genomicInterpretations"
            elif "genomic_interpretations" in diag:
                gk = "genomic_interpretations"
            else:
                continue
            gis = diag[gk]
            if type(gis) is not list:
                continue
            for j, gi in enumerate(gis):
                if type(gi) is not dict:
                    continue
                if "subjectOrBiosampleId" in gi:
                    fk = "subjectOrBiosampleId"
                elif "subject_or_biosample_id" in gi:
                    fk = "subject_or_biosample_id"
                else:
                    continue
                ref = gi[fk]
                if ref == sid or not isinstance(ref, str) or not ref:
                    continue
                if valid is None:
                    valid = known_ids(pp)[1]
                    if sid is not None:
                        valid.add(sid)
                if ref in valid:
                    continue
                fix = None
                if sid is not None and ref.strip().lower() == sid.strip().lower():
                    at = relative_pointer("interpretations", i, "diagnosis", gk, j, fk)  # type: ignore[arg-type]
                    fix = self.replace(at, sid, description=f"use the subject id {sid!r}")
                known = ", ".join(repr(x) for x in sorted(valid)) or "none"
                found.append(
                    self.violation(
                        f"subjectOrBiosampleId {ref!r} is neither the subject id nor a biosample id (known: {known})",
                        "interpretations",
                        i,
                        "diagnosis",
                        gk,  # type: ignore[arg-type]
                        j,
                        fk,
                        fix=fix,
                    )
                )
        return found
