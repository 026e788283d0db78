"""Conversion findings shared by every tabular converter (sheets, REDCap, curation templates) and the pipeline.

Format-specific findings live in ``conversion/<format>/findings.py``; the ones here have one meaning in every
tabular format, so they are declared once — one code, one name — and each format imports them from here
instead of from another format package. Codes the template converter used before the catalog merged them
(``TPL001`` …) are kept as aliases, so ``--ignore TPL001`` and ``phenotk explain TPL001`` still work.
"""

from __future__ import annotations

from phenotk.issue import FindingType, Severity

MAP_UNMAPPED_COLUMN = FindingType(
    "MAP001",
    "map-unmapped-column",
    Severity.WARNING,
    "A column (or template key) with data that nothing in the mapping reads.",
    """\
What it means: the input has a column whose cells hold data, but no field of the mapping (and no HPO term
header) reads it, so its values are not in any phenopacket.

Why: a converter never drops a value silently. A column you forgot to map is data lost from the packets.

Example: a sheet with a ``Consanguinity`` column and a mapping without a field for it.

What to do: map the column (``mapping init`` suggests fields), or list it under ``ignore:`` in the mapping to
say on purpose that it is not carried.""",
    group="mapping",
    aliases=("TPL002",),
)

MAP_BAD_CELL = FindingType(
    "MAP002",
    "map-bad-cell",
    Severity.WARNING,
    "A cell whose text cannot be read as the value its column maps to.",
    """\
What it means: the cell was read, but its text is not a valid value for the field the column maps to (an
age that is not an age, a sex word not in the vocabulary, a variant that is neither HGVS nor a "no variant"
word). The value is not carried; the finding names sheet, row, column and the text.

Why: guessing would invent data the sheet did not state; skipping quietly would lose it.

Example: ``Age at onset`` = ``toddler?``; ``Variant`` = ``c.2836C>X``.

What to do: correct the cell, or add the text to the column's ``values:`` map in the mapping.""",
    group="mapping",
    aliases=("TPL001",),
)

MAP_UNKNOWN_TERM = FindingType(
    "MAP007",
    "map-unknown-term",
    Severity.WARNING,
    "A term header or cell that is neither an HPO id of the loaded release nor a known HPO label.",
    """\
What it means: a column or cell names a phenotype that could not be resolved against the loaded HPO release
(an id the release does not have, or a label/synonym that matches no term).

Why: an unresolvable term would become a feature nobody can interpret, or be dropped silently.

Example: a header ``Intellectual disabilty`` (typo), or ``HP:9999999``.

What to do: fix the spelling (the message suggests the closest term when there is one), give the HPO id in
the header (``Seizure (HP:0001250)``), or load a newer HPO release with ``--hpo``.""",
    group="mapping",
    aliases=("TPL008",),
)

MAP_NOT_CARRIED = FindingType(
    "MAP009",
    "map-not-carried",
    Severity.INFO,
    "A value the target layout cannot hold (writers), or input bookkeeping that is not part of a phenopacket.",
    """\
What it means: converting wrote or read everything it could, but this field has no place on the other side
(a table layout without a column for it, cohort-level bookkeeping in a curation template).

Why: the report shows exactly what a round trip loses, field by field, with counts.

Example: writing packets with measurements to the wide table layout.

What to do: nothing if the loss is acceptable; otherwise choose a format that carries the field (JSON,
YAML, protobuf).""",
    group="mapping",
    aliases=("TPL005",),
)

