"""REDCap exports → Phenopackets: flat CSV/JSON record exports with the project's data dictionary, under a mapping.

Registry entry: reader ``redcap``. A REDCap mapping is a table mapping (``phenotk.mapping``) with an optional
``redcap:`` section (dictionary, record id field, choices as labels or codes, fields carried across events,
decimal commas). Presets: ``mappings/redcap-rarelink.yaml``, ``redcap-erker.yaml``, ``redcap-convert-pheno.yaml``.

Sniffing claims CSV/JSON files whose header starts with ``record_id`` or holds ``redcap_event_name`` /
``redcap_repeat_instrument``; ``--from redcap`` forces it. Findings: :mod:`.findings` (``redcap-*`` rules).
"""

from __future__ import annotations

from phenotk.conversion.redcap.convert import RedcapConversion, RedcapSettings, convert_export, find_dictionary
from phenotk.conversion.redcap.dictionary import DataDictionary, Field, load_dictionary, parse_choices
from phenotk.conversion.redcap.export import Export, read_export
from phenotk.conversion.redcap.findings import FINDINGS
from phenotk.conversion.redcap.reader import RedcapReader

__all__ = [
    "FINDINGS",
    "DataDictionary",
    "Export",
    "Field",
    "RedcapConversion",
    "RedcapReader",
    "RedcapSettings",
    "convert_export",
    "find_dictionary",
    "load_dictionary",
    "parse_choices",
    "read_export",
]
