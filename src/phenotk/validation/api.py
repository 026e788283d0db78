"""What the Python entry points accept as input: paths, JSON trees, protobuf messages, documents, bytes.

:func:`phenotk.validate` (in :mod:`phenotk.workflow.session`) hands its ``source`` here to get the documents
the engine checks; the rest of validation only ever sees :class:`~phenotk.io.Document` or an
:class:`~phenotk.errors.InputError` for an input that could not be read.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from google.protobuf.message import Message

from phenotk.errors import InputError
from phenotk.io import Document, Element, Format, iter_documents
from phenotk.io.readers import object_document

Source = str | os.PathLike[str] | dict[str, Any] | Message | Document | bytes


def as_list(source: Source | Sequence[Source]) -> list[Source]:
    """One source or a list/tuple of them, as a list."""
    if isinstance(source, (list, tuple)):
        return list(source)
    return [source]  # type: ignore[list-item]


def all_paths(items: Sequence[Any]) -> bool:
    """True when every item is a path (then the fast reader and ``jobs`` apply)."""
    return all(isinstance(s, (str, os.PathLike)) for s in items)


def message_document(message: Message, *, path: str = "<message>", element: Element | None = None) -> Document:
    """A protobuf message as a document: the tree is its JSON form (pointers into it), no text (no line/column)."""
    from google.protobuf import json_format

    el = element if element is not None else Element.of(message)
    return Document(path=path, format=Format.JSON, element=el, data=json_format.MessageToDict(message), message=message)


def documents_of(items: Iterable[Any]) -> Iterator[Document | InputError]:
    """Documents (or read errors) of in-memory sources and paths, in order."""
    for s in items:
        if isinstance(s, Document):
            yield s
        elif isinstance(s, Message):
            yield message_document(s)
        elif isinstance(s, dict):
            try:
                yield object_document(s)
            except InputError as exc:
                yield exc
        elif isinstance(s, bytes):
            from phenotk.io import parse_bytes

            yield from parse_bytes(s, "<bytes>")
        else:
            yield from iter_documents([s])


__all__ = ["Source", "all_paths", "as_list", "documents_of", "message_document"]
