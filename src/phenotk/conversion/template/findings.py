"""Conversion findings of the curation-template converters (phetools cohort JSON, pyphetools Excel).

The four findings every tabular format shares (``map-unmapped-column``, ``map-bad-cell``, ``map-unknown-term``,
``map-not-carried``) are declared once in :mod:`phenotk.conversion.findings` and imported from there; their old
template codes (``TPL001``, ``TPL002``, ``TPL005``, ``TPL008``) are aliases of the shared ``MAP`` codes. The
findings below are the template converters' own. :func:`issue` builds every template finding and applies
``--strict``.
"""

from __future__ import annotations

from typing import Any

from phenotk.conversion.base import ConvertOptions
from phenotk.conversion.findings import MAP_BAD_CELL, MAP_NOT_CARRIED, MAP_UNKNOWN_TERM, MAP_UNMAPPED_COLUMN
from phenotk.issue import FindingType, Issue, Severity

__all__ = [
    "DUPLICATE_INDIVIDUAL",
    "FINDINGS",
    "LOSSY_EXPORT",
    "MAP_BAD_CELL",
    "MAP_NOT_CARRIED",
    "MAP_UNKNOWN_TERM",
    "MAP_UNMAPPED_COLUMN",
    "OBSOLETE_TERM",
    "REDUNDANT_TERM",
    "UNKNOWN_VARIANT",
    "UNMAPPED_VALUE",
    "issue",
]

UNKNOWN_VARIANT = FindingType(
    "TPL003",
    "map-unknown-variant",
    Severity.WARNING,
    "A row names an allele that no variant catalogue of the cohort JSON defines.",
    """\
What it means: a row's ``alleleCountMap`` holds a variant key that is in none of the table's catalogues
(``hgvsVariants``, ``structuralVariants``, ``intergenicVariants``), so nothing says what the variant is. The
packet is written without it; the finding names the row and the key.

Why: a key without a definition cannot become a variation descriptor, and inventing one would put a variant in
the packet that the table does not describe.

Example: ``"alleleCountMap": {"c.123A>G_NM_000123.4": 1}`` while ``hgvsVariants`` has no entry with that key
(the entry was deleted or renamed when the table was edited).

What to do: add the variant back to its catalogue (phetools does this when you re-enter it), or remove the
key from the row if the variant was withdrawn.""",
    group="template",
)

UNMAPPED_VALUE = FindingType(
    "TPL004",
    "map-unmapped-value",
    Severity.INFO,
    "A cell with content (a free-text comment) that no phenopacket field holds.",
    """\
What it means: the cell was read, but its text has no place in a phenopacket: the curator's ``comment`` of an
individual, or a ``variant.comment`` that is not a protein HGVS expression. It is not carried; the finding
quotes the beginning of the text.

Why: a converter never drops a value silently; a comment can hold facts a curator meant to record.

Example: ``comment`` = ``"affected sib of P2, see Fig. 3"``.

What to do: nothing if the comment is bookkeeping. If it states a phenotype, a variant or an age, add it to
the template's HPO columns, allele cells or age cells so it becomes data.""",
    group="template",
)

DUPLICATE_INDIVIDUAL = FindingType(
    "TPL006",
    "map-duplicate-individual",
    Severity.WARNING,
    "Two rows of one template make the same phenopacket id (same PMID and individual id).",
    """\
What it means: packet ids are ``PMID_<pmid>_<individual>``; two rows with the same PMID and the same
individual id give two packets with one id. Both are written; the finding names both rows.

Why: phenopacket-store and most tools key packets by id; the second packet would overwrite the first, or a
comparison would match the wrong one.

Example: rows 7 and 12 both have ``PMID:30945334`` and individual ``II-1`` (two families with the same
pedigree label).

What to do: make the individual ids unique within the publication (``Family 1 II-1``, ``Family 2 II-1``).""",
    group="template",
)

LOSSY_EXPORT = FindingType(
    "TPL007",
    "map-lossy-export",
    Severity.WARNING,
    "Writing a template: a phenopacket value the curation template has no column for.",
    """\
What it means: the packets were written to a phetools cohort JSON or a pyphetools Excel template, but this
value has no column there (biosamples, measurements, feature modifiers, more than two alleles, a second
disease, VCF records in Excel, a non-phenopacket message…). It is not exported; the finding names the packet
and what was left out.

Why: the report shows exactly what the round trip packets → template → packets loses.

Example: a packet with ``measurements`` written with ``--to pyphetools-xlsx``.

What to do: nothing if the loss is acceptable for curation; otherwise keep the packets themselves (JSON, YAML,
protobuf) next to the template.""",
    group="template",
)

REDUNDANT_TERM = FindingType(
    "TPL009",
    "map-redundant-term",
    Severity.INFO,
    "Under ``-O clean=pyphetools``: an HPO term removed as redundant, as pyphetools did for the store.",
    """\
What it means: the opt-in pyphetools clean-up (``-O clean=pyphetools``, needs ``--hpo``) removed a term of a
row: an observed term when a descendant is also observed, an excluded term below another excluded term, or an
excluded term that is itself (or has a descendant) observed. The finding names the row, the term and its
status. Asking for the clean-up without an ontology is reported under this name too (it is then not applied).

Why: phenopacket-store's packets were built this way; the clean-up reproduces them, and the finding keeps the
removal visible instead of silent.

Example: a row with ``Seizure`` and ``Focal-onset seizure`` both observed keeps only ``Focal-onset seizure``.

What to do: nothing; convert without ``-O clean=pyphetools`` to keep every term the sheet states.""",
    group="template",
)

OBSOLETE_TERM = FindingType(
    "TPL010",
    "map-obsolete-term",
    Severity.INFO,
    "Under ``-O clean=pyphetools``: an obsolete or alternative HPO id read as its current term.",
    """\
What it means: a template column names an HPO id that the loaded release marks obsolete or lists as an
alternative id of another term; the opt-in clean-up reads the column as the current term (id and label). The
finding names the column, the old id and the new one.

Why: pyphetools replaced such ids when it built phenopacket-store; an obsolete id in a packet fails
validation.

Example: row 2 of a column holds an id that a later HPO release merged into another term (it is now an
alternative id of that term); the column is read as the term it was merged into, with that term's label.

What to do: update the template's row 2 to the current id so the sheet and the packets agree.""",
    group="template",
)

FINDINGS: tuple[FindingType, ...] = (
    UNKNOWN_VARIANT,
    UNMAPPED_VALUE,
    DUPLICATE_INDIVIDUAL,
    LOSSY_EXPORT,
    REDUNDANT_TERM,
    OBSOLETE_TERM,
)


def issue(
    kind: FindingType,
    message: str,
    options: ConvertOptions | None,
    *,
    default: Severity | None = None,
    escalate: bool = True,
    pointer: str = "",
    **context: Any,
) -> Issue:
    """A finding of ``kind`` at ``default`` severity (else the kind's own); ``--strict`` makes it an error.

    ``escalate=False`` keeps the severity under ``--strict`` (for notes that are not problems of the input).
    """
    severity = default or kind.severity
    if options is not None and escalate:
        severity = options.severity(severity)
    # built here rather than by ``kind(...)``: the context key ``column`` is a sheet column, not a text column
    ctx = {k: v for k, v in context.items() if v is not None}
    return Issue(kind.code, kind.name, severity, message, pointer=pointer, context=ctx)
