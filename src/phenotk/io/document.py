"""The in-memory form of one input document: raw tree, protobuf message and a lazy source map."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from google.protobuf.message import Message
from phenopackets import Cohort, Family, Phenopacket

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.io.sourcemap import SourceMap


class Element(str, enum.Enum):
    """Top-level Phenopacket schema element."""

    PHENOPACKET = "phenopacket"
    FAMILY = "family"
    COHORT = "cohort"

    @property
    def message_class(self) -> type[Message]:
        """The protobuf class for this element."""
        return _CLASSES[self]

    @classmethod
    def of(cls, message: Message) -> Element:
        """Element of a protobuf message instance."""
        for el, klass in _CLASSES.items():
            if isinstance(message, klass):
                return el
        raise TypeError(f"not a Phenopacket, Family or Cohort: {type(message).__name__}")


_CLASSES: dict[Element, type[Message]] = {
    Element.PHENOPACKET: Phenopacket,
    Element.FAMILY: Family,
    Element.COHORT: Cohort,
}


class Format(str, enum.Enum):
    """Serialisation of a Phenopacket document."""

    JSON = "json"
    YAML = "yaml"
    PB = "pb"
    JSONL = "jsonl"

    @property
    def extension(self) -> str:
        """Conventional file extension (with dot)."""
        return {"json": ".json", "yaml": ".yaml", "pb": ".pb", "jsonl": ".jsonl"}[self.value]


class Document:
    """One document read from an input.

    ``data`` is the JSON tree as written (camelCase or snake_case keys, unknown fields kept), so the
    validator can report what the protobuf parse would drop; for protobuf binary input it is the
    message rendered with ``MessageToDict``. ``message`` is the lenient protobuf parse (unknown fields
    ignored), built on first access — walking ``data`` alone (as the validator does) never pays for it.
    An item of a top-level JSON array is a document of its own: ``path`` is the file, ``pointer_prefix``
    (``/N``) says where in it, and ``text`` is the item's text preceded by the blanks that keep its first
    line's columns (``line_offset`` lines before it), so line:column come out as in the whole file.
    When the tree cannot be parsed at all (e.g. a string where an object belongs) ``message`` is None
    and ``parse_error`` says why; the validator reports that, the reader does not refuse the document.
    """

    __slots__ = (
        "_maybe_lossy",
        "_message",
        "_parse_error",
        "_parsed",
        "_raw",
        "_source_map",
        "_text",
        "bom",
        "data",
        "element",
        "format",
        "line_offset",
        "path",
        "pointer_prefix",
    )

    def __init__(
        self,
        path: str,
        format: Format,
        element: Element,
        data: dict[str, Any],
        message: Message | None = None,
        text: str | None = None,
        line_offset: int = 0,
        parse_error: str | None = None,
        raw: bytes | None = None,
        pointer_prefix: str = "",
    ) -> None:
        self.path = path
        self.format = format
        self.element = element
        self.data = data
        self._text = text  # original text (JSON/YAML), for the source map
        self._raw = raw if text is None else None  # undecoded UTF-8 text, decoded on first use
        self.line_offset = line_offset  # lines before this document in its file (JSONL, items of a JSON array)
        # where the document sits in its file: "" for a whole file, "/N" for item N of a top-level JSON array.
        # Rules and positions work with pointers relative to the document; findings are reported with this prefix.
        self.pointer_prefix = pointer_prefix
        #: the file starts with a UTF-8 byte order mark, which the reader dropped (set on its first document only;
        #: text, line and column are those of the file after the mark)
        self.bom = False
        self._message = message
        self._parse_error = parse_error
        self._parsed = message is not None or parse_error is not None
        self._maybe_lossy = False  # set by the lenient parse when it skipped something
        self._source_map: SourceMap | None = None

    @property
    def written_by_protobuf(self) -> bool:
        """True when the tree is a protobuf message's JSON form (protobuf binary input, a converted packet).

        proto3 leaves default values out, so an absent field there means its default.
        """
        if self.format is Format.PB:
            return True
        return self._message is not None and self._text is None and self._raw is None

    @property
    def text(self) -> str | None:
        """The original JSON/YAML text (decoded on first use: only documents with findings need it)."""
        if self._text is None and self._raw is not None:
            self._text = self._raw.decode("utf-8")
            self._raw = None
        return self._text

    @text.setter
    def text(self, value: str | None) -> None:
        self._text, self._raw = value, None

    def utf8(self) -> bytes | None:
        """The original text as UTF-8 bytes (the bytes read when still held, else the text encoded)."""
        if self._raw is not None:
            return self._raw
        return None if self._text is None else self._text.encode("utf-8")

    def __repr__(self) -> str:
        where = self.path + (f"#{self.pointer_prefix}" if self.pointer_prefix else "")
        return f"Document(path={where!r}, format={self.format.value}, element={self.element.value}, id={self.id!r})"

    def _parse(self) -> None:
        if self._parsed:
            return
        self._parsed = True
        # imported here: a validation run never parses into protobuf (json_format costs ~10 % of a start)
        from google.protobuf import json_format

        from phenotk.io.fastparse import maybe_lossy, parse_dict

        try:
            self._message = parse_dict(self.data, self.element.message_class)
            self._maybe_lossy = maybe_lossy()
        except (json_format.ParseError, TypeError, ValueError, AttributeError, RecursionError, OverflowError) as exc:
            from phenotk.io.parse_errors import explain  # OverflowError: `.inf` (YAML) where an integer belongs

            self._message, self._parse_error = None, explain(str(exc), self.data)

    def left_out(self) -> str | None:
        """What the lenient :attr:`message` does not hold of ``data``: the strict parser's message, or None.

        Unknown fields and unknown enum names are left out of the message; this is cheap unless the parse
        skipped something.
        """
        self._parse()
        if self._message is None or not self._maybe_lossy:
            return None
        return self.strict_error()

    @property
    def message(self) -> Message | None:
        """The lenient protobuf message (None when ``data`` cannot be parsed; see ``parse_error``)."""
        self._parse()
        return self._message

    @property
    def parse_error(self) -> str | None:
        """Why ``message`` is None, else None."""
        self._parse()
        return self._parse_error

    def absolute(self, pointer: str) -> str:
        """``pointer`` (relative to this document) as a pointer into its file (``/N/…`` for array items)."""
        return self.pointer_prefix + pointer

    @property
    def id(self) -> str | None:
        """Top-level ``id`` of the document, when it has one."""
        value = self.data.get("id")
        return value if isinstance(value, str) else None

    def source_map(self) -> SourceMap:
        """Pointer → (line, column) map, built on first use (only documents with findings pay)."""
        if self._source_map is None:
            from phenotk.io.sourcemap import SourceMap

            if self.text is None:
                self._source_map = SourceMap.empty()
            elif self.format is Format.YAML:
                self._source_map = SourceMap.from_yaml(self.text, self.line_offset)
            else:
                self._source_map = SourceMap.from_json(self.text, self.line_offset)
        return self._source_map

    def locate(self, pointer: str) -> tuple[int | None, int | None]:
        """1-based (line, column) where the value at ``pointer`` starts; the nearest known parent else."""
        return self.source_map().locate(pointer)

    def strict_error(self) -> str | None:
        """What strict protobuf JSON parsing (no unknown fields) says of ``data``; None when it passes."""
        from google.protobuf import json_format

        try:
            json_format.ParseDict(self.data, self.element.message_class())
        except (json_format.ParseError, TypeError, ValueError, AttributeError, RecursionError, OverflowError) as exc:
            return str(exc)
        return None
