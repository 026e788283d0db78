"""Variant columns of a sheet → genomic interpretations (called by :meth:`.build._Builder.variant_block`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from phenopackets import (
    AcmgPathogenicityClassification,
    Diagnosis,
    Expression,
    GeneDescriptor,
    GenomicInterpretation,
    Interpretation,
    MoleculeContext,
    OntologyClass,
    Phenopacket,
    VariantInterpretation,
    VariationDescriptor,
)

from phenotk.issue import Issue
from phenotk.mapping.model import MISSING
from phenotk.model.ids import safe_id

from .build import _distinct

if TYPE_CHECKING:
    from .build import PacketRows, _Builder

_HGVS = re.compile(r"(?:\S+:)?[cgmnrp]\.\S+\Z")
_HGNC = re.compile(r"(?:hgnc\s*[:_]?\s*)?(\d+)\Z", re.I)

#: Zygosity words → GENO (id, label).
ZYGOSITY: dict[str, tuple[str, str]] = {}
for _words, _term in (
    (
        ("heterozygous", "het", "heterozygote", "0/1", "1/0", "0|1", "1|0", "geno:0000135"),
        ("GENO:0000135", "heterozygous"),
    ),
    (("homozygous", "hom", "homozygote", "1/1", "1|1", "geno:0000136"), ("GENO:0000136", "homozygous")),
    (("hemizygous", "hemi", "hemizygote", "geno:0000134"), ("GENO:0000134", "hemizygous")),
    (("compound heterozygous", "compound het", "comp het", "geno:0000402"), ("GENO:0000402", "compound heterozygous")),
    (("unspecified zygosity", "unknown zygosity", "geno:0000137"), ("GENO:0000137", "unspecified zygosity")),
):
    for _w in _words:
        ZYGOSITY[_w] = _term



def variant_block(b: _Builder, group: PacketRows, packet: Phenopacket, subject_id: str, issues: list[Issue]) -> None:
    """The variant blocks of one packet → one interpretation with a genomic interpretation per variant."""
    gis: list[GenomicInterpretation] = []
    for block in b.variants:
        seen: set[tuple[str, str]] = set()  # per block: variant_1 and variant_2 may be the same allele
        for number, rec in _distinct(group.rows, block):
            raw = block["hgvs"].raw(rec)
            if not raw:
                continue
            zyg = None
            if "zygosity" in block:
                zraw = block["zygosity"].raw(rec)
                if zraw:
                    mapped = block["zygosity"].translate(zraw)
                    key = (zraw if mapped is MISSING or mapped is None else str(mapped)).strip().lower()
                    zyg = ZYGOSITY.get(key)
                    if zyg is None:
                        b.bad(issues, number, block["zygosity"].column, zraw, "unknown zygosity",
                                 f"zygosity {zraw!r} is not heterozygous/homozygous/hemizygous (or het/hom/hemi)")
            key2 = (raw, zyg[0] if zyg else "")
            if key2 in seen:
                continue
            seen.add(key2)
            vd = VariationDescriptor(id=safe_id(raw)[:64] or "variant", molecule_context=MoleculeContext.genomic)
            if _HGVS.match(raw):
                kind = raw.split(":", 1)[-1][0]
                vd.expressions.append(Expression(syntax=f"hgvs.{kind}", value=raw))
            else:
                vd.label = raw
            symbol = block["gene_symbol"].raw(rec) if "gene_symbol" in block else ""
            hgnc = block["hgnc_id"].raw(rec) if "hgnc_id" in block else ""
            if hgnc:
                m = _HGNC.match(hgnc)
                if m:
                    hgnc = f"HGNC:{m.group(1)}"
                else:
                    b.bad(issues, number, block["hgnc_id"].column, hgnc, "not an HGNC id",
                             f"{hgnc!r} is not an HGNC id (HGNC:25662)")
                    hgnc = ""
            if symbol or hgnc:
                vd.gene_context.CopyFrom(GeneDescriptor(value_id=hgnc, symbol=symbol))
                if hgnc:
                    b.prefixes_used.add("HGNC")
            if zyg:
                vd.allelic_state.CopyFrom(OntologyClass(id=zyg[0], label=zyg[1]))
                b.prefixes_used.add("GENO")
            vi = VariantInterpretation(variation_descriptor=vd)
            if "acmg" in block:
                araw = block["acmg"].raw(rec)
                if araw:
                    name = araw.strip().upper().replace(" ", "_")
                    name = {"LP": "LIKELY_PATHOGENIC", "P": "PATHOGENIC", "VUS": "UNCERTAIN_SIGNIFICANCE",
                            "LB": "LIKELY_BENIGN", "B": "BENIGN"}.get(name, name)
                    if name in AcmgPathogenicityClassification.DESCRIPTOR.values_by_name:
                        vi.acmg_pathogenicity_classification = AcmgPathogenicityClassification.Value(name)
                    else:
                        b.bad(issues, number, block["acmg"].column, araw, "unknown ACMG class",
                                 f"{araw!r} is not an ACMG class (PATHOGENIC, LIKELY_PATHOGENIC, VUS, …)")
            gis.append(GenomicInterpretation(
                subject_or_biosample_id=subject_id,
                interpretation_status=GenomicInterpretation.InterpretationStatus.Value(
                    b.m.interpretation_status),
                variant_interpretation=vi,
            ))
    if not gis:
        return
    interp = Interpretation(id=f"{packet.id}-interpretation",
                            progress_status=Interpretation.ProgressStatus.Value(b.m.progress_status))
    diagnosis = Diagnosis(genomic_interpretations=gis)
    if packet.diseases:
        diagnosis.disease.CopyFrom(packet.diseases[0].term)
    interp.diagnosis.CopyFrom(diagnosis)
    packet.interpretations.append(interp)
