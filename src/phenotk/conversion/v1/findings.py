"""Findings of the v1 → v2 upgrade (``phenotk upgrade``, ``phenotk.upgrade``, ``convert --from v1``).

Every finding points into the input document as it was written (pre-1.0 layouts included: parts that were moved
to their v1 place are reported at their original pointer), with line and column when the input was a file.
Codes and names are public: reports, ``--ignore`` and ``phenotk explain`` use them.
"""

from __future__ import annotations

from phenotk.issue import FindingType, Severity

ALREADY_V2 = FindingType(
    "UPG000",
    "already-v2",
    Severity.INFO,
    "The input is already a Phenopacket v2 document; it is returned unchanged.",
    """\
What it means: the document was recognised as schema v2 (v2 field names such as ``timeAtLastEncounter`` or a
v2 ``phenopacketSchemaVersion``), so there was nothing to upgrade; it is read and returned as it is.

Why: upgrading a whole folder often mixes v1 and v2 files; the report says which ones were left alone.

Example: ``phenotk upgrade`` given a v2 phenopacket from the Phenopacket Store.

What to do: nothing.""",
    group="v1",
)

UNKNOWN_FIELD = FindingType(
    "UPG001",
    "v1-unknown-field",
    Severity.WARNING,
    "A key that is not a field of the v1 message it appears in; dropped (info when it was empty).",
    """\
What it means: the key is neither a v1 field name (JSON or proto spelling) nor a known pre-release alias of one,
so the strict v1 parser would reject it. It is left out and its value is kept in ``context.value``. A document
that is already v2 is passed through as it is; each member the v2 message has no field for is reported the same
way ("not a Phenopacket v2 field").

Why: the upgrade must read every v1 value it can and name every one it cannot; a parser that stops at the first
unknown key reads nothing, one that skips it quietly loses data.

Example: ``"subject": {"id": "P1", "nickname": "…"}``, or a ``datasetId`` written by a local tool.

What to do: if the key is a misspelt v1 field, correct it and upgrade again; if it is local data, move it into a
v2 field that means the same (e.g. ``description``) by hand.""",
    group="v1",
)

FIELD_NOT_CARRIED = FindingType(
    "UPG002",
    "v1-field-not-carried",
    Severity.WARNING,
    "A v1 (or pre-1.0) value with no Phenopacket v2 counterpart; dropped, its value kept in the finding.",
    """\
What it means: the v1 field is valid but v2 has no place for it (``Biosample.isControlSample``,
``VcfAllele.vcfVersion``, ``HtsFile`` leftovers …), or v1 genes/variants that v2 keeps only inside an
interpretation and ``--variants-to-interpretations`` was not given. ``context.value`` holds the value.

Why: a converter never drops a value silently; the report lists each loss so it can be carried by hand.

Example: ``"variants": [{"hgvsAllele": {"hgvs": "NM_000138.4:c.718C>T"}}]`` upgraded without
``--variants-to-interpretations``.

What to do: for genes and variants, upgrade again with ``--variants-to-interpretations`` (and ``--disease`` when
the packet has several diseases). For other fields, keep the v1 file or carry the value into a v2 field by hand.""",
    group="v1",
)

LEGACY_FIELD_NAME = FindingType(
    "UPG003",
    "v1-legacy-field-name",
    Severity.INFO,
    "A v1 release-candidate field name (or a misused field) read as its v1.0 equivalent.",
    """\
What it means: the document uses a name from a v1 release candidate (``tumorStage`` for ``diseaseStage``,
``genotype`` for ``zygosity``), or ``vcfAllele.id`` holding a genome assembly name; it was read as the v1.0 field
it stands for.

Why: such files were written by early tools; reading them by the meaning of the old name keeps their data.

Example: ``"disease": {"term": {…}, "tumorStage": [{…}]}``, or ``"vcfAllele": {"id": "hg19", …}``.

What to do: nothing; the v2 output uses the current names.""",
    group="v1",
)

VARIANTS_NEED_DISEASE = FindingType(
    "UPG004",
    "v1-variants-need-disease",
    Severity.WARNING,
    "--variants-to-interpretations was asked but no single disease can be the diagnosis; genes/variants dropped.",
    """\
What it means: a v2 interpretation needs a diagnosis, and the packet has no disease or several of them, so the
v1 genes and variants could not be placed. Each is reported with its value.

Why: choosing one of several diseases (or inventing one) would state a diagnosis the input did not state.

Example: a v1 packet with two diseases and one causative variant, upgraded without ``--disease``.

What to do: upgrade again with ``--disease ID`` naming the diagnosis.""",
    group="v1",
)

