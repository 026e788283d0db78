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


def test_jsonl_lines_hold_no_other_line_break() -> None:
    # orjson writes NEL (U+0085), U+2028 and U+2029 raw inside strings: valid JSON, but str.splitlines() (and
    # editors) break the line there — 19 of 222 hostile-run lines could not be parsed after splitlines()
    import json

    from phenotk.issue import Issue, Report, Result, Severity
    from phenotk.report import render
    from phenotk.report._common import RenderOptions
    from phenotk.report.jsonl import Stream

    msg = "label 'a\u2028b\u2029c\x85d' \x1c"
    report = Report(results=[Result("p\u2028.json", "phenopacket", "P\x85", [Issue("X1", "x", Severity.ERROR, msg)])])
    text = render(report, "jsonl")
    assert text.splitlines() == text.split("\n")[:-1]
    line = json.loads(text.splitlines()[0])
    assert (line["path"], line["id"], line["message"]) == ("p\u2028.json", "P\x85", msg)  # the values are the same
    stream = Stream(RenderOptions())
    assert "".join(stream.issue(r, i) for r, i in report.iter_issues()) == text
