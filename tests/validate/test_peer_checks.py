"""Peer-level checks on mutated real store packets: each mutation is caught by its rule, at the planted pointer and
line, and the unmutated packet gives none of these findings; top-level JSON arrays are read item by item."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from phenotk.validation.config import Options, engine_config
from phenotk.validation.runner import run

pytestmark = pytest.mark.shared

PACKET = "AAGAB/PMID_24573067_CASE_REPORT.json"  # a store packet with a VCF record and hgvs expressions
VD = "/interpretations/0/diagnosis/genomicInterpretations/0/variantInterpretation/variationDescriptor"
PEER = {
    "required-default",
    "value-out-of-range",
    "value-empty",
    "text-control-character",
    "xref-biosample-individual",
}


@pytest.fixture(scope="module")
def packet(store_dir: Path) -> dict[str, Any]:
    return json.loads((store_dir / PACKET).read_text(encoding="utf-8"))


def _set(doc: dict[str, Any], pointer: str, value: Any) -> None:
    *parents, last = pointer.strip("/").split("/")
    node: Any = doc
    for t in parents:
        node = node[int(t)] if isinstance(node, list) else node[t]
    if isinstance(node, list):
        node[int(last)] = value
    elif value is _REMOVE:
        del node[last]
    else:
        node[last] = value


_REMOVE = object()


def _validate(tmp_path: Path, doc: Any, name: str = "packet.json") -> tuple[str, list[Any]]:
    path = tmp_path / name
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    report = run([str(path)], engine_config(Options()))
    return text, [(r, i) for r, i in report.iter_issues() if i.rule in PEER]


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_unmutated_packet_has_no_peer_finding(packet: dict[str, Any], tmp_path: Path) -> None:
    assert _validate(tmp_path, packet)[1] == []


MUTATIONS = [
    # (rule, severity, pointer mutated, new value, pointer reported, text on the reported line)
    (
        "required-default",
        "warning",
        "/interpretations/0/progressStatus",
        _REMOVE,
        "/interpretations/0/progressStatus",
        '"interpretations"',
    ),
    ("value-out-of-range", "error", f"{VD}/vcfRecord/pos", -5, f"{VD}/vcfRecord/pos", '"pos": -5'),
    ("value-out-of-range", "error", f"{VD}/vcfRecord/pos", "-5", f"{VD}/vcfRecord/pos", '"pos": "-5"'),
    ("value-out-of-range", "warning", f"{VD}/vcfRecord/pos", "0", f"{VD}/vcfRecord/pos", '"pos": "0"'),
    (
        "value-out-of-range",
        "error",
        "/subject/timeAtLastEncounter",
        {"gestationalAge": {"weeks": -2}},
        "/subject/timeAtLastEncounter/gestationalAge/weeks",
        '"weeks": -2',
    ),
    ("value-empty", "error", f"{VD}/variation", {}, f"{VD}/variation", '"variation": {}'),
    ("text-control-character", "warning", "/subject/id", "CASE REPORT\t", "/subject/id", '"CASE REPORT\\t"'),
]


@pytest.mark.parametrize(("rule", "severity", "where", "value", "pointer", "needle"), MUTATIONS)
def test_mutation_is_caught_at_its_pointer(
    packet: dict[str, Any], tmp_path: Path, rule: str, severity: str, where: str, value: Any, pointer: str, needle: str
) -> None:
    doc = copy.deepcopy(packet)
    _set(doc, where, value)
    text, found = _validate(tmp_path, doc)
    assert [(i.rule, i.severity.value, i.pointer) for _, i in found] == [(rule, severity, pointer)]
    issue = found[0][1]
    if value is not _REMOVE:
        assert issue.line == _line_of(text, needle)


def test_nan_quantity_and_empty_complex_value(packet: dict[str, Any], tmp_path: Path) -> None:
    doc = copy.deepcopy(packet)
    unit = {"id": "UCUM:mmol/L", "label": "mmol/L"}
    doc["measurements"] = [
        {"assay": {"id": "LOINC:2947-0", "label": "Sodium"}, "value": {"quantity": {"unit": unit, "value": "NaN"}}},
        {"assay": {"id": "LOINC:35925-4", "label": "Blood pressure"}, "complexValue": {"typedQuantities": []}},
    ]
    _, found = _validate(tmp_path, doc)
    assert sorted((i.rule, i.pointer) for _, i in found) == [
        ("value-empty", "/measurements/1/complexValue/typedQuantities"),
        ("value-out-of-range", "/measurements/0/value/quantity/value"),
    ]


def test_isolated_biosample_is_a_warning(packet: dict[str, Any], tmp_path: Path) -> None:
    doc = copy.deepcopy(packet)
    doc["biosamples"] = [{"id": "S1", "individualId": "mother"}]
    _, found = _validate(tmp_path, doc)
    assert [(i.rule, i.severity.value, i.pointer) for _, i in found] == [
        ("xref-biosample-individual", "warning", "/biosamples/0/individualId")
    ]


def test_top_level_array_is_read_item_by_item(store_dir: Path, tmp_path: Path) -> None:
    first = json.loads((store_dir / PACKET).read_text(encoding="utf-8"))
    second = json.loads((store_dir / "AAGAB/PMID_28239884_Family_1_proband.json").read_text(encoding="utf-8"))
    second["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]["variantInterpretation"][
        "variationDescriptor"
    ]["vcfRecord"]["pos"] = "-5"
    text, found = _validate(tmp_path, [first, second], name="array.json")
    report = run([str(tmp_path / "array.json")], engine_config(Options(no_hpo=True)))
    assert [(r.path.replace(str(tmp_path) + "/", ""), r.id) for r in report.results] == [
        ("array.json", first["id"]),
        ("array.json", second["id"]),
    ]
    assert [(r.path.replace(str(tmp_path) + "/", ""), i.pointer, i.line) for r, i in found] == [
        ("array.json", f"/1{VD}/vcfRecord/pos", _line_of(text, '"pos": "-5"'))
    ]


def test_array_items_that_are_not_packets(tmp_path: Path) -> None:
    path = tmp_path / "odd.json"
    path.write_text('[\n  {"id": "P1", "subject": {"id": "I1"}, "metaData": {}},\n  42\n]\n', encoding="utf-8")
    report = run([str(path)], engine_config(Options(no_hpo=True)))
    unreadable = [
        (r.path.replace(str(tmp_path) + "/", ""), i.line)
        for r, i in report.iter_issues()
        if i.rule == "input-unreadable"
    ]
    assert unreadable == [("odd.json", 3)]
    empty = tmp_path / "empty.json"
    empty.write_text("[]", encoding="utf-8")
    assert [i.rule for _, i in run([str(empty)], engine_config(Options())).iter_issues()] == ["input-unreadable"]


def test_required_default_only_where_absence_was_written(tmp_path: Path) -> None:
    """A protobuf message states its defaults by leaving them out: required-default judges only written text."""
    from phenopackets import Interpretation, Phenopacket

    import phenotk

    packet = Phenopacket(id="p1")
    packet.interpretations.append(Interpretation(id="i1"))  # progressStatus UNKNOWN_PROGRESS, the proto3 default
    from_message = phenotk.validate(packet, hpo=False)
    assert "required-default" not in {i.rule for i in from_message.issues}
    written = tmp_path / "p1.json"
    phenotk.write(packet, written)  # the JSON has no progressStatus: a hand-edited file would look the same
    from_file = phenotk.validate(written, hpo=False)
    assert "required-default" in {i.rule for i in from_file.issues}


def test_variant_memo_tells_an_enum_from_its_string(packet: dict[str, Any]) -> None:
    """The variant rules remember a descriptor's findings by its JSON text; a dict handed to the API may hold an
    enum that JSON text writes as its string: it is not taken for that string, in either order."""
    import enum

    import phenotk

    class Chrom(enum.Enum):
        BAD = "chromosome 15"

    as_enum, as_text = copy.deepcopy(packet), copy.deepcopy(packet)
    _set(as_enum, f"{VD}/vcfRecord/chrom", Chrom.BAD)
    _set(as_text, f"{VD}/vcfRecord/chrom", "chromosome 15")
    for docs, expected in (([as_enum, as_text], [0, 1]), ([as_text, as_enum], [1, 0])):
        report = phenotk.validate(docs, hpo=False)
        found = [sum(i.rule == "variant-vcf-record" for i in r.issues) for r in report.results]
        assert found == expected
