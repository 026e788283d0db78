"""The ``redcap`` :class:`~phenotk.conversion.base.FormatReader` (registered in convert/registry.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from phenotk.conversion.base import Converted, ConvertOptions, FormatReader
from phenotk.errors import UsageError

from .export import looks_like_export


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
        result = convert_export(path, options.mapping, dictionary=options.extra.get("dictionary"),
                                ontology=options.ontology, strict=options.strict, created=options.created,
                                created_by=options.created_by, annotations=options.annotations)
        pending = list(result.issues)
        for item in result.items:
            yield Converted(item.packet, item.source, [*pending, *item.issues], name=item.packet.id)
            pending = []
        if pending:
            yield Converted(None, str(path), pending)
