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
