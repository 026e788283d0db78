"""One row per visit: a feature excluded at one visit and observed at another is observed (with a finding)."""

from __future__ import annotations

from pathlib import Path

import phenotk

MAPPING_WIDE = """phenotk_mapping: 1
name: visits
input: {rows: many}
subject: {id: patient, age_at_last_encounter: {column: age, unit: years}}
phenotypes:
  wide:
    terms: {Seizure: "HP:0001250", Hypotonia: "HP:0001252"}
"""


def _convert(tmp_path: Path, sheet: str, mapping: str) -> phenotk.Conversion:
    (tmp_path / "s.csv").write_text(sheet, encoding="utf-8")
    (tmp_path / "m.yaml").write_text(mapping, encoding="utf-8")
    conv = phenotk.convert(tmp_path / "s.csv", mapping=tmp_path / "m.yaml", hpo=False, validate=False)
    conv.messages()
    return conv


def _status(conv: phenotk.Conversion) -> dict[str, dict[str, bool]]:
    return {p.id or p.subject.id: {f.type.id: f.excluded for f in p.phenotypic_features} for p in conv.messages()}


def test_wide_visits_observation_wins_in_either_order(tmp_path: Path) -> None:
    sheet = "patient,age,Seizure,Hypotonia\nP1,2,no,yes\nP1,4,yes,no\n"
    conv = _convert(tmp_path, sheet, MAPPING_WIDE)
    features = next(iter(_status(conv).values()))
    # Seizure excluded at 2 y, observed at 4 y: observed (it was kept excluded); Hypotonia observed then not: observed
    assert features == {"HP:0001250": False, "HP:0001252": False}
    found = sorted(i.message for i in conv.report.issues if i.rule == "map-conflicting-values" and "HP:" in i.message)
    assert len(found) == 2 and all("kept the observation" in m for m in found)


def test_two_columns_of_one_row_still_keep_the_first(tmp_path: Path) -> None:
    mapping = MAPPING_WIDE.replace('Hypotonia: "HP:0001252"', '"Seizure (2)": "HP:0001250"')
    conv = _convert(tmp_path, "patient,age,Seizure,Seizure (2)\nP1,2,no,yes\n", mapping)
    assert next(iter(_status(conv).values())) == {"HP:0001250": True}  # one row: a contradiction, not a visit
    found = [i.message for i in conv.report.issues if i.rule == "map-conflicting-values"]
    assert len(found) == 1 and "kept the first" in found[0]


def test_long_rows_observation_wins_too(tmp_path: Path) -> None:
    mapping = """phenotk_mapping: 1
name: visits-long
subject: {id: patient}
phenotypes:
  long: {term: term, status: status}
"""
    sheet = "patient,term,status\nP1,HP:0001250,excluded\nP1,HP:0001250,observed\nP1,HP:0001252,observed\n"
    conv = _convert(tmp_path, sheet, mapping)
    assert next(iter(_status(conv).values())) == {"HP:0001250": False, "HP:0001252": False}
    found = [i.message for i in conv.report.issues if i.rule == "map-conflicting-values"]
    assert len(found) == 1 and "kept the observation" in found[0]
