"""What the analysis functions take as packets, and the ``TypeError`` for anything else.

Messages (families and cohorts give their members), dicts, Documents, paths; the error names what was given.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from google.protobuf.message import Message
from phenopackets import Phenopacket

from phenotk.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.ontology import OntologyIndex


def not_packets(packets: Any, name: str) -> TypeError | None:
    """The ``TypeError`` for a ``packets`` argument that is no iterable of packets (None when it may be one).

    A DataFrame, bytes or a number iterate as column names, byte values or not at all: each got an error about
    something else ('packet_id: no such file or directory', "'int' object is not iterable").
    """
    kind = type(packets).__name__
    if kind == "DataFrame":
        return TypeError(f"{name} takes phenopackets or paths, not a DataFrame (phenotk.from_dataframe reads one)")
    if isinstance(packets, (bytes, bytearray, memoryview)) or not isinstance(packets, Iterable):
        return TypeError(f"{name} takes phenopackets (messages, dicts, Documents), a path or a list of them, "
                         f"not {kind}")
    return None


def iter_packets(packets: Any, name: str) -> Iterator[Phenopacket]:
    """The Phenopackets of ``packets``, lazily (a generator stays a stream).

    Phenopacket messages as they are, Families and Cohorts as their members, dicts and Documents built, a path
    (file, folder, glob) or a list of paths read (an unreadable one raises its :class:`~phenotk.errors.InputError`).
    """
    from phenotk.analysis.cohort import packets_of
    from phenotk.io import Document, iter_messages, read

    if isinstance(packets, (str, os.PathLike)):
        for message in iter_messages([packets]):
            yield from packets_of(message)
        return
    if isinstance(packets, (Message, dict, Document)):
        packets = [packets]
    error = not_packets(packets, name)
    if error is not None:
        raise error
    for item in packets:
        if isinstance(item, Phenopacket):
            yield item
        elif isinstance(item, Message):
            yield from packets_of(item)
        elif isinstance(item, dict):
            yield from packets_of(read(item))
        elif isinstance(item, Document):
            if item.message is None:
                raise InputError(f"cannot build a {item.element.value}: {item.parse_error}", path=item.path)
            yield from packets_of(item.message)
        elif isinstance(item, (str, os.PathLike)):
            for message in iter_messages([item]):
                yield from packets_of(message)
        else:
            raise TypeError(f"{name} takes phenopackets (messages, dicts, Documents) or paths, "
                            f"not {type(item).__name__}")


def ontology_index(hpo: Any) -> OntologyIndex | None:
    """The HPO an analysis function was given: an index, a path to hp.json / hp.obo (loaded), None or False (none).

    Anything else is a ``TypeError`` (a path given to ``CohortView`` or ``summarize`` ended in "'str' object has
    no attribute 'children'").
    """
    if hpo is None or hpo is False:
        return None
    if hasattr(hpo, "is_descendant_of"):
        return hpo  # type: ignore[no-any-return]
    if isinstance(hpo, (str, os.PathLike)):
        from phenotk.ontology import load_ontology

        return load_ontology(os.fspath(hpo), prefix="HP")
    raise TypeError(f"hpo takes an OntologyIndex (phenotk.load_hpo) or a path to hp.json / hp.obo, "
                    f"not {type(hpo).__name__}")
