"""``phenotypes.wide.terms``: the label of a term mapped from a header is the HPO's, never the header's text.

Without an HPO (``--no-hpo``) the header ``Krampfanfälle`` mapped to HP:0001250 used to give the feature the label
``Krampfanfälle`` — a column name presented as the HPO label. Now the label is the one a ``label (HP:…)`` header
states for the same id, else empty (the validator reports the missing label); with an HPO loaded, an id the release
lacks is ``map-unknown-term`` and its cells are not read, as for a header naming such an id.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from google.protobuf.json_format import MessageToDict

import phenotk
from phenotk.conversion.table import read_sheet

CREATED = "2025-01-01T00:00:00Z"
CSV = "id,Krampfanfälle,Seizure (HP:0001250),Sz? (HP:0001252),Squint\nP1,ja,yes,no,yes\n"
TERMS = {"Krampfanfälle": "HP:0001250", "Seizure (HP:0001250)": "HP:0001250", "Sz? (HP:0001252)": "HP:0001252",
         "Squint": "HP:0000486"}


def _types(res: Any) -> list[dict[str, Any]]:
    return [MessageToDict(f.type) for f in res.packets[0].phenotypic_features]


def _mapping(columns: list[str], terms: dict[str, str] = TERMS) -> dict[str, Any]:
    return {"phenotk_mapping": 1, "subject": {"id": "id"},
            "phenotypes": {"wide": {"columns": columns, "terms": {c: terms[c] for c in columns}}}}


def test_without_hpo_the_header_is_not_the_label(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(CSV, encoding="utf-8")
    res = read_sheet(path, _mapping(["Krampfanfälle", "Squint"]), created=CREATED)
    assert _types(res) == [{"id": "HP:0001250"}, {"id": "HP:0000486"}]
    # a 'label (HP:…)' header states the label of its own id; another id's header states nothing about it
    res = read_sheet(path, _mapping(["Seizure (HP:0001250)", "Sz? (HP:0001252)"]), created=CREATED)
    assert _types(res) == [{"id": "HP:0001250", "label": "Seizure"}, {"id": "HP:0001252", "label": "Sz?"}]
    res = read_sheet(path, _mapping(["Seizure (HP:0001250)"], {"Seizure (HP:0001250)": "HP:0001252"}),
                     created=CREATED)
    assert _types(res) == [{"id": "HP:0001252"}]


def test_with_hpo_the_label_is_the_hpo_label(tmp_path: Path, hpo_stub: Any) -> None:
    path = tmp_path / "s.csv"
    path.write_text(CSV, encoding="utf-8")
    res = read_sheet(path, _mapping(["Krampfanfälle", "Squint"]), ontology=hpo_stub, created=CREATED)
    assert _types(res) == [{"id": "HP:0001250", "label": "Seizure"}, {"id": "HP:0000486", "label": "Strabismus"}]
    assert [i.rule for i in res.all_issues if i.rule != "map-unmapped-column"] == []


def test_with_hpo_an_unknown_id_in_terms_is_reported_not_read(tmp_path: Path, hpo_stub: Any) -> None:
    path = tmp_path / "s.csv"
    path.write_text(CSV, encoding="utf-8")
    res = read_sheet(path, _mapping(["Krampfanfälle", "Squint"], {"Krampfanfälle": "HP:9999999",
                                                                  "Squint": "HP:0000486"}),
                     ontology=hpo_stub, created=CREATED)
    assert _types(res) == [{"id": "HP:0000486", "label": "Strabismus"}]
    assert [(i.rule, i.context["column"], i.context["value"]) for i in res.all_issues
            if i.rule != "map-unmapped-column"] == [
        ("map-unknown-term", "Krampfanfälle", "HP:9999999")]


def test_an_id_header_without_hpo_is_not_said_to_be_missing_from_a_release(tmp_path: Path) -> None:
    sheet = tmp_path / "hdr.csv"
    sheet.write_text("id,HP:0000938 (HP:0000938)\nP1,yes\n", encoding="utf-8")
    mapping = tmp_path / "hdr.yaml"
    mapping.write_text("phenotk_mapping: 1\nname: h\nsubject: {id: id}\nphenotypes: {wide: {columns: auto}}\n",
                       encoding="utf-8")  # fmt: skip
    conv = phenotk.convert(sheet, mapping=mapping, hpo=False, validate=False)
    list(conv.messages())
    found = [i for i in conv.report.issues if i.rule == "map-unknown-term"]
    assert found and "no HPO is loaded" in found[0].message and "HPO  does" not in found[0].message
