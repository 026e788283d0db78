"""SCH001 schema-unknown-field (checked by the engine's walk)."""

from __future__ import annotations

from phenotk.issue import Severity
from phenotk.validation.rule import Rule


class SchemaUnknownField(Rule):
    """A key that is not a field of the message it appears in (with a "did you mean" suggestion).

    What it checks
    --------------
    Every object key is compared with the protobuf fields of its message type; both the camelCase JSON
    name and the snake_case proto name are accepted. An unknown key gets the closest field name as a
    suggestion (case and ``_`` differences, known v1 names such as ``negated`` → ``excluded``, spelling);
    the fix renames the key (safe when only case or underscores differ).

    Why
    ---
    Protobuf parsers either reject the whole document or silently drop the unknown field; either way the
    data the curator typed is lost.

    Anti-pattern
    ------------
    ``{"type": {"id": "HP:0001250", "label": "Seizure"}, "exluded": true}``

    Fixed
    -----
    ``{"type": {"id": "HP:0001250", "label": "Seizure"}, "excluded": true}``
    """

    code = "SCH001"
    name = "schema-unknown-field"
    severity = Severity.ERROR
