"""SCH002 schema-required: declares each type's required fields to the engine's walk and reports missing ones."""

from __future__ import annotations

from typing import Any

from phenotk.issue import Severity
from phenotk.validation.hooks import Required, RequiredHook
from phenotk.validation.rule import Node, Violation, _snake

#: type → fields the Phenopacket v2 specification marks REQUIRED (JSON names). Enum, boolean and number
#: fields are left out: proto3 JSON omits their default value, so absence cannot be told from e.g. ``0``.
#: Resource fields are checked by ``meta-resource-incomplete``. ``MetaData.resources`` is not listed: a
#: document that cites no ontology term has nothing to declare (and proto3 JSON cannot write an empty list),
#: and every prefix a document does cite without its resource is ``meta-undeclared-prefix`` — as phenopacket-tools
#: checks it (its JSON Schema does not require the list; its MetaData validator wants a resource per prefix used).
REQUIRED: dict[str, tuple[str, ...]] = {
    "Phenopacket": ("id", "metaData"),
    "Family": ("id", "proband", "pedigree", "metaData"),
    "Cohort": ("id", "members", "metaData"),
    "Individual": ("id",),
    "PhenotypicFeature": ("type",),
    "OntologyClass": ("id", "label"),
    "MetaData": ("created", "createdBy", "phenopacketSchemaVersion"),
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


class SchemaRequired(RequiredHook):
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
    # checked inside the engine's walk: no per-node rule call for the most common check

    def required(self, type_name: str) -> Required | None:
        """The required JSON names and required oneof members of ``type_name`` (None: nothing required)."""
        if type_name not in REQUIRED and type_name not in REQUIRED_ONEOF:
            return None
        field_pairs, oneof = pairs(type_name)
        oneof_keys = None if oneof is None else frozenset(k for pair in oneof[1] for k in pair)
        return Required(tuple(j for j, _ in field_pairs), oneof_keys, (field_pairs, oneof))

    def missing(self, value: dict[str, Any], node: Node, req: Required) -> list[Violation]:
        """A finding per required field that is absent, null or empty (camelCase or snake_case key)."""
        out = []
        for json_name, snake in req.detail[0]:
            v = value.get(json_name)
            if v is None:
                v = value.get(snake)
            if v is None or v == "" or v == []:
                if json_name == "metaData" and node.parent is not None:
                    continue  # member of a Family/Cohort: the enclosing metaData applies
                out.append(Violation(f"{node.type} is missing REQUIRED field {json_name!r}", (json_name,)))
        return out

    def missing_oneof(self, value: dict[str, Any], node: Node, req: Required) -> Violation | None:
        """The finding when no member of the required oneof group is set."""
        group, members = req.detail[1]
        if all(value.get(a) is None and value.get(b) is None for a, b in members):
            names = ", ".join(a for a, _ in members)
            return Violation(f"{node.type} needs one of {names} (REQUIRED oneof {group!r})")
        return None


def pairs(type_name: str) -> tuple[tuple[tuple[str, str], ...], tuple[str, tuple[tuple[str, str], ...]] | None]:
    """(required (json, snake) name pairs, (oneof group, member pairs) or None) of a message type."""
    return _PAIRS.get(type_name, ()), _ONEOF_PAIRS.get(type_name)
