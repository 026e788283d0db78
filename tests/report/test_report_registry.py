from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from phenotk.errors import OutputExistsError, UsageError
from phenotk.issue import Report
from phenotk.report import REPORTERS, ReportFormat, render, write_report


def test_every_format_has_a_reporter_module() -> None:
    assert set(REPORTERS) == set(ReportFormat)
    for fmt in ReportFormat:
        module = importlib.import_module(REPORTERS[fmt])
        assert callable(module.render), fmt
        assert fmt.extension.startswith(".")
        assert "/" in fmt.media_type


def test_names_are_the_issue_formats() -> None:
    assert [f.value for f in ReportFormat] == ["text", "json", "jsonl", "sarif", "junit", "csv", "html"]


def test_parse_accepts_any_case_and_names_choices() -> None:
    assert ReportFormat.parse("SARIF") is ReportFormat.sarif
    assert ReportFormat.parse(ReportFormat.csv) is ReportFormat.csv
    with pytest.raises(ValueError, match="text, json, jsonl, sarif, junit, csv, html"):
        ReportFormat.parse("xml")


def test_import_is_light() -> None:
    code = (
        "import sys, phenotk.report as r\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('rich', 'jsonschema', 'pandas')"
        " or m.startswith('phenotk.report.') or m.startswith('xml.etree')]\n"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_enum_builds_the_cli_option(small_report: Report) -> None:
    app = typer.Typer()
    seen: list[ReportFormat] = []

    @app.command()
    def main(fmt: ReportFormat = typer.Option(ReportFormat.text, "--format")) -> None:
        seen.append(fmt)

    runner = CliRunner()
    assert runner.invoke(app, ["--format", "sarif"]).exit_code == 0
    assert seen == [ReportFormat.sarif]
    bad = runner.invoke(app, ["--format", "xml"])
    assert bad.exit_code == 2
    assert "junit" in bad.output


def test_render_takes_strings_and_every_format_renders_without_rules(small_report: Report) -> None:
    for fmt in ReportFormat:
        assert render(small_report, fmt.value).strip(), fmt
        assert render(small_report, fmt) == render(small_report, fmt.value)


def test_empty_report_renders_in_every_format() -> None:
    for fmt in ReportFormat:
        render(Report(), fmt)


def test_write_report_file_is_atomic_and_refuses_overwrite(small_report: Report, tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.sarif"
    write_report(small_report, "sarif", target)
    assert target.read_text(encoding="utf-8") == render(small_report, "sarif")
    with pytest.raises(OutputExistsError):
        write_report(small_report, "json", target)
    write_report(small_report, "json", target, force=True)
    assert target.read_text(encoding="utf-8").startswith("{")
    assert [p.name for p in target.parent.iterdir()] == ["report.sarif"]  # no temp file left


def test_write_report_stdout_plain_when_not_a_tty(small_report: Report, capsys: pytest.CaptureFixture[str]) -> None:
    write_report(small_report, ReportFormat.text, None)
    out = capsys.readouterr().out
    assert out == render(small_report, "text")
    assert "\x1b[" not in out
    write_report(small_report, "csv", "-")
    assert capsys.readouterr().out.startswith("PATH,LEVEL,")


def test_write_report_bad_output_is_one_located_error(small_report: Report, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a directory") as exc:
        write_report(small_report, "html", tmp_path)
    assert exc.value.path == str(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UsageError, match="cannot write"):
        write_report(small_report, "html", blocker / "report.html")  # parent is a file
