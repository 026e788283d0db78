"""Observations and Conditions whose presence, status or date precision must not be invented (synthetic shapes
of Kids First, MII and Genomics-style FHIR exports)."""

from __future__ import annotations

import json
from typing import Any

from google.protobuf import json_format

from phenotk.conversion.fhir import read_fhir

PATIENT = {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "2010-03-04"}
SUBJECT = {"reference": "Patient/p1"}
V3 = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"


def _hpo(code: str) -> dict[str, Any]:
    return {"coding": [{"system": "http://purl.obolibrary.org/obo/hp.owl", "code": code}]}


def _bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    entries = [{"fullUrl": f"urn:uuid:{r['resourceType']}-{r['id']}", "resource": r} for r in (PATIENT, *resources)]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def _obs(oid: str, code: str, **extra: Any) -> dict[str, Any]:
    base = {"resourceType": "Observation", "id": oid, "status": "final", "subject": SUBJECT, "code": _hpo(code)}
    return {**base, **extra}


def _read(bundle: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    (item,) = read_fhir(bundle, validate=False)
    return json_format.MessageToDict(item.message), item.issues


def _features(packet: dict[str, Any]) -> list[tuple[str, bool]]:
    return [(f["type"]["id"], bool(f.get("excluded"))) for f in packet.get("phenotypicFeatures", [])]


def test_withdrawn_observations_are_not_features() -> None:
    packet, issues = _read(
        _bundle(
            _obs("o1", "HP:0001250", status="entered-in-error"),
            _obs("o2", "HP:0001263", status="cancelled"),
            _obs("o3", "HP:0000252", status="preliminary"),
        )
    )
    assert _features(packet) == [("HP:0000252", False)]
    gone = {i.pointer for i in issues if i.rule == "fhir-unmapped-resource"}
    assert gone == {"/entry/1/resource", "/entry/2/resource"}


def test_indeterminate_interpretation_is_not_read_as_present() -> None:
    ind = [{"coding": [{"system": V3, "code": "IND", "display": "Indeterminate"}]}]
    neg = [{"coding": [{"system": V3, "code": "NEG"}]}]
    odd = [{"coding": [{"system": V3, "code": "POS"}]}, {"coding": [{"system": "urn:x", "code": "weird"}]}]
    packet, issues = _read(
        _bundle(
            _obs("o1", "HP:0001250", interpretation=ind),
            _obs("o2", "HP:0001263", interpretation=neg),
            _obs("o3", "HP:0000252", interpretation=odd),
        )
    )
    assert _features(packet) == [("HP:0001263", True), ("HP:0000252", False)]
    by_pointer = {i.pointer: i.rule for i in issues}
    assert by_pointer["/entry/1/resource"] == "fhir-unmapped-resource"
    assert by_pointer["/entry/3/resource/interpretation/1"] == "fhir-unmapped-element"


def test_data_absent_reason_without_value_is_not_a_present_feature() -> None:
    dar = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/data-absent-reason", "code": "unknown"}]}
    packet, issues = _read(_bundle(_obs("o1", "HP:0001250", dataAbsentReason=dar)))
    assert _features(packet) == []
    assert [(i.rule, i.pointer) for i in issues] == [("fhir-unmapped-resource", "/entry/1/resource")]


def test_unconfirmed_condition_status_is_reported() -> None:
    ver = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
    cond = {
        "resourceType": "Condition",
        "id": "c1",
        "subject": SUBJECT,
        "code": {"coding": [{"system": "http://www.orpha.net", "code": "558", "display": "Marfan syndrome"}]},
        "verificationStatus": {"coding": [{"system": ver, "code": "differential"}]},
    }
    confirmed = dict(cond, id="c2", verificationStatus={"coding": [{"system": ver, "code": "confirmed"}]})
    packet, issues = _read(_bundle(cond, confirmed))
    assert len(packet["diseases"]) == 2
    flagged = [i for i in issues if i.pointer.endswith("/verificationStatus")]
    assert [i.pointer for i in flagged] == ["/entry/1/resource/verificationStatus"]
    assert "differential" in flagged[0].message


def test_year_only_dates_are_not_padded_to_january_first() -> None:
    patient = {"resourceType": "Patient", "id": "p2", "birthDate": "1990", "deceasedDateTime": "2020-05"}
    (item,) = read_fhir(patient, validate=False)
    subject = json_format.MessageToDict(item.message)["subject"]
    assert "dateOfBirth" not in subject
    assert subject["vitalStatus"] == {"status": "DECEASED"}
    assert sorted(i.pointer for i in item.issues if i.rule == "fhir-unmapped-element") == [
        "/birthDate",
        "/deceasedDateTime",
    ]
    (item,) = read_fhir(dict(patient, birthDate="1990-05-06"), validate=False)
    assert item.message.subject.date_of_birth.ToJsonString() == "1990-05-06T00:00:00Z"


def test_ncpi_clinical_finding_absent_and_string_values() -> None:
    sct = "http://snomed.info/sct"
    absent = {"coding": [{"system": sct, "code": "373572006", "display": "Clinical finding absent"}]}
    present = {"coding": [{"system": sct, "code": "373573001", "display": "Clinical finding present"}]}
    packet, issues = _read(
        _bundle(
            _obs("o1", "HP:0001631", valueCodeableConcept=absent),
            _obs("o2", "HP:0001250", valueCodeableConcept=present),
            _obs("o3", "HP:0001263", valueString="Absent"),
            _obs("o4", "HP:0000252", valueString="mild, left side"),
        )
    )
    assert _features(packet) == [
        ("HP:0001631", True),
        ("HP:0001250", False),
        ("HP:0001263", True),
        ("HP:0000252", False),
    ]
    assert [i.pointer for i in issues if i.rule == "fhir-unmapped-element"] == ["/entry/4/resource/valueString"]


LOINC = "http://loinc.org"


def _variant(vid: str, value: str, state: str) -> dict[str, Any]:
    def comp(code: str, cc: dict[str, Any]) -> dict[str, Any]:
        return {"code": {"coding": [{"system": LOINC, "code": code}]}, "valueCodeableConcept": cc}

    return {
        "resourceType": "Observation",
        "id": vid,
        "status": "final",
        "subject": SUBJECT,
        "code": {"coding": [{"system": LOINC, "code": "69548-6"}]},
        "valueCodeableConcept": {"coding": [{"system": LOINC, "code": value}]},
        "component": [
            comp("48004-6", {"coding": [{"system": "http://varnomen.hgvs.org", "code": f"NM_000138.4:c.{vid}C>T"}]}),
            comp("53034-5", {"coding": [{"system": LOINC, "code": state}]}),
        ],
    }


def _variant_ids(packet: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (
            gi["variantInterpretation"]["variationDescriptor"]["id"],
            gi["variantInterpretation"]["variationDescriptor"].get("allelicState", {}).get("id", ""),
        )
        for interp in packet.get("interpretations", [])
        for gi in interp["diagnosis"].get("genomicInterpretations", [])
    ]


def test_variant_reported_absent_is_not_a_variant_of_the_subject() -> None:
    # Genomics Reporting variant Observations: value LA9633-4 Present / LA9634-2 Absent / LA11884-6 Indeterminate
    found, absent, unsure = (
        _variant("1", "LA9633-4", "LA26217-2"),
        _variant("2", "LA9634-2", "LA6706-1"),
        _variant("3", "LA11884-6", "LA6706-1"),
    )
    packet, issues = _read(_bundle(found, absent, unsure))
    assert _variant_ids(packet) == [("1", "GENO:0000402")]  # compound heterozygous is read, not dropped
    gone = [i.pointer for i in issues if i.rule == "fhir-unmapped-resource"]
    assert gone == ["/entry/2/resource", "/entry/3/resource"]
    # the same inside a DiagnosticReport
    report = {
        "resourceType": "DiagnosticReport",
        "id": "r",
        "status": "final",
        "subject": SUBJECT,
        "code": {"coding": [{"system": LOINC, "code": "51969-4"}]},
        "result": [{"reference": "Observation/1"}, {"reference": "Observation/2"}],
    }
    bundle = _bundle(found, absent, report)
    for entry in bundle["entry"]:
        entry["fullUrl"] = f"http://x.org/fhir/{entry['resource']['resourceType']}/{entry['resource']['id']}"
    packet, issues = _read(bundle)
    assert _variant_ids(packet) == [("1", "GENO:0000402")]
    assert [i.pointer for i in issues if i.rule == "fhir-unmapped-resource"] == ["/entry/2/resource"]


def test_year_only_onset_is_reported_not_padded() -> None:
    cond = {
        "resourceType": "Condition",
        "id": "c1",
        "subject": SUBJECT,
        "code": _hpo("HP:0001250"),
        "onsetDateTime": "2015",
        "abatementPeriod": {"start": "2016-03", "end": "2017-01-02"},
    }
    full = dict(cond, id="c2", code=_hpo("HP:0001263"), onsetDateTime="2015-06-01")
    del full["abatementPeriod"]
    packet, issues = _read(_bundle(cond, full))
    feats = packet["phenotypicFeatures"]
    assert "onset" not in feats[0] and "resolution" not in feats[0]
    assert feats[1]["onset"] == {"timestamp": "2015-06-01T00:00:00Z"}
    assert sorted(i.pointer for i in issues if i.rule == "fhir-unmapped-element") == [
        "/entry/1/resource/abatementPeriod",
        "/entry/1/resource/onsetDateTime",
    ]


def test_onset_component_is_read() -> None:
    # phenomics-exchange-ig example: component HP:0003674 "Onset" = HP:0003577 "Congenital onset", then a second
    # onset as a quantity; the first used to be dropped as "only severity and modifier components are read"
    def comp(code: str, **value: Any) -> dict[str, Any]:
        return {"code": _hpo(code), **value}

    obs = _obs(
        "o1",
        "HP:0001249",
        valueBoolean=True,
        component=[
            comp("HP:0012824", valueCodeableConcept=_hpo("HP:0012825")),
            comp("HP:0003674", valueCodeableConcept=_hpo("HP:0003577")),
            comp("HP:0003674", valueQuantity={"value": 0, "system": "http://unitsofmeasure.org", "code": "d"}),
        ],
    )
    packet, issues = _read(_bundle(obs))
    feat = packet["phenotypicFeatures"][0]
    assert feat["onset"] == {"ontologyClass": {"id": "HP:0003577"}}
    assert feat["severity"] == {"id": "HP:0012825"}
    flagged = [(i.pointer, i.message) for i in issues if i.rule == "fhir-unmapped-element"]
    assert len(flagged) == 1 and flagged[0][0] == "/entry/1/resource/component/2" and "second onset" in flagged[0][1]


def test_malformed_dates_do_not_sink_the_packet() -> None:
    # one malformed onsetDateTime ('20xx') used to reject the whole packet ("values read from FHIR do not form a
    # valid phenopacket"), losing every other value; a bare-string verificationStatus 'refuted' was read as present
    patient = dict(PATIENT, birthDate="1990-13")
    cond = {
        "resourceType": "Condition",
        "id": "c1",
        "subject": SUBJECT,
        "code": _hpo("HP:0001250"),
        "onsetDateTime": "20xx",
        "verificationStatus": "refuted",
    }
    notz = dict(cond, id="c2", code=_hpo("HP:0001263"), onsetDateTime="2015-06-01T10:00:00", verificationStatus=None)
    entries = [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in (patient, cond, notz)]
    (item,) = read_fhir({"resourceType": "Bundle", "type": "collection", "entry": entries}, validate=False)
    packet = json_format.MessageToDict(item.message)
    assert _features(packet) == [("HP:0001250", True), ("HP:0001263", False)]
    assert "dateOfBirth" not in packet["subject"] and all("onset" not in f for f in packet["phenotypicFeatures"])
    rules = {i.pointer: i.rule for i in item.issues}
    assert rules["/entry/0/resource/birthDate"] == "fhir-bad-value"
    assert rules["/entry/1/resource/onsetDateTime"] == "fhir-unmapped-element"
    assert rules["/entry/2/resource/onsetDateTime"] == "fhir-unmapped-element"


def test_family_member_history_message_says_what_it_holds() -> None:
    # an FMH about a relative's condition (no linked Patient) was reported as "relationship NMTH between two
    # Patients needs a Family", which it is not
    fmh = {
        "resourceType": "FamilyMemberHistory",
        "id": "f1",
        "status": "completed",
        "patient": SUBJECT,
        "relationship": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode", "code": "NMTH"}]},
        "condition": [{"code": {"coding": [{"system": "http://www.omim.org", "code": "154700"}]}}],
    }
    linked = dict(
        fmh,
        id="f2",
        extension=[
            {
                "url": "http://hl7.org/fhir/StructureDefinition/familymemberhistory-patient-record",
                "valueReference": {"reference": "Patient/mum"},
            }
        ],
    )
    _, issues = _read(_bundle(fmh, linked))
    messages = {i.pointer: i.message for i in issues if i.rule == "fhir-unmapped-resource"}
    assert "family history of a relative (NMTH) with condition(s) OMIM:154700" in messages["/entry/1/resource"]
    assert "relationship NMTH to Patient/mum" in messages["/entry/2/resource"]


NCPI = "https://nih-ncpi.github.io/ncpi-fhir-ig-2"


def test_ncpi_assertion_codes_say_present_absent_or_unknown() -> None:
    """NCPI FHIR IG v2 writes presence as codes Present / Absent / Unknown of its own assertion code systems,
    without text; 'Absent' was read as present ('not a presence/absence code; read as present')."""

    def value(system: str, code: str) -> dict[str, Any]:
        return {"coding": [{"system": f"{NCPI}/CodeSystem/{system}", "code": code}]}

    packet, issues = _read(
        _bundle(
            _obs("o1", "HP:0001250", valueCodeableConcept=value("condition-assertion", "Absent")),
            _obs("o2", "HP:0001263", valueCodeableConcept=value("phenotypic-feature-assertion", "Present")),
            _obs("o3", "HP:0000252", valueCodeableConcept=value("phenotypic-feature-assertion", "Unknown")),
            _obs("o4", "HP:0001252", valueCodeableConcept=value("other-system", "Absent")),
        )
    )
    assert _features(packet) == [("HP:0001250", True), ("HP:0001263", False), ("HP:0001252", False)]
    unmapped = {i.pointer: i.message for i in issues if i.rule.startswith("fhir-unmapped")}
    assert set(unmapped) == {"/entry/3/resource", "/entry/4/resource/valueCodeableConcept"}
    assert "presence is unknown" in unmapped["/entry/3/resource"]


def test_ncpi_onset_and_modifier_components_and_condition_modifier_extension() -> None:
    """NCPI ncpi-condition Observations put onset and modifiers in components coded ageAtOnset / otherModifiers
    (no system), and ncpi-condition-summary Conditions put modifiers in an extension: all were reported as not
    carried. A component with nothing but its code carries nothing and is not reported."""
    comps = [
        {"code": {"coding": [{"code": "otherModifiers"}]}},
        {"code": {"coding": [{"code": "ageAtOnset"}]}, "valueCodeableConcept": _hpo("HP:0011463")},
        {"code": {"coding": [{"code": "otherModifiers"}]}, "valueCodeableConcept": _hpo("HP:0012832")},
    ]
    cond = {
        "resourceType": "Condition", "id": "c1", "subject": SUBJECT, "code": _hpo("HP:0001251"),
        "extension": [{"url": f"{NCPI}/StructureDefinition/other-condition-modifiers",
                       "valueCodeableConcept": _hpo("HP:0012828")}],
    }
    packet, issues = _read(_bundle(_obs("o1", "HP:0006951", component=comps), cond))
    first, second = packet["phenotypicFeatures"]
    assert first["onset"] == {"ontologyClass": {"id": "HP:0011463"}}
    assert first["modifiers"] == [{"id": "HP:0012832"}]
    assert second["modifiers"] == [{"id": "HP:0012828"}]
    assert not [i for i in issues if i.rule.startswith("fhir-unmapped")]


def test_ncpi_condition_observation_with_a_disease_code_is_a_disease() -> None:
    """An NCPI ncpi-condition Observation coding a MONDO disease with an assertion value was dropped as 'not a
    phenotype (no HPO code), measurement, variant or genomic implication'. Its time (a relative date) is reported."""
    disease = {"coding": [{"system": "http://purl.obolibrary.org/obo/mondo.owl", "code": "MONDO:0002203"}],
               "text": "ventricular ectopy"}
    category = [{"coding": [{"system": f"{NCPI}/CodeSystem/condition-type", "code": "Disease"}]}]

    def assertion(code: str) -> dict[str, Any]:
        return {"coding": [{"system": f"{NCPI}/CodeSystem/condition-assertion", "code": code}]}

    meta = {"profile": [f"{NCPI}/StructureDefinition/ncpi-condition"]}
    base = {"resourceType": "Observation", "status": "final", "subject": SUBJECT, "code": disease}
    packet, issues = _read(_bundle(
        {**base, "id": "d1", "meta": meta, "valueCodeableConcept": assertion("Present"),
         "effectiveDateTime": "2020-01-01"},
        {**base, "id": "d2", "category": category, "valueCodeableConcept": assertion("Absent")},
        {**base, "id": "d3", "category": category, "valueCodeableConcept": assertion("Unknown")},
    ))
    assert [(x["term"]["id"], bool(x.get("excluded"))) for x in packet["diseases"]] == [
        ("MONDO:0002203", False), ("MONDO:0002203", True)]
    unmapped = {i.pointer for i in issues if i.rule.startswith("fhir-unmapped")}
    assert unmapped == {"/entry/1/resource/effectiveDateTime", "/entry/3/resource"}


def test_a_date_given_only_by_its_extensions_is_reported() -> None:
    """NCPI writes dates relative to birth as '_recordedDate' with only a cqf-relativeDateTime extension; every
    '_x' element was skipped, so such a value vanished without a finding. '_x' beside its 'x' still goes with x."""
    relative = {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/cqf-relativeDateTime",
                               "extension": [{"url": "offset", "valueDuration": {"value": 2, "code": "wk"}}]}]}
    cond = {"resourceType": "Condition", "id": "c1", "subject": SUBJECT, "code": _hpo("HP:0000076"),
            "_recordedDate": relative}
    packet, issues = _read(_bundle(cond))
    assert _features(packet) == [("HP:0000076", False)]
    assert [i.pointer for i in issues if i.rule == "fhir-unmapped-element"] == ["/entry/1/resource/_recordedDate"]
    dated = {**cond, "recordedDate": "2020-01-01", "_recordedDate": {"id": "x"}}
    _, issues = _read(_bundle(dated))
    assert [i.pointer for i in issues if i.rule == "fhir-unmapped-element"] == ["/entry/1/resource/recordedDate"]


