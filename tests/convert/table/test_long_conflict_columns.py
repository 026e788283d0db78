"""A long-layout conflict about an onset or a severity names the cell that disagrees, not the term column.

Two rows ``P1, Seizure, yes, 2y`` and ``P1, Seizure, yes, 3y`` gave ``map-conflicting-values`` at column ``term``
(value ``P3Y``): a reader looking at that column saw two equal cells. It now names the onset column; a severity
conflict names the severity column (or the status column when the status cell said ``mild``).
"""

from __future__ import annotations

from typing import Any

from phenotk.conversion.table import build_packets
from phenotk.conversion.table.sheets import Sheet
from phenotk.mapping import load_mapping

CREATED = "2025-01-01T00:00:00Z"


def _conflicts(header: list[str], rows: list[list[str]], long: dict[str, str], hpo: Any) -> list[tuple[Any, ...]]:
    sheet = Sheet("cases", header, rows, list(range(2, 2 + len(rows))))
    mapping = {"phenotk_mapping": 1, "input": {"rows": "many"}, "subject": {"id": "id"},
               "phenotypes": {"long": long}}
    result = build_packets(sheet, load_mapping(mapping), ontology=hpo, created=CREATED)
    return [(i.context.get("row"), i.context.get("column"), i.context.get("value")) for i in result.all_issues
            if i.rule == "map-conflicting-values"]


def test_an_onset_conflict_names_the_onset_column(hpo_stub: Any) -> None:
    rows = [["P1", "Seizure", "yes", "2y"], ["P1", "Seizure", "yes", "3y"]]
    long = {"term": "term", "status": "status", "onset": "Onset age"}
    assert _conflicts(["id", "term", "status", "Onset age"], rows, long, hpo_stub) == [(3, "Onset age", "P3Y")]


def test_a_severity_conflict_names_the_cell_it_came_from(hpo_stub: Any) -> None:
    rows = [["P1", "Seizure", "yes", "mild"], ["P1", "Seizure", "yes", "severe"]]
    long = {"term": "term", "status": "status", "severity": "Severity"}
    assert [c[:2] for c in _conflicts(["id", "term", "status", "Severity"], rows, long, hpo_stub)] == [
        (3, "Severity")]
    rows = [["P1", "Seizure", "mild"], ["P1", "Seizure", "severe"]]
    assert [c[:2] for c in _conflicts(["id", "term", "status"], rows, {"term": "term", "status": "status"},
                                      hpo_stub)] == [(3, "status")]


def test_an_observed_excluded_conflict_still_names_the_term(hpo_stub: Any) -> None:
    rows = [["P1", "Seizure", "yes"], ["P1", "Seizure", "no"]]
    assert _conflicts(["id", "term", "status"], rows, {"term": "term", "status": "status"}, hpo_stub) == [
        (3, "term", "HP:0001250")]
