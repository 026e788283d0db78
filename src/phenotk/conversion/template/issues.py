"""Conversion findings of the template converters (stable codes and rule names)."""

from __future__ import annotations

from typing import Any

from phenotk.conversion.base import ConvertOptions
from phenotk.issue import Issue, Severity

#: rule name → code. ``map-*`` rules are shared in meaning with the generic table mapping.
CODES: dict[str, str] = {
    "map-bad-cell": "TPL001",  # a cell/value that cannot be parsed
    "map-unmapped-column": "TPL002",  # a column/key the converter does not map
    "map-unknown-variant": "TPL003",  # allele key / description that names no known variant
    "map-unmapped-value": "TPL004",  # a value with content the phenopacket cannot carry (comments)
    "map-not-carried": "TPL005",  # cohort-level bookkeeping not part of a phenopacket (info, never escalated)
    "map-duplicate-individual": "TPL006",  # two rows produce the same packet id
    "map-lossy-export": "TPL007",  # writer: a packet value the template cannot hold
    "map-unknown-term": "TPL008",  # HPO id not in the loaded release (likely newer) — kept as is
    "map-redundant-term": "TPL009",  # term removed as redundant (pyphetools clean-up, opt-in)
    "map-obsolete-term": "TPL010",  # obsolete / alt id replaced by the current term (pyphetools clean-up, opt-in)
}


def issue(
    rule: str,
    message: str,
    options: ConvertOptions | None,
    *,
    default: Severity = Severity.WARNING,
    escalate: bool = True,
    pointer: str = "",
    **context: Any,
) -> Issue:
    """A conversion finding; ``--strict`` turns it into an error unless ``escalate`` is False."""
    severity = options.severity(default) if (options is not None and escalate) else default
    ctx = {k: v for k, v in context.items() if v is not None}
    return Issue(code=CODES[rule], rule=rule, severity=severity, message=message, pointer=pointer, context=ctx)
