"""Beacon v2 individuals ↔ phenopackets: real examples and pairs (EGA, Convert-Pheno), hand-made edge cases, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format
from phenopackets import FEMALE, Cohort, Family, Phenopacket

from phenotk.conversion.base import ConvertOptions
from phenotk.conversion.beacon import BeaconReader, BeaconWriter, from_beacon, to_beacon
from phenotk.errors import InputError
from phenotk.io import load_tree, read, to_dict

OPTS = ConvertOptions(created="2024-01-01T00:00:00Z")


def _read(path: Path) -> list[Any]:
    return list(BeaconReader().read(path, OPTS))


# ---------------------------------------------------------------- sex and time elements


@pytest.mark.parametrize(
    ("term", "sex"),
    [
        ({"id": "NCIT:C16576", "label": "female"}, "FEMALE"),
        ({"id": "NCIT:C20197", "label": "male"}, "MALE"),
        ({"id": "NCIT:C17998", "label": "unknown"}, "UNKNOWN_SEX"),
        ({"id": "NCIT:C46113", "label": "Female"}, "FEMALE"),  # EGA's codes
        ({"id": "NCIT:C46112", "label": "Male"}, "MALE"),
        ({"id": "NCIT:C17649", "label": "other"}, "OTHER_SEX"),
        ({"id": "XYZ:1", "label": "male"}, "MALE"),  # unknown code, known label: read with an info finding
    ],
)
def test_sex_terms(term: dict[str, str], sex: str) -> None:
    packet, issues = from_beacon({"id": "x", "sex": term})
    assert (
        Phenopacket.DESCRIPTOR.fields_by_name["subject"]
        .message_type.fields_by_name["sex"]
        .enum_type.values_by_number[packet.subject.sex]
        .name
        == sex
    )
    assert all(i.severity.value == "info" for i in issues)


@pytest.mark.parametrize("sex", ["FEMALE", "MALE", "UNKNOWN_SEX", "OTHER_SEX"])
def test_sex_round_trip(sex: str) -> None:
    packet = json_format.ParseDict({"id": "p", "subject": {"id": "s", "sex": sex}}, Phenopacket())
    doc, _ = to_beacon(packet)
    assert doc["sex"]["id"].startswith("NCIT:")
    back, _ = from_beacon(doc)
    assert back.subject.sex == packet.subject.sex


def test_bad_sex_is_a_finding_not_a_crash() -> None:
    packet, issues = from_beacon({"id": "x", "sex": "yes"})
    assert packet.subject.sex == 0
    assert [i.code for i in issues] == ["BCN004"]
    assert issues[0].pointer == "/sex"


def test_kitchen_sink_individual(fixtures_dir: Path) -> None:
    (item,) = _read(fixtures_dir / "beacon" / "individual_kitchen_sink.yaml")
    p = item.message
    f = p.phenotypic_features
    assert f[0].onset.age.iso8601duration == "P2Y"  # wrapped {"age": {...}} form of the official examples
    assert f[0].resolution.ontology_class.id == "NCIT:C49685"  # {"ageGroup": ...}
    assert [e.evidence_code.id for e in f[0].evidence] == ["ECO:0000033", "ECO:0006017"]  # a list is accepted
    assert f[0].evidence[0].reference.description == "first paper" and f[0].description == "started after fever"
    assert f[1].excluded and f[1].onset.age_range.end.iso8601duration == "P3Y"
    assert (f[2].onset.gestational_age.weeks, f[2].onset.gestational_age.days) == (33, 2)
    assert f[3].type.id == "HP:0000365" and f[3].onset.timestamp.ToJsonString() == "2019-04-01T00:00:00Z"
    d = p.diseases[0]
    assert d.onset.interval.start.ToJsonString() == "2018-01-01T00:00:00Z" and d.disease_stage[0].id == "OGMS:0000119"
    m = p.measurements
    assert m[0].value.quantity.unit.id == "NCIT:C103452" and m[0].value.quantity.value == 55345
    assert m[0].time_observed.timestamp.ToJsonString() == "2017-05-03T00:00:00Z"  # from 'date'
    assert m[1].complex_value.typed_quantities[0].quantity.value == 120
    proc, treat = p.medical_actions
    assert proc.procedure.body_site.id == "UBERON:0001255" and proc.procedure.performed.timestamp.seconds > 0
    assert treat.treatment.route_of_administration.id == "NCIT:C38288"
    assert p.subject.karyotypic_sex == 1  # XX
    lost = {i.pointer: i for i in item.issues if i.code == "BCN002"}
    assert set(lost) == {
        "/ethnicity",
        "/geographicOrigin",
        "/exposures",
        "/pedigrees",
        "/diseases/0/familyHistory",
        "/diseases/0/severity",
        "/treatments/0/ageAtOnset",
    }
    # the value travels in the finding (recoverable from a --report JSON)
    assert lost["/ethnicity"].context["value"] == {"id": "NCIT:C43851", "label": "European"}
    assert lost["/ethnicity"].line == 5  # YAML input: located


def test_writer_side_losses_are_kept_in_info() -> None:
    packet = json_format.ParseDict(
        {
            "id": "pk",
            "subject": {"id": "s1", "sex": "FEMALE", "dateOfBirth": "2001-02-03T00:00:00Z"},
            "phenotypicFeatures": [
                {
                    "type": {"id": "HP:0001250"},
                    "evidence": [{"evidenceCode": {"id": "ECO:1"}}, {"evidenceCode": {"id": "ECO:2"}}],
                }
            ],
            "diseases": [{"term": {"id": "OMIM:1"}, "resolution": {"age": {"iso8601duration": "P3Y"}}}],
            "metaData": {"created": "2024-01-01T00:00:00Z", "createdBy": "me", "phenopacketSchemaVersion": "2.0"},
            "medicalActions": [
                {"treatment": {"agent": {"id": "CHEBI:1"}}},
                {"procedure": {"code": {"id": "NCIT:C1"}}},
                {
                    "radiationTherapy": {
                        "modality": {"id": "NCIT:C2"},
                        "bodySite": {"id": "UBERON:1"},
                        "dosage": 1,
                        "fractions": 2,
                    }
                },
            ],
        },
        Phenopacket(),
    )
    doc, issues = to_beacon(packet)
    assert {i.pointer for i in issues} == {
        "/phenotypicFeatures/0/evidence/1",
        "/diseases/0/resolution",
        "/medicalActions/2/radiationTherapy",
    }
    assert doc["id"] == "s1" and doc["info"]["phenopacket"]["id"] == "pk"
    back, _ = from_beacon(json.loads(json.dumps(doc)))
    assert back == packet  # order of medical actions and every lost part restored from info
    plain, issues = to_beacon(packet, keep_info=False)
    assert "info" not in plain
    assert any(i.pointer == "/subject/dateOfBirth" and "dropped" in i.message for i in issues)


# ---------------------------------------------------------------- official examples and envelopes


@pytest.mark.shared
def test_official_examples(shared_data: Path) -> None:
    base = shared_data / "beacon" / "ga4gh-beacon-v2"
    (mid,) = _read(base / "individual-MID-example.json")
    p = mid.message
    assert (p.id, p.subject.sex) == ("Ind001", FEMALE)
    assert p.diseases[0].onset.ontology_class.id == "NCIT:C49685"
    assert p.measurements[0].time_observed.age.iso8601duration == "P55Y8M12D"
    assert {i.pointer for i in mid.issues if i.code == "BCN002"} >= {"/ethnicity", "/geographicOrigin"}
    (minimal,) = _read(base / "individual-MIN-example.json")
    assert minimal.message.subject.id == "Ind001" and not minimal.issues
    with pytest.raises(InputError, match="Beacon pedigree"):
        _read(base / "pedigree-example.json")


@pytest.mark.shared
def test_response_envelopes(shared_data: Path) -> None:
    base = shared_data / "beacon" / "ega-beacon2-ri-api"
    items = _read(base / "tests_responses_all-individuals.json")
    assert [i.message.id for i in items] == ["NA24631", "NA24694", "NA24695"]
    assert items[0].issues[0].pointer.startswith("/response/resultSets/0/results/0")
    (one,) = _read(base / "testMode_individuals_response.json")  # a list of result sets
    assert one.message.id == "testModeId" and len(one.message.measurements) == 3
    cineca = _read(base / "CINECA_UK1_individuals_sample25.json")
    assert len(cineca) == 25 and all(c.message.diseases for c in cineca)


# ---------------------------------------------------------------- pairs from other converters


def _norm(value: Any) -> Any:
    """Normalise a Beacon tree for comparison (see the differences explained in the tests)."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in ("timeObserved", "info") or v in (False, "UNKNOWN_KARYOTYPE", "UNKNOWN_DRUG_TYPE"):
                continue
            if k == "label" and isinstance(v, str):
                v = v.lower()
            if k == "measurementValue" and isinstance(v, dict) and "quantity" in v:
                v = v["quantity"]
            if k == "diseaseStage":
                k, v = "stage", v[0]
            if k == "dateOfProcedure":
                k, v = "ageAtProcedure", f"{v}T00:00:00Z"
            out[k] = _norm(v)
        return out
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


