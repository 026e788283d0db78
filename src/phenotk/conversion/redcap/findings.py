"""Conversion findings of the REDCap converter (``RC001``–``RC014``); :func:`finding` builds them.

Findings of the table machinery it reuses keep their ``map-*`` names, except the two a REDCap user thinks of in
REDCap words: an unread column is ``redcap-unmapped-field`` and an unparsable cell is ``redcap-bad-value``
(:data:`RENAMED`). Every finding about a record carries ``record``, ``event``, ``instrument``, ``instance``,
``field`` and ``value`` in its context (when known).
"""

from __future__ import annotations

from typing import Any

from phenotk.issue import FindingType, Issue, Severity

UNMAPPED_FIELD = FindingType(
    "RC001",
    "redcap-unmapped-field",
    Severity.WARNING,
    "An export field with data that the mapping does not read.",
    """\
What it means: the export has a field (column) whose values are not read by any part of the mapping, so they
are in no phenopacket. The table converter calls this ``map-unmapped-column``; for a REDCap export it is
reported in REDCap words, with the field and its instrument.

Why: a converter never drops a value silently; a field you forgot to map is data lost from the packets.

Example: the export has ``consanguinity`` (instrument ``family_history``) and the mapping has no field for it.

What to do: map the field in the mapping, or list it under ``ignore_columns:`` to say on purpose that it is not
carried. REDCap's own columns (``redcap_event_name``, ``*_complete``…) are never reported.""",
    group="redcap",
)

BAD_VALUE = FindingType(
    "RC002",
    "redcap-bad-value",
    Severity.WARNING,
    "A value that is not one of its field's choices, or not a date/number as declared.",
    """\
What it means: the data dictionary declares the field as coded (dropdown, radio, checkbox, yes/no) or as a
validated date, number or integer, and the value in the export is none of those. The value is not used; the
finding names record, event, instrument, field and value.

Why: guessing what an undeclared code or a malformed date means would invent data.

Example: ``sex`` = ``3`` where the dictionary lists ``1, Male | 2, Female``; ``dob`` = ``31.02.2020`` in a
``date_dmy`` field.

What to do: correct the value in REDCap (the data quality module finds these too), or update the dictionary if
the choice list is out of date.""",
    group="redcap",
)

UNKNOWN_FIELD = FindingType(
    "RC003",
    "redcap-unknown-field",
    Severity.WARNING,
    "An export column that the data dictionary does not define.",
    """\
What it means: a column of the export is neither a field of the data dictionary nor a checkbox option of one,
so its values cannot be checked or labelled; they are read as plain text. An empty such column is reported as
info only.

Why: it usually means the dictionary is from another version of the project than the export.

Example: the export has ``hpo_terms_2`` but the dictionary was downloaded before that field was added.

What to do: download the data dictionary and the export at the same time, from the same project.""",
    group="redcap",
)

DICTIONARY_MISSING_COLUMN = FindingType(
    "RC004",
    "redcap-dictionary-missing-column",
    Severity.WARNING,
    "The data dictionary lacks a standard column.",
    """\
What it means: a column REDCap always writes to a dictionary (form name, choices…) is missing, or its header is
damaged and the column was recognised by its position. Without the form column instruments are unknown;
without the choices column coded values cannot be checked or labelled.

Why: the dictionary was edited by hand or exported by another tool.

Example: a dictionary whose first header reads ``1`` instead of ``Variable / Field Name``.

What to do: download the dictionary again from REDCap (Project Setup → Data Dictionary), or fix the header.""",
    group="redcap",
)

DICTIONARY_UNKNOWN_TYPE = FindingType(
    "RC005",
    "redcap-dictionary-unknown-type",
    Severity.WARNING,
    "A dictionary field type REDCap does not have (read as text).",
    """\
What it means: a field's type is none of REDCap's (text, notes, dropdown, radio, checkbox, yesno, truefalse,
calc, file, slider, descriptive, sql); its values are read as text and not checked.

Why: a typo in a hand-edited dictionary would otherwise switch off every check of that field silently.

Example: field type ``dropdwon``.

What to do: correct the type in the dictionary.""",
    group="redcap",
)

