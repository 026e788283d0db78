"""Findings of the FHIR converter, both directions: stable codes, stable names, one doc page each.

Reader findings (FHIR → phenopacket) point into the input FHIR JSON tree (for XML input: the same tree, read from
the XML); writer findings (phenopacket → FHIR) point into the phenopacket. Codes and names are public: reports,
``--ignore`` and ``phenotk explain`` use them. docs/fhir-mapping.md ("Findings") lists them next to the mapping.
"""

from __future__ import annotations

from phenotk.issue import FindingType, Severity

UNMAPPED_RESOURCE = FindingType(
    "FHIR001",
    "fhir-unmapped-resource",
    Severity.WARNING,
    "A FHIR resource with no phenopacket counterpart, or one that cannot be attached to a Patient.",
    """\
What it means: a resource of the input (a Bundle entry, or the file itself) is not carried into any phenopacket.
The pointer is the resource (``/entry/5/resource``); the message names it (``Procedure/p1``) and, when the type
is one the mapping reads, why this one was not read (no Patient to attach it to, no coded term, entered in error).

Why: a converter never drops data silently. FHIR has many resource types a phenopacket has no place for
(Procedure, MedicationRequest, Organization, ServiceRequest, …); the report lists each of them so you can see
what the phenopackets do not contain.

Example: a Synthea bundle whose ``MedicationRequest`` entries have no phenopacket field, or an ``Observation``
with neither an HPO code, a measurement value nor a variant.

What to do: nothing if the resource is outside what you want in the phenopackets. If it should be carried, code
it the way docs/fhir-mapping.md describes (e.g. an HPO coding on a phenotype Observation), or keep the FHIR
bundle next to the phenopackets.""",
    group="fhir",
)

UNMAPPED_ELEMENT = FindingType(
    "FHIR002",
    "fhir-unmapped-element",
    Severity.WARNING,
    "An element, extension, component or extra coding of a read resource that is not carried.",
    """\
What it means: the resource was read into a phenopacket, but one of its elements was not: a top-level element
the mapping does not use, an extension with an unknown url, an Observation component without a phenopacket field,
or a second coding next to the one that was kept. The pointer is the element; the message gives its FHIR path
(``Observation.effectiveDateTime``) and why.

Why: the phenopacket made from the resource is missing exactly this value; the report says so instead of losing
it without a trace.

Example: an HPO phenotype Observation with ``effectiveDateTime`` (an observation time is not an onset), or a
``Condition.code`` with a SNOMED coding next to the MONDO coding that was kept.

What to do: nothing if the value is not needed. Otherwise carry it the way docs/fhir-mapping.md describes
(e.g. the onset extension instead of ``effectiveDateTime``).""",
    group="fhir",
)

INVALID = FindingType(
    "FHIR003",
    "fhir-invalid",
    Severity.WARNING,
    "The input breaks the FHIR R4 (R4B) resource model; it is read tolerantly anyway.",
    """\
What it means: the fhir.resources R4B model rejects the resource: an unknown element, a wrong type, a missing
required element or an unknown ``resourceType``. At most five such errors are listed per file, then a count.
The reader works on the raw tree, so whatever it recognises is still converted.

Why: a bundle that breaks the model may not be read the same way by other FHIR tools; what phenotk read from
it may differ from what the sender meant.

Example: an Observation without ``status`` (a required element), or a resource with an element FHIR does not
define.

What to do: fix the FHIR producer, or accept the finding if you only need what phenotk could read. When phenotk
writes FHIR itself with ``validate=True`` the same check turns into an error.""",
    group="fhir",
)

NO_PATIENT = FindingType(
    "FHIR004",
    "fhir-no-patient",
    Severity.ERROR,
    "Nothing in the input is about a patient, so no phenopacket can be made from it.",
    """\
What it means: the file has no Patient resource, no resource that references a Patient, and no embedded
phenopacket. The message lists the resource types that were found. No phenopacket is written for this input.

Why: a phenopacket is about one individual; without one there is nothing to build.

Example: a bundle of only ``Organization`` and ``Practitioner`` resources, or a lone ``ServiceRequest`` without
``subject``.

What to do: check that this is the file you meant to convert; include the Patient (or give the resources a
``subject`` reference to one).""",
    group="fhir",
)

