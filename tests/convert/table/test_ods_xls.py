"""LibreOffice (.ods) and Excel 97-2003 (.xls) sheets are read through python-calamine like XLSX sheets."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
import xlwt
import yaml
from _ods import write_ods

from phenotk.conversion.table.api import read_sheet
from phenotk.conversion.table.sheets import calamine_kind, preview_table, read_table
from phenotk.conversion.table.starter import init_mapping
from phenotk.errors import InputError
from phenotk.mapping.model import parse_mapping

ROWS = [
    [("span", "Kohorte 2024 – vertraulich", 3)],
    ["Pat-Nr.", "Geschlecht", "Geburtsdatum", "Alter (Jahre)", "Seizure", "Hypotonia"],
    ["K1", "männlich", ("date", "2015-03-02"), 6, "ja", "nein"],
    ["K2", "weiblich", None, 12.5, "no", "mild"],
    [None, None, None, None, None, None],
    ["K3", "F", ("date", "2019-11-20"), 3, "yes", None],
]


@pytest.fixture
def ods(tmp_path: Path) -> Path:
    return write_ods(tmp_path / "kohorte.ods", {"Info": [["nothing here"]], "Patienten": ROWS})


def test_cells_rows_and_sheets_as_in_a_spreadsheet(ods: Path) -> None:
    assert calamine_kind(ods) == "ODS"
    sheet = read_table(ods, sheet="Patienten", header_row=2)
    assert sheet.header == ["Pat-Nr.", "Geschlecht", "Geburtsdatum", "Alter (Jahre)", "Seizure", "Hypotonia"]
    rows = list(sheet.records())
    texts = [[rec[h] for h in sheet.header] for _n, rec in rows]
    assert texts == [["K1", "männlich", "2015-03-02", "6", "ja", "nein"], ["K2", "weiblich", "", "12.5", "no", "mild"],
                     ["K3", "F", "2019-11-20", "3", "yes", ""]]
    assert [n for n, _ in rows] == [3, 4, 6]  # spreadsheet row numbers, the blank row skipped
    previews = preview_table(ods)
    assert [(p.name, p.index, p.sheet_count, p.workbook) for p in previews] == [("Info", 1, 2, True),
                                                                                  ("Patienten", 2, 2, True)]


def test_mapping_init_and_convert_an_ods_sheet(ods: Path, tmp_path: Path, hpo_stub) -> None:
    start = init_mapping(ods, ontology=hpo_stub)
    data = yaml.safe_load(start.text)
    assert data["input"] == {"rows": "one", "sheet": "Patienten", "header_row": 2}
    res = read_sheet(ods, parse_mapping(start.text), ontology=hpo_stub)
    # sex: FEMALE = 1, MALE = 2
    got = {p.id: (p.subject.sex, p.subject.time_at_last_encounter.age.iso8601duration,
                  [(f.type.id, f.excluded, f.severity.id) for f in p.phenotypic_features]) for p in res.packets}
    assert got == {
        "K1": (2, "P6Y", [("HP:0001250", False, ""), ("HP:0001252", True, "")]),
        "K2": (1, "P12Y6M", [("HP:0001250", True, ""), ("HP:0001252", False, "HP:0012825")]),
        "K3": (1, "P3Y", [("HP:0001250", False, "")]),
    }


def test_command_line_reads_ods_and_refuses_a_damaged_workbook(ods: Path, tmp_path: Path, hpo_stub) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(init_mapping(ods, ontology=hpo_stub).text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    done = subprocess.run([sys.executable, "-m", "phenotk", "convert", str(ods), "-m", str(mapping), "-o", str(out),
                           "--no-hpo", "-q"], capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr
    assert [orjson.loads(line)["id"] for line in out.read_text().splitlines()] == ["K1", "K2", "K3"]
    broken = tmp_path / "broken.xls"
    broken.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)  # an OLE2 header and nothing inside
    done = subprocess.run([sys.executable, "-m", "phenotk", "convert", str(broken), "-m", str(mapping), "-o",
                           str(tmp_path / "b.jsonl"), "--no-hpo"], capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[0].startswith(f"{broken}: cannot open XLS:")


def test_damaged_ods_is_a_located_input_error(tmp_path: Path) -> None:
    bad = write_ods(tmp_path / "bad.ods", {"S": [["a"]]})
    data = bad.read_bytes().replace(b"content.xml", b"contentXxml")  # the sheet part is missing
    bad.write_bytes(data)
    with pytest.raises(InputError) as err:
        read_table(bad)
    assert err.value.path == str(bad) and "ODS" in str(err.value)


def test_xls_cells_merged_ranges_and_conversion(tmp_path: Path, hpo_stub) -> None:
    """An Excel 97-2003 workbook: a merged banner above the header, a sex cell merged over two rows (filled in
    both, as for XLSX), dates and numbers as text, a second sheet chosen by mapping init."""
    book = xlwt.Workbook()
    book.add_sheet("Notes").write(0, 0, "nothing here")
    ws = book.add_sheet("Patienten")
    ws.write_merge(0, 0, 0, 2, "Kohorte 2024")
    for j, h in enumerate(["Pat-Nr.", "Geschlecht", "Geburtsdatum", "Alter (Jahre)", "Seizure"]):
        ws.write(1, j, h)
    date = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for i, (pid, born, age, sz) in enumerate([("K1", dt.date(2015, 3, 2), 6, "ja"), ("K2", None, 12.5, "nein")]):
        ws.write(2 + i, 0, pid)
        if born:
            ws.write(2 + i, 2, born, date)
        ws.write(2 + i, 3, age)
        ws.write(2 + i, 4, sz)
    ws.write_merge(2, 3, 1, 1, "weiblich")  # one sex cell for both rows
    path = tmp_path / "kohorte.xls"
    book.save(str(path))
    assert calamine_kind(path) == "XLS"
    sheet = read_table(path, sheet="Patienten", header_row=2)
    assert [[rec[h] for h in sheet.header] for _n, rec in sheet.records()] == [
        ["K1", "weiblich", "2015-03-02", "6", "ja"], ["K2", "weiblich", "", "12.5", "nein"]]
    start = init_mapping(path, ontology=hpo_stub)
    assert yaml.safe_load(start.text)["input"] == {"rows": "one", "sheet": "Patienten", "header_row": 2}
    res = read_sheet(path, parse_mapping(start.text), ontology=hpo_stub)
    assert [(p.id, p.subject.sex, [(f.type.id, f.excluded) for f in p.phenotypic_features]) for p in res.packets] == [
        ("K1", 1, [("HP:0001250", False)]), ("K2", 1, [("HP:0001250", True)])]


def _hostile_xls(path: Path) -> Path:
    """An .xls with one byte changed (found by fuzzing) that makes calamine ask for ~238 GB: Rust then aborts
    the process it runs in."""
    book = xlwt.Workbook()
    ws = book.add_sheet("Patienten")
    ws.write_merge(0, 0, 0, 2, "Kohorte 2024")
    for j, h in enumerate(["ID", "Sex", "DOB", "Age", "Seizure"]):
        ws.write(1, j, h)
    for j, v in enumerate(["A1", "M"]):
        ws.write(2, j, v)
    ws.write(2, 2, dt.date(2015, 3, 2), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    ws.write(2, 3, 5)
    ws.write(2, 4, "ja")
    book.save(str(path))
    data = bytearray(path.read_bytes())
    data[1681] = 185
    path.write_bytes(bytes(data))
    return path


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the reader runs in a forked child on Linux only")
def test_a_workbook_that_crashes_the_reader_is_one_input_error(tmp_path: Path, hpo_stub) -> None:
    """The crash stays in the reader's child process: the run goes on with the other sheets, prints one line for
    the hostile file and no Rust panic or backtrace."""
    bad = _hostile_xls(tmp_path / "hostile.xls")
    with pytest.raises(InputError, match=r"reader failed on this file \(signal 6"):
        read_table(bad)
    good = tmp_path / "good.csv"
    good.write_text("ID,Seizure\nA1,yes\n", encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("phenotk_mapping: 1\nsubject: {id: ID}\nphenotypes: {wide: {columns: auto}}\n", encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "phenotk", "convert", str(bad), str(good), "-m", str(mapping), "-o",
                           f"{out}/", "--no-hpo", "-q"], capture_output=True, text=True, check=False,
                          env={**os.environ, "RUST_BACKTRACE": "1"})
    assert done.returncode == 2
    assert next(line for line in done.stderr.splitlines() if str(bad) in line).startswith(f"{bad}: cannot")
    assert "panicked" not in done.stderr and "backtrace" not in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["A1.json"]


def test_xlsx_with_a_corrupt_deflate_stream_is_an_input_error(tmp_path: Path) -> None:
    """zlib.error (not an OSError or ValueError) from a damaged member used to escape as an internal error."""
    import zipfile

    import openpyxl

    path = tmp_path / "broken.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["id", "Seizure"])
    wb.active.append(["p1", "yes"])
    wb.save(path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/_rels/workbook.xml.rels")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for k in range(start + 2, start + min(info.compress_size, 40)):
        data[k] ^= 0x5A  # the deflate stream is garbage; the zip directory is intact
    path.write_bytes(bytes(data))
    for read in (read_table, preview_table):
        with pytest.raises(InputError) as err:
            read(path)
        assert err.value.path == str(path)


def _hidden_first_workbook(tmp_path: Path, kind: str) -> Path:
    """A workbook whose first sheet (old patients) is hidden and whose second holds the cohort."""
    old = [["ID", "Sex"], ["X1", "F"]]
    cohort = [["ID", "Sex"], ["P1", "M"], ["P2", "F"]]
    if kind == "ods":
        return write_ods(tmp_path / "h.ods", {"Old": old, "Patients": cohort}, hidden=frozenset({"Old"}))
    book = xlwt.Workbook()
    for name, rows in (("Old", old), ("Patients", cohort)):
        ws = book.add_sheet(name)
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                ws.write(i, j, v)
    book.get_sheet(0).visibility = 1  # Format > Sheet > Hide
    book.save(str(tmp_path / "h.xls"))
    return tmp_path / "h.xls"


@pytest.mark.parametrize("kind", ["ods", "xls"])
def test_a_hidden_first_sheet_is_passed_over_with_a_word(tmp_path: Path, kind: str) -> None:
    """As for XLSX: the first sheet the workbook shows is read, and the hidden one is named; naming it reads it."""
    path = _hidden_first_workbook(tmp_path, kind)
    sheet = read_table(path)
    assert sheet.name == "Patients" and [rec["ID"] for _n, rec in sheet.records()] == ["P1", "P2"]
    assert sheet.sheet_note and "first sheet 'Old' is hidden: read 'Patients'" in sheet.sheet_note
    named = read_table(path, sheet="Old")
    assert [rec["ID"] for _n, rec in named.records()] == ["X1"] and "sheet 'Old' is hidden" in (named.sheet_note or "")
    previews = preview_table(path)
    assert [(p.name, p.hidden) for p in previews] == [("Old", True), ("Patients", False)]
    assert yaml.safe_load(init_mapping(path).text)["input"]["sheet"] == "Patients"