MAPPED = (
    "id",
    "sex",
    "karyotypicSex",
    "phenotypicFeatures",
    "diseases",
    "measures",
    "interventionsOrProcedures",
    "treatments",
)


@pytest.mark.shared
def test_convert_pheno_pxf2bff(shared_data: Path) -> None:
    """Our Beacon output vs Convert-Pheno's for its 13 phenopackets, on the mapped fields.

    Differences explained (removed by ``_norm``): Convert-Pheno writes defaults (``excluded: false``,
    ``karyotypicSex: UNKNOWN_KARYOTYPE``, ``drugType: UNKNOWN_DRUG_TYPE``), capitalised sex labels, a
    phenopacket-style ``timeObserved`` copy and ``info`` inside evidence, wraps quantities as
    ``measurementValue.quantity`` (the phenopacket Value shape; the Beacon value.json has the quantity itself),
    writes the phenopacket list ``diseaseStage`` where Beacon has one ``stage`` (we write ``stage``; both are
    read) and turns a timestamp ``performed`` into ``dateOfProcedure`` (we keep it as ``ageAtProcedure``, a time
    element).
    """
    base = shared_data / "beacon" / "convert-pheno"
    packets = load_tree(base / "pxf2bff_in_pxf.json")
    theirs = load_tree(base / "pxf2bff_out_individuals.json")
    assert len(packets) == len(theirs) == 13
    for tree, expected in zip(packets, theirs, strict=True):
        packet = json_format.ParseDict(tree, Phenopacket(), ignore_unknown_fields=True)
        ours, _ = to_beacon(packet)
        mine = _norm({k: v for k, v in ours.items() if k in MAPPED})
        their = _norm({k: v for k, v in expected.items() if k in MAPPED})
        for key in MAPPED:
            assert mine.get(key) == their.get(key), (packet.id, key)


