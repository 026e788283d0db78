from __future__ import annotations

import csv
import io

from phenotk.issue import Issue, Report, Result, Severity
from phenotk.report import render
from phenotk.report.csv import neutralise


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_columns_and_rows(real_report: Report) -> None:
    rows = _rows(render(real_report, "csv"))
    assert rows[0] == ["PATH", "LEVEL", "VALIDATOR_ID", "CATEGORY", "MESSAGE"]
    assert len(rows) == 1 + len(real_report.issues)
    for row, (result, issue) in zip(rows[1:], real_report.iter_issues(), strict=True):
        assert row == [result.path, issue.severity.value.upper(), issue.code, issue.rule, issue.message]
    assert {r[1] for r in rows[1:]} == {"ERROR", "WARNING", "INFO"}


def test_quoting_and_formula_injection() -> None:
    tricky = 'has, comma and "quotes"\nand a newline'
    report = Report(
        results=[
            Result(
                "-",
                issues=[
                    Issue("C1", "c", Severity.ERROR, tricky),
                    Issue("C2", "c", Severity.INFO, '=HYPERLINK("http://x","y")'),
                    Issue("C3", "c", Severity.WARNING, "+1"),
                    Issue("C4", "c", Severity.WARNING, "@SUM(A1)"),
                ],
            )
        ]
    )
    rows = _rows(render(report, "csv"))
    assert rows[1] == ["'-", "ERROR", "C1", "c", tricky]
    assert rows[2][4] == '\'=HYPERLINK("http://x","y")'
    assert rows[3][4] == "'+1"
    assert rows[4][4] == "'@SUM(A1)"
    assert neutralise("HP:1 -x") == "HP:1 -x"
    assert neutralise("\tx") == "'\tx"


def _cr_report() -> Report:
    """Findings whose path and message hold a bare carriage return (a file name may; a message quoting input may)."""
    return Report(
        results=[
            Result("data/cr\rname.json", "phenopacket", "p1", [Issue("C1", "c", Severity.ERROR, "one\rtwo")]),
            Result("data/plain.json", "phenopacket", "p2", [Issue("C2", "c", Severity.WARNING, "plain")]),
        ]
    )


def test_carriage_return_stays_inside_its_cell() -> None:
    # csv.writer quotes only the line terminator's characters ("\n"): a bare "\r" went out unquoted and every
    # reader (csv, pandas, Excel) split the row there
    text = render(_cr_report(), "csv")
    rows = _rows(text)
    assert rows[1:] == [
        ["data/cr\rname.json", "ERROR", "C1", "c", "one\rtwo"],
        ["data/plain.json", "WARNING", "C2", "c", "plain"],
    ]
    import pandas as pd

    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert frame["PATH"].tolist() == ["data/cr\rname.json", "data/plain.json"]
    assert frame["MESSAGE"].tolist() == ["one\rtwo", "plain"]


def test_streamed_rows_quote_a_carriage_return_too() -> None:
    from phenotk.report._common import RenderOptions
    from phenotk.report.csv import Stream

    stream = Stream(RenderOptions())
    report = _cr_report()
    text = "".join(stream.issue(r, i) for r, i in report.iter_issues())
    assert _rows(text) == _rows(render(report, "csv"))[1:]
