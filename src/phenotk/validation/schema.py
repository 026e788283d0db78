"""Tables derived once from the protobuf descriptors: per message type, its fields by JSON and proto name.

The engine walks the raw JSON tree guided by these tables, so unknown fields, wrong JSON types and bad
enum values are seen on the way (no second pass, no protobuf parse needed).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from phenopackets import Cohort, Family, Phenopacket

# field kinds
MESSAGE = "message"
ENUM = "enum"
STRING = "string"
BOOL = "bool"
INT = "int"
FLOAT = "float"
BYTES = "bytes"
TIMESTAMP = "timestamp"  # google.protobuf.Timestamp: an RFC 3339 string in JSON
MAP = "map"

_INT_TYPES = {
    FieldDescriptor.TYPE_INT32,
    FieldDescriptor.TYPE_INT64,
    FieldDescriptor.TYPE_UINT32,
    FieldDescriptor.TYPE_UINT64,
    FieldDescriptor.TYPE_SINT32,
    FieldDescriptor.TYPE_SINT64,
    FieldDescriptor.TYPE_FIXED32,
    FieldDescriptor.TYPE_FIXED64,
    FieldDescriptor.TYPE_SFIXED32,
    FieldDescriptor.TYPE_SFIXED64,
}
_FLOAT_TYPES = {FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT}


@dataclass(eq=False)
class FieldSpec:
    """One field of a message type as it may appear in protobuf JSON."""

    name: str  # proto (snake_case) name
    json_name: str  # camelCase name
    kind: str
    repeated: bool
    message: str | None = None  # short type name for MESSAGE and MAP values
    enum: str | None = None  # enum short name
    enum_values: frozenset[str] = frozenset()
    enum_numbers: frozenset[int] = frozenset()
    oneof: str | None = None
    map_value_kind: str | None = None


@dataclass
class MessageSpec:
    """A message type: fields keyed by both JSON and proto names, oneof groups."""

    name: str  # short name, e.g. ``PhenotypicFeature`` or ``Pedigree.Person``
    full_name: str
    fields: dict[str, FieldSpec] = field(default_factory=dict)  # both names → spec
    #: both names → (kind, repeated, child MessageSpec or None, field spec): what the walk needs, unpacked fast
    #: (fast, repeated, child, spec): ``fast`` is the Python type a valid singular scalar has when that is
    #: all there is to check (``str`` for strings, ``bool`` for booleans), else None
    table: dict[str, tuple[type | None, bool, MessageSpec | None, FieldSpec]] = field(default_factory=dict)
    by_json: dict[str, FieldSpec] = field(default_factory=dict)
    oneofs: dict[str, list[FieldSpec]] = field(default_factory=dict)

    def key_names(self) -> list[str]:
        """JSON names of the fields (for suggestions and messages)."""
        return list(self.by_json)


def short_name(desc: Any) -> str:
    """Message name without its package (``Pedigree.Person``, ``PhenotypicFeature``)."""
    pkg = desc.file.package
    return desc.full_name[len(pkg) + 1 :] if pkg else desc.full_name


def _kind(f: Any) -> str:
    if f.type == FieldDescriptor.TYPE_MESSAGE:
        if f.message_type.full_name == "google.protobuf.Timestamp":
            return TIMESTAMP
        if f.message_type.GetOptions().map_entry:
            return MAP
        return MESSAGE
    if f.type == FieldDescriptor.TYPE_ENUM:
        return ENUM
    if f.type == FieldDescriptor.TYPE_BOOL:
        return BOOL
    if f.type == FieldDescriptor.TYPE_BYTES:
        return BYTES
    if f.type in _INT_TYPES:
        return INT
    if f.type in _FLOAT_TYPES:
        return FLOAT
    return STRING


def _is_repeated(f: Any) -> bool:
    rep = getattr(f, "is_repeated", None)
    if isinstance(rep, bool):
        return rep
    return bool(f.label == FieldDescriptor.LABEL_REPEATED)


def _build(root: Any, out: dict[str, MessageSpec]) -> None:
    name = short_name(root)
    if name in out:
        return
    spec = MessageSpec(name=name, full_name=root.full_name)
    out[name] = spec
    f: Any
    for f in root.fields:
        kind = _kind(f)
        fs = FieldSpec(name=f.name, json_name=f.json_name, kind=kind, repeated=_is_repeated(f) and kind != MAP)
        if kind == MESSAGE:
            fs.message = short_name(f.message_type)
            _build(f.message_type, out)
        elif kind == MAP:
            value_field = f.message_type.fields_by_name["value"]
            fs.map_value_kind = _kind(value_field)
            if fs.map_value_kind == MESSAGE:
                fs.message = short_name(value_field.message_type)
                _build(value_field.message_type, out)
        elif kind == ENUM:
            fs.enum = f.enum_type.name
            fs.enum_values = frozenset(v.name for v in f.enum_type.values)
            fs.enum_numbers = frozenset(v.number for v in f.enum_type.values)
        if f.containing_oneof is not None:
            fs.oneof = f.containing_oneof.name
            spec.oneofs.setdefault(f.containing_oneof.name, []).append(fs)
        spec.fields[f.json_name] = fs
        spec.fields[f.name] = fs
        spec.by_json[f.json_name] = fs


@functools.lru_cache(maxsize=1)
def message_specs() -> dict[str, MessageSpec]:
    """Every message type reachable from Phenopacket, Family and Cohort, by short name."""
    out: dict[str, MessageSpec] = {}
    for klass in (Phenopacket, Family, Cohort):
        _build(klass.DESCRIPTOR, out)
    for spec in out.values():
        for key, fs in spec.fields.items():
            child = out[fs.message] if fs.message and fs.kind == MESSAGE else None
            fast: type | None = None
            if not fs.repeated:
                fast = {STRING: str, BOOL: bool}.get(fs.kind)
            spec.table[key] = (fast, fs.repeated, child, fs)
    return out


def snake_of(json_name: str) -> str:
    """``timeAtLastEncounter`` → ``time_at_last_encounter`` (proto names of phenopacket fields)."""
    out = []
    for ch in json_name:
        if ch.isupper():
            out.append("_")
            out.append(ch.lower())
        else:
            out.append(ch)
    return "".join(out)