BAD_VALUE = FindingType(
    "FHIR005",
    "fhir-bad-value",
    Severity.WARNING,
    "A value outside its code list, or values read from FHIR that do not form a valid phenopacket.",
    """\
What it means: a coded value is not one FHIR allows there (e.g. ``Patient.gender`` = ``M``) and is not carried;
or (as an error) the values read together were rejected by the phenopacket schema, so no phenopacket is made.

Why: guessing what ``M`` means would invent a value the input did not state; a phenopacket that breaks the schema
cannot be written.

Example: ``"gender": "M"``; a karyotypic-sex extension whose code (``XYZ``) is not a phenopacket KaryotypicSex.

What to do: correct the value in the FHIR input (``male``, ``female``, ``other``, ``unknown`` for gender).""",
    group="fhir",
)

MISSING_PATIENT = FindingType(
    "FHIR006",
    "fhir-missing-patient",
    Severity.INFO,
    "Resources reference a Patient that is not in the input; a phenopacket with only the subject id is made.",
    """\
What it means: Observations, Conditions or other resources name their ``subject`` as ``Patient/123`` (or a
``urn:uuid:``), but that Patient is not in the file. Their data goes into a phenopacket whose subject has only
the id taken from the reference: no sex, no birth date.

Why: the data about the patient is kept and grouped by patient, and the report says the individual's own
details were not available.

Example: a bundle of phenotype Observations exported without the Patient resource.

What to do: nothing if the id is all you need; otherwise include the Patient resource in the input.""",
    group="fhir",
)

CONFLICTING_SEX = FindingType(
    "FHIR007",
    "fhir-conflicting-sex",
    Severity.WARNING,
    "A sex Observation contradicts Patient.gender; the Patient's value is kept.",
    """\
What it means: an Observation coding the individual's sex (LOINC 76689-9, 46098-0, SNOMED 734000001 or a PATO
sex term) says something else than ``Patient.gender``. The phenopacket keeps the sex from ``Patient.gender``.

Why: the two values cannot both go into ``subject.sex``; keeping one without a word would hide the conflict.

Example: ``Patient.gender`` = ``female`` and an Observation with code 76689-9 valued ``male``.

What to do: check the source record and correct the wrong one.""",
    group="fhir",
)

EMBEDDED_PHENOPACKET = FindingType(
    "FHIR008",
    "fhir-embedded-phenopacket",
    Severity.INFO,
    "A DocumentReference carries a base64 phenopacket; it is read as is (error when it cannot be parsed).",
    """\
What it means: a DocumentReference attachment holds a whole phenopacket (the Phenomics Exchange IG use case 2
shape). phenotk decodes it and returns that phenopacket unchanged, next to any made from the FHIR resources.
When the embedded document is not a readable phenopacket the same finding is an error and names the reason.

Why: the embedded phenopacket is the sender's own; it is not rebuilt from FHIR, so what it says is what you
get.

Example: ``DocumentReference.content[0].attachment.data`` = base64 of a phenopacket JSON.

What to do: nothing when it is info. When it is an error, fix the embedded document (decode it, correct it,
encode it again) or send the phenopacket as a plain file.""",
    group="fhir",
)

VARIANT_WITHOUT_REPORT = FindingType(
    "FHIR009",
    "fhir-variant-without-report",
    Severity.INFO,
    "A variant or implication Observation outside any DiagnosticReport, read as an interpretation without diagnosis.",
    """\
What it means: a Genomics Reporting variant (LOINC 69548-6) or diagnostic-implication Observation is not listed
in the ``result`` of a DiagnosticReport. It becomes a genomic interpretation of its own interpretation, whose
diagnosis has no disease.

Why: in a phenopacket a variant sits inside an interpretation; without a report there is no diagnosis to hang it
on, and inventing one is not an option.

Example: a bundle with a Patient and a variant Observation only.

What to do: nothing if that is how the data is; to get a diagnosis, put the Observation in a DiagnosticReport
with a ``conclusionCode``.""",
    group="fhir",
)

