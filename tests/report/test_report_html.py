from __future__ import annotations

import inspect
import json
import re
import shutil
import struct
from pathlib import Path
from typing import Any

import lxml.html

from phenotk.issue import Fix, Issue, PatchOp, Report, Result, RuleInfo, Severity
from phenotk.report import render
from phenotk.report.html import rule_anchor

EVIL = "<script>alert('x')</script>"


def _tree(page: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(page)


def test_everything_from_the_report_is_escaped() -> None:
    report = Report(
        hpo_version=f"2025 {EVIL}",
        notes=[f"note {EVIL}"],
        results=[
            Result(
                f"dir/{EVIL}.json",
                "phenopacket",
                f"id {EVIL}",
                [Issue(f"C{EVIL}", f"rule-{EVIL}", Severity.ERROR, f"message {EVIL}", f"/a/{EVIL}", 1, 2)],
            ),
            Result(f"clean {EVIL}.json", "phenopacket", EVIL),
        ],
    )
    rules = {f"C{EVIL}": RuleInfo(f"C{EVIL}", f"rule-{EVIL}", Severity.ERROR, f"sum {EVIL}", f"doc {EVIL}", EVIL)}
    page = render(report, "html", rules=rules)
    assert EVIL not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert page.count("<script") == 1  # the page's own script only
    tree = _tree(page)
    assert tree.xpath("string(//td[@class='c-msg'])") == f"message {EVIL}"
    anchor = tree.xpath("//td[@class='c-rule']/a/@href")[0]
    assert anchor == "#" + rule_anchor(f"C{EVIL}") and re.fullmatch(r"#rule-[A-Za-z0-9_-]+", anchor)
    assert tree.get_element_by_id(anchor[1:]).tag == "details"


def test_page_is_self_contained(real_report: Report, rules: dict[str, RuleInfo]) -> None:
    page = render(real_report, "html", rules=rules)
    tree = _tree(page)
    assert not tree.xpath("//link | //img | //iframe | //script[@src] | //object | //embed")
    assert all(h.startswith("#") for h in tree.xpath("//@href"))
    assert not re.search(r"@import|url\(", page)
    assert "default-src 'none'" in page


def test_real_run_structure(real_report: Report, rules: dict[str, RuleInfo]) -> None:
    tree = _tree(render(real_report, "html", rules=rules))
    assert "HPO release 2025-05-06" in tree.xpath("string(//p[@class='meta'])")
    with_findings = [r for r in real_report.results if r.issues]
    sections = tree.xpath("//section[@class='file']")
    assert [s.xpath("string(.//span[@class='path'])") for s in sections] == [r.path for r in with_findings]
    rows = tree.xpath("//tr[contains(@class, 'finding')]")
    assert len(rows) == len(real_report.issues)
    assert sorted(r.get("data-sev") for r in rows) == sorted(i.severity.value for i in real_report.issues)
    # every finding links to an embedded documentation block of its rule
    for href in set(tree.xpath("//td[@class='c-rule']/a/@href")):
        block = tree.get_element_by_id(href[1:])
        code = block.xpath("string(.//summary/code)")
        from phenotk import catalog

        entry = catalog.get(code)
        if code in rules:
            assert block.xpath("string(.//pre)") == inspect.cleandoc(rules[code].doc)
        elif entry is not None:  # not passed in `rules` (input-unreadable): the report finds it in the catalog
            assert block.xpath("string(.//pre)") == entry.doc
        else:
            assert f"phenotk explain {code}" in block.text_content()
    doc_texts = tree.xpath("//details[@class='rule-doc']//pre/text()")
    assert any("Anti-pattern" in t for t in doc_texts)
    # summary cards count what the report holds
    cards = {
        c.get("class").split()[1]: int(c.xpath("string(.//span[@class='n'])"))
        for c in tree.xpath("//div")
        if (c.get("class") or "").startswith("card ")
    }
    s = real_report.summary
    assert cards == {
        "files": s["files"],
        "error": s["errors"],
        "warning": s["warnings"],
        "info": s["info"],
        "clean": sum(1 for r in real_report.results if not r.issues),
    }
    clean = tree.xpath("//details[@class='clean']//li/code/text()")
    assert clean == [r.path for r in real_report.results if not r.issues]


def test_without_rules_or_hpo(small_report: Report) -> None:
    small_report.hpo_version = None
    tree = _tree(render(small_report, "html"))
    assert "no HPO release used" in tree.xpath("string(//p[@class='meta'])")
    assert "phenotk explain HPO001" in tree.xpath("string(//details[@id='rule-HPO001'])")


# ------------------------------------------------------------------ headless browser (issue 9)


def test_html_report_in_headless_chromium(
    chromium: Any, artifacts: Path, real_report: Report, rules: dict[str, RuleInfo], tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    page.write_text(render(real_report, "html", rules=rules), encoding="utf-8")
    shot = tmp_path / "shot.png"
    chromium([f"--screenshot={shot}", "--window-size=1280,900", page.as_uri()], tmp_path / "profile")
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (1280, 900)
    assert len(png) > 20_000  # a blank page is a few kB
    shutil.copyfile(shot, artifacts / "report-html.png")

    # The DOM after the script ran, with all three filters preset by the URL: warnings and errors of
    # rule HPO010 in files whose path/id contains "sgce" (other HPO010 findings are in other genes).
    url = page.as_uri() + "?severity=error,warning&rule=HPO010&q=SGCE"
    dom = chromium(["--dump-dom", url], tmp_path / "profile").stdout
    tree = _tree(dom)
    assert "js" in tree.get("class", "").split()
    rows = tree.xpath("//tr[contains(@class, 'finding')]")
    assert len(rows) == len(real_report.issues)
    messages = [r.xpath("string(./td[@class='c-msg']/text())") for r in rows]
    assert sorted(messages) == sorted(i.message for i in real_report.issues)
    shown = [r for r in rows if r.get("hidden") is None]
    expected = [
        (r.path, i.message)
        for r, i in real_report.iter_issues()
        if i.severity is not Severity.INFO and i.code == "HPO010" and "sgce" in f"{r.path} {r.id}".lower()
    ]
    all_hpo010 = [i for i in real_report.issues if i.code == "HPO010"]
    assert 0 < len(expected) < len(all_hpo010)
    shown_pairs = [
        (r.xpath("string(ancestor::section//span[@class='path'])"), r.xpath("string(./td[@class='c-msg']/text())"))
        for r in shown
    ]
    assert shown_pairs == expected
    assert tree.xpath("string(//output[@id='shown'])") == f"showing {len(expected)} of {len(rows)} findings"
    visible_sections = [s for s in tree.xpath("//section[@class='file']") if s.get("hidden") is None]
    assert len(visible_sections) == len({p for p, _ in expected})


def test_long_fix_values_are_shortened_with_full_patch_in_tooltip() -> None:
    value = {"id": "hp", "url": "x" * 200}
    fix = Fix((PatchOp("add", "/metaData/resources/-", value),), safe=False, description="declare HP")
    report = Report(results=[Result("a.json", issues=[Issue("M1", "m", Severity.ERROR, "msg", "/metaData", fix=fix)])])
    code = _tree(render(report, "html")).xpath("//div[contains(@class, 'fix')]/code")[0]
    assert code.text.endswith("…") and len(code.text) < 120
    assert code.get("title") == f"add /metaData/resources/- = {json.dumps(value)}"
    assert "suggestion" in code.getparent().text_content()
