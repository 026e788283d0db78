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
    assert res[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "file:///elsewhere/x.json"
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["message"]["text"] == "HPO checks skipped: no ontology"


def test_absolute_path_under_cwd_becomes_relative(tmp_path: Path) -> None:
    loc = artifact_location(str(tmp_path / "sub" / "p.json"), cwd=tmp_path)
    assert loc == {"uri": "sub/p.json", "uriBaseId": "%SRCROOT%"}