INTERPRETATION_MADE = FindingType(
    "UPG005",
    "v1-interpretation-made",
    Severity.INFO,
    "v1 genes/variants became a v2 interpretation, with statuses v1 did not state.",
    """\
What it means: with ``--variants-to-interpretations`` the packet's v1 genes and variants became one v2
interpretation whose diagnosis is the packet's disease (or ``--disease``). Its ``progressStatus`` and each
``interpretationStatus`` come from the options (default SOLVED and CAUSATIVE), since v1 has neither. A
``--disease`` id that is not among the packet's diseases is used without a label, and said so.

Why: these statuses are a choice made during the upgrade, not data from the input; the report says so.

Example: a v1 packet with disease OMIM:101600 and one variant → interpretation ``P1`` for OMIM:101600, SOLVED,
the variant CAUSATIVE.

What to do: check the statuses; change them with ``--status`` / ``--interpretation-status``.""",
    group="v1",
)

PRE1_LEGACY_FIELD = FindingType(
    "UPG006",
    "pre1-legacy-field",
    Severity.INFO,
    "A pre-1.0 (HpoCaseAnnotator 0.2 / 0.3, schema 0.1) layout read into its v1 place.",
    """\
What it means: the document is a pre-1.0 Phenopacket; its parts were moved to where v1 keeps them (``phenotypes``
→ ``phenotypicFeatures``, a PATO sex term → the Sex enum, a 0.2 family's ``individuals`` → relatives, flat
variant coordinates → the HGVS expression, a 0.1 subject's own ``phenotypes`` / ``phenotypicFeatures`` → the
packet's). Findings about moved parts point at their place in the input.

Why: pre-1.0 files differ from v1 in layout, not in meaning; saying what moved makes the result checkable.

Example: ``"phenotypes": [{"type": {"id": "HP:0001250"}}]`` read as ``phenotypicFeatures``.

What to do: nothing.""",
    group="v1",
)

INVALID_VALUE = FindingType(
    "UPG007",
    "v1-invalid-value",
    Severity.WARNING,
    "A value of the wrong type for its v1 field; dropped (a boolean written as a string is read, info).",
    """\
What it means: the value does not fit the v1 field: a string where a term object belongs, an enum name v1 does
not have, a timestamp that is not RFC 3339, a list where one value belongs, a second choice of a oneof
(``classOfOnset`` next to ``ageOfOnset``) or a field given twice (``dateOfBirth`` and ``date_of_birth``: the first
is kept). It is left out and kept in ``context.value``; a feature whose ``negated`` is unreadable is left out
whole (``context.feature``), since whether it was observed is unknown. ``"true"``/``"false"``/``"yes"``/``"no"``
strings for a boolean are read as the boolean, and an enum name in another case (``"sex": "male"``) as the name
(info).

Why: the strict v1 parser would reject the whole document for one bad value; reading the rest and naming the
bad value keeps everything else.

Example: ``"sex": "M"`` (not a Sex enum name), ``"created": "12.11.2019"``.

What to do: correct the value in the input and upgrade again, or set the v2 field by hand.""",
    group="v1",
)

INTERPRETATION_WRAPPER = FindingType(
    "UPG008",
    "v1-interpretation-wrapper",
    Severity.INFO,
    "A v1 Interpretation document was unwrapped: its diagnoses became v2 interpretations of the element it wraps.",
    """\
What it means: v1 has a top-level ``Interpretation`` document that wraps a phenopacket or family; v2 keeps
interpretations inside the phenopacket. The wrapped element is the output, its diagnoses became
``interpretations`` (of the proband for a family), and a diagnosed disease missing from the element's diseases
was added to them.

Why: the output has another top-level type than the input; the report says so.

Example: a v1 Interpretation ``{"id": "I1", "phenopacket": {…}, "diagnosis": [{…}]}`` → a Phenopacket with one
interpretation ``I1``.

What to do: nothing.""",
    group="v1",
)

