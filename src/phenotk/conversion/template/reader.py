"""``--from template``: phetools cohort JSON or pyphetools Excel template, chosen by content."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from phenotk.conversion.base import Converted, ConvertOptions, FormatReader
from phenotk.conversion.template.cohort_json import PhetoolsJsonReader
from phenotk.conversion.template.sniff import sniff_cohort_json, sniff_template_file
from phenotk.conversion.template.xlsx import PyphetoolsXlsxReader
from phenotk.errors import InputError


class TemplateReader(FormatReader):
    """Either curation-table format, chosen by content.

    A JSON object with ``cohortType``/``hpoHeaders`` keys, or an .xlsx with the pyphetools header row (the one
    probe in :mod:`.sniff`). Registered first so it claims templates before the generic table reader.
    """

    name = "template"
    description = "curation template: phetools cohort JSON or pyphetools Excel (sniffed by content)"
    extensions = (".json", ".xlsx")

    def sniff(self, path: Path, head: bytes) -> bool:
        """True for a cohort JSON or a pyphetools workbook."""
        return sniff_cohort_json(head) or sniff_template_file(path, head)

    def read(self, path: Path, options: ConvertOptions) -> Iterator[Converted]:
        """Dispatch on content: zip (xlsx) → Excel template reader, else cohort JSON reader."""
        try:
            with open(path, "rb") as fh:
                head = fh.read(4)
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from None
        if head.startswith(b"PK"):
            yield from PyphetoolsXlsxReader().read(path, options)
        else:
            yield from PhetoolsJsonReader().read(path, options)