UNMAPPED_FIELD = FindingType(
    "FHIR010",
    "fhir-unmapped-field",
    Severity.WARNING,
    "(writer) A phenopacket field with no place in the FHIR mapping, not written (or written changed).",
    """\
What it means: writing the phenopacket as a FHIR Bundle, this field was not written because the mapping has no
place for it (the pointer is the field in the phenopacket); or an ontology id with surrounding whitespace was
written trimmed, since FHIR codes cannot carry it.

Why: the report shows exactly what a phenopacket → FHIR → phenopacket round trip loses, field by field.

Example: ``medicalActions``, ``files``, a variant's ``vcfRecord.info``, a Family ``pedigree`` beyond the
parent/child/sibling relationships.

What to do: nothing if the loss is acceptable; otherwise keep the phenopacket (JSON, YAML, protobuf) next to the
FHIR bundle. docs/fhir-mapping.md lists every carried field.""",
    group="fhir",
)

UNSUPPORTED_ELEMENT = FindingType(
    "FHIR011",
    "fhir-unsupported-element",
    Severity.ERROR,
    "(writer) A top-level element other than a Phenopacket or Family; it is not written to FHIR.",
    """\
What it means: the FHIR writer got a Cohort (or another top-level message). It writes Phenopackets and Families
only, so nothing is written for this element.

Why: a Cohort has no FHIR Bundle shape in this mapping; writing only part of it would look complete when it is
not.

Example: ``phenotk convert cohort.json --to fhir -o out/``.

What to do: convert the cohort's members one by one (each is a phenopacket), or keep the cohort in JSON.""",
    group="fhir",
)

ASSUMED_SUBJECT = FindingType(
    "FHIR012",
    "fhir-assumed-subject",
    Severity.INFO,
    "Who a resource is about was inferred, not stated: no subject (the only Patient taken), or no Patient id.",
    """\
What it means: either a resource has no ``subject`` (or ``patient``) reference and was attached to the input's
only Patient, or a Patient has neither an ``id`` nor an ``identifier`` and its phenopacket and subject were given
the made-up id ``patient-N`` (a warning: that id is in no source system).

Why: a converter never invents a value without saying so; both are reasonable readings of a one-patient file,
but the input did not state them.

Example: an IPS-style document Bundle whose Observations have no ``subject``; a hand-written Patient ``{}``.

What to do: nothing if the reading is right; otherwise add the ``subject`` references or the Patient's ``id``.""",
    group="fhir",
)

LABEL_FROM_ONTOLOGY = FindingType(
    "FHIR013",
    "fhir-label-from-ontology",
    Severity.INFO,
    "A term's coding has no display (and no text): its label was taken from the loaded ontology release.",
    """\
What it means: a phenopacket OntologyClass needs a label, and the FHIR coding it was read from (e.g. an
Observation.code with ``system`` and ``code`` ``HP:0001250`` only) has no ``display`` and its CodeableConcept no
``text``. An ontology was loaded (``--hpo``), so the label is the current label of that id in that release; the
message names the id, the label and the release. The pointer is the first such coding in the input.

Why: a converter never invents a value without saying so. The label comes from the ontology, not from the input;
it may differ from what the sender's system shows for that code.

Example: ``phenotk convert bundle.json --from fhir --hpo hp.json -o out/`` on a Bundle whose HPO codings have no
display: ``HP:0001250 has no display in the input; label 'Seizure' taken from HPO release 2025-05-06``.

What to do: nothing when the label is right; otherwise add the ``display`` to the coding. Without an ontology the
label stays empty (and validation reports the missing label).""",
    group="fhir",
)

FINDINGS: tuple[FindingType, ...] = (
    UNMAPPED_RESOURCE,
    UNMAPPED_ELEMENT,
    INVALID,
    NO_PATIENT,
    BAD_VALUE,
    MISSING_PATIENT,
    CONFLICTING_SEX,
    EMBEDDED_PHENOPACKET,
    VARIANT_WITHOUT_REPORT,
    UNMAPPED_FIELD,
    UNSUPPORTED_ELEMENT,
    ASSUMED_SUBJECT,
    LABEL_FROM_ONTOLOGY,
)
