"""The ``ped`` converter: PED pedigree files ↔ Phenopacket ``Family`` messages (``Family.pedigree``).

Reading: one Family per family id. PED has no proband column, so the proband is ``-O proband=ID`` or the first
affected person (else the first person). With ``-O phenopackets=PATH[,PATH…]`` the phenopackets whose
``subject.id`` matches a person become the proband and the relatives (linked by id); otherwise the proband is a
stub with only id and sex. Writing: one line per pedigree person; everything else of the Family is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, ClassVar

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from phenopackets import Cohort, Family, Individual, MetaData, Phenopacket

from phenotk.conversion.base import Converted, ConvertOptions, FormatReader, FormatWriter
from phenotk.errors import InputError, UsageError
from phenotk.io import Document, atomic_write, iter_documents
from phenotk.io.sourcemap import join
from phenotk.issue import Issue, Severity

from .pedigree import STATUS, STATUS_CODES, PedFamily, Person, check_pedigree, format_ped, parse_ped

SCHEMA_VERSION = "2.0.2"
_SEX_OUT = {0: "0", 1: "2", 2: "1", 3: "0"}  # UNKNOWN, FEMALE, MALE, OTHER → PED code
_STATUS_OUT = {STATUS.Value("MISSING"): "0", STATUS.Value("UNAFFECTED"): "1", STATUS.Value("AFFECTED"): "2"}
_DATA_LINE = re.compile(rb"^\s*\S+\s+\S+\s+\S+\s+\S+\s+(0|1|2|-9)\s+\S+", re.M)


def _issue(code: str, rule: str, severity: Severity, message: str, **kw: Any) -> Issue:
    pointer = kw.pop("pointer", "")
    line = kw.pop("line", None)
    if line is not None:
        kw.setdefault("row", line)
    return Issue(code=code, rule=rule, severity=severity, message=message, pointer=pointer, line=line, context=kw)


def _meta(options: ConvertOptions) -> MetaData:
    ts = Timestamp()
    if options.created:
        ts.FromJsonString(options.created)
    else:
        ts.FromDatetime(datetime.now(timezone.utc).replace(microsecond=0))
    return MetaData(created=ts, created_by=options.created_by, phenopacket_schema_version=SCHEMA_VERSION)


def _linked(options: ConvertOptions) -> tuple[dict[str, Phenopacket], list[Issue]]:
    """Phenopackets named by ``-O phenopackets=…``, by subject id."""
    spec = options.extra.get("phenopackets", "").strip()
    if not spec:
        return {}, []
    found: dict[str, Phenopacket] = {}
    issues: list[Issue] = []
    for item in iter_documents([p for p in spec.split(",") if p]):
        if isinstance(item, InputError):
            raise UsageError(f"-O phenopackets: {item}")
        assert isinstance(item, Document)
        if isinstance(item.message, Phenopacket) and item.message.subject.id:
            found[item.message.subject.id] = item.message
        else:
            issues.append(
                _issue(
                    "PED011", "ped-link", Severity.INFO, f"{item.path}: not a phenopacket with a subject.id; not linked"
                )
            )
    return found, issues


class PedReader(FormatReader):
    """PED / PLINK ``.fam`` pedigree files (6 whitespace-separated columns, optional header)."""

    name: ClassVar[str] = "ped"
    description: ClassVar[str] = "PED pedigree (6 columns) → Family.pedigree"
    extensions: ClassVar[tuple[str, ...]] = (".ped", ".fam")

    def sniff(self, path: Path, head: bytes) -> bool:
        """``.ped``/``.fam`` files, or text files whose first lines have 6+ columns with a PED sex code."""
        name = path.name.lower()
        if name.endswith(self.extensions):
            return True
        if not name.endswith((".txt", ".tsv")) or head.lstrip()[:1] in (b"{", b"["):
            return False
        lines = [ln for ln in head.splitlines()[:20] if ln.strip() and not ln.lstrip().startswith(b"#")]
        return bool(lines) and sum(1 for ln in lines if _DATA_LINE.match(ln)) >= max(1, len(lines) - 2)

    def read(self, path: Path, options: ConvertOptions) -> Iterator[Converted]:
        """One Family per family id; InputError when no line is usable."""
        display = str(path)
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", path=display) from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); a PED file is plain text", path=display
            ) from None
        families, issues = parse_ped(text, options.severity())
        if not families:
            first = next((i for i in issues if i.severity is Severity.ERROR), None)
            why = f" ({first.message})" if first else " (the file is empty or has only comments)"
            raise InputError(f"no usable PED line{why}", path=display, line=first.line if first else 1, column=1)
        linked, link_issues = _linked(options)
        issues.extend(link_issues)
        used: set[str] = set()
        all_ids = {p.individual_id for f in families for p in f.persons}
        made = [self._family(fam, options, linked, used, all_ids) for fam in families]
        unused = sorted(set(linked) - used)
        if unused:
            issues.append(
                _issue(
                    "PED011",
                    "ped-link",
                    Severity.INFO,
                    f"{len(unused)} phenopacket(s) match no PED individual: {', '.join(unused[:5])}",
                )
            )
        for n, (family, found) in enumerate(made):
            yield Converted(
                message=family,
                source=f"{display}#{family.id}",
                issues=(issues if n == 0 else []) + found,
                name=family.id,
            )

    def _family(
        self,
        fam: PedFamily,
        options: ConvertOptions,
        linked: dict[str, Phenopacket],
        used: set[str],
        all_ids: set[str],
    ) -> tuple[Family, list[Issue]]:
        issues = check_pedigree(fam.persons, lines=fam.lines, others=all_ids)
        family = Family(id=fam.family_id, meta_data=_meta(options))
        family.pedigree.persons.extend(fam.persons)
        wanted = options.extra.get("proband")
        proband: Person | None = None
        if wanted:
            proband = next((p for p in fam.persons if p.individual_id == wanted), None)
            if proband is None:
                issues.append(
                    _issue(
                        "PED012",
                        "ped-proband",
                        Severity.WARNING,
                        f"-O proband={wanted} is not in family {fam.family_id!r}; using the first affected person",
                        family=fam.family_id,
                    )
                )
        if proband is None:
            affected = [p for p in fam.persons if p.affected_status == STATUS.Value("AFFECTED")]
            proband = affected[0] if affected else fam.persons[0]
            if not wanted:
                why = "first affected person" if affected else "first person (nobody is affected)"
                issues.append(
                    _issue(
                        "PED012",
                        "ped-proband",
                        Severity.INFO,
                        f"family {fam.family_id!r}: proband {proband.individual_id!r} is the {why}; PED "
                        "has no proband column (choose with -O proband=ID)",
                        family=fam.family_id,
                        line=fam.lines[fam.persons.index(proband)],
                    )
                )
        for i, person in enumerate(fam.persons):
            packet = linked.get(person.individual_id)
            if packet is not None:
                used.add(person.individual_id)
                if packet.subject.sex and person.sex and packet.subject.sex != person.sex:
                    names = Person.DESCRIPTOR.fields_by_name["sex"].enum_type.values_by_number
                    issues.append(
                        _issue(
                            "PED008",
                            "ped-link",
                            Severity.WARNING,
                            f"{person.individual_id!r}: PED sex {names[person.sex].name} but the "
                            f"linked phenopacket says {names[packet.subject.sex].name}",
                            line=fam.lines[i],
                            individual=person.individual_id,
                        )
                    )
            if person is proband:
                family.proband.CopyFrom(
                    packet
                    or Phenopacket(id=person.individual_id, subject=Individual(id=person.individual_id, sex=person.sex))
                )
            elif packet is not None:
                family.relatives.append(packet)
        have = set()
        for packet in [family.proband, *family.relatives]:  # linked packets' resources serve the family
            for res in packet.meta_data.resources:
                if res.namespace_prefix not in have:
                    have.add(res.namespace_prefix)
                    family.meta_data.resources.append(res)
        return family, issues


def _families(messages: Iterable[Message], issues: list[Issue]) -> Iterator[Family]:
    for n, message in enumerate(messages):
        if isinstance(message, Family):
            yield message
        else:
            kind = "Cohort" if isinstance(message, Cohort) else "Phenopacket"
            ident = getattr(message, "id", "")
            issues.append(
                _issue(
                    "PED013",
                    "ped-needs-family",
                    Severity.ERROR,
                    f"{kind} {ident!r} has no pedigree; PED output needs Family documents; skipped",
                    document=n,
                )
            )


def _field(value: str, what: str, where: dict[str, Any], issues: list[Issue], *, first: bool = False) -> str:
    """``value`` as a PED field; whitespace, missing-value codes and (first column) a leading '#' are replaced."""
    comment = first and value.startswith("#")  # would turn the line into a comment
    if value in ("0", "-9", ".") or comment or any(c.isspace() for c in value):
        fixed = re.sub(r"\s+", "_", value)
        fixed = "_" + fixed if fixed in ("0", "-9", ".") or (first and fixed.startswith("#")) else fixed
        issues.append(
            _issue(
                "PED014",
                "ped-unwritable-id",
                Severity.ERROR,
                f"{what} {value!r} cannot be written to PED (whitespace, a missing-value code or a "
                f"leading '#'); written as {fixed!r}",
                **where,
            )
        )
        return fixed
    return value


def _parent(value: str, what: str, where: dict[str, Any], issues: list[Issue]) -> str:
    """A parent column: empty and the PED-style "0" (used in phenopacket pedigrees too) mean no parent."""
    return "0" if value in ("", "0") else _field(value, what, where, issues)


class PedWriter(FormatWriter):
    """PED pedigree: one line per ``Family.pedigree`` person of every Family (tab-separated)."""

    name: ClassVar[str] = "ped"
    description: ClassVar[str] = "Family.pedigree → PED (6 columns)"
    extensions: ClassVar[tuple[str, ...]] = (".ped", ".fam")
    single_file: ClassVar[bool] = True
    default_extension: ClassVar[str] = ".ped"

    def write(
        self, messages: Iterable[Message], output: Path, options: ConvertOptions, *, force: bool = False
    ) -> list[Issue]:
        """Write the PED file; findings for persons that cannot be written and the Family parts PED lacks."""
        issues: list[Issue] = []
        rows: list[tuple[str, ...]] = []
        header = options.extra.get("header", "false").strip().lower() in ("1", "true", "yes")
        for family in _families(messages, issues):
            persons = list(family.pedigree.persons)
            if not persons:
                issues.append(
                    _issue(
                        "PED015",
                        "ped-empty-pedigree",
                        Severity.WARNING,
                        f"family {family.id!r} has no pedigree persons; nothing written for it",
                        pointer="/pedigree",
                        family=family.id,
                    )
                )
                continue
            for issue in check_pedigree(persons):
                issue.context["family"] = family.id
                issues.append(issue)
            for i, p in enumerate(persons):
                where = {"pointer": join("/pedigree/persons", i), "family": family.id}
                fid = p.family_id or family.id
                if not fid:
                    fid = "unknown_family"
                    issues.append(
                        _issue(
                            "PED014",
                            "ped-unwritable-id",
                            Severity.ERROR,
                            "neither the person nor the family has an id; family written as 'unknown_family'",
                            **where,
                        )
                    )
                if p.sex == 3:
                    issues.append(
                        _issue(
                            "PED016",
                            "ped-sex-other",
                            options.severity(),
                            f"{p.individual_id!r}: sex OTHER_SEX has no PED code; written as 0 (unknown)",
                            **where,
                        )
                    )
                rows.append(
                    (
                        _field(fid, "family id", where, issues, first=True),
                        _field(p.individual_id, "individual id", where, issues),
                        _parent(p.paternal_id, "father id", where, issues),
                        _parent(p.maternal_id, "mother id", where, issues),
                        _SEX_OUT.get(p.sex, "0"),
                        _STATUS_OUT.get(p.affected_status, "0"),
                    )
                )
            lost = []
            if family.HasField("proband"):
                lost.append("proband")
            if family.relatives:
                lost.append(f"relatives ({len(family.relatives)})")
            for name, present in (
                ("metaData", family.HasField("meta_data")),
                ("files", bool(family.files)),
                ("consanguinousParents", family.consanguinous_parents),
            ):
                if present:
                    lost.append(name)
            if lost:
                issues.append(
                    _issue(
                        "PED017",
                        "ped-family-not-carried",
                        Severity.INFO,
                        f"family {family.id!r}: PED holds only the pedigree; not written: {', '.join(lost)}",
                        family=family.id,
                    )
                )
        if not rows:
            issues.append(
                _issue(
                    "PED018",
                    "ped-nothing-written",
                    Severity.ERROR,
                    "no pedigree person to write; the PED file was not created",
                )
            )
            return issues
        atomic_write(output, format_ped(rows, header=header).encode("utf-8"), force=force)
        return issues


__all__ = ["STATUS_CODES", "PedReader", "PedWriter"]
