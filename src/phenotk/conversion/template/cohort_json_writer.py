"""Phenopackets of one cohort → one phetools cohort JSON (``--to phetools-json``), the inverse of cohort_json.

HPO headers in first-seen order, variants keyed the way phetools keys them, diseases and genes collected from the
packets, curators from the packets' ORCIDs. What the table has no field for is a ``map-lossy-export`` finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson
from google.protobuf.message import Message
from phenopackets import Phenopacket, VariationDescriptor

from phenotk.conversion.base import ConvertOptions, FormatWriter
from phenotk.conversion.template.findings import LOSSY_EXPORT, issue
from phenotk.conversion.template.rows import EXCLUDED, CurationRow, packet_to_row, packets_only, time_text
from phenotk.io.writers import atomic_write
from phenotk.issue import Issue
from phenotk.model.variants import (
    ALLELIC_STATES,
    SV_TYPE_BY_SO,
    allele_count,
    expression,
    genomic_variant_key,
    hgvs_variant_key,
    sv_variant_key,
)

_ORCID = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]\Z")


def _variant_entry(vd: VariationDescriptor) -> tuple[str, dict[str, Any]]:
    """(catalogue, entry) for one descriptor, in phetools' field order."""
    gene = vd.gene_context
    if vd.HasField("structural_type"):
        sv_type = SV_TYPE_BY_SO.get(vd.structural_type.id, "SV")
        key = vd.id or sv_variant_key(gene.symbol, sv_type, vd.label)
        return "structuralVariants", {
            "label": vd.label,
            "geneSymbol": gene.symbol,
            "transcript": "",
            "hgncId": gene.value_id,
            "svType": sv_type,
            "chromosome": "",
            "variantKey": key,
        }
    c = expression(vd, "hgvs.c")
    g = expression(vd, "hgvs.g")
    vcf = vd.vcf_record
    if c:
        transcript, _, hgvs = c.partition(":") if ":" in c else ("", "", c)
        key = vd.id or hgvs_variant_key(hgvs, gene.symbol, transcript)
        entry: dict[str, Any] = {
            "assembly": vcf.genome_assembly or "hg38",
            "chr": vcf.chrom,
            "position": int(vcf.pos),
            "refAllele": vcf.ref,
            "altAllele": vcf.alt,
            "symbol": gene.symbol,
            "hgncId": gene.value_id,
            "hgvs": hgvs,
            "transcript": transcript,
            "gHgvs": g,
        }
        p = expression(vd, "hgvs.p")
        if p:
            entry["pHgvs"] = p
        entry["variantKey"] = key
        return "hgvsVariants", entry
    key = vd.id or genomic_variant_key(g)
    return "intergenicVariants", {
        "assembly": vcf.genome_assembly or "hg38",
        "chr": vcf.chrom,
        "position": int(vcf.pos),
        "refAllele": vcf.ref,
        "altAllele": vcf.alt,
        "symbol": gene.symbol,
        "hgncId": gene.value_id,
        "gHgvs": g,
        "geneHgvs": "",
        "variantKey": key,
    }


def _hpo_data(row: CurationRow, header_ids: list[str]) -> list[dict[str, str]]:
    by_id = {cell.hpo_id: cell for cell in row.hpo}
    hpo_data: list[dict[str, str]] = []
    for hpo_id in header_ids:
        found = by_id.get(hpo_id)
        if found is None:
            hpo_data.append({"type": "Na"})
        elif found.status == EXCLUDED:
            hpo_data.append({"type": "Excluded"})
        elif found.onset is not None:
            hpo_data.append({"type": "OnsetAge", "data": time_text(found.onset)})
        else:
            hpo_data.append({"type": "Observed"})
    return hpo_data


def _row_json(row: CurationRow, counts: dict[str, int], header_ids: list[str]) -> dict[str, Any]:
    return {
        "individualData": {
            "pmid": row.pmid,
            "title": row.title,
            "individualId": row.individual_id,
            "comment": "na",
            "ageOfOnset": time_text(row.age_of_onset),
            "ageAtLastEncounter": time_text(row.age_at_last_encounter),
            "deceased": row.deceased,
            "sex": row.sex,
        },
        "diseaseIdList": row.disease_ids,
        "alleleCountMap": counts,
        "hpoData": _hpo_data(row, header_ids),
    }