@pytest.mark.shared
def test_convert_pheno_bff2pxf(shared_data: Path) -> None:
    """Our phenopackets vs Convert-Pheno's for its 10 Beacon individuals.

    Difference explained: Convert-Pheno adds ``vitalStatus: ALIVE`` to every subject (not in the Beacon data; we
    do not invent it) and writes empty ``diseases: []``; the ethnicity/geographicOrigin both tools cannot carry
    are findings in ours.
    """
    base = shared_data / "beacon" / "convert-pheno"
    individuals = load_tree(base / "bff2pxf_in_individuals.json")
    theirs = load_tree(base / "bff2pxf_out_pxf.json")
    for ind, expected in zip(individuals, theirs, strict=True):
        packet, issues = from_beacon(ind)
        ours = to_dict(packet)
        assert expected["subject"].pop("vitalStatus") == {"status": "ALIVE"}
        assert ours["subject"] == expected["subject"]
        for key in ("phenotypicFeatures", "diseases", "measurements", "medicalActions"):
            assert ours.get(key, []) == expected.get(key, []), (packet.id, key)
        if "ethnicity" in ind:
            assert any(i.pointer == "/ethnicity" for i in issues)


def _ega_pair(shared_data: Path, name: str) -> tuple[Phenopacket, dict[str, Any]]:
    base = shared_data / "beacon" / "ega-phenopackets-to-BFF"
    theirs = load_tree(base / "bff_out" / f"{name}-individualsBFF.json")
    return read(base / "phenopackets_in" / f"{name}.json"), theirs[0] if isinstance(theirs, list) else theirs


@pytest.mark.shared
@pytest.mark.parametrize("name", ["mcahs1", "covid19", "testphen"])
def test_ega_pairs(shared_data: Path, name: str) -> None:
    """Ours vs EGA phenopackets-to-BFF, both directions, on the mapped fields.

    Differences explained: EGA writes the NCIT "Female"/"Male" concept codes (C46113/C46112) where the Beacon
    schema names C16576/C20197 (we write the schema's and read both); for what Beacon lacks it writes a Python
    ``repr`` into disease ``notes`` (losing ``excluded: true`` for covid19's diabetes) and copies testphen's disease
    stage into ``severity``; it drops testphen's radiation therapy and therapeutic regimen actions and every
    ``drugType``. We write ``excluded``, ``primarySite``, ``laterality`` and ``drugType`` as extra properties (as
    Convert-Pheno does) and keep resolution/TNM findings and the other actions in ``info.phenopacket``.
    """
    packet, theirs = _ega_pair(shared_data, name)
    ours, _ = to_beacon(packet)
    assert ours["sex"]["id"] in ("NCIT:C16576", "NCIT:C20197")
    assert {"NCIT:C16576": "NCIT:C46113", "NCIT:C20197": "NCIT:C46112"}[ours["sex"]["id"]] == theirs["sex"]["id"]
    for key in ("id", "phenotypicFeatures", "measures", "interventionsOrProcedures"):
        assert ours.get(key) == theirs.get(key), key
    for mine, their in zip(ours.get("diseases", []), theirs.get("diseases", []), strict=True):
        assert mine["diseaseCode"] == their["diseaseCode"] and mine.get("ageOfOnset") == their.get("ageOfOnset")
        assert mine.get("excluded", False) == ("'excluded': True" in their.get("notes", ""))
    for mine, their in zip(ours.get("treatments", []), theirs.get("treatments", []), strict=True):
        mine.pop("drugType", None)
        assert mine == their
    # their individual back to a phenopacket: the mapped fields of the original, except what EGA lost
    back, _ = from_beacon(theirs)
    assert back.subject.sex == packet.subject.sex and back.subject.id == packet.subject.id
    assert list(back.phenotypic_features) == list(packet.phenotypic_features)
    assert list(back.measurements) == list(packet.measurements)
    originals = []
    for action in packet.medical_actions:  # EGA drops drugType and non-procedure/treatment actions
        if action.WhichOneof("action") not in ("procedure", "treatment"):
            continue
        action = type(action).FromString(action.SerializeToString())
        action.treatment.ClearField("drug_type") if action.HasField("treatment") else None
        originals.append(action.SerializeToString(deterministic=True))
    assert sorted(a.SerializeToString(deterministic=True) for a in back.medical_actions) == sorted(originals)
    assert [d.term.id for d in back.diseases] == [d.term.id for d in packet.diseases]
    # ours back: identical on everything (info.phenopacket restores the rest)
    restored, _ = from_beacon(json.loads(json.dumps(ours)))
    assert restored == packet


