from __future__ import annotations

import xml.etree.ElementTree as ET

from phenotk.issue import Issue, Report, Result, Severity
from phenotk.report import render


def _suite(xml: str) -> ET.Element:
    root = ET.fromstring(xml)
    assert root.tag == "testsuites"
    suite = root.find("testsuite")
    assert suite is not None
    for key in ("tests", "failures", "errors"):
        assert root.get(key) == suite.get(key)
    return suite


def test_real_run_counts(real_report: Report) -> None:
    suite = _suite(render(real_report, "junit"))
    cases = suite.findall("testcase")
    assert int(suite.get("tests", "")) == len(cases) == len(real_report.results)
    unreadable = [r for r in real_report.results if any(i.rule == "input-unreadable" for i in r.issues)]
    failing = [
        r for r in real_report.results if r not in unreadable and any(i.severity is Severity.ERROR for i in r.issues)
    ]
    assert int(suite.get("errors", "")) == len(unreadable) == len(suite.findall("testcase/error")) == 1
    assert int(suite.get("failures", "")) == len(failing) == len(suite.findall("testcase/failure"))
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["hpo_version"] == "2025-05-06"
    by_name = {c.get("name"): c for c in cases}
    for result in failing:
        failure = by_name[result.path].find("failure")
        assert failure is not None and failure.text
        n_errors = sum(1 for i in result.issues if i.severity is Severity.ERROR)
        assert len(failure.text.splitlines()) == n_errors


def test_fail_on_threshold(real_report: Report) -> None:
    with_warning_or_worse = [
        r
        for r in real_report.results
        if r.issues
        and r.issues[0].rule != "input-unreadable"
        and any(i.severity.rank >= Severity.WARNING.rank for i in r.issues)
    ]
    suite = _suite(render(real_report, "junit", fail_on="warning"))
    assert int(suite.get("failures", "")) == len(with_warning_or_worse)
    suite = _suite(render(real_report, "junit", fail_on=None))
    assert suite.get("failures") == "0" and suite.get("errors") == "1"


def test_passing_case_keeps_lower_findings_and_escapes() -> None:
    msg = 'bad <tag> & "quote" \x07bell'
    report = Report(
        results=[
            Result("a.jsonl", "phenopacket", "p1", [Issue("W1", "w", Severity.WARNING, msg, "/x", 2, 3)]),
            Result("a.jsonl", "phenopacket", "p2", []),
        ]
    )
    suite = _suite(render(report, "junit"))
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["a.jsonl [p1]", "a.jsonl [p2]"]
    assert cases[0].find("failure") is None
    out = cases[0].find("system-out")
    assert out is not None and out.text is not None
    assert 'bad <tag> & "quote" \\x07bell' in out.text


def test_input_text_cannot_break_the_one_finding_per_line_form() -> None:
    # a file name or a pointer from the input holding a newline (or U+2028) split a finding's line in two in the
    # <failure> body: only the message was escaped
    issues = [
        Issue("E1", "e", Severity.ERROR, "first", "/a\nb", None, None),
        Issue("E2", "e", Severity.ERROR, "second \u2028 x", "/c", 4, 2),
    ]
    report = Report(results=[Result("dir/new\nline\u202e.json", "phenopacket", "p1", issues)])
    suite = _suite(render(report, "junit"))
    failure = suite.find("testcase/failure")
    assert failure is not None and failure.text is not None
    lines = failure.text.splitlines()
    assert len(lines) == 2
    assert lines[0] == "dir/new\\nline\\u202e.json:4:2: error E2 second \\u2028 x (at /c) [e]"
    assert lines[1] == "dir/new\\nline\\u202e.json: error E1 first (at /a\\nb) [e]"


def test_classname_is_the_folder_and_a_backslash_is_a_name_character_on_posix() -> None:
    from phenotk.report.junit import _classname

    # on POSIX a backslash is part of a file name: 'names/a<\\b>.json' is in 'names', not in 'names/a<'
    assert _classname("names/a<\\b>.json", "phenotk", sep="/") == "names"
    assert _classname("names\\sub\\a.json", "phenotk", sep="\\") == "names/sub"
    assert _classname("a.json", "phenotk", sep="/") == "phenotk"


