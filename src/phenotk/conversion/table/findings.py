"""The conversion findings of the table converter: catalogued finding types and one constructor.

The findings every tabular format shares (``map-unmapped-column`` MAP001, ``map-bad-cell`` MAP002,
``map-unknown-term`` MAP007, ``map-not-carried`` MAP009) are declared in :mod:`phenotk.conversion.findings`
and imported here; the ones below are the table converter's own. Codes and names are public and stable.
"""

from __future__ import annotations

from typing import Any

from phenotk.conversion.findings import MAP_BAD_CELL, MAP_NOT_CARRIED, MAP_UNKNOWN_TERM, MAP_UNMAPPED_COLUMN
from phenotk.issue import FindingType, Issue, RuleInfo, Severity

MAP_UNMATCHED_TEXT = FindingType(
    "MAP003",
    "map-unmatched-text",
    Severity.WARNING,
    "A free-text phrase that matches no HPO label or synonym exactly.",
    """\
What it means: a phrase of a free-text column (split at the mapping's separators, then at commas and "and")
is neither an HPO label nor a synonym of the loaded release, also after singular/plural normalisation, so no
feature was made from it.

Why: free text is matched exactly — a near match would invent a phenotype the curator did not write — and a
phrase that matches nothing must not disappear.

Example: ``Notes`` = ``no seizures; walks with aid`` → "walks with aid" is reported.

What to do: write the HPO label or a synonym (``Seizure``), add an HPO term column instead, or accept that the
phrase is not a phenotype.""",
    group="mapping",
)

MAP_CONFLICTING_VALUES = FindingType(
    "MAP004",
    "map-conflicting-values",
    Severity.WARNING,
    "Rows of one packet disagree about a single-valued field.",
    """\
What it means: several rows belong to one packet (a long sheet, or a repeated id) and give different values for
a field that holds one value (sex, age, a feature observed in one row and excluded in another). The first value
was kept; the finding names the row and column of the other. The age at last encounter is the exception: in a
sheet of one row per visit the greatest age is the last encounter, so it is kept and each other age is named
(not carried).

Why: picking silently would hide that the sheet contradicts itself.

Example: patient ``P1`` has ``Sex`` = ``M`` in row 2 and ``F`` in row 5.

What to do: correct the row that is wrong.""",
    group="mapping",
)

MAP_MISSING_ID = FindingType(
    "MAP005",
    "map-missing-id",
    Severity.ERROR,
    "A row with data but without a subject / packet id; it cannot become a packet.",
    """\
What it means: a row holds data, but the column(s) the mapping reads the packet or subject id from are empty,
so the row belongs to no phenopacket and none of its cells is carried. Fully empty rows are not reported.

Why: a patient without an id is data lost; it is an error so the run exits non-zero instead of looking complete.

Example: row 8 has ``Sex`` = ``F`` and ``Seizure`` = ``yes`` but an empty ``Patient`` cell.

What to do: fill in the id, or delete the row if it is not a patient (e.g. a totals row).""",
    group="mapping",
)

MAP_DUPLICATE_ID = FindingType(
    "MAP006",
    "map-duplicate-id",
    Severity.WARNING,
    "Two rows give the same packet id in a one-row-per-packet sheet (their cells are merged into one packet).",
    """\
What it means: the mapping says one row per packet (``input.rows: one``, the default for wide sheets), but two
rows have the same packet id. Their cells were merged into one packet; disagreements are reported as
``map-conflicting-values``.

Why: two patients with one id would otherwise silently become one.

Example: rows 3 and 9 both have ``Patient`` = ``P2``.

What to do: give each patient its own id, or set ``input.rows: many`` if several rows per patient are meant.""",
    group="mapping",
)

MAP_MISSING_COLUMN = FindingType(
    "MAP008",
    "map-missing-column",
    Severity.WARNING,
    "The mapping names a column the sheet does not have.",
    """\
What it means: a field of the mapping reads a column whose header is not in the sheet, so that field is empty
for every packet. The message names the mapping line.

Why: a renamed or misspelt header would otherwise empty a field without notice.

Example: the mapping says ``sex: Gender`` but the sheet's header is ``Sex``.

What to do: correct the column name in the mapping (headers are matched exactly, blanks trimmed).""",
    group="mapping",
)

MAP_DUPLICATE_HEADER = FindingType(
    "MAP010",
    "map-duplicate-header",
    Severity.WARNING,
    "Two columns with the same header; the later ones are renamed 'name (2)', 'name (3)', ….",
    """\
What it means: the header row has the same text twice. Both columns are read, the second under the name
``name (2)``, so a mapping can address it.

Why: reading only one of them would drop the other column's data.

Example: two columns headed ``Variant``.

What to do: give the columns distinct headers, or map ``Variant (2)`` in the mapping.""",
    group="mapping",
)

MAP_LABEL_MISMATCH = FindingType(
    "MAP011",
    "map-label-mismatch",
    Severity.WARNING,
    "A 'label (HP:…)' header or a label cell names a different term than its id.",
    """\
What it means: a header or cell gives both an HPO id and a label, and the label is neither the id's current
label nor one of its synonyms in the loaded release. The id was used.

Why: one of the two is wrong; the converter cannot tell which, so it keeps the id and says so.

Example: ``Seizure (HP:0001252)`` — HP:0001252 is Hypotonia.

What to do: correct the id or the label.""",
    group="mapping",
)

