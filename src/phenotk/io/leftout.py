"""Every member of a document that a lenient protobuf parse leaves out: unknown fields and unknown enum names.

``Document.message`` is parsed leniently (``ignore_unknown_fields``), so a converted copy keeps what protobuf has
a place for and silently loses the rest; the strict parser names only the first such member. :func:`left_out`
walks the tree as written against the message descriptors and yields each of them with its JSON pointer, so a
conversion can report every value it cannot carry (``convert-not-carried``), not just the first.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from phenotk.io.jsontree import is_repeated
from phenotk.io.sourcemap import escape

#: message full name → its fields by JSON name and proto name (descriptors typed Any: upb's and pure Python's)
_FIELDS: dict[str, dict[str, Any]] = {}


def _fields(desc: Any) -> dict[str, Any]:
    """A message's fields by every name a JSON document may use for them (JSON name and proto name)."""
    found = _FIELDS.get(desc.full_name)
    if found is None:
        found = {}
        for fd in desc.fields:
            found[fd.json_name] = fd
            found[fd.name] = fd
        _FIELDS[desc.full_name] = found
    return found


def left_out(data: Any, desc: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(JSON pointer, what protobuf says of it) of each unknown field and unknown enum name under ``data``."""
    if not isinstance(data, dict):
        return
    fields = _fields(desc)
    for key, value in data.items():
        ptr = f"{pointer}/{escape(str(key))}"
        fd = fields.get(key)
        if fd is None:
            yield ptr, f'no field named "{key}" in {desc.name}'
            continue
        many = is_repeated(fd) and isinstance(value, list)
        items = list(enumerate(value)) if many else [(None, value)]
        sub = fd.message_type
        if sub is not None:
            if sub.GetOptions().map_entry:
                vfd = sub.fields_by_name["value"]
                if vfd.message_type is not None and isinstance(value, dict):
                    for k, v in value.items():
                        yield from left_out(v, vfd.message_type, f"{ptr}/{escape(str(k))}")
                continue
            if sub.full_name.startswith("google.protobuf."):  # Timestamp, Struct …: JSON forms of their own
                continue
            for i, item in items:
                yield from left_out(item, sub, ptr if i is None else f"{ptr}/{i}")
        elif fd.enum_type is not None:
            names = fd.enum_type.values_by_name
            for i, item in items:
                if isinstance(item, str) and item not in names:
                    where = ptr if i is None else f"{ptr}/{i}"
                    yield where, f"Invalid enum value {item} for enum type {fd.enum_type.full_name}"




def pb_unknown(message: Any) -> str | None:
    """What a message parsed from protobuf binary holds that its schema does not know, or None.

    protobuf's parser keeps such fields (a newer schema's field numbers) and writes them back to binary, but a
    JSON or YAML rendering, the validator's walk and every fix work on the known fields only. The answer names
    the top-level field numbers (``field 255, 300``), else says the unknown fields sit in nested messages.
    """
    from google.protobuf.unknown_fields import UnknownFieldSet

    known = type(message)()
    known.CopyFrom(message)
    known.DiscardUnknownFields()
    if known.ByteSize() == message.ByteSize():
        return None
    fields = UnknownFieldSet(message)
    top = sorted({fields[i].field_number for i in range(len(fields))})
    return f"field {', '.join(map(str, top))}" if top else "fields of nested messages"


__all__ = ["left_out", "pb_unknown"]
