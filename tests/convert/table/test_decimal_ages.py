"""Decimal ages: carried exactly when the fraction is whole in the next unit, else cut to completed units + finding.

``1.5 years`` is ``P1Y6M`` (exact). ``7.5 months`` used to become ``P7M15D`` — fifteen days nobody wrote (a month
has no fixed number of days); it is now ``P7M`` with a ``map-not-carried`` finding naming the cell and the cut
fraction, in every place an age is read: subject ages, disease and long-layout onsets, wide term cells.
"""

from __future__ import annotations

from typing import Any

import pytest
from google.protobuf.json_format import MessageToDict

from phenotk.conversion.table import build_packets
from phenotk.conversion.table.sheets import Sheet
from phenotk.conversion.table.values import exact_time
from phenotk.mapping import load_mapping

CREATED = "2025-01-01T00:00:00Z"


@pytest.mark.parametrize(
    ("text", "unit", "iso", "cut"),
    [("7.5 months", None, "P7M", "0.5 month"), ("7,5 Monate", None, "P7M", "0.5 month"),
     ("7.5", "months", "P7M", "0.5 month"), ("3 1/2 months", None, "P3M", "0.5 month"),
     ("1.5 years", None, "P1Y6M", ""), ("2.25 years", None, "P2Y3M", ""), ("3,5", "years", "P3Y6M", ""),
     ("3½ Jahre", None, "P3Y6M", ""), ("4,5 Jahre alt", None, "P4Y6M", ""), ("1.5 years 2 months", None, "P1Y8M", ""),
     ("2.3 years", None, "P2Y3M", "0.6 month"), ("2.5 weeks", None, "P2W3D", "0.5 day"),
     ("3.5 days", None, "P3D", "0.5 day"), ("12.0 months", None, "P12M", ""), ("6 mo", None, "P6M", ""),
     ("P7M", None, "P7M", "")],
)
def test_exact_time(text: str, unit: str | None, iso: str, cut: str) -> None:
    parsed, lost = exact_time(text, unit)
    assert parsed is not None and (parsed.iso, lost) == (iso, cut)


def _convert(header: list[str], rows: list[list[str]], mapping: dict[str, Any], hpo: Any) -> tuple[Any, list[Any]]:
    sheet = Sheet("cases", header, rows, list(range(2, 2 + len(rows))))
    result = build_packets(sheet, load_mapping({"phenotk_mapping": 1, **mapping}), ontology=hpo, created=CREATED)
    issues = [(i.rule, i.context.get("row"), i.context.get("column"), i.context.get("value"))
              for i in result.all_issues]
    return [MessageToDict(p) for p in result.packets], issues


def test_decimal_months_everywhere_an_age_is_read(hpo_stub: Any) -> None:
    header = ["id", "Age (months)", "Age", "Disease", "Onset", "Seizure"]
    rows = [["P1", "7.5", "1.5 years", "OMIM:607208", "7.5 months", "yes, 7.5 months"],
            ["P2", "7", "2.5 weeks", "", "", "7.5 months"],
            ["P3", "12", "18 months", "", "", "yes"]]
    mapping = {"input": {"rows": "one"},
               "subject": {"id": "id", "age_at_last_encounter": {"column": "Age (months)", "unit": "months"}},
               "diseases": {"id": "Disease", "label": {"const": "Dravet"}, "onset": "Onset"},
               "phenotypes": {"wide": {"columns": ["Seizure"]}},
               "ignore_columns": ["Age"]}
    packets, issues = _convert(header, rows, mapping, hpo_stub)
    assert [p["subject"].get("timeAtLastEncounter") for p in packets] == [
        {"age": {"iso8601duration": "P7M"}}, {"age": {"iso8601duration": "P7M"}},
        {"age": {"iso8601duration": "P12M"}}]
    assert packets[0]["diseases"][0]["onset"] == {"age": {"iso8601duration": "P7M"}}
    assert [p["phenotypicFeatures"][0].get("onset") for p in packets] == [
        {"age": {"iso8601duration": "P7M"}}, {"age": {"iso8601duration": "P7M"}}, None]
    assert sorted(issues) == [
        ("map-not-carried", 2, "Age (months)", "7.5"),
        ("map-not-carried", 2, "Onset", "7.5 months"),
        ("map-not-carried", 2, "Seizure", "yes, 7.5 months"),
        ("map-not-carried", 3, "Seizure", "7.5 months"),
    ]


def test_exact_decimal_years_have_no_finding(hpo_stub: Any) -> None:
    packets, issues = _convert(["id", "Alter"], [["P1", "1,5"], ["P2", "2.25"]],
                               {"subject": {"id": "id", "age_at_last_encounter": {"column": "Alter", "unit": "years"}}},
                               hpo_stub)
    assert [p["subject"]["timeAtLastEncounter"]["age"]["iso8601duration"] for p in packets] == ["P1Y6M", "P2Y3M"]
    assert issues == []


def test_long_layout_onset_and_the_message(hpo_stub: Any) -> None:
    sheet = Sheet("cases", ["id", "term", "onset"], [["P1", "HP:0001250", "2.3 years"]], [2])
    m = load_mapping({"phenotk_mapping": 1, "input": {"rows": "many"}, "subject": {"id": "id"},
                      "phenotypes": {"long": {"term": "term", "onset": "onset"}}})
    result = build_packets(sheet, m, ontology=hpo_stub, created=CREATED)
    assert MessageToDict(result.packets[0])["phenotypicFeatures"][0]["onset"] == {"age": {"iso8601duration": "P2Y3M"}}
    [issue] = result.all_issues
    assert issue.rule == "map-not-carried" and issue.severity.value == "warning"
    assert "'2.3 years' is carried as P2Y3M in completed units: 0.6 month not carried" in issue.message