@pytest.mark.shared
def test_ega_family_stream(shared_data: Path) -> None:
    """EGA's family output is 16 JSON objects one after another: read as a stream, with an info finding."""
    items = _read(shared_data / "beacon" / "ega-phenopackets-to-BFF" / "bff_out" / "family-individualsBFF.json")
    assert len(items) == 16
    assert items[0].issues[0].code == "BCN011"


# ---------------------------------------------------------------- wrong documents, writer, CLI


def test_sniffing(fixtures_dir: Path) -> None:
    reader = BeaconReader()
    for name, expected in (("individual_kitchen_sink.yaml", True), ("mixed_list.json", True)):
        path = fixtures_dir / "beacon" / name
        assert reader.sniff(path, path.read_bytes()[:8192]) is expected
    path = fixtures_dir / "v1" / "messy_v1.json"
    assert not reader.sniff(path, path.read_bytes()[:8192])


@pytest.mark.shared
def test_convert_pheno_redcap_individuals(shared_data: Path) -> None:
    """Convert-Pheno's REDCap → BFF output: its '_visit'/'_info' bookkeeping keys are info findings only."""
    path = shared_data / "redcap" / "convert-pheno" / "expected_redcap2bff_individuals.json"
    items = _read(path)
    assert len(items) == len(load_tree(path))
    internal = [i for it in items for i in it.issues if "/_" in i.pointer]
    assert internal and all(i.severity.value == "info" for i in internal)
    assert all(it.message.phenotypic_features for it in items)


def test_wrong_document_type(fixtures_dir: Path) -> None:
    with pytest.raises(InputError, match="Beacon biosample") as info:
        _read(fixtures_dir / "beacon" / "biosample.json")
    assert (info.value.line, info.value.column) == (1, 1)


def test_mixed_list_keeps_the_individual(fixtures_dir: Path) -> None:
    items = _read(fixtures_dir / "beacon" / "mixed_list.json")
    assert [i.message.id for i in items if i.message] == ["ok-1"]
    skipped = [i.issues[0] for i in items if i.message is None]
    assert [(s.code, s.pointer) for s in skipped] == [("BCN001", "/1"), ("BCN001", "/2")]
    assert "Beacon pedigree" in skipped[0].message and skipped[0].line == 4


def test_writer_family_and_directory(tmp_path: Path) -> None:
    fam = Family(id="F")
    fam.proband.subject.id = "kid"
    fam.relatives.add().subject.id = "mum"
    issues = BeaconWriter().write([fam], tmp_path / "out.json", OPTS)
    assert [d["id"] for d in json.loads((tmp_path / "out.json").read_text())] == ["kid", "mum"]
    assert issues[0].code == "BCN010"
    BeaconWriter().write([fam], tmp_path / "dir", OPTS)  # no suffix: a directory
    assert sorted(p.name for p in (tmp_path / "dir").iterdir()) == ["kid.json", "mum.json"]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "phenotk", *args], capture_output=True, text=True, timeout=120)


def test_cli_wrong_type_exit_2(fixtures_dir: Path, tmp_path: Path) -> None:
    run = _cli(
        "convert", str(fixtures_dir / "beacon" / "biosample.json"), "--from", "beacon", "-o", f"{tmp_path / 'o'}/"
    )
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "biosample.json:1:1: this is a Beacon biosample, not an individual" in run.stderr


@pytest.mark.shared
def test_cli_round_trip(store_files: list[Path], tmp_path: Path) -> None:
    packet = store_files[0]
    run = _cli("convert", str(packet), "--to", "beacon", "-o", str(tmp_path / "b.json"))
    assert run.returncode == 0, run.stderr
    run = _cli("convert", str(tmp_path / "b.json"), "-o", f"{tmp_path / 'back'}/")  # sniffed as Beacon
    assert run.returncode == 0, run.stderr
    (back,) = list((tmp_path / "back").iterdir())
    assert read(back) == read(packet)


def test_metadata_resources_for_used_prefixes() -> None:
    packet, issues = from_beacon(
        {
            "id": "r1",
            "sex": {"id": "NCIT:C16576", "label": "female"},
            "phenotypicFeatures": [
                {"featureType": {"id": "HP:0001250", "label": "Seizure"}, "modifiers": [{"id": "XYZ:1", "label": "x"}]}
            ],
            "diseases": [{"diseaseCode": {"id": "NCIT:C3879", "label": "Thyroid Gland Medullary Carcinoma"}}],
        },
        created="2024-01-01T00:00:00Z",
    )
    resources = {r.namespace_prefix: r for r in packet.meta_data.resources}
    assert set(resources) == {"HP", "NCIT", "XYZ"}  # the sex term becomes the enum: no NCIT use from it
    assert resources["NCIT"].iri_prefix.startswith("http")
    (note,) = [i for i in issues if i.code == "BCN008"]
    assert "XYZ" in note.message and "HP" in note.message  # no HPO release is named by the Beacon document
    assert packet.meta_data.created.ToJsonString() == "2024-01-01T00:00:00Z"


