"""``phenotk validate`` / ``rules`` / ``explain``: exit codes (0/1/2), formats, config, baseline, jobs."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from phenotk.cli.app import main

from .conftest import BASE_PHENOPACKET


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    out = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else (0 if code is None else 1)), out.out, out.err


def _write(path: Path, doc: Any) -> str:
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return str(path)


@pytest.fixture
def good(tmp_path: Path) -> str:
    return _write(tmp_path / "good.json", BASE_PHENOPACKET)


@pytest.fixture
def bad(tmp_path: Path) -> str:
    doc = copy.deepcopy(BASE_PHENOPACKET)
    doc["id"] = "other"
    doc["subject"]["sex"] = "male"
    return _write(tmp_path / "bad.json", doc)


@pytest.fixture
def warn(tmp_path: Path) -> str:
    doc = copy.deepcopy(BASE_PHENOPACKET)
    doc["id"] = "warn"
    doc["metaData"]["phenopacketSchemaVersion"] = "2.00"  # a warning (meta-schema-version), no error
    return _write(tmp_path / "warn.json", doc)


def test_clean_file_exits_0(capsys: pytest.CaptureFixture[str], good: str) -> None:
    code, out, _ = _cli(capsys, "validate", good, "--no-hpo")
    assert code == 0, out


def test_errors_exit_1_and_json_report(capsys: pytest.CaptureFixture[str], good: str, bad: str) -> None:
    code, out, _ = _cli(capsys, "validate", good, bad, "--no-hpo", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["summary"]["files"] == 2 and report["summary"]["errors"] == 1
    issue = report["results"][1]["issues"][0]
    assert (issue["rule"], issue["pointer"], issue["line"], issue["column"]) == ("schema-enum", "/subject/sex", 5, 12)


def test_fail_on_levels(capsys: pytest.CaptureFixture[str], bad: str, warn: str) -> None:
    assert _cli(capsys, "validate", bad, "--no-hpo", "--fail-on", "never")[0] == 0
    assert _cli(capsys, "validate", warn, "--no-hpo")[0] == 0
    assert _cli(capsys, "validate", warn, "--no-hpo", "--fail-on", "warning")[0] == 1
    assert _cli(capsys, "validate", warn, "--no-hpo", "--profile", "strict")[0] == 1


def test_unreadable_input_exits_2_with_a_result(capsys: pytest.CaptureFixture[str], good: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"id": "x",\n}', encoding="utf-8")
    code, out, _ = _cli(capsys, "validate", good, str(broken), "--no-hpo", "--format", "json")
    assert code == 2
    res = json.loads(out)["results"][1]
    # the trailing comma is the mistake: line 1, where it is (the parser stops at the brace on line 2)
    assert res["issues"][0]["rule"] == "input-unreadable" and res["issues"][0]["line"] == 1
    code, out, _ = _cli(capsys, "validate", str(tmp_path / "missing.json"), "--no-hpo", "--format", "json")
    assert code == 2 and json.loads(out)["results"][0]["issues"][0]["rule"] == "input-unreadable"


def test_usage_errors_exit_2_with_suggestion(capsys: pytest.CaptureFixture[str], good: str, tmp_path: Path) -> None:
    code, _, err = _cli(capsys, "validate", good, "--select", "time-ordr")
    assert code == 2 and "did you mean 'time-order'" in err
    code, _, err = _cli(capsys, "validate", good, "--profile", "rare-disese")
    assert code == 2 and "rare-disease" in err
    cfg = tmp_path / "phenotk.toml"
    cfg.write_text('[tool.phenotk]\nignroe = ["recommended-missing"]\n', encoding="utf-8")
    code, _, err = _cli(capsys, "validate", good, "--config", str(cfg))
    assert code == 2 and "did you mean 'ignore'" in err and "phenotk.toml" in err
    cfg.write_text('[tool.phenotk.severity]\ntime-futur = "warning"\n', encoding="utf-8")
    code, _, err = _cli(capsys, "validate", good, "--config", str(cfg))
    assert code == 2 and "time-future" in err


def test_pyproject_config_is_found_and_applied(
    capsys: pytest.CaptureFixture[str], bad: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.phenotk]\nignore = ["SCH004"]\nprofile = "default"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = _cli(capsys, "validate", bad, "--no-hpo", "--format", "json")
    assert code == 0
    assert not any(i["rule"] == "schema-enum" for r in json.loads(out)["results"] for i in r["issues"])


def test_severity_override_from_config(capsys: pytest.CaptureFixture[str], bad: str, tmp_path: Path) -> None:
    cfg = tmp_path / "phenotk.toml"
    cfg.write_text('[tool.phenotk.severity]\nschema-enum = "warning"\n', encoding="utf-8")
    assert _cli(capsys, "validate", bad, "--no-hpo", "--config", str(cfg))[0] == 0


def test_baseline_reports_only_new_findings(capsys: pytest.CaptureFixture[str], bad: str, tmp_path: Path) -> None:
    base = tmp_path / "baseline.json"
    code, _, _ = _cli(capsys, "validate", bad, "--no-hpo", "--write-baseline", str(base))
    assert code == 0 and base.is_file()
    assert _cli(capsys, "validate", bad, "--no-hpo", "--baseline", str(base))[0] == 0
    doc = json.loads(Path(bad).read_text())
    doc["interpretations"][0]["progressStatus"] = "DONE"  # a new finding
    Path(bad).write_text(json.dumps(doc, indent=2))
    code, out, _ = _cli(capsys, "validate", bad, "--no-hpo", "--baseline", str(base), "--format", "json")
    assert code == 1
    issues = [i for r in json.loads(out)["results"] for i in r["issues"]]
    assert [i["pointer"] for i in issues if i["severity"] == "error"] == ["/interpretations/0/progressStatus"]


def test_require_user_schema(capsys: pytest.CaptureFixture[str], good: str, tmp_path: Path) -> None:
    schema = tmp_path / "min.json"
    schema.write_text(json.dumps({"properties": {"subject": {"required": ["dateOfBirth"]}}}))
    code, out, _ = _cli(capsys, "validate", good, "--no-hpo", "--require", str(schema), "--format", "json")
    assert code == 1
    issue = json.loads(out)["results"][0]["issues"][0]
    assert (issue["rule"], issue["pointer"], issue["line"]) == ("profile-requirement", "/subject/dateOfBirth", 3)
    bad_schema = tmp_path / "bad.json"
    bad_schema.write_text('{"type": 5}')
    assert _cli(capsys, "validate", good, "--require", str(bad_schema))[0] == 2


def test_jobs_gives_the_same_report_in_order(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for i in range(150):
        doc = copy.deepcopy(BASE_PHENOPACKET)
        doc["id"] = f"P{i % 140}"  # ten duplicates across chunks
        if i % 7 == 0:
            doc["subject"]["sex"] = "f"
        _write(tmp_path / f"p{i:03d}.json", doc)
    one = _cli(capsys, "validate", str(tmp_path), "--no-hpo", "--format", "json")
    two = _cli(capsys, "validate", str(tmp_path), "--no-hpo", "--format", "json", "--jobs", "2")
    assert one[0] == two[0] == 1
    r1, r2 = json.loads(one[1]), json.loads(two[1])
    assert r1["results"] == r2["results"]
    assert sum(1 for r in r1["results"] for i in r["issues"] if i["rule"] == "id-duplicate") == 10


def test_output_file_and_sarif(capsys: pytest.CaptureFixture[str], bad: str, tmp_path: Path) -> None:
    out = tmp_path / "report.sarif"
    code, stdout, _ = _cli(capsys, "validate", bad, "--no-hpo", "-f", "sarif", "-o", str(out))
    assert code == 1 and stdout == ""
    sarif = json.loads(out.read_text())
    assert sarif["runs"][0]["results"]


def test_rules_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli(capsys, "rules", "--json")
    assert code == 0
    names = {r["name"] for r in json.loads(out)}
    assert {"schema-unknown-field", "time-order", "id-duplicate", "meta-undeclared-prefix"} <= names
    code, out, _ = _cli(capsys, "explain", "SCH001")
    assert code == 0 and "Anti-pattern" in out and "schema-unknown-field" in out
    code, _, err = _cli(capsys, "explain", "curie-syntx")
    assert code == 2 and "curie-syntax" in err
