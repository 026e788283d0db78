"""``FormatReader`` / ``FormatWriter`` classes of the table converter (registered in convert/registry.py)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

from google.protobuf.message import Message

from phenotk.conversion.base import Converted, ConvertOptions, FormatReader, FormatWriter
from phenotk.conversion.table.findings import MAP_MAPPING_HINT
from phenotk.errors import OutputExistsError, UsageError
from phenotk.io import atomic_write
from phenotk.issue import Issue, Severity

from .api import stream_sheet
from .build import BuiltPacket, Mapper
from .sheets import XLSX_EXTENSIONS, open_table, workbook_kind
from .write import format_for, table_bytes


#: First-row headers of a pyphetools curation template (those files belong to the ``template`` reader).
def _overrides(extra: dict[str, str]) -> dict[str, Any]:
    """``-O sheet=NAME|N``, ``-O header_row=N``, ``-O delimiter=;``, ``-O encoding=cp1252`` (override the mapping)."""
    out: dict[str, Any] = {}
    if "sheet" in extra:
        out["sheet"] = int(extra["sheet"]) if extra["sheet"].isdigit() else extra["sheet"]
    if "header_row" in extra:
        if not extra["header_row"].isdigit() or int(extra["header_row"]) < 1:
            raise UsageError(f"-O header_row takes a row number (1, 2, …), not {extra['header_row']!r}")
        out["header_row"] = int(extra["header_row"])
    if "delimiter" in extra:
        out["delimiter"] = {"tab": "\t", "\\t": "\t"}.get(extra["delimiter"], extra["delimiter"])
    if "encoding" in extra:
        out["encoding"] = extra["encoding"]
    return out


class TableReader(FormatReader):
    """CSV / TSV / XLSX sheets → Phenopackets under a YAML mapping (``--mapping``)."""

    name = "table"
    description = "Spreadsheets (CSV, TSV, XLSX, ODS, XLS) with a YAML mapping (--mapping); see mappings/README.md."
    extensions = (".csv", ".tsv", ".tab", ".txt", ".xlsx", ".xlsm", ".ods", ".xls", ".xlsb")

    def sniff(self, path: Path, head: bytes) -> bool:
        """CSV/TSV by name; .txt when the first line has a delimiter; XLSX unless it is a pyphetools template."""
        suffix = path.suffix.lower()
        if suffix in (".csv", ".tsv", ".tab"):
            return True
        if suffix == ".txt":
            first = head.split(b"\n", 1)[0]
            return any(d in first for d in (b"\t", b",", b";"))
        # a pyphetools template is claimed by the template reader, which the registry asks first; the workbook
        # is not opened again here (one probe per input, one "is it a template" answer)
        return (suffix in XLSX_EXTENSIONS and head.startswith(b"PK")) or workbook_kind(head, suffix) is not None

    #: :meth:`read` takes ``mapper`` and ``post`` (``phenotk convert --jobs`` makes packets in worker processes)
    parallel = True

    def read(
        self,
        path: Path,
        options: ConvertOptions,
        *,
        mapper: Mapper | None = None,
        post: Callable[[Converted], Converted] | None = None,
    ) -> Iterator[Converted]:
        """One :class:`Converted` per packet, after one message-less item with the sheet-level findings.

        The sheet streams (rows read twice, never all held; see :meth:`.build._Builder.stream`): each packet is
        yielded as soon as its rows are read. ``post`` is applied to each packet's item where it is made, and
        ``mapper`` says where that is (see :data:`.build.Mapper`; the order of the items never changes).
        """
        from phenotk.mapping.model import load_mapping

        mapping = load_mapping(options.mapping) if options.mapping is not None else None
        if mapping is not None and mapping.hints:  # e.g. `id: MIM #607208` cut by a YAML comment
            hints = [MAP_MAPPING_HINT(h.message, pointer=h.pointer, line=h.line, column=h.column)
                     for h in mapping.hints]
            yield Converted(None, str(options.mapping), hints)
        kwargs: dict[str, Any] = {}
        if mapping is not None:
            kwargs = dict(sheet=mapping.sheet, header_row=mapping.header_row, skip_rows=mapping.skip_rows,
                          delimiter=mapping.delimiter, encoding=mapping.encoding,
                          max_xlsx_bytes=mapping.max_xlsx_bytes)
        kwargs.update(_overrides(options.extra))
        sheet = open_table(path, **kwargs)
        try:
            finish = _converted if post is None else functools.partial(_finished, post=post)
            parts = stream_sheet(sheet, mapping, ontology=options.ontology, strict=options.strict,
                                 created=options.created, created_by=options.created_by,
                                 annotations=options.annotations, mapper=mapper, finish=finish)
            for item in parts:
                if isinstance(item, list):  # sheet-level findings (columns, rows without id) belong to the sheet
                    if item:
                        yield Converted(None, str(path), list(item))
                    continue
                yield item
        finally:
            sheet.close()


def _converted(item: BuiltPacket) -> Converted:
    stated = ("/subject/sex",) if item.unknown_sex else ()
    return Converted(item.packet, item.source, item.issues, name=item.packet.id, stated_defaults=stated)


def _finished(item: BuiltPacket, post: Callable[[Converted], Converted]) -> Converted:
    return post(_converted(item))


class _TableWriter(FormatWriter):
    fmt: ClassVar[str] = "csv"
    single_file = True

    def write(
        self, messages: Iterable[Message], output: Path, options: ConvertOptions, *, force: bool = False
    ) -> list[Issue]:
        """Write one table (layout from ``options.layout``); findings for every field the layout drops."""
        from .api import make_table

        if output.exists() and not force and not output.is_dir():
            raise OutputExistsError("output exists; use --force to overwrite", path=str(output))
        table = make_table(messages, options.layout)
        fmt = self.fmt if output.suffix.lower() not in (".csv", ".tsv", ".xlsx") else format_for(output, self.fmt)
        atomic_write(output, table_bytes(table, fmt, options.layout), force=force)
        if options.strict:
            for issue in table.issues:
                issue.severity = Severity.ERROR
        return table.issues


class CsvWriter(_TableWriter):
    """Phenopackets → one CSV table (UTF-8 with BOM), wide or long."""

    name = "csv"
    description = "CSV table, one row per packet (--layout wide) or per phenotypic feature (--layout long)."
    extensions = (".csv",)
    fmt = "csv"


class TsvWriter(_TableWriter):
    """Phenopackets → one TSV table, wide or long."""

    name = "tsv"
    description = "TSV table, wide or long layout."
    extensions = (".tsv", ".tab")
    fmt = "tsv"


class XlsxWriter(_TableWriter):
    """Phenopackets → XLSX (frozen header, autofilter, legend sheet), wide or long."""

    name = "xlsx"
    description = "XLSX workbook (frozen header, legend sheet), wide or long layout."
    extensions = (".xlsx",)
    fmt = "xlsx"
