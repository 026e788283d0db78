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


def _member_ids(doc: Any) -> set[str]:
    """Subject and biosample ids of every phenopacket of a Family or Cohort, and its pedigree's individual ids."""
    ids: set[str] = set()
    if not isinstance(doc, dict):
        return ids
    members: list[Any] = [doc.get("proband")]
    for name in ("relatives", "members"):
        value = doc.get(name)
        if type(value) is list:
            members.extend(value)
    for pp in members:
        if isinstance(pp, dict):
            sid, bios = known_ids(pp)
            ids |= bios
            if sid is not None:
                ids.add(sid)
    pedigree = doc.get("pedigree")
    for _, _, person in _items(pedigree, "persons"):
        ident = person.get("individualId", person.get("individual_id"))
        if isinstance(ident, str):
            ids.add(ident)
    return ids


class XrefUnknownSubject(Rule):
    """A genomic interpretation names a subject or biosample id that the phenopacket does not have.

    What it checks
    --------------
    ``interpretations[*].diagnosis.genomicInterpretations[*].subjectOrBiosampleId`` must equal
    ``subject.id`` or the ``id`` of one of the phenopacket's ``biosamples``. When it differs from the
    subject id only by case or surrounding spaces a safe fix is offered. The keys of
    ``files[*].individualToFileIdentifiers`` (of the phenopacket and of its biosamples), which map "the
    Individual.id or Biosample.id" to a sample of the file, must be such ids too (**warning**); for the files of
    a Family or Cohort itself, the ids of its members, their biosamples and its pedigree persons.

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
    targets = ("Phenopacket", "Family", "Cohort")

    def check(self, node: Node, ctx: Context) -> list[Violation] | tuple[()]:
        """Compare every subjectOrBiosampleId with the ids of the phenopacket."""
        # loops inlined and a list returned (no generators), the usual reference (the subject id) accepted before
        # the biosample ids are collected: this runs once per phenopacket and usually finds nothing
        pp = node[0]  # node.value (tuple access: hot path)
        if node[1] != "Phenopacket":  # a Family's or Cohort's own files (node.type): their keys name members
            return self._group_files(pp) if "files" in pp else ()
        found: list[Violation] = self._files(pp, node, ctx) if "files" in pp or "biosamples" in pp else []
        interps = pp.get("interpretations")  # the snake_case key is the same
        if type(interps) is list:
            self._interpretations(pp, interps, found)
        return found

    def _group_files(self, doc: dict[str, Any]) -> list[Violation]:
        """The keys of a Family's or Cohort's own files that name no member, pedigree person or biosample."""
        out: list[Violation] = []
        members = _member_ids(doc)
        for fk, i, f in _items(doc, "files"):
            self._keys(f, members, out, (fk, i), "is the id of no member, pedigree person or biosample")
        return out

    def _interpretations(self, pp: dict[str, Any], interps: list[Any], found: list[Violation]) -> None:
        """Each genomic interpretation's subjectOrBiosampleId that names neither the subject nor a biosample."""
        subject = pp.get("subject")
        sid = subject.get("id") if isinstance(subject, dict) else None
        if not isinstance(sid, str):
            sid = None
        valid: set[str] | None = None
        for i, interp in enumerate(interps):
            diag = interp.get("diagnosis") if type(interp) is dict else None
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
                if ref not in valid:
                    found.append(self._unknown(ref, sid, valid, (i, gk, j, fk)))

    def _unknown(self, ref: str, sid: str | None, valid: set[str], at: tuple[int, str, int, str]) -> Violation:
        """The finding for ``ref`` at interpretations[i].diagnosis[gk][j][fk]; a fix when it is the subject id."""
        i, gk, j, fk = at
        fix = None
        if sid is not None and ref.strip().lower() == sid.strip().lower():
            where = relative_pointer("interpretations", i, "diagnosis", gk, j, fk)  # type: ignore[arg-type]
            fix = self.replace(where, sid, description=f"use the subject id {sid!r}")
        known = ", ".join(repr(x) for x in sorted(valid)) or "none"
        return self.violation(
            f"subjectOrBiosampleId {ref!r} is neither the subject id nor a biosample id (known: {known})",
            "interpretations",
            i,
            "diagnosis",
            gk,  # type: ignore[arg-type]
            j,
            fk,
            fix=fix,
        )

    def _files(self, pp: dict[str, Any], node: Node, ctx: Context) -> list[Violation]:
        """The ``individualToFileIdentifiers`` keys of the phenopacket's and its biosamples' files that name nobody.

        The spec maps "the Individual.id or Biosample.id" to a sample of the file: here the subject id or the id
        of one of the phenopacket's biosamples — in a Family or Cohort, of any of its members or pedigree persons
        (a **warning**: the mapping is RECOMMENDED, its key may be a sample label the author meant as such).
        """
        sid, valid = known_ids(pp)
        if sid is not None:
            valid.add(sid)
        if node[3] is not None:  # a member of a Family or Cohort (node.parent): its relatives count
            valid |= _member_ids(ctx.data)
        out: list[Violation] = []
        for fk, i, f in _items(pp, "files"):
            self._keys(f, valid, out, (fk, i))
        for bk, b, bio in _items(pp, "biosamples"):
            for fk, i, f in _items(bio, "files"):
                self._keys(f, valid, out, (bk, b, fk, i))
        return out

    def _keys(
        self,
        f: dict[str, Any],
        valid: set[str],
        out: list[Violation],
        path: tuple[Any, ...],
        what: str = "is neither the subject id nor a biosample id",
    ) -> None:
        mk = _k(f, "individualToFileIdentifiers")
        if mk is None or type(f[mk]) is not dict:
            return
        mapping = f[mk]
        for key in mapping:
            if key in valid:
                continue
            known = ", ".join(repr(x) for x in sorted(valid)) or "none"
            out.append(
                self.violation(
                    f"individualToFileIdentifiers key {key!r} {what} (known: {known})",
                    *path,
                    mk,
                    key,
                    severity=Severity.WARNING,
                )
            )
