"""SCH004 schema-enum (checked by the engine's walk)."""

from __future__ import annotations

from phenotk.issue import Severity
from phenotk.validation.rule import Rule


class SchemaEnum(Rule):
    """An enum field holds a value its enum does not define (``sex``, ``progressStatus``, ``acmg…``).

    What it checks
    --------------
    Enum values must be one of the names of the protobuf enum (or its number). A value that differs only
    by case, spaces or dashes gets a safe fix; a close misspelling gets a suggested one.

    Why
    ---
    Protobuf JSON parsers reject unknown enum names, so a whole document fails to load because of
    ``"male"``.

    Anti-pattern
    ------------
    ``"sex": "male"`` or ``"interpretationStatus": "CAUSAL "``

    Fixed
    -----
    ``"sex": "MALE"`` and ``"interpretationStatus": "CAUSATIVE"``
    """

    code = "SCH004"
    name = "schema-enum"
    severity = Severity.ERROR
