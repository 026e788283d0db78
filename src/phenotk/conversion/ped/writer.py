"""The ``ped`` writer: Phenopacket ``Family`` messages → one PED file (``phenotk convert --to ped``).

One line per ``Family.pedigree`` person of every Family; everything else of the Family is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

from google.protobuf.message import Message
from phenopackets import Cohort, Family

from phenotk.conversion.base import ConvertOptions, FormatWriter
from phenotk.io import atomic_write
from phenotk.io.sourcemap import join
from phenotk.issue import Issue

from . import findings as F
from .pedigree import STATUS, check_pedigree, format_ped

_SEX_OUT = {0: "0", 1: "2", 2: "1", 3: "0"}  # UNKNOWN, FEMALE, MALE, OTHER → PED code
_STATUS_OUT = {STATUS.Value("MISSING"): "0", STATUS.Value("UNAFFECTED"): "1", STATUS.Value("AFFECTED"): "2"}


def _families(messages: Iterable[Message], issues: list[Issue]) -> Iterator[Family]:
    for n, message in enumerate(messages):
        if isinstance(message, Family):
            yield message
        else:
            kind = "Cohort" if isinstance(message, Cohort) else "Phenopacket"
            ident = getattr(message, "id", "")
            issues.append(
                F.NEEDS_FAMILY(
                    f"{kind} {ident!r} has no pedigree; PED output needs Family documents; skipped", document=n
                )
            )


def _field(value: str, what: str, where: dict[str, Any], issues: list[Issue], *, first: bool = False) -> str:
    """``value`` as a PED field; whitespace, missing-value codes and (first column) a leading '#' are replaced."""
    comment = first and value.startswith("#")  # would turn the line into a comment
    if value in ("0", "-9", ".") or comment or any(c.isspace() for c in value):
        fixed = re.sub(r"\s+", "_", value)
        fixed = "_" + fixed if fixed in ("0", "-9", ".") or (first and fixed.startswith("#")) else fixed
        issues.append(
            F.UNWRITABLE_ID(
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
                    F.EMPTY_PEDIGREE(
                        f"family {family.id!r} has no pedigree persons; nothing written for it",
                        pointer="/pedigree",
                        family=family.id,
                    )
                )
                continue
            for issue in check_pedigree(persons):
                issue.context["family"] = family.id
                issues.append(issue)
            fids: list[str] = []  # the first-column values written for this family
            for i, p in enumerate(persons):
                where = {"pointer": join("/pedigree/persons", i), "family": family.id}
                fid = p.family_id or family.id
                if fid not in fids:
                    fids.append(fid)
                if not fid:
                    fid = "unknown_family"
                    issues.append(
                        F.UNWRITABLE_ID(
                            "neither the person nor the family has an id; family written as 'unknown_family'",
                            **where,
                        )
                    )
                if p.sex == 3:
                    issues.append(
                        F.SEX_OTHER(
                            f"{p.individual_id!r}: sex OTHER_SEX has no PED code; written as 0 (unknown)",
                            severity=options.severity(),
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
            shown = ", ".join(map(repr, fids))
            if len(fids) > 1:  # PED's first column is the family: read back, this is one family per id
                lost.append(f"the family as one (its persons are under {len(fids)} family ids ({shown}))")
            elif family.id and family.id not in fids:
                lost.append(f"id {family.id!r} (the first column holds the persons' familyId {shown})")
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
                    F.FAMILY_NOT_CARRIED(
                        f"family {family.id!r}: PED holds only the pedigree; not written: {', '.join(lost)}",
                        family=family.id,
                    )
                )
        if not rows:
            issues.append(F.NOTHING_WRITTEN("no pedigree person to write; the PED file was not created"))
            return issues
        atomic_write(output, format_ped(rows, header=header).encode("utf-8"), force=force)
        return issues
