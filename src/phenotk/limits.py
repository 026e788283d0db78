"""Input limits: how big, deep or compressed an input may be before phenotk refuses it (``[tool.phenotk.limits]``).

Every reader checks its input against the *current* :class:`Limits` — sizes before reading, depths and counts while
reading — so hostile or broken input ends in one clear input error (exit 2) instead of a ``MemoryError``, a
crash or a hang. The defaults suit any real data set; a config file may raise or lower them::

    [tool.phenotk.limits]
    document-bytes = 1_073_741_824   # one JSON/YAML/protobuf document, or one zip member
    sheet-rows = 5_000_000

Exceeding a limit gives a message naming the file, the place and the key, e.g. ``big.csv: row 1000002: the sheet
has more than 1000000 data rows: exceeds limits.sheet-rows = 1000000; raise it in [tool.phenotk.limits]``.

The current limits are process-wide (a context variable): the session of a run sets them from its config
(:func:`set_limits`); :func:`using` sets them for a block. This module is a bottom layer: it imports nothing of
phenotk but :mod:`phenotk.errors`.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from phenotk.errors import InputError, UsageError

_MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The limits a run reads its inputs under; config keys are the field names with ``-`` for ``_``."""

    #: bytes of one JSON/YAML/protobuf document read whole, and of one member of a zip archive
    document_bytes: int = 512 * _MIB
    #: members of one zip archive read as Phenopacket documents
    zip_members: int = 1_000_000
    #: largest expansion (uncompressed ÷ compressed size) of a zip member over 10 MB: a zip bomb beyond it
    zip_ratio: int = 200
    #: bytes a curation-template workbook (XLSX) may hold uncompressed, all members together
    workbook_bytes: int = 512 * _MIB
    #: data rows of one sheet (CSV, TSV, XLSX) read by the table converter
    sheet_rows: int = 1_000_000
    #: columns of one sheet (XLSX itself stops at 16,384)
    sheet_columns: int = 16_384
    #: merged ranges in one worksheet
    merged_ranges: int = 100_000
    #: bytes of a pyphetools cohort JSON file
    cohort_json_bytes: int = 256 * _MIB
    #: bytes of a REDCap data dictionary
    dictionary_bytes: int = 64 * _MIB
    #: nesting depth of a YAML document (libyaml's C composer overflows the stack past ~20,000)
    yaml_depth: int = 1000
    #: values a YAML tree may expand to through aliases (``*name``) before it is an alias bomb
    yaml_expanded_nodes: int = 5_000_000
    #: element nesting depth of a FHIR XML document
    xml_depth: int = 256
    #: term–ancestor pairs of an ontology's ``is_a`` closure (a 20,000-term chain has 200 million)
    ancestor_pairs: int = 20_000_000

    @classmethod
    def config_keys(cls) -> list[str]:
        """The config keys, in declaration order (``sheet-rows`` …)."""
        return [f.name.replace("_", "-") for f in fields(cls)]

    @classmethod
    def from_mapping(cls, table: Mapping[str, Any], *, source: str | None = None, base: Limits | None = None) -> Limits:
        """``base`` (default: the defaults) with the keys of a ``[tool.phenotk.limits]`` table.

        An unknown key or a value that is not a positive integer is a one-line :class:`UsageError` naming
        ``source``.
        """
        if not isinstance(table, Mapping):
            raise UsageError("[tool.phenotk.limits] must be a table of key = integer", path=source)
        known = cls.config_keys()
        values: dict[str, int] = {}
        for key, value in table.items():
            norm = str(key).replace("_", "-")
            if norm not in known:
                close = difflib.get_close_matches(norm, known, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(known)})"
                raise UsageError(f"unknown key {key!r} in [tool.phenotk.limits]{hint}", path=source)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise UsageError(f"limits.{norm} must be a positive integer, not {value!r}", path=source)
            values[norm.replace("-", "_")] = value
        return replace(base or cls(), **values)

    def exceeded(self, key: str, what: str, *, path: str | None = None, line: int | None = None,
                 column: int | None = None) -> InputError:
        """The input error for ``what`` going past ``key`` (a field or config name): names the key and the fix."""
        name = key.replace("_", "-")
        value = getattr(self, name.replace("-", "_"))
        return InputError(f"{what}: exceeds limits.{name} = {value}; raise it in [tool.phenotk.limits]",
                          path=path, line=line, column=column)


DEFAULT = Limits()
_CURRENT: contextvars.ContextVar[Limits] = contextvars.ContextVar("phenotk_limits", default=DEFAULT)


def current() -> Limits:
    """The limits readers check now."""
    return _CURRENT.get()


def set_limits(limits: Limits | None) -> None:
    """Make ``limits`` (None: the defaults) current for this context — what a run's session does."""
    _CURRENT.set(limits if limits is not None else DEFAULT)


@contextlib.contextmanager
def using(limits: Limits) -> Iterator[Limits]:
    """Make ``limits`` current inside the block."""
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)


__all__ = ["DEFAULT", "Limits", "current", "set_limits", "using"]
