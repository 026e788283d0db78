"""The conversion findings of the table converter: stable codes and rule names, one constructor."""

from __future__ import annotations

from typing import Any

from phenotk.issue import Issue, RuleInfo, Severity

#: rule name → (code, one-line summary). Codes and names are public and stable.
RULES: dict[str, tuple[str, str]] = {
    "map-unmapped-column": ("MAP001", "A column that no mapping field reads (and that is not an HPO term header)."),
    "map-bad-cell": ("MAP002", "A cell whose text cannot be parsed as the value its column maps to."),
    "map-unmatched-text": ("MAP003", "A free-text phrase that matches no HPO label or synonym exactly."),
    "map-conflicting-values": ("MAP004", "Rows of one packet disagree about a single-valued field."),
    "map-missing-id": ("MAP005", "A row without a subject / packet id; it cannot become a packet."),
    "map-duplicate-id": ("MAP006", "Two rows give the same packet id in a one-row-per-packet sheet (merged)."),
    "map-unknown-term": ("MAP007", "A term header or cell that is neither an HPO id nor a known label."),
    "map-missing-column": ("MAP008", "The mapping names a column the sheet does not have."),
    "map-not-carried": ("MAP009", "A Phenopacket field the table layout cannot hold (writers)."),
    "map-duplicate-header": ("MAP010", "Two columns with the same header; the second is renamed 'name (2)'."),
    "map-label-mismatch": ("MAP011", "A 'label (HP:…)' header or label cell names a different term than its id."),
}


def rule_infos() -> list[RuleInfo]:
    """RuleInfo records for reporters and docs."""
    return [RuleInfo(code, name, Severity.WARNING, summary, group="mapping") for name, (code, summary) in RULES.items()]


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
    """An :class:`Issue` with the spreadsheet location in ``context`` (keys sheet, row, column, value, reason)."""
    ctx: dict[str, Any] = {}
    for key, val in (("sheet", sheet), ("row", row), ("column", column), ("value", value), ("reason", reason)):
        if val is not None:
            ctx[key] = val
    ctx.update(extra)
    return Issue(RULES[rule][0], rule, severity, message, context=ctx)
