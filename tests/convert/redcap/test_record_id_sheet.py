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


def test_checkbox_options_are_known_by_name_without_a_dictionary(fixtures_dir: Path, tmp_path: Path) -> None:
    src = fixtures_dir / "redcap"
    mapping = tmp_path / "m.yaml"
    text = (src / "mini_mapping.yaml").read_text(encoding="utf-8")
    mapping.write_text("\n".join(ln for ln in text.splitlines() if "dictionary:" not in ln) + "\n", encoding="utf-8")
    with_dict = phenotk.convert(src / "mini_export.csv", mapping=src / "mini_mapping.yaml", hpo=False, validate=False)
    without = phenotk.convert(src / "mini_export.csv", mapping=mapping, hpo=False, validate=False)

    boxes = {"HP:0001252", "HP:0001251", "HP:0000252"}  # symptoms___1/2/3 in the mapping

    def excluded(conv: phenotk.Conversion) -> set[tuple[str, str]]:
        return {(m.id, f.type.id) for m in conv.messages() for f in m.phenotypic_features
                if f.excluded and f.type.id in boxes}  # fmt: skip

    # an unticked box is 'not recorded' with or without the dictionary (without it, 0 was read as 'excluded')
    assert excluded(without) == excluded(with_dict) == set()
    assert any("read as checkbox options by REDCap's naming" in i.message for i in without.report.issues)
