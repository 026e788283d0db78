"""A quote opened in a CSV cell and never closed: one-line error naming file and line, exit 2 — not a lost patient.

Python's lenient CSV reading runs such a cell to the end of the file: ``"P1,yes`` made one patient ``P1,yes\\nP2,no``
and every later row vanished into its id. Other quote slips that spreadsheet exports contain (un-doubled quotes in
rich text, as in REDCap data dictionaries) are still read as before, and cells with line breaks stay one cell.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from phenotk.cli.app import app
from phenotk.conversion.table.sheets import open_text_table, read_text_table
from phenotk.errors import InputError

MAPPING = ("phenotk_mapping: 1\nsubject: {id: ID}\n"
           "phenotypes: {wide: {columns: [Seizure], terms: {Seizure: 'HP:0001250'}}}\n")


@pytest.mark.parametrize(("text", "line"), [
    ('ID,Seizure\n"P1,yes\nP2,no\nP3,yes\n', 2),
    ('ID,Seizure\nP1,yes\nP2,"no\n', 3),
    ('ID,Seizure\nP1,"yes\nand more"\nP2,no\n"P3,yes', 5),
])
def test_an_unclosed_quote_is_an_input_error_naming_its_line(text: str, line: int, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8")
    for read in (lambda: read_text_table(path), lambda: open_text_table(path).materialize()):
        with pytest.raises(InputError, match=rf"line {line}: a quoted cell is not closed"):
            read()
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    res = CliRunner().invoke(app, ["convert", str(path), "--mapping", str(tmp_path / "m.yaml"), "--no-hpo",
                                   "-o", f"{tmp_path / 'out'}/", "--created", "2025-01-01T00:00:00Z"])
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert f"s.csv: malformed CSV: line {line}: a quoted cell is not closed" in res.output


def test_closed_multiline_cells_and_lenient_slips_are_read(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text('ID,Variant,Note\nP1,"c.1A>G\nc.2T>C",x\nP2,"a ""b"" c","<a href="u">l</a>"\nP3,"z"',
                    encoding="utf-8")
    for sheet in (read_text_table(path), open_text_table(path).materialize()):
        assert sheet.rows == [["P1", "c.1A>G\nc.2T>C", "x"], ["P2", 'a "b" c', '<a href=u">l</a>"'], ["P3", "z", ""]]
        assert sheet.row_numbers == [2, 3, 4]


def test_a_cell_over_the_csv_field_limit_names_its_line(tmp_path: Path) -> None:
    """Python's csv refuses a cell over 131,072 characters; the error said where not."""
    (tmp_path / "big.csv").write_text("ID,Notes\nP1,ok\nP2,\"" + "x" * 200_000 + "\"\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"malformed CSV: line 3: field larger than field limit"):
        read_text_table(tmp_path / "big.csv")


def test_a_bad_created_time_is_a_usage_error_in_the_api(tmp_path: Path) -> None:
    import phenotk
    from phenotk.errors import UsageError

    (tmp_path / "s.csv").write_text("ID,Sex\nP1,F\n", encoding="utf-8")
    (tmp_path / "m.yaml").write_text("phenotk_mapping: 1\nsubject: {id: ID, sex: Sex}\n", encoding="utf-8")
    with pytest.raises(UsageError, match="created 'yesterday' is not an RFC 3339 time"):
        phenotk.convert(tmp_path / "s.csv", mapping=tmp_path / "m.yaml", hpo=False, created="yesterday").messages()
