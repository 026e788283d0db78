"""SCH002 schema-required."""

from __future__ import annotations

from phenotk.issue import Severity
from phenotk.validation.rule import Rule, _snake

#: type → fields the Phenopacket v2 specification marks REQUIRED (JSON names). Enum, boolean and number
#: fields are left out: proto3 JSON omits their default value, so absence cannot be told from e.g. ``0``.
#: Resource fields are checked by ``meta-resource-incomplete``.
REQUIRED: dict[str, tuple[str, ...]] = {
    "Phenopacket": ("id", "metaData"),
    "Family": ("id", "proband", "pedigree", "metaData"),
    "Cohort": ("id", "members", "metaData"),
    "Individual": ("id",),
    "PhenotypicFeature": ("type",),
    "OntologyClass": ("id", "label"),
    "MetaData": ("created", "createdBy", "resources", "phenopacketSchemaVersion"),
    "Update": ("timestamp",),
    "Evidence": ("evidenceCode",),
    "Disease": ("term",),
    "Interpretation": ("id",),
    "Diagnosis": ("disease",),
    "GenomicInterpretation": ("subjectOrBiosampleId",),
    "VariantInterpretation": ("variationDescriptor",),
    "GeneDescriptor": ("valueId", "symbol"),
    "VariationDescriptor": ("id",),
    "Expression": ("syntax", "value"),
    "VcfRecord": ("genomeAssembly", "chrom", "ref", "alt"),
    "Extension": ("name", "value"),
    "Biosample": ("id",),
    "Measurement": ("assay",),
    "Quantity": ("unit",),
    "TypedQuantity": ("type", "quantity"),
    "ReferenceRange": ("unit",),
    "Age": ("iso8601duration",),
    "AgeRange": ("start", "end"),
    "TimeInterval": ("start", "end"),
    "Procedure": ("code",),
    "Treatment": ("agent",),
    "RadiationTherapy": ("modality", "bodySite"),
    "DoseInterval": ("quantity", "scheduleFrequency", "interval"),
    "File": ("uri",),
    "Pedigree": ("persons",),
    "Pedigree.Person": ("familyId", "individualId"),
}

#: type → (oneof group, JSON names of its members): exactly one member is REQUIRED
REQUIRED_ONEOF: dict[str, tuple[str, tuple[str, ...]]] = {
    "TimeElement": ("element", ("gestationalAge", "age", "ageRange", "ontologyClass", "timestamp", "interval")),
    "Value": ("value", ("quantity", "ontologyClass")),
    "Measurement": ("measurement_value", ("value", "complexValue")),
    "MedicalAction": ("action", ("procedure", "treatment", "radiationTherapy", "therapeuticRegimen")),
    "GenomicInterpretation": ("call", ("gene", "variantInterpretation")),
    "TherapeuticRegimen": ("identifier", ("externalReference", "ontologyClass")),
}

_PAIRS = {t: tuple((n, _snake(n)) for n in names) for t, names in REQUIRED.items()}
_ONEOF_PAIRS = {t: (g, tuple((n, _snake(n)) for n in names)) for t, (g, names) in REQUIRED_ONEOF.items()}


class SchemaRequired(Rule):
    """A field the Phenopacket v2 specification marks REQUIRED is missing or empty.

    What it checks
    --------------
    Per element, the REQUIRED fields of the v2 documentation: ``Phenopacket.id``/``metaData``,
    ``Individual.id``, ``PhenotypicFeature.type``, ``OntologyClass.id``/``label``,
    ``MetaData.created``/``createdBy``/``resources``/``phenopacketSchemaVersion``, ``Disease.term``,
    ``Interpretation.id``, ``Diagnosis.disease``, ``GenomicInterpretation.subjectOrBiosampleId`` and a
    gene or variant call, ``GeneDescriptor.valueId``/``symbol``, ``VariationDescriptor.id``,
    ``Age.iso8601duration``, one member of each ``TimeElement``/``Value``/``MedicalAction``, and so on.
    Phenopackets inside a Family or Cohort may leave ``metaData`` to the enclosing element. The pointer
    names the missing field; the line is that of the object that lacks it.

    Why
    ---
    Consumers (Exomiser, LIRICAL, GA4GH registries) rely on these fields and reject or mis-read documents
    without them.

    Anti-pattern
    ------------
    ``{"type": {"label": "Seizure"}}`` — an ontology class without its id.

    Fixed
    -----
    ``{"type": {"id": "HP:0001250", "label": "Seizure"}}``
    """

    code = "SCH002"
    name = "schema-required"
    severity = Severity.ERROR
    # checked inside the engine's walk (see :func:`pairs`): no per-node rule call for the most common check


def pairs(type_name: str) -> tuple[tuple[tuple[str, str], ...], tuple[str, tuple[tuple[str, str], ...]] | None]:
    """(required (json, snake) name pairs, (oneof group, member pairs) or None) of a message type."""
    return _PAIRS.get(type_name, ()), _ONEOF_PAIRS.get(type_name)
