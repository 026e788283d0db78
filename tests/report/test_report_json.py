from __future__ import annotations

import json

from phenotk.issue import Report
from phenotk.report import render


def test_json_is_exactly_the_contract(real_report: Report) -> None:
    assert json.loads(render(real_report, "json")) == real_report.to_dict()


def test_json_contract_keys(small_report: Report) -> None:
    doc = json.loads(render(small_report, "json"))
    assert doc["summary"] == {"files": 3, "errors": 1, "warnings": 1, "info": 1}
    assert doc["hpo_version"] == "2025-05-06"
    issue = doc["results"][0]["issues"][1]
    assert issue["pointer"] == "/phenotypicFeatures/0/type/id"
    assert (issue["line"], issue["column"]) == (9, 15)
    assert issue["fix"]["safe"] is True
    assert issue["fix"]["patch"] == [{"op": "replace", "path": "/phenotypicFeatures/0/type/id", "value": "HP:0001250"}]


def test_jsonl_one_finding_per_line(real_report: Report) -> None:
    lines = render(real_report, "jsonl").splitlines()
    assert len(lines) == len(real_report.issues)
    records = [json.loads(line) for line in lines]
    pairs = list(real_report.iter_issues())
    for rec, (result, issue) in zip(records, pairs, strict=True):
        assert (rec["path"], rec["element"], rec["id"]) == (result.path, result.element, result.id)
        assert rec["code"] == issue.code and rec["pointer"] == issue.pointer and rec["line"] == issue.line


def test_jsonl_without_findings_is_empty() -> None:
    assert render(Report(), "jsonl") == ""
