"""Every store packet survives phenopacket → FHIR → phenopacket on every field the mapping covers."""

from __future__ import annotations

import pytest
from google.protobuf import json_format

from phenotk.conversion.fhir import validate_fhir, writer_issues
from phenotk.conversion.fhir.coverage import covered_copy
from phenotk.issue import Severity

pytestmark = pytest.mark.shared

#: every 16th store packet is also built through the fhir.resources R4B models (≈20 ms per bundle; the whole
#: store takes minutes, so the full validation runs in benchmarks/fhir.py --validate-all).
VALIDATE_EVERY = 16


def _diff(a: dict, b: dict, path: str = "") -> list[str]:
    out = []
    for key in sorted(set(a) | set(b)):
        va, vb = a.get(key), b.get(key)
        if va == vb:
            continue
        if isinstance(va, dict) and isinstance(vb, dict):
            out += _diff(va, vb, f"{path}/{key}")
        else:
            out.append(f"{path}/{key}: {str(va)[:200]} -> {str(vb)[:200]}")
    return out


@pytest.mark.slow
def test_store_roundtrip_covered_fields_identical(store_trips) -> None:
    assert len(store_trips) > 7000
    failures = []
    for trip in store_trips:
        assert len(trip.back) == 1, f"{trip.path}: expected one packet back"
        back = trip.back[0]
        assert back.message is not None, f"{trip.path}: {[i.message for i in back.issues]}"
        before, after = covered_copy(trip.packet), covered_copy(back.message)
        if before != after:
            failures.append(
                f"{trip.path.name}: "
                + "; ".join(_diff(json_format.MessageToDict(before), json_format.MessageToDict(after))[:5])
            )
    for line in failures[:20]:
        print(line)
    assert not failures, f"{len(failures)} packets differ after the round trip (first: {failures[:3]})"


@pytest.mark.slow
def test_store_roundtrip_reports_nothing_lost(store_trips) -> None:
    # the store uses only covered fields, so neither direction may report an uncarried value; the one writer
    # finding is a label typed as a modifier id (SCN4A), written as a Coding without a code system
    writer_gaps = [(t.path.name, i.pointer) for t in store_trips for i in writer_issues(t.packet, Severity.WARNING)]
    assert writer_gaps == [
        ("PMID_28940424_proband_patient_III_9.json", f"/phenotypicFeatures/{i}/modifiers/0/id") for i in (2, 6, 7, 8)
    ]
    reader_findings = [(t.path.name, i.message) for t in store_trips for i in t.back[0].issues]
    assert reader_findings == []


@pytest.mark.slow
def test_store_sample_validates_with_fhir_resources(store_trips) -> None:
    sample = store_trips[::VALIDATE_EVERY]
    assert len(sample) > 450
    problems = {t.path.name: [i.message for i in validate_fhir(t.bundle)] for t in sample}
    problems = {k: v for k, v in problems.items() if v}
    assert problems == {}


@pytest.mark.slow
def test_roundtrip_keeps_bundle_shape(store_trips) -> None:
    trip = next(t for t in store_trips if len(t.packet.interpretations) and t.packet.subject.HasField("vital_status"))
    types = [e["resource"]["resourceType"] for e in trip.bundle["entry"]]
    assert types[0] == "Patient"
    assert types[-1] == "Provenance"
    assert types.count("Observation") >= len(trip.packet.phenotypic_features)
    assert types.count("Condition") == len(trip.packet.diseases)
    assert types.count("DiagnosticReport") == len(trip.packet.interpretations)
    patient = trip.bundle["entry"][0]["resource"]
    assert patient["deceasedBoolean"] is True
    # every reference resolves inside the bundle
    urls = {e["fullUrl"] for e in trip.bundle["entry"]}
    refs = [r["reference"] for e in trip.bundle["entry"] for r in _refs(e["resource"])]
    assert refs and set(refs) <= urls


def _refs(node):
    if isinstance(node, dict):
        if set(node) == {"reference"}:
            yield node
        for v in node.values():
            yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)
