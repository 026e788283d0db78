"""SCH004 schema-enum: the engine's walk calls :meth:`SchemaEnum.bad_enum` for enum values it cannot take as valid."""

from __future__ import annotations

import difflib

from phenotk.issue import Fix, PatchOp, Severity
from phenotk.validation import schema as S
from phenotk.validation.hooks import EnumValueHook
from phenotk.validation.rule import Violation


class SchemaEnum(EnumValueHook):
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

    def bad_enum(self, fs: S.FieldSpec, value: str | int) -> Violation | None:
        """The finding for a name or number ``fs``'s enum does not define, with a fix for a near miss."""
        if value in (fs.enum_values if type(value) is str else fs.enum_numbers):
            return None
        allowed = sorted(fs.enum_values)
        fix = None
        hint = ""
        if isinstance(value, str):
            cand = value.strip().upper().replace(" ", "_").replace("-", "_")
            match = next((a for a in allowed if a == cand), None)
            if match is None:
                close = difflib.get_close_matches(cand, allowed, n=1, cutoff=0.75)
                match = close[0] if close else None
            if match is not None:
                hint = f"; did you mean {match!r}?"
                fix = Fix((PatchOp("replace", "", match),), safe=match == cand, description=f"use {match!r}")
        return Violation(f"{value!r} is not a {fs.enum} value{hint} (allowed: {', '.join(allowed)})", (), fix)