MEANING_CHANGED = FindingType(
    "UPG009",
    "v1-meaning-changed",
    Severity.INFO,
    "A v1 field moved to the nearest v2 field, whose meaning differs slightly.",
    """\
What it means: v2 has no field with exactly the v1 meaning, so the value went to the closest one:
``subject.ageAtCollection`` (and ``ageRangeAtCollection``) became ``subject.timeAtLastEncounter``.

Why: the value is kept, but a reader of the v2 document should know it was an age at sample collection.

Example: ``"subject": {"ageAtCollection": {"age": "P3Y"}}`` → ``"timeAtLastEncounter": {"age": {…"P3Y"}}``.

What to do: nothing, unless the difference matters; then move the value by hand.""",
    group="v1",
)

SCHEMA_VERSION = FindingType(
    "UPG010",
    "v1-schema-version",
    Severity.INFO,
    "The declared phenopacketSchemaVersion is not a v1 version; replaced by the v2 version.",
    """\
What it means: ``metaData.phenopacketSchemaVersion`` names a version that is not 1.x or 0.x (often a tool's own
version or a typo); the output declares the bundled v2 schema version.

Why: the output is v2 whatever the input said; the report keeps the declared value visible.

Example: ``"phenopacketSchemaVersion": "2.0"`` in a document with v1 fields.

What to do: nothing.""",
    group="v1",
)

METADATA_MISSING = FindingType(
    "UPG011",
    "v1-metadata-missing",
    Severity.WARNING,
    "The v1 document has no metaData; the output gets one with only the schema version.",
    """\
What it means: v2 requires ``metaData``; the input had none, so the output has one holding only
``phenopacketSchemaVersion``. ``created``, ``createdBy`` and ``resources`` are not invented.

Why: inventing a creator, a date or ontology versions would state what the input did not; the v2 document will
fail validation until they are added.

Example: a v1 phenopacket with ``id``, ``subject`` and ``phenotypicFeatures`` only.

What to do: add ``created``, ``createdBy`` and one ``resources`` entry per ontology prefix used (``phenotk
validate`` suggests the missing resource entries).""",
    group="v1",
)

UPGRADED = FindingType(
    "UPG012",
    "upgraded",
    Severity.INFO,
    "Summary: which v1 or pre-1.0 element was upgraded, from which declared schema, to which v2 version.",
    """\
What it means: the document was upgraded; the message names the input generation (v1 or pre-1.0), the element
type, the schema version the input declared and the v2 version written. Every value that changed or was lost has
its own finding next to this one.

Why: a report of an upgrade run shows, per file, that it was upgraded and from what.

Example: ``upgraded a Phenopacket v1 Phenopacket (declared schema 1.0.0) to schema 2.0.2``.

What to do: nothing. (Before the finding catalog this summary was emitted as UPG000, the code that
``already-v2`` keeps.)""",
    group="v1",
)

FAMILY_ID_FILLED = FindingType(
    "UPG013",
    "v1-family-id-filled",
    Severity.INFO,
    "Pedigree persons without a familyId (REQUIRED in v2) got the id of the Family that holds them.",
    """\
What it means: v1 allowed pedigree persons without ``familyId`` (Exomiser's example families have none); v2 marks
it REQUIRED, so every upgraded person would be a ``schema-required`` error. A person of a Family's pedigree
belongs to that family, so the upgrade writes the Family's ``id`` there and says how many persons got it.

Why: the value is derived from the document itself (the pedigree is the Family's), not invented; the report says
it was filled, so a curator who keeps several families in one pedigree can correct it.

Example: ``{"id": "family", "pedigree": {"persons": [{"individualId": "Adam", …}]}}`` → each person gets
``"familyId": "family"``.

What to do: nothing, unless the pedigree mixes families: then set each person's ``familyId``.""",
    group="v1",
)

FINDINGS: tuple[FindingType, ...] = (
    ALREADY_V2,
    UNKNOWN_FIELD,
    FIELD_NOT_CARRIED,
    LEGACY_FIELD_NAME,
    VARIANTS_NEED_DISEASE,
    INTERPRETATION_MADE,
    PRE1_LEGACY_FIELD,
    INVALID_VALUE,
    INTERPRETATION_WRAPPER,
    MEANING_CHANGED,
    SCHEMA_VERSION,
    METADATA_MISSING,
    UPGRADED,
    FAMILY_ID_FILLED,
)
