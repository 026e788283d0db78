"""SCH003 schema-type: the engine's walk calls :meth:`SchemaType.wrong_type` for values it cannot take as valid."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from phenotk.issue import Fix, PatchOp, Severity
from phenotk.validation import schema as S
from phenotk.validation.hooks import WrongTypeHook
from phenotk.validation.rule import Violation
from phenotk.validation.rules.schema._integers import protobuf_integer

_JSON_TYPE = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "number",
    float: "number",
    set: "YAML set (!!set)",
    frozenset: "YAML set (!!set)",
    bytes: "YAML binary (!!binary)",
}


class SchemaType(WrongTypeHook):
    """A value of the wrong JSON type for its field (object, array, string, number, boolean).

    What it checks
    --------------
    Messages must be objects, repeated fields arrays, strings strings, booleans ``true``/``false``,
    timestamps strings, and integers what protobuf's JSON parser reads as one: integral numbers (``12``,
    ``1e3``, ``12.0``) or strings of them (``"12"``, ``"+12"``, ``"1e3"``) — not fractions, booleans,
    ``"NaN"``, or a string with a space in it (``" 12"``: protobuf refuses it, though it takes a trailing newline).
    Whether the integer fits its field (``-5`` in a uint64) is ``value-out-of-range``'s check.
    ``null`` means "not set" and is accepted.

    Why
    ---
    Protobuf JSON parsing fails on the first wrong type and names no location; this rule lists every one
    with its pointer and line. A boolean written as ``"true"`` gets a safe fix; a number where a string belongs
    (``id: 12345`` or ``phenopacketSchemaVersion: 2.0`` in YAML) gets the quoted number as a suggested fix — not a
    safe one: YAML reads ``id: 0123`` as 83 and ``1:20`` as 80, and the quoted number is not what was written.

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

    def wrong_type(self, fs: S.FieldSpec, value: Any) -> list[Violation]:
        """The finding when ``value`` (not null) has the wrong JSON type for ``fs`` (a map: one per bad entry)."""
        kind = fs.kind
        if kind == S.MAP:
            if type(value) is not dict:
                return [_wrong(fs, value, "an object (map)")]
            if fs.map_value_kind != S.STRING:
                return []
            return [_wrong(fs, v, "a string", (k,)) for k, v in value.items() if type(v) is not str]
        if kind == S.ENUM:
            if type(value) is str or type(value) is int:
                return []
            return [_wrong(fs, value, f"a {fs.enum} name (string)")]
        if kind == S.BOOL:
            return [] if type(value) is bool else [_wrong(fs, value, "true or false", fix=_bool_fix(value))]
        fits, expected = _FITS[kind]
        if fits(value):
            return []
        return [_wrong(fs, value, expected, fix=_quote_fix(value) if kind == S.STRING else None)]

    def not_an_array(self, fs: S.FieldSpec, value: Any) -> Violation:
        """A repeated field written as something else than an array."""
        return _wrong(fs, value, "an array")


def _json_type(value: Any) -> str:
    return "null" if value is None else _JSON_TYPE.get(type(value), type(value).__name__)


def _wrong(fs: S.FieldSpec, value: Any, expected: str, path: tuple[str, ...] = (), fix: Fix | None = None) -> Violation:
    if isinstance(value, (set, frozenset)):  # YAML !!set: its repr's order changes from run to run
        shown = "{" + ", ".join(sorted(map(repr, value))) + "}"
    else:
        shown = repr(value) if not isinstance(value, (dict, list)) else _json_type(value)
    if len(shown) > 60:
        shown = shown[:57] + "…"
    return Violation(f"{fs.json_name!r} must be {expected}, found {_json_type(value)} {shown}", path, fix)


def _is_int(val: Any) -> bool:
    """What protobuf's JSON parser reads as an integer (its range is value-out-of-range's question)."""
    return protobuf_integer(val) is not None


def _is_number(val: Any) -> bool:
    t = type(val)
    if t is int or t is float:
        return True
    if t is str:
        if val in ("NaN", "Infinity", "-Infinity"):
            return True
        try:
            float(val)
        except ValueError:
            return False
        return True
    return False


def _is_str(val: Any) -> bool:
    return type(val) is str


def _quote_fix(val: Any) -> Fix | None:
    """A number where a string belongs (YAML's ``phenopacketSchemaVersion: 2.0``, ``id: 12345``): write it quoted.

    A suggestion, never safe: the written digits may differ from the number read — ``2.10`` reads as 2.1, and a
    YAML reader reads ``0123`` as 83 (octal), ``1:20`` as 80 (base 60), ``0x1F`` as 31, ``1_000`` as 1000. This
    hook sees the number only, not the text nor the format (JSON's integers would be safe to quote).
    """
    t = type(val)
    if t is int:
        return Fix(
            (PatchOp("replace", "", str(val)),),
            safe=False,
            description=f"write {str(val)!r} as a string (in YAML, check it is what the file says: 0123 reads as 83)",
        )
    if t is float and math.isfinite(val):
        text = repr(val)
        return Fix((PatchOp("replace", "", text),), safe=False, description=f"write {text!r} as a string")
    return None


def _bool_fix(val: Any) -> Fix | None:
    """``"true"``/``"false"`` written as strings: the safe fix writing the JSON boolean (at the value)."""
    if isinstance(val, str) and val.strip().lower() in ("true", "false"):
        value = val.strip().lower() == "true"
        return Fix((PatchOp("replace", "", value),), safe=True, description="use a JSON boolean")
    return None


#: field kind → (does a non-null value fit, what the message says is expected)
_FITS: dict[str, tuple[Callable[[Any], bool], str]] = {
    S.MESSAGE: (lambda v: type(v) is dict, "an object"),
    S.STRING: (_is_str, "a string"),
    S.TIMESTAMP: (_is_str, "an RFC 3339 timestamp string"),
    S.INT: (_is_int, "an integer"),
    S.FLOAT: (_is_number, "a number"),
    S.BYTES: (_is_str, "a base64 string"),
}
