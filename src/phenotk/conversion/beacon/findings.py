"""Findings of the Beacon converter, both directions: stable codes, stable names, one doc page each.

Reader findings (Beacon individual → phenopacket) point into the Beacon input (``/2/diseases/0/ageOfOnset``, or
``/response/resultSets/0/results/3/…`` inside a Beacon response); writer findings (phenopacket → Beacon) point
into the phenopacket and name the individual in ``context.individual``. A value that is not carried is kept in
``context.value``, so ``--report FILE`` keeps it. Codes and names are public: reports, ``--ignore`` and
``phenotk explain`` use them.
"""

from __future__ import annotations

from phenotk.issue import FindingType, Severity

WRONG_DOCUMENT = FindingType(
    "BCN001",
    "beacon-wrong-document",
    Severity.ERROR,
    "An item of a Beacon list or response that is not an individual (a biosample, a run, a phenopacket …); skipped.",
    """\
What it means: the input holds several items, and this one is not a Beacon ``individuals`` document: it is
another Beacon entity (pedigree, biosample, genomic variation, run, analysis, cohort), a phenopacket or FHIR
resource, or an object without ``id`` and any individual key. It is skipped; the other items are read. (A single
document that is not an individual is refused with an error instead.)

Why: reading a biosample as an individual would invent a person; skipping it quietly would lose it.

Example: a Beacon response whose ``resultSets[0].results`` mixes individuals and biosamples.

What to do: give only individuals to ``--from beacon``; convert phenopackets without ``--from beacon``.""",
    group="beacon",
)

FIELD_NOT_CARRIED = FindingType(
    "BCN002",
    "beacon-field-not-carried",
    Severity.WARNING,
    "A value with no place on the other side: kept only in info.phenopacket (writing) or in the finding (reading).",
    """\
What it means: writing, a phenopacket value has no Beacon individual field (a second evidence, a disease
resolution, a radiation therapy, medicalAction extras …); it is kept in ``info.phenopacket`` (which phenotk reads
back), or dropped with ``-O info=false``. Reading, a Beacon field has no phenopacket home (``ethnicity``,
``geographicOrigin``, ``exposures``, ``pedigrees``, unknown keys of an element); its value is kept in
``context.value``. Tool bookkeeping keys starting with ``_`` are info.

Why: a converter never drops a value silently; the report lists each value a round trip cannot carry in the
target's own fields.

Example: a Beacon individual with ``"ethnicity": {"id": "NCIT:C42331", "label": "African"}``.

What to do: nothing if the loss is acceptable; otherwise keep the source document next to the converted one
(``--report FILE`` keeps the values).""",
    group="beacon",
)

ID_MISSING = FindingType(
    "BCN003",
    "beacon-id-missing",
    Severity.WARNING,
    "A phenopacket without subject.id written as a Beacon individual: the individual takes the packet id.",
    """\
What it means: a Beacon individual needs an ``id``; the phenopacket's subject has none, so the packet id was used.

Why: the Beacon id is the individual's identity; the report says it came from the packet, not the subject.

Example: ``{"id": "PMID_1_P1", "subject": {"sex": "MALE"}, …}`` → ``{"id": "PMID_1_P1", …}``.

What to do: set ``subject.id`` in the phenopacket if the individual has its own id.""",
    group="beacon",
)

INVALID_VALUE = FindingType(
    "BCN004",
    "beacon-invalid-value",
    Severity.WARNING,
    "A Beacon value of the wrong shape (not a term, a time element, a quantity …); dropped.",
    """\
What it means: the value does not have the shape the Beacon schema gives the field: a term without ``id``, a
time element that is none of the known forms, a quantity without a numeric ``value``, an unknown karyotypic sex or
drug type. It is left out and kept in ``context.value``. Writing Beacon, an infinite or NaN number of the
phenopacket (protobuf JSON allows ``"Infinity"``) has no JSON number: it is written as that string, reported.

Why: guessing what a malformed value means would invent data; skipping it quietly would lose it.

Example: ``"featureType": "HP:0001250"`` (a string, not ``{"id": "HP:0001250"}``), or
``"ageOfOnset": {"age": "three years"}``.

What to do: correct the value in the Beacon document (the message says what was expected).""",
    group="beacon",
)

SEX_TERM = FindingType(
    "BCN005",
    "beacon-sex-term",
    Severity.INFO,
    "A sex term that is not one of the NCIT codes known, read by its label.",
    """\
What it means: the individual's ``sex`` has an ``id`` that is none of the NCIT sex codes phenotk knows, but its
label is ``female``, ``male``, ``unknown`` or ``other``; it was read by the label. A plain word instead of a term
(``"sex": "female"``) is read the same way.

Why: some Beacon producers use other vocabularies (or mistyped codes); reading the label keeps the value, and the
report says it was not read by its code.

Example: ``"sex": {"id": "PATO:0000383", "label": "female"}``.

What to do: nothing, or use the Beacon schema's NCIT codes (NCIT:C16576 female, NCIT:C20197 male).""",
    group="beacon",
)

SEX_MISSING = FindingType(
    "BCN006",
    "beacon-sex-missing",
    Severity.INFO,
    "A Beacon individual without sex (required by the schema): the phenopacket says UNKNOWN_SEX.",
    """\
What it means: ``sex`` is required in a Beacon individual; this one has none, so the phenopacket subject has the
default UNKNOWN_SEX.

Why: UNKNOWN_SEX is what the input states (nothing); the report says it was not read from a value.

Example: ``{"id": "ind1", "diseases": […]}``.

What to do: nothing, or add the sex to the Beacon document.""",
    group="beacon",
)