DICTIONARY_BAD_CHOICES = FindingType(
    "RC006",
    "redcap-dictionary-bad-choices",
    Severity.WARNING,
    "A dictionary choice list that does not parse as 'code, label | …'.",
    """\
What it means: the choices of a dropdown, radio or checkbox field have an entry without a comma, a code given
twice, a code without a label, or no entries at all. The entries that parse are used.

Why: values whose code is not in the parsed list would be reported as bad values, or shown as codes.

Example: ``1, Yes | No`` (the second entry has no code).

What to do: write every choice as ``code, label`` separated by ``|``, as REDCap's designer does.""",
    group="redcap",
)

DICTIONARY_DUPLICATE_FIELD = FindingType(
    "RC007",
    "redcap-dictionary-duplicate-field",
    Severity.WARNING,
    "A field defined twice in the data dictionary (first kept).",
    """\
What it means: two rows of the dictionary define the same field name; the first definition is used and the
second ignored.

Why: REDCap refuses such a dictionary on upload; the two definitions may disagree on type or choices.

Example: ``sex`` defined in row 4 (instrument ``demographics``) and again in row 40 (instrument ``followup``).

What to do: rename or remove one of the two definitions.""",
    group="redcap",
)

DICTIONARY_MISSING = FindingType(
    "RC008",
    "redcap-dictionary-missing",
    Severity.INFO,
    "No data dictionary: choice codes are kept and values are not checked.",
    """\
What it means: no data dictionary was given (argument, mapping ``redcap.dictionary``, ``-O dictionary=PATH``)
or found next to the export, so coded values stay codes and no value is checked against its field.

Why: the packets may hold ``1`` where a label was meant, and bad values pass unnoticed.

Example: converting ``export.csv`` alone, without ``MyProject_DataDictionary.csv``.

What to do: download the data dictionary and pass it with ``-O dictionary=PATH`` or ``redcap.dictionary``.""",
    group="redcap",
)

DUPLICATE_RECORD = FindingType(
    "RC009",
    "redcap-duplicate-record",
    Severity.WARNING,
    "Two export rows for the same record/event/instance (kept apart).",
    """\
What it means: two rows have the same record id, event, repeat instrument and instance, which a REDCap export
never does. The second row is kept apart as record ``<id>_2`` so no value is lost or merged by guess.

Why: it usually means two exports were concatenated, or the record id field is not the one the mapping names.

Example: two rows for record ``17`` in event ``baseline_arm_1`` without a repeat instance.

What to do: remove the duplicate rows, or set ``redcap.record_id`` to the field that identifies records.""",
    group="redcap",
)

DICTIONARY_USED = FindingType(
    "RC010",
    "redcap-dictionary-used",
    Severity.INFO,
    "The data dictionary found next to the export and used.",
    """\
What it means: no dictionary was named, and exactly one file next to the export is named like a REDCap
dictionary (``*DataDictionary*.csv``, ``*metadata*.json``…); it was used.

Why: a report should say which dictionary the values were checked against.

Example: ``MyProject_DataDictionary_2024-05-01.csv`` beside ``MyProject_DATA_2024-05-01.csv``.

What to do: nothing if it is the right one; otherwise name it with ``redcap.dictionary`` or
``-O dictionary=PATH``.""",
    group="redcap",
)

UNKNOWN_CARRY = FindingType(
    "RC011",
    "redcap-unknown-carry",
    Severity.WARNING,
    "A mapping redcap.carry name that is neither a field nor an instrument.",
    """\
What it means: the mapping's ``redcap.carry`` list names something that is neither a column of the export nor
an instrument of the dictionary, so nothing is copied across events for it.

Why: a typo here silently leaves baseline values out of the later events' packets.

Example: ``carry: [demographic]`` when the instrument is called ``demographics``.

What to do: correct the name (field names and instrument names are case-sensitive).""",
    group="redcap",
)

