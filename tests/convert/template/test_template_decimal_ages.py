"""Decimal ages in curation templates follow the shared rule: carried down only while whole, else cut + finding.

``7.5 months`` in a template's ``ageOfOnset`` used to become ``P7M15D`` (fifteen days nobody wrote: a month has
no fixed number of days), because the template readers called the shared age parser that the sheet reader had
already stopped trusting. The rule now lives in :mod:`phenotk.mapping.timeparse`, so the cohort JSON and the Excel
template give ``P7M`` with one ``map-not-carried`` finding naming the cell; ``1.5 years`` stays ``P1Y6M`` silently.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import openpyxl
from google.protobuf.json_format import MessageToDict

from phenotk.conversion.base import ConvertOptions
from phenotk.conversion.template.cohort_json import cohort_to_packets
from phenotk.conversion.template.xlsx import PyphetoolsXlsxReader
from phenotk.conversion.template.xlsx_writer import PyphetoolsXlsxWriter

TABLE = "STK11/STK11_PJS_individuals.json"
OPTIONS = ConvertOptions(created="2025-01-01T00:00:00Z")


def _ages(items: list[Any]) -> tuple[list[Any], list[tuple[str, Any]]]:
    packets = [MessageToDict(i.message) for i in items if i.message is not None]
    issues = [(i.rule, i.context.get("value")) for item in items for i in item.issues]
    return [p["subject"].get("timeAtLastEncounter") for p in packets], issues


def _tree(templates_dir: Path, first: str, second: str) -> Any:
    tree = copy.deepcopy(json.loads((templates_dir / TABLE).read_bytes()))
    tree["rows"] = [tree["rows"][0], copy.deepcopy(tree["rows"][0])]
    tree["rows"][0]["individualData"]["ageAtLastEncounter"] = first
    tree["rows"][1]["individualData"]["ageAtLastEncounter"] = second
    tree["rows"][1]["individualData"]["individualId"] = "Case 2"
    return tree


def test_cohort_json_cuts_a_decimal_month_with_a_finding(templates_dir: Path) -> None:
    items = list(cohort_to_packets(_tree(templates_dir, "7.5 months", "1.5 years"), "c.json", OPTIONS))
    ages, issues = _ages(items)
    assert ages == [{"age": {"iso8601duration": "P7M"}}, {"age": {"iso8601duration": "P1Y6M"}}]
    cut = [i for i in issues if i[0] == "map-not-carried" and i[1] == "7.5 months"]
    assert len(cut) == 1
    message = next(i.message for item in items for i in item.issues if i.context.get("value") == "7.5 months")
    assert "0.5 month not carried" in message and "ageAtLastEncounter" in message


def test_excel_template_cuts_a_decimal_month_with_a_finding(templates_dir: Path, tmp_path: Path) -> None:
    packets = [i.message for i in cohort_to_packets(_tree(templates_dir, "P7M", "P1Y6M"), "c.json", OPTIONS)
               if i.message is not None]
    out = tmp_path / "cohort_individuals.xlsx"
    PyphetoolsXlsxWriter().write(packets, out, OPTIONS)
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    header = [c.value for c in ws[1]]
    col = header.index("age_at_last_encounter") + 1
    cells = [r for r in range(3, ws.max_row + 1) if ws.cell(r, col).value == "P7M"]
    assert cells
    ws.cell(cells[0], col).value = "7,5 Monate"
    wb.save(out)
    ages, issues = _ages(list(PyphetoolsXlsxReader().read(out, OPTIONS)))
    assert {"age": {"iso8601duration": "P7M"}} in ages and {"age": {"iso8601duration": "P7M15D"}} not in ages
    assert [i for i in issues if i[0] == "map-not-carried" and i[1] == "7,5 Monate"]
