"""Every file of ../shared/data/fhir converts or fails with a clear finding; the two known pairs agree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from google.protobuf import json_format
from phenopackets import Sex

from phenotk.conversion.fhir import load_fhir, read_fhir
from phenotk.conversion.fhir.findings import FINDINGS
from phenotk.issue import Severity

pytestmark = pytest.mark.shared

#: catalogued code of each FHIR finding name
CODES = {ft.name: ft.code for ft in FINDINGS}

MAPPED_TYPES = {
    "Patient",
    "Observation",
    "Condition",
    "DiagnosticReport",
    "Provenance",
    "DocumentReference",
    "Specimen",
}


def _names() -> list[str]:
    """File names for parametrisation (collection time); the test itself reads through the shared_data fixture."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_phenotk_tests_root", Path(__file__).parents[2] / "conftest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    root = module.SHARED
    if root is None:
        return ["<shared data missing>"]
    return sorted(p.name for p in (root / "fhir").iterdir() if p.is_file() and p.suffix in (".json", ".xml"))


@pytest.fixture(scope="module")
def fhir_dir(shared_data: Path) -> Path:
    return shared_data / "fhir"


@pytest.mark.parametrize("name", _names())
def test_every_file_converts_or_fails_clearly(fhir_dir: Path, name: str) -> None:
    path = fhir_dir / name
    items = read_fhir(path)
    assert items, "at least one result per file"
    tree = load_fhir(path)
    issues = [i for item in items for i in item.issues]
    for item in items:
        if item.message is None:
            assert any(i.severity is Severity.ERROR for i in item.issues), "a failed item names why"
    for issue in issues:
        assert issue.message and issue.code == CODES[issue.rule], issue
    # every resource of a type with no phenopacket counterpart is reported at its own pointer
    resources = (
        [(f"/entry/{i}/resource", e["resource"]) for i, e in enumerate(tree.get("entry", [])) if "resource" in e]
        if tree["resourceType"] == "Bundle"
        else [("", tree)]
    )
    pointers = {i.pointer for i in issues if i.rule == "fhir-unmapped-resource"}
    for ptr, res in resources:
        if res["resourceType"] not in MAPPED_TYPES:
            assert ptr in pointers, f"{res['resourceType']} at {ptr} dropped without a finding"
    # every packet is a valid protobuf message that serialises
    for item in items:
        if item.message is not None:
            json_format.MessageToJson(item.message)


def _features(packet) -> set[tuple[str, bool]]:
    return {(f.type.id, f.excluded) for f in packet.phenotypic_features}


def test_pair_convert_pheno(fhir_dir: Path) -> None:
    expected = json.loads((fhir_dir / "pairs" / "convert-pheno__fhir2pxf_out_pxf.json").read_text())[0]
    items = read_fhir(fhir_dir / "convert-pheno__patient-bundle.json")
    packets = [i.message for i in items if i.message is not None]
    assert len(packets) == 1
    got = packets[0]
    assert _features(got) == {(f["type"]["id"], f.get("excluded", False)) for f in expected["phenotypicFeatures"]}
    assert Sex.Name(got.subject.sex) == expected["subject"]["sex"]
    assert got.subject.id == expected["subject"]["id"]
    assert {d.term.id for d in got.diseases} == {d["term"]["id"] for d in expected["diseases"]}
    # Differences, on purpose:
    # - Convert-Pheno turns Observation.effectiveDateTime into a feature onset (age P17Y at the observation). An
    #   observation time is not an onset, so phenotk reports effectiveDateTime as not carried instead.
    # - Convert-Pheno gives disease onset/resolution as ages computed from birth; phenotk keeps the FHIR
    #   onsetDateTime/abatementDateTime as timestamps (no information lost or invented).
    # - Convert-Pheno files the hemoglobin Observation (it names a Specimen) under the biosample; phenotk keeps
    #   every lab Observation as a top-level measurement and reports Observation.specimen as not carried.
    # - Medical actions (Procedure, MedicationRequest) are outside this mapping: findings name them.
    expected_assays = {m["assay"]["id"] for m in expected["measurements"]}
    expected_assays |= {m["assay"]["id"] for b in expected["biosamples"] for m in b.get("measurements", [])}
    assert {m.assay.id for m in got.measurements} == expected_assays
    glucose = next(m for m in got.measurements if m.assay.id == "LOINC:5792-7")
    exp_glucose = next(m for m in expected["measurements"] if m["assay"]["id"] == "LOINC:5792-7")
    assert glucose.value.quantity.value == pytest.approx(exp_glucose["value"]["quantity"]["value"])
    assert glucose.value.quantity.unit.id == exp_glucose["value"]["quantity"]["unit"]["id"]
    assert glucose.value.quantity.reference_range.high == exp_glucose["value"]["quantity"]["referenceRange"]["high"]
    assert not got.phenotypic_features[0].HasField("onset")
    assert got.diseases[0].onset.WhichOneof("element") == "timestamp"
    assert got.diseases[0].onset.timestamp.ToJsonString().startswith("2016-11-04")
    issues = [i for item in items for i in item.issues]
    assert any(i.pointer.endswith("/effectiveDateTime") for i in issues)
    assert {i.pointer for i in issues if i.rule == "fhir-unmapped-resource"} >= {
        "/entry/5/resource",  # Procedure
        "/entry/6/resource",  # MedicationRequest
    }
    # the Specimen is a biosample, as in Convert-Pheno's output (which truncates the collection time to the day)
    (exp_bs,) = expected["biosamples"]
    (bs,) = got.biosamples
    assert (bs.id, bs.sample_type.id, bs.sampled_tissue.id) == (
        exp_bs["id"],
        exp_bs["sampleType"]["id"],
        exp_bs["sampledTissue"]["id"],
    )
    assert bs.time_of_collection.timestamp.ToJsonString()[:10] == exp_bs["timeOfCollection"]["timestamp"][:10]


