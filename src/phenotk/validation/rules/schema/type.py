"""SCH003 schema-type (checked by the engine's walk)."""

from __future__ import annotations

from phenotk.issue import Severity
from phenotk.validation.rule import Rule


class SchemaType(Rule):
    """A value of the wrong JSON type for its field (object, array, string, number, boolean).

    What it checks
    --------------
    Messages must be objects, repeated fields arrays, strings strings, booleans ``true``/``false``,
    integers integral numbers (or numeric strings, as protobuf JSON allows), timestamps strings.
    ``null`` means "not set" and is accepted.

    Why
    ---
    Protobuf JSON parsing fails on the first wrong type and names no location; this rule lists every one
    with its pointer and line. A boolean written as ``"true"`` gets a safe fix.

    Anti-pattern
    ------------
    ``"phenotypicFeatures": {"type": {"id": "HP:0001250", "label": "Seizure"}}`` or ``"excluded": "yes"``

    Fixed
    -----
    ``"phenotypicFeatures": [{"type": {"id": "HP:0001250", "label": "Seizure"}}]`` and ``"excluded": true``
    """

    code = "SCH003"
    name = "schema-type"
    severity = Severity.ERROR
