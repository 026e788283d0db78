"""``convert-default-stated``: a REQUIRED false/0 that the input never gave is written, and said so."""

from __future__ import annotations

import json
from pathlib import Path

import phenotk

PED = "FAM1\tP1\tF1\tM1\t1\t2\nFAM1\tF1\t0\t0\t1\t1\nFAM1\tM1\t0\t0\t2\t1\n"


def test_ped_family_gets_consanguinity_written_and_reported(tmp_path: Path) -> None:
    ped = tmp_path / "f.ped"
    ped.write_text(PED, encoding="utf-8")
    conv = phenotk.convert(ped, hpo=False)
    out = tmp_path / "out"
    conv.write(f"{out}/")
    family = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
    assert family["consanguinousParents"] is False  # stated for the reference validator …
    found = [i for i in conv.report.issues if i.rule == "convert-default-stated"]
    assert [(i.pointer, i.severity.value) for i in found] == [("/consanguinousParents", "info")]  # … and reported
    assert "consanguinousParents written as false" in found[0].message


def test_enum_defaults_are_not_reported(tmp_path: Path, store_files: list[Path]) -> None:
    # a store packet through FHIR and back: interpretation enums at UNKNOWN_* are "unknown", not a value
    bundle = phenotk.to_fhir(phenotk.read(store_files[0]))
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    conv = phenotk.convert(path, hpo=False)
    conv.write(f"{tmp_path / 'back'}/")
    assert not [i for i in conv.report.issues if i.rule == "convert-default-stated"]