# ---------------------------------------------------------------- finding catalog


def test_every_finding_is_catalogued(shared_data: Path) -> None:
    """Both directions on every shared Beacon file and v2 example emit only (code, name) pairs of FINDINGS."""
    from phenotk.conversion.beacon.findings import FINDINGS

    declared = {(ft.code, ft.name) for ft in FINDINGS}
    seen: set[tuple[str, str]] = set()
    files = sorted(p for p in (shared_data / "beacon").rglob("*.json") if "schema" not in p.parts)
    for path in files:
        try:
            for item in _read(path):
                seen.update((i.code, i.rule) for i in item.issues)
        except InputError:
            continue  # refused documents (a pedigree, …) are tested elsewhere
    for path in sorted((shared_data / "v2-examples").glob("*.json")):
        message = read(path)
        if isinstance(message, Phenopacket):
            for keep in (True, False):
                seen.update((i.code, i.rule) for i in to_beacon(message, keep_info=keep)[1])
    assert seen - declared == set()
    assert {"BCN002", "BCN008", "BCN011", "BCN012"} <= {code for code, _ in seen}  # the walk reaches findings


def test_legacy_time_observed_has_its_own_code() -> None:
    """beacon-legacy-field was BCN003 (the code beacon-id-missing keeps); it is BCN012 now."""
    tree = {
        "id": "p1",
        "sex": {"id": "NCIT:C16576", "label": "female"},
        "measures": [
            {
                "assayCode": {"id": "LOINC:1-8", "label": "x"},
                "measurementValue": {"id": "NCIT:C1", "label": "y"},
                "timeObserved": {"iso8601duration": "P3Y"},
            }
        ],
    }
    packet, issues = from_beacon(tree)
    assert packet.measurements[0].time_observed.age.iso8601duration == "P3Y"
    assert [(i.code, i.rule) for i in issues if i.pointer == "/measures/0/timeObserved"] == [
        ("BCN012", "beacon-legacy-field")
    ]
    _, written = to_beacon(Phenopacket(id="pk"))
    assert [(i.code, i.rule) for i in written] == [("BCN003", "beacon-id-missing")]


def test_finding_docs_have_every_section() -> None:
    from phenotk.conversion.beacon.findings import FINDINGS

    for ft in FINDINGS:
        for section in ("What it means:", "Why:", "Example:", "What to do:"):
            assert section in ft.doc, (ft.code, section)
    assert len({ft.code for ft in FINDINGS}) == len({ft.name for ft in FINDINGS}) == len(FINDINGS)


def test_procedure_date_next_to_age_is_a_finding_not_a_silent_drop() -> None:
    # Convert-Pheno BFF shape: interventionsOrProcedures with both ageAtProcedure and dateOfProcedure.
    ind = {
        "id": "x",
        "interventionsOrProcedures": [
            {
                "procedureCode": {"id": "NCIT:C5189", "label": "Colectomy"},
                "ageAtProcedure": {"age": {"iso8601duration": "P24Y"}},
                "dateOfProcedure": "2020-01-01",
            }
        ],
    }
    packet, issues = from_beacon(ind)
    assert packet.medical_actions[0].procedure.performed.age.iso8601duration == "P24Y"
    lost = [i for i in issues if i.pointer == "/interventionsOrProcedures/0/dateOfProcedure"]
    assert len(lost) == 1 and lost[0].rule == "beacon-field-not-carried"
    assert lost[0].context["value"] == "2020-01-01"
    # the date alone is still the performed time
    del ind["interventionsOrProcedures"][0]["ageAtProcedure"]
    packet, issues = from_beacon(ind)
    assert packet.medical_actions[0].procedure.performed.timestamp.ToJsonString().startswith("2020-01-01")
    assert not [i for i in issues if "dateOfProcedure" in i.pointer]


def test_excluded_as_a_string_is_not_read_as_present() -> None:
    # hand-written / spreadsheet-derived BFF: "excluded": "true" used to be read as observed, silently
    ind = {
        "id": "x",
        "phenotypicFeatures": [
            {"featureType": {"id": "HP:0001250", "label": "Seizure"}, "excluded": "true"},
            {"featureType": {"id": "HP:0001263", "label": "Global developmental delay"}, "excluded": "False"},
            {"featureType": {"id": "HP:0000252", "label": "Microcephaly"}, "excluded": "maybe"},
        ],
        "diseases": [{"diseaseCode": {"id": "OMIM:154700", "label": "Marfan syndrome"}, "excluded": "true"}],
    }
    packet, issues = from_beacon(ind)
    assert [(f.type.id, f.excluded) for f in packet.phenotypic_features] == [
        ("HP:0001250", True),
        ("HP:0001263", False),
    ]
    assert packet.diseases[0].excluded
    by_pointer = {i.pointer: i for i in issues}
    assert by_pointer["/phenotypicFeatures/0/excluded"].severity.value == "info"
    assert by_pointer["/phenotypicFeatures/2/excluded"].rule == "beacon-invalid-value"
    assert by_pointer["/phenotypicFeatures/2/excluded"].severity.value == "warning"


