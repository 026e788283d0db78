"""A faster JSON-tree → protobuf parser for the Phenopacket schema, equal to ``json_format.ParseDict``.

``json_format.ParseDict`` re-inspects descriptors for every field of every message; here each message type
is compiled once into a table ``json key → setter``. Anything the fast path does not handle exactly like
the protobuf JSON mapping (unexpected types, maps, ``NaN`` strings, unknown enum names …) raises
:class:`_Fallback` and the whole document is parsed again by ``json_format.ParseDict``, so results and error
messages are always those of the reference implementation. The corpus test checks both agree.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from typing import Any

from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message


class _Fallback(Exception):
    """The fast path cannot decide; use json_format."""


#: per thread: did the last :func:`parse_dict` leave out an unknown key, or fall back to json_format?
_SKIPPED = threading.local()


Setter = Callable[[Message, Any], None]
#: message full name → {json key or field name → (setter, oneof name or None)}
_TABLES: dict[str, dict[str, tuple[Setter, str | None]]] = {}

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


def _scalar(field: FieldDescriptor) -> Callable[[Any], Any]:
    t = field.type
    if t == FieldDescriptor.TYPE_STRING:

        def conv(v: Any) -> Any:
            if type(v) is not str:
                raise _Fallback
            return v

    elif t == FieldDescriptor.TYPE_BOOL:

        def conv(v: Any) -> Any:
            if type(v) is not bool:
                raise _Fallback
            return v

    elif t in _INT_TYPES:

        def conv(v: Any) -> Any:
            if type(v) is int:
                return v
            if type(v) is str and v.lstrip("-").isdigit():
                return int(v)
            raise _Fallback

    elif t in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):

        def conv(v: Any) -> Any:
            if type(v) in (int, float):
                return v
            raise _Fallback

    elif t == FieldDescriptor.TYPE_ENUM:
        enum_type = field.enum_type
        assert enum_type is not None
        by_name = {ev.name: ev.number for ev in enum_type.values}
        numbers = set(by_name.values())

        def conv(v: Any) -> Any:
            if type(v) is str:
                number = by_name.get(v)
                if number is None:
                    raise _Fallback
                return number
            if type(v) is int and v in numbers:
                return v
            raise _Fallback

    elif t == FieldDescriptor.TYPE_BYTES:

        def conv(v: Any) -> Any:
            if type(v) is not str:
                raise _Fallback
            return base64.b64decode(v + "=" * (-len(v) % 4), altchars=b"-_" if ("-" in v or "_" in v) else None)

    else:  # pragma: no cover - groups etc. do not occur in the schema
        raise _Fallback
    return conv


def _setter(field: FieldDescriptor) -> Setter:
    name = field.name
    repeated = field.is_repeated
    if field.message_type is not None:
        mtype = field.message_type
        if mtype.GetOptions().map_entry:

            def fallback(msg: Message, value: Any) -> None:
                raise _Fallback

            return fallback
        if mtype.full_name == "google.protobuf.Timestamp":
            if repeated:

                def set_ts_list(msg: Message, value: Any) -> None:
                    if value is None:
                        return
                    if type(value) is not list:
                        raise _Fallback
                    target = getattr(msg, name)
                    for item in value:
                        if type(item) is not str:
                            raise _Fallback
                        target.add().FromJsonString(item)

                return set_ts_list

            def set_ts(msg: Message, value: Any) -> None:
                if value is None:
                    return
                if type(value) is not str:
                    raise _Fallback
                try:
                    getattr(msg, name).FromJsonString(value)
                except ValueError:
                    raise _Fallback from None

            return set_ts
        if mtype.full_name.startswith("google.protobuf."):

            def fallback_wkt(msg: Message, value: Any) -> None:
                raise _Fallback

            return fallback_wkt
        if repeated:

            def set_msg_list(msg: Message, value: Any) -> None:
                if value is None:
                    return
                if type(value) is not list:
                    raise _Fallback
                target = getattr(msg, name)
                for item in value:
                    if type(item) is not dict:
                        raise _Fallback
                    _fill(target.add(), item)

            return set_msg_list

        def set_msg(msg: Message, value: Any) -> None:
            if value is None:
                return
            if type(value) is not dict:
                raise _Fallback
            sub = getattr(msg, name)
            sub.SetInParent()
            _fill(sub, value)

        return set_msg
    conv = _scalar(field)
    if repeated:

        def set_list(msg: Message, value: Any) -> None:
            if value is None:
                return
            if type(value) is not list:
                raise _Fallback
            getattr(msg, name).extend([conv(v) for v in value])

        return set_list

    def set_scalar(msg: Message, value: Any) -> None:
        if value is None:
            return
        setattr(msg, name, conv(value))

    return set_scalar


def _table(descriptor: Descriptor | Any) -> dict[str, tuple[Setter, str | None]]:
    table = _TABLES.get(descriptor.full_name)
    if table is None:
        table = {}
        for field in descriptor.fields:
            entry = (_setter(field), field.containing_oneof.name if field.containing_oneof is not None else None)
            table[field.json_name] = entry
            table[field.name] = entry
        _TABLES[descriptor.full_name] = table
    return table


def _fill(msg: Message, data: dict[str, Any]) -> None:
    table = _table(msg.DESCRIPTOR)
    seen_oneofs: set[str] | None = None
    for key, value in data.items():
        entry = table.get(key)
        if entry is None:
            if key.startswith("@"):
                raise _Fallback
            _SKIPPED.any = True
            continue  # unknown field: ignored, as with ignore_unknown_fields=True
        setter, oneof = entry
        setter(msg, value)
        if oneof is not None and value is not None:
            if seen_oneofs is None:
                seen_oneofs = set()
            elif oneof in seen_oneofs:
                raise _Fallback  # two members of one oneof (or a name and its json_name): json_format reports it
            seen_oneofs.add(oneof)


def parse_dict(data: dict[str, Any], message_class: type[Message]) -> Message:
    """``json_format.ParseDict(data, message_class(), ignore_unknown_fields=True)``, faster.

    Raises what ``json_format.ParseDict`` raises for input it rejects.
    """
    msg = message_class()
    _SKIPPED.any = False
    try:
        _fill(msg, data)
        return msg
    except (_Fallback, RecursionError, ValueError, TypeError, AttributeError, OverflowError):
        _SKIPPED.any = True  # json_format's lenient parse may have left out unknown fields or enum names
        return json_format.ParseDict(data, message_class(), ignore_unknown_fields=True)


def maybe_lossy() -> bool:
    """True when the last :func:`parse_dict` of this thread may have left something out (then check strictly)."""
    return bool(getattr(_SKIPPED, "any", True))
