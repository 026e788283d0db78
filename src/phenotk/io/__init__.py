"""Phenopacket I/O: one reader/writer per format, sniffing, source maps (see GUIDE §1)."""

from phenotk.io.document import Document, Element, Format
from phenotk.io.readers import iter_documents, iter_messages, load_tree, parse_bytes, read, read_document
from phenotk.io.sourcemap import SourceMap
from phenotk.io.writers import atomic_write, dumps, guard_inputs, note_input, to_dict, write

__all__ = [
    "Document",
    "Element",
    "Format",
    "SourceMap",
    "atomic_write",
    "dumps",
    "guard_inputs",
    "iter_documents",
    "iter_messages",
    "load_tree",
    "note_input",
    "parse_bytes",
    "read",
    "read_document",
    "to_dict",
    "write",
]
