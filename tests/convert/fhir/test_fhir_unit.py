"""Mapping details on small hand-made packets and bundles (no shared data needed)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from google.protobuf import json_format
from phenopackets import Cohort, Family, Phenopacket, Sex

import phenotk
from phenotk.conversion.base import ConvertOptions
from phenotk.conversion.fhir import (
    FhirReader,
    FhirWriter,
    load_fhir,
    read_fhir,
    to_fhir,
    validate_fhir,
    writer_issues,
)
from phenotk.conversion.fhir import terms as T
from phenotk.conversion.fhir.coverage import covered_copy
from phenotk.errors import InputError, UsageError
from phenotk.issue import Severity

CREATED = "2026-01-01T00:00:00Z"

RICH = {
    "id": "case_1",
    "subject": {
        "id": "P 1",
        "alternateIds": ["ALT:1"],
        "dateOfBirth": "2001-02-03T04:05:06Z",
        "timeAtLastEncounter": {"age": {"iso8601duration": "P1Y2M3D"}},
        "vitalStatus": {
            "status": "DECEASED",
            "timeOfDeath": {"age": {"iso8601duration": "P30Y"}},
            "causeOfDeath": {"id": "MONDO:0005068", "label": "myocardial infarction"},
            "survivalTimeInDays": 12,
        },
        "sex": "OTHER_SEX",
        "karyotypicSex": "XXY",
        "taxonomy": {"id": "NCBITaxon:9606", "label": "Homo sapiens"},
    },
    "phenotypicFeatures": [
        {
            "type": {"id": "HP:0001250", "label": "Seizure"},
            "description": "two episodes",
            "severity": {"id": "HP:0012828", "label": "Severe"},
            "modifiers": [{"id": "HP:0031796", "label": "Recurrent"}, {"id": "HP:0012832", "label": "Bilateral"}],
            "onset": {"gestationalAge": {"weeks": 30, "days": 2}},
            "resolution": {"timestamp": "2010-01-01T00:00:00Z"},
            "evidence": [
                {
                    "evidenceCode": {"id": "ECO:0000033", "label": "author statement"},
                    "reference": {
                        "id": "PMID:1",
                        "reference": "https://pubmed.ncbi.nlm.nih.gov/1",
                        "description": "a paper",
                    },
                }
            ],
        },
        {
            "type": {"id": "HP:0001263", "label": "Global developmental delay"},
            "excluded": True,
            "onset": {"ageRange": {"start": {"iso8601duration": "P2Y"}, "end": {"iso8601duration": "P03Y"}}},
        },
        {
            "type": {"id": "HP:0000252", "label": "Microcephaly"},
            "onset": {"interval": {"start": "2001-01-01T00:00:00Z", "end": "2002-01-01T00:00:00Z"}},
        },
    ],
    "diseases": [
        {
            "term": {"id": "OMIM:154700", "label": "Marfan syndrome"},
            "onset": {"ontologyClass": {"id": "HP:0003577", "label": "Congenital onset"}},
            "resolution": {"age": {"iso8601duration": "P10W"}},
            "diseaseStage": [{"id": "NCIT:C27966", "label": "Stage I"}],
            "primarySite": {"id": "UBERON:0002107", "label": "liver"},
            "clinicalTnmFinding": [{"id": "NCIT:C48720", "label": "T1 Stage Finding"}],
            "laterality": {"id": "HP:0012834", "label": "Right"},
        },
        {"term": {"id": "ORPHA:558", "label": "Marfan syndrome"}, "excluded": True},
    ],
    "biosamples": [
        {
            "id": "biosample-9",
            "individualId": "P 1",
            "description": "blood draw",
            "sampleType": {"id": "UBERON:0000178", "label": "blood"},
            "sampledTissue": {"id": "UBERON:0002371", "label": "bone marrow"},
            "timeOfCollection": {"timestamp": "2020-03-21T15:48:03Z"},
            "materialSample": {"id": "EFO:0009655", "label": "abnormal sample"},
        },
        {"id": "b2", "individualId": "someone-else", "timeOfCollection": {"age": {"iso8601duration": "P3Y"}}},
    ],
    "measurements": [
        {
            "assay": {"id": "LOINC:2345-7", "label": "Glucose"},
            "value": {
                "quantity": {
                    "unit": {"id": "UCUM:mg/dL", "label": "mg/dL"},
                    "value": 7.5,
                    "referenceRange": {"unit": {"id": "UCUM:mg/dL", "label": "mg/dL"}, "low": 0.0, "high": 15.0},
                }
            },
            "timeObserved": {"timestamp": "2016-11-04T13:24:13Z"},
            "description": "fasting",
        },
        {
            "assay": {"id": "LOINC:2514-8", "label": "Ketones"},
            "value": {"ontologyClass": {"id": "SNOMEDCT:167287002", "label": "Urine ketones not detected"}},
            "timeObserved": {"age": {"iso8601duration": "P15Y"}},
        },
    ],
    "interpretations": [
        {
            "id": "int-1",
            "progressStatus": "SOLVED",
            "summary": "solved",
            "diagnosis": {
                "disease": {"id": "OMIM:154700", "label": "Marfan syndrome"},
                "genomicInterpretations": [
                    {
                        "subjectOrBiosampleId": "biosample-9",
                        "interpretationStatus": "CAUSATIVE",
                        "variantInterpretation": {
                            "acmgPathogenicityClassification": "LIKELY_PATHOGENIC",
                            "therapeuticActionability": "ACTIONABLE",
                            "variationDescriptor": {
                                "id": "var-1",
                                "label": "a label",
                                "geneContext": {"valueId": "HGNC:3603", "symbol": "FBN1"},
                                "expressions": [
                                    {"syntax": "hgvs.c", "value": "NM_000138.5:c.1A>G", "version": "21"},
                                    {"syntax": "spdi", "value": "NC_000015.10:48644710:T:C"},
                                ],
                                "vcfRecord": {
                                    "genomeAssembly": "GRCh38",
                                    "chrom": "chr15",
                                    "pos": "48644711",
                                    "ref": "T",
                                    "alt": "C",
                                },
                                "moleculeContext": "genomic",
                                "structuralType": {"id": "SO:1000029", "label": "chromosomal_deletion"},
                                "allelicState": {"id": "GENO:0000135", "label": "heterozygous"},
                            },
                        },
                    },
                    {
                        "subjectOrBiosampleId": "P 1",
                        "interpretationStatus": "CANDIDATE",
                        "gene": {"valueId": "HGNC:3603", "symbol": "FBN1"},
                    },
                ],
            },
        }
    ],
    "metaData": {
        "created": "2024-01-02T03:04:05.123Z",
        "createdBy": "curator",
        "submittedBy": "submitter",
        "resources": [
            {
                "id": "hp",
                "name": "HPO",
                "url": "http://purl.obolibrary.org/obo/hp.owl",
                "version": "2024-04-26",
                "namespacePrefix": "HP",
                "iriPrefix": "http://purl.obolibrary.org/obo/HP_",
            }
        ],
        "phenopacketSchemaVersion": "2.0",
        "externalReferences": [{"id": "PMID:1", "reference": "https://pubmed.ncbi.nlm.nih.gov/1", "description": "x"}],
    },
}


def packet(data: dict) -> Phenopacket:
    return json_format.ParseDict(data, Phenopacket())


def roundtrip(p: Phenopacket, **kw) -> tuple[dict, Phenopacket]:
    bundle = to_fhir(p, created=CREATED, **kw)
    items = read_fhir(bundle, validate=False)
    assert len(items) == 1 and items[0].message is not None
    assert items[0].issues == [], [i.message for i in items[0].issues]
    return bundle, items[0].message


def resources(bundle: dict, rt: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == rt]


def test_rich_packet_roundtrips_every_covered_field_and_validates() -> None:
    p = packet(RICH)
    bundle, back = roundtrip(p)
    assert covered_copy(p) == covered_copy(back) == p  # every field of RICH is covered
    assert validate_fhir(bundle) == []


def test_excluded_feature_uses_the_ig_absent_answer() -> None:
    bundle, _ = roundtrip(packet(RICH))
    feats = [r for r in resources(bundle, "Observation") if T.PROFILE_FEATURE in r["meta"]["profile"]]
    answers = [r["valueCodeableConcept"]["coding"][0]["code"] for r in feats]
    assert answers == [T.LOINC_PRESENT, T.LOINC_ABSENT, T.LOINC_PRESENT]
    assert feats[0]["code"]["coding"][0] == {
        "system": "http://human-phenotype-ontology.org",
        "version": "2024-04-26",
        "code": "HP:0001250",
        "display": "Seizure",
    }
    comps = {
        c["code"]["coding"][0]["code"]: c["valueCodeableConcept"]["coding"][0]["code"] for c in feats[0]["component"]
    }
    assert comps[T.HP_SEVERITY] == "HP:0012828"


def test_disease_codings_use_canonical_systems() -> None:
    bundle, _ = roundtrip(packet(RICH))
    conds = resources(bundle, "Condition")
    assert conds[0]["code"]["coding"][0]["system"] == "http://www.omim.org"
    assert conds[0]["code"]["coding"][0]["code"] == "154700"
    assert conds[1]["code"]["coding"][0]["system"] == "http://www.orpha.net"
    assert conds[1]["verificationStatus"]["coding"][0]["code"] == "refuted"
    assert conds[0]["abatementAge"] == {"value": 10, "unit": "weeks", "system": T.UCUM, "code": "wk"}


def test_variant_uses_genomics_reporting_loinc_components() -> None:
    bundle, _ = roundtrip(packet(RICH))
    variant = next(r for r in resources(bundle, "Observation") if T.PROFILE_VARIANT in r["meta"]["profile"])
    codes = [c["code"]["coding"][0]["code"] for c in variant["component"]]
    for loinc in (T.C_HGVS_C, T.C_GENE, T.C_ASSEMBLY, T.C_ALLELIC_STATE, T.C_REF_ALLELE, T.C_ALT_ALLELE):
        assert loinc in codes
    state = next(c for c in variant["component"] if c["code"]["coding"][0]["code"] == T.C_ALLELIC_STATE)
    assert {"system": T.LOINC, "code": "LA6706-1", "display": "Heterozygous"} in state["valueCodeableConcept"]["coding"]
    impl = next(r for r in resources(bundle, "Observation") if T.PROFILE_IMPLICATION in r["meta"]["profile"])
    acmg = next(c for c in impl["component"] if c["code"]["coding"][0]["code"] == T.C_ACMG)
    assert acmg["valueCodeableConcept"]["coding"][0]["code"] == "LA26332-9"


def test_transaction_bundle_and_ids_are_valid() -> None:
    bundle, back = roundtrip(packet(RICH), bundle_type="transaction")
    assert bundle["type"] == "transaction"
    assert all(e["request"] == {"method": "POST", "url": e["resource"]["resourceType"]} for e in bundle["entry"])
    assert back.subject.id == "P 1"  # not a valid FHIR id: kept in Patient.identifier
    assert validate_fhir(bundle) == []
    with pytest.raises(ValueError):
        to_fhir(packet(RICH), bundle_type="batch")


def test_output_is_deterministic() -> None:
    assert to_fhir(packet(RICH), created=CREATED) == to_fhir(packet(RICH), created=CREATED)


def test_writer_reports_fields_it_cannot_carry(tmp_path: Path) -> None:
    data = {
        **RICH,
        "medicalActions": [{"procedure": {"code": {"id": "NCIT:C28743", "label": "Punch Biopsy"}}}],
        "files": [{"uri": "file://x.vcf"}],
        "biosamples": [*RICH["biosamples"], {"id": "b3", "tumorGrade": {"id": "NCIT:C28077", "label": "Grade 1"}}],
    }
    issues = FhirWriter().write([packet(data)], tmp_path / "out", ConvertOptions(created=CREATED))
    assert {i.pointer for i in issues} == {"/medicalActions", "/files", "/biosamples/2/tumorGrade"}
    assert all(i.rule == "fhir-unmapped-field" for i in issues)
    written = [p.name for p in (tmp_path / "out").iterdir()]
    assert len(written) == 1 and written[0].startswith("case-1-") and written[0].endswith(".json")


def test_writer_single_file_and_family(tmp_path: Path) -> None:
    out = tmp_path / "one.json"
    options = ConvertOptions(created=CREATED, extra={"bundle-type": "transaction"})
    issues = FhirWriter().write([packet(RICH)], out, options)
    assert issues == []
    assert json.loads(out.read_text())["type"] == "transaction"
    with pytest.raises(UsageError):
        FhirWriter().write([packet(RICH), packet(RICH)], tmp_path / "two.json", ConvertOptions())
    issues = FhirWriter().write([Cohort(id="c")], tmp_path / "cohort", ConvertOptions())
    assert issues and issues[0].rule == "fhir-unsupported-element"


def test_kids_first_style_xml(fixtures_dir: Path) -> None:
    items = read_fhir(fixtures_dir / "fhir" / "kf-style-observations.xml")
    assert len(items) == 1
    got = items[0].message
    assert Sex.Name(got.subject.sex) == "MALE"
    assert got.subject.vital_status.status == got.subject.vital_status.ALIVE
    assert [(f.type.id, f.excluded) for f in got.phenotypic_features] == [("HP:0001250", False), ("HP:0001263", True)]
    assert got.diseases[0].term.id == "OMIM:154700"  # https://omim.org variant read, bare code prefixed
    assert got.diseases[0].onset.age.iso8601duration == "P3Y"
    rules = {(i.rule, i.pointer) for i in items[0].issues}
    assert ("fhir-unmapped-resource", "/entry/4/resource") in rules  # Encounter
    assert ("fhir-unmapped-element", "/entry/2/resource/bodySite") in rules


def test_sniffing() -> None:
    r = FhirReader()
    assert r.sniff(Path("x.json"), b'{"resourceType": "Bundle"}')
    assert r.sniff(Path("x.xml"), b'<?xml version="1.0"?>\n<Bundle xmlns="http://hl7.org/fhir">')
    assert not r.sniff(Path("x.json"), b'{"id": "p", "subject": {}}')
    assert not r.sniff(Path("x.xml"), b"<root/>")


@pytest.mark.parametrize(
    ("raw", "needle"),
    [(b"{not json", "not JSON"), (b'{"id": 1}', "resourceType"), (b"<Bundle/>", "namespace"), (b"<a><b></a>", "XML")],
)
def test_bad_input_is_an_input_error(raw: bytes, needle: str) -> None:
    with pytest.raises(InputError) as exc:
        load_fhir(raw)
    assert needle in str(exc.value)


def test_no_patient_is_a_clear_finding() -> None:
    items = read_fhir({"resourceType": "Specimen", "id": "s"})
    assert items[0].message is None
    assert items[0].issues[0].rule == "fhir-no-patient"
    assert any(i.rule == "fhir-unmapped-resource" for i in items[0].issues)


def test_embedded_phenopacket_in_document_reference() -> None:
    pp = {"id": "emb", "subject": {"id": "s", "sex": "FEMALE"}, "phenotypicFeatures": [{"type": {"id": "HP:1"}}]}
    doc = {
        "resourceType": "DocumentReference",
        "status": "current",
        "content": [
            {
                "attachment": {
                    "contentType": "application/json",
                    "data": base64.b64encode(json.dumps(pp).encode()).decode(),
                }
            }
        ],
    }
    items = read_fhir(doc)
    assert items[0].message.id == "emb"


def test_public_api() -> None:
    p = packet(RICH)
    bundle = phenotk.to_fhir(p, created=CREATED, validate=True)
    assert bundle["resourceType"] == "Bundle"
    back = phenotk.from_fhir(json.dumps(bundle).encode())
    assert len(back) == 1 and back[0].subject.id == "P 1"


def test_cli_both_ways(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from phenotk.cli.app import app

    src = tmp_path / "case.json"
    src.write_text(json_format.MessageToJson(packet(RICH)))
    runner = CliRunner()
    res = runner.invoke(
        app, ["convert", str(src), "--to", "fhir", "-o", str(tmp_path / "bundle.json"), "--created", CREATED]
    )
    assert res.exit_code == 0, res.output
    assert json.loads((tmp_path / "bundle.json").read_text())["resourceType"] == "Bundle"
    res = runner.invoke(
        app, ["convert", str(tmp_path / "bundle.json"), "--to", "phenopacket", "-o", str(tmp_path / "out") + "/"]
    )
    # the CLI validates converted packets: RICH has deliberate validation findings (undeclared prefixes, an onset
    # after the last encounter) → exit 1; but the conversion itself reports nothing lost
    assert res.exit_code == 1, res.output
    assert " fhir-" not in res.output
    outs = list((tmp_path / "out").glob("*.json"))
    assert len(outs) == 1
    back = json_format.Parse(outs[0].read_text(), Phenopacket())
    assert covered_copy(back) == packet(RICH)


VALID = {
    "id": "case_2",
    "subject": {"id": "p2", "sex": "FEMALE", "timeAtLastEncounter": {"age": {"iso8601duration": "P4Y"}}},
    "phenotypicFeatures": [
        {"type": {"id": "HP:0001250", "label": "Seizure"}, "onset": {"age": {"iso8601duration": "P2Y"}}},
        {"type": {"id": "HP:0000252", "label": "Microcephaly"}, "excluded": True},
    ],
    "metaData": {
        "created": "2024-01-02T03:04:05Z",
        "createdBy": "curator",
        "resources": [
            {
                "id": "hp",
                "name": "human phenotype ontology",
                "url": "http://purl.obolibrary.org/obo/hp.owl",
                "version": "2024-04-26",
                "namespacePrefix": "HP",
                "iriPrefix": "http://purl.obolibrary.org/obo/HP_",
            }
        ],
        "phenopacketSchemaVersion": "2.0",
    },
}


def test_cli_valid_packet_exits_zero_both_ways(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from phenotk.cli.app import app

    src = tmp_path / "case.json"
    src.write_text(json_format.MessageToJson(packet(VALID)))
    runner = CliRunner()
    res = runner.invoke(
        app, ["convert", str(src), "--to", "fhir", "-o", str(tmp_path / "b.json"), "--created", CREATED]
    )
    assert res.exit_code == 0, res.output
    res = runner.invoke(
        app, ["convert", str(tmp_path / "b.json"), "--to", "phenopacket", "-o", str(tmp_path / "o") + "/"]
    )
    assert res.exit_code == 0, res.output
    back = json_format.Parse((tmp_path / "o" / "case_2.json").read_text(), Phenopacket())
    assert back == packet(VALID)


FAMILY = {
    "id": "fam-1",
    "proband": {
        "id": "p-proband",
        "subject": {"id": "kid", "sex": "MALE"},
        "phenotypicFeatures": [{"type": {"id": "HP:0001250", "label": "Seizure"}}],
    },
    "relatives": [
        {"id": "p-mother", "subject": {"id": "mum", "sex": "FEMALE"}},
        {
            "id": "p-sister",
            "subject": {"id": "sis", "sex": "FEMALE"},
            "phenotypicFeatures": [{"type": {"id": "HP:0001250", "label": "Seizure"}, "excluded": True}],
        },
        {"id": "p-uncle", "subject": {"id": "unc", "sex": "MALE"}},
    ],
    "pedigree": {
        "persons": [
            {
                "familyId": "f",
                "individualId": "kid",
                "paternalId": "dad",
                "maternalId": "mum",
                "sex": "MALE",
                "affectedStatus": "AFFECTED",
            },
            {"familyId": "f", "individualId": "mum", "sex": "FEMALE", "affectedStatus": "UNAFFECTED"},
            {"familyId": "f", "individualId": "sis", "paternalId": "dad", "maternalId": "mum", "sex": "FEMALE"},
            {"familyId": "f", "individualId": "unc", "sex": "MALE"},
        ]
    },
}


def test_family_becomes_patients_and_family_member_histories(tmp_path: Path) -> None:
    fam = json_format.ParseDict(FAMILY, Family())
    bundle = to_fhir(fam, created=CREATED, validate=True)
    fmh = resources(bundle, "FamilyMemberHistory")
    assert [r["relationship"]["coding"][0]["code"] for r in fmh] == ["NMTH", "NSIB", "FAMMEMB"]
    assert [r["sex"]["coding"][0]["code"] for r in fmh] == ["female", "female", "male"]
    patients = {e["fullUrl"]: e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"}
    assert len(patients) == 4
    assert all(r["extension"][0]["valueReference"]["reference"] in patients for r in fmh)
    assert len({e["resource"]["id"] for e in bundle["entry"]}) == len(bundle["entry"])  # ids unique in the bundle
    items = read_fhir(bundle, validate=False)
    back = {i.message.subject.id: i.message for i in items if i.message is not None}
    assert set(back) == {"kid", "mum", "sis", "unc"}
    assert back["sis"].phenotypic_features[0].excluded
    rules = [i.rule for item in items for i in item.issues]
    assert rules.count("fhir-unmapped-resource") == 3  # the FamilyMemberHistory links are reported
    issues = FhirWriter().write([fam], tmp_path / "fam", ConvertOptions(created=CREATED))
    assert [i.pointer for i in issues] == ["/pedigree"]


def _paths(node, path=()):
    yield path
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        yield from _paths(value, (*path, key))


@pytest.mark.parametrize("junk", [42, [], {"coding": "HP:1"}])
def test_malformed_elements_never_raise(junk) -> None:
    # every element at every depth of a rich bundle replaced by a value of the wrong shape: findings, no exception
    bundle = to_fhir(packet(RICH), created=CREATED)
    for path in list(_paths(bundle))[1:]:
        broken = json.loads(json.dumps(bundle))
        node = broken
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = junk
        items = read_fhir(broken, validate=False)
        assert items


def test_xml_output_reads_back_identically(tmp_path: Path) -> None:
    out = tmp_path / "bundle.xml"
    assert FhirWriter().write([packet(RICH)], out, ConvertOptions(created=CREATED)) == []
    assert out.read_bytes().lstrip().startswith(b"<?xml")
    items = read_fhir(out)
    assert items[0].issues == []  # the XML → JSON reader recovers the exact tree fhir.resources wrote
    assert covered_copy(items[0].message) == packet(RICH)
    FhirWriter().write([packet(RICH)], tmp_path / "dir", ConvertOptions(created=CREATED, extra={"format": "xml"}))
    assert [p.suffix for p in (tmp_path / "dir").iterdir()] == [".xml"]


def test_byte_order_mark_is_accepted(fixtures_dir: Path) -> None:
    xml = (fixtures_dir / "fhir" / "kf-style-observations.xml").read_bytes()
    assert FhirReader().sniff(Path("x.xml"), b"\xef\xbb\xbf" + xml[:500])
    assert read_fhir(b"\xef\xbb\xbf" + xml)[0].message.subject.id == "pt-1"
    assert read_fhir(b'\xef\xbb\xbf{"resourceType": "Patient", "id": "a"}')[0].message.subject.id == "a"


def test_embedded_phenopacket_with_unknown_fields_is_reported_on_one_line() -> None:
    pp = {"id": "emb", "subject": {"id": "s", "sex": "FEMALE"}, "phenotypicFeaturez": [{"type": {"id": "HP:1"}}]}
    doc = {
        "resourceType": "DocumentReference",
        "status": "current",
        "content": [{"attachment": {"contentType": "application/json",
                                    "data": base64.b64encode(json.dumps(pp).encode()).decode()}}],
    }  # fmt: skip
    items = read_fhir(doc)
    found = [i for it in items for i in it.issues if "embedded phenopacket" in i.message]
    assert found and all("\n" not in i.message and "Available Fields" not in i.message for i in found)
    assert any("phenotypicFeaturez" in i.message for i in found)


def _references(x: object, ptr: str = "") -> list[tuple[str, str]]:
    """(pointer, value) of every Reference.reference in a FHIR JSON tree."""
    out: list[tuple[str, str]] = []
    if isinstance(x, dict):
        if isinstance(x.get("reference"), str):
            out.append((ptr, x["reference"]))
        for k, v in x.items():
            out += _references(v, f"{ptr}/{k}")
    elif isinstance(x, list):
        for i, v in enumerate(x):
            out += _references(v, f"{ptr}/{i}")
    return out


@pytest.mark.parametrize("bundle_type", ["collection", "transaction"])
def test_every_reference_resolves_inside_the_bundle(bundle_type: str) -> None:
    # metaData.externalReferences[].reference (a PubMed URL, or a CURIE such as "PMID:32292915" in the schema's
    # covid example) was written as Provenance.entity.what.reference: a reference no consumer can resolve (a
    # transaction server rejects "PMID:…" as a malformed reference and tries to fetch the URL as a FHIR resource)
    data = json.loads(json.dumps(RICH))
    data["metaData"]["externalReferences"].append({"id": "PMID:32292915", "reference": "PMID:32292915"})
    data["metaData"]["externalReferences"].append({"reference": "https://doi.org/10.1/x"})
    data["metaData"]["externalReferences"].append({"reference": "see the paper, table 2"})
    p = packet(data)
    bundle, back = roundtrip(p, bundle_type=bundle_type)
    full = {e["fullUrl"] for e in bundle["entry"]}
    assert [r for r in _references(bundle) if r[1] not in full] == []
    assert back.meta_data.external_references == p.meta_data.external_references
    assert validate_fhir(bundle) == []
    entity = resources(bundle, "Provenance")[0]["entity"][-3]["what"]
    assert entity["identifier"]["value"] == "PMID:32292915"
    assert entity["extension"] == [{"url": T.EXT_EXTERNAL_REF, "valueUri": "PMID:32292915"}]


def test_external_reference_written_by_earlier_versions_is_still_read() -> None:
    # bundles written before the reference moved to an extension carry it in what.reference
    bundle = to_fhir(packet(RICH), created=CREATED)
    prov = resources(bundle, "Provenance")[0]
    prov["entity"][-1]["what"] = {"reference": "https://pubmed.ncbi.nlm.nih.gov/1", "identifier": {"value": "PMID:1"}}
    items = read_fhir(bundle, validate=False)
    refs = items[0].message.meta_data.external_references
    assert [(r.id, r.reference) for r in refs] == [("PMID:1", "https://pubmed.ncbi.nlm.nih.gov/1")]


def test_an_id_without_a_known_code_system_is_reported_not_written_silently() -> None:
    # 'UBERON_0001256' (schema's urothelial-cancer example) and a label typed as a modifier id ('Triggered by cold',
    # phenopacket-store SCN4A) were written as Codings with a code and no system, without a finding
    data = json.loads(json.dumps(RICH))
    data["phenotypicFeatures"][0]["modifiers"] = [{"id": "Triggered by cold", "label": "Triggered by cold"}]
    data["phenotypicFeatures"][0]["severity"] = {"id": "UBERON_0001256", "label": "wall of urinary bladder"}
    data["phenotypicFeatures"][0]["evidence"] = []
    data["diseases"][0]["term"] = {"id": "LOCAL:42", "label": "declared below"}
    data["metaData"]["resources"].append({"id": "local", "namespacePrefix": "LOCAL", "url": "https://example.org/l"})
    p = packet(data)
    issues = writer_issues(p, Severity.WARNING)
    reported = {i.pointer: i.message for i in issues if "no code system" in i.message}
    assert set(reported) == {"/phenotypicFeatures/0/modifiers/0/id", "/phenotypicFeatures/0/severity/id"}
    assert all(i.rule == "fhir-unmapped-field" for i in issues)
    bundle = to_fhir(p, created=CREATED)
    codes = [c for e in bundle["entry"] for c in _codings(e["resource"]) if "system" not in c]
    assert sorted(c["code"] for c in codes) == ["Triggered by cold", "UBERON_0001256"]
    # a prefix the packet declares gets that URL, and nothing is reported for it
    assert any(c.get("system") == "https://example.org/l" for e in bundle["entry"] for c in _codings(e["resource"]))


def test_an_unwritten_field_is_not_reported_twice_for_its_code_system() -> None:
    data = json.loads(json.dumps(RICH))
    data["medicalActions"] = [{"treatment": {"agent": {"id": "weird agent"}}}]
    issues = writer_issues(packet(data), Severity.WARNING)
    assert [i.pointer for i in issues] == ["/medicalActions"]


def _codings(x: object) -> list[dict]:
    if isinstance(x, dict):
        here = [x] if isinstance(x.get("code"), str) and ("display" in x or "system" in x or len(x) == 1) else []
        return here + [c for v in x.values() for c in _codings(v)]
    if isinstance(x, list):
        return [c for v in x for c in _codings(v)]
    return []


def test_genomics_resources_carry_the_loinc_displays_and_the_report_category_of_the_ig() -> None:
    # the variant components were displayed 'hgvs.c', 'Chromosome', 'Genomic ref allele' …, which a FHIR validator
    # reports as wrong LOINC displays; the report lacked the Genetics category (v2-0074 GE) that the Genomics
    # Reporting genomics-report profile it declares requires (category slice Genetics 1..1)
    bundle, _ = roundtrip(packet(RICH))
    (report,) = resources(bundle, "DiagnosticReport")
    assert report["category"] == [
        {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0074", "code": "GE", "display": "Genetics"}]}
    ]
    shown = {
        c["code"]["coding"][0]["code"]: c["code"]["coding"][0]["display"]
        for r in resources(bundle, "Observation")
        for c in r.get("component", [])
    }
    expected = {
        "48004-6": "DNA change (c.HGVS)",
        "48018-6": "Gene studied [ID]",
        "48000-4": "Chromosome [Identifier] in Blood or Tissue by Molecular genetics method",
        "92822-6": "Genomic coord system",
        "69547-8": "Genomic ref allele [ID]",
        "69551-0": "Genomic alt allele [ID]",
        "53037-8": "Genetic variation clinical significance [Imp]",
    }
    assert {k: shown.get(k) for k in expected} == expected


def _ages(x: object, ptr: str = "") -> list[tuple[str, dict]]:
    """(pointer, Age) for every valueAge / onsetAge / abatementAge in a FHIR JSON tree."""
    out: list[tuple[str, dict]] = []
    if isinstance(x, dict):
        for k, v in x.items():
            if k in ("valueAge", "onsetAge", "abatementAge") and isinstance(v, dict):
                out.append((f"{ptr}/{k}", v))
            out += _ages(v, f"{ptr}/{k}")
    elif isinstance(x, list):
        for i, v in enumerate(x):
            out += _ages(v, f"{ptr}/{i}")
    return out


def test_an_age_of_zero_is_written_without_the_value_fhir_forbids_and_comes_back() -> None:
    # 'P0D' (onset at birth; 18 Ages in phenopacket-store, e.g. PMID_20358596_Patient_A) was written as an Age with
    # value 0, which breaks FHIR's age-1 invariant ('If value is present, it SHALL be positive')
    data = json.loads(json.dumps(RICH))
    data["subject"]["timeAtLastEncounter"] = {"age": {"iso8601duration": "P0Y"}}
    data["phenotypicFeatures"][0]["onset"] = {"age": {"iso8601duration": "P0D"}}
    data["phenotypicFeatures"][1]["onset"] = {"gestationalAge": {"weeks": 0}}
    data["diseases"][0]["onset"] = {"age": {"iso8601duration": "P0M"}}
    p = packet(data)
    bundle, back = roundtrip(p)
    ages = _ages(bundle)
    assert len(ages) >= 4
    assert [(ptr, a) for ptr, a in ages if "value" in a and not a["value"] > 0] == []
    assert all(a.get("code") and a.get("system") == "http://unitsofmeasure.org" for _, a in ages)
    assert covered_copy(back) == covered_copy(p)
    assert validate_fhir(bundle) == []


def test_a_resolved_disease_states_the_clinical_status_fhir_requires_beside_an_abatement() -> None:
    # Disease.resolution (an age: abatementAge) was written without clinicalStatus, which breaks FHIR's con-4
    # invariant (an abated Condition is resolved, remission or inactive)
    bundle, back = roundtrip(packet(RICH))  # no finding: the status is implied by the resolution
    cond = next(r for r in resources(bundle, "Condition") if "abatementAge" in r)
    assert cond["clinicalStatus"] == {
        "coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "resolved"}]
    }
    assert all("clinicalStatus" in r for r in resources(bundle, "Condition") if any(k.startswith("abat") for k in r))
    assert back.diseases[0].resolution == packet(RICH).diseases[0].resolution
    # a status that says more than the resolution (active) is still reported when reading others' FHIR
    cond["clinicalStatus"]["coding"][0]["code"] = "active"
    (item,) = read_fhir(bundle, validate=False)
    assert [i.pointer for i in item.issues if i.rule == "fhir-unmapped-element"] == [
        f"/entry/{[e['resource'] for e in bundle['entry']].index(cond)}/resource/clinicalStatus"
    ]


def test_a_coded_disease_onset_uses_an_extension_declared_for_conditions() -> None:
    # an HPO onset class on a Disease ('Congenital onset': 2,230 diseases of phenopacket-store) was written with the
    # Phenomics Exchange IG's Onset extension, whose context is Observation only: a validator that loads the IG
    # rejects it on a Condition. Bundles written that way are still read.
    p = packet(RICH)
    bundle, back = roundtrip(p)
    cond = resources(bundle, "Condition")[0]
    urls = [e["url"] for e in cond["extension"]]
    assert T.EXT_CONDITION_ONSET in urls and T.EXT_ONSET not in urls
    assert back.diseases[0].onset == p.diseases[0].onset
    for e in cond["extension"]:
        if e["url"] == T.EXT_CONDITION_ONSET:
            e["url"] = T.EXT_ONSET
    (old,) = read_fhir(bundle, validate=False)
    assert old.issues == [] and old.message.diseases[0].onset == p.diseases[0].onset


def test_a_second_onset_is_reported_not_overwriting_the_first() -> None:
    # onsetAge and a coded onset extension on one Condition (or two onset extensions on an Observation): the
    # extension silently replaced the value read first
    onset = {"url": T.EXT_ONSET, "valueCodeableConcept": {"coding": [{"code": "HP:0003577"}]}}
    cond = {
        "resourceType": "Condition",
        "id": "c1",
        "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": "http://www.omim.org", "code": "154700"}]},
        "onsetAge": {"value": 3, "unit": "years", "system": "http://unitsofmeasure.org", "code": "a"},
        "extension": [onset],
    }
    obs = {
        "resourceType": "Observation",
        "id": "o1",
        "status": "final",
        "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": "http://human-phenotype-ontology.org", "code": "HP:0001250"}]},
        "extension": [
            {"url": T.EXT_ONSET, "valueAge": {"value": 2, "system": "http://unitsofmeasure.org", "code": "a"}},
            onset,
        ],
    }
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": {"resourceType": "Patient", "id": "p1"}}, {"resource": cond}, {"resource": obs}],
    }
    (item,) = read_fhir(bundle, validate=False)
    assert item.message.diseases[0].onset.age.iso8601duration == "P3Y"
    assert item.message.phenotypic_features[0].onset.age.iso8601duration == "P2Y"
    unmapped = {i.pointer for i in item.issues if i.rule == "fhir-unmapped-element"}
    assert unmapped == {"/entry/1/resource/extension/0", "/entry/2/resource/extension/1"}


def test_an_entry_of_unknown_resource_type_does_not_stop_the_model_check_of_the_bundle() -> None:
    # one entry 'Foo' made fhir.resources raise KeyError('R4.FooType') for the whole Bundle: a single finding that
    # named no entry, and nothing else in the Bundle (here a malformed birthDate) was checked
    patient = {"resourceType": "Patient", "id": "p1", "birthDate": "not a date"}
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": {"resourceType": "Foo"}}, {"resource": patient}],
    }
    found = {i.pointer: i.message for i in validate_fhir(bundle)}
    assert set(found) == {"/entry/0/resource/resourceType", "/entry/1/resource/birthDate"}
    assert "'Foo'" in found["/entry/0/resource/resourceType"]
    assert "KeyError" not in " ".join(found.values())
    many = {**bundle, "entry": [{"resource": {"resourceType": "Foo"}}] * 9}
    assert len(validate_fhir(many)) == 6  # five listed, the rest counted


def test_a_resource_about_a_contained_patient_says_why_it_is_not_read() -> None:
    # an Observation whose subject is '#pat', a Patient contained in it, was reported as having 'no Patient to attach
    # it to' although a FHIR consumer resolves that reference; the finding now names the contained reference
    contained = {"resourceType": "Patient", "id": "pat", "gender": "male"}
    obs = {
        "resourceType": "Observation",
        "id": "o1",
        "status": "final",
        "contained": [contained],
        "subject": {"reference": "#pat"},
        "code": {"coding": [{"system": "http://human-phenotype-ontology.org", "code": "HP:0001250"}]},
    }
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": {"resourceType": "Patient", "id": "p1"}}, {"resource": obs}],
    }
    (item,) = read_fhir(bundle, validate=False)
    (finding,) = [i for i in item.issues if i.pointer == "/entry/1/resource"]
    assert finding.rule == "fhir-unmapped-resource"
    assert "'#pat' is a contained resource" in finding.message


def test_a_uo_unit_gets_its_code_system_in_the_quantity() -> None:
    # 'UO:0000272' (millimetres of mercury, schema glaucoma example) was a Quantity code without system: FHIR's
    # qty-3 invariant ('If a code for the unit is present, the system SHALL also be present') failed
    data = json.loads(json.dumps(RICH))
    quantity = data["measurements"][0]["value"]["quantity"]
    quantity["unit"] = {"id": "UO:0000272", "label": "millimetres of mercury"}
    quantity["referenceRange"]["unit"] = {"id": "UO:0000272", "label": "millimetres of mercury"}
    p = packet(data)
    assert writer_issues(p, Severity.WARNING) == []
    bundle, back = roundtrip(p)
    meas = resources(bundle, "Observation")
    (value,) = [m["valueQuantity"] for m in meas if "valueQuantity" in m]
    assert value["system"] == "http://purl.obolibrary.org/obo/uo.owl" and value["code"] == "UO:0000272"
    assert back.measurements[0].value.quantity == p.measurements[0].value.quantity


def test_a_unit_prefix_declared_in_the_metadata_gets_that_system_like_any_other_id() -> None:
    # Quantity units ignored metaData.resources (every other ontology class uses it): 'LOCAL:7' became a unit code
    # without system (FHIR qty-3), and the writer's system-less finding, which counts the declared URL, stayed silent
    data = json.loads(json.dumps(RICH))
    data["measurements"][0]["value"]["quantity"]["unit"] = {"id": "LOCAL:7", "label": "local unit"}
    data["measurements"][0]["value"]["quantity"]["referenceRange"]["unit"] = {"id": "LOCAL:7", "label": "local unit"}
    data["metaData"]["resources"].append({"id": "local", "namespacePrefix": "LOCAL", "url": "https://example.org/l"})
    p = packet(data)
    assert writer_issues(p, Severity.WARNING) == []
    bundle, back = roundtrip(p)
    (meas,) = [m for m in resources(bundle, "Observation") if "valueQuantity" in m]
    quantities = [meas["valueQuantity"], meas["referenceRange"][0]["low"], meas["referenceRange"][0]["high"]]
    assert {(q.get("system"), q["code"]) for q in quantities} == {("https://example.org/l", "LOCAL:7")}
    assert back.measurements[0].value.quantity == p.measurements[0].value.quantity


def test_a_coded_time_element_gets_the_packet_prefix_url_and_version_like_any_other_class() -> None:
    # onset / resolution classes were coded without the packet's metaData (no Coding.version for HPO onsets, no
    # system for a prefix only the packet declares), unlike every other ontology class of the bundle
    data = json.loads(json.dumps(RICH))
    data["phenotypicFeatures"][0]["onset"] = {"ontologyClass": {"id": "HP:0003577", "label": "Congenital onset"}}
    data["phenotypicFeatures"][0]["resolution"] = {"ontologyClass": {"id": "LOCAL:3", "label": "resolved"}}
    data["metaData"]["resources"].append({"id": "local", "namespacePrefix": "LOCAL", "url": "https://example.org/l"})
    p = packet(data)
    assert writer_issues(p, Severity.WARNING) == []
    bundle, back = roundtrip(p)
    feat = resources(bundle, "Observation")[0]
    coded = {e["url"]: e["valueCodeableConcept"]["coding"][0] for e in feat["extension"] if "valueCodeableConcept" in e}
    assert coded[T.EXT_ONSET]["version"] == "2024-04-26"
    assert coded[T.EXT_RESOLUTION]["system"] == "https://example.org/l"
    assert covered_copy(back) == covered_copy(p)
