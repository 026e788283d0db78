"""A disease cell that names several ids (``OMIM:100100|OMIM:200200``) gives one disease per id.

Before, the first id became the disease and the rest its label (``|OMIM:200200``): the second disease was lost
without a finding, and a CURIE was shown as a disease name.
"""

from __future__ import annotations

from pathlib import Path

import phenotk

MAPPING = """phenotk_mapping: 1
name: d
subject: {id: ID}
diseases: {id: Diagnosis, label: Name, onset: Onset}
"""


def _diseases(tmp_path: Path, sheet: str) -> tuple[dict[str, list[tuple[str, str, str]]], list[str]]:
    (tmp_path / "s.csv").write_text(sheet, encoding="utf-8")
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    conv = phenotk.convert(tmp_path / "s.csv", mapping=tmp_path / "m.yaml", hpo=False, validate=False)
    got = {p.subject.id: [(d.term.id, d.term.label, d.onset.age.iso8601duration) for d in p.diseases]
           for p in conv.messages()}
    return got, [f"{i.rule}: {i.message}" for i in conv.report.issues if i.rule.startswith("map-")]


def test_each_id_of_a_cell_is_a_disease(tmp_path: Path) -> None:
    sheet = (
        "ID,Diagnosis,Name,Onset\n"
        "P1,OMIM:100100|OMIM:200200,Alpha|Beta,3y\n"
        'P2,"MIM #607208; ORPHA:558",,\n'
        "P3,NCIT:C123 / NCIT:C456,One,\n"
        "P4,DEE14 (OMIM 614959),,\n"
    )
    got, issues = _diseases(tmp_path, sheet)
    assert got["P1"] == [("OMIM:100100", "Alpha", "P3Y"), ("OMIM:200200", "Beta", "P3Y")]
    assert [d[0] for d in got["P2"]] == ["OMIM:607208", "ORPHA:558"]
    assert [d[:2] for d in got["P3"]] == [("NCIT:C123", ""), ("NCIT:C456", "")]  # 'One' is no label of two ids
    assert got["P4"] == [("OMIM:614959", "DEE14", "")]  # one id with its text: as before
    assert any("does not part into one label for each of the 2 disease ids" in m for m in issues)
    assert not [d for ds in got.values() for d in ds if ":" in d[1]]  # no CURIE shown as a name
