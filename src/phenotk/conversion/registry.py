"""Name → converter registry. Entries are import strings so ``phenotk`` starts fast; add a line per format."""

from __future__ import annotations

import importlib
from pathlib import Path

from phenotk.conversion.base import FormatReader, FormatWriter
from phenotk.errors import UsageError

#: ``--from`` names → "module:Class". Keep in sync with docs (README conversion table).
READERS: dict[str, str] = {
    "template": "phenotk.conversion.template.reader:TemplateReader",  # before table: claims curation templates
    "phetools-json": "phenotk.conversion.template.cohort_json:PhetoolsJsonReader",
    "pyphetools-xlsx": "phenotk.conversion.template.xlsx:PyphetoolsXlsxReader",
    "redcap": "phenotk.conversion.redcap:RedcapReader",  # before table: claims record_id/redcap_* exports
    "table": "phenotk.conversion.table.converter:TableReader",
    "fhir": "phenotk.conversion.fhir:FhirReader",
    "v1": "phenotk.conversion.v1.reader:V1Reader",  # before beacon: pre-1.0 files have ontology-class sex too
    "ped": "phenotk.conversion.ped.reader:PedReader",
    "beacon": "phenotk.conversion.beacon.reader:BeaconReader",
}
#: ``--to`` names → "module:Class".
WRITERS: dict[str, str] = {
    "phetools-json": "phenotk.conversion.template.cohort_json_writer:PhetoolsJsonWriter",  # *_individuals.json
    "pyphetools-xlsx": "phenotk.conversion.template.xlsx_writer:PyphetoolsXlsxWriter",  # *_individuals.xlsx
    "csv": "phenotk.conversion.table.converter:CsvWriter",
    "tsv": "phenotk.conversion.table.converter:TsvWriter",
    "xlsx": "phenotk.conversion.table.converter:XlsxWriter",
    "fhir": "phenotk.conversion.fhir:FhirWriter",
    "ped": "phenotk.conversion.ped.writer:PedWriter",
    "beacon": "phenotk.conversion.beacon.writer:BeaconWriter",
}


def _load(spec: str) -> type:
    module, _, cls = spec.partition(":")
    return getattr(importlib.import_module(module), cls)  # type: ignore[no-any-return]


def _suggest(name: str, names: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, names, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def reader(name: str) -> FormatReader:
    """Instantiate the reader called ``name`` (UsageError with a suggestion if unknown)."""
    if name not in READERS:
        raise UsageError(f"unknown input format {name!r}{_suggest(name, list(READERS))} (known: {', '.join(READERS)})")
    instance = _load(READERS[name])()
    assert isinstance(instance, FormatReader)
    return instance


def writer(name: str) -> FormatWriter:
    """Instantiate the writer called ``name`` (UsageError with a suggestion if unknown)."""
    if name not in WRITERS:
        raise UsageError(f"unknown output format {name!r}{_suggest(name, list(WRITERS))} (known: {', '.join(WRITERS)})")
    instance = _load(WRITERS[name])()
    assert isinstance(instance, FormatWriter)
    return instance


def sniff_reader(path: Path) -> FormatReader | None:
    """The first registered reader that recognises ``path`` (by name, then content), or None."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8192)
    except OSError:
        return None
    for name in READERS:
        candidate = reader(name)
        if candidate.sniff(path, head):
            return candidate
    return None


def writer_for_output(output: str) -> FormatWriter | None:
    """The writer whose extensions match ``output`` (e.g. ``.xlsx``), or None."""
    lower = output.lower()
    for name in WRITERS:
        candidate = writer(name)
        if candidate.extensions and lower.endswith(candidate.extensions):
            return candidate
    return None
