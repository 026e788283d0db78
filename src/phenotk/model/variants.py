"""Variant builders in phenopacket-store style, plus the variant keys curation tables use.

A ``VariationDescriptor`` gets HGVS expressions, VCF record, gene context, SO structural type and GENO
allelic state.

Store conventions reproduced here: expressions in the order ``hgvs.c`` (``<transcript>:<c.>``), ``hgvs.g``,
``hgvs.p``; ``vcfRecord`` with ``genomeAssembly`` ``hg38`` and ``chr``-prefixed chromosome;
``moleculeContext`` ``genomic``; structural variants carry a ``label`` and ``structuralType`` instead.
"""

from __future__ import annotations

import re

from phenopackets import (
    AcmgPathogenicityClassification,
    Expression,
    GeneDescriptor,
    GenomicInterpretation,
    MoleculeContext,
    OntologyClass,
    TherapeuticActionability,
    VariantInterpretation,
    VariationDescriptor,
    VcfRecord,
)

#: GENO allelic states by label.
ALLELIC_STATES: dict[str, str] = {
    "heterozygous": "GENO:0000135",
    "homozygous": "GENO:0000136",
    "hemizygous": "GENO:0000134",
}
ALLELIC_STATE_LABELS = {curie: label for label, curie in ALLELIC_STATES.items()}

#: phetools ``svType`` → SO structural type (id, label).
SV_TYPES: dict[str, tuple[str, str]] = {
    "DEL": ("SO:1000029", "chromosomal_deletion"),
    "DUP": ("SO:1000037", "chromosomal_duplication"),
    "INV": ("SO:1000030", "chromosomal_inversion"),
    "TRANSL": ("SO:1000044", "chromosomal_translocation"),
    "INS": ("SO:0000667", "insertion"),
    "SV": ("SO:1000183", "chromosome_structure_variation"),
}
SV_TYPE_BY_SO = {curie: key for key, (curie, _label) in SV_TYPES.items()}

_X_CHROMOSOMES = {"x", "chrx", "23"}


def allelic_state(count: int, chromosome: str | None = None, sex: str | None = None) -> OntologyClass:
    """GENO allelic state from an allele count.

    2 → homozygous; 1 → heterozygous, except on chromosome X: hemizygous. With ``sex`` given (a phenopacket
    sex name such as ``FEMALE`` or a code such as ``F``), females stay heterozygous on X; without it the
    phetools rule applies (every single X allele is hemizygous — what phenopacket-store packets carry).
    """
    if count >= 2:
        label = "homozygous"
    elif (
        chromosome is not None
        and chromosome.lower() in _X_CHROMOSOMES
        and (sex or "").upper()
        not in (
            "F",
            "FEMALE",
        )
    ):
        label = "hemizygous"
    else:
        label = "heterozygous"
    return OntologyClass(id=ALLELIC_STATES[label], label=label)


def allele_count(state: OntologyClass) -> int:
    """Inverse of :func:`allelic_state`: homozygous → 2, anything else → 1."""
    return 2 if state.id == ALLELIC_STATES["homozygous"] else 1


def hgvs_variant_key(hgvs: str, symbol: str, transcript: str) -> str:
    """Phetools' key for a small variant: ``c.870+1G>A`` + AAGAB + NM_024666.5 → ``c870_1GtoA_AAGAB_NM_024666v5``."""
    core = hgvs.replace(".", "", 1).replace(">", "to")
    core = re.sub(r"[^A-Za-z0-9_]", "_", core)
    return f"{core}_{symbol}_{transcript.replace('.', 'v')}"


def sv_variant_key(symbol: str, sv_type: str, label: str) -> str:
    """Phetools' key for a structural variant: ``<symbol>_<TYPE>_<label with spaces as ->``."""
    return f"{symbol}_{sv_type}_{label.replace(' ', '-')}"


def genomic_variant_key(g_hgvs: str) -> str:
    """Phetools' key for an intergenic variant: ``NC_000011.10:g.61392563G>A`` → ``NC_000011_10_g61392563GtoA``."""
    core = g_hgvs.replace(":g.", "_g").replace(">", "to")
    return re.sub(r"[^A-Za-z0-9_]", "_", core)


def hgvs_descriptor(
    *,
    variant_id: str,
    state: OntologyClass,
    hgnc_id: str = "",
    symbol: str = "",
    transcript: str = "",
    c_hgvs: str = "",
    g_hgvs: str = "",
    p_hgvs: str = "",
    assembly: str = "",
    chrom: str = "",
    pos: int = 0,
    ref: str = "",
    alt: str = "",
) -> VariationDescriptor:
    """A small (HGVS/VCF) variant as the store writes it; empty arguments are left out."""
    vd = VariationDescriptor(id=variant_id, molecule_context=MoleculeContext.genomic, allelic_state=state)
    if hgnc_id or symbol:
        vd.gene_context.CopyFrom(GeneDescriptor(value_id=hgnc_id, symbol=symbol))
    if c_hgvs:
        value = c_hgvs if ":" in c_hgvs or not transcript else f"{transcript}:{c_hgvs}"
        vd.expressions.append(Expression(syntax="hgvs.c", value=value))
    if g_hgvs:
        vd.expressions.append(Expression(syntax="hgvs.g", value=g_hgvs))
    if p_hgvs:
        vd.expressions.append(Expression(syntax="hgvs.p", value=p_hgvs))
    if chrom and pos:
        vd.vcf_record.CopyFrom(VcfRecord(genome_assembly=assembly or "hg38", chrom=chrom, pos=pos, ref=ref, alt=alt))
    return vd


def structural_descriptor(
    *, variant_id: str, label: str, sv_type: str, state: OntologyClass, hgnc_id: str = "", symbol: str = ""
) -> VariationDescriptor:
    """A structural variant as the store writes it (label + SO structural type, no expressions)."""
    vd = VariationDescriptor(id=variant_id, label=label, molecule_context=MoleculeContext.genomic, allelic_state=state)
    if hgnc_id or symbol:
        vd.gene_context.CopyFrom(GeneDescriptor(value_id=hgnc_id, symbol=symbol))
    so_id, so_label = SV_TYPES.get(sv_type.upper(), SV_TYPES["SV"])
    vd.structural_type.CopyFrom(OntologyClass(id=so_id, label=so_label))
    return vd


def causative_interpretation(subject_id: str, descriptor: VariationDescriptor) -> GenomicInterpretation:
    """The store's genomic interpretation: CAUSATIVE, PATHOGENIC, UNKNOWN_ACTIONABILITY."""
    gi = GenomicInterpretation(
        subject_or_biosample_id=subject_id,
        interpretation_status=GenomicInterpretation.InterpretationStatus.CAUSATIVE,
    )
    vi = VariantInterpretation(
        acmg_pathogenicity_classification=AcmgPathogenicityClassification.PATHOGENIC,
        therapeutic_actionability=TherapeuticActionability.UNKNOWN_ACTIONABILITY,
    )
    vi.variation_descriptor.CopyFrom(descriptor)
    gi.variant_interpretation.CopyFrom(vi)
    return gi


def expression(descriptor: VariationDescriptor, syntax: str) -> str:
    """The first expression value with that syntax (``hgvs.c``…), or ``""``."""
    for e in descriptor.expressions:
        if e.syntax == syntax:
            return str(e.value)
    return ""
