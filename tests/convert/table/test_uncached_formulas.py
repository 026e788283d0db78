"""A formula cell saved without its value reads as empty: the sheet says so (map-bad-cell), once, with the cells.

openpyxl and other scripts write formulas without computed values; a spreadsheet program stores both. A cell
whose value was saved is read as that value and not reported.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl

from phenotk.conversion.table import read_sheet

MAPPING = {"phenotk_mapping": 1, "subject": {"id": "id", "sex": "sex"}, "phenotypes": {"wide": {"columns": "auto"}}}


def _workbook(tmp_path: Path, cache_c4: bool) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "sex", "HP:0001250"])
    ws.append(["P1", "male", "yes"])
    ws.append(["P2", "=B2", "=C2"])
    ws.append(["P3", "female", "=C2"])
    path = tmp_path / "formulas.xlsx"
    wb.save(path)
    if cache_c4:  # what a spreadsheet program writes: the formula and its value
        out = tmp_path / "cached.xlsx"
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":  # C4 = "=C2", saved value "yes" (a string result)
                    cell = rb'<c r="C4"[^>]*>(<f>[^<]*</f>)(?:<v\s*/>|<v></v>)?</c>'
                    data = re.sub(cell, rb'<c r="C4" t="str">\1<v>yes</v></c>', data)
                dst.writestr(item, data)
        return out
    return path


def test_uncached_formulas_are_named(tmp_path: Path) -> None:
    res = read_sheet(_workbook(tmp_path, cache_c4=False), MAPPING)
    [found] = [i for i in res.issues if i.context.get("reason") == "formula without a saved value"]
    assert found.rule == "map-bad-cell" and "3 cell(s)" in found.message and "(B3, C3, C4)" in found.message
    assert (found.context["row"], found.context["column"]) == (3, "B")
    p2 = next(p for p in res.packets if p.id == "P2")
    assert p2.subject.sex == 0 and not p2.phenotypic_features  # read as empty: hence the finding


def test_a_saved_value_is_read_and_not_reported(tmp_path: Path) -> None:
    res = read_sheet(_workbook(tmp_path, cache_c4=True), MAPPING)
    [found] = [i for i in res.issues if i.context.get("reason") == "formula without a saved value"]
    assert "2 cell(s)" in found.message and "C4" not in found.message
    p3 = next(p for p in res.packets if p.id == "P3")
    assert [f.type.id for f in p3.phenotypic_features] == ["HP:0001250"]
