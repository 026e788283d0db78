"""Identifiers a curator hides in kept strings outside variant labels and extensions.

Synthetic patients only. Every string the profile keeps is either structured data (codes, sequences, resource
metadata) or scanned: an identifier left in it is a ``deid-identifier-left`` finding, never a silent pass.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest

import phenotk
from phenotk.sharing.text import leftovers

from .test_deidentify import BASE_PHENOPACKET, KEY

PROFILES = ("safe-harbor", "pseudonymised", "research")


def _run(tree: dict[str, Any], profile: str) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    result = phenotk.deidentify(tree, key=KEY, profile=profile)
    assert result.errors == []
    left = [(i.pointer, i.message) for i in result.report.issues if i.rule == "deid-identifier-left"]
    return orjson.loads(result.outputs[0].data), left


def _packet() -> dict[str, Any]:
    pp = copy.deepcopy(BASE_PHENOPACKET)
    pp["subject"]["id"] = "MRN0048151"
    pp["id"] = "case-of-MRN0048151"
    pp["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]["subjectOrBiosampleId"] = "MRN0048151"
    return pp


@pytest.mark.parametrize("profile", PROFILES)
def test_ontology_label_with_a_phone_number_is_reported(profile: str) -> None:
    pp = _packet()
    pp["phenotypicFeatures"][0]["modifiers"] = [{"id": "HP:0031796", "label": "Recurrent, per mother 555-867-5309"}]
    out, left = _run(pp, profile)
    assert out["phenotypicFeatures"][0]["modifiers"][0]["label"].endswith("555-867-5309")  # kept, not rewritten
    assert [p for p, _ in left] == ["/phenotypicFeatures/0/modifiers/0/label"]
    assert "phone number" in left[0][1]


@pytest.mark.parametrize("profile", PROFILES)
def test_curator_fields_and_vcf_info_are_scanned(profile: str) -> None:
    pp = _packet()
    pp["metaData"]["createdBy"] = "Dr Smith <smith@hospital.example>"
    gi = pp["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]
    gi["variantInterpretation"] = {
        "acmgPathogenicityClassification": "PATHOGENIC",
        "variationDescriptor": {
            "id": "v1",
            "vcfRecord": {
                "genomeAssembly": "GRCh38",
                "chrom": "15",
                "pos": "48762884",
                "ref": "A",
                "alt": "G",
                "info": "SAMPLE=MRN0048151;DP=30",
            },
        },
    }
    out, left = _run(pp, profile)
    vcf = out["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]["variantInterpretation"][
        "variationDescriptor"
    ]["vcfRecord"]
    assert vcf["info"] == f"SAMPLE={out['subject']['id']};DP=30"  # the subject id rewritten, like variant ids
    assert [p for p, _ in left] == ["/metaData/createdBy"]


def test_file_attributes_values_are_rewritten_and_scanned() -> None:
    pp = _packet()
    pp["files"] = [
        {
            "uri": "file:///data/x.vcf.gz",
            "fileAttributes": {
                "genomeAssembly": "GRCh38",
                "sample": "MRN0048151 blood",
                "contact": "jane.roe@example.org",
                "description": "VCF of Jane Roe",
            },
        }
    ]
    out, left = _run(pp, "pseudonymised")
    attrs = out["files"][0]["fileAttributes"]
    assert attrs["sample"] == f"{out['subject']['id']} blood" and "description" not in attrs
    assert [p for p, _ in left] == ["/files/0/fileAttributes/contact"]


def test_a_kept_reference_url_holding_the_subject_id_is_reported() -> None:
    pp = _packet()
    pp["metaData"]["externalReferences"] = [
        {"id": "PMID:1", "reference": "https://pubmed.ncbi.nlm.nih.gov/1"},
        {"id": "chart", "reference": "https://hospital.example/patients/MRN0048151"},
    ]
    _, left = _run(pp, "pseudonymised")
    assert [p for p, _ in left] == ["/metaData/externalReferences/1/reference"]  # the PMID link is no finding
    assert "own id" in left[0][1]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("jane.roe\uff20example.org", "e-mail address"),  # fullwidth @
        ("jane\u200b.roe@example.org", "e-mail address"),  # zero-width space inside
        ("call 555\u200b-867-5309", "phone number"),
        ("\uff48\uff54\uff54\uff50\uff53://hospital.example/a", "URL"),  # fullwidth https
        ("SSN 123-45-6789", "social security number"),
        ("host 192.168.10.23", "IP address"),
        ("seen March 12th, 2019", "date"),
        ("seen 12th of March 2019", "date"),
        ("tel +33 1 42 68 53 00", "phone number"),
        ("lives at SW1A 1AA", "postcode"),
        ("ZIP 90210-1234", "postcode"),
    ],
)
def test_scan_sees_through_look_alikes_and_finds_more_identifiers(text: str, kind: str) -> None:
    assert kind in {k for k, _ in leftovers(text)}


@pytest.mark.parametrize(
    "text",
    ["NM_000138.5:c.1A>G", "c.100+1G>A", "46,XX,del(1)(q21.1q21.2)", "Chromosome 1q21.1 deletion syndrome", "1.2.3"],
)
def test_scan_leaves_variant_and_cytogenetic_notation_alone(text: str) -> None:
    assert list(leftovers(text)) == []


def test_own_id_between_separators_the_token_scan_does_not_split_on() -> None:
    for text in ("SAMPLE=MRN0048151;DP=30", "<MRN0048151>", "MRN0048151|blood"):
        assert ("the record's own id", "MRN0048151") in set(leftovers(text, ["MRN0048151"])), text
    assert list(leftovers("P14=x", ["P140"])) == []  # a longer id is not the id


def test_a_huge_kept_string_is_scanned_in_linear_time() -> None:
    import time

    hostile = "a" * 100_000 + "@!"  # the e-mail pattern backtracks over the whole run from every start: ~30 s
    start = time.process_time()
    assert list(leftovers(hostile)) == []
    assert time.process_time() - start < 5


@pytest.mark.parametrize("at", [0, 500, 1000, 1010, 1020, 1500, 2040, 4000])
def test_a_match_anywhere_in_a_long_string_is_found_once(at: int) -> None:
    filler = "x" * 4100
    text = filler[:at] + " call 555 867 5309 or jane.roe@example.org " + filler[at:]
    assert sorted(leftovers(text)) == [("e-mail address", "jane.roe@example.org"), ("phone number", "555 867 5309")]


def test_an_identifier_in_a_kept_folder_name_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "in" / "FBN1" / "visit 2019-03-12"
    folder.mkdir(parents=True)
    (folder / "MRN0048151.json").write_bytes(orjson.dumps(_packet()))
    result = phenotk.deidentify(tmp_path / "in", tmp_path / "out", key=KEY)
    left = [i for i in result.report.issues if i.rule == "deid-identifier-left"]
    assert len(left) == 1 and "2019-03-12" in left[0].message and result.exit_code() == 1
    [written] = (tmp_path / "out").rglob("*.json")
    assert written.parent.name == "visit 2019-03-12" and "MRN" not in written.name  # the layout is kept


@pytest.mark.parametrize(
    ("written", "kept"), [("p95y", "P90Y"), ("P 93Y", "P90Y"), ("p12y", "p12y"), ("95 years", None)]
)
def test_safe_harbor_caps_an_age_written_loosely_and_removes_one_it_cannot_read(written: str, kept: str | None) -> None:
    pp = _packet()
    pp["subject"]["timeAtLastEncounter"] = {"age": {"iso8601duration": written}}
    result = phenotk.deidentify(pp, key=KEY, profile="safe-harbor")
    out = orjson.loads(result.outputs[0].data)
    assert out["subject"]["timeAtLastEncounter"]["age"].get("iso8601duration") == kept
    rules = [i.rule for i in result.report.issues if i.pointer.startswith("/subject/timeAtLastEncounter")]
    assert rules == {"P90Y": ["deid-age-generalised"], None: ["deid-time-unreadable"]}.get(kept, [])


def test_an_age_of_exactly_90_is_no_finding() -> None:
    pp = _packet()
    pp["subject"]["timeAtLastEncounter"] = {"age": {"iso8601duration": "P90Y"}}
    result = phenotk.deidentify(pp, key=KEY, profile="safe-harbor")
    assert [i.rule for i in result.report.issues] == []


def test_a_variant_id_is_rewritten_and_then_scanned() -> None:
    pp = _packet()
    gi = pp["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]
    gi["variantInterpretation"] = {
        "acmgPathogenicityClassification": "PATHOGENIC",
        "variationDescriptor": {"id": "MRN0048151_seen_2019-03-12"},
    }
    out, left = _run(pp, "research")
    vd = out["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]["variantInterpretation"]
    assert vd["variationDescriptor"]["id"] == out["subject"]["id"] + "_seen_2019-03-12"
    assert [(p, m.split(" '")[0]) for p, m in left] == [
        ("/interpretations/0/diagnosis/genomicInterpretations/0/variantInterpretation/variationDescriptor/id", "date")
    ]


def test_an_own_id_written_in_another_unicode_form_is_still_found() -> None:
    nfd, nfc = "Mu\u0308ller-0001", "M\u00fcller-0001"
    assert ("the record's own id", nfc) in set(leftovers(f"sample of {nfc}", [nfd]))
    assert ("the record's own id", nfc) in set(leftovers(f"sample of {nfd}", [nfc]))


def test_file_maps_drop_values_that_are_not_strings_and_scan_attribute_names() -> None:
    pp = _packet()
    pp["files"] = [
        {
            "uri": "file:///data/x.vcf.gz",
            "individualToFileIdentifiers": {"MRN0048151": {"name": "Jane Roe"}},
            "fileAttributes": {"genomeAssembly": "GRCh38", "meta": {"patient": "Jane Roe"}, "size": 12, "tel": "x"},
        }
    ]
    pp["files"][0]["fileAttributes"]["jane.roe@example.org"] = "owner"
    result = phenotk.deidentify(pp, key=KEY, profile="research")
    f = orjson.loads(result.outputs[0].data)["files"][0]
    assert f.get("individualToFileIdentifiers", {}) == {}
    assert f["fileAttributes"] == {"genomeAssembly": "GRCh38", "tel": "x", "jane.roe@example.org": "owner"}
    removed = sorted(i.pointer for i in result.report.issues if i.rule == "deid-unknown-field-removed")
    assert removed == [
        "/files/0/fileAttributes/meta",
        "/files/0/fileAttributes/size",
        "/files/0/individualToFileIdentifiers/MRN0048151",
    ]
    left = [i.pointer for i in result.report.issues if i.rule == "deid-identifier-left"]
    assert left == ["/files/0/fileAttributes/jane.roe@example.org"]


@pytest.mark.parametrize("profile", PROFILES)
def test_an_enum_field_holding_text_is_removed_and_reported(profile: str) -> None:
    pp = _packet()
    pp["subject"]["sex"] = "Jane Roe, 555-867-5309"
    pp["subject"]["karyotypicSex"] = "XX"
    pp["interpretations"][0]["progressStatus"] = 4  # a number of the enum is a value too
    out, _ = _run(pp, profile)
    assert "sex" not in out["subject"] and out["subject"]["karyotypicSex"] == "XX"
    assert out["interpretations"][0]["progressStatus"] == 4
    result = phenotk.deidentify(pp, key=KEY, profile=profile)
    assert [i.pointer for i in result.report.issues if i.rule == "deid-unknown-field-removed"] == ["/subject/sex"]


def test_number_and_bool_fields_holding_text_are_removed_and_reported() -> None:
    pp = _packet()
    pp["measurements"] = [
        {
            "assay": {"id": "LOINC:2951-2", "label": "Sodium"},
            "value": {"quantity": {"unit": {"id": "UCUM:mmol/L", "label": "mmol/L"}, "value": "Jane Roe 140"}},
        },
        {
            "assay": {"id": "LOINC:2951-2", "label": "Sodium"},
            "value": {"quantity": {"unit": {"id": "UCUM:mmol/L", "label": "mmol/L"}, "value": "140.5"}},
        },
    ]
    pp["phenotypicFeatures"][0]["excluded"] = "true"
    pp["phenotypicFeatures"][1]["excluded"] = "per Jane Roe"
    result = phenotk.deidentify(pp, key=KEY, profile="research")
    out = orjson.loads(result.outputs[0].data)
    assert "value" not in out["measurements"][0]["value"]["quantity"]
    assert out["measurements"][1]["value"]["quantity"]["value"] == "140.5"  # a number as protobuf JSON writes it
    assert out["phenotypicFeatures"][0]["excluded"] == "true" and "excluded" not in out["phenotypicFeatures"][1]
    removed = sorted(i.pointer for i in result.report.issues if i.rule == "deid-unknown-field-removed")
    assert removed == ["/measurements/0/value/quantity/value", "/phenotypicFeatures/1/excluded"]
