"""``phenotk validate`` at scale (issue 18): several reports in one run, a display threshold, SARIF URIs
relative to ``--base-dir``, and a missing HPO said on stderr and first in the text and HTML reports."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import lxml.html
import pytest

from phenotk.cli.app import main

from .conftest import BASE_PHENOPACKET

SARIF_SCHEMA = Path(__file__).resolve().parent.parent / "fixtures" / "report" / "sarif-schema-2.1.0.json"


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    out = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else (0 if code is None else 1)), out.out, out.err


@pytest.fixture
def mixed(tmp_path: Path) -> list[str]:
    """Three packets: one with an error (bad sex), one with a warning (unreleased schema version), one clean."""
    docs: list[dict[str, Any]] = [copy.deepcopy(BASE_PHENOPACKET) for _ in range(3)]
    docs[0]["id"], docs[0]["subject"]["sex"] = "err", "male"
    docs[1]["id"], docs[1]["metaData"]["phenopacketSchemaVersion"] = "warn", "2.00"  # meta-schema-version: a warning
    docs[2]["id"] = "clean"
    folder = tmp_path / "in"
    folder.mkdir()
    paths = []
    for d in docs:
        p = folder / f"{d['id']}.json"
        p.write_text(json.dumps(d, indent=2), encoding="utf-8")
        paths.append(str(p))
    return paths


def test_several_outputs_in_one_run(capsys: pytest.CaptureFixture[str], mixed: list[str], tmp_path: Path) -> None:
    out = {f: tmp_path / f"r.{f}" for f in ("json", "sarif", "html", "csv")}
    argv = [f"{f}={p}" for f, p in out.items()]
    code, stdout, _ = _cli(capsys, "validate", *mixed, "--no-hpo", *(x for a in argv for x in ("--output", a)))
    assert code == 1 and stdout == ""  # only FORMAT=PATH outputs: nothing on stdout
    report = json.loads(out["json"].read_text())
    n = sum(len(r["issues"]) for r in report["results"])
    assert n >= 2 and report["summary"]["errors"] >= 1
    assert len(json.loads(out["sarif"].read_text())["runs"][0]["results"]) == n
    assert len(out["csv"].read_text().splitlines()) == 1 + n
    data = json.loads(lxml.html.parse(str(out["html"])).getroot().get_element_by_id("report-data").text)
    assert sum(len(g[3]) for g in data["groups"]) == n

    # an existing output stops the run before any report is written; --force replaces them all
    out["json"].unlink()
    code, _, err = _cli(capsys, "validate", *mixed, "--no-hpo", "--output", f"json={out['json']}", "--output",
                        f"sarif={out['sarif']}")  # fmt: skip
    assert code == 2 and "exists" in err and not out["json"].exists()
    code, _, _ = _cli(capsys, "validate", *mixed, "--no-hpo", "--force", "--output", f"json={out['json']}",
                      "--output", f"sarif={out['sarif']}", "--output", "text=-")  # fmt: skip
    assert code == 1 and out["json"].exists()

    # the public -f FORMAT -o PATH form still works, and mixes with FORMAT=PATH
    legacy = tmp_path / "legacy.json"
    code, stdout, _ = _cli(capsys, "validate", *mixed, "--no-hpo", "-f", "json", "-o", str(legacy),
                           "--output", f"csv={tmp_path / 'x.csv'}")  # fmt: skip
    assert code == 1 and stdout == "" and json.loads(legacy.read_text())["summary"] == report["summary"]
    assert (tmp_path / "x.csv").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ("-o", "a.json", "-o", "b.json"),  # two files without a format
        ("--output", "json=x.json", "--output", "sarif=x.json"),  # two reports to one file
        ("--output", "json=-", "--output", "text=-"),  # two on stdout
        ("--output", "json="),  # no file
        ("--show", "loud"),
        ("--show", "pdf=error"),
    ],
)
def test_output_and_show_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], mixed: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    code, stdout, err = _cli(capsys, "validate", *mixed, "--no-hpo", *argv)
    assert code == 2 and stdout == "" and err.count("\n") == 1 and "Traceback" not in err


def test_show_is_a_display_threshold_not_an_exit_code(capsys: pytest.CaptureFixture[str], mixed: list[str]) -> None:
    _, full, _ = _cli(capsys, "validate", *mixed, "--no-hpo")
    code, errors_only, _ = _cli(capsys, "validate", *mixed, "--no-hpo", "--show", "error", "--fail-on", "warning")
    assert code == 1
    finding_lines = [ln for ln in errors_only.splitlines() if ln.startswith("  ")]
    assert finding_lines and all(" error " in ln for ln in finding_lines)
    assert len(errors_only.splitlines()) < len(full.splitlines())
    assert "below error not shown (--show error)" in errors_only.splitlines()[-1]
    assert full.splitlines()[-1].split(" (")[0] == errors_only.splitlines()[-2].split(" (")[0]  # same counts

    # warnings only in the input and only errors shown: nothing listed, still exit 1 under --fail-on warning
    code, out, _ = _cli(capsys, "validate", mixed[1], "--no-hpo", "--show", "error", "--fail-on", "warning")
    assert code == 1 and not [ln for ln in out.splitlines() if ln.startswith("  ")]

    # machine formats keep everything unless asked (FORMAT=LEVEL)
    _, everything, _ = _cli(capsys, "validate", *mixed, "--no-hpo", "-f", "json", "--show", "error")
    _, asked, _ = _cli(capsys, "validate", *mixed, "--no-hpo", "-f", "json", "--show", "json=error")
    all_issues = [i for r in json.loads(everything)["results"] for i in r["issues"]]
    kept = [i for r in json.loads(asked)["results"] for i in r["issues"]]
    assert {i["severity"] for i in all_issues} > {"error"} and {i["severity"] for i in kept} == {"error"}
    assert json.loads(asked)["notes"][-1].endswith("below error not shown (--show error)")


def test_sarif_uris_relative_to_base_dir_validate_against_the_schema(
    capsys: pytest.CaptureFixture[str], mixed: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    validator = jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    out = tmp_path / "r.sarif"

    def uris(*extra: str) -> tuple[list[str], dict[str, Any]]:
        code, _, _ = _cli(capsys, "validate", *mixed, "--no-hpo", "--force", "-f", "sarif", "-o", str(out), *extra)
        assert code == 1
        log = json.loads(out.read_text())
        validator.validate(log)
        run = log["runs"][0]
        locs = [res["locations"][0]["physicalLocation"]["artifactLocation"] for res in run["results"]]
        assert all(loc["uriBaseId"] == "%SRCROOT%" for loc in locs)
        return [loc["uri"] for loc in locs], run["originalUriBaseIds"]

    # absolute inputs, explicit base: relative URIs and the base as a file:// URI ending in /
    got, base = uris("--base-dir", str(tmp_path))
    assert got[:2] == ["in/err.json", "in/warn.json"] and base == {"%SRCROOT%": {"uri": tmp_path.as_uri() + "/"}}
    # default: the git repository root of the working directory
    repo = tmp_path / "repo"
    shutil.copytree(tmp_path / "in", repo / "data")
    (repo / ".git").mkdir()
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")
    mixed[:] = ["../data/err.json", "../data/warn.json"]
    got, base = uris()
    assert got == ["data/err.json", "data/warn.json"] and base["%SRCROOT%"]["uri"] == repo.as_uri() + "/"
    # outside a repository: the working directory
    shutil.rmtree(repo / ".git")
    monkeypatch.chdir(repo)
    mixed[:] = [str(repo / "data" / "err.json"), "data/warn.json"]
    got, _ = uris()
    assert got == ["data/err.json", "data/warn.json"]


def test_missing_hpo_is_said_on_stderr_and_first_in_text_and_html(
    capsys: pytest.CaptureFixture[str], mixed: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Offline, no HPO anywhere: one stderr line also with -o, and the first line of text and HTML reports."""
    monkeypatch.setenv("PHENOTK_OFFLINE", "1")
    monkeypatch.setenv("PHENOTK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PHENOTK_HPO", raising=False)
    monkeypatch.chdir(tmp_path)
    page, sarif = tmp_path / "r.html", tmp_path / "r.sarif"
    code, out, err = _cli(capsys, "validate", mixed[2], "--output", f"html={page}", "--output", f"sarif={sarif}",
                          "--output", "text=-")  # fmt: skip
    assert code == 0
    warning = [ln for ln in err.splitlines() if "HPO" in ln]
    assert len(warning) == 1 and "--hpo FILE" in warning[0]
    assert out.splitlines()[0] == warning[0]
    tree = lxml.html.parse(str(page)).getroot()
    alert = tree.xpath("//body/*[1]")[0]
    assert alert.get("role") == "alert" and alert.text_content() == warning[0]
    # with a file report only, the line is still on stderr
    code, out, err = _cli(capsys, "validate", mixed[2], "-f", "sarif", "-o", str(sarif), "--force")
    assert code == 0 and out == "" and [ln for ln in err.splitlines() if "HPO" in ln] == warning
    # --require-hpo: exit 2
    assert _cli(capsys, "validate", mixed[2], "--require-hpo", "-o", str(sarif), "--force", "-f", "sarif")[0] == 2
    # --no-hpo stays quiet
    code, out, err = _cli(capsys, "validate", mixed[2], "--no-hpo")
    assert "HPO" not in err and not out.startswith("warning")
