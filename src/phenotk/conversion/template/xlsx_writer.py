"""Phenopackets → one pyphetools Excel template (``--to pyphetools-xlsx``), the inverse of :mod:`.xlsx`.

Every value the template has no column for is a ``map-lossy-export`` finding (diseases after the first, alleles
after the first two, VCF records, onsets of excluded features). Text that Excel would run as a formula is
written with a leading ``'``, which the reader removes again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from google.protobuf.message import Message
from phenopackets import Phenopacket, VariationDescriptor

from phenotk.conversion.base import ConvertOptions, FormatWriter
from phenotk.conversion.template.findings import LOSSY_EXPORT, issue
from phenotk.conversion.template.rows import EXCLUDED, CurationRow, packet_to_row, packets_only, time_text
from phenotk.conversion.template.workbook import FIXED_HEADERS, TYPE_HINTS, col_letter, neutralise
from phenotk.io.writers import atomic_write
from phenotk.issue import Issue
from phenotk.model.variants import expression

HOMOZYGOUS = "GENO:0000136"


def _allele_text(vd: VariationDescriptor) -> tuple[str, str]:
    """(allele cell, transcript) for one descriptor."""
    if vd.HasField("structural_type"):
        return vd.label, ""
    c = expression(vd, "hgvs.c") or expression(vd, "hgvs.n")
    if c:
        transcript, _, hgvs = c.rpartition(":")
        return hgvs, transcript
    return expression(vd, "hgvs.g") or vd.label or vd.id, ""


def _lost(packet: Phenopacket, row: CurationRow) -> list[str]:
    """What of ``packet`` the template has no column for."""
    lost = []
    if len(row.disease_ids) > 1:
        lost.append(f"diseases after the first ({', '.join(row.disease_ids[1:])})")
    if len(row.variants) > 2:
        lost.append(f"{len(row.variants) - 2} variant(s) after the first two")
    for vd in row.variants:
        if vd.HasField("vcf_record") or (expression(vd, "hgvs.g") and expression(vd, "hgvs.c")):
            lost.append("VCF records and hgvs.g expressions (a template holds c. HGVS and one p. HGVS)")
            break
    if any(f.HasField("onset") and f.excluded for f in packet.phenotypic_features):
        lost.append("onsets of excluded features")
    return lost


def _hpo_cells(row: CurationRow, ids: list[str]) -> list[str]:
    by_id = {c.hpo_id: c for c in row.hpo}
    cells = []
    for hpo_id in ids:
        found = by_id.get(hpo_id)
        if found is None:
            cells.append("na")
        elif found.status == EXCLUDED:
            cells.append("excluded")
        elif found.onset is not None:
            cells.append(time_text(found.onset))
        else:
            cells.append("observed")
    return cells


def _template_row(row: CurationRow, ids: list[str], disease_labels: dict[str, str]) -> list[Any]:
    """One individual's template row: the fixed columns, ``HPO`` (``na``), then one cell per HPO column."""
    disease = row.disease_ids[0] if row.disease_ids else ""
    alleles: list[str] = []
    transcript = hgnc = symbol = ""
    for vd in row.variants[:2]:
        text, tx = _allele_text(vd)
        transcript = transcript or tx
        hgnc = hgnc or vd.gene_context.value_id
        symbol = symbol or vd.gene_context.symbol
        alleles.append(text)
        if vd.allelic_state.label == "homozygous" or vd.allelic_state.id == HOMOZYGOUS:
            alleles.append(text)
    alleles = [*alleles[:2], "na", "na"][:2]
    protein = expression(row.variants[0], "hgvs.p") if row.variants else ""
    return [
        row.pmid,
        row.title,
        row.individual_id,
        None,
        disease,
        disease_labels.get(disease, ""),
        hgnc,
        symbol,
        transcript,
        alleles[0],
        alleles[1],
        protein or None,  # pyphetools curators kept allele_1's protein change here; the reader reads it back
        time_text(row.age_of_onset),
        time_text(row.age_at_last_encounter),
        row.deceased,
        row.sex,
        "na",
        *_hpo_cells(row, ids),
    ]


def packets_to_rows(packets: Iterable[Phenopacket], options: ConvertOptions) -> tuple[list[list[Any]], list[Issue]]:
    """The template's rows (two header rows + one row per packet) and findings for what it cannot hold."""
    issues: list[Issue] = []
    rows_in: list[CurationRow] = []
    headers: dict[str, str] = {}
    disease_labels: dict[str, str] = {}
    for packet in packets:
        row = packet_to_row(packet)
        for d in packet.diseases:
            disease_labels.setdefault(d.term.id, d.term.label)
        rows_in.append(row)
        for cell in row.hpo:
            headers.setdefault(cell.hpo_id, cell.label)
        for what in _lost(packet, row):
            message = f"{packet.id}: {what} cannot be written to the template"
            issues.append(issue(LOSSY_EXPORT, message, options, value=what))
    ids = list(headers)
    out: list[list[Any]] = [
        [*FIXED_HEADERS, "HPO", *(headers[i] for i in ids)],
        [*TYPE_HINTS, "na", *ids],
    ]
    out.extend(_template_row(row, ids, disease_labels) for row in rows_in)
    return out, issues


class PyphetoolsXlsxWriter(FormatWriter):
    """Phenopackets → one pyphetools Excel template (Sheet1)."""

    name = "pyphetools-xlsx"
    description = "pyphetools Excel curation template"
    # only outputs named like the store's templates; any other .xlsx is a plain table (the ``xlsx`` writer)
    extensions = ("_individuals.xlsx",)
    single_file = True
    default_extension = ".xlsx"

    def write(
        self, messages: Iterable[Message], output: Path, options: ConvertOptions, *, force: bool = False
    ) -> list[Issue]:
        """Write all packets into one workbook at ``output`` (a directory gets ``cohort_individuals.xlsx``)."""
        import io

        import openpyxl

        packets, issues = packets_only(messages, options)
        rows, more = packets_to_rows(packets, options)
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Sheet1"
        shown: list[Issue] = []
        for n, r in enumerate(rows, start=1):
            ws.append([_writable(v, n, c, shown, options) if isinstance(v, str) else v for c, v in enumerate(r)])
        buf = io.BytesIO()
        wb.save(buf)
        target = output / "cohort_individuals.xlsx" if output.is_dir() else output
        atomic_write(target, buf.getvalue(), force=force)
        return issues + more + shown


#: what an XLSX cell (XML 1.0) cannot hold: C0 controls but TAB, LF, CR (openpyxl's IllegalCharacterError)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _writable(value: str, row: int, col: int, issues: list[Issue], options: ConvertOptions) -> str:
    r"""A text cell the workbook can hold: formulas neutralised, control characters written as a visible ``\xNN``.

    A changed value is a ``lossy-export`` finding naming the cell (openpyxl refused such text: an internal error).
    """
    if _ILLEGAL.search(value):
        written = _ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
        issues.append(issue(LOSSY_EXPORT, f"cell {col_letter(col)}{row}: {written!r} holds control characters a "
                            "workbook cannot; written as \\xNN", options, value=written))
        value = written
    return neutralise(value)
