from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest

from phenotk.issue import Issue, Report, Result, RuleInfo, Severity
from phenotk.report import render
from phenotk.report.sarif import artifact_location

SCHEMA = Path(__file__).resolve().parent.parent / "fixtures" / "report" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")  # the OASIS file, not a hand-written subset
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def _valid(validator: jsonschema.Draft4Validator, log: dict) -> None:
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_real_run_validates_against_sarif_schema(
    real_report: Report, rules: dict[str, RuleInfo], validator: jsonschema.Draft4Validator
) -> None:
    log = json.loads(render(real_report, "sarif", rules=rules))
    _valid(validator, log)
    run = log["runs"][0]
    assert run["properties"]["hpoVersion"] == real_report.hpo_version
    driver = run["tool"]["driver"]
    assert driver["name"] == "phenotk" and driver["version"] and driver["informationUri"].startswith("https://")
    descriptors = {d["id"]: d for d in driver["rules"]}
    assert set(descriptors) == {i.code for i in real_report.issues}
    hpo = descriptors["HPO001"]
    assert hpo["name"] == "hpo-curie-format"
    assert hpo["shortDescription"]["text"] == rules["HPO001"].summary
    assert hpo["defaultConfiguration"]["level"] == "error"
    assert "Anti-pattern" in hpo["help"]["text"]
    assert descriptors["TIME004"]["defaultConfiguration"]["level"] == "note"
    assert len(run["results"]) == len(real_report.issues)
    for res, (result, issue) in zip(run["results"], real_report.iter_issues(), strict=True):
        assert res["ruleId"] == issue.code
        assert driver["rules"][res["ruleIndex"]]["id"] == issue.code
        assert res["level"] == {"error": "error", "warning": "warning", "info": "note"}[issue.severity.value]
        assert res["message"]["text"] == issue.message
        loc = res["locations"][0]
        uri = loc["physicalLocation"]["artifactLocation"]["uri"]
        assert unquote(urlsplit(uri).path).endswith(result.path.rsplit("/", 1)[-1])
        assert loc["physicalLocation"]["region"] == {"startLine": issue.line, "startColumn": issue.column}
        assert res["properties"]["pointer"] == issue.pointer
        if issue.pointer:
            assert loc["logicalLocations"][0]["fullyQualifiedName"] == issue.pointer


def test_fix_travels_in_properties(real_report: Report, validator: jsonschema.Draft4Validator) -> None:
    log = json.loads(render(real_report, "sarif"))
    _valid(validator, log)  # also valid without rule docs
    fixed = [r for r in log["runs"][0]["results"] if "fix" in r["properties"]]
    assert len(fixed) == sum(1 for i in real_report.issues if i.fix)
    assert fixed[0]["properties"]["fix"]["patch"][0]["op"] == "replace"


def test_awkward_paths_and_positions(validator: jsonschema.Draft4Validator) -> None:
    def issue(line: int | None, col: int | None) -> Issue:
        return Issue("X1", "x-rule", Severity.INFO, "m", "/a~1b", line, col)

    report = Report(
        notes=["HPO checks skipped: no ontology"],
        results=[
            Result("dir with space/a#1.json", issues=[issue(None, None)]),
            Result("<stdin>", issues=[issue(3, None)]),
            Result("/elsewhere/x.json", issues=[issue(1, 1)]),
            Result("pkts.zip!inner/p.yaml", issues=[issue(2, 4)]),
        ],
    )
    log = json.loads(render(report, "sarif"))
    _valid(validator, log)
    res = log["runs"][0]["results"]
    assert res[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "dir%20with%20space/a%231.json"
    assert "region" not in res[0]["locations"][0]["physicalLocation"]
    assert res[0]["locations"][0]["logicalLocations"][0]["name"] == "a/b"
    assert res[1]["locations"][0]["physicalLocation"]["region"] == {"startLine": 3}
    # code scanning refuses a location without a URI ("expected artifact location"): stdin gets one of no file
    assert res[1]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "%3Cstdin%3E", "uriBaseId": "%SRCROOT%", "description": {"text": "<stdin>"}}
    assert res[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "file:///elsewhere/x.json"
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["message"]["text"] == "HPO checks skipped: no ontology"


def test_absolute_path_under_cwd_becomes_relative(tmp_path: Path) -> None:
    loc = artifact_location(str(tmp_path / "sub" / "p.json"), cwd=tmp_path)
    assert loc == {"uri": "sub/p.json", "uriBaseId": "%SRCROOT%"}


def _location(res: dict) -> dict:
    return res["locations"][0]["physicalLocation"]


def test_documents_inside_a_file_point_at_the_file(validator: jsonschema.Draft4Validator) -> None:
    # a JSONL line / YAML document is reported as 'file#L<n>' and a zip member as 'archive.zip!member': the
    # artifact URI encoded that whole string ('a.jsonl%23L3', 'c.zip%21inner/p.json'), a file that does not
    # exist, so code scanning could place none of these findings in the repository
    def issue(line: int | None, col: int | None) -> Issue:
        return Issue("X1", "x-rule", Severity.WARNING, "m", "/id", line, col)

    report = Report(
        results=[
            Result("data/a.jsonl#L3", "phenopacket", "p3", [issue(3, 7)]),
            Result("data/b.yaml#L10", "phenopacket", "p10", [issue(12, 3)]),
            Result("data/c.zip!inner/p.json", "phenopacket", "z", [issue(2, 4)]),
            Result("data/c.zip!inner/q.jsonl#L2", "phenopacket", "zq", [issue(2, 4)]),
            Result("data/x#L3.json", "phenopacket", "x", [issue(1, 1)]),  # a real file name with '#L'
        ]
    )
    log = json.loads(render(report, "sarif", base_dir=Path.cwd()))
    _valid(validator, log)
    res = log["runs"][0]["results"]
    assert [_location(r)["artifactLocation"]["uri"] for r in res] == [
        "data/a.jsonl",
        "data/b.yaml",
        "data/c.zip",
        "data/c.zip",
        "data/x%23L3.json",
    ]
    assert _location(res[0])["region"] == {"startLine": 3, "startColumn": 7}  # lines of a JSONL file are its own
    assert _location(res[1])["region"] == {"startLine": 12, "startColumn": 3}
    assert "region" not in _location(res[2])  # a member's line is not a line of the archive
    assert "region" not in _location(res[3])
    assert _location(res[4])["region"] == {"startLine": 1, "startColumn": 1}
    # which document it was stays said (the report path), and the fingerprint is the one it had
    assert [r["properties"].get("path") for r in res] == [
        "data/a.jsonl#L3",
        "data/b.yaml#L10",
        "data/c.zip!inner/p.json",
        "data/c.zip!inner/q.jsonl#L2",
        None,
    ]
    import hashlib

    first = hashlib.sha256(b"X1\0data/a.jsonl#L3\0p3\0/id").hexdigest()[:32]
    assert res[0]["partialFingerprints"] == {"phenotkFinding/v1": first}


def test_fingerprints_tell_unreadable_items_of_one_file_apart() -> None:
    # three items of one JSON array that are not objects: same code, same path, no id, no pointer — they had one
    # fingerprint, so code scanning kept one alert for the three
    items = [
        Result("arr.json", issues=[Issue("IO001", "input-unreadable", Severity.ERROR, "item is no object", "", 1, c)])
        for c in (2, 4, 6)
    ]
    log = json.loads(render(Report(results=items), "sarif"))
    prints = [r["partialFingerprints"]["phenotkFinding/v1"] for r in log["runs"][0]["results"]]
    assert len(set(prints)) == 3
