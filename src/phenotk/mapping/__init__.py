"""The YAML mapping model for row-based sources (spreadsheets, REDCap): load, JSON-Schema validate, explain."""

from phenotk.mapping.model import (
    DEFAULT_VOCABULARY,
    MappingError,
    TableMapping,
    ValueSpec,
    Vocabulary,
    check_mapping,
    load_mapping,
    mapping_schema,
    parse_mapping,
    presets,
)

__all__ = [
    "DEFAULT_VOCABULARY",
    "MappingError",
    "TableMapping",
    "ValueSpec",
    "Vocabulary",
    "check_mapping",
    "load_mapping",
    "mapping_schema",
    "parse_mapping",
    "presets",
]