DATABASE_ID = FindingType(
    "BCN007",
    "beacon-database-id",
    Severity.INFO,
    "A database-internal '_id' (e.g. MongoDB's) that is not carried.",
    """\
What it means: the individual has an ``_id`` key, the storage id of a Beacon database (MongoDB ``ObjectId``); it
identifies the record in that database, not the individual, and is not carried. Its value is in the finding.

Why: it is bookkeeping, not data about the individual; the report still says it was there.

Example: ``"_id": {"$oid": "6513f0d1c9e77c0001a1b2c3"}`` in a Beacon reference implementation dump.

What to do: nothing.""",
    group="beacon",
)

RESOURCE_UNKNOWN = FindingType(
    "BCN008",
    "beacon-resource-unknown",
    Severity.INFO,
    "metaData.resources made for a Beacon individual lack a version, URL or IRI prefix; complete them.",
    """\
What it means: a phenopacket needs one ``metaData.resources`` entry per ontology prefix it uses. A Beacon
document does not name ontology releases, so the entries were made from phenotk's resource table; for the
prefixes listed no version (or URL, or IRI prefix) is known.

Why: an incomplete resource entry fails phenopacket validation; inventing a release would state what the input
did not.

Example: a Beacon individual with ICD-10 disease codes (no release of ICD-10 is stated).

What to do: fill in ``version`` (and ``url``/``iriPrefix``) for the listed prefixes: the ontology releases
the Beacon data was coded with.""",
    group="beacon",
)

INFO_RESTORED = FindingType(
    "BCN009",
    "beacon-info-restored",
    Severity.INFO,
    "Phenopacket fields restored from info.phenopacket (written by phenotk or Convert-Pheno).",
    """\
What it means: the Beacon individual has an ``info.phenopacket`` object, where phenotk (and Convert-Pheno) keep
the phenopacket fields a Beacon individual has no place for. They were read back into the phenopacket; a list kept
whole there replaces the one read from the Beacon fields.

Why: this is how a phenopacket → Beacon → phenopacket round trip loses nothing; the report says which fields came
from ``info``.

Example: an individual written by ``phenotk convert --to beacon`` whose ``info.phenopacket`` has
``interpretations`` and ``metaData``.

What to do: nothing.""",
    group="beacon",
)

ELEMENT_SPLIT = FindingType(
    "BCN010",
    "beacon-element-split",
    Severity.INFO,
    "A Family or Cohort written to Beacon: each member became one individual; the family/cohort record is not.",
    """\
What it means: Beacon individuals are single persons; each proband, relative or cohort member was written as
one individual, and the Family or Cohort itself (its id, pedigree, consanguinity, description, files, metaData)
was not written. The message names the parts that had values; ``context.value`` keeps them (``--report FILE``).

Why: the output has other units than the input; the report says so.

Example: ``phenotk convert family.json --to beacon -o individuals.json``.

What to do: nothing if individuals are what you need; keep the Family JSON (or write a Beacon pedigree by other
means) otherwise.""",
    group="beacon",
)

JSON_STREAM = FindingType(
    "BCN011",
    "beacon-json-stream",
    Severity.INFO,
    "Several JSON documents one after another (not one JSON value), each read as an individual.",
    """\
What it means: the file is not one JSON value but several concatenated documents (as EGA's phenopackets-to-BFF
writes families); each was read as an individual.

Why: strict JSON readers refuse such a file; phenotk reads it, and says the file is not standard JSON.

Example: ``{"id": "proband", …}{"id": "mother", …}`` in one ``.json`` file.

What to do: nothing, or make the file a JSON array (``[…, …]``) for other tools.""",
    group="beacon",
)

LEGACY_FIELD = FindingType(
    "BCN012",
    "beacon-legacy-field",
    Severity.INFO,
    "A non-standard Beacon shape read into its place (phenopacket-style 'timeObserved', a list measurementValue, "
    "Beacon+ 'indexDisease').",
    """\
What it means: Beacon measures state their time as ``observationMoment``; some producers write the phenopacket
name ``timeObserved``. Alone it is read as the observation moment; next to an ``observationMoment`` with another
value it is ignored (its value is in the finding). Some producers (EGA's beacon2-pi-api test data) write
``measurementValue`` as a list: its first item is read as the value, further items are reported as not carried
(a phenopacket measurement has one value). Beacon+ (Progenetix) individuals carry their index disease as
``indexDisease`` (a disease object): it is read as one of the packet's diseases. (Their ``externalReferences``,
e.g. the PubMed id, go to ``metaData.externalReferences`` without a finding.)

Why: the field means the same thing under its phenopacket name or shape; the report says what was read.

Example: ``"measures": [{"assayCode": {…}, "measurementValue": {…}, "timeObserved": {"age": {…}}}]``, or
``"measurementValue": [{"unit": {…}, "value": 50}]``.

What to do: nothing, or rename the key to ``observationMoment``. (Before the finding catalog this finding was
emitted as BCN003, the code that ``beacon-id-missing`` keeps.)""",
    group="beacon",
)

FINDINGS: tuple[FindingType, ...] = (
    WRONG_DOCUMENT,
    FIELD_NOT_CARRIED,
    ID_MISSING,
    INVALID_VALUE,
    SEX_TERM,
    SEX_MISSING,
    DATABASE_ID,
    RESOURCE_UNKNOWN,
    INFO_RESTORED,
    ELEMENT_SPLIT,
    JSON_STREAM,
    LEGACY_FIELD,
)
