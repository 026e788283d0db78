"""Which Phenopacket fields the FHIR mapping carries (docs/fhir-mapping.md), and a walker for the rest.

A path is a dotted list of protobuf field names without indices; a covered path covers its whole subtree.
The writer reports every set field outside these paths; the round-trip test compares exactly these fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from google.protobuf.message import Message

from phenotk.io.jsontree import is_repeated

_GI = "interpretations.diagnosis.genomic_interpretations"
_VD = f"{_GI}.variant_interpretation.variation_descriptor"

COVERED: frozenset[str] = frozenset(
    {
        "id",
        "subject.id",
        "subject.alternate_ids",
        "subject.date_of_birth",
        "subject.time_at_last_encounter",
        "subject.vital_status",
        "subject.sex",
        "subject.gender",
        "subject.karyotypic_sex",
        "subject.taxonomy",
        "phenotypic_features.type",
        "phenotypic_features.description",
        "phenotypic_features.excluded",
        "phenotypic_features.severity",
        "phenotypic_features.modifiers",
        "phenotypic_features.onset",
        "phenotypic_features.resolution",
        "phenotypic_features.evidence",
        "diseases.term",
        "diseases.excluded",
        "diseases.onset",
        "diseases.resolution",
        "diseases.disease_stage",
        "diseases.primary_site",
        "diseases.clinical_tnm_finding",
        "diseases.laterality",
        "interpretations.id",
        "interpretations.progress_status",
        "interpretations.summary",
        "interpretations.diagnosis.disease",
        f"{_GI}.subject_or_biosample_id",
        f"{_GI}.interpretation_status",
        f"{_GI}.gene.value_id",
        f"{_GI}.gene.symbol",
        f"{_GI}.variant_interpretation.acmg_pathogenicity_classification",
        f"{_GI}.variant_interpretation.therapeutic_actionability",
        f"{_VD}.id",
        f"{_VD}.label",
        f"{_VD}.gene_context.value_id",
        f"{_VD}.gene_context.symbol",
        f"{_VD}.expressions",
        f"{_VD}.vcf_record.genome_assembly",
        f"{_VD}.vcf_record.chrom",
        f"{_VD}.vcf_record.pos",
        f"{_VD}.vcf_record.ref",
        f"{_VD}.vcf_record.alt",
        f"{_VD}.molecule_context",
        f"{_VD}.structural_type",
        f"{_VD}.allelic_state",
        "biosamples.id",
        "biosamples.individual_id",
        "biosamples.description",
        "biosamples.sampled_tissue",
        "biosamples.sample_type",
        "biosamples.time_of_collection",
        "biosamples.material_sample",
        "measurements.description",
        "measurements.assay",
        "measurements.value",
        "measurements.time_observed",
        "meta_data.created",
        "meta_data.created_by",
        "meta_data.submitted_by",
        "meta_data.resources",
        "meta_data.phenopacket_schema_version",
        "meta_data.external_references",
    }
)
_PREFIXES = frozenset(p.rsplit(".", i)[0] for p in COVERED for i in range(1, p.count(".") + 1))


def uncovered(message: Message, path: str = "", pointer: str = "") -> Iterator[tuple[str, str]]:
    """(dotted path, JSON pointer in camelCase) of every set field the mapping does not carry."""
    for field, value in message.ListFields():
        p = f"{path}.{field.name}" if path else field.name
        if p in COVERED:
            continue
        ptr = f"{pointer}/{field.json_name}"
        if p not in _PREFIXES:
            yield p, ptr
            continue
        if is_repeated(field):
            for i, item in enumerate(value):
                yield from uncovered(item, p, f"{ptr}/{i}")
        else:
            yield from uncovered(value, p, ptr)


def prune(message: Message, path: str = "") -> None:
    """Clear (in place) every field the mapping does not carry, so covered fields can be compared."""
    for field, value in message.ListFields():
        p = f"{path}.{field.name}" if path else field.name
        if p in COVERED:
            continue
        if p not in _PREFIXES:
            message.ClearField(field.name)
        elif is_repeated(field):
            for item in value:
                prune(item, p)
        else:
            prune(value, p)


def covered_copy(message: Message) -> Any:
    """A copy of ``message`` holding only the covered fields."""
    out = type(message)()
    out.CopyFrom(message)
    prune(out)
    return out
