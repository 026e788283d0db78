"""Conversion findings of the REDCap converter: stable codes and rule names, one constructor.

Findings of the table machinery it reuses keep their ``map-*`` rules, except the two a REDCap user thinks of in
REDCap words: an unread column is ``redcap-unmapped-field`` and an unparsable cell is ``redcap-bad-value``.
Every finding about a record carries ``record``, ``event``, ``instrument``, ``instance``, ``field`` and ``value``
in its context (when known).
"""

from __future__ import annotations

from typing import Any

from phenotk.issue import Issue, RuleInfo, Severity

#: rule name → (code, one-line summary). Codes and names are public and stable.
RULES: dict[str, tuple[str, str]] = {
    "redcap-unmapped-field": ("RC001", "An export field with data that the mapping does not read."),
    "redcap-bad-value": ("RC002", "A value that is not one of its field's choices, or not a date/number as declared."),
    "redcap-unknown-field": ("RC003", "An export column that the data dictionary does not define."),
    "redcap-dictionary-missing-column": ("RC004", "The data dictionary lacks a standard column."),
    "redcap-dictionary-unknown-type": ("RC005", "A dictionary field type REDCap does not have (read as text)."),
    "redcap-dictionary-bad-choices": ("RC006", "A dictionary choice list that does not parse as 'code, label | …'."),
    "redcap-dictionary-duplicate-field": ("RC007", "A field defined twice in the data dictionary (first kept)."),
    "redcap-dictionary-missing": ("RC008", "No data dictionary: choice codes are kept and values are not checked."),
    "redcap-duplicate-record": ("RC009", "Two export rows for the same record/event/instance (kept apart)."),
    "redcap-dictionary-used": ("RC010", "The data dictionary found next to the export and used."),
    "redcap-unknown-carry": ("RC011", "A mapping redcap.carry name that is neither a field nor an instrument."),
    "redcap-label-headers": ("RC012", "Field labels as export headers (REDCap 'CSV labels') matched to fields."),
}

#: Table-converter rules that are renamed for REDCap inputs.
RENAMED: dict[str, str] = {"map-unmapped-column": "redcap-unmapped-field", "map-bad-cell": "redcap-bad-value"}


def rule_infos() -> list[RuleInfo]:
    """RuleInfo records for reporters and docs."""
    return [RuleInfo(code, name, Severity.WARNING, summary, group="redcap") for name, (code, summary) in RULES.items()]


def finding(rule: str, message: str, severity: Severity, **context: Any) -> Issue:
    """An :class:`Issue` of ``rule``; ``context`` keys with a None value are left out."""
    ctx = {k: v for k, v in context.items() if v is not None and v != ""}
    return Issue(RULES[rule][0], rule, severity, message, context=ctx)