def test_pair_phenomics_ig_usecase2(fhir_dir: Path) -> None:
    expected = json.loads((fhir_dir / "pairs" / "phenomics-ig__usecase-2-phenopacket.json").read_text())
    items = read_fhir(fhir_dir / "phenomics-ig__usecase-2-fhir-lab-request-bundle.json")
    packets = [i.message for i in items if i.message is not None]
    assert len(packets) == 1
    got = packets[0]
    # the DocumentReference embeds the phenopacket (snake_case, v1-style subject.age): same ids, typo included
    assert [f.type.id for f in got.phenotypic_features] == [f["type"]["id"] for f in expected["phenotypic_features"]]
    assert Sex.Name(got.subject.sex) == expected["subject"]["sex"]
    assert len(got.diseases) == len(expected.get("diseases", [])) == 0
    # subject.age is v1 (v2 has timeAtLastEncounter): reported, not silently dropped
    issues = [i for item in items for i in item.issues]
    assert any("age" in i.message and i.rule == "fhir-unmapped-element" for i in issues)


def test_kids_first_xml_bundle(fhir_dir: Path) -> None:
    items = read_fhir(fhir_dir / "phenomics-ig__Bundle-kf-bundle-2.xml")
    assert len(items) == 1
    got = items[0].message
    assert Sex.Name(got.subject.sex) == "MALE"
    # the XML carries three HPO phenotype Observations (valueBoolean true) and three MONDO Conditions
    assert _features(got) == {("HP:0011994", False), ("HP:0001641", False), ("HP:0011563", False)}
    assert [d.term.id for d in got.diseases] == ["MONDO:0006664", "MONDO:0002070", "MONDO:0020434"]
    assert got.subject.time_at_last_encounter.age.iso8601duration.startswith("P")


def test_interop_bundle_hpo_conditions(fhir_dir: Path) -> None:
    items = read_fhir(fhir_dir / "pp-fhir-interop__test_bundle.json")
    by_id = {i.message.subject.id: i.message for i in items if i.message is not None}
    assert set(by_id) == {"PROBAND:1", "MOTHER:1"}
    proband = by_id["PROBAND:1"]
    feat = proband.phenotypic_features[0]
    assert (feat.type.id, feat.severity.id, feat.onset.ontology_class.id) == ("HP:0000118", "HP:0012828", "HP:0003577")
    assert Sex.Name(by_id["MOTHER:1"].subject.sex) == "FEMALE"
    issues = [i for item in items for i in item.issues]
    assert any(i.rule == "fhir-unmapped-resource" and "FamilyMemberHistory" in i.message for i in issues)
