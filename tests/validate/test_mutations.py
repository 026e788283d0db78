"""Mutations of real phenopacket-store packets: each is caught by the right rule, at the right pointer and line.

Expected lines are found by searching the mutated text for the value we planted (independent of the
engine's locator).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from phenotk.validation.config import Options, engine_config
from phenotk.validation.runner import run

pytestmark = pytest.mark.shared


def _pick(store_files: list[Path]) -> tuple[Path, dict[str, Any]]:
    """The first store packet with everything the mutations need (TLE age, feature onset age, OMIM disease, GI)."""
    for path in store_files:
        data = json.loads(path.read_text(encoding="utf-8"))
        tle = data.get("subject", {}).get("timeAtLastEncounter", {}).get("age")
        onset = [i for i, f in enumerate(data.get("phenotypicFeatures", [])) if "age" in f.get("onset", {})]
        interps = data.get("interpretations", [])
        gis = interps[0]["diagnosis"].get("genomicInterpretations", []) if interps else []
        omim = [r for r in data["metaData"]["resources"] if r["namespacePrefix"] == "OMIM"]
        if tle and onset and gis and omim and data.get("diseases"):
            return path, data
    pytest.skip("no suitable store packet")


@pytest.fixture(scope="module")
def packet(store_files: list[Path]) -> tuple[Path, dict[str, Any]]:
    return _pick(store_files)


def _line_of(text: str, needle: str, occurrence: int = 0) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert lines, needle
    return lines[occurrence]


def _validate(tmp_path: Path, *docs: dict[str, Any]) -> tuple[list[str], list[Any]]:
    texts, paths = [], []
    for i, d in enumerate(docs):
        p = tmp_path / f"packet{i}.json"
        text = json.dumps(d, indent=2, ensure_ascii=False)
        p.write_text(text, encoding="utf-8")
        texts.append(text)
        paths.append(str(p))
    report = run(paths, engine_config(Options()))
    return texts, [(paths.index(r.path), i) for r, i in report.iter_issues() if i.severity.value != "info"]


def _only(found: list[Any], rule: str) -> Any:
    hits = [i for _, i in found if i.rule == rule]
    assert len(hits) == 1, [(i.rule, i.pointer, i.message) for _, i in found]
    return hits[0]


def test_unmutated_packet_is_clean(packet: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    _, found = _validate(tmp_path, packet[1])
    assert found == []


def test_removed_required_field(packet: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    doc = copy.deepcopy(packet[1])
    del doc["metaData"]["created"]
    del doc["subject"]["id"]
    (text,), found = _validate(tmp_path, doc)
    hits = sorted((i.pointer, i.line) for _, i in found if i.rule == "schema-required")
    assert hits == sorted(
        [("/metaData/created", _line_of(text, '"metaData"')), ("/subject/id", _line_of(text, '"subject"'))]
    )


def test_misspelt_key(packet: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    doc = copy.deepcopy(packet[1])
    doc["phenotypicFeaturs"] = doc.pop("phenotypicFeatures")
    (text,), found = _validate(tmp_path, doc)
    issue = _only(found, "schema-unknown-field")
    assert issue.pointer == "/phenotypicFeaturs"
    assert issue.line == _line_of(text, '"phenotypicFeaturs"')
    assert "did you mean 'phenotypicFeatures'" in issue.message


def test_bad_enum(packet: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    doc = copy.deepcopy(packet[1])
    doc["subject"]["sex"] = "Femal"
    (text,), found = _validate(tmp_path, doc)
    issue = _only(found, "schema-enum")
    assert (issue.pointer, issue.line) == ("/subject/sex", _line_of(text, '"Femal"'))
    assert issue.fix is not None and issue.fix.ops[0].value == "FEMALE"


def test_malformed_curie(packet: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    doc = copy.deepcopy(packet[1])
    doc["phenotypicFeatures"][-1]["type"]["id"] = "HP:00012"
    (text,), found = _validate(tmp_path, doc)
    issue = _only(found, "curie-syntax")
    n = len(doc["phenotypicFeatures"]) - 1
    assert (issue.pointer, issue.line) == (f"/phenotypicFeatures/{n}/type/id", _line_of(text, '"HP:00012"'))


def test_bad_duration(packet: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    doc = copy.deepcopy(packet[1])
    doc["subject"]["timeAtLastEncounter"]["age"]["iso8601duration"] = "6 years"
    (text,), found = _validate(tmp_path, doc)
    issue = _only(found, "time-iso8601")
    assert issue.pointer == "/subject/timeAtLastEncounter/age/iso8601duration"
    assert issue.line == _line_of(text, '"6 years"')


def test_undeclared_prefix(packet: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    doc = copy.deepcopy(packet[1])
    doc["metaData"]["resources"] = [r for r in doc["metaData"]["resources"] if r["namespacePrefix"] != "OMIM"]
    (text,), found = _validate(tmp_path, doc)
    issue = _only(found, "meta-undeclared-prefix")
    assert "'OMIM'" in issue.message
    # reported at the first ontology class using it: its "id" line is the one after the object start
    assert issue.line == _line_of(text, '"OMIM:') - 1
    assert issue.pointer.endswith(("/disease", "/term"))


def test_resources_remembered_per_run_are_still_checked(packet: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    """The meta rules remember a resource list by its JSON text: a list seen complete earlier in the run, then
    one that differs only in a blank version, a missing OMIM entry or a null, is checked again."""
    blank, fewer, null = (copy.deepcopy(packet[1]) for _ in range(3))
    blank["metaData"]["resources"][0]["version"] = ""
    fewer["metaData"]["resources"] = [r for r in fewer["metaData"]["resources"] if r["namespacePrefix"] != "OMIM"]
    null["metaData"]["resources"][0]["version"] = None
    _, found = _validate(tmp_path, packet[1], blank, fewer, packet[1], null)
    got = sorted((doc, i.rule) for doc, i in found if i.rule.startswith("meta-"))
    assert got == [(1, "meta-resource-incomplete"), (2, "meta-undeclared-prefix"), (4, "meta-resource-incomplete")]


def test_time_order_feature_object_listed_twice(packet: tuple[Path, dict[str, Any]]) -> None:
    """time-order finds an event's index only when it reports it: one object listed twice is reported at each place."""
    import phenotk

    doc = copy.deepcopy(packet[1])
    late = {"type": {"id": "HP:0001250", "label": "Seizure"}, "onset": {"age": {"iso8601duration": "P99Y"}}}
    doc["phenotypicFeatures"] = [late, {"type": {"id": "HP:0001263", "label": "Global developmental delay"}}, late]
    report = phenotk.validate(doc, hpo=False)
    found = [i.pointer for i in report.issues if i.rule == "time-order"]
    assert found == ["/phenotypicFeatures/0/onset", "/phenotypicFeatures/2/onset"]