class _Collector:
    """What the cohort JSON gathers across packets: headers, diseases, genes, variant catalogues, curators."""

    def __init__(self, options: ConvertOptions) -> None:
        self.options = options
        self.issues: list[Issue] = []
        self.headers: dict[str, str] = {}
        self.diseases: dict[str, str] = {}
        self.genes: dict[tuple[str, str], str] = {}
        self.catalogues: dict[str, dict[str, Any]] = {"hgvsVariants": {}, "structuralVariants": {},
                                                      "intergenicVariants": {}}
        self.rows: list[tuple[CurationRow, dict[str, int]]] = []
        self.hpo_version = ""
        self.curators: list[dict[str, str]] = []

    def add(self, packet: Phenopacket) -> None:
        orcid = packet.meta_data.created_by.removeprefix("ORCID:")
        if _ORCID.match(orcid) and all(c["orcid"] != orcid for c in self.curators):
            self.curators.append({"orcid": orcid, "date": packet.meta_data.created.ToJsonString()[:10]})
        row = packet_to_row(packet)
        for res in packet.meta_data.resources:
            if res.namespace_prefix == "HP" and res.version:
                self.hpo_version = self.hpo_version or res.version
        for cell in row.hpo:
            self.headers.setdefault(cell.hpo_id, cell.label)
        for d in packet.diseases:
            self.diseases.setdefault(d.term.id, d.term.label)
        counts: dict[str, int] = {}
        for vd in row.variants:
            self._variant(packet, vd, counts)
        self.issues.extend(_lossy(packet, self.options))
        self.rows.append((row, counts))

    def _variant(self, packet: Phenopacket, vd: VariationDescriptor, counts: dict[str, int]) -> None:
        catalogue, entry = _variant_entry(vd)
        self.catalogues[catalogue].setdefault(entry["variantKey"], entry)
        counts[entry["variantKey"]] = allele_count(vd.allelic_state)
        if vd.allelic_state.id and vd.allelic_state.id not in ALLELIC_STATES.values():
            self.issues.append(
                issue(
                    LOSSY_EXPORT,
                    f"{packet.id}: allelic state {vd.allelic_state.id} is exported as an allele count of 1",
                    self.options,
                    column="alleleCountMap",
                    value=vd.allelic_state.id,
                )
            )
        symbol = str(entry.get("symbol") or entry.get("geneSymbol") or "")
        if symbol:
            self.genes.setdefault((str(entry.get("hgncId", "")), symbol), str(entry.get("transcript", "")))

    def tree(self) -> dict[str, Any]:
        header_ids = list(self.headers)
        gene_list = [{"hgncId": h, "geneSymbol": s, "transcript": t} for (h, s), t in self.genes.items()]
        return {
            "cohortType": "mendelian",
            "diseaseList": [
                {"diseaseId": d, "diseaseLabel": label, "modeOfInheritanceList": [], "geneTranscriptList": gene_list}
                for d, label in self.diseases.items()
            ],
            "hpoHeaders": [{"hpoLabel": label, "hpoId": hpo_id} for hpo_id, label in self.headers.items()],
            "rows": [_row_json(row, counts, header_ids) for row, counts in self.rows],
            "hgvsVariants": self.catalogues["hgvsVariants"],
            "structuralVariants": self.catalogues["structuralVariants"],
            "intergenicVariants": self.catalogues["intergenicVariants"],
            "phetoolsSchemaVersion": "0.2",
            "hpoVersion": self.hpo_version,
            "cohortAcronym": self.options.extra.get("acronym", ""),
            "curationHistory": self.curators,
        }


def packets_to_cohort(packets: Iterable[Phenopacket], options: ConvertOptions) -> tuple[dict[str, Any], list[Issue]]:
    """Phenopackets of one cohort → (cohort JSON tree, findings for what the table cannot hold)."""
    collector = _Collector(options)
    for packet in packets:
        collector.add(packet)
    return collector.tree(), collector.issues


def _lossy(packet: Phenopacket, options: ConvertOptions) -> list[Issue]:
    """Findings for packet content the curation table has no column for."""
    lost = []
    for name in ("biosamples", "measurements", "medical_actions", "files"):
        if len(getattr(packet, name)):
            lost.append(name)
    for f in packet.phenotypic_features:
        if len(f.modifiers) or f.HasField("severity") or f.HasField("resolution") or len(f.evidence) or f.description:
            lost.append("phenotypicFeatures modifiers/severity/evidence/description")
            break
    if packet.subject.date_of_birth.seconds or len(packet.subject.alternate_ids) or packet.subject.karyotypic_sex:
        lost.append("subject dateOfBirth/alternateIds/karyotypicSex")
    return [
        issue(LOSSY_EXPORT, f"{packet.id}: {what} cannot be written to a curation table; not exported", options,
              column=what)
        for what in lost
    ]


class PhetoolsJsonWriter(FormatWriter):
    """Phenopackets of one cohort → one phetools cohort JSON file."""

    name = "phetools-json"
    description = "phetools / phenopacket-store cohort JSON curation table"
    extensions = ("_individuals.json",)
    single_file = True
    default_extension = ".json"

    def write(
        self, messages: Iterable[Message], output: Path, options: ConvertOptions, *, force: bool = False
    ) -> list[Issue]:
        """Write all packets into ``output`` (a ``.json`` file; a directory gets ``cohort_individuals.json``)."""
        packets, issues = packets_only(messages, options)
        tree, more = packets_to_cohort(packets, options)
        target = output / "cohort_individuals.json" if output.is_dir() else output
        atomic_write(target, orjson.dumps(tree, option=orjson.OPT_INDENT_2) + b"\n", force=force)
        return issues + more
