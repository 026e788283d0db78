"""``interpretation.progress_status`` read from a column, per packet, like a variant block's interpretation_status.

The mapping model took the progress status only as a constant, so the RareLink mapping wrote ``SOLVED`` for every
record although RareLink states it per record (``ga4gh_progress_status``: six of its ten evaluation records are
``ga4gh_completed``). A value spec (column + ``values``) is now read per packet: the first row of the packet with
a value; none → ``UNKNOWN_PROGRESS``; a value neither mapped nor a status name → ``map-bad-cell``; a later row that
disagrees → ``map-conflicting-values``; a packet without a variant → ``map-orphan-value`` (no interpretation holds
it). A constant keeps working unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from google.protobuf.json_format import MessageToDict

from phenotk.conversion.table import build_packets
from phenotk.conversion.table.sheets import Sheet
from phenotk.errors import InputError
from phenotk.mapping import load_mapping
from phenotk.mapping.model import check_mapping

CREATED = "2025-01-01T00:00:00Z"
MAPPINGS = Path(__file__).resolve().parents[3] / "mappings"
HEADER = ["id", "Variant", "Progress"]
ROWS = [["P1", "NM_000138.5:c.1A>G het", "done"],     # mapped word
        ["P2", "NM_000138.5:c.2A>G het", ""],         # none → UNKNOWN_PROGRESS
        ["P3", "NM_000138.5:c.3A>G het", "maybe"],    # unmapped → bad cell
        ["P4", "NM_000138.5:c.4A>G het", "in progress"],  # the status name itself
        ["P5", "", "done"],                           # no variant: nothing holds it
        ["P6", "NM_000138.5:c.6A>G het", ""],
        ["P6", "NM_000138.5:c.6A>G het", "solved"],   # the first row with a value
        ["P6", "NM_000138.5:c.6A>G het", "unsolved"]]  # disagrees: reported


def _convert(progress: Any, rows: list[list[str]] = ROWS) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    mapping = {"phenotk_mapping": 1, "input": {"rows": "many"}, "subject": {"id": "id"},
               "variants": {"hgvs": "Variant"}, "interpretation": {"progress_status": progress}}
    if not isinstance(progress, dict):
        mapping["ignore_columns"] = ["Progress"]
    result = build_packets(Sheet("cases", HEADER, rows, list(range(2, 2 + len(rows)))), load_mapping(mapping),
                           created=CREATED)
    statuses = {}
    for p in result.packets:
        d = MessageToDict(p)
        statuses[d["id"]] = [i.get("progressStatus", "UNKNOWN_PROGRESS") for i in d.get("interpretations", [])]
    issues = [(i.rule, i.context.get("row"), i.context.get("column"), i.context.get("value"))
              for i in result.all_issues if i.context.get("column") == "Progress"]
    return statuses, issues


def test_progress_status_from_a_column_per_packet() -> None:
    statuses, issues = _convert({"column": "Progress", "values": {"done": "COMPLETED", "solved": "SOLVED",
                                                                  "unsolved": "UNSOLVED"}})
    assert statuses == {"P1": ["COMPLETED"], "P2": ["UNKNOWN_PROGRESS"], "P3": ["UNKNOWN_PROGRESS"],
                        "P4": ["IN_PROGRESS"], "P5": [], "P6": ["SOLVED"]}
    assert sorted(issues) == [("map-bad-cell", 4, "Progress", "maybe"),
                              ("map-conflicting-values", 9, "Progress", "unsolved"),
                              ("map-orphan-value", 6, "Progress", "done")]


def test_a_constant_progress_status_keeps_working() -> None:
    statuses, issues = _convert("SOLVED", ROWS[:2])
    assert statuses == {"P1": ["SOLVED"], "P2": ["SOLVED"]}
    assert issues == []


def test_schema_takes_the_enum_or_a_value_spec_not_a_bare_word() -> None:
    base = "phenotk_mapping: 1\nsubject: {id: id}\ninterpretation:\n  progress_status: "
    assert not check_mapping(base + "COMPLETED\n")[2]
    assert not check_mapping(base + "{column: p, values: {x: SOLVED}}\n")[2]
    assert check_mapping(base + "solved_column\n")[2]  # a bare string is the enum, never a column name
    with pytest.raises(InputError):
        load_mapping({"phenotk_mapping": 1, "subject": {"id": "id"}, "interpretation": {"progress_status": "p"}})


def test_the_rarelink_mapping_reads_ga4gh_progress_status() -> None:
    m = load_mapping(MAPPINGS / "redcap-rarelink.yaml")
    assert m.progress_spec is not None and m.progress_spec.column == "ga4gh_progress_status"
    assert {k: m.progress_spec.translate(k) for k in ("ga4gh_completed", "ga4gh_solved", "ga4gh_unknown_progress",
                                                      "ga4gh_in_progress", "ga4gh_unsolved")} == {
        "ga4gh_completed": "COMPLETED", "ga4gh_solved": "SOLVED", "ga4gh_unknown_progress": "UNKNOWN_PROGRESS",
        "ga4gh_in_progress": "IN_PROGRESS", "ga4gh_unsolved": "UNSOLVED"}


def test_rarelink_progress_statuses_equal_rarelinks_own_phenopackets(shared_data: Path) -> None:
    """All ten evaluation records: ours equal RareLink's (4 SOLVED, 6 COMPLETED; the constant said SOLVED for all)."""
    from phenopackets import Interpretation

    from phenotk.conversion.redcap import convert_export
    from phenotk.io import read

    d = shared_data / "redcap" / "rarelink"
    if not d.is_dir():
        pytest.skip("RareLink data not available")
    result = convert_export(d / "evaluation_cohort_redcap_export.json", MAPPINGS / "redcap-rarelink.yaml",
                            dictionary=d / "rarelink_cdm_datadictionary_v2_0_5.csv")
    name = Interpretation.ProgressStatus.Name
    ours = {p.id: [name(i.progress_status) for i in p.interpretations] for p in result.packets}
    want = {}
    for path in sorted((d / "expected_phenopackets").glob("*.json")):
        exp = read(path)
        want[exp.id] = [name(i.progress_status) for i in exp.interpretations]
    assert len(want) == 10 and {ours[k][0] for k in want} == {"SOLVED", "COMPLETED"}
    assert {k: ours[k] for k in want} == want
    unmapped = {i.context.get("field") for i in result.all_issues if i.rule == "redcap-unmapped-field"}
    assert "ga4gh_progress_status" not in unmapped


def test_mapping_explain_says_where_the_progress_status_comes_from() -> None:
    from phenotk.conversion.table.starter import explain

    lines = explain(load_mapping(MAPPINGS / "redcap-rarelink.yaml"))
    assert [x for x in lines if x.startswith("interpretation.progress_status ← column 'ga4gh_progress_status'")]
    lines = explain(load_mapping(MAPPINGS / "generic-wide.yaml"))
    assert "interpretation.progress_status ← SOLVED" in lines