@pytest.mark.parametrize(("term", "sex"), [("PATO:0020002", "FEMALE"), ("PATO:0020001", "MALE")])
def test_progenetix_genotypic_sex_terms(term: str, sex: str) -> None:
    packet, issues = from_beacon({"id": "x", "sex": {"id": term, "label": f"{sex.lower()} genotypic sex"}})
    assert (
        Phenopacket.DESCRIPTOR.fields_by_name["subject"]
        .message_type.fields_by_name["sex"]
        .enum_type.values_by_number[packet.subject.sex]
        .name
        == sex
    )
    assert [(i.rule, i.severity.value) for i in issues] == [("beacon-sex-term", "info")]
    assert term in issues[0].message


def test_unknown_sex_term_names_its_id() -> None:
    _, issues = from_beacon({"id": "x", "sex": {"id": "XYZ:9", "label": "n/a"}})
    assert issues[0].rule == "beacon-invalid-value" and "XYZ:9" in issues[0].message


def test_a_beacon_biosamples_file_is_claimed_and_named(tmp_path: Path) -> None:
    # Convert-Pheno / Beacon RI biosamples.json next to individuals.json: not sniffed as Beacon, it was read as
    # a JSON array of phenopackets and written as an empty packet 'bs1' ("no field named individualId")
    path = tmp_path / "biosamples.json"
    path.write_text(
        json.dumps(
            [
                {
                    "id": "bs1",
                    "individualId": "ind1",
                    "biosampleStatus": {"id": "EFO:0009654", "label": "reference sample"},
                    "sampleOriginType": {"id": "UBERON:0000178", "label": "blood"},
                    "collectionMoment": "P32Y6M1D",
                }
            ]
        )
    )
    assert BeaconReader().sniff(path, path.read_bytes()[:4096])
    with pytest.raises(InputError, match="Beacon biosample, not an individual"):
        list(BeaconReader().read(path, OPTS))


def test_a_bare_iso_duration_is_an_age() -> None:
    # Progenetix/bycon onsets {"age": "P56Y"} (and Beacon's plain-string durations) were read as timestamps
    # and dropped ("expected an RFC 3339 timestamp, found 'P56Y'")
    ind = {
        "id": "x",
        "sex": {"id": "NCIT:C16576", "label": "female"},
        "diseases": [
            {"diseaseCode": {"id": "NCIT:C3058", "label": "Glioblastoma"}, "ageOfOnset": {"age": "P56Y"}},
            {"diseaseCode": {"id": "NCIT:C2926", "label": "NSCLC"}, "ageOfOnset": "P3Y6M"},
            {"diseaseCode": {"id": "NCIT:C4", "label": "x"}, "ageOfOnset": "2019-01-01T00:00:00Z"},
        ],
    }
    packet, issues = from_beacon(ind)
    assert [d.onset.age.iso8601duration for d in packet.diseases[:2]] == ["P56Y", "P3Y6M"]
    assert packet.diseases[2].onset.HasField("timestamp")
    assert not [i for i in issues if i.rule == "beacon-invalid-value"]


def test_measurement_value_as_a_list() -> None:
    # EGA beacon2-pi-api test individuals write measurementValue as a list of one quantity: the value was
    # dropped ('expected a quantity, found list') and the measurement written without one (schema error)
    ind = {"id": "S1", "sex": {"id": "NCIT:C16576", "label": "female"},
           "measures": [{"assayCode": {"id": "LOINC:2345-7", "label": "Glucose"},
                         "measurementValue": [{"unit": {"id": "NCIT:C28253", "label": "Milligram"}, "value": 50,
                                               "referenceRange": {"low": 20, "high": 50}},
                                              {"unit": {"id": "NCIT:C28253", "label": "Milligram"}, "value": 7}]}]}
    packet, issues = from_beacon(ind)
    (m,) = packet.measurements
    assert m.value.quantity.value == 50 and m.value.quantity.reference_range.high == 50
    rules = {(i.rule, i.pointer) for i in issues}
    assert ("beacon-legacy-field", "/measures/0/measurementValue") in rules
    assert ("beacon-field-not-carried", "/measures/0/measurementValue/1") in rules
    assert not [i for i in issues if i.rule == "beacon-invalid-value"]


def test_beacon_plus_index_disease_and_external_references() -> None:
    # Progenetix (Beacon+) individuals: indexDisease and externalReferences were 'no place in phenopackets'
    ind = {"id": "pgxind-1", "sex": {"id": "PATO:0020002", "label": "female genotypic sex"},
           "indexDisease": {"diseaseCode": {"id": "NCIT:C3058", "label": "Glioblastoma"}, "onset": {"age": "P56Y"}},
           "externalReferences": [{"id": "PMID:22824167", "description": "a cohort paper"}, {"label": "x"}]}
    packet, issues = from_beacon(ind)
    assert [(d.term.id, d.onset.age.iso8601duration) for d in packet.diseases] == [("NCIT:C3058", "P56Y")]
    assert [(e.id, e.description) for e in packet.meta_data.external_references] == [
        ("PMID:22824167", "a cohort paper")]
    rules = {(i.rule, i.pointer) for i in issues}
    assert ("beacon-legacy-field", "/indexDisease") in rules
    assert ("beacon-invalid-value", "/externalReferences/1") in rules
    assert not [i for i in issues if i.rule == "beacon-field-not-carried"]


