"""Protobuf binary with field numbers this schema does not know: validate warns, JSON/YAML conversion says so."""

from __future__ import annotations

import json
from pathlib import Path

import phenotk
from phenotk.cli.app import main

#: field 255 (varint 5) after a store packet: what a newer Phenopacket schema's field looks like to this one
EXTRA = bytes([0xF8, 0x0F, 0x05])


def _pb(tmp_path: Path, store_files: list[Path]) -> Path:
    pb = tmp_path / "newer.pb"
    pb.write_bytes(phenotk.read(store_files[0]).SerializeToString() + EXTRA)
    return pb


def test_validate_names_the_unknown_field_numbers(tmp_path: Path, store_files: list[Path]) -> None:
    report = phenotk.validate(_pb(tmp_path, store_files), hpo=False)
    found = [i for i in report.issues if i.rule == "schema-unknown-field"]
    assert [(i.severity.value, i.pointer) for i in found] == [("warning", "")]
    assert "field 255" in found[0].message
    clean = tmp_path / "clean.pb"
    clean.write_bytes(phenotk.read(store_files[0]).SerializeToString())
    assert not [i for i in phenotk.validate(clean, hpo=False).issues if i.rule == "schema-unknown-field"]


def test_conversion_to_json_reports_them_and_pb_output_keeps_them(
    tmp_path: Path, store_files: list[Path], capsys: object
) -> None:
    pb = _pb(tmp_path, store_files)
    conv = phenotk.convert(pb, hpo=False, validate=False)
    conv.write(str(tmp_path / "out.json"))
    lost = [i for i in conv.report.issues if i.rule == "convert-not-carried"]
    assert len(lost) == 1 and "field 255" in lost[0].message
    written = phenotk.read(json.loads((tmp_path / "out.json").read_text(encoding="utf-8")))
    assert written == phenotk.read(store_files[0])  # the known fields, all of them
    conv = phenotk.convert(pb, hpo=False, validate=False)
    conv.write(str(tmp_path / "out.pb"))
    assert not [i for i in conv.report.issues if i.rule == "convert-not-carried"]
    assert (tmp_path / "out.pb").read_bytes().endswith(EXTRA)  # protobuf wrote it back


def test_cli_exit_code_is_that_of_a_warning(tmp_path: Path, store_files: list[Path]) -> None:
    import pytest

    with pytest.raises(SystemExit) as exc:
        main(["validate", str(_pb(tmp_path, store_files)), "--no-hpo", "-q", "--select", "schema", "-o",
              str(tmp_path / "r.txt")])  # fmt: skip
    assert exc.value.code == 0  # a warning: below the default --fail-on error
    assert "field 255" in (tmp_path / "r.txt").read_text(encoding="utf-8")
