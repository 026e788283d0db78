"""Free text under de-identification: which fields are free text, and the identifier scan of what remains.

Free text (descriptions, summaries, update comments, external-reference descriptions) is removed by every
profile: no scrubber can promise to find every name or date in prose. Every other string the profile keeps is
either structured data (:data:`STRUCTURED`: codes, sequences, resource metadata) or scanned; a match is a
finding (``deid-identifier-left``), never a silent pass. Kept values that may embed a record's id (variant
labels and ids, extension values, VCF INFO, file attributes) have it rewritten to its pseudonym first.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator

# the scan itself lives in the validation layer (the privacy rules run the same one; sharing sits above them)
from phenotk.validation.rules.privacy._scan import (
    EXTRA_PATTERNS,
    PATTERNS,
    distinctive,
    embedded_spans,
    has_id,
    id_spans,
    pattern_finds,
    plain,
)

#: (message type, JSON field) of free text: removed by every profile
FREE_TEXT: frozenset[tuple[str, str]] = frozenset(
    {
        ("PhenotypicFeature", "description"),
        ("Measurement", "description"),
        ("Biosample", "description"),
        ("ExternalReference", "description"),
        ("VariationDescriptor", "description"),
        ("GeneDescriptor", "description"),
        ("Interpretation", "summary"),
        ("Update", "comment"),
        ("Cohort", "description"),
        ("Text", "definition"),
    }
)

#: (message type, JSON field) of kept text-like values: ids rewritten, then scanned for identifiers
SCANNED: frozenset[tuple[str, str]] = frozenset(
    {
        ("VariationDescriptor", "label"),
        ("VariationDescriptor", "alternateLabels"),
        ("Extension", "value"),
        ("Extension", "name"),
        ("VcfRecord", "info"),
    }
)

#: (message type, JSON field) of kept id-like strings that may embed a subject id: rewritten, then scanned like
#: :data:`SCANNED` (a variant id ``Jane_Roe_2019-03-12`` holds a date; none of the store's 8,422 matches)
REWRITTEN: frozenset[tuple[str, str]] = frozenset(
    {
        ("VariationDescriptor", "id"),
        ("VcfRecord", "id"),
        ("Allele", "Id"),
    }
)

#: (message type, JSON field) of kept strings that hold a URL by design: scanned, but a URL is no finding there
URL_VALUED: frozenset[tuple[str, str]] = frozenset({("ExternalReference", "reference")})

#: (message type, JSON field) of kept strings that are structured data, not text: neither rewritten nor scanned
#: (ontology and gene codes, sequences and VRS codes, resource metadata — a resource version is a date by
#: design). Every other kept string (ontology labels, HGVS expressions, metaData.createdBy, external reference
#: ids, VCF FILTER …) is scanned as it is.
STRUCTURED: frozenset[tuple[str, str]] = frozenset(
    {
        ("OntologyClass", "id"),
        ("Age", "iso8601duration"),
        ("Resource", "id"),
        ("Resource", "name"),
        ("Resource", "url"),
        ("Resource", "version"),
        ("Resource", "namespacePrefix"),
        ("Resource", "iriPrefix"),
        ("MetaData", "phenopacketSchemaVersion"),
        ("GeneDescriptor", "valueId"),
        ("GeneDescriptor", "symbol"),
        ("GeneDescriptor", "alternateIds"),
        ("GeneDescriptor", "alternateSymbols"),
        ("GeneDescriptor", "xrefs"),
        ("VariationDescriptor", "xrefs"),
        ("VariationDescriptor", "vrsRefAlleleSeq"),
        ("Expression", "syntax"),
        ("Expression", "version"),
        ("VcfRecord", "genomeAssembly"),
        ("VcfRecord", "chrom"),
        ("VcfRecord", "ref"),
        ("VcfRecord", "alt"),
        ("VcfRecord", "qual"),
        ("Gene", "geneId"),
        ("Allele", "curie"),
        ("CopyNumber", "curie"),
        ("Member", "curie"),
        ("ChromosomeLocation", "chr"),
        ("ChromosomeLocation", "speciesId"),
        ("CytobandInterval", "start"),
        ("CytobandInterval", "end"),
        ("IndefiniteRange", "comparator"),
        ("SequenceLocation", "sequenceId"),
        ("LiteralSequenceExpression", "sequence"),
        ("SequenceState", "sequence"),
    }
)


def leftovers(text: str, ids: Iterable[str] = (), skip: Collection[str] = ()) -> Iterator[tuple[str, str]]:
    """(kind, matched text) of identifier-like parts left in a kept text value (kinds in ``skip`` not reported).

    ``ids`` are the record's own ids (those too short to search for are left out, :func:`distinctive`). The
    text is scanned as a reader sees it (:func:`plain`): ``jane＠example.org`` is an e-mail address.
    """
    return scan(text, list(dict.fromkeys(plain(i) for i in ids if distinctive(i))), skip)


def scan(text: str, ids: Collection[str], skip: Collection[str] = ()) -> Iterator[tuple[str, str]]:
    """:func:`leftovers` with ``ids`` already distinctive and in :func:`plain` form (a document's texts share them).

    The privacy rules' scan (:func:`~phenotk.validation.rules.privacy._scan.scan_text`), each (kind, match)
    reported once.
    """
    text = plain(text)
    for found in dict.fromkeys(pattern_finds(text)):
        if found[0] not in skip:
            yield found
    for ident in ids:
        if has_id(text, ident):
            yield "the record's own id", ident


__all__ = [
    "EXTRA_PATTERNS",
    "FREE_TEXT",
    "PATTERNS",
    "REWRITTEN",
    "SCANNED",
    "STRUCTURED",
    "URL_VALUED",
    "distinctive",
    "embedded_spans",
    "id_spans",
    "leftovers",
    "plain",
    "scan",
]
