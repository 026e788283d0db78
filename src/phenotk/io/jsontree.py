"""A protobuf message's JSON tree: exactly what ``json_format.MessageToDict`` returns, several times faster.

``MessageToDict`` decides, for every field of every message, what kind of field it is; a converted Phenopacket
has hundreds of fields, and a 200,000-row sheet makes 200,000 packets. Here the decision is made once per field
descriptor (cached) and the walk only applies it: about twice as fast, close to the cost of ``ListFields``
alone. Well-known types (``google.protobuf.Timestamp``, ``Struct``, ``Any`` …) and extensions go to
``json_format`` itself, so their JSON forms stay exactly the library's.
``tests/io/test_jsontree.py`` compares both on every phenopacket-store file.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable
from typing import Any

from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.internal import type_checkers
from google.protobuf.message import Message

_FD = FieldDescriptor
_INT64 = frozenset({_FD.CPPTYPE_INT64, _FD.CPPTYPE_UINT64})


def message_to_dict(message: Message) -> Any:
    """``json_format.MessageToDict(message)`` (camelCase names, defaults left out)."""
    desc = message.DESCRIPTOR
    if desc.full_name.startswith("google.protobuf."):
        return json_format.MessageToDict(message)
    return _message(message)


def _message(message: Message) -> dict[str, Any]:
    out: dict[str, Any] = {}
    plans = _PLANS
    for fd, value in message.ListFields():
        plan = plans.get(fd)
        if plan is None:
            plan = plans[fd] = _plan(fd)
        name, kind, convert = plan
        if kind == _PLAIN:
            out[name] = value
        elif kind == _MESSAGE:
            out[name] = _message(value)
        elif kind == _MESSAGES:
            out[name] = [_message(v) for v in value]
        elif kind == _PLAINS:
            out[name] = list(value)
        elif kind == _EACH:
            out[name] = [convert(v) for v in value]
        elif kind == _ONE:
            out[name] = convert(value)
        else:  # an extension: the library's own form for the whole message
            return json_format.MessageToDict(message)  # type: ignore[no-any-return]
    return out


_PLAIN, _PLAINS, _MESSAGE, _MESSAGES, _ONE, _EACH, _LIBRARY = range(7)
#: field descriptor → (JSON name, kind, converter)
_PLANS: dict[Any, tuple[str, int, Callable[[Any], Any]]] = {}


def _plan(fd: Any) -> tuple[str, int, Callable[[Any], Any]]:
    """(JSON name, kind, value converter) of one field."""
    if fd.is_extension:
        return fd.name, _LIBRARY, _same
    flag = getattr(fd, "is_repeated", None)  # protobuf >= 6 (``label`` is deprecated there)
    repeated = bool(flag) if flag is not None else fd.label == _FD.LABEL_REPEATED
    sub = fd.message_type
    if sub is not None and sub.GetOptions().map_entry:
        convert_value = _scalar(sub.fields_by_name["value"])

        def convert_map(mapping: Any) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for key in mapping:
                shown = ("true" if key else "false") if isinstance(key, bool) else str(key)
                out[shown] = convert_value(mapping[key])
            return out

        return fd.json_name, _ONE, convert_map
    convert = _scalar(fd)
    if convert is _same:
        return fd.json_name, _PLAINS if repeated else _PLAIN, convert
    if convert is _message:
        return fd.json_name, _MESSAGES if repeated else _MESSAGE, convert
    return fd.json_name, _EACH if repeated else _ONE, convert


def _scalar(fd: Any) -> Callable[[Any], Any]:
    """The converter of one value of ``fd`` (a message, enum, 64-bit integer, float, bytes or plain value)."""
    cpp = fd.cpp_type
    if cpp == _FD.CPPTYPE_MESSAGE:
        return message_to_dict if fd.message_type.full_name.startswith("google.protobuf.") else _message
    if cpp == _FD.CPPTYPE_ENUM:
        enum = fd.enum_type
        if enum.full_name == "google.protobuf.NullValue":
            return lambda value: None
        names = {v.number: v.name for v in enum.values}
        return lambda value: names.get(value, value)
    if cpp in _INT64:
        return str
    if cpp == _FD.CPPTYPE_STRING and fd.type == _FD.TYPE_BYTES:
        return lambda value: base64.b64encode(value).decode("utf-8")
    if cpp in (_FD.CPPTYPE_FLOAT, _FD.CPPTYPE_DOUBLE):
        single = cpp == _FD.CPPTYPE_FLOAT

        def real(value: float) -> Any:
            if math.isinf(value):
                return "-Infinity" if value < 0 else "Infinity"
            if math.isnan(value):
                return "NaN"
            return type_checkers.ToShortestFloat(value) if single else value

        return real
    return _same


def _same(value: Any) -> Any:
    return value


__all__ = ["message_to_dict"]
