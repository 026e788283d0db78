"""Careless command lines: every usage problem is ONE ``error: …`` line on stderr and exit 2 (GUIDE §2).

Covers click's own parse errors (bad enum value, bad integer, unknown option, missing argument) and empty option
values (``--hpo ""`` from an unset shell variable), which used to print click's three-line ``Usage:`` block, or
were silently read as "no value" (``--hpo ""`` skipped the HPO checks, ``--select ""`` ran every rule, ``-o ""``
meant the current directory) or ended in an internal error (``convert --to ""``: exit 3).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from _cli_runner import run_cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


run = run_cli


@pytest.fixture()
def packet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PHENOTK_HPO", raising=False)
    shutil.copy(EXAMPLES / "proband-marfan.json", tmp_path / "p.json")
    return "p.json"


def one_error(code: int, err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 2, err
    assert len(lines) == 1, err
    assert "Traceback" not in err and "internal error" not in err and not err.startswith("Usage:")
    return lines[0]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["validate", "{p}", "--no-hpo", "-f", "xml"], ["--format", "'xml' is not one of", "phenotk validate --help"]),
        (["validate", "{p}", "--no-hpo", "-j", "-1"], ["--jobs", "greater than or equal to 0"]),
        (["validate", "{p}", "--no-hpo", "--workers", "0"], ["--workers"]),
        (["validate", "{p}", "--bogus"], ["No such option: --bogus"]),
        (["validate"], ["Missing argument 'paths'"]),
        (["convert", "{p}", "-o", "x.yaml", "--element", "x"], ["--element", "'x' is not one of"]),
        (["summarize", "{p}", "--top", "0"], ["--top"]),
        (["rules", "extra"], ["unexpected extra argument"]),
        (["ontology", "lookup"], ["Missing argument 'query'", "phenotk ontology lookup --help"]),
        (["serve", "--port", "70000"], ["--port"]),
        (["info", "{p}", "--from", "xml"], ["--from"]),
    ],
)
def test_click_usage_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], packet: str, argv: list[str], words: list[str]
) -> None:
    code, _, err = run(capsys, *[a.replace("{p}", packet) for a in argv])
    line = one_error(code, err)
    assert line.startswith("error: "), line
    for word in words:
        assert word in line, line


def test_file_name_with_leading_dash_gets_a_hint(capsys: pytest.CaptureFixture[str], packet: str) -> None:
    shutil.copy(packet, "-notes.json")
    line = one_error(*run(capsys, "validate", "-notes.json", "--no-hpo")[::2])
    assert "'-notes.json' is a file" in line and "./-notes.json" in line
    code, out, _ = run(capsys, "validate", "--no-hpo", "--", "-notes.json")
    assert code in (0, 1) and "example-proband-1" in out


def test_help_and_bare_group_still_print_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "--help")
    assert code == 0 and out.startswith("Usage: phenotk validate")
    code, out, err = run(capsys, "mapping")
    assert "Usage: phenotk mapping" in out + err and "init" in out + err


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "{p}", "--hpo", ""],
        ["validate", "{p}", "--no-hpo", "--select", ""],
        ["validate", "{p}", "--no-hpo", "--ignore", " "],
        ["validate", "{p}", "--no-hpo", "-o", ""],
        ["validate", "{p}", "--no-hpo", "--config", ""],
        ["validate", "{p}", "--no-hpo", "--baseline", ""],
        ["validate", "{p}", "--no-hpo", "--write-baseline", ""],
        ["validate", "{p}", "--no-hpo", "--organ-systems", ""],
        ["validate", ""],
        ["convert", "{p}", "-o", "out.yaml", "--to", ""],
        ["convert", "{p}", "-o", ""],
        ["upgrade", "{p}", "-o", ""],
        ["upgrade", "{p}", "-o", "up/", "--to", ""],
        ["summarize", "{p}", "--hpo", ""],
        ["fix", "{p}", "--dry-run", "--no-hpo", "--rule", ""],
        ["fix", "{p}", "--dry-run", "--hpo", ""],
        ["deidentify", "{p}", "-o", "", "--random-key"],
        ["ontology", "lookup", ""],
        ["ontology", "fetch", "--release", ""],
        ["mapping", "check", ""],
    ],
)
def test_empty_values_are_refused(capsys: pytest.CaptureFixture[str], packet: str, argv: list[str]) -> None:
    code, _, err = run(capsys, *[a.replace("{p}", packet) for a in argv])
    line = one_error(code, err)
    assert "empty value" in line, line
    assert sorted(p.name for p in Path.cwd().iterdir()) == ["p.json"]  # nothing written anywhere


def test_empty_prefix_and_created_by_stay_allowed(capsys: pytest.CaptureFixture[str], packet: str) -> None:
    code, _, err = run(capsys, "deidentify", packet, "-o", "de/", "--random-key", "--prefix", "")
    assert code in (0, 1), err
    code, _, err = run(capsys, "convert", packet, "-o", "c.yaml", "--created-by", "")
    assert code == 0, err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["validate", "{p}", "--no-hpo", "--fail-on", "error", "--fail-on", "never"],
         "--fail-on given more than once with different values (--fail-on error, --fail-on never)"),
        (["validate", "{p}", "--hpo", "a.obo", "--hpo", "b.obo"], "--hpo given more than once"),
        (["validate", "{p}", "--no-hpo", "-p", "strict", "--profile", "default"], "-p strict, --profile default"),
        (["convert", "{p}", "-o", "a.yaml", "-ob.yaml"], "-o a.yaml, -o b.yaml"),
        (["convert", "{p}", "-o", "a.yaml", "--validate", "--no-validate"], "--validate and --no-validate contradict"),
        (["mapping", "init", "{p}", "--sheet", "1", "--sheet=2"], "--sheet 1, --sheet 2"),
    ],
)
def test_a_single_valued_option_given_twice_differently_is_said(
    capsys: pytest.CaptureFixture[str], packet: str, argv: list[str], words: str
) -> None:
    # click keeps the last value without a word (--fail-on error --fail-on never exited 0 on errors); the last one
    # still counts — scripts and hooks append options — and the run says so
    code, _, err = run(capsys, *[a.replace("{p}", packet) for a in argv])
    warned = [ln for ln in err.splitlines() if ln.startswith("warning: ") and words in ln]
    assert len(warned) == 1 and "the last one" in warned[0], err
    if argv[3:5] == ["--fail-on", "error"]:
        assert code == 0  # --fail-on never, the last one, decides


def test_same_value_twice_and_repeatable_options_are_fine(capsys: pytest.CaptureFixture[str], packet: str) -> None:
    code, _, err = run(capsys, "validate", packet, "--no-hpo", "--no-hpo", "-f", "json", "-f", "json", "--select",
                       "schema", "--select", "time", "-q", "-q")  # fmt: skip
    assert code in (0, 1), err
    code, out, err = run(capsys, "validate", "--no-hpo", "--", packet, "--fail-on")  # after --: file names
    assert code == 2 and "--fail-on" in out + err


def test_stdin_named_twice_is_refused(capsys: pytest.CaptureFixture[str], packet: str) -> None:
    """``validate - -`` read the second stdin as an empty file; ``-o -`` (stdout) beside one ``-`` stays fine."""
    code, _, err = run(capsys, "validate", "-", "-", "--no-hpo")
    assert code == 2 and "- (stdin) is named more than once" in err
    code, _, err = run(capsys, "validate", packet, "--no-hpo", "-f", "json", "-o", "-", "--", "-")
    assert "named more than once" not in err
