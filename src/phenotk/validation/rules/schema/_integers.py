"""What protobuf's JSON parser reads from the value of an integer field: one answer for every rule that asks.

``schema-type`` reports a value protobuf cannot read as an integer at all; ``value-out-of-range`` reports an
integer outside its field's type (int32, uint32, int64, uint64). Between them ``validate`` refuses exactly what
``google.protobuf.json_format`` refuses, so a file that validates also converts.
"""

from __future__ import annotations

import functools
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from phenopackets import Cohort, Family, Phenopacket

from phenotk.validation.schema import short_name

INT32 = (-(2**31), 2**31 - 1)
UINT32 = (0, 2**32 - 1)
INT64 = (-(2**63), 2**63 - 1)
UINT64 = (0, 2**64 - 1)

_BOUNDS = {
    FieldDescriptor.CPPTYPE_INT32: INT32,
    FieldDescriptor.CPPTYPE_UINT32: UINT32,
    FieldDescriptor.CPPTYPE_INT64: INT64,
    FieldDescriptor.CPPTYPE_UINT64: UINT64,
}
_NAMES = {INT32: "int32", UINT32: "uint32", INT64: "int64", UINT64: "uint64"}


def protobuf_integer(value: Any) -> int | None:
    """The integer ``json_format`` reads from ``value`` for an integer field, or None when it refuses it.

    The same steps as protobuf's ``_ConvertInteger`` (protobuf 4–6): a JSON integer as it is; a float only when
    integral (``1e3``, ``12.0``); a string with no space character, read by ``int()`` (so ``"+12"``, ``"012"``,
    ``"1_000"``, a leading tab or a trailing newline pass) or else by ``float()`` when that is integral
    (``"1e3"``, ``"1.0e3"``, ``".5e1"``); booleans, fractions, ``"NaN"``, ``"Infinity"``, ``" 12"`` and anything
    else are refused. The range of the field's type is not checked here (see :func:`bounds`).
    """
    t = type(value)
    if t is int:
        return value  # type: ignore[no-any-return]
    if t is float:
        return int(value) if value.is_integer() else None
    if t is not str or " " in value:
        return None
    try:
        return int(value)
    except ValueError:
        pass
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


@functools.lru_cache(maxsize=1)
def integer_fields() -> dict[str, dict[str, tuple[int, int]]]:
    """Message type (short name) → {JSON name and proto name of each integer field → (lowest, highest) value}."""
    out: dict[str, dict[str, tuple[int, int]]] = {}
    seen: set[str] = set()
    todo = [Phenopacket.DESCRIPTOR, Family.DESCRIPTOR, Cohort.DESCRIPTOR]
    while todo:
        desc = todo.pop()
        if desc.full_name in seen:
            continue
        seen.add(desc.full_name)
        for f in desc.fields:
            if f.message_type is not None:
                todo.append(f.message_type)
            elif f.cpp_type in _BOUNDS:
                fields = out.setdefault(short_name(desc), {})
                fields[f.json_name] = fields[f.name] = _BOUNDS[f.cpp_type]
    return out


def type_name(bounds: tuple[int, int]) -> str:
    """``int32``, ``uint32``, ``int64`` or ``uint64`` for the bounds of :func:`integer_fields`."""
    return _NAMES[bounds]


def range_text(bounds: tuple[int, int]) -> str:
    """``0 … 2^64-1``-style text for a field type's bounds."""
    lo, hi = bounds
    exp = hi.bit_length()
    low = "0" if lo == 0 else f"-2^{exp}"
    return f"{low} … 2^{exp}-1"
