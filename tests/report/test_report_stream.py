"""Streamed JSON, JSONL, SARIF and CSV reports equal the in-memory reporters byte for byte (issue 22).

``phenotk validate -f json|jsonl|sarif|csv`` writes its reports as results arrive (phenotk.report.stream):
the bytes must be those of ``render(session.validate(paths))`` on real store packets, including the
cross-document findings that the end of the run puts first in documents written long before.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from phenotk.cli.validate import _rule_infos
from phenotk.errors import OutputExistsError
from phenotk.issue import Severity
from phenotk.report import Output, ReportFormat, render
from phenotk.report.stream import stream_reports, streamable
from phenotk.workflow.session import Session

FORMATS = ("json", "jsonl", "sarif", "csv")
GENES = ("KMT2D", "TUBA1C", "SGCE")


@pytest.fixture(scope="module")
def hpo(hpo_dir: Path) -> str:
    return str(hpo_dir / "hp.json")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, store_dir: Path, shared_data: Path) -> list[str]:
    """Store folders, v2 examples, v1 files (some unreadable as v2) and a copy of a store packet (same id)."""
    extra = tmp_path_factory.mktemp("dup")
    first = sorted((store_dir / GENES[0]).glob("*.json"))[0]
    shutil.copy(first, extra / "zz_copy.json")
    return [*(str(store_dir / g) for g in GENES), str(shared_data / "v2-examples"), str(shared_data / "v1"),
            str(extra)]  # fmt: skip


def _session(hpo: str, **kw: object) -> Session:
    return Session.from_settings(config=False, hpo=hpo, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("show", [None, "warning"])
def test_streamed_reports_equal_the_renderers(
    corpus: list[str], hpo: str, tmp_path: Path, jobs: int, show: str | None
) -> None:
    report = _session(hpo).validate(corpus)
    rules = _rule_infos()
    late = [i for i in report.issues if i.rule in ("id-duplicate", "hpo-release-older")]
    assert {i.rule for i in late} == {"id-duplicate", "hpo-release-older"}  # the end of the run adds findings
    outputs = [Output(ReportFormat(f), str(tmp_path / f"r.{f}")) for f in FORMATS]
    shows = {out.fmt: show for out in outputs} if show else None
    totals = stream_reports(_session(hpo), corpus, outputs, jobs=jobs, rules=rules, show=shows)  # type: ignore[arg-type]
    for out in outputs:
        want = render(report, out.fmt, rules=rules, show=show)
        assert Path(out.path or "").read_text(encoding="utf-8") == want, out.fmt
    assert totals.files == len(report.results)
    assert totals.exit_code(None) == 2  # v1 files are unreadable as v2


def test_no_findings_streams_empty_lists(store_dir: Path, hpo: str, tmp_path: Path) -> None:
    paths = [str(store_dir / GENES[1])]
    report = _session(hpo, select=["hpo-obsolete-term"]).validate(paths)
    assert report.results and not report.issues
    outputs = [Output(ReportFormat(f), str(tmp_path / f"r.{f}")) for f in FORMATS]
    totals = stream_reports(_session(hpo, select=["hpo-obsolete-term"]), paths, outputs)
    for out in outputs:
        assert Path(out.path or "").read_text(encoding="utf-8") == render(report, out.fmt), out.fmt
    assert json.loads(Path(outputs[2].path or "").read_text())["runs"][0]["results"] == []
    assert totals.exit_code(None) == 0


def test_existing_output_is_refused_before_the_run(store_dir: Path, hpo: str, tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    target.write_text("keep")
    with pytest.raises(OutputExistsError):
        stream_reports(_session(hpo), [str(store_dir / GENES[1])], [Output(ReportFormat.json, str(target))])
    assert target.read_text() == "keep"


def test_cli_streams_machine_formats_with_the_usual_exit_code(
    store_dir: Path, hpo: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from phenotk.cli.app import app

    monkeypatch.chdir(tmp_path)  # no config file found upwards

    folder = str(store_dir / GENES[0])
    report = _session(hpo).validate([folder])
    runner = CliRunner()
    out = tmp_path / "r.sarif"
    res = runner.invoke(app, ["validate", folder, "--hpo", hpo, "-f", "sarif", "-o", str(out), "--fail-on", "warning"])
    assert res.exit_code == (1 if report.fails(Severity.WARNING) else 0), res.output
    assert out.read_text(encoding="utf-8") == render(report, "sarif", rules=_rule_infos())
    res = runner.invoke(app, ["validate", folder, "--hpo", hpo, "-f", "jsonl", "--fail-on", "never"])
    assert res.exit_code == 0
    assert res.stdout == render(report, "jsonl")


def test_only_machine_formats_stream() -> None:
    assert streamable([Output(ReportFormat.json, "a.json"), Output(ReportFormat.csv, None)])
    assert not streamable([Output(ReportFormat.json, "a.json"), Output(ReportFormat.text, None)])


def test_force_replaces_an_existing_report_through_every_hard_link(store_dir: Path, hpo: str, tmp_path: Path) -> None:
    paths = [str(store_dir / GENES[1])]
    target, link = tmp_path / "r.csv", tmp_path / "link.csv"
    target.write_text("old")
    link.hardlink_to(target)
    stream_reports(_session(hpo), paths, [Output(ReportFormat.csv, str(target))], force=True)
    want = render(_session(hpo).validate(paths), "csv")
    assert target.read_text(encoding="utf-8") == link.read_text(encoding="utf-8") == want
