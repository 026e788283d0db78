"""Reprs stay small on the whole store (like pandas: head, counts, '… N more'); --top holds in every format."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import phenotk
from phenotk.analysis import read_cohort

LIMIT = 100_000  # bytes: one evaluated cell must not put megabytes into a notebook


@pytest.mark.slow
def test_store_report_reprs_are_bounded(store_dir: Path, hpo) -> None:
    report = phenotk.validate(str(store_dir), hpo=hpo)
    # thousands of findings: everything printed in full would be megabytes (the dataclass repr was 5.6 MB)
    assert len(report) > 1_000 and len(str(report.to_records())) > 10 * LIMIT
    text, page = repr(report), report._repr_html_()
    assert len(text) < LIMIT and len(page) < LIMIT
    more = len(report) - report.REPR_ROWS
    assert f"… {more} more finding(s)" in text and "to_dataframe()" in text
    assert f"… {len(report) - report.HTML_ROWS} more finding(s) not shown" in page and "write_report" in page
    # counts are all there even though the rows are not
    s = report.summary
    assert f"{s['errors']} error(s)" in text and f"{s['info']} info" in page
    worst_first = report._shown(3)
    assert all(i.severity is phenotk.Severity.ERROR for _, i in worst_first)
    assert all(len(repr(r)) < 1_000 for r in report.results)


@pytest.mark.slow
def test_store_cohort_and_summary_reprs_are_bounded(store_dir: Path, hpo) -> None:
    cohort = read_cohort(store_dir, hpo=hpo)
    summary = cohort.summary()
    for obj in (cohort, summary):
        assert len(repr(obj)) < LIMIT and len(obj._repr_html_()) < LIMIT
    assert f"{len(cohort)} phenopackets" in repr(cohort) and "more" in repr(cohort)
    assert f"… {len(summary.terms) - 10} more" in repr(summary)


def _summarize(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "phenotk", "summarize", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PHENOTK_CACHE_DIR": str(tmp_path)},
    )


def test_summarize_top_is_honoured_by_every_format(store_dir: Path, hpo_dir: Path, tmp_path: Path) -> None:
    inputs = [str(store_dir / "LMNA"), "--hpo", str(hpo_dir / "hp.json"), "--top", "4"]
    out = _summarize([*inputs, "--format", "json"], tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert len(data["terms"]) == 4 and len(data["diseases"]) <= 4 and data["terms_total"] > 4
    assert data["counts"] == "propagated" and {"observed_direct", "excluded_direct"} <= set(data["terms"][0])
    assert data["onset"]["features"]["ages_years"]["n"] >= 0 and "diseases" in data["onset"]
    text = _summarize([*inputs, "--format", "text"], tmp_path).stdout
    assert text.count(" (HP:") == 4
    html = _summarize([*inputs, "--format", "html"], tmp_path).stdout
    assert "Top 4 of" in html
    term_table = html.split("Top 4 of", 1)[1].split("</table>", 1)[0]
    assert term_table.count("<code>HP:") == 4
