"""The finding lines ``convert``/``upgrade`` print on stderr: one per finding, in blocks, control text escaped."""

from __future__ import annotations

import pytest

from phenotk.cli import _findings
from phenotk.issue import Issue, Report, Result, Severity


def _report(n: int) -> Report:
    """``n`` findings over several results, with info findings, cells, locations and hostile messages."""
    report = Report()
    severities = (Severity.ERROR, Severity.WARNING, Severity.INFO)
    for r in range(0, n, 7):
        issues = []
        for k in range(r, min(n, r + 7)):
            issues.append(
                Issue(
                    code="X",
                    rule="rule-" + str(k % 3),
                    severity=severities[k % 3],
                    message=f"message {k}" + ("\x1b]0;owned\x07\nforged: error" if k % 11 == 0 else ""),
                    pointer=f"/a/{k}",
                    line=k if k % 5 == 0 else None,
                    column=2 if k % 10 == 0 else None,
                    context={"sheet": "s.csv", "row": k} if k % 4 == 0 else {},
                )
            )
        report.results.append(Result(path=f"file{r}.csv", issues=issues))
    return report


@pytest.mark.parametrize("quiet", [False, True])
def test_every_finding_one_line_in_order_across_blocks(capsys, monkeypatch, quiet):
    monkeypatch.setattr(_findings, "_BLOCK", 16)  # many blocks, and a last partial one
    n = 16 * 5 + 3
    _findings.print_findings(_report(n), quiet=quiet)
    err = capsys.readouterr().err
    lines = err.split("\n")
    assert lines[-1] == ""  # ends with one newline, no empty line between blocks
    lines = lines[:-1]
    shown = [k for k in range(n) if not (quiet and k % 3 == 2)]
    assert len(lines) == len(shown)
    for line, k in zip(lines, shown, strict=True):
        assert f" rule-{k % 3}: message {k}" in line
        assert line.startswith(f"file{k - k % 7}.csv")
        if k % 5 == 0:
            assert line.startswith(f"file{k - k % 7}.csv:{k}" + (":2" if k % 10 == 0 else "") + ":")
        if k % 4 == 0:
            assert line.endswith(f"[sheet s.csv, row {k}]")
        elif k % 5:
            assert line.endswith(f"[/a/{k}]")
    assert "\x1b" not in err and "\x07" not in err
    assert sum("\\x1b]0;owned" in line for line in lines) == sum(1 for k in shown if k % 11 == 0)