LABEL_HEADERS = FindingType(
    "RC012",
    "redcap-label-headers",
    Severity.INFO,
    "Field labels as export headers (REDCap 'CSV labels') matched to fields.",
    """\
What it means: the export's headers are field labels rather than field names (REDCap's "CSV (labels)"
export); they were matched to the dictionary's fields in dictionary order, and the message says how many.

Why: labels can repeat and change; the report should say that a matching was made.

Example: a header ``What is the patient's sex?`` matched to field ``sex``.

What to do: nothing if the count is right; for a reliable conversion export with "CSV (raw data)" headers.""",
    group="redcap",
)

CHECKBOX_UNTICKED = FindingType(
    "RC013",
    "redcap-checkbox-unticked",
    Severity.INFO,
    "Unticked checkbox options of a filled-in form, not written (0 means 'not recorded').",
    """\
What it means: a checkbox field read as phenotypes (or by a value map) has options exported as ``0`` on a form
whose ``<form>_complete`` status says it was filled in (Unverified or Complete). REDCap writes ``0`` for every
unticked box, also on forms nobody opened, so an unticked box is not read as "excluded": nothing is written for
it. One finding per record (and event) counts them and names the options.

Why: reading 0 as "excluded" invented exclusions for every form that was never filled in; on a filled-in form an
unticked box may still mean "looked for and absent", so the count is reported rather than dropped silently.

Example: ``symptoms___2`` = 0 and ``symptoms___3`` = 0 for record 1, whose ``clinical_complete`` is 2.

What to do: nothing if unticked means "not recorded" in your project. If your form means "unticked = absent",
say so in the mapping: ``phenotypes: {wide: {values: {excluded: [0]}}}`` (or a ``values`` map with a ``"0"``
key on the entry that reads the column).""",
    group="redcap",
)

CHECKBOX_DEFAULT_CHANGED = FindingType(
    "RC014",
    "redcap-checkbox-default-changed",
    Severity.WARNING,
    "The mapping reads checkboxes as phenotypes without saying what an unticked box means (default changed).",
    """\
What it means: the mapping reads REDCap checkbox options (``field___code`` columns) as wide phenotype columns and
does not list its own ``excluded`` words. Before this release an unticked box (``0``) was read as an excluded
phenotype through the built-in vocabulary; now it means "not recorded" and nothing is written for it. Reported
once per run.

Why: REDCap exports ``0`` also for forms never filled in, so the old default invented exclusions.

Example: ``phenotypes: {wide: {columns: ["symptoms___*"]}}`` without ``values``.

What to do: to keep the old reading (unticked = excluded), add ``values: {excluded: [0]}`` to ``phenotypes.wide``
(``excluded: [0, "no"]`` to keep ``no`` as well, since a mapping's list replaces the built-in one). To accept
the new reading and silence this warning, list the excluded words without 0, e.g. ``values: {excluded: ["no"]}``.""",
    group="redcap",
)

FINDINGS: tuple[FindingType, ...] = (
    UNMAPPED_FIELD,
    BAD_VALUE,
    UNKNOWN_FIELD,
    DICTIONARY_MISSING_COLUMN,
    DICTIONARY_UNKNOWN_TYPE,
    DICTIONARY_BAD_CHOICES,
    DICTIONARY_DUPLICATE_FIELD,
    DICTIONARY_MISSING,
    DUPLICATE_RECORD,
    DICTIONARY_USED,
    UNKNOWN_CARRY,
    LABEL_HEADERS,
    CHECKBOX_UNTICKED,
    CHECKBOX_DEFAULT_CHANGED,
)

#: Table-converter rules that are renamed for REDCap inputs.
RENAMED: dict[str, FindingType] = {"map-unmapped-column": UNMAPPED_FIELD, "map-bad-cell": BAD_VALUE}


def finding(kind: FindingType, message: str, severity: Severity, **context: Any) -> Issue:
    """An :class:`Issue` of ``kind`` at ``severity``; ``context`` keys with a None or empty value are left out."""
    ctx = {k: v for k, v in context.items() if v is not None and v != ""}
    # built here rather than by ``kind(...)``: the context key ``column`` names a column, not a text position
    return Issue(kind.code, kind.name, severity, message, context=ctx)
