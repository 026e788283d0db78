"""profile-requirement decides type/required/properties schemas without jsonschema: never a different verdict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from phenotk.validation.rules.profile.requirement import _plain_check
from phenotk.validation.userschema import validator_for

SCHEMA = "https://json-schema.org/draft/2020-12/schema"
PLAIN = [
    {"type": "object", "required": ["id", "metaData"]},
    {
        "$schema": SCHEMA,
        "required": ["subject"],
        "properties": {"subject": {"required": ["sex", "timeAtLastEncounter"]}},
    },
    {"type": "object", "properties": {"subject": {"type": "object", "required": ["vitalStatus"]}}},
    {"properties": {"id": {"type": ["object", "null"]}, "diseases": {"type": "array"}, "subject": True}},
    {"properties": {"metaData": {"properties": {"created": {"type": "boolean"}}}}},
]
#: a keyword outside type/required/properties anywhere: jsonschema decides
OTHER = [
    {"required": ["id"], "minProperties": 2},
    {"properties": {"phenotypicFeatures": {"minItems": 3}}},
    {"properties": {"id": {"type": "integer"}}},
    {"properties": {"id": False}},
    {"$ref": "#/$defs/x", "$defs": {"x": {}}},
]


@pytest.mark.parametrize("schema", OTHER)
def test_other_keywords_are_left_to_jsonschema(schema: dict[str, Any]) -> None:
    assert _plain_check(schema) is None


@pytest.mark.parametrize("schema", PLAIN)
def test_plain_verdict_matches_jsonschema_on_the_store(schema: dict[str, Any], store_files: list[Path]) -> None:
    plain = _plain_check(schema)
    assert plain is not None
    validator = validator_for(schema)
    verdicts = set()
    for f in store_files[::40]:
        doc = orjson.loads(f.read_bytes())
        values: tuple[Any, ...] = (doc, doc.get("subject"), doc.get("metaData"), [], "x", None)
        for value in values:
            valid = next(iter(validator.iter_errors(value)), None) is None
            assert plain(value) == valid, (f, schema)
            verdicts.add(valid)
    assert verdicts == {True, False}  # the sample exercises both outcomes
