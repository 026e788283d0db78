"""Careless mapping files: problems that passed ``mapping check`` and then broke, or silently changed, a conversion.

- a key given twice (``subject: {id: Patient, id: Other}``): YAML kept the last one, ``mapping check`` said valid;
- ``input.delimiter: ';;'``, ``input.encoding: rot13`` / ``base64``: valid, then an internal error (exit 3) on every
  sheet; ``input.encoding: klingon`` was found only when a sheet was read;
- ``template: 'P_{Patient'``: one text for every row, so every row became one packet (exit 0);
  ``{PMID|digit}``: the unknown filter was dropped and the whole cell kept.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from _cli_runner import run_cli
from phenotk.cli.app import main
from phenotk.mapping import check_mapping, parse_mapping

HEAD = "phenotk_mapping: 1\n"
SUBJECT = "subject:\n  id: Patient\n"


def errors(text: str) -> list[tuple[int | None, int | None, str]]:
    _, _, found = check_mapping(text, "m.yaml")
    return [(e.line, e.column, e.message) for e in found]


def test_duplicate_key_is_located_at_the_second_one() -> None:
    ((line, col, message),) = errors(HEAD + "subject:\n  id: Patient\n  id: Other\n")
    assert (line, col) == (4, 3)
    assert "duplicate key 'id' (first given at line 3)" in message


def test_keys_a_merge_brings_in_may_still_be_overridden() -> None:
    text = HEAD + "subject:\n  <<: {id: Patient, sex: Sex}\n  sex: Gender\n"
    assert errors(text) == []
    assert parse_mapping(text).subject["sex"].column == "Gender"


def test_values_keys_that_differ_only_in_case_are_not_duplicates() -> None:
    text = HEAD + "subject:\n  id: Patient\n  sex:\n    column: Sex\n    values: {m: MALE, M: MALE}\n"
    assert errors(text) == []


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ("delimiter: ';;'", "input/delimiter: ';;' is not one character"),
        ("delimiter: semicolon", "is not one character"),
        ("encoding: rot13", "input/encoding: 'rot13' is not a text encoding"),
        ("encoding: base64", "'base64' is not a text encoding"),
        ("encoding: klingon", "input/encoding: unknown encoding 'klingon'"),
    ],
)
def test_input_settings_that_cannot_read_a_sheet(setting: str, words: str) -> None:
    ((line, col, message),) = errors(HEAD + f"input:\n  {setting}\n" + SUBJECT)
    assert line == 3 and col is not None and words in message


@pytest.mark.parametrize("setting", ["delimiter: tab", "delimiter: '\\t'", "delimiter: ';'", "encoding: cp1252"])
def test_good_input_settings_stay_valid(setting: str) -> None:
    assert errors(HEAD + f"input:\n  {setting}\n" + SUBJECT) == []


def test_tab_spelled_out_reads_a_tab_separated_sheet() -> None:
    assert parse_mapping(HEAD + "input:\n  delimiter: tab\n" + SUBJECT).delimiter == "\t"


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("P_{Patient", "has a brace without its pair"),
        ("P_}{Patient}", "has a brace without its pair"),
        ("PMID_{PMID|digit}", "unknown filter '|digit' in {PMID|digit} (known: |digits)"),
    ],
)
def test_broken_templates_are_errors(template: str, words: str) -> None:
    ((line, col, message),) = errors(HEAD + f"id:\n  template: '{template}'\n" + SUBJECT)
    assert (line, col) == (3, 13) and message.startswith("id/template: ") and words in message


def test_templates_inside_blocks_are_checked_too() -> None:
    text = HEAD + SUBJECT + "diseases:\n  id:\n    template: 'OMIM:{MIM'\n"
    ((line, _, message),) = errors(text)
    assert line == 6 and message.startswith("diseases/id/template: ")


def test_good_templates_stay_valid() -> None:
    assert errors(HEAD + "id:\n  template: 'PMID_{PMID|digits}_{Patient}'\n" + SUBJECT) == []


def test_convert_with_such_a_mapping_is_one_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("s.csv").write_text("Patient,Sex\nP1,M\nP2,F\n", encoding="utf-8")
    Path("m.yaml").write_text(HEAD + "input:\n  delimiter: ';;'\n" + SUBJECT, encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        main(["convert", "s.csv", "-m", "m.yaml", "-o", "out/", "--no-hpo"])
    err = capsys.readouterr().err
    assert done.value.code == 2 and "internal error" not in err
    assert err.splitlines()[0].startswith("m.yaml:3:14: input/delimiter: ';;' is not one character")
    assert not Path("out").exists()


_cli = run_cli


@pytest.fixture()
def sheet_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PHENOTK_HPO", raising=False)
    Path("s.csv").write_text("Patient,Sex\nP1,M\nP2,F\n", encoding="utf-8")
    return tmp_path


def test_mapping_check_takes_a_built_in_name_as_explain_does(
    capsys: pytest.CaptureFixture[str], sheet_dir: Path
) -> None:
    # it said "error: generic-wide: cannot read: No such file or directory"
    code, _, err = _cli(capsys, "mapping", "check", "generic-wide")
    assert code == 0 and "generic-wide: valid mapping" in err


def test_mapping_check_reads_stdin(
    capsys: pytest.CaptureFixture[str], sheet_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(HEAD + SUBJECT))
    code, _, err = _cli(capsys, "mapping", "check", "-", "s.csv")
    assert code == 0 and "-: valid mapping" in err and "2 packet(s)" in err
    monkeypatch.setattr("sys.stdin", io.StringIO(HEAD + "subject:\n  id: Patient\n  id: P\n"))
    code, out, _ = _cli(capsys, "mapping", "check", "-")
    assert code == 1 and "-:4:3: not valid YAML: duplicate key 'id'" in out


def test_mapping_check_of_a_missing_file_names_the_built_in_ones(
    capsys: pytest.CaptureFixture[str], sheet_dir: Path
) -> None:
    code, _, err = _cli(capsys, "mapping", "check", "nope.yaml")
    assert code == 2 and err.startswith("nope.yaml: mapping file not found (built-in mappings: ")


def test_mapping_init_dash_output_is_stdout(capsys: pytest.CaptureFixture[str], sheet_dir: Path) -> None:
    # -o - wrote a file named "-"
    code, out, _ = _cli(capsys, "mapping", "init", "s.csv", "-o", "-")
    assert code == 0 and "phenotk_mapping: 1" in out and not Path("-").exists()


@pytest.mark.parametrize("command", [["mapping", "init", "s.csv"], ["mapping", "explain", "generic-wide", "s.csv"]])
def test_sheet_option_on_a_csv_is_said(
    capsys: pytest.CaptureFixture[str], sheet_dir: Path, command: list[str]
) -> None:
    # --sheet names a worksheet of a workbook; on a CSV it was ignored without a word (still ignored: said now)
    code, _, err = _cli(capsys, *command, "--sheet", "Data")
    assert code in (0, 2) and err.startswith("warning: --sheet Data names a worksheet of a workbook"), err
