"""XREF005 xref-member-mismatch: a Family or Cohort and the run's own phenopacket files disagree about a person."""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from phenotk.issue import Severity
from phenotk.validation.hooks import LocateFn, RunFinding, RunHook
from phenotk.validation.rule import Context, Node, Token, Violation, field_key

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.io import Document

#: ``Sex`` enum numbers (a JSON value may be the number) → names
_SEX_NAMES = {0: "UNKNOWN_SEX", 1: "FEMALE", 2: "MALE", 3: "OTHER_SEX"}
#: sex values that state nothing: never compared
_UNSTATED = {None, "UNKNOWN_SEX"}

#: a place in a document: (path tokens relative to its root, line, column)
Place = tuple[tuple[Token, ...], int | None, int | None]


def _sex(value: Any) -> str | None:
    if isinstance(value, str):
        return value or None
    if type(value) is int:
        return _SEX_NAMES.get(value)
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _get(d: Any, name: str) -> Any:
    if not isinstance(d, dict):
        return None
    key = field_key(d, name)
    return None if key is None else d[key]


def _items(d: Any, name: str) -> Iterator[tuple[str, int, dict[str, Any]]]:
    key = field_key(d, name) if isinstance(d, dict) else None
    items = d[key] if key is not None else None
    if type(items) is list:
        for i, item in enumerate(items):
            if type(item) is dict:
                yield key, i, item  # type: ignore[misc]  # key is a str when items is a list


def _place(path: tuple[Token, ...], locate: LocateFn) -> Place:
    return (path, *locate("".join(f"/{t}" for t in path)))