def test_gene_coding_with_the_hgnc_id_as_display_and_its_resource() -> None:
    """NCPI's variant example codes the gene as system NCBI gene, code 'LBR', display 'HGNC:6518': the display
    became the symbol and the valueId was empty. Gene ids (valueId) now also get their metaData resource."""
    gene = {"code": {"coding": [{"system": "http://loinc.org", "code": "48018-6"}]},
            "valueCodeableConcept": {"coding": [{"system": "https://www.ncbi.nlm.nih.gov/gene", "code": "LBR",
                                                 "display": "HGNC:6518"}]}}
    expression = {"system": "http://varnomen.hgvs.org", "code": "NM_002296.3:c.1640A>G"}
    hgvs = {"code": {"coding": [{"system": "http://loinc.org", "code": "48004-6"}]},
            "valueCodeableConcept": {"coding": [expression]}}
    var = {"resourceType": "Observation", "id": "v1", "status": "final", "subject": SUBJECT,
           "code": {"coding": [{"system": "http://loinc.org", "code": "69548-6"}]}, "component": [gene, hgvs]}
    packet, _ = _read(_bundle(var))
    gi = packet["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]
    assert gi["variantInterpretation"]["variationDescriptor"]["geneContext"] == {"valueId": "HGNC:6518",
                                                                                 "symbol": "LBR"}
    assert "HGNC" in {r["namespacePrefix"] for r in packet["metaData"]["resources"]}


def test_bulk_data_ndjson_is_read_as_a_collection(tmp_path: Any) -> None:
    """FHIR Bulk Data exports (Synthea bulk, HAPI $export) write one resource per line; such a file was refused as
    'not JSON or XML: Extra data'. A bad line is a one-line error naming it."""
    import pytest

    from phenotk.errors import InputError

    lines = [PATIENT, _obs("o1", "HP:0001250"), {"resourceType": "Condition", "id": "c1", "subject": SUBJECT,
                                                 "code": _hpo("HP:0001263")}]
    path = tmp_path / "export.ndjson"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n")
    (item,) = read_fhir(path, validate=False)
    packet = json_format.MessageToDict(item.message)
    assert packet["subject"]["sex"] == "FEMALE"
    assert _features(packet) == [("HP:0001250", False), ("HP:0001263", False)]
    path.write_text(json.dumps(PATIENT) + '\n{"id": "x"}\n')
    with pytest.raises(InputError, match="line 2 is not a FHIR resource") as info:
        read_fhir(path, validate=False)
    assert info.value.line == 2


def test_an_interpretation_that_contradicts_the_presence_is_reported() -> None:
    """Two interpretations (POS then NEG), or a Present value with a NEG interpretation, were resolved by the first
    without a word; v3 IE (insufficient evidence) was 'not a presence/absence interpretation'."""
    pos = {"coding": [{"system": V3, "code": "POS"}]}
    neg = {"coding": [{"system": V3, "code": "NEG"}]}
    ie = {"coding": [{"system": V3, "code": "IE"}]}
    present = {"coding": [{"system": "http://loinc.org", "code": "LA9633-4"}]}
    packet, issues = _read(_bundle(
        _obs("o1", "HP:0001250", interpretation=[pos, neg]),
        _obs("o2", "HP:0001263", valueCodeableConcept=present, interpretation=[neg]),
        _obs("o3", "HP:0000252", interpretation=[ie]),
        _obs("o4", "HP:0001252", interpretation=[pos, pos]),
    ))
    assert _features(packet) == [("HP:0001250", False), ("HP:0001263", False), ("HP:0001252", False)]
    reported = {i.pointer: i.message for i in issues if i.rule.startswith("fhir-unmapped")}
    assert set(reported) == {"/entry/1/resource/interpretation/1", "/entry/2/resource/interpretation/0",
                             "/entry/3/resource"}
    assert "contradicts the presence already read (present)" in reported["/entry/1/resource/interpretation/1"]


def test_an_inferred_subject_or_a_made_up_patient_id_is_reported() -> None:
    """A Patient without id or identifier was named 'patient-N', and a resource without subject was attached to the
    only Patient, both without a word."""
    anonymous = {"resourceType": "Patient", "gender": "male"}
    lone = {"resourceType": "Observation", "id": "o1", "status": "final", "code": _hpo("HP:0001250")}
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": anonymous}, {"resource": lone}]}
    packet, issues = _read(bundle)
    assert packet["id"] == packet["subject"]["id"] == "patient-1"
    assert _features(packet) == [("HP:0001250", False)]
    assumed = [(i.pointer, i.severity.value) for i in issues if i.rule == "fhir-assumed-subject"]
    assert assumed == [("/entry/0/resource", "warning"), ("/entry/1/resource", "info")]
    packet, issues = _read(_bundle(_obs("o2", "HP:0001263")))  # stated subject and id: nothing to report
    assert not [i for i in issues if i.rule == "fhir-assumed-subject"]
