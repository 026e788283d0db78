"""Sheets in a legacy encoding of a non-Latin script are read in it, with a finding that names the guess.

Windows-1252, the fallback for text that is not UTF-8, reads any byte: a Russian sheet in Windows-1251 became
'Ïîë' for 'Пол' (ids and values invented without a word); Shift-JIS went through the mixed-encodings path.
Latin sheets in Windows-1252 read as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import phenotk
from phenotk.conversion.table.sheets import read_table

CASES = [
    ("cp1251", "ID,Пол,Судороги\nП-1,ж,да\nП-2,м,нет\n", "cp1251"),
    ("shift_jis", "患者ID,性別,けいれん\n患者1,女,あり\n患者2,男,なし\n", "cp932"),
    ("euc_kr", "환자,성별,발작\n환자1,여,예\n환자2,남,아니오\n", "euc_kr"),
    ("gbk", "病历号,性别,癫痫\n病人1,女,有\n病人2,男,无\n", "gb18030"),
]


@pytest.mark.parametrize(("encoding", "text", "codec"), CASES, ids=[c[0] for c in CASES])
def test_a_legacy_encoding_is_read_in_its_script(tmp_path: Path, encoding: str, text: str, codec: str) -> None:
    (tmp_path / "s.csv").write_bytes(text.encode(encoding))
    sheet = read_table(tmp_path / "s.csv")
    lines = text.splitlines()
    assert sheet.header == lines[0].split(",") and sheet.encoding == codec
    assert [rec[sheet.header[0]] for _n, rec in sheet.records()] == [ln.split(",")[0] for ln in lines[1:]]
    header = lines[0].split(",")[0]
    (tmp_path / "m.yaml").write_text(f"phenotk_mapping: 1\nsubject: {{id: \"{header}\"}}\n", encoding="utf-8")
    conv = phenotk.convert(tmp_path / "s.csv", mapping=tmp_path / "m.yaml", hpo=False, validate=False)
    assert [p.subject.id for p in conv.messages()] == [ln.split(",")[0] for ln in lines[1:]]
    said = [i.message for i in conv.report.issues if "judged from its letters" in i.message]
    assert len(said) == 1 and f"read as {codec}" in said[0]


@pytest.mark.parametrize("text", [
    "ID,Geschlecht,Krampfanfälle,Größe\nP1,weiblich,ja,groß\nP2,männlich,nein,klein\n",
    "ID,Sexe,Crises,Prénom\nP1,F,oui,Zoé\nP2,M,non,Gaëtan\n",
    "ID,Sexo,Convulsiones\nP1,mujer,sí\nP2,hombre,no\n",
])
def test_latin_sheets_in_windows_1252_read_as_before(tmp_path: Path, text: str) -> None:
    (tmp_path / "s.csv").write_bytes(text.encode("cp1252"))
    sheet = read_table(tmp_path / "s.csv")
    assert sheet.encoding == "cp1252" and sheet.header == text.splitlines()[0].split(",")
