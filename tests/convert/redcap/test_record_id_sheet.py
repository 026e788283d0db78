"""A sheet whose id column is called record_id is a sheet, unless its mapping or its columns say REDCap."""

from __future__ import annotations

import json
from pathlib import Path

import phenotk


def _ids(conv: phenotk.Conversion) -> list[str]:
    return sorted(m.id for m in conv.messages())


def test_record_id_sheet_under_a_plain_mapping_is_read_as_the_sheet(fixtures_dir: Path) -> None:
    sheet = fixtures_dir / "messy_sheets" / "long_registry.csv"
    mapping = fixtures_dir / "messy_sheets" / "long_registry.mapping.yaml"
    truth = json.loads((fixtures_dir / "messy_sheets" / "long_registry.truth.json").read_text(encoding="utf-8"))
    auto = phenotk.convert(sheet, mapping=mapping, hpo=False, validate=False)
    forced = phenotk.convert(sheet, mapping=mapping, hpo=False, validate=False, from_="table")
    assert _ids(auto) == _ids(forced)  # the REDCap path made 49 packets of its 11 patients
    rows = sheet.read_text(encoding="utf-8").splitlines()[1:]
    patients = {r.split(",", 1)[0] for r in rows if r.split(",", 1)[0].strip()}
    assert len(_ids(auto)) == len(patients) and truth["file"] == sheet.name


def test_a_redcap_export_is_still_read_as_one(fixtures_dir: Path) -> None:
    conv = phenotk.convert(
        fixtures_dir / "redcap" / "mini_export.csv",
        mapping=fixtures_dir / "redcap" / "mini_mapping.yaml",
        hpo=False,
        validate=False,
        options={"dictionary": str(fixtures_dir / "redcap" / "mini_dictionary.csv")},
    )
    assert _ids(conv) and all(i.rule != "map-unmapped-column" for i in conv.report.issues)
