"""The ``ped`` reader: PED pedigree files → Phenopacket ``Family`` messages (``phenotk convert --from ped``).

One Family per family id. PED has no proband column, so the proband is ``-O proband=ID`` or the first affected
person (else the first person). With ``-O phenopackets=PATH[,PATH…]`` the phenopackets whose ``subject.id``
matches a person become the proband and the relatives (linked by id); otherwise the proband is a stub with only
id and sex.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import ClassVar

from google.protobuf.timestamp_pb2 import Timestamp
from phenopackets import Family, Individual, MetaData, Phenopacket

from phenotk.conversion.base import Converted, ConvertOptions, FormatReader
from phenotk.errors import InputError, UsageError
from phenotk.io import Document, iter_documents
from phenotk.issue import Issue, Severity

from . import findings as F
from .pedigree import STATUS, PedFamily, Person, at_line, check_pedigree, parse_ped

SCHEMA_VERSION = "2.0.2"
_DATA_LINE = re.compile(rb"^\s*\S+\s+\S+\s+\S+\s+\S+\s+(0|1|2|-9)\s+\S+", re.M)


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
                F.LINK(f"{item.path}: not a phenopacket with a subject.id; not linked", severity=Severity.INFO)
            )
    return found, issues


def _ancestors(start: str, parents: dict[str, tuple[str, ...]]) -> set[str]:
    """Every ancestor of ``start`` in the pedigree (a cycle is reported elsewhere; it cannot loop here)."""
    seen: set[str] = set()
    todo = list(parents.get(start, ()))
    while todo:
        pid = todo.pop()
        if pid not in seen:
            seen.add(pid)
            todo.extend(parents.get(pid, ()))
    return seen


def _consanguinity(fam: PedFamily, proband: Person, family: Family) -> list[Issue]:
    """Set consanguinousParents (with a finding) when the proband's parents share an ancestor in the pedigree."""
    parents = {
        p.individual_id: tuple(x for x in (p.paternal_id, p.maternal_id) if x) for p in fam.persons if p.individual_id
    }
    father, mother = proband.paternal_id, proband.maternal_id
    if not (father in parents and mother in parents) or father == mother:
        return []
    common = (_ancestors(father, parents) | {father}) & (_ancestors(mother, parents) | {mother})
    if not common:
        return []
    family.consanguinous_parents = True
    shown = ", ".join(sorted(common)[:6]) + (" …" if len(common) > 6 else "")
    return [
        F.CONSANGUINITY(
            f"family {fam.family_id!r}: the parents of proband {proband.individual_id!r}, {father!r} and "
            f"{mother!r}, share ancestors in the pedigree ({shown}); consanguinousParents set to true",
            family=fam.family_id,
            **at_line(fam.lines[fam.persons.index(proband)]),
        )
    ]


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
            line = raw.count(b"\n", 0, exc.start) + 1
            before = raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8-sig", "replace")
            column = len(before) + 1
            raise InputError(
                f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); a PED file is plain text: save it as UTF-8",
                path=display,
                line=line,
                column=column,
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
                F.LINK(
                    f"{len(unused)} phenopacket(s) match no PED individual: {', '.join(unused[:5])}",
                    severity=Severity.INFO,
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
                    F.PROBAND(
                        f"-O proband={wanted} is not in family {fam.family_id!r}; using the first affected person",
                        severity=Severity.WARNING,
                        family=fam.family_id,
                    )
                )
        if proband is None:
            affected = [p for p in fam.persons if p.affected_status == STATUS.Value("AFFECTED")]
            proband = affected[0] if affected else fam.persons[0]
            if not wanted:
                why = "first affected person" if affected else "first person (nobody is affected)"
                issues.append(
                    F.PROBAND(
                        f"family {fam.family_id!r}: proband {proband.individual_id!r} is the {why}; PED "
                        "has no proband column (choose with -O proband=ID)",
                        family=fam.family_id,
                        **at_line(fam.lines[fam.persons.index(proband)]),
                    )
                )
        issues.extend(_consanguinity(fam, proband, family))
        for i, person in enumerate(fam.persons):
            packet = linked.get(person.individual_id)
            if packet is not None:
                used.add(person.individual_id)
                if packet.subject.sex and person.sex and packet.subject.sex != person.sex:
                    names = Person.DESCRIPTOR.fields_by_name["sex"].enum_type.values_by_number
                    issues.append(
                        F.LINK(
                            f"{person.individual_id!r}: PED sex {names[person.sex].name} but the "
                            f"linked phenopacket says {names[packet.subject.sex].name}",
                            individual=person.individual_id,
                            **at_line(fam.lines[i]),
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
