"""A text table whose header is one cell short: R's ``write.table`` writes row names without a header cell.

Read as it stands, every value lands under the next column's name: the packets got the row numbers as ids and
lost sex and phenotypes (reported only cell by cell). Row numbers 1, 2, 3 … in front are now read as such; any
other extra first column is named as a possible shift.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import phenotk
from phenotk.conversion.table.sheets import read_table

MAPPING = """phenotk_mapping: 1
name: r
subject: {id: ID, sex: Sex}
phenotypes: {wide: {terms: {Seizure: "HP:0001250"}}}
"""


def _convert(tmp_path: Path, text: str) -> tuple[dict[str, Any], list[Any]]:
    (tmp_path / "s.csv").write_text(text, encoding="utf-8")
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    conv = phenotk.convert(tmp_path / "s.csv", mapping=tmp_path / "m.yaml", hpo=False, validate=False)
    got = {p.id: (p.subject.sex, [(f.type.id, f.excluded) for f in p.phenotypic_features]) for p in conv.messages()}
    notes = [i for i in conv.report.issues if i.rule == "map-bad-cell" and "header row has" in i.message]
    return got, notes


def test_r_row_numbers_are_read_as_row_names(tmp_path: Path) -> None:
    got, notes = _convert(tmp_path, '"ID","Sex","Seizure"\n"1","P1","F","yes"\n"2","P2","M","no"\n')
    assert got == {"P1": (1, [("HP:0001250", False)]), "P2": (2, [("HP:0001250", True)])}
    assert len(notes) == 1 and "row number 1, 2, 3" in notes[0].message
    sheet = read_table(tmp_path / "s.csv")
    assert sheet.header == ["row number", "ID", "Sex", "Seizure"]


def test_another_extra_first_column_is_named_as_a_possible_shift(tmp_path: Path) -> None:
    got, notes = _convert(tmp_path, "ID,Sex,Seizure\na,P1,F,yes\nb,P2,M,no\n")
    assert set(got) == {"a", "b"}  # read as the header says: nothing invented on a guess
    assert len(notes) == 1 and "if the first column is row names without a header cell" in notes[0].message


def test_other_shapes_get_no_such_note(tmp_path: Path) -> None:
    trailing = "ID,Sex,Seizure\nP1,F,yes,\nP2,M,no,\n"  # a delimiter after every data row: nothing there
    got, notes = _convert(tmp_path, trailing)
    assert got == {"P1": (1, [("HP:0001250", False)]), "P2": (2, [("HP:0001250", True)])} and not notes
    padded = "ID,Sex,Seizure,\n1,P1,F,yes\n2,P2,M,no\n"  # the header has a fourth (empty) cell: no shift
    assert not _convert(tmp_path, padded)[1]
    one_row = '"ID","Sex","Seizure"\n"1","P1","F","yes"\n'  # one row says too little
    assert not _convert(tmp_path, one_row)[1]
    ragged = "ID,Sex,Seizure\n1,P1,F,yes\n2,P2,M\n"
    assert not _convert(tmp_path, ragged)[1]