def test_testcase_names_are_unique() -> None:
    # items of one JSON array that are not objects (no id), or two documents of one file with the same id, had
    # one testcase name: GitLab keeps only the first test of a name, so the others' failures were not shown
    def err(msg: str) -> list[Issue]:
        return [Issue("IO001", "input-unreadable", Severity.ERROR, msg, "", 1, 2)]

    report = Report(
        results=[
            Result("arr.json", issues=err("item /0 is no object")),
            Result("arr.json", issues=err("item /1 is no object")),
            Result("arr.json", issues=err("item /2 is no object")),
            Result("b.json", "phenopacket", "P1", [Issue("E1", "e", Severity.ERROR, "m", "/id", 2, 3)]),
            Result("b.json", "phenopacket", "P1", []),
            Result("c.json", "phenopacket", "P2", []),
        ]
    )
    suite = _suite(render(report, "junit"))
    names = [c.get("name") for c in suite.findall("testcase")]
    assert names == ["arr.json", "arr.json (2)", "arr.json (3)", "b.json [P1]", "b.json [P1] (2)", "c.json"]


#: what the Jenkins xUnit plugin's junit-10.xsd (the schema pytest's xunit2 family is checked against) allows:
#: element -> (attributes, required attributes, child elements); written from its text, not copied
_JUNIT10 = {
    "testsuites": ({"name", "time", "tests", "failures", "errors"}, set(), {"testsuite"}),
    "testsuite": (
        {
            "name",
            "tests",
            "failures",
            "errors",
            "group",
            "time",
            "skipped",
            "timestamp",
            "hostname",
            "id",
            "package",
            "file",
            "log",
            "url",
        },
        {"name", "tests", "failures", "errors"},
        {"testsuite", "properties", "testcase", "system-out", "system-err"},
    ),
    "properties": (set(), set(), {"property"}),
    "property": ({"name", "value"}, {"name", "value"}, set()),
    "testcase": (
        {"name", "time", "classname", "group"},
        {"name"},
        {"skipped", "error", "failure", "system-out", "system-err"},
    ),
    "failure": ({"type", "message"}, set(), set()),
    "error": ({"type", "message"}, set(), set()),
    "system-out": (set(), set(), set()),
}
#: attributes phenotk writes beyond junit-10 (public since the first JUnit report; GitLab links a test to its
#: file by ``file``): a validating consumer (Jenkins xUnit) needs them removed — see docs/reports.md
_BEYOND_JUNIT10 = {("testsuites", "skipped"), ("testcase", "file")}


def test_junit_meets_junit10_but_for_its_two_documented_attributes(real_report: Report) -> None:
    hostile = Report(
        results=[
            Result(
                "a\x01b<&>\ufffe.json", "phenopacket", "p\x1b", [Issue("E1", "e", Severity.ERROR, "m\x00]]>", "/x")]
            ),
            Result("c.json", "phenopacket", "p2", [Issue("I1", "i", Severity.INFO, "note \ud800", "", 1, 1)]),
        ]
    )
    for report in (real_report, hostile, Report()):
        root = ET.fromstring(render(report, "junit").encode("utf-8"))
        beyond = set()
        for el in root.iter():
            attrs, required, children = _JUNIT10[el.tag]
            assert required <= set(el.attrib), el.tag
            beyond |= {(el.tag, a) for a in el.attrib if a not in attrs}
            assert {c.tag for c in el} <= children, el.tag
        assert beyond <= _BEYOND_JUNIT10


def test_run_notes_are_in_the_suite_system_out() -> None:
    # the run's notes (HPO checks skipped, findings left out by --show junit=LEVEL) were in no JUnit element: a CI
    # page showed a clean suite without saying that the HPO checks had not run
    report = Report(
        notes=["HPO checks skipped: --no-hpo", "2 findings below error not shown (--show error)\x1b"],
        results=[Result("a.json", "phenopacket", "p1", [])],
    )
    suite = _suite(render(report, "junit"))
    out = suite.find("system-out")
    assert out is not None and out.text is not None
    assert out.text.splitlines() == [
        "note: HPO checks skipped: --no-hpo",
        "note: 2 findings below error not shown (--show error)\\x1b",
    ]
    assert [el.tag for el in suite][-1] == "system-out"  # after the testcases, as junit-10.xsd allows
    assert _suite(render(Report(results=[Result("a.json")]), "junit")).find("system-out") is None