class XrefMemberMismatch(RunHook):
    """A Family or Cohort and a phenopacket file of the same run disagree about a person.

    What it checks
    --------------
    Across the files of one run, for every Family and Cohort: a proband, relative or member phenopacket
    whose ``id`` is also the id of a phenopacket file of the run must have the same ``subject.id`` and the
    same ``subject.sex`` (when both state one) as that file; a pedigree person whose ``individualId`` is the
    ``subject.id`` of a phenopacket file of the run must have the same ``sex`` (when both state one). The
    finding is placed in the Family or Cohort, naming the other file. Phenopackets, Families and Cohorts
    given as separate files (or folders) of one ``phenotk validate`` run are compared, also with ``--jobs``
    and Dask: each document leaves a small note while it is checked and the comparison runs at the end.

    Why
    ---
    A family is often shared as one Family document plus one phenopacket file per person, and a cohort as
    a Cohort document next to the members' files. When the copies drift apart (a subject id re-typed, a
    sex corrected in one place only) a segregation or cohort analysis reads whichever copy it loads first.

    Anti-pattern
    ------------
    ``family.json``: ``"pedigree": {"persons": [{"individualId": "II-1", "sex": "FEMALE", …}]}`` and
    ``II-1.json``: ``{"id": "PMID_1_II-1", "subject": {"id": "II-1", "sex": "MALE"}, …}``

    Fixed
    -----
    Correct the copy that is wrong, so that both say ``"sex": "MALE"`` (or both ``FEMALE``).
    """

    code = "XREF005"
    name = "xref-member-mismatch"
    severity = Severity.ERROR
    targets = ()

    def remember(self, doc: Document, root: Node, ctx: Context, locate: LocateFn) -> Hashable | None:
        """A phenopacket's (id, subject id, sex); a family's or cohort's members and pedigree persons, placed."""
        data, kind = root[0], root[1]
        prefix = getattr(doc, "pointer_prefix", "") or ""
        if kind == "Phenopacket":  # every document of a run: kept small and cheap (the names read the same in
            subject = data.get("subject")  # snake_case); checked and normalised at the end, and only when the
            sid = subject.get("id") if type(subject) is dict else None  # run has a Family or Cohort
            pid = data.get("id")
            if type(pid) is not str and type(sid) is not str:
                return None
            return ("P", prefix, pid, sid, subject.get("sex") if type(subject) is dict else None)
        members: list[tuple[Any, ...]] = []
        persons: list[tuple[Any, ...]] = []
        if kind == "Family":
            proband_key = field_key(data, "proband") if isinstance(data, dict) else None
            if proband_key is not None:
                members.append(_member("proband", (proband_key,), data[proband_key], locate))
            for key, i, rel in _items(data, "relatives"):
                members.append(_member("relative", (key, i), rel, locate))
            ped_key = field_key(data, "pedigree") if isinstance(data, dict) else None
            for key, i, person in _items(data[ped_key] if ped_key else None, "persons"):
                pid = _str(_get(person, "individualId"))
                sex = _sex(_get(person, "sex"))
                if pid is not None and sex not in _UNSTATED:
                    persons.append((pid, sex, _place((ped_key, key, i, "sex"), locate)))  # type: ignore[arg-type]
        elif kind == "Cohort":
            for key, i, member in _items(data, "members"):
                members.append(_member("member", (key, i), member, locate))
        kept = tuple(m for m in members if m[1] is not None)
        if not kept and not persons:
            return None
        return ("F", prefix, kept, tuple(persons))

    def end_run(self, notes: Sequence[tuple[str, Any]]) -> Iterator[RunFinding]:
        """Each disagreement between a family's or cohort's copy and the phenopacket file of the same person."""
        if not any(note[0] == "F" for _, note in notes):
            return  # no Family or Cohort in the run (the common case): nothing to compare
        by_id: dict[str, tuple[str, str | None, str | None]] = {}
        by_subject: dict[str, tuple[str, str | None, str | None]] = {}
        for path, note in notes:
            if note[0] == "P":
                _, prefix, pid, sid, sex = note
                pid, sid, sex = _str(pid), _str(sid), _sex(sex)
                where = f"{path}#{prefix}" if prefix else path
                if pid is not None:
                    by_id.setdefault(pid, (where, sid, sex))
                if sid is not None:
                    by_subject.setdefault(sid, (where, pid, sex))
        if not by_id and not by_subject:
            return
        for k, (_path, note) in enumerate(notes):
            if note[0] == "F":
                yield from self._compare(k, note, by_id, by_subject)

    def _compare(
        self,
        k: int,
        note: tuple[Any, ...],
        by_id: dict[str, tuple[str, str | None, str | None]],
        by_subject: dict[str, tuple[str, str | None, str | None]],
    ) -> Iterator[RunFinding]:
        _, prefix, members, persons = note
        head: tuple[Token, ...] = tuple(prefix.split("/")[1:]) if prefix else ()
        for role, pid, sid, sex, sid_place, sex_place in members:
            other = by_id.get(pid)
            if other is None:
                continue
            where, other_sid, other_sex = other
            if sid is not None and other_sid is not None and sid != other_sid:
                msg = f"{role} phenopacket {pid!r} has subject {sid!r} here but {other_sid!r} in {where}"
                yield _finding(k, msg, head, sid_place)
            if sex not in _UNSTATED and other_sex not in _UNSTATED and sex != other_sex:
                msg = f"{role} phenopacket {pid!r} is {sex} here but {other_sex} in {where}"
                yield _finding(k, msg, head, sex_place)
        for pid, sex, sex_place in persons:
            other = by_subject.get(pid)
            if other is None:
                continue
            where, other_pid, other_sex = other
            if other_sex not in _UNSTATED and sex != other_sex:
                own = f" (phenopacket {other_pid!r})" if other_pid else ""
                msg = f"pedigree person {pid!r} is {sex} here but {other_sex} in {where}{own}"
                yield _finding(k, msg, head, sex_place)


def _member(role: str, path: tuple[Token, ...], pp: Any, locate: LocateFn) -> tuple[Any, ...]:
    """(role, id, subject id, sex, place of subject.id, place of subject.sex) of an embedded phenopacket."""
    subject_key = field_key(pp, "subject") if isinstance(pp, dict) else None
    subject = pp[subject_key] if subject_key else None
    sid, sex = _str(_get(subject, "id")), _sex(_get(subject, "sex"))
    sub = (*path, subject_key or "subject")
    sid_place = _place((*sub, "id"), locate) if sid is not None else None
    sex_place = _place((*sub, "sex"), locate) if sex not in _UNSTATED else None
    return (role, _str(_get(pp, "id")), sid, sex, sid_place, sex_place)


def _finding(k: int, message: str, head: tuple[Token, ...], place: Place) -> RunFinding:
    path, line, column = place
    return RunFinding(k, Violation(message, (*head, *path)), line, column)
