"""Display threshold, several outputs, SARIF base folder and run warnings at the reporter level (issue 18)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phenotk.errors import UsageError
from phenotk.issue import Report, Severity
from phenotk.report import HUMAN_FORMATS, Output, ReportFormat, parse_outputs, parse_show, render
from phenotk.report.sarif import artifact_location, default_base_dir


def test_text_show_leaves_out_lower_findings_and_counts_them(small_report: Report) -> None:
    full = render(small_report, "text")
    shown = render(small_report, "text", show="warning")
    assert "META002" in full and "META002" not in shown and "data/meta.json" not in shown
    assert "HPO001" in shown and "HPO010" in shown
    assert shown.splitlines()[-1] == "1 finding below warning not shown (--show warning)"
    assert shown.splitlines()[-2] == full.splitlines()[-1]  # the summary still counts every finding
    assert render(small_report, "text", show="info") == full


def test_machine_formats_filter_only_when_given_show(real_report: Report) -> None:
    whole = json.loads(render(real_report, "json"))
    errors = json.loads(render(real_report, "json", show="error"))
    n_err = real_report.count(Severity.ERROR)
    assert errors["summary"]["errors"] == n_err and errors["summary"]["info"] == 0
    hidden = len(real_report.issues) - n_err
    assert errors["notes"][-1] == f"{hidden} findings below error not shown (--show error)"
    assert whole["summary"] == real_report.summary and whole["notes"] == real_report.notes  # report untouched
    csv_rows = render(real_report, "csv", show="warning").splitlines()[1:]
    assert len(csv_rows) == len([i for i in real_report.issues if i.severity is not Severity.INFO])


def test_warnings_come_first_in_text(small_report: Report) -> None:
    text = render(small_report, "text", warnings=["warning: HPO checks skipped", None])
    assert text.splitlines()[0] == "warning: HPO checks skipped"
    assert "HPO checks skipped" not in render(small_report, "sarif", warnings=["warning: HPO checks skipped"])


def test_parse_outputs_and_show() -> None:
    assert parse_outputs([]) == [Output(ReportFormat.text)]
    assert parse_outputs([], "json") == [Output(ReportFormat.json)]
    assert parse_outputs(["r.sarif"], "sarif") == [Output(ReportFormat.sarif, "r.sarif")]
    assert parse_outputs(["HTML=r.html", "sarif=r.sarif"]) == [
        Output(ReportFormat.html, "r.html"),
        Output(ReportFormat.sarif, "r.sarif"),
    ]
    assert parse_outputs(["x.json", "html=r.html", "text=-"], "json") == [
        Output(ReportFormat.json, "x.json"),
        Output(ReportFormat.html, "r.html"),
        Output(ReportFormat.text, None),
    ]
    # a name with '=' whose head is no format is a plain path
    assert parse_outputs(["run=1.json"], "json") == [Output(ReportFormat.json, "run=1.json")]
    # … unless the head is a misspelt format: the asked-for report would silently not be written
    for typo, meant in (("sarrif", "sarif"), ("junitt", "junit"), ("jsonn", "json"), ("htm", "html")):
        with pytest.raises(UsageError, match=f"did you mean {meant}"):
            parse_outputs([f"{typo}=out.x"])
    assert parse_outputs(["./sarrif=out.x"]) == [Output(ReportFormat.text, "./sarrif=out.x")]
    for bad in (["a", "b"], ["json=a", "csv=a"], ["json=-", "-"], ["json="]):
        with pytest.raises(UsageError):
            parse_outputs(bad)
    assert parse_show(["warning"]) == dict.fromkeys(HUMAN_FORMATS, Severity.WARNING)
    assert parse_show(["info", "sarif=error", "text=error"]) == {
        ReportFormat.text: Severity.ERROR,
        ReportFormat.html: Severity.INFO,
        ReportFormat.sarif: Severity.ERROR,
    }
    with pytest.raises(UsageError):
        parse_show(["all"])


def test_sarif_base_folder(tmp_path: Path) -> None:
    (tmp_path / ".git").write_text("gitdir: elsewhere\n", encoding="utf-8")  # a worktree's .git is a file
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert default_base_dir(deep) == tmp_path.resolve()
    loc = artifact_location("../x y.json", tmp_path, cwd=deep)
    assert loc == {"uri": "a/x%20y.json", "uriBaseId": "%SRCROOT%"}
    assert artifact_location("/elsewhere/p.json", tmp_path, cwd=deep) == {"uri": "file:///elsewhere/p.json"}
    log = json.loads(render(Report(), "sarif", base_dir=tmp_path))
    assert log["runs"][0]["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.resolve().as_uri() + "/"}}


def test_a_base_dir_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    # a typo in --base-dir gave every SARIF URI a wrong base, silently
    import subprocess
    import sys

    packet = tmp_path / "p.json"
    packet.write_text('{"id": "p1", "subject": {"id": "s1"}}', encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "phenotk", "validate", str(packet), "--no-hpo", "-f", "sarif",
                          "--base-dir", str(tmp_path / "typo")], capture_output=True, text=True)
    assert run.returncode == 2 and run.stdout == "" and "--base-dir" in run.stderr and "no such folder" in run.stderr