def test_dangling_subject_or_biosample_id(packet: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    doc = copy.deepcopy(packet[1])
    doc["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]["subjectOrBiosampleId"] = "nobody"
    (text,), found = _validate(tmp_path, doc)
    issue = _only(found, "xref-unknown-subject")
    assert issue.pointer == "/interpretations/0/diagnosis/genomicInterpretations/0/subjectOrBiosampleId"
    assert issue.line == _line_of(text, '"nobody"')


def test_onset_after_last_encounter(packet: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    doc = copy.deepcopy(packet[1])
    i = next(i for i, f in enumerate(doc["phenotypicFeatures"]) if "age" in f.get("onset", {}))
    doc["phenotypicFeatures"][i]["onset"] = {"age": {"iso8601duration": "P99Y"}}
    (text,), found = _validate(tmp_path, doc)
    issue = _only(found, "time-order")
    assert issue.pointer == f"/phenotypicFeatures/{i}/onset"
    assert issue.line == _line_of(text, '"P99Y"') - 2  # "onset": { / "age": { / "iso8601duration"


def test_duplicate_ids_across_two_files(packet: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    doc = copy.deepcopy(packet[1])
    texts, found = _validate(tmp_path, doc, doc)
    dups = [(d, i) for d, i in found if i.rule == "id-duplicate"]
    assert len(dups) == 1
    d, issue = dups[0]
    assert d == 1 and issue.pointer == "/id" and issue.line == _line_of(texts[1], '"id"')
    assert "packet0.json" in issue.message
