"""``junit`` reporter: JUnit XML for CI test dashboards (GitLab, Jenkins, Azure, GitHub test reporters).

One ``testcase`` per input document (named by its path; ``path [id]`` when a file holds several
documents, e.g. a JSON array; ``(2)``, ``(3)``… after a name already given, so every name is unique).
A document *fails* (``<failure>``) when it has a finding at or above the run's ``fail_on`` threshold;
the body lists those findings one per line (text-report form). An input that could not be read at all
is an ``<error>`` (the test could not run). Findings below the threshold are listed in ``<system-out>``
of a passing testcase. The ``testsuite`` carries the counts and the HPO release as a property, and the
run's notes (``note: …`` lines) in its own ``<system-out>``.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from collections import Counter

from phenotk.issue import Issue, Report, Result
from phenotk.report._common import (
    RenderOptions,
    count_phrase,
    counts,
    is_unreadable,
    location,
    printable,
    sorted_issues,
)

# Characters XML 1.0 cannot carry at all (even escaped).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(value: object) -> str:
    return _INVALID_XML.sub("\ufffd", str(value))


def _line(path: str, issue: Issue) -> str:
    """One finding, one line (text-report form): the path and pointer escaped too, as they come from the input."""
    text = f"{location(path, issue)}: {issue.severity.value} {issue.code} {issue.message}"
    if issue.pointer:
        text += f" (at {issue.pointer})"
    return printable(f"{text} [{issue.rule}]")


def render(report: Report, options: RenderOptions) -> str:
    """The JUnit XML document (UTF-8, with XML declaration)."""
    per_path = Counter(r.path for r in report.results)
    suite = ET.Element("testsuite", name=f"{report.tool} validate")
    props = ET.SubElement(suite, "properties")
    for name, value in (
        ("tool", report.tool),
        ("version", report.version),
        ("hpo_version", report.hpo_version or ""),
        ("fail_on", options.fail_on.value if options.fail_on else "none"),
    ):
        ET.SubElement(props, "property", name=name, value=_x(value))
    failures = errors = 0
    used: set[str] = set()
    for result in report.results:
        name = base = _case_name(result, per_path)
        k = 1
        while name in used:  # GitLab keeps only the first test of a name: items of one file without (distinct) ids
            k += 1
            name = f"{base} ({k})"
        used.add(name)
        case = ET.SubElement(
            suite,
            "testcase",
            name=_x(name),
            classname=_x(_classname(result.path, report.tool)),
            file=_x(result.path),
            time="0",
        )
        issues = sorted_issues(result.issues)
        unreadable: list[Issue] = []
        failing: list[Issue] = []
        rest: list[Issue] = []
        for i in issues:
            (unreadable if is_unreadable(i) else failing if options.fails(i) else rest).append(i)
        if unreadable:
            errors += 1
            el = ET.SubElement(case, "error", message=_x(unreadable[0].message), type=unreadable[0].rule)
            el.text = _x("\n".join(_line(result.path, i) for i in [*unreadable, *failing]))
        elif failing:
            failures += 1
            el = ET.SubElement(
                case, "failure", message=_x(count_phrase(counts(failing))), type=failing[0].severity.value
            )
            el.text = _x("\n".join(_line(result.path, i) for i in failing))
        if rest:
            out = ET.SubElement(case, "system-out")
            out.text = _x("\n".join(_line(result.path, i) for i in rest))
    if report.notes:  # the run's notes (HPO checks skipped, findings left out by --show), after the testcases
        ET.SubElement(suite, "system-out").text = _x("\n".join(printable(f"note: {n}") for n in report.notes))
    attrs = {
        "tests": str(len(report.results)),
        "failures": str(failures),
        "errors": str(errors),
        "skipped": "0",
        "time": "0",
    }
    suite.attrib.update(attrs)
    root = ET.Element("testsuites", {"name": report.tool, **attrs})
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _case_name(result: Result, per_path: Counter[str]) -> str:
    if per_path[result.path] > 1 and result.id:
        return f"{result.path} [{result.id}]"
    return result.path


def _classname(path: str, tool: str, sep: str = os.sep) -> str:
    """The folder of ``path`` (``/``-separated), else ``tool``; a backslash separates only where it is ``os.sep``."""
    parent = (path.replace(sep, "/") if sep != "/" else path).rsplit("/", 1)
    return parent[0] if len(parent) == 2 and parent[0] else tool
