"""Python API of the table converter (re-exported as ``phenotk.from_dataframe`` / ``phenotk.to_dataframe``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from google.protobuf.message import Message

from phenotk.errors import UsageError
from phenotk.io import atomic_write
from phenotk.issue import Issue
from phenotk.mapping.model import TableMapping, load_mapping
from phenotk.ontology.annotations import DiseaseAnnotations

from .build import BuiltPacket, Mapper, TableConversion, build_packets, iter_packets
from .sheets import Sheet, StreamSheet, read_table, sheet_from_dataframe
from .typed import plain_frame
from .write import TableOut, format_for, long_table, table_bytes, wide_table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

MappingLike = str | Path | TableMapping | dict[str, Any]


def guess_preset(sheet: Sheet | StreamSheet) -> str | None:
    """``phenotk-long`` / ``phenotk-wide`` when the header is one phenotk writes, else None."""
    cols = set(sheet.header)
    if {"packet_id", "subject_id"} <= cols:
        return "phenotk-long" if {"hpo_id", "status"} <= cols else "phenotk-wide"
    return None


def _mapping_for(sheet: Sheet | StreamSheet, mapping: MappingLike | None) -> TableMapping:
    """The mapping (``None``: the preset of a phenotk-written table, else UsageError)."""
    if mapping is None:
        preset = guess_preset(sheet)
        if preset is None:
            raise UsageError(
                f"{sheet.path}: a spreadsheet needs a mapping: --mapping M.yaml "
                f"(write a starter with 'phenotk mapping init {sheet.path}')"
            )
        mapping = preset
    return load_mapping(mapping)


def convert_sheet(
    sheet: Sheet | StreamSheet,
    mapping: MappingLike | None,
    *,
    ontology: Any = None,
    strict: bool = False,
    created: str | None = None,
    created_by: str = "phenotk",
    annotations: str | Path | DiseaseAnnotations | None = None,
) -> TableConversion:
    """Packets from an already-read sheet (``mapping`` None: a phenotk-written table, else UsageError)."""
    return build_packets(sheet, _mapping_for(sheet, mapping), ontology=ontology, strict=strict, created=created,
                         created_by=created_by, annotations=annotations)


def stream_sheet(
    sheet: Sheet | StreamSheet,
    mapping: MappingLike | None,
    *,
    ontology: Any = None,
    strict: bool = False,
    created: str | None = None,
    created_by: str = "phenotk",
    annotations: str | Path | DiseaseAnnotations | None = None,
    mapper: Mapper | None = None,
    finish: Callable[[BuiltPacket], Any] | None = None,
) -> Iterator[list[Issue] | Any]:
    """:func:`convert_sheet` streamed: the sheet-level findings (one list) first, then one packet at a time.

    ``finish`` (what each :class:`BuiltPacket` becomes) and ``mapper`` (where packets are made, e.g. in worker
    processes): see :func:`.build.iter_packets`.
    """
    return iter_packets(sheet, _mapping_for(sheet, mapping), ontology=ontology, strict=strict, created=created,
                        created_by=created_by, annotations=annotations, mapper=mapper, finish=finish)


def read_sheet(
    path: str | Path,
    mapping: MappingLike | None = None,
    *,
    ontology: Any = None,
    strict: bool = False,
    created: str | None = None,
    created_by: str = "phenotk",
    annotations: str | Path | DiseaseAnnotations | None = None,
) -> TableConversion:
    """Read a CSV/TSV/XLSX file under ``mapping`` (a YAML path, preset name, dict or TableMapping).

    Returns a :class:`TableConversion` (``.packets``, ``.items`` with per-packet findings, ``.issues``).
    """
    m = load_mapping(mapping) if mapping is not None else None
    kwargs: dict[str, Any] = {}
    if m is not None:
        kwargs = dict(sheet=m.sheet, header_row=m.header_row, skip_rows=m.skip_rows, delimiter=m.delimiter,
                      encoding=m.encoding, max_xlsx_bytes=m.max_xlsx_bytes)
    sheet = read_table(path, **kwargs)
    return convert_sheet(sheet, m, ontology=ontology, strict=strict, created=created, created_by=created_by,
                         annotations=annotations)


def from_dataframe(
    df: pd.DataFrame,
    mapping: MappingLike,
    *,
    hpo: Any = None,
    strict: bool = False,
    created: str | None = None,
    created_by: str = "phenotk",
    annotations: str | Path | DiseaseAnnotations | None = None,
    ontology: Any = None,
) -> TableConversion:
    """Phenopackets from a pandas DataFrame (one column per header) under ``mapping``.

    ``result.packets`` holds the packets, ``result.all_issues`` every finding; rows are numbered as in a
    spreadsheet (header = row 1). A typed frame from ``phenotk.to_dataframe`` is read back as the table it
    types (:func:`.typed.plain_frame`). ``hpo`` is the ontology index (``ontology=`` is its deprecated alias).
    """
    if ontology is not None:
        import warnings

        warnings.warn("from_dataframe(ontology=...) is deprecated; use hpo=...", DeprecationWarning, stacklevel=2)
        hpo = hpo if hpo is not None else ontology
    if any(name is not None for name in df.index.names):  # df.set_index("packet_id"): the named index is a column
        df = df.reset_index()
    sheet = sheet_from_dataframe(plain_frame(df))
    return convert_sheet(sheet, mapping, ontology=hpo, strict=strict, created=created, created_by=created_by,
                         annotations=annotations)


def make_table(messages: Iterable[Message], layout: str = "wide") -> TableOut:
    """A wide or long table (header, rows, findings) of the packets in ``messages``."""
    if layout == "wide":
        return wide_table(messages)
    if layout == "long":
        return long_table(messages)
    raise UsageError(f"layout must be 'wide' or 'long', not {layout!r}")


def to_dataframe(packets: Iterable[Message], layout: str = "wide") -> pd.DataFrame:
    """Packets as a DataFrame in the wide (one row per packet) or long (one row per feature) layout.

    Empty cells are ''. ``df.attrs["phenotk_issues"]`` lists what the layout could not carry.
    """
    import pandas as pd

    table = make_table(packets, layout)
    df = pd.DataFrame(table.rows, columns=table.header, dtype=object)
    df.attrs["phenotk_issues"] = table.issues
    return df


def write_table(
    packets: Iterable[Message], path: str | Path, *, layout: str = "wide", fmt: str | None = None, force: bool = False
) -> list[Issue]:
    """Write packets as CSV/TSV/XLSX (format from ``fmt`` or the extension); returns the not-carried findings."""
    p = Path(path)
    table = make_table(packets, layout)
    atomic_write(p, table_bytes(table, fmt or format_for(p), layout), force=force)
    return table.issues
