"""Shapes of pyphetools templates nobody on the team wrote (other genes' sheets, hand-edited hostile variants).

Each test builds a small synthetic workbook reproducing the shape that broke.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from phenotk.conversion.base import ConvertOptions
from phenotk.conversion.template.workbook import FIXED_HEADERS, TYPE_HINTS
from phenotk.conversion.template.xlsx import PyphetoolsXlsxReader
from phenotk.errors import InputError

HPO = [("Seizure", "HP:0001250"), ("Microcephaly", "HP:0000252")]


def _row(individual: str, hpo: list[Any]) -> list[Any]:
    cells = {"PMID": "PMID:123", "title": "A made-up report", "individual_id": individual,
             "disease_id": "OMIM:148600", "disease_label": "Keratoderma", "HGNC_id": "HGNC:25662",
             "gene_symbol": "AAGAB", "transcript": "NM_024666.5", "allele_1": "c.870+1G>A", "allele_2": "na",
             "age_of_onset": "P1Y", "age_at_last_encounter": "P5Y", "deceased": "no", "sex": "F"}
    return [cells.get(h) for h in FIXED_HEADERS] + ["na", *hpo]


def _workbook(rows: list[list[Any]], *, hints: bool = True) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append([*FIXED_HEADERS, "HPO", *(label for label, _ in HPO)])
    if hints:
        ws.append([*TYPE_HINTS, "na", *(i for _, i in HPO)])
    for r in rows:
        ws.append(r)
    return wb


def test_a_sheet_without_its_second_header_row_is_refused_naming_the_row(tmp_path: Path) -> None:
    # a template whose type-hint/HPO-id row was deleted: row 2 is an individual. It was read as the header row —
    # that individual silently lost, every HPO column unmapped — and the remaining rows became packets without
    # phenotypes
    path = tmp_path / "x.xlsx"
    _workbook([_row("P1", ["observed", "excluded"]), _row("P2", ["na", "observed"])], hints=False).save(path)
    with pytest.raises(InputError, match=r"sheet Sheet1 row 2 holds an individual \(cell A2 'PMID:123'\)") as exc:
        list(PyphetoolsXlsxReader().read(path, ConvertOptions()))
    assert exc.value.path == str(path)
    assert "\n" not in str(exc.value)
