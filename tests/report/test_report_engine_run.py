"""Every reporter on a run of the real validation engine (no HPO: the engine notes that HPO checks were skipped)."""

from __future__ import annotations

import csv
import inspect
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import lxml.html
import pytest

from phenotk.issue import Report, RuleInfo
from phenotk.report import ReportFormat, render

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "report"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def engine_run(store_dir: Path) -> tuple[Report, dict[str, RuleInfo]]:
    import phenotk
    from phenotk.validation import rule_infos

    inputs = [store_dir / "TUBA1C", store_dir / "SGCE", EXAMPLES, FIXTURES / "bad-curie.json", FIXTURES / "broken.json"]
    report = phenotk.validate([str(p) for p in inputs])
    return report, rule_infos()


def test_engine_run_in_every_format(engine_run: tuple[Report, dict[str, RuleInfo]]) -> None:
    report, rules = engine_run
    assert report.issues and not report.ok
    outputs = {fmt: render(report, fmt, rules=rules) for fmt in ReportFormat}

    assert json.loads(outputs[ReportFormat.json]) == report.to_dict()
    assert len(outputs[ReportFormat.jsonl].splitlines()) == len(report.issues)

    schema = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    log = json.loads(outputs[ReportFormat.sarif])
    jsonschema.Draft4Validator(schema).validate(log)
    driver = log["runs"][0]["tool"]["driver"]
    by_code = {r.code: r for r in rules.values()}
    for descriptor in driver["rules"]:
        if descriptor["id"] == "IO001":  # input-unreadable is the runner's, not a registered rule
            continue
        info = by_code[descriptor["id"]]  # found although rule_infos() is keyed by name
        assert descriptor["shortDescription"]["text"] == info.summary
        assert descriptor["help"]["text"] == inspect.cleandoc(info.doc)
    notes = log["runs"][0]["invocations"][0].get("toolExecutionNotifications", [])
    assert [n["message"]["text"] for n in notes] == report.notes

    suite = ET.fromstring(outputs[ReportFormat.junit]).find("testsuite")
    assert suite is not None and int(suite.get("tests", "")) == len(report.results)

    rows = list(csv.reader(io.StringIO(outputs[ReportFormat.csv])))
    assert len(rows) == 1 + len(report.issues)

    tree = lxml.html.document_fromstring(outputs[ReportFormat.html])
    data = json.loads(tree.get_element_by_id("report-data").text)
    assert sum(len(g[3]) for g in data["groups"]) == len(report.issues)
    assert [li.text_content() for li in tree.xpath("//ul[@class='notes']/li")] == report.notes
    for href in set(tree.xpath("//table[@class='summary']//a[code]/@href")):
        assert tree.get_element_by_id(href[1:]).xpath(".//pre | .//p[contains(@class, 'missing')]")

    text = outputs[ReportFormat.text]
    s = report.summary
    assert f"{s['errors']} error" in text.splitlines()[-1]


def test_engine_run_html_in_headless_chromium(
    chromium: Any, artifacts: Path, engine_run: tuple[Report, dict[str, RuleInfo]], tmp_path: Path
) -> None:
    report, rules = engine_run
    page = tmp_path / "engine-report.html"
    page.write_text(render(report, "html", rules=rules), encoding="utf-8")
    chromium([f"--screenshot={tmp_path / 'shot.png'}", "--window-size=1280,900", page.as_uri()], tmp_path / "p")
    (artifacts / "report-html-engine.png").write_bytes((tmp_path / "shot.png").read_bytes())
    tree = lxml.html.document_fromstring(chromium(["--dump-dom", page.as_uri()], tmp_path / "p").stdout)
    rows = tree.xpath("//tbody[@id='rows']/tr")
    messages = {r.xpath("string(.//div[@class='msg'])") for r in rows}
    assert messages == {i.message for i in report.issues}  # no filter: every (collapsed) finding drawn
    n = len(report.issues)
    assert tree.xpath("string(//output[@id='shown'])") == f"showing {n} of {n} findings in {len(rows)} rows"
    assert [r.get("data-sev") for r in rows] == sorted((r.get("data-sev") for r in rows), key=_rank)


def _rank(sev: str | None) -> int:
    return ["error", "warning", "info"].index(sev or "")
