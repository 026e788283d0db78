"""The FHIR finding catalog: stable code/name pairs, a full doc page each, and nothing emitted outside it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from google.protobuf import json_format
from google.protobuf.message import Message
from phenopackets import Cohort, Family, Phenopacket

from phenotk.conversion.base import ConvertOptions
from phenotk.conversion.fhir import FhirWriter, read_fhir, to_fhir
from phenotk.conversion.fhir.findings import FINDINGS
from phenotk.errors import InputError

#: The public pairs (reports, --ignore and explain use them): codes and names never change.
STABLE = {
    "FHIR001": "fhir-unmapped-resource",
    "FHIR002": "fhir-unmapped-element",
    "FHIR003": "fhir-invalid",
    "FHIR004": "fhir-no-patient",
    "FHIR005": "fhir-bad-value",
    "FHIR006": "fhir-missing-patient",
    "FHIR007": "fhir-conflicting-sex",
    "FHIR008": "fhir-embedded-phenopacket",
    "FHIR009": "fhir-variant-without-report",
    "FHIR010": "fhir-unmapped-field",
    "FHIR011": "fhir-unsupported-element",
    "FHIR012": "fhir-assumed-subject",
    "FHIR013": "fhir-label-from-ontology",
}


def test_codes_and_names_are_stable_and_unique() -> None:
    assert {ft.code: ft.name for ft in FINDINGS} == STABLE
    assert len({ft.code for ft in FINDINGS}) == len({ft.name for ft in FINDINGS}) == len(FINDINGS)


def test_finding_docs_have_every_section() -> None:
    for ft in FINDINGS:
        assert ft.summary and ft.group == "fhir", ft.code
        for section in ("What it means:", "Why:", "Example:", "What to do:"):
            assert section in ft.doc, (ft.code, section)


def test_catalog_serves_every_fhir_finding() -> None:
    from phenotk import catalog

    for ft in FINDINGS:
        assert catalog.get(ft.code) == ft and catalog.get(ft.name) == ft


@pytest.mark.shared
def test_every_emitted_finding_is_catalogued(shared_data: Path, tmp_path: Path) -> None:
    """Reading every shared FHIR file and writing the v2 examples (and a Cohort) emit only catalogued pairs."""
    declared = {(ft.code, ft.name) for ft in FINDINGS}
    seen: set[tuple[str, str]] = set()
    for path in sorted((shared_data / "fhir").glob("*.*")):
        try:
            items = read_fhir(path, ConvertOptions(created="2026-01-01T00:00:00Z"))
        except InputError:
            continue
        seen.update((i.code, i.rule) for item in items for i in item.issues)
    messages: list[Message] = [Cohort(id="c")]
    for path in sorted((shared_data / "v2-examples").glob("*.json")):
        tree = json.loads(path.read_text())
        msg = Family() if "proband" in tree else Phenopacket()
        try:
            json_format.ParseDict(tree, msg, ignore_unknown_fields=True)
        except json_format.ParseError:
            continue
        if "proband" in tree or "subject" in tree:
            messages.append(msg)
            seen.update((i.code, i.rule) for i in read_fhir(to_fhir(msg), validate=False)[0].issues)
    written = FhirWriter().write(messages, tmp_path / "out", ConvertOptions(created="2026-01-01T00:00:00Z"))
    seen.update((i.code, i.rule) for i in written)
    assert seen - declared == set()
    assert {"FHIR001", "FHIR002", "FHIR003", "FHIR008", "FHIR010", "FHIR011"} <= {code for code, _ in seen}
