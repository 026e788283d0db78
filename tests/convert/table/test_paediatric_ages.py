"""Ages as paediatricians write them: ``2;6`` (years;months), ``2y6m``, ``2 J. 6 M.``.

``2;6`` was a bad cell in every age column though it is the usual paediatric notation for 2 years 6 months. It is
read where it is unambiguous (months 0–11); ``2;13`` (no such age) and ``2;6;1`` stay bad cells.
"""

from __future__ import annotations

from typing import Any

import pytest
from google.protobuf.json_format import MessageToDict

from phenotk.conversion.table import build_packets
from phenotk.conversion.table.sheets import Sheet
from phenotk.mapping import load_mapping
from phenotk.mapping.timeparse import parse_time

CREATED = "2025-01-01T00:00:00Z"


@pytest.mark.parametrize(
    ("text", "iso"),
    [("2;6", "P2Y6M"), ("2 ; 06", "P2Y6M"), ("0;11", "P11M"), ("10;0", "P10Y"), ("2y6m", "P2Y6M"),
     ("2 J. 6 M.", "P2Y6M"), ("2J6M", "P2Y6M"), ("2 a. 6 m.", "P2Y6M"), ("2;13", None), ("2;6;1", None),
     ("2;6 years", None)],
)
def test_years_semicolon_months(text: str, iso: str | None) -> None:
    parsed = parse_time(text)
    assert (parsed.iso if parsed is not None else None) == iso


def test_an_age_column_reads_them_and_reports_the_impossible(hpo_stub: Any) -> None:
    rows = [["P1", "2;6", "0;3"], ["P2", "2y6m", "2 J. 6 M."], ["P3", "2;13", ""]]
    sheet = Sheet("cases", ["id", "Age", "Onset"], rows, [2, 3, 4])
    mapping = {"phenotk_mapping": 1, "subject": {"id": "id", "age_at_last_encounter": "Age"},
               "diseases": {"id": {"const": "OMIM:607208"}, "label": {"const": "Dravet"}, "onset": "Onset"}}
    result = build_packets(sheet, load_mapping(mapping), ontology=hpo_stub, created=CREATED)
    packets = [MessageToDict(p) for p in result.packets]
    assert [p["subject"].get("timeAtLastEncounter") for p in packets] == [
        {"age": {"iso8601duration": "P2Y6M"}}, {"age": {"iso8601duration": "P2Y6M"}}, None]
    assert [p["diseases"][0].get("onset") for p in packets] == [
        {"age": {"iso8601duration": "P3M"}}, {"age": {"iso8601duration": "P2Y6M"}}, None]
    assert [(i.rule, i.context.get("row"), i.context.get("value")) for i in result.all_issues] == [
        ("map-bad-cell", 4, "2;13")]
