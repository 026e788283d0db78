"""A document protobuf cannot take is refused with the value, its JSON pointer and what is wrong (not protobuf's chain).

The common case from hospital data and other tools' exports: a date where the schema wants a timestamp
(``"dateOfBirth": "1985-07-14"``). ``phenotk convert`` used to print protobuf's ``Failed to parse subject field:
Failed to parse dateOfBirth field: time data '1985-07' does not match format …`` (the value cut short).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from phenotk.io import Element
from phenotk.io.document import Document
from phenotk.io.parse_errors import explain
from phenotk.io.sniff import Format


def _error(data: dict[str, Any]) -> str | None:
    return Document(path="a.json", format=Format.JSON, element=Element.PHENOPACKET, data=data).parse_error


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"id": "x", "subject": {"id": "P1", "dateOfBirth": "1985-07-14"}},
            "'1985-07-14' at /subject/dateOfBirth is not an RFC 3339 timestamp "
            "(YYYY-MM-DDThh:mm:ssZ, e.g. '1985-07-14T00:00:00Z')",
        ),
        (
            {"id": "x", "subject": {"id": "P1", "date_of_birth": "1985-07-14"}},  # snake_case as written
            "'1985-07-14' at /subject/date_of_birth is not an RFC 3339 timestamp "
            "(YYYY-MM-DDThh:mm:ssZ, e.g. '1985-07-14T00:00:00Z')",
        ),
        (
            {
                "id": "x",
                "phenotypicFeatures": [
                    {"type": {"id": "HP:1"}},
                    {"type": {"id": "HP:2"}, "onset": {"timestamp": "2020"}},
                ],
            },
            "'2020' at /phenotypicFeatures/1/onset/timestamp is not an RFC 3339 timestamp (YYYY-MM-DDThh:mm:ssZ)",
        ),
        (
            {"id": "x", "metaData": {"resources": [{"id": 5}]}},
            "5 at /metaData/resources/0/id is not a string",
        ),
    ],
)
def test_value_pointer_and_reason(data: dict[str, Any], expected: str) -> None:
    assert _error(data) == expected


def test_an_item_that_cannot_be_told_is_not_guessed() -> None:
    """Two features with an onset and no index in protobuf's message: the field path, never one item's value."""
    msg = "Failed to parse phenotypicFeatures field: Failed to parse onset field: bad value."
    data = {"phenotypicFeatures": [{"onset": {"age": "P1Y"}}, {"onset": {"age": "x"}}]}
    assert explain(msg, data) == "phenotypicFeatures.onset: bad value"
    one = {"phenotypicFeatures": [{"type": {}}, {"onset": {"age": "x"}}]}
    assert explain(msg, one) == "{'age': 'x'} at /phenotypicFeatures/1/onset cannot be read: bad value"


def test_other_messages_pass_through() -> None:
    assert explain('Message type "x" has no field named "y".', {}) == 'Message type "x" has no field named "y".'


def test_convert_names_the_value(tmp_path: Path) -> None:
    src = tmp_path / "dob.json"
    src.write_text(json.dumps({"id": "x1", "subject": {"id": "P1", "dateOfBirth": "1985-07-14"}}), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "phenotk", "convert", str(src), "-o", str(tmp_path / "out.yaml")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "'1985-07-14' at /subject/dateOfBirth is not an RFC 3339 timestamp" in done.stderr
    assert "Traceback" not in done.stderr and "time data" not in done.stderr


def test_yaml_infinity_where_an_integer_belongs_is_an_input_error(tmp_path: Path) -> None:
    """``.inf`` (YAML's infinity) in an enum or integer field: one input error, exit 2 — not an internal error."""
    src = tmp_path / "fam.yaml"
    src.write_text("id: fam1\nproband: {id: p1, subject: {id: s1}}\npedigree:\n  persons:\n"
                   "    - {familyId: fam1, individualId: s1, affectedStatus: .inf}\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "phenotk", "convert", str(src), "-o", str(tmp_path / "out.json")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "infinity" in done.stderr and "internal error" not in done.stderr and "Traceback" not in done.stderr


def test_a_yaml_file_with_a_windows_1252_byte_is_text_not_protobuf(tmp_path: Path) -> None:
    """A ``.yaml`` with one cp1252 byte (an apostrophe from Word) names the byte's line:column, not 'binary data'."""
    src = tmp_path / "p.yaml"
    src.write_bytes(b'id: p1\nsubject: {id: s1}\nphenotypicFeatures: [{type: {id: "HP:0001250", label: "It\x92s"}}]\n')
    done = subprocess.run([sys.executable, "-m", "phenotk", "validate", str(src), "--no-hpo", "-q"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert f"{src}:3:" in done.stdout and "not UTF-8: byte 0x92" in done.stdout and "binary" not in done.stdout
