"""The converter contract: every external format is a reader and/or a writer around the protobuf model.

A reader turns one input (file) into :class:`Converted` items — a message plus the findings about what could
not be carried — and never validates by hand (the CLI validates converted packets). A writer turns messages
into an external format and returns findings for whatever the format cannot hold. Nothing is dropped silently.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from google.protobuf.message import Message

from phenotk.issue import Issue, Severity


@dataclass
class Converted:
    """One message made by a reader (None when the source item could not be converted at all)."""

    message: Message | None
    source: str  # where it came from, e.g. "cohort.xlsx" or "bundle.json#Patient/123" or "sheet.csv:row 7"
    issues: list[Issue] = field(default_factory=list)
    name: str | None = None  # suggested output file stem (e.g. the store's "PMID_123_P1")
    #: JSON pointers of fields the input stated with their proto3 default value (``/subject/sex`` for a sheet
    #: that says "unknown"): protobuf cannot tell them from "not stated", so JSON/YAML writers write them out
    stated_defaults: tuple[str, ...] = ()
    #: the message's JSON tree when the pipeline already made one (to validate it): writers reuse it, never change it
    tree: dict[str, Any] | None = field(default=None, repr=False, compare=False)


@dataclass
class ConvertOptions:
    """Options shared by every converter; converter-specific ones go in ``extra`` (CLI ``-O key=value``)."""

    mapping: Path | None = None  # a YAML mapping file (spreadsheets, REDCap)
    layout: str = "wide"  # table writers: wide | long
    strict: bool = False  # conversion findings become errors
    ontology: Any = None  # phenotk.ontology.OntologyIndex for HPO, when available
    ontologies: dict[str, Any] = field(default_factory=dict)  # other prefixes (MONDO, GENO, …) → index
    annotations: Path | None = None  # HPO annotation file (phenotype.hpoa[.gz]): disease labels for tabular inputs
    created_by: str = "phenotk"
    created: str | None = None  # RFC 3339; None = now. Set for reproducible output.
    extra: dict[str, str] = field(default_factory=dict)

    def severity(self, default: Severity = Severity.WARNING) -> Severity:
        """Severity of conversion findings: ``default`` or ERROR under ``strict``."""
        return Severity.ERROR if self.strict else default


#: every ``-O key=value`` a reader or writer reads (``ConvertOptions.extra``): a key outside it reaches no converter
OPTION_KEYS = frozenset({
    "sheet", "header_row", "delimiter", "encoding",  # sheets
    "dictionary",  # REDCap
    "phenopackets", "proband", "header",  # PED
    "bundle-type", "format",  # FHIR writer
    "info",  # Beacon writer
    "clean", "clean_by_onset", "hpo_version", "acronym",  # curation templates
    "variants_to_interpretations", "disease", "status", "interpretation_status",  # Phenopacket v1
})


def unread_options(extra: dict[str, str]) -> list[str]:
    """The ``-O`` keys no converter reads (a typo such as ``delimeter``), each with a suggestion when one is close."""
    import difflib

    out = []
    for key in sorted(set(extra) - OPTION_KEYS):
        close = difflib.get_close_matches(key, sorted(OPTION_KEYS), n=1, cutoff=0.7)
        out.append(f"{key!r} (did you mean {close[0]!r}?)" if close else repr(key))
    return out


class FormatReader(abc.ABC):
    """Reads an external format into Phenopackets (or Families / Cohorts)."""

    #: Short name used by ``--from`` (e.g. ``fhir``).
    name: ClassVar[str]
    #: One line for ``phenotk convert --help`` / docs.
    description: ClassVar[str] = ""
    #: File name endings this reader may handle (lower case, with dot), used before content sniffing.
    extensions: ClassVar[tuple[str, ...]] = ()

    def sniff(self, path: Path, head: bytes) -> bool:
        """True when this reader recognises the file from its name and first bytes (default: never)."""
        return False

    @abc.abstractmethod
    def read(self, path: Path, options: ConvertOptions) -> Iterator[Converted]:
        """Convert one input file; raise ``phenotk.errors.InputError`` when nothing usable can be read."""


class FormatWriter(abc.ABC):
    """Writes Phenopackets (or Families / Cohorts) to an external format."""

    #: Short name used by ``--to`` (e.g. ``fhir``).
    name: ClassVar[str]
    description: ClassVar[str] = ""
    #: Output endings that select this writer when ``--to`` is not given (e.g. ``.xlsx``).
    extensions: ClassVar[tuple[str, ...]] = ()
    #: True when all messages go into one output file (a table); False for one output per message.
    single_file: ClassVar[bool] = False
    #: Default extension for one-output-per-message writers.
    default_extension: ClassVar[str] = ".json"

    @abc.abstractmethod
    def write(
        self, messages: Iterable[Message], output: Path, options: ConvertOptions, *, force: bool = False
    ) -> list[Issue]:
        """Write ``messages`` to ``output`` (a file when ``single_file``, else a directory), atomically.

        Return findings for every value the format could not carry.
        """
