"""The ``redcap`` :class:`~phenotk.conversion.base.FormatReader` (registered in convert/registry.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from phenotk.conversion.base import Converted, ConvertOptions, FormatReader
from phenotk.errors import UsageError

from .export import SYSTEM_COLUMNS, header_cells, looks_like_export


class RedcapReader(FormatReader):
    """REDCap record exports (CSV or API JSON) + data dictionary → Phenopackets under a YAML mapping."""

    name = "redcap"
    description = (
        "REDCap record exports (CSV/JSON) with the data dictionary, under a mapping (--mapping mappings/redcap-*.yaml;"
        " -O dictionary=PATH)."
    )
    extensions = (".csv", ".json", ".txt", ".tsv")

    def sniff(self, path: Path, head: bytes) -> bool:
        """A header starting with ``record_id`` or holding ``redcap_event_name``/``redcap_repeat_instrument``."""
        return path.suffix.lower() in self.extensions and looks_like_export(head)

    def read(self, path: Path, options: ConvertOptions) -> Iterator[Converted]:
        """One :class:`Converted` per packet; export-level findings ride on the first (or on an empty item)."""
        from .convert import convert_export

        if options.mapping is None:
            raise UsageError(
                f"{path}: a REDCap export needs a mapping: --mapping mappings/redcap-rarelink.yaml (or "
                "redcap-erker.yaml, redcap-convert-pheno.yaml, or your own; see the README section 'REDCap exports')"
            )
        unknown = set(options.extra) - {"dictionary"}
        if unknown:
            raise UsageError(f"unknown REDCap option(s) {', '.join(sorted(unknown))}; known: dictionary=PATH")
        if _a_sheet_after_all(path, options.mapping):
            from phenotk.conversion import registry

            yield from registry.reader("table").read(path, options)
            return
        result = convert_export(path, options.mapping, dictionary=options.extra.get("dictionary"),
                                ontology=options.ontology, strict=options.strict, created=options.created,
                                created_by=options.created_by, annotations=options.annotations)
        pending = list(result.issues)
        for item in result.items:
            yield Converted(item.packet, item.source, [*pending, *item.issues], name=item.packet.id)
            pending = []
        if pending:
            yield Converted(None, str(path), pending)


def _a_sheet_after_all(path: Path, mapping: Path) -> bool:
    """True for a CSV/TSV whose first column is ``record_id`` but which is a plain sheet under a plain mapping.

    A registry's sheet may well name its id column ``record_id`` (as REDCap does); without a ``redcap:`` block in
    the mapping and without a column only REDCap writes, its rows are read by the sheet reader, as its mapping
    says (the REDCap path grouped them otherwise: 49 packets instead of 11 in a long-layout registry).
    """
    if path.suffix.lower() not in (".csv", ".tsv", ".txt"):
        return False
    from phenotk.mapping.model import load_mapping

    if "redcap" in load_mapping(mapping).data:
        return False
    try:
        with open(path, "rb") as fh:
            first = fh.readline(1 << 16).decode("utf-8", errors="ignore")
    except OSError:
        return False
    # a column only REDCap writes: its system columns, a form's status (<form>_complete)
    return not any(c in SYSTEM_COLUMNS or c.endswith("_complete") for c in header_cells(first))

