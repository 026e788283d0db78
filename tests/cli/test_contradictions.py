"""Options that contradict each other, or that the run ignores, are said (a warning; they run as before); usage
that made a file named ``-``, crashed or would replace a file that is no output is one usage error (exit 2).

Before: ``--hpo F --no-hpo`` quietly dropped F; ``--require-hpo --no-hpo`` exited 0; ``validate --workers 2``
(no --engine) and ``convert --report-format json`` (no --report) were ignored; ``convert --no-validate -p strict``
validated nothing; ``upgrade --disease`` without ``--variants-to-interpretations`` was dropped; ``convert -o -``
wrote a file named ``-`` and ``upgrade -o -`` a directory named ``-``; ``upgrade -`` (stdin, which its help
promised) said "-: no such file"; ``fix -o -``, ``deidentify -o -`` / ``--privacy-report -`` and
``validate --write-baseline -`` made a file or folder named ``-``; ``convert --created yesterday`` was an
internal error (exit 3); ``validate --write-baseline other.json`` replaced any file without --force;
``validate --select time-future --ignore time-future`` checked nothing and exited 0; ``--show html=info``
without an HTML report was ignored.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from _cli_runner import run_cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SHEET_MAPPING = "phenotk_mapping: 1\nid: Patient\nsubject:\n  id: Patient\n"


run = run_cli


@pytest.fixture()
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PHENOTK_HPO", raising=False)
    shutil.copy(EXAMPLES / "proband-marfan.json", tmp_path / "p.json")
    (tmp_path / "s.csv").write_text("Patient,Sex\nP1,M\n", encoding="utf-8")
    (tmp_path / "m.yaml").write_text(SHEET_MAPPING, encoding="utf-8")
    (tmp_path / "hp.obo").write_text("format-version: 1.2\n", encoding="utf-8")
    return tmp_path


#: command lines earlier releases ran without a word: they still run as they did, with one warning line
WARNED = [
    (["validate", "p.json", "--hpo", "hp.obo", "--no-hpo"], "--hpo and --no-hpo contradict each other; --no-hpo wins"),
    (["validate", "p.json", "--require-hpo", "--no-hpo"], "--require-hpo and --no-hpo contradict"),
    (["validate", "p.json", "--no-hpo", "--workers", "2"], "--workers needs --engine dask or spark; it is ignored"),
    (["validate", "p.json", "--no-hpo", "--scheduler", "tcp://h:8786"], "--scheduler needs --engine dask or spark"),
    (["validate", "p.json", "--no-hpo", "--select", "time-future", "--ignore", "time-future"],
     "leave no rule to run (select time-future, ignore time-future)"),
    (["validate", "p.json", "--no-hpo", "--select", "schema", "--ignore", "schema"], "leave no rule to run"),
    (["validate", "p.json", "--no-hpo", "--show", "html=info"], "--show html=info: this run writes no html report"),
    (["validate", "p.json", "--no-hpo", "-f", "json", "--base-dir", "."], "--base-dir needs a SARIF report"),
    (["validate", "p.json", "--no-hpo", "-o", "json=r.json", "--show", "sarif=error"], "writes no sarif report"),
    (["validate", "p.json", "--no-hpo", "--select", "hpo-unknown-term"], "HPO rules need HPO: drop --no-hpo"),
    (["convert", "p.json", "-o", "o.yaml", "--hpo", "hp.obo", "--no-hpo"], "--hpo and --no-hpo contradict"),
    (["convert", "p.json", "-o", "o.yaml", "--report-format", "json"], "--report-format needs --report FILE"),
    (["convert", "s.csv", "-m", "m.yaml", "-o", "o/", "--no-hpo", "--no-validate", "-p", "strict"],
     "--profile needs validation"),
    (["convert", "s.csv", "-m", "m.yaml", "-o", "o/", "--no-hpo", "--no-validate", "--select", "schema"],
     "--select needs validation"),
    (["convert", "s.csv", "-m", "m.yaml", "-o", "o/", "--no-hpo", "--no-validate", "--ignore", "time"],
     "--ignore needs validation"),
    (["upgrade", "p.json", "-o", "v2/", "--disease", "OMIM:154700"], "--disease needs --variants-to-interpretations"),
    (["summarize", "p.json", "--hpo", "hp.obo", "--no-hpo"], "--hpo and --no-hpo contradict"),
    (["fix", "p.json", "--dry-run", "--hpo", "hp.obo", "--no-hpo"], "--hpo and --no-hpo contradict"),
]

#: command lines that made a file named '-', crashed, or would replace a file that is no output: refused
REFUSED = [
    (["convert", "p.json", "-o", "-", "--to", "yaml"], "convert writes files, not stdout"),
    (["convert", "p.json", "-o", "o.yaml", "--created", "yesterday"], "--created 'yesterday' is not an RFC 3339"),
    (["upgrade", "p.json", "-o", "-"], "upgrade writes files, not stdout"),
    (["upgrade", "-", "-o", "v2/"], "upgrade reads files, not stdin (-)"),
    (["fix", "p.json", "--no-hpo", "-o", "-"], "--output-dir -: fixed files go into a directory"),
    (["fix", "-", "--no-hpo", "-i"], "--in-place cannot rewrite stdin (-)"),
    (["deidentify", "p.json", "-o", "-", "--random-key"], "-o/--output -: de-identified files keep their layout"),
    (["deidentify", "p.json", "-o", "de/", "--random-key", "--privacy-report", "-"], "--privacy-report -: "),
    (["validate", "p.json", "--no-hpo", "--write-baseline", "-"], "--write-baseline -: a baseline is a file"),
]


@pytest.mark.parametrize(("argv", "words"), WARNED, ids=[" ".join(c[0]) for c in WARNED])
def test_contradictions_run_as_before_with_a_warning(
    capsys: pytest.CaptureFixture[str], work: Path, argv: list[str], words: str
) -> None:
    """Public usage keeps working (scripts, a hook whose entry has --no-hpo plus args: [--hpo, F]); it is said."""
    code, _, err = run(capsys, *argv)
    warned = [ln for ln in err.splitlines() if ln.startswith("warning: ") and words in ln]
    assert code in (0, 1) and len(warned) == 1, err
    assert "a later release may refuse this" in warned[0] and "Traceback" not in err


@pytest.mark.parametrize(("argv", "words"), REFUSED, ids=[" ".join(c[0]) for c in REFUSED])
def test_dangerous_usage_is_one_usage_error(
    capsys: pytest.CaptureFixture[str], work: Path, argv: list[str], words: str
) -> None:
    before = sorted(p.name for p in work.iterdir())
    code, _, err = run(capsys, *argv)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 2 and len(lines) == 1, err
    assert words in lines[0] and "Traceback" not in err, lines[0]
    assert sorted(p.name for p in work.iterdir()) == before  # nothing written (no "-" file or folder)


def test_no_hpo_still_wins_over_hpo(capsys: pytest.CaptureFixture[str], work: Path) -> None:
    """As before the warning: the HPO file is not even opened (hp.obo here is no ontology)."""
    code, out, err = run(capsys, "validate", "p.json", "--hpo", "hp.obo", "--no-hpo")
    assert code in (0, 1) and "HPO checks skipped: --no-hpo" in out + err, out + err


def test_write_baseline_replaces_a_baseline_but_no_other_file(capsys: pytest.CaptureFixture[str], work: Path) -> None:
    other = work / "notes.json"
    other.write_text('{"mine": true}\n', encoding="utf-8")
    code, _, err = run(capsys, "validate", "p.json", "--no-hpo", "--write-baseline", "notes.json")
    assert code == 2 and "notes.json: exists and is not a phenotk baseline; use --force" in err
    assert json.loads(other.read_text()) == {"mine": True}
    # a baseline is refreshed in place, as before
    assert run(capsys, "validate", "p.json", "--no-hpo", "--write-baseline", "b.json")[0] == 0
    assert run(capsys, "validate", "p.json", "--no-hpo", "--write-baseline", "b.json")[0] == 0
    # --force replaces anything
    assert run(capsys, "validate", "p.json", "--no-hpo", "--write-baseline", "notes.json", "--force")[0] == 0
    assert json.loads(other.read_text())["format"] == "phenotk-baseline/1"


def test_consistent_options_still_run(capsys: pytest.CaptureFixture[str], work: Path) -> None:
    code, _, err = run(capsys, "convert", "s.csv", "-m", "m.yaml", "-o", "o/", "--no-hpo", "--no-validate",
                       "--created", "2024-05-01T00:00:00Z")
    assert code in (0, 1), err
    (made,) = (work / "o").iterdir()
    assert json.loads(made.read_text())["metaData"]["created"] == "2024-05-01T00:00:00Z"


def test_dash_is_stdout_where_it_makes_sense(capsys: pytest.CaptureFixture[str], work: Path) -> None:
    # summarize -o - and upgrade --report - wrote a file named "-" / refused "-"
    code, out, err = run(capsys, "summarize", "p.json", "--no-hpo", "-o", "-")
    assert code == 0 and out.startswith("1 phenopackets") and not (work / "-").exists(), err
    code, out, err = run(capsys, "upgrade", "p.json", "-o", "v2/", "--report", "-")
    assert code == 0 and json.loads(out)["tool"] == "phenotk" and not (work / "-").exists(), err
