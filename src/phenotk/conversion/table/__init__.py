"""Spreadsheets ↔ Phenopackets: CSV/TSV/XLSX/DataFrame readers driven by a YAML mapping, wide/long writers.

Registry entries: reader ``table``; writers ``csv``, ``tsv``, ``xlsx`` (layout from ``ConvertOptions.layout``).

Sniffing: ``.csv``/``.tsv``/``.tab`` files are claimed by name; ``.txt`` only when its first line holds a
delimiter; ``.xlsx`` only when the first row is *not* a pyphetools curation template (those belong to the
``template`` reader) — pass ``--from table`` to force. Without ``--mapping`` the reader accepts only the tables
phenotk itself writes (header with ``packet_id`` + ``subject_id``: the presets ``phenotk-wide``/``phenotk-long``).
"""

from __future__ import annotations

from phenotk.conversion.table.api import from_dataframe, read_sheet, to_dataframe, write_table
from phenotk.conversion.table.build import TableConversion, build_packets
from phenotk.conversion.table.sheets import Sheet, read_table, sheet_from_dataframe
from phenotk.conversion.table.write import long_table, wide_table

__all__ = [
    "Sheet",
    "TableConversion",
    "build_packets",
    "from_dataframe",
    "long_table",
    "read_sheet",
    "read_table",
    "sheet_from_dataframe",
    "to_dataframe",
    "wide_table",
    "write_table",
]
