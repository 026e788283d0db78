"""XREF003 xref-pedigree."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Token, Violation
from phenotk.validation.rules.xref.unknown_subject import _items, _k

#: values meaning "parent not in the pedigree" (PED convention)
_NO_PARENT = {"", "0"}


def _subject_id(pp: Any) -> str | None:
    if not isinstance(pp, dict):
        return None
    sk = _k(pp, "subject")
    subj = pp.get(sk) if sk else None
    sid = subj.get("id") if isinstance(subj, dict) else None
    return sid if isinstance(sid, str) and sid else None


class XrefPedigree(Rule):
    """Family pedigree and phenopackets disagree: a member missing from the pedigree, or unknown parents.

    What it checks
    --------------
    In a Family: the proband's and each relative's ``subject.id`` appear as an ``individualId`` in
    ``pedigree.persons``; every ``paternalId``/``maternalId`` other than ``0`` or empty names a person
    of the pedigree; a person is not their own parent; the father is not recorded ``FEMALE`` nor the
    mother ``MALE``; person ids are unique.

    Why
    ---
    Segregation analysis (which affected relatives carry the variant) reads the pedigree; a phenopacket
    not linked into it is silently left out.

    Severity: a member missing from the pedigree, a person listed twice or their own parent is an error. A parent
    id that names nobody of the pedigree, and a father recorded ``FEMALE`` or a mother ``MALE``, are warnings:
    PED files written by sequencing pipelines (peddy, PLINK ``.fam``) often name parents who were not sequenced,
    the schema does not forbid it, and pedigree tools read such a parent as unknown — the PED converter reports
    the same fact as a warning (``pedigree-unknown-parent``).

    Anti-pattern
    ------------
    ``"proband": {"subject": {"id": "III-1"}}`` with ``"pedigree": {"persons": [{"individualId": "III:1", …}]}``

    Fixed
    -----
    ``"pedigree": {"persons": [{"familyId": "F1", "individualId": "III-1", "paternalId": "II-1", …}]}``
    """

    code = "XREF003"
    name = "xref-pedigree"
    severity = Severity.ERROR
    targets = ("Family",)

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        """Cross-check pedigree persons against proband and relatives."""
        fam = node.value
        pk = _k(fam, "pedigree")
        ped = fam.get(pk) if pk else None
        persons = list(_items(ped, "persons"))
        ids: dict[str, dict[str, Any]] = {}
        for sk, i, person in persons:
            pid = person.get(_k(person, "individualId") or "individualId")
            if isinstance(pid, str):
                if pid in ids:
                    yield self.violation(f"pedigree lists person {pid!r} twice", pk, sk, i)  # type: ignore[arg-type]
                ids[pid] = person
        if pk is None or not persons:
            return  # schema-required reports the missing pedigree
        members: list[tuple[tuple[Token, ...], str]] = []
        prk = _k(fam, "proband")
        if prk is not None:
            sid = _subject_id(fam[prk])
            if sid is not None:
                members.append(((prk, "subject", "id"), sid))
        for rk, i, rel in _items(fam, "relatives"):
            sid = _subject_id(rel)
            if sid is not None:
                members.append(((rk, i, "subject", "id"), sid))
        for path, sid in members:
            if sid not in ids:
                yield self.violation(f"family member {sid!r} is not in the pedigree", *path)
        for sk, i, person in persons:
            pid = person.get(_k(person, "individualId") or "individualId")
            for field, bad_sex, role in (("paternalId", "FEMALE", "father"), ("maternalId", "MALE", "mother")):
                fk = _k(person, field)
                parent = person.get(fk) if fk else None
                if not isinstance(parent, str) or parent.strip() in _NO_PARENT:
                    continue
                if parent == pid:
                    yield self.violation(f"person {pid!r} is recorded as their own {role}", pk, sk, i, fk)  # type: ignore[arg-type]
                elif parent not in ids:
                    yield self.violation(
                        f"{role} {parent!r} of {pid!r} is not a person of the pedigree (add them, or use '0' for "
                        "unknown)",
                        pk,  # type: ignore[arg-type]
                        sk,
                        i,
                        fk,  # type: ignore[arg-type]
                        severity=Severity.WARNING,
                    )
                elif ids[parent].get("sex") == bad_sex:
                    yield self.violation(
                        f"{role} {parent!r} of {pid!r} is recorded as {bad_sex}",
                        pk,  # type: ignore[arg-type]
                        sk,
                        i,
                        fk,  # type: ignore[arg-type]
                        severity=Severity.WARNING,
                    )
