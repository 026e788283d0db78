"""PED (6-column pedigree) text ↔ ``Pedigree.Person`` lists, and pedigree consistency checks.

A PED line is ``family individual father mother sex phenotype`` separated by whitespace (in a tab-separated
line only tabs separate: a field may be empty or hold a space); ``0`` or an empty field means "no parent";
sex ``1`` male, ``2`` female, the word ``other`` OTHER_SEX, anything else unknown; phenotype ``2`` affected,
``1`` unaffected, ``0``/``-9`` missing — unless a number outside these codes makes the column quantitative
(PLINK's rule): then no value is an affected status. PLINK ``.ped`` files carry genotypes after column 6
(ignored here, with a finding). A first line that names the columns (``#family_id …`` or ``FID IID …``) is a
header.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from phenopackets import Pedigree

from phenotk.io.sourcemap import join
from phenotk.issue import Issue, Severity

from . import findings as F

Person: TypeAlias = Pedigree.Person

#: PED sex code → Phenopacket Sex enum name (other codes: UNKNOWN_SEX with a finding).
SEX_CODES = {"1": "MALE", "2": "FEMALE", "0": "UNKNOWN_SEX", "-9": "UNKNOWN_SEX"}
_SEX_WORDS = {
    "other": "OTHER_SEX",
    "m": "MALE",
    "male": "MALE",
    "f": "FEMALE",
    "female": "FEMALE",
    "u": "UNKNOWN_SEX",
    "unknown": "UNKNOWN_SEX",
}
#: PED phenotype code → Pedigree.Person.AffectedStatus name.
STATUS_CODES = {"2": "AFFECTED", "1": "UNAFFECTED", "0": "MISSING", "-9": "MISSING", ".": "MISSING"}
#: Phenotype words some tools write instead of the codes (slivar / peddy test PEDs: affected, unaffected).
_STATUS_WORDS = {"affected": "AFFECTED", "unaffected": "UNAFFECTED", "missing": "MISSING", "unknown": "MISSING"}
_MISSING_PARENT = {"0", ".", "-9", ""}
_HEADER_WORDS = {
    "fid",
    "iid",
    "family",
    "family_id",
    "familyid",
    "individual",
    "individual_id",
    "sample",
    "id",
    "pid",
    "mid",
    "sex",
    "phenotype",
    "pat",
    "mat",
    "father",
    "mother",
    "paternal_id",
    "maternal_id",
}

SEX_NAMES = Person.DESCRIPTOR.fields_by_name["sex"].enum_type.values_by_name
STATUS = Person.AffectedStatus


def at_line(line: int) -> dict[str, Any]:
    """Finding keywords for a PED line: PED input has no JSON pointer, so the line is the location."""
    return {"line": line, "row": line}


@dataclass
class PedFamily:
    """The persons of one family id in a PED file, with the line each came from."""

    family_id: str
    persons: list[Person] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


def _columns(text: str) -> list[tuple[str, int]]:
    """Whitespace-separated fields with their 1-based start column."""
    out, i, n = [], 0, len(text)
    while i < n:
        while i < n and text[i] in " \t\r":
            i += 1
        if i >= n:
            break
        j = i
        while j < n and text[j] not in " \t\r":
            j += 1
        out.append((text[i:j], i + 1))
        i = j
    return out


def _fields(raw: str) -> list[tuple[str, int]]:
    """The fields of a PED line with their 1-based start column.

    Whitespace separates fields, except in a tab-separated line (six or more fields between tabs): there each
    tab ends a field, so an empty field is kept (slivar's test PEDs leave founders' parents empty) and an id
    with a space (``John Smith`` from a spreadsheet) stays one field instead of shifting every later column —
    unless splitting on all whitespace puts more valid codes in the sex and phenotype columns (a space before
    the tabs: ``F1 A<TAB>0<TAB>0<TAB>1<TAB>2<TAB>x``).
    """
    body = raw.strip()
    spaced = _columns(raw)
    if body.count("\t") < 5:
        return spaced
    out, start = [], raw.index(body[0])
    for part in body.split("\t"):
        value = part.strip(" \r")
        out.append((value, start + (part.index(value) if value else 0) + 1))
        start += len(part) + 1
    return spaced if len(spaced) >= 6 and _codes(spaced) > _codes(out) else out


def _codes(cols: Sequence[tuple[str, int]]) -> int:
    """How many of the sex and phenotype columns of a split line hold a PED code or word (0 to 2)."""
    sex, pheno = cols[4][0], cols[5][0]
    return int(sex in SEX_CODES or sex.lower() in _SEX_WORDS) + int(
        pheno in STATUS_CODES or pheno.lower() in _STATUS_WORDS or _is_number(pheno)
    )


def _status_word(pheno: str, lineno: int, column: int, ind: str, issues: list[Issue]) -> str | None:
    """The status a phenotype word states (``affected`` → AFFECTED), with an info finding; None for others."""
    status = _STATUS_WORDS.get(pheno.strip().lower())
    if status is not None:
        issues.append(F.BAD_CODE(f"line {lineno}: phenotype {pheno!r} read as {status} (PED uses 2/1/0)",
                                 severity=Severity.INFO, column=column, individual=ind, value=pheno,
                                 **at_line(lineno)))
    return status


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_header(words: Sequence[str]) -> bool:
    """A first line that names the columns: two or more column names, and no sex code where a PED has sex.

    One name is not enough: a family or sample id may be ``sample`` or ``id`` (``sample sample_3 0 0 m 1``).
    """
    if len(words) < 2 or sum(w.lower() in _HEADER_WORDS for w in words[:6]) < 2:
        return False
    return not (len(words) >= 5 and (words[4] in SEX_CODES or words[4].lower() in _SEX_WORDS))


def parse_ped(text: str, severity: Severity = Severity.WARNING) -> tuple[list[PedFamily], list[Issue]]:
    """Families (in file order) and findings for a PED text. Never raises; bad lines become findings."""
    issues: list[Issue] = []
    families: dict[str, PedFamily] = {}
    seen_data = False
    extra_cols = 0
    kept: dict[str, dict[str, str]] = {}  # values of header-named extra columns, by line and individual
    names: list[str] = []  # the header's column names (a '#family_id …' line or a header line)
    coded: list[tuple[Person, int, int, str]] = []  # persons whose status came from a code, with line and column
    quantitative: tuple[int, str] | None = None  # the first phenotype that makes the column quantitative
    for lineno, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        cols = _fields(raw)
        words = [c[0] for c in cols]
        if stripped.startswith("#"):
            names = [w.lstrip("#") for w in words] if not seen_data else names
            continue  # header or comment
        if not seen_data and _is_header(words):
            names = words
            seen_data = True
            issues.append(F.HEADER(f"line {lineno} is a header; skipped", column=1, **at_line(lineno)))
            continue
        seen_data = True
        if len(words) < 6:
            issues.append(
                F.COLUMN_COUNT(
                    f"line {lineno} has {len(words)} column(s); a PED line needs 6 "
                    "(family, individual, father, mother, sex, phenotype); skipped",
                    column=1,
                    text=stripped[:120],
                    **at_line(lineno),
                )
            )
            continue
        fam, ind, pat, mat, sex, pheno = words[:6]
        if len(words) > 6:
            extra_cols += 1
            named = names[6:]
            # sample metrics a header names, each column (not PLINK genotypes, which no header names)
            if 0 < len(words) - 6 <= len(named) <= 50:
                kept[f"line {lineno} ({ind})"] = dict(zip(named, words[6:], strict=False))
        person = Person(family_id=fam, individual_id=ind)
        person.paternal_id = "" if pat in _MISSING_PARENT else pat
        person.maternal_id = "" if mat in _MISSING_PARENT else mat
        person.sex = SEX_NAMES[_sex(sex, lineno, cols[4][1], ind, severity, issues)].number  # type: ignore[assignment]
        status = STATUS_CODES.get(pheno)
        if status is not None and pheno not in ("-9", "."):  # missing in a quantitative column too
            coded.append((person, lineno, cols[5][1], pheno))
        status = status or _status_word(pheno, lineno, cols[5][1], ind, issues)
        if status is None:
            if _is_number(pheno) and quantitative is None:
                quantitative = (lineno, pheno)
            status = _unread_status(pheno, lineno, cols[5][1], ind, severity, issues)
        person.affected_status = STATUS.Value(status)
        fam_entry = families.setdefault(fam, PedFamily(fam))
        fam_entry.persons.append(person)
        fam_entry.lines.append(lineno)
    if quantitative is not None:
        _unread_codes(coded, quantitative, severity, issues)
    if extra_cols:
        issues.append(_extra_columns(extra_cols, names[6:], kept))
    return list(families.values()), issues


def _extra_columns(lines: int, named: list[str], kept: dict[str, dict[str, str]]) -> Issue:
    """The one finding for the lines with columns past the sixth (their values when a header names them)."""
    what = (f"columns 7+ ({', '.join(named[:6])}{' …' if len(named) > 6 else ''})" if named
            else "columns 7+ (PLINK genotypes?)")
    return F.EXTRA_COLUMNS(
        f"{lines} line(s) have more than 6 columns; {what} are not carried"
        + (" (their values are kept in this finding)" if kept else ""),
        value=kept or None,
    )


def _sex(sex: str, lineno: int, column: int, ind: str, severity: Severity, issues: list[Issue]) -> str:
    """The Sex name of a PED sex cell: a code, or a word with an info finding; anything else unknown, reported."""
    sex_name = SEX_CODES.get(sex) or _SEX_WORDS.get(sex.lower())
    if sex_name is None:
        issues.append(
            F.BAD_CODE(
                f"line {lineno}: sex {sex!r} is not 1 (male), 2 (female) or 0 (unknown); read as unknown",
                severity=severity,
                column=column,
                individual=ind,
                **at_line(lineno),
            )
        )
        return "UNKNOWN_SEX"
    if sex not in SEX_CODES:
        issues.append(
            F.BAD_CODE(
                f"line {lineno}: sex {sex!r} read as {sex_name} (PED uses 1/2/0)",
                severity=Severity.INFO,
                column=column,
                individual=ind,
                **at_line(lineno),
            )
        )
    return sex_name


def _unread_status(pheno: str, lineno: int, column: int, ind: str, severity: Severity, issues: list[Issue]) -> str:
    """MISSING for a phenotype that is no status code or word, with a finding (a number: a quantitative trait)."""
    why = "a quantitative trait cannot be carried; " if _is_number(pheno) else ""
    issues.append(
        F.BAD_CODE(
            f"line {lineno}: phenotype {pheno!r} is not 2 (affected), 1 (unaffected) or 0/-9 "
            f"(missing); {why}read as MISSING",
            severity=severity,
            column=column,
            individual=ind,
            value=pheno,
            **at_line(lineno),
        )
    )
    return "MISSING"


def _unread_codes(
    coded: Sequence[tuple[Person, int, int, str]],
    quantitative: tuple[int, str],
    severity: Severity,
    issues: list[Issue],
) -> None:
    """A quantitative phenotype column: its 0/1/2 values are trait values, not statuses (PLINK's rule).

    Each such person becomes MISSING, with a finding that keeps the value.
    """
    q_line, q_value = quantitative
    for person, lineno, column, pheno in coded:
        person.affected_status = STATUS.Value("MISSING")
        issues.append(
            F.BAD_CODE(
                f"line {lineno}: phenotype {pheno!r} read as MISSING: the phenotype column is quantitative "
                f"(line {q_line}: {q_value!r}), so {pheno!r} is a trait value, not an affected status; "
                "a quantitative trait cannot be carried",
                severity=severity,
                column=column,
                individual=person.individual_id,
                value=pheno,
                **at_line(lineno),
            )
        )


def check_pedigree(
    persons: Sequence[Person],
    *,
    lines: Sequence[int] | None = None,
    pointer: str = "/pedigree/persons",
    others: Collection[str] = (),
) -> list[Issue]:
    """Consistency findings for one family's persons: duplicates, unknown parents, role conflicts, cycles.

    ``lines`` gives the PED line of each person (findings then carry line numbers instead of only pointers);
    ``others`` are the ids of the whole file (a set, checked by membership): an unknown parent found there is in
    another family, which the message says.
    """
    issues: list[Issue] = []

    def where(i: int) -> dict[str, Any]:
        if lines:  # PED input: the line is the location (there is no JSON document to point into)
            return at_line(lines[i])
        return {"pointer": join(pointer, i)}

    by_id: dict[str, int] = {}
    for i, p in enumerate(persons):
        if not p.individual_id:
            issues.append(F.DUPLICATE_ID("a person without an individual id", **where(i)))
            continue
        if p.individual_id in by_id:
            first = by_id[p.individual_id]
            seen = f"line {lines[first]}" if lines else join(pointer, first)
            issues.append(
                F.DUPLICATE_ID(
                    f"individual {p.individual_id!r} is listed twice in family (first at {seen})",
                    individual=p.individual_id,
                    **where(i),
                )
            )
        else:
            by_id[p.individual_id] = i
    fathers_of: dict[str, str] = {}
    mothers_of: dict[str, str] = {}
    both: set[str] = set()  # parents reported as both father and mother of one child
    for i, p in enumerate(persons):
        for role, parent in (("father", p.paternal_id), ("mother", p.maternal_id)):
            if parent in _MISSING_PARENT:  # "" or the PED/phenopacket "0" (unknown): no parent
                continue
            if parent == p.individual_id:
                issues.append(
                    F.CYCLE(
                        f"{p.individual_id!r} is its own {role}",
                        individual=p.individual_id,
                        **where(i),
                    )
                )
                continue
            if parent not in by_id:
                extra = " (it is in another family of this file)" if parent in others else ""
                issues.append(
                    F.UNKNOWN_PARENT(
                        f"{role} {parent!r} of {p.individual_id!r} is not a person of this family{extra}",
                        individual=p.individual_id,
                        **where(i),
                    )
                )
            (fathers_of if role == "father" else mothers_of)[parent] = p.individual_id
        if p.paternal_id not in _MISSING_PARENT and p.paternal_id == p.maternal_id:
            both.add(p.paternal_id)
            issues.append(
                F.ROLE_CONFLICT(
                    f"{p.paternal_id!r} is both father and mother of {p.individual_id!r}",
                    individual=p.individual_id,
                    **where(i),
                )
            )
    for parent, child in fathers_of.items():
        idx = by_id.get(parent)
        if idx is not None and persons[idx].sex == SEX_NAMES["FEMALE"].number:
            issues.append(
                F.ROLE_CONFLICT(
                    f"{parent!r} is the father of {child!r} but has sex FEMALE",
                    severity=Severity.WARNING,
                    individual=parent,
                    **where(idx),
                )
            )
        if parent in mothers_of and idx is not None and parent not in both:  # "both father and mother" said it
            issues.append(
                F.ROLE_CONFLICT(
                    f"{parent!r} is the father of {child!r} and the mother of {mothers_of[parent]!r}",
                    individual=parent,
                    **where(idx),
                )
            )
    for parent, child in mothers_of.items():
        idx = by_id.get(parent)
        if idx is not None and persons[idx].sex == SEX_NAMES["MALE"].number:
            issues.append(
                F.ROLE_CONFLICT(
                    f"{parent!r} is the mother of {child!r} but has sex MALE",
                    severity=Severity.WARNING,
                    individual=parent,
                    **where(idx),
                )
            )
    issues.extend(_cycles(persons, by_id, where))
    return issues


def _cycles(persons: Sequence[Person], by_id: dict[str, int], where: Any) -> list[Issue]:
    """One finding per ancestry cycle (someone who is their own ancestor), found by depth-first search."""
    parents = {
        p.individual_id: [x for x in (p.paternal_id, p.maternal_id) if x and x in by_id and x != p.individual_id]
        for p in persons
        if p.individual_id
    }
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    issues: list[Issue] = []
    reported: set[frozenset[str]] = set()
    for start in parents:
        if state.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            node, k = stack.pop()
            if k == 0:
                state[node] = 1
                path.append(node)
            ps = parents.get(node, [])
            if k < len(ps):
                stack.append((node, k + 1))
                nxt = ps[k]
                if state.get(nxt) == 1:
                    loop = path[path.index(nxt) :]
                    key = frozenset(loop)
                    if key not in reported:
                        reported.add(key)
                        chain = " → ".join([*loop, nxt])
                        issues.append(
                            F.CYCLE(
                                f"ancestry cycle: {chain} (each is a parent of the one before)",
                                individual=nxt,
                                **where(by_id[nxt]),
                            )
                        )
                elif not state.get(nxt):
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
    return issues


def format_ped(rows: Iterable[Sequence[str]], *, header: bool = False) -> str:
    """PED text (tab-separated) for rows of six fields."""
    out = ["#family_id\tindividual_id\tpaternal_id\tmaternal_id\tsex\tphenotype"] if header else []
    out.extend("\t".join(r) for r in rows)
    return "\n".join(out) + ("\n" if out else "")