MAP_ORPHAN_VALUE = FindingType(
    "MAP012",
    "map-orphan-value",
    Severity.WARNING,
    "A cell that only has meaning beside another cell of its block, which is empty (an onset without a disease).",
    """\
What it means: a disease onset, label or exclusion, a reference description, or a long-layout status/onset was
given in a row whose main cell (the disease id, the reference id, the term) is empty, so there is nothing to
attach it to and it is not carried.

Why: a converter never drops a value silently; an onset without its disease is data that went missing.

Example: ``Disease onset`` = ``childhood`` with an empty ``Disease`` cell.

What to do: fill in the missing main cell (the disease id), or clear the orphan cell.""",
    group="mapping",
)

MAP_DISEASE_LABEL_MISSING = FindingType(
    "MAP013",
    "map-disease-label-missing",
    Severity.WARNING,
    "A disease id without a label in the sheet and without one in the HPO annotation file.",
    """\
What it means: the disease was carried with its id but an empty label: the sheet has no label for it, and the
HPO annotation file (``phenotype.hpoa``, given with ``--annotations`` or the config key ``annotations``) was
not given or does not list the id.

Why: a disease term without its label is hard to read and fails label checks; the converter does not guess one.

Example: ``Disease`` = ``OMIM:614959`` without a name column and no ``--annotations``.

What to do: add a disease name column to the mapping, pass ``--annotations phenotype.hpoa`` (gzip accepted),
or check the id if the annotation file was given and does not know it.""",
    group="mapping",
)

MAP_MAPPING_HINT = FindingType(
    "MAP014",
    "map-mapping-hint",
    Severity.WARNING,
    "A mapping value that a YAML comment probably cut short (an unquoted ``#``).",
    """\
What it means: in YAML, `` #`` starts a comment, so an unquoted value such as ``id: MIM #607208`` is read as
``id: MIM``. The mapping is valid, but the value it holds is very likely not what you wrote.

Why: the cut is silent in YAML; every row would get the truncated value, or a column name that does not exist.

Example: ``diseases: {id: {value: MIM #607208}}`` reads the disease id as ``MIM``.

What to do: quote the value (``"MIM #607208"``), or write it without the ``#`` (``OMIM:607208``). The finding
names the mapping file, line and column.""",
    group="mapping",
)

MAP_INCOMPLETE_PACKETS = FindingType(
    "MAP015",
    "map-incomplete-packets",
    Severity.WARNING,
    "Packets the sheet and mapping cannot make complete: what is missing, and the mapping key that states it.",
    """\
What it means: after the whole sheet was converted, some packets lack something Phenopackets v2 requires that
no cell states and the converter does not invent. The finding is given once per sheet, with the number of
packets, the first rows, and the mapping key or column that would state it:

* ``metaData.resources`` without a ``version``: the release of GENO, OMIM, MONDO … the ids come from
  (HP takes the loaded HPO release); state it under ``metadata: {resource_versions: {GENO: "2025-07-25"}}``;
* a variant without a disease: Phenopackets carry variants only inside ``interpretations[].diagnosis``, whose
  ``disease`` is REQUIRED; map a disease column (``diseases: {id: …}``);
* a gene symbol without an HGNC id: ``geneContext.valueId`` is REQUIRED; map a column of ``HGNC:…`` ids as
  ``variants: {hgnc_id: …}``.

Why: the validator reports each gap on every packet (``meta-resource-incomplete``, ``schema-required``) in the
terms of the output; this finding says it once, in the terms of the sheet and the mapping, so it can be fixed at
the source.

Example: a hospital sheet with a ``Gene`` column and zygosity words but no disease and no HGNC id column.

What to do: add what is named to the mapping (or the column to the sheet) and convert again.""",
    group="mapping",
)

FINDINGS: tuple[FindingType, ...] = (
    MAP_UNMATCHED_TEXT,
    MAP_CONFLICTING_VALUES,
    MAP_MISSING_ID,
    MAP_DUPLICATE_ID,
    MAP_MISSING_COLUMN,
    MAP_DUPLICATE_HEADER,
    MAP_LABEL_MISMATCH,
    MAP_ORPHAN_VALUE,
    MAP_DISEASE_LABEL_MISSING,
    MAP_MAPPING_HINT,
    MAP_INCOMPLETE_PACKETS,
)

#: Every finding type the table converter emits (its own and the shared ones), by rule name.
TYPES: dict[str, FindingType] = {
    ft.name: ft
    for ft in (MAP_UNMAPPED_COLUMN, MAP_BAD_CELL, MAP_UNKNOWN_TERM, MAP_NOT_CARRIED, *FINDINGS)
}

#: rule name → (code, one-line summary), kept for callers of the older table.
RULES: dict[str, tuple[str, str]] = {name: (ft.code, ft.summary) for name, ft in TYPES.items()}


def rule_infos() -> list[RuleInfo]:
    """RuleInfo records for reporters and docs."""
    return [ft.info() for ft in TYPES.values()]


def finding(
    rule: str,
    message: str,
    severity: Severity,
    *,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
    value: str | None = None,
    reason: str | None = None,
    **extra: Any,
) -> Issue:
    """An :class:`Issue` of the catalogued type ``rule`` with the spreadsheet location in ``context``.

    Context keys: sheet, row, column, value, reason (and any ``extra``); None values are left out.
    """
    ft = TYPES[rule]
    ctx: dict[str, Any] = {}
    for key, val in (("sheet", sheet), ("row", row), ("column", column), ("value", value), ("reason", reason)):
        if val is not None:
            ctx[key] = val
    ctx.update(extra)
    # the spreadsheet column is context, not Issue.column (that one is a line:column in JSON/YAML input)
    return Issue(ft.code, ft.name, severity, message, context=ctx)
