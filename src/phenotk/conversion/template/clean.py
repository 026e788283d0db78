"""The opt-in pyphetools clean-up of Excel template rows (``-O clean=pyphetools``, needs ``--hpo``).

:func:`remove_redundant` reproduces the clean-up pyphetools applied when it built phenopacket-store's packets
from Excel templates: an observed term is dropped when one of its descendants is also observed; an excluded term
is dropped when one of its ancestors is also excluded (excluding the ancestor already excludes it); and an
excluded term is dropped when it or one of its descendants is observed (a conflict pyphetools resolved in favour
of the observation). Measured on the 457 store templates, this is the direction that reproduces the store's
packets: of the 4,479 excluded sheet terms below another excluded term of the same row, the store dropped 4,434
and kept 45 (four templates: CARD9, SPTSSA, TBX5, TGFBR2); nothing in the store or the workbooks separates the
45, so the clean-up keeps the majority rule (``benchmarks/template_corpus`` measures it).

:func:`current_term` reads obsolete and alternative ids as their current term, as the store's builder did.
Every removal and replacement is a finding (``map-redundant-term``, ``map-obsolete-term``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from phenotk.conversion.base import ConvertOptions
from phenotk.conversion.template.findings import OBSOLETE_TERM, REDUNDANT_TERM, issue
from phenotk.conversion.template.rows import EXCLUDED, NA, HpoCell, time_text
from phenotk.conversion.template.workbook import col_letter
from phenotk.issue import Issue, Severity


def clean_requested(options: ConvertOptions) -> bool:
    """``-O clean=pyphetools`` (or a true value) was given."""
    return str(options.extra.get("clean", "")).lower() in ("1", "true", "yes", "pyphetools")


def remove_redundant(
    features: list[tuple[str, bool, str]],
    ancestors: Callable[[str], frozenset[str] | set[str]],
    *,
    by_onset: bool = False,
) -> list[tuple[str, bool, str]]:
    """Pyphetools' clean-up of ``(hpo_id, excluded, onset)`` triples; ``ancestors(id)`` gives an id's ancestors.

    Order is kept; ids the ontology does not know are kept (``ancestors`` should answer an empty set for them).
    ``by_onset`` compares terms only within the same onset (an older pyphetools behaviour); the store's packets
    agree better with the whole-row comparison (about 3 points more rows identical on the shared HPO release).
    """
    groups: dict[str, list[tuple[str, bool, str]]] = defaultdict(list)
    for f in features:
        groups[f[2] if by_onset else ""].append(f)
    drop: set[tuple[str, bool, str]] = set()
    for group in groups.values():
        observed = set(f[0] for f in group if not f[1])
        excluded = set(f[0] for f in group if f[1])
        # an observed term that is an ancestor of another observed term says nothing new
        implied: set[str] = set()
        for o in observed:
            implied |= ancestors(o)
        for f in group:
            # observed ancestor of an observed term: redundant; excluded below an excluded ancestor: implied;
            # excluded ancestor (or copy) of an observed term: a conflict resolved for the observation
            if f[1]:
                redundant = bool(ancestors(f[0]) & excluded) or f[0] in implied or f[0] in observed
            else:
                redundant = f[0] in implied
            if redundant:
                drop.add(f)
    seen: set[tuple[str, bool, str]] = set()
    out = []
    for f in features:
        if f in drop or f in seen:
            continue
        seen.add(f)
        out.append(f)
    return out


def current_term(
    options: ConvertOptions, sheet: str, col: int, hpo_id: str, label: str, issues: list[Issue]
) -> tuple[int, str, str]:
    """An alt or obsolete column id → ``(col, current id, its label)``, with a ``map-obsolete-term`` finding."""
    ontology = options.ontology
    current = ontology.current_id(hpo_id) if ontology is not None else None
    if not current or current == hpo_id:
        return col, hpo_id, label
    new_label = ontology.label(current) or label
    issues.append(
        issue(
            OBSOLETE_TERM,
            f"column {col_letter(col)} {hpo_id} ({label}) is obsolete or an alternative id; "
            f"read as {current} ({new_label})",
            options,
            default=Severity.INFO,
            escalate=False,
            sheet=sheet,
            row=2,
            column=col_letter(col),
            value=hpo_id,
        )
    )
    return col, current, new_label


def clean_cells(
    cells: list[HpoCell], options: ConvertOptions, ontology: Any, sheet: str, r: int, issues: list[Issue]
) -> list[HpoCell]:
    """One row's HPO cells without the redundant terms (a ``map-redundant-term`` finding per removed term)."""
    triples = [(c.hpo_id, c.status == EXCLUDED, time_text(c.onset)) for c in cells if c.status != NA]
    kept = set(
        remove_redundant(
            triples,
            lambda t: ontology.ancestors(t) if ontology.primary_id(t) else set(),
            by_onset=options.extra.get("clean_by_onset", "0") == "1",
        )
    )
    cleaned = []
    for c in cells:
        if c.status == NA or (c.hpo_id, c.status == EXCLUDED, time_text(c.onset)) in kept:
            cleaned.append(c)
            continue
        issues.append(
            issue(
                REDUNDANT_TERM,
                f"row {r}: {c.status} {c.hpo_id} ({c.label}) removed as redundant (pyphetools clean-up)",
                options,
                default=Severity.INFO,
                escalate=False,
                sheet=sheet,
                row=r,
                value=c.hpo_id,
                status=c.status,
            )
        )
    return cleaned
