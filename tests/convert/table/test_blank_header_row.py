"""A header row that is blank (``--header-row 1`` over an empty first row): the next non-blank row heads the sheet.

It was read as an empty header: ``mapping init --header-row 1`` ended in an internal error (IndexError, exit 3).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl

from phenotk.conversion.table.sheets import read_table


def test_a_blank_header_row_is_passed_over(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([None, None])
    ws.append(["ID", "Sex"])
    ws.append(["P1", "F"])
    wb.save(tmp_path / "s.xlsx")
    (tmp_path / "s.csv").write_text(",,\nID,Sex,Seizure\nP1,F,yes\n", encoding="utf-8")
    for name in ("s.xlsx", "s.csv"):
        assert read_table(tmp_path / name, header_row=1).header[:2] == ["ID", "Sex"]
        run = subprocess.run([sys.executable, "-m", "phenotk", "mapping", "init", str(tmp_path / name), "-o",
                              str(tmp_path / f"{name}.yaml"), "--header-row", "1"], capture_output=True, text=True)
        assert run.returncode == 0 and "internal error" not in run.stderr, run.stderr
    (tmp_path / "blank.csv").write_text(",,\n,,\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "phenotk", "mapping", "init", str(tmp_path / "blank.csv"), "-o",
                          str(tmp_path / "b.yaml")], capture_output=True, text=True)
    assert run.returncode == 2 and "no header row" in run.stderr


def test_a_workbook_named_csv_is_read_as_the_workbook_it_is(tmp_path: Path) -> None:
    """openpyxl refused 'export.csv' (an XLSX) by its extension: 'does not support .csv file format'."""
    wb = openpyxl.Workbook()
    wb.active.append(["ID", "Sex"])
    wb.active.append(["P1", "F"])
    wb.save(tmp_path / "book.xlsx")
    (tmp_path / "export.csv").write_bytes((tmp_path / "book.xlsx").read_bytes())
    sheet = read_table(tmp_path / "export.csv")
    assert sheet.header == ["ID", "Sex"] and [rec["ID"] for _n, rec in sheet.records()] == ["P1"]
