"""The compiled JSON-tree parser gives exactly what json_format.ParseDict gives (or raises what it raises)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from google.protobuf import json_format
from phenopackets import Cohort, Family, Phenopacket

from phenotk.io.fastparse import parse_dict


def reference(data: dict, cls: type) -> object:
    return json_format.ParseDict(data, cls(), ignore_unknown_fields=True)


@pytest.mark.slow
def test_equal_to_json_format_on_every_corpus_document(store_files: list[Path], shared_data: Path) -> None:
    files = store_files + sorted((shared_data / "v2-examples").glob("*.json"))
    different = []
    for path in files:
        data = orjson.loads(path.read_bytes())
        cls = Family if "proband" in data else Phenopacket
        if parse_dict(data, cls) != reference(data, cls):
            different.append(path.name)
    assert not different


@pytest.mark.parametrize(
    "data",
    [
        {"id": "p", "subject": {"id": "s", "sex": "FEMALE", "dateOfBirth": "2001-02-03T04:05:06.5Z"}},
        {"id": "p", "subject": {"id": "s", "sex": 1}},  # enum by number
        {"id": "p", "measurements": [{"value": {"quantity": {"value": 3}}}]},  # int for a double
        {"id": "p", "phenotypic_features": [{"type": {"id": "HP:1"}, "excluded": True}]},  # snake_case
        {"id": "p", "metaData": {"created": "2020-01-01T00:00:00+02:00", "resources": None}},  # null
        {"id": "p", "files": [{"uri": "x", "individualToFileIdentifiers": {"a": "b"}}]},  # map → fallback
        {"id": "p", "unknownField": {"deep": [1, 2]}},  # unknown field ignored
        {"id": "p", "subject": {"sex": "FEMININE"}},  # unknown enum name: ignored like unknown fields
        {"id": "p", "biosamples": [{"id": "b", "timeOfCollection": {"age": {"iso8601duration": "P1Y"}}}]},
    ],
)
def test_edge_cases_equal(data: dict) -> None:
    assert parse_dict(data, Phenopacket) == reference(data, Phenopacket)


@pytest.mark.parametrize(
    "data",
    [
        {"id": "p", "metaData": {"created": "yesterday"}},  # bad timestamp
        {"id": "p", "subject": {"timeAtLastEncounter": {"age": {"iso8601duration": "P1Y"}, "gestationalAge": {}}}},
    ],
)
def test_rejects_what_json_format_rejects(data: dict) -> None:
    with pytest.raises(json_format.ParseError) as ref:
        reference(data, Phenopacket)
    with pytest.raises(json_format.ParseError) as got:
        parse_dict(data, Phenopacket)
    assert str(got.value) == str(ref.value)


def test_cohort_members() -> None:
    data = {"id": "c", "members": [{"id": "a", "subject": {"id": "x"}}, {"id": "b"}]}
    assert parse_dict(data, Cohort) == reference(data, Cohort)
