"""End to end in headless Chromium: the curator's path through the page, and the time a 500-row sheet takes.

The packets downloaded from the page must equal what :func:`phenotk.convert` makes from the same template and the
mapping downloaded from the page, with the same safe fixes applied (``Session.fix``). Screenshots go to
tests/_artifacts/ (gitignored).
"""

from __future__ import annotations

import io
import json
import random
import re
import time
import zipfile
from pathlib import Path
from typing import Any

import phenotk
from phenotk.serve.server import BackgroundServer
from phenotk.workflow.session import Session

#: the must-show budget: a 500-row sheet converted and its findings shown in the browser
BUDGET_SECONDS = 3.0


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as pw_expect

    return pw_expect(locator)


def _page(browser: Any, server: BackgroundServer) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.set_default_timeout(60_000)
    page.goto(server.url)
    page.wait_for_selector("body[data-ready='1']")
    return page


def _strip_created(packet: dict[str, Any]) -> dict[str, Any]:
    assert packet["metaData"].pop("created").endswith("Z")  # the time of each conversion run
    return packet


def _download(page: Any, selector: str) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    return Path(info.value.path()).read_bytes()


def test_template_upload_assistant_findings_fixes_download(
    browser: Any, server: BackgroundServer, template_xlsx: Path, hpo_index: Any, artifacts: Path, tmp_path: Path
) -> None:
    page = _page(browser, server)
    for _ in range(7):  # the keyboard reaches the file chooser right after the links to the sections
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "file-input":
            break
    assert page.evaluate("() => document.activeElement.id") == "file-input"
    page.set_input_files("#file-input", str(template_xlsx))
    name = template_xlsx.name
    page.get_by_role("button", name=f"Map columns of {name}").click()
    page.wait_for_selector("#column-table tbody tr")
    assert page.input_value("select[data-column='sex']") == "subject.sex"
    assert page.input_value("select[data-column='transcript']") == "unplaced"
    # HPO autocomplete from the loaded release (typing only: no change is sent without an HP id)
    page.fill("#column-table input[aria-label='HPO term of column comment']", "hyperlipid")
    expect(page.locator("#hpo-options option[value='HP:0003077 Hyperlipidemia']")).to_have_count(1)
    page.fill("#column-table input[aria-label='HPO term of column comment']", "")
    # one column changes meaning: the transcript column becomes the variants' transcript
    page.select_option("select[data-column='transcript']", "variant.transcript")
    expect(page.locator("#mapping-yaml")).to_have_value(re.compile(r"transcript: transcript"))
    assert page.input_value("select[data-column='transcript']") == "variant.transcript"
    page.screenshot(path=str(artifacts / "serve-assistant.png"), full_page=False)
    # every control has an accessible name, and the keyboard reaches the drop zone first
    unnamed = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea, button')]
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
        .map(e => e.outerHTML)""")
    assert unnamed == []


    page.click("#convert")
    page.wait_for_selector("#finding-table tbody tr.finding")
    status = page.inner_text("#run-status")
    assert status.startswith("3 packet(s)"), status
    shown = page.locator("#finding-table tbody tr.finding")
    assert shown.count() > 0
    assert page.locator("#finding-table tbody tr.finding td.where", has_text="transcript").count() == 0
    # severity filter and a finding's documentation
    page.uncheck("input[name='sev'][value='warning']")
    assert all(s == "error" or s == "info" for s in page.locator("tr.finding").evaluate_all(
        "rows => rows.map(r => r.classList[1])"))
    page.check("input[name='sev'][value='warning']")
    page.locator("tr.finding button.link").first.click()
    page.wait_for_selector("#doc-panel:not([hidden])")
    assert "What to do" in page.inner_text("#doc-text") or "Why" in page.inner_text("#doc-text")
    page.screenshot(path=str(artifacts / "serve-findings.png"), full_page=True)

    page.click("#plan-fixes")
    page.wait_for_selector("#fix-list pre.diff")
    assert "hpo-redundant-ancestor" in page.inner_text("#fix-list")
    assert page.locator("pre.diff span.del").count() > 0
    page.screenshot(path=str(artifacts / "serve-fixes.png"), full_page=True)
    page.click("#apply-fixes")
    expect(page.locator("#fix-status")).to_contain_text(re.compile(r"^applied \d+ fix"))
    assert page.locator("tr.finding.fixed").count() >= 1

    mapping = tmp_path / "mapping.yaml"
    mapping.write_bytes(_download(page, "#mapping-download"))
    got = zipfile.ZipFile(io.BytesIO(_download(page, "#dl-packets")))
    from_page = {p["id"]: _strip_created(p) for p in (json.loads(got.read(n)) for n in got.namelist())}

    # the same input and mapping through the library, the same safe fixes
    conv = phenotk.convert(template_xlsx, mapping=mapping, from_="table", hpo=hpo_index)
    session = Session(hpo=hpo_index)
    plain = {m.id: json.loads(phenotk.io.dumps(m)) for m in conv.messages()}
    fixed = {m.id: json.loads(phenotk.io.dumps(session.fix(m)[0])) for m in conv.messages()}
    assert from_page == {k: _strip_created(v) for k, v in fixed.items()}
    changed = [k for k in plain if _strip_created(plain[k]) != fixed[k]]
    assert len(changed) == 1  # the page applied a real fix, to exactly the packet the library fixes

    page.click("#summarize")
    page.wait_for_selector("#summary figure img")
    assert page.locator("#summary figure img").count() >= 2
    page.screenshot(path=str(artifacts / "serve-page-1280.png"), full_page=True)
    for fmt in ("html", "sarif", "json"):
        assert len(_download(page, f"#dl-{fmt}")) > 100
    page.close()


def _sheet_500(path: Path) -> Path:
    rng = random.Random(500)
    cols = ["Seizure", "Hypotonia", "Microcephaly", "Global developmental delay", "Ataxia", "Scoliosis"]
    lines = ["individual_id,sex,age_at_last_encounter," + ",".join(cols)]
    for i in range(500):
        cells = [rng.choice(["yes", "no", "", "excluded"]) for _ in cols]
        if i % 50 == 7:
            cells[0] = "maybe"  # not in the vocabulary: a map-bad-cell finding on that cell
        lines.append(f"S{i:04d},{rng.choice(['female', 'male', 'F', 'M'])},P{rng.randint(1, 40)}Y," + ",".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_500_row_sheet_converts_and_shows_findings_within_budget(
    browser: Any, server: BackgroundServer, artifacts: Path, tmp_path: Path
) -> None:
    sheet = _sheet_500(tmp_path / "cohort500.csv")
    page = _page(browser, server)
    page.set_input_files("#file-input", str(sheet))
    page.get_by_role("button", name="Map columns of cohort500.csv").click()
    page.wait_for_selector("#column-table tbody tr")
    started = time.perf_counter()
    page.click("#convert")
    page.wait_for_selector("#finding-table tbody tr.finding")
    seconds = time.perf_counter() - started
    page_ms = int(page.evaluate("document.body.dataset.lastRunMs"))
    server_s = page.inner_text("#run-status").split("server ")[1].split(" s")[0]
    print(f"\n500-row sheet: converted and findings shown in {seconds:.2f} s (page clock {page_ms} ms, "
          f"server {server_s} s)")
    assert page.inner_text("#run-status").startswith("500 packet(s), 10 finding(s)")
    cells = page.locator("tr.finding td.where").all_inner_texts()
    assert len(cells) == 10 and all("column Seizure" in c for c in cells)
    page.screenshot(path=str(artifacts / "serve-500-rows.png"), full_page=False)
    page.close()
    assert seconds <= BUDGET_SECONDS, f"{seconds:.2f} s > {BUDGET_SECONDS} s"


def test_a_redcap_json_export_gets_a_shipped_mapping_by_keyboard(
    browser: Any, server: BackgroundServer, shared_data: Path, hpo_index: Any, artifacts: Path
) -> None:
    # the mapping button showed for sheets only: a REDCap JSON export had no way to a mapping on the page
    folder = shared_data / "redcap" / "rarelink"
    export = folder / "evaluation_cohort_redcap_export.json"
    page = _page(browser, server)
    page.set_input_files("#file-input", [str(export), str(folder / "rarelink_cdm_datadictionary_v2_0_5.csv")])
    expect(page.locator("#file-table")).to_contain_text("REDCap data dictionary")
    chooser = page.get_by_role("combobox", name=f"Mapping for {export.name}")
    chooser.focus()  # keyboard only from here: choosing does not send anything, the button does
    for _ in range(20):
        if chooser.input_value() == "shipped:redcap-rarelink":
            break
        page.keyboard.press("ArrowDown")
    assert chooser.input_value() == "shipped:redcap-rarelink"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Use mapping"
    page.keyboard.press("Enter")
    expect(page.locator("#file-table")).to_contain_text("mapped (redcap-rarelink)")
    expect(page.locator("#upload-status")).to_contain_text("read with the mapping redcap-rarelink")
    page.click("#convert")
    expect(page.locator("#run-status")).to_contain_text(re.compile(r"^10 packet\(s\)"))
    got = zipfile.ZipFile(io.BytesIO(_download(page, "#dl-packets")))
    from_page = {p["id"]: _strip_created(p) for p in (json.loads(got.read(n)) for n in got.namelist())}
    mapping = Path(__file__).resolve().parents[2] / "mappings" / "redcap-rarelink.yaml"
    conv = phenotk.convert(export, mapping=mapping, hpo=hpo_index)
    assert from_page == {m.id: _strip_created(json.loads(phenotk.io.dumps(m))) for m in conv.messages()}
    page.screenshot(path=str(artifacts / "serve-redcap.png"), full_page=False)
    page.close()


def test_a_big_sheet_shows_progress_then_filters_on_the_server(
    browser: Any, server: BackgroundServer, artifacts: Path, tmp_path: Path
) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from test_scale import big_sheet

    sheet = tmp_path / "ward.csv"
    sheet.write_bytes(big_sheet(30_000))  # 3,000 findings: ten times what one answer to the page carries
    page = _page(browser, server)
    page.set_input_files("#file-input", str(sheet))
    page.get_by_role("button", name="Map columns of ward.csv").click()
    page.wait_for_selector("#column-table tbody tr")
    started = time.perf_counter()
    page.click("#convert")
    page.wait_for_selector("#run-progress p")  # packets and findings so far, while the run goes on
    first = time.perf_counter() - started
    progress = page.inner_text("#run-progress")
    assert re.search(r"ward\.csv \(file 1 of 1\): \d+ packet\(s\), \d+ finding\(s\) so far", progress)
    page.screenshot(path=str(artifacts / "serve-progress.png"), full_page=False)
    expect(page.locator("#run-status")).to_contain_text(re.compile(r"^30000 packet\(s\), \d+ finding"),
                                                         timeout=120_000)
    print(f"\n30,000-row sheet: first progress after {first:.2f} s, done after {time.perf_counter() - started:.2f} s")
    total = int(page.inner_text("#run-status").split(", ")[1].split()[0])
    assert total >= 3000 and page.locator("#run-progress *").count() == 0
    expect(page.locator("#more-findings")).to_contain_text(f"showing 300 of {total}")
    # the filter asks the server: a patient beyond the first 300 findings is found
    page.fill("#filter-text", "P029993")
    expect(page.locator("tr.finding")).to_have_count(1)
    assert "P029993" in page.inner_text("tr.finding td.where")
    assert page.locator("tr.finding table.cells td.mark", has_text="maybe").count() == 1
    page.fill("#filter-text", "")
    expect(page.locator("#more-findings")).to_contain_text(f"showing 300 of {total}")
    page.uncheck("input[name='sev'][value='warning']")  # the 3,000 bad cells are warnings: the rest is a handful
    expect(page.locator("#more-findings")).to_have_text(re.compile(rf"^{total - 3000} of {total} finding"))
    expect(page.locator("tr.finding.warning")).to_have_count(0)
    page.close()


def test_keyboard_only_and_what_a_screen_reader_gets(
    browser: Any, server: BackgroundServer, template_xlsx: Path, artifacts: Path
) -> None:
    page = _page(browser, server)
    # the drop zone was a role=button <div> holding the file input's own button: a control inside a control
    # (screen readers read its children as plain text) and two tab stops for one action
    nested = page.evaluate("""() => [...document.querySelectorAll('[role=button], button, a[href]')]
        .filter(e => e.querySelector('input, button, select, textarea, a[href], [tabindex]:not([tabindex="-1"])'))
        .map(e => e.outerHTML.slice(0, 80))""")
    assert nested == []
    snapshot = page.locator("body").aria_snapshot()
    for heading in ("1. Files", "3. Convert and check", "4. Safe fixes", "5. Downloads", "6. Cohort summary"):
        assert f'heading "{heading}" [level=2]' in snapshot
    assert 'navigation "Sections"' in snapshot
    for live in ("upload-status", "run-status", "fix-status"):
        assert page.get_attribute(f"#{live}", "aria-live") == "polite"
        assert page.get_attribute(f"#{live}", "role") == "status"
    assert page.get_attribute("#file-input", "aria-describedby") == "drop-help"
    # keyboard only: (the file chooser is the system's dialog; set_input_files stands in for it)
    page.focus("#file-input")
    page.set_input_files("#file-input", str(template_xlsx))
    expect(page.locator("#upload-status")).to_contain_text("stored: " + template_xlsx.name)
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent") == "Map columns":
            break
    page.keyboard.press("Enter")
    page.wait_for_selector("#column-table tbody tr")
    # thirty columns of the assistant lie between here and the Convert button: the section links jump there
    page.keyboard.press("Shift+Tab")
    page.focus("nav.skip a[href='#run']")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "convert"
    page.keyboard.press("Enter")
    expect(page.locator("#run-status")).to_contain_text(re.compile(r"^3 packet\(s\), \d+ finding"))
    # Convert is disabled while it runs (that dropped the focus to <body>); it has the focus again afterwards
    expect(page.locator("#convert")).to_be_focused()
    # the findings table as a screen reader gets it: column headers, each finding's severity, place and message
    table = page.locator("#finding-table").aria_snapshot()
    assert 'columnheader "Severity"' in table and 'columnheader "Where"' in table
    assert re.search(r'button "Documentation of [A-Z]+\d+ [a-z-]+"', table)
    page.keyboard.press("Tab")  # from Convert into the filters, then the first finding's documentation
    while page.evaluate("() => document.activeElement.id") != "filter-text":
        page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')").startswith("Documentation of ")
    page.keyboard.press("Enter")
    expect(page.locator("#doc-panel")).to_be_visible()
    assert page.get_attribute("#doc-panel", "aria-live") == "polite"
    (artifacts / "serve-aria.yaml").write_text(page.locator("body").aria_snapshot(), encoding="utf-8")
    page.close()


def test_a_session_removed_meanwhile_says_so_on_every_button(browser: Any, server: BackgroundServer,
                                                             tmp_path: Path) -> None:
    # Remove, Edit mapping and a finding's documentation failed silently (an unhandled rejection) once the
    # session was gone (idle, or evicted at the session cap)
    sheet = tmp_path / "ward.csv"
    sheet.write_text("individual_id,sex,Seizure\np1,female,yes\n", encoding="utf-8")
    page = _page(browser, server)
    page.set_input_files("#file-input", str(sheet))
    page.get_by_role("button", name="Map columns of ward.csv").click()
    page.wait_for_selector("#column-table tbody tr")
    assert server.state.store.sweep(now=time.monotonic() + 10**7)  # every session idle for ages: removed
    page.get_by_role("button", name="Remove ward.csv").click()
    expect(page.locator("#upload-status")).to_contain_text("no such session")
    page.get_by_role("button", name="Edit mapping of ward.csv").click()
    expect(page.locator("#upload-status")).to_contain_text("reload the page")
    page.close()


def test_choosing_a_columns_meaning_with_the_arrow_keys(browser: Any, server: BackgroundServer,
                                                        tmp_path: Path) -> None:
    # Chromium fires "change" at every arrow key on a closed <select>: the first key applied the next meaning
    # ("Ignore on purpose") and rebuilt the table, so the focus fell to <body> and the wanted meaning was out of
    # reach for a keyboard user; on the way, every meaning passed over was applied to the mapping
    sheet = tmp_path / "ward.csv"
    sheet.write_text("individual_id,sex,Seizure,Notes\np1,female,yes,x\n", encoding="utf-8")
    page = _page(browser, server)
    page.set_input_files("#file-input", str(sheet))
    page.get_by_role("button", name="Map columns of ward.csv").click()
    page.wait_for_selector("#column-table tbody tr")
    notes = "select[data-column='Notes']"
    assert page.input_value(notes) == "unplaced"
    yaml_before = page.input_value("#mapping-yaml")
    page.focus(notes)
    for _ in range(3):  # unplaced -> ignore -> text_excluded -> text
        page.keyboard.press("ArrowUp")
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.activeElement.dataset.column") == "Notes"
    assert page.input_value(notes) == "text" and page.input_value("#mapping-yaml") == yaml_before  # nothing sent
    page.keyboard.press("Enter")
    expect(page.locator("#mapping-yaml")).to_have_value(re.compile(r"text:[\s\S]*Notes"))
    assert page.evaluate("() => document.activeElement.dataset.column") == "Notes"  # back on it after the rebuild
    assert "ignore_columns" not in page.input_value("#mapping-yaml")  # the meanings passed over were not applied
    # choosing with the keys and leaving the list (Tab) applies too; the focus lands where Tab took it
    page.keyboard.press("ArrowDown")  # text -> text_excluded (absent findings)
    page.keyboard.press("Tab")
    expect(page.locator("#mapping-yaml")).to_have_value(re.compile(r"excluded_columns:[\s\S]*Notes"))
    assert page.input_value(notes) == "text_excluded"
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "HPO term of column Notes"
    page.close()


DOWNLOAD_LINKS = ("dl-packets", "dl-fixed", "dl-html", "dl-sarif", "dl-json")


def _live_downloads(page: Any) -> list[str]:
    """The download links that lead somewhere (have an address)."""
    return [i for i in DOWNLOAD_LINKS if page.get_attribute(f"#{i}", "href") is not None]


def test_downloads_lead_nowhere_before_a_run_and_results_say_when_the_files_changed(
        browser: Any, server: BackgroundServer, tmp_path: Path) -> None:
    # before any run the links were href="#" with a download attribute: Enter on "Packets (zip)" saved the page
    # itself as download.html (its token inside). After a run, uploading or removing a file, or editing the
    # mapping, left the old findings as if current and the links live: a click ended in a cancelled download
    # (the server answers 409 "convert first") and Show safe fixes / Summarise in "convert first"
    sheet, other = tmp_path / "ward.csv", tmp_path / "clinic.csv"
    sheet.write_text("individual_id,sex,Seizure\np1,female,yes\n", encoding="utf-8")
    other.write_text("individual_id,sex,Seizure\np2,male,no\n", encoding="utf-8")
    page = _page(browser, server)
    saved: list[str] = []
    page.on("download", lambda d: saved.append(d.suggested_filename))
    assert _live_downloads(page) == []
    page.focus("#dl-packets")
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    assert saved == []
    page.set_input_files("#file-input", str(sheet))
    page.get_by_role("button", name="Map columns of ward.csv").click()
    page.wait_for_selector("#column-table tbody tr")
    page.click("#convert")
    expect(page.locator("#run-status")).to_contain_text("1 packet(s)")
    assert _live_downloads(page) == [i for i in DOWNLOAD_LINKS if i != "dl-fixed"]  # no uploaded packet fixed

    def retired(after: str) -> None:
        expect(page.locator("#run-status")).to_contain_text("convert again", timeout=5000)
        assert _live_downloads(page) == [], after
        assert all(page.get_attribute(f"#{i}", "aria-disabled") == "true" for i in DOWNLOAD_LINKS)
        for button in ("#plan-fixes", "#apply-fixes", "#summarize"):
            expect(page.locator(button)).to_be_disabled()

    page.set_input_files("#file-input", str(other))
    expect(page.locator("#upload-status")).to_contain_text("stored: clinic.csv")
    retired("an upload")
    page.get_by_role("button", name="Remove clinic.csv").click()
    expect(page.locator("#upload-status")).to_contain_text("removed clinic.csv")
    retired("still retired after a removal")
    page.click("#convert")
    expect(page.locator("#run-status")).to_contain_text("1 packet(s)")
    assert _live_downloads(page) == [i for i in DOWNLOAD_LINKS if i != "dl-fixed"]  # no uploaded packet fixed
    expect(page.locator("#summarize")).to_be_enabled()
    page.get_by_role("button", name="Remove ward.csv").click()
    retired("a removal")
    page.close()


def test_without_javascript_the_page_says_what_to_do(browser: Any, server: BackgroundServer) -> None:
    # with JavaScript off the page showed its file chooser and buttons, and nothing happened: no word why
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url)
    text = page.inner_text("main")
    assert "needs JavaScript" in text and "phenotk convert" in text
    context.close()


def test_the_mapping_file_chooser_shows_where_the_keyboard_is(browser: Any, server: BackgroundServer,
                                                              tmp_path: Path) -> None:
    # "Use a mapping file…" is a label styled as a button over a visually hidden file input: Tab reached the
    # 1-pixel input and the focus ring was drawn on it, clipped: nothing on screen showed where the focus was
    sheet = tmp_path / "ward.csv"
    sheet.write_text("individual_id,sex,Seizure\np1,female,yes\n", encoding="utf-8")
    page = _page(browser, server)
    page.set_input_files("#file-input", str(sheet))
    page.get_by_role("button", name="Map columns of ward.csv").click()
    page.wait_for_selector("#column-table tbody tr")
    page.focus("#mapping-download")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "mapping-upload"
    ring = page.evaluate("""() => { const s = getComputedStyle(document.querySelector("label[for='mapping-upload']"));
        return [s.outlineStyle, s.outlineWidth]; }""")
    assert ring[0] != "none" and ring[1] != "0px", ring
    page.keyboard.press("Tab")  # and it goes away when the focus moves on
    assert page.evaluate("""() => getComputedStyle(document.querySelector("label[for='mapping-upload']"))
        .outlineStyle""") == "none"
    page.close()


def test_every_buttons_spoken_name_holds_its_visible_words(browser: Any, server: BackgroundServer,
                                                           tmp_path: Path) -> None:
    # WCAG 2.5.3 (label in name): a voice-control user says what the button shows. "Map columns" was named
    # "Map the columns of …", "Edit mapping" too, "Use mapping" was "Use the chosen mapping for …" and a term
    # suggestion "HP:0001250 Seizure" was "Use Seizure for column …": saying the visible words found nothing
    ward, clinic = tmp_path / "ward.csv", tmp_path / "clinic.csv"
    ward.write_text("individual_id,sex,abnormal heart,Notes\np1,female,yes,x\n", encoding="utf-8")
    clinic.write_text("individual_id,sex\np2,male\n", encoding="utf-8")
    page = _page(browser, server)
    page.set_input_files("#file-input", [str(ward), str(clinic)])
    page.get_by_role("button", name="Map columns of ward.csv").click()
    page.wait_for_selector("#column-table tbody tr")
    expect(page.get_by_role("button", name="Edit mapping of ward.csv")).to_be_visible()
    page.click("#convert")
    expect(page.locator("#run-status")).to_contain_text("finding(s)")
    named = page.evaluate("""() => [...document.querySelectorAll('button[aria-label], a[aria-label]')]
        .map(b => [b.textContent.trim().replace(/\\s+/g, ' '), b.getAttribute('aria-label')])""")
    kinds = {text.split(" ")[0] for text, _ in named}
    assert {"Map", "Edit", "Use", "Remove"} <= kinds, kinds
    assert any(text.startswith("HP:") for text, _ in named), "no term suggestion chip to check"
    assert any(re.match(r"[A-Z]+\d+ ", text) for text, _ in named), "no finding documentation button to check"
    missing = [(text, label) for text, label in named if text.lower() not in label.lower()]
    assert missing == []
    page.close()


def test_a_screen_reader_can_tell_the_tables_apart(browser: Any, server: BackgroundServer, tmp_path: Path) -> None:
    # the files, the columns of the assistant, the findings and each finding's cells were all announced as
    # "table" with no name: a screen-reader user jumping between tables could not tell which was which
    sheet = tmp_path / "ward.csv"
    sheet.write_text("individual_id,sex,Seizure\np1,female,maybe\n", encoding="utf-8")
    page = _page(browser, server)
    page.set_input_files("#file-input", str(sheet))
    page.get_by_role("button", name="Map columns of ward.csv").click()
    page.wait_for_selector("#column-table tbody tr")
    page.click("#convert")
    expect(page.locator("#run-status")).to_contain_text("finding(s)")
    page.wait_for_selector("table.cells", timeout=5000)
    snapshot = page.locator("body").aria_snapshot()
    assert re.findall(r"^\s*- table:?$", snapshot, re.M) == [], "a table without a name"
    for name in ("Uploaded files", "Columns of ward.csv and their meanings", "Findings"):
        assert f'table "{name}"' in snapshot, name
    assert re.search(r'table "Row \d+ of ward.csv', snapshot)
    page.close()


def test_a_download_that_cannot_be_served_says_why(browser: Any, server: BackgroundServer, tmp_path: Path) -> None:
    # a download link answered by a refusal (the session removed after idle time, or the files changed from
    # another window) ended in a failed download in the browser's list and no word on the page
    import httpx

    sheet = tmp_path / "ward.csv"
    sheet.write_text("individual_id,sex,Seizure\np1,female,yes\n", encoding="utf-8")
    page = _page(browser, server)
    page.set_input_files("#file-input", str(sheet))
    page.get_by_role("button", name="Map columns of ward.csv").click()
    page.wait_for_selector("#column-table tbody tr")
    page.click("#convert")
    expect(page.locator("#run-status")).to_contain_text("1 packet(s)")
    assert _download(page, "#dl-json")  # a live run: the download itself
    ws = page.evaluate("() => document.body.dataset.workspace")
    with httpx.Client(base_url=server.base, headers={"X-Phenotk-Token": server.state.token}) as c:
        assert c.post(f"/api/workspaces/{ws}/files", files=[("files", ("other.csv", b"a,b\n1,2\n"))]).status_code == 200
    page.click("#dl-packets")
    expect(page.locator("#run-status")).to_contain_text("convert again")
    assert _live_downloads(page) == []
    page.click("#convert")
    expect(page.locator("#run-status")).to_contain_text("1 packet(s)")
    assert server.state.store.sweep(now=time.monotonic() + 10**7)  # the session removed after idle time
    page.click("#dl-html")
    expect(page.locator("#run-status")).to_contain_text("reload the page")
    page.close()


def test_the_fixed_copies_link_waits_for_fixed_copies(browser: Any, server: BackgroundServer, tmp_path: Path) -> None:
    # 'Fixed uploaded phenopackets (zip)' was live after every run: with no uploaded phenopacket, or before any fix
    # was applied, it saved an empty zip (22 bytes) as if that were the result; 'Packets (zip)' too when the run
    # only checked uploaded phenopackets (no packet made)
    packet = {"id": "p-1", "subject": {"id": "s1", "sex": "Female"},
              "phenotypicFeatures": [{"type": {"id": "HP:0001250", "label": "Seizure"}}],
              "metaData": {"created": "2024-01-01T00:00:00Z", "createdBy": "t", "phenopacketSchemaVersion": "2.0",
                           "resources": []}}
    upload = tmp_path / "p-1.json"
    upload.write_text(json.dumps(packet), encoding="utf-8")
    page = _page(browser, server)
    page.set_input_files("#file-input", str(upload))
    page.click("#convert")
    expect(page.locator("#run-status")).to_contain_text("1 uploaded phenopacket document(s) checked")
    assert _live_downloads(page) == ["dl-html", "dl-sarif", "dl-json"]  # no packet made, no fixed copy yet
    assert page.get_attribute("#dl-fixed", "aria-disabled") == "true"
    page.click("#plan-fixes")
    expect(page.locator("#apply-fixes")).to_be_enabled()
    page.click("#apply-fixes")
    expect(page.locator("#fix-status")).to_contain_text("applied")
    assert "dl-fixed" in _live_downloads(page)
    with zipfile.ZipFile(io.BytesIO(_download(page, "#dl-fixed"))) as zf:
        assert json.loads(zf.read("p-1.json"))["subject"]["sex"] == "FEMALE"
    page.close()


def test_a_mapping_edit_is_answered_beside_the_editor(browser: Any, server: BackgroundServer, tmp_path: Path) -> None:
    # 'Use this YAML' answered in the Convert section's status (an invalid mapping: 'line 2:1: …') or in the
    # Files section's: both out of sight of the editor, so the curator saw nothing happen
    sheet = tmp_path / "ward.csv"
    sheet.write_text("individual_id,sex,Seizure\np1,female,yes\n", encoding="utf-8")
    page = _page(browser, server)
    page.set_input_files("#file-input", str(sheet))
    page.get_by_role("button", name="Map columns of ward.csv").click()
    page.wait_for_selector("#column-table tbody tr")
    page.click("#assistant details summary")
    good = page.input_value("#mapping-yaml")
    page.fill("#mapping-yaml", good + "\nsubject: [\n")
    page.click("#mapping-save")
    status = page.locator("#mapping-status")
    expect(status).to_contain_text("ward.csv: the mapping is not valid")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    assert page.input_value("#mapping-yaml").endswith("subject: [\n")  # the curator's text is kept to correct
    page.fill("#mapping-yaml", good.replace("phenotk_mapping: 1", "phenotk_mapping: 1\n# checked by hand"))
    page.click("#mapping-save")
    expect(status).to_contain_text("ward.csv: mapping updated")
    page.close()


def test_a_term_typed_without_its_id_is_not_silently_dropped(browser: Any, server: BackgroundServer,
                                                             tmp_path: Path) -> None:
    # typing a label ('seizure') into a column's HPO term and leaving the field did nothing and said nothing:
    # only text holding an HP:nnnnnnn id was applied; now an exact label is looked up, other text is refused aloud
    sheet = tmp_path / "ward.csv"
    sheet.write_text("individual_id,sex,Fits\np1,female,yes\n", encoding="utf-8")
    page = _page(browser, server)
    page.set_input_files("#file-input", str(sheet))
    page.get_by_role("button", name="Map columns of ward.csv").click()
    page.wait_for_selector("#column-table tbody tr")
    term = page.get_by_role("combobox", name="HPO term of column Fits")
    term.fill("fits of rage")
    term.press("Tab")
    expect(page.locator("#mapping-status")).to_contain_text("Fits: 'fits of rage' is not applied")
    term = page.get_by_role("combobox", name="HPO term of column Fits")
    term.fill("seizure")  # a term's exact label, typed in any case
    term.press("Tab")
    expect(page.locator("#mapping-yaml")).to_have_value(re.compile(r"Fits: HP:0001250"))
    expect(page.locator("#mapping-status")).to_have_text("")
    page.close()


def test_the_keyboard_keeps_its_place_when_the_file_list_is_rebuilt(browser: Any, server: BackgroundServer,
                                                                    tmp_path: Path) -> None:
    # the file table is rebuilt after Remove, Map columns and Use mapping: the pressed button left the page and the
    # focus fell to <body>, so a keyboard user started again from the top of the page
    for name in ("a.csv", "b.csv", "c.csv"):
        (tmp_path / name).write_text("individual_id,sex,Seizure\np1,female,yes\n", encoding="utf-8")
    page = _page(browser, server)
    page.set_input_files("#file-input", [str(tmp_path / n) for n in ("a.csv", "b.csv", "c.csv")])
    expect(page.locator("#file-table tbody tr")).to_have_count(3)
    page.get_by_role("button", name="Map columns of b.csv").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Edit mapping of b.csv")).to_be_focused()  # the same control
    page.get_by_role("button", name="Remove b.csv").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#upload-status")).to_contain_text("removed b.csv")
    expect(page.get_by_role("button", name="Map columns of c.csv")).to_be_focused()  # the next file's first button
    page.get_by_role("button", name="Remove c.csv").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Map columns of a.csv")).to_be_focused()  # the last row: the one before
    page.get_by_role("button", name="Remove a.csv").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#file-input")).to_be_focused()  # no file left: the file chooser
    page.close()


def test_a_term_suggestion_chosen_by_keyboard_leaves_the_focus_in_its_row(browser: Any, server: BackgroundServer,
                                                                          tmp_path: Path) -> None:
    # a suggestion chip pressed with Enter rebuilt the column table and the focus fell to <body>
    sheet = tmp_path / "ward.csv"
    sheet.write_text("individual_id,sex,abnormal heart\np1,female,yes\n", encoding="utf-8")
    page = _page(browser, server)
    page.set_input_files("#file-input", str(sheet))
    page.get_by_role("button", name="Map columns of ward.csv").click()
    page.wait_for_selector("#column-table tbody tr")
    chip = page.locator("#column-table button.chip").first
    chosen = chip.inner_text().split(" ")[0]
    chip.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#mapping-yaml")).to_have_value(re.compile(f"abnormal heart: {chosen}"))
    expect(page.get_by_role("combobox", name="HPO term of column abnormal heart")).to_be_focused()
    page.close()


def test_on_a_narrow_screen_only_the_wide_tables_scroll_not_the_page(browser: Any, server: BackgroundServer,
                                                                    template_xlsx: Path) -> None:
    # at 360 px (a phone, or 400% zoom) the files, columns and findings tables pushed the whole page sideways
    # (793 px wide): every line of text needed scrolling both ways (WCAG 1.4.10 reflow)
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.set_default_timeout(60_000)
    page.goto(server.url)
    page.wait_for_selector("body[data-ready='1']")
    page.set_input_files("#file-input", str(template_xlsx))
    page.get_by_role("button", name=f"Map columns of {template_xlsx.name}").click()
    page.wait_for_selector("#column-table tbody tr")
    page.click("#convert")
    expect(page.locator("#run-status")).to_contain_text("finding(s)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    wide = page.evaluate("""() => [...document.querySelectorAll('table.grid')].filter(t => t.offsetParent)
        .map(t => t.scrollWidth > t.parentElement.clientWidth)""")
    assert any(wide)  # the tables are wider than the screen: they scroll inside their section
    page.close()
