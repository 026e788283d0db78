"""Free text under de-identification: which fields are free text, and the identifier scan of what remains.

Free text (descriptions, summaries, update comments, external-reference descriptions) is removed by every
profile: no scrubber can promise to find every name or date in prose. Text-like values that are kept because
analyses need them (variant labels, extension values) have the subject's ids rewritten and are then scanned; a
match is a finding (``deid-identifier-left``), never a silent pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from phenotk.validation.rules.privacy._scan import PATTERNS, distinctive, embedded_spans, scan_text

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
    }
)

#: (message type, JSON field) of kept id-like strings that may embed a subject id: rewritten, not scanned
REWRITTEN: frozenset[tuple[str, str]] = frozenset(
    {
        ("VariationDescriptor", "id"),
        ("VcfRecord", "id"),
        ("Allele", "Id"),
    }
)


def leftovers(text: str, ids: Iterable[str] = ()) -> Iterator[tuple[str, str]]:
    """(kind, matched text) of identifier-like parts left in a kept text value."""
    return scan_text(text, ids)


__all__ = ["FREE_TEXT", "PATTERNS", "REWRITTEN", "SCANNED", "distinctive", "embedded_spans", "leftovers"]