def test_no_resource_version_the_beacon_document_did_not_state() -> None:
    # an OMIM disease or an HGNC/GENO/SO term got the store builder's default release ("06/01/25",
    # "2025-07-25", …) in metaData.resources: a version the Beacon document never named, and no finding said so
    packet, issues = from_beacon(
        {
            "id": "r2",
            "diseases": [{"diseaseCode": {"id": "OMIM:101600", "label": "Pfeiffer syndrome"}}],
            "phenotypicFeatures": [
                {"featureType": {"id": "HP:0001250", "label": "Seizure"}, "modifiers": [{"id": "GENO:0000135"}]}
            ],
            "measures": [
                {
                    "assayCode": {"id": "SO:0001583", "label": "missense"},
                    "measurementValue": {"id": "HGNC:3688", "label": "FGFR1"},
                }
            ],
        },
        created="2024-01-01T00:00:00Z",
    )
    resources = {r.namespace_prefix: r for r in packet.meta_data.resources}
    assert {"OMIM", "GENO", "SO", "HGNC"} <= set(resources)
    assert {p: r.version for p, r in resources.items() if r.version} == {}
    assert resources["OMIM"].url and resources["OMIM"].iri_prefix  # names and URLs are facts, not releases
    (note,) = [i for i in issues if i.code == "BCN008"]
    assert all(p in note.message for p in ("OMIM", "GENO", "SO", "HGNC"))


def test_family_record_parts_not_written_are_named_and_kept(tmp_path: Path) -> None:
    # a Family written to Beacon lost its pedigree, files, consanguinity and metaData behind one generic note
    # ("the family/cohort record itself is not written"): the report held neither what was lost nor its values
    fam = json_format.ParseDict(
        {
            "id": "F1",
            "proband": {"id": "p", "subject": {"id": "kid"}},
            "consanguinousParents": True,
            "pedigree": {
                "persons": [
                    {"familyId": "F1", "individualId": "kid", "paternalId": "dad", "maternalId": "mum",
                     "sex": "MALE", "affectedStatus": "AFFECTED"},
                    {"familyId": "F1", "individualId": "dad", "sex": "MALE", "affectedStatus": "UNAFFECTED"},
                ]
            },
            "files": [{"uri": "file:///trio.vcf.gz"}],
        },
        Family(),
    )
    issues = BeaconWriter().write([fam], tmp_path / "out.json", OPTS)
    (split,) = [i for i in issues if i.code == "BCN010"]
    for part in ("pedigree (2 persons)", "consanguinousParents", "files (1)"):
        assert part in split.message
    kept = split.context["value"]
    assert kept["pedigree"]["persons"][0]["paternalId"] == "dad" and kept["consanguinousParents"] is True
    assert "proband" not in kept  # the members are written as individuals
    cohort = json_format.ParseDict({"id": "C", "description": "pilot", "members": [{"id": "m1"}]}, Cohort())
    (split,) = [i for i in BeaconWriter().write([cohort], tmp_path / "c.json", OPTS) if i.code == "BCN010"]
    assert "description" in split.message and split.context["value"]["description"] == "pilot"


def test_a_beacon_genomic_variations_file_is_claimed_and_named(tmp_path: Path) -> None:
    # a Beacon genomicVariations.json was not sniffed as Beacon: 'phenotk convert' said only "an object, not a
    # Phenopacket, Family or Cohort", not what the file is
    path = tmp_path / "genomicVariations.json"
    path.write_text(
        json.dumps(
            [
                {
                    "variantInternalId": "v1",
                    "variation": {"referenceBases": "A", "alternateBases": "G", "variantType": "SNP"},
                    "caseLevelData": [{"biosampleId": "bs1", "zygosity": {"id": "GENO:0000458"}}],
                }
            ]
        )
    )
    assert BeaconReader().sniff(path, path.read_bytes()[:4096])
    with pytest.raises(InputError, match="Beacon genomic variation, not an individual"):
        list(BeaconReader().read(path, OPTS))