CONVERT_NOT_CARRIED = FindingType(
    "CNV002",
    "convert-not-carried",
    Severity.WARNING,
    "A field or value of a Phenopacket JSON/YAML input that the protobuf message cannot hold is not in the output.",
    """\
What it means: converting between Phenopacket serialisations (JSON, YAML, JSON Lines, protobuf) goes through the
protobuf message. A key that is no field of its message (a typo such as ``phenotypicFeature``, a field of
another schema version) or an enum value that is no name of its enum (``"sex": "MAL"``) has no place there,
so it is not in the written file. Each such key or value gets its own finding at its JSON pointer (the first
50 of a document; a last finding counts the rest).

Why: a conversion must never drop what the input stated without a word. ``phenotk validate`` reports the same
values as ``schema-unknown-field`` and ``schema-enum`` with their exact places and a fix.

Example: ``{"id": "P1", "subject": {"id": "S1", "sex": "MAL"}}`` converted to YAML loses the sex.

What to do: run ``phenotk validate`` (or ``phenotk fix``) on the input, correct the named fields, and convert
again.""",
    group="conversion",
)

CONVERT_SKIPPED_FILE = FindingType(
    "CNV001",
    "convert-skipped-file",
    Severity.INFO,
    "A file found in a folder that no converter recognises; it was not read.",
    """\
What it means: while walking a folder given as input, phenotk met a file that is neither a Phenopacket
serialisation (.json .yaml .yml .pb .jsonl .zip) nor claimed by a converter (sheet, curation template, FHIR,
REDCap, PED, Beacon, v1), so it was skipped. Files named explicitly are never skipped: they are read or
reported as unreadable.

Why: a conversion of a folder should say which files it left out, not only which it converted.

Example: ``notes.docx`` or ``README.md`` inside a folder of sheets.

What to do: nothing if the file is not data; otherwise name it explicitly, or force its format with
``--from``.""",
    group="conversion",
)

CONVERT_DEFAULT_STATED = FindingType(
    "CNV003",
    "convert-default-stated",
    Severity.INFO,
    "A REQUIRED number or yes/no field the input does not state is written with its default (false, 0).",
    """\
What it means: the Phenopacket schema marks a few scalar fields REQUIRED — ``Family.consanguinousParents``,
``GestationalAge.weeks``, ``RadiationTherapy.dosage`` and ``fractions`` — and the reference validator rejects a
file without them, so a converted packet is written with each one stated. When the input (a PED file, a sheet,
a FHIR bundle …) says nothing about it, the value written is protobuf's default, ``false`` or ``0``: a value
the input did not state. Enum fields (``UNKNOWN_STATUS``, ``NOT_PROVIDED`` …) get no such finding, since their
default says "unknown".

Why: ``"consanguinousParents": false`` reads as "the parents are not related", which a PED file cannot say; a
converter must not present a default as a statement without a word.

Example: ``phenotk convert family.ped -o out/`` writes ``"consanguinousParents": false``.

What to do: if the value is known, set it in the output (or in the input, where the format can say it);
otherwise leave it and keep in mind that ``false``/``0`` here means "not stated".""",
    group="conversion",
)

MAP_VARIANT_NO_REFERENCE = FindingType(
    "MAP020",
    "map-variant-no-reference",
    Severity.WARNING,
    "A variant written without its reference sequence (c.123A>G) and no default transcript in the mapping.",
    """\
What it means: the variant cell gives an HGVS change such as ``c.123A>G`` but no reference sequence
(``NM_000001.2:``), and the mapping names no default transcript for the column. The variant is carried with the
expression exactly as written (``c.123A>G``) and its label; no reference was made up.

Why: a c. position means nothing without the transcript it counts on; guessing one would invent data.

Example: ``Variant`` = ``c.2836C>T (het)`` with ``variants: {hgvs: Variant}``.

What to do: write the transcript in the cell (``NM_001165963.4:c.2836C>T``), or give the column's transcript in
the mapping: ``variants: {hgvs: Variant, transcript: {const: NM_001165963.4}}`` (or a column holding it).""",
    group="mapping",
)

FINDINGS: tuple[FindingType, ...] = (
    MAP_UNMAPPED_COLUMN,
    MAP_BAD_CELL,
    MAP_UNKNOWN_TERM,
    MAP_NOT_CARRIED,
    MAP_VARIANT_NO_REFERENCE,
    CONVERT_SKIPPED_FILE,
    CONVERT_NOT_CARRIED,
    CONVERT_DEFAULT_STATED,
)
