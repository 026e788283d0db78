"""Free text under de-identification: which fields are free text, and the identifier scan of what remains.

Free text (descriptions, summaries, update comments, external-reference descriptions) is removed by every
profile: no scrubber can promise to find every name or date in prose. Every other string the profile keeps is
either structured data (:data:`STRUCTURED`: codes, sequences, resource metadata) or scanned; a match is a
finding (``deid-identifier-left``), never a silent pass. Kept values that may embed a record's id (variant
labels and ids, extension values, VCF INFO, file attributes) have it rewritten to its pseudonym first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator

from phenotk.validation.rules.privacy._scan import (
    PATTERNS,
    distinctive,
    embedded,
    embedded_spans,
    pattern_finds,
    tokens,
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

#: identifier patterns the de-identifier adds to the privacy rules' (:data:`PATTERNS`); all need a digit
EXTRA_PATTERNS: dict[str, re.Pattern[str]] = {
    "social security number": re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])"),
    "IP address": re.compile(r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\w.])"),
    "date": re.compile(
        r"(?<!\d)(?:1[89]|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?!\d)"  # also inside ids: P1_2019-03-12
        r"|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th),? \d{4}\b"
        r"|\b\d{1,2}(?:st|nd|rd|th) (?:of )?"
        r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?,? \d{4}\b",
        re.IGNORECASE,
    ),
    "phone number": re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .-]\d{1,4}){3,6}(?![\w.-])"),
    # a UK postcode (SW1A 1AA) or a US ZIP+4 code (90210-1234): geography smaller than a state
    "postcode": re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}\b|(?<![\w-])\d{5}-\d{4}(?![\w-])"),
}
_DIGIT = re.compile(r"\d")
#: format characters (zero-width spaces and joiners, bidi marks): invisible, so a value may hide a match in them
_INVISIBLE = dict.fromkeys(
    c for c in (*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2065), 0x00AD, 0xFEFF)
)


def plain(text: str) -> str:
    """``text`` as a reader sees it: NFKC (fullwidth and other look-alike forms folded), invisible marks removed."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text.translate(_INVISIBLE))


def _bounded(text: str, ident: str) -> Iterator[tuple[int, int]]:
    """Spans of ``ident`` in ``text`` with no letter or digit right before or after it."""
    start, n = text.find(ident), len(ident)
    while start >= 0:
        end = start + n
        if (start == 0 or not text[start - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
            yield start, end
        start = text.find(ident, start + 1)


def id_spans(text: str, ident: str) -> list[tuple[int, int]]:
    """Where the id ``ident`` occurs in ``text`` (sorted, not overlapping spans).

    As whole tokens (:func:`embedded_spans`: ``Patient_4`` holds ``Patient 4``) or written as it is between any
    two non-alphanumeric characters (``SAMPLE=MRN123;``, ``<MRN123>``, ``MRN123|blood``; ``P14`` does not hold
    ``P1``).
    """
    if ident not in text and not embedded_spans(text, ident):
        return []
    spans = set(embedded_spans(text, ident))
    spans.update(_bounded(text, ident))
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
        if not out or start >= out[-1][1]:
            out.append((start, end))
    return out


def leftovers(text: str, ids: Iterable[str] = (), skip: Collection[str] = ()) -> Iterator[tuple[str, str]]:
    """(kind, matched text) of identifier-like parts left in a kept text value (kinds in ``skip`` not reported).

    ``ids`` are the record's own ids (those too short to search for are left out, :func:`distinctive`). The
    text is scanned as a reader sees it (:func:`plain`): ``jane＠example.org`` is an e-mail address.
    """
    return scan(text, list(dict.fromkeys(plain(i) for i in ids if distinctive(i))), skip)


def scan(text: str, ids: Collection[str], skip: Collection[str] = ()) -> Iterator[tuple[str, str]]:
    """:func:`leftovers` with ``ids`` already distinctive and in :func:`plain` form (a document's texts share them)."""
    text = plain(text)
    for found in _patterns(text):
        if found[0] not in skip:
            yield found
    for ident in ids:
        probe = _PROBES.get(ident)
        if probe is None:
            probe = _probe(ident)
        if probe not in text:  # (most texts: neither way below can find the id without its first token)
            continue
        if (ident in text and next(_bounded(text, ident), None) is not None) or embedded(text, ident):
            yield "the record's own id", ident


#: the first token of each id searched for (:func:`tokens`; the id itself when it has none): a part of every
#: place :func:`scan` can find the id, tested before anything dearer; bounded
_PROBES: dict[str, str] = {}


def _probe(ident: str) -> str:
    if len(_PROBES) >= 4096:
        _PROBES.clear()
    parts = tokens(ident)
    probe = _PROBES[ident] = parts[0] if parts else ident
    return probe


#: longest text scanned in one piece; a longer one is scanned in overlapping windows of this size
_WINDOW = 1024


def _windows(text: str) -> Iterator[str]:
    """``text`` in pieces that together hold every match up to ``_WINDOW // 2 - 64`` characters long.

    A pattern can take time quadratic in the length of one run of its characters (the e-mail pattern on
    ``aaaa…a@!``: 1.3 s for 20,000 characters, hours for a few megabytes); windows keep the scan linear. Each
    window starts half a window after the one before, moved to just after a space and ending at one when there
    is one near (so that a match is not cut into a shorter false one).
    """
    if len(text) <= _WINDOW:
        yield text
        return
    step, slack = _WINDOW // 2, 64
    start = 0
    while True:
        end = start + _WINDOW
        if end >= len(text):
            yield text[start:]
            return
        cut = text.rfind(" ", end - slack, end)
        yield text[start : cut if cut > start else end]
        nxt = start + step
        space = text.find(" ", nxt, nxt + slack)
        start = space + 1 if space >= 0 else nxt


#: :func:`_patterns` of texts seen before (labels repeat across documents); bounded
_FOUND: dict[str, tuple[tuple[str, str], ...]] = {}


def _patterns(text: str) -> tuple[tuple[str, str], ...]:
    """(kind, match) of :data:`PATTERNS` and :data:`EXTRA_PATTERNS` in ``text``, each once (memoised)."""
    found = _FOUND.get(text)
    if found is not None:
        return found
    out: list[tuple[str, str]] = []
    for piece in _windows(text):
        out.extend(f for f in pattern_finds(piece) if f not in out)
        if _DIGIT.search(piece) is not None:
            for kind, pattern in EXTRA_PATTERNS.items():
                for m in pattern.finditer(piece):
                    hit = m.group(0)
                    if not any(k == kind and hit in s for k, s in out):
                        out.append((kind, hit))
    found = tuple(out)
    if len(text) <= 2000:
        if len(_FOUND) >= 50_000:
            _FOUND.clear()
        _FOUND[text] = found
    return found


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