@pytest.mark.parametrize(
    ("individual", "pointer"),
    [
        # values of the wrong type where the parser iterated or converted without checking: each crashed the
        # run ('internal error', exit 3) instead of becoming a beacon-invalid-value finding
        ({"phenotypicFeatures": [{"featureType": {"id": "HP:0001250"}, "modifiers": True}]},
         "/phenotypicFeatures/0/modifiers"),
        ({"treatments": [{"treatmentCode": {"id": "NCIT:C198"}, "doseIntervals": 1.5}]}, "/treatments/0/doseIntervals"),
        ({"measures": [{"assayCode": {"id": "LOINC:26515-7"},
                        "measurementValue": {"value": 150, "referenceRange": {"low": "x", "high": [1]}}}]},
         "/measures/0/measurementValue/referenceRange/low"),
        ({"measures": [{"assayCode": {"id": "LOINC:26515-7"}, "measurementValue": {"value": float("inf")}}]},
         "/measures/0/measurementValue"),
        ({"phenotypicFeatures": [{"featureType": {"id": "HP:0001250"},
                                  "onset": {"start": "P1Y", "end": {"iso8601duration": "P2Y"}}}]},
         "/phenotypicFeatures/0/onset/start"),
        ({"phenotypicFeatures": [{"featureType": {"id": "HP:0001250"}, "onset": {"weeks": float("inf")}}]},
         "/phenotypicFeatures/0/onset"),
    ],
)
def test_wrong_types_are_findings_not_crashes(individual: dict[str, Any], pointer: str) -> None:
    packet, issues = from_beacon({"id": "x", **individual})
    assert packet.subject.id == "x"
    assert pointer in {i.pointer for i in issues if i.rule == "beacon-invalid-value"}


def test_info_phenopacket_with_an_infinite_enum_is_a_finding() -> None:
    # YAML '.inf' where info.phenopacket holds an enum: json_format raised OverflowError, an internal error
    kept = {"subject": {"vitalStatus": {"status": float("inf")}}}
    packet, issues = from_beacon({"id": "x", "info": {"phenopacket": kept}})
    assert packet.subject.id == "x"
    assert "/info/phenopacket" in {i.pointer for i in issues if i.rule == "beacon-invalid-value"}


def test_an_infinite_quantity_is_written_as_valid_json_with_a_finding(tmp_path: Path) -> None:
    # protobuf JSON allows "value": "Infinity" for a double; the Beacon writer dumped it as the bare token
    # Infinity, which is not JSON: the output file could not be read back by any JSON parser
    packet = json_format.ParseDict(
        {
            "id": "p",
            "subject": {"id": "s"},
            "measurements": [
                {
                    "assay": {"id": "LOINC:26515-7", "label": "Platelets"},
                    "value": {"quantity": {"unit": {"id": "UO:0000001", "label": "u"}, "value": "Infinity"}},
                }
            ],
        },
        Phenopacket(),
    )
    out = tmp_path / "b.json"
    issues = BeaconWriter().write([packet], out, ConvertOptions(extra={"info": "false"}))
    doc = json.loads(out.read_text(), parse_constant=lambda c: pytest.fail(f"not JSON: {c}"))
    assert doc[0]["measures"][0]["measurementValue"]["value"] == "Infinity"
    (bad,) = [i for i in issues if i.rule == "beacon-invalid-value"]
    assert bad.pointer == "/measurements/0/value/quantity/value" and "Infinity" in bad.message


@pytest.mark.parametrize(("word", "sex"), [("female", "FEMALE"), ("Male", "MALE"), ("unknown", "UNKNOWN_SEX")])
def test_sex_as_a_plain_word_is_read_by_its_meaning(word: str, sex: str) -> None:
    # '"sex": "female"' (a word, not a term) was dropped with a warning although it says plainly what it means;
    # it is read like a term with that label (info), as the PED reader reads 'female'
    packet, issues = from_beacon({"id": "x", "sex": word})
    assert Phenopacket.DESCRIPTOR.fields_by_name["subject"].message_type.fields_by_name[
        "sex"
    ].enum_type.values_by_number[packet.subject.sex].name == sex
    (note,) = [i for i in issues if i.pointer == "/sex"]
    assert note.rule == "beacon-sex-term" and note.severity.value == "info" and repr(word) in note.message


def test_element_split_counts_one_person_in_the_singular(tmp_path: Path) -> None:
    fam = json_format.ParseDict(
        {"id": "F", "proband": {"id": "p", "subject": {"id": "kid"}},
         "pedigree": {"persons": [{"familyId": "F", "individualId": "kid"}]}},
        Family(),
    )
    (split,) = [i for i in BeaconWriter().write([fam], tmp_path / "o.json", OPTS) if i.code == "BCN010"]
    assert "pedigree (1 person)" in split.message


def test_yes_no_excluded_and_lower_case_karyotype_are_read_with_findings() -> None:
    # 'excluded': 'yes' left the whole feature out and 'karyotypicSex': 'xy' was dropped, although both state their
    # value plainly (the v1 upgrade reads 'yes'/'no' and enum names in another case the same way)
    packet, issues = from_beacon(
        {
            "id": "x",
            "karyotypicSex": "xy",
            "phenotypicFeatures": [{"featureType": {"id": "HP:0001250", "label": "Seizure"}, "excluded": "Yes"}],
        }
    )
    assert packet.subject.karyotypic_sex == 2  # XY
    assert [(f.type.id, f.excluded) for f in packet.phenotypic_features] == [("HP:0001250", True)]
    notes = {i.pointer: i for i in issues if i.rule == "beacon-invalid-value"}
    assert {n.severity.value for n in notes.values()} == {"info"}
    assert set(notes) == {"/karyotypicSex", "/phenotypicFeatures/0/excluded"}
