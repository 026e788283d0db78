"""``phenotk fix`` on protobuf binary never drops fields its schema does not know.

A ``.pb`` is always re-serialised (no text to splice), from the fixed JSON tree: fields of a newer schema (unknown
field numbers, kept by protobuf's parser) were silently lost when any fix applied. Now a protobuf file with unknown
fields gets no fix, the output says why, and the file is left as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format
from phenopackets import Phenopacket

from phenotk.cli.app import main

UNKNOWN = b"\xfa\x06\x05hello"  # field 111, length-delimited: what a newer schema could add


def _packet(label: str = "seizure") -> Any:
    tree = {
        "id": "p1",
        "subject": {"id": "s1", "sex": "FEMALE"},
        "phenotypicFeatures": [{"type": {"id": "HP:0001250", "label": label}}],
        "metaData": {
            "created": "2024-01-01T00:00:00Z",
            "createdBy": "test",
            "phenopacketSchemaVersion": "2.0",
            "resources": [
                {
                    "id": "hp",
                    "name": "human phenotype ontology",
                    "url": "http://purl.obolibrary.org/obo/hp.owl",
                    "version": "2024-01-01",
                    "namespacePrefix": "HP",
                    "iriPrefix": "http://purl.obolibrary.org/obo/HP_",
                }
            ],
        },
    }
    return json_format.ParseDict(tree, Phenopacket())


def _fix(capsys: pytest.CaptureFixture[str], hp: Path, path: Path) -> str:
    with pytest.raises(SystemExit):
        main(["fix", "--hpo", str(hp), "-i", str(path)])
    return capsys.readouterr().err


def _nested() -> bytes:
    msg = _packet()
    msg.subject.MergeFromString(UNKNOWN)  # an unknown field inside the subject
    return msg.SerializeToString()


@pytest.mark.parametrize(
    ("raw", "named"),
    [(lambda: _packet().SerializeToString() + UNKNOWN, "field 111"), (_nested, "fields of nested messages")],
    ids=["top-level", "nested"],
)
def test_unknown_fields_are_not_dropped_by_a_fix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, hp_json: tuple[Path, Any], raw: Any, named: str
) -> None:
    data = raw()
    p = tmp_path / "case.pb"
    p.write_bytes(data)
    err = _fix(capsys, hp_json[0], p)
    assert p.read_bytes() == data, "the file was rewritten without its unknown field"
    assert f"the protobuf file holds fields this schema does not know ({named})" in err, err


def test_a_pb_without_unknown_fields_is_still_fixed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, hp_json: tuple[Path, Any]
) -> None:
    p = tmp_path / "case.pb"
    p.write_bytes(_packet().SerializeToString())
    _fix(capsys, hp_json[0], p)
    fixed = Phenopacket.FromString(p.read_bytes())
    assert fixed.phenotypic_features[0].type.label == "Seizure"
