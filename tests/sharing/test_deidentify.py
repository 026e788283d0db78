"""De-identification behaviour: families and cohorts, time handling per profile, findings, formats, CLI.

Synthetic patients only (built below or from the validation test bases); real files from ../shared/data.
"""

from __future__ import annotations

import collections
import copy
import datetime as dt
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

import phenotk
from phenotk.catalog import entries
from phenotk.errors import UsageError
from phenotk.io import Element
from phenotk.io.readers import document_from_tree
from phenotk.sharing.findings import FINDINGS
from phenotk.sharing.pseudonyms import Keyring

from .scan import leaks, original_ids, packets, times

KEY = b"synthetic-test-key-0123456789"

#: a small synthetic phenopacket (as tests/validate/conftest.py's base, with one resource)
BASE_PHENOPACKET: dict[str, Any] = {
    "id": "PMID_1_P1",
    "subject": {"id": "P1", "sex": "FEMALE", "timeAtLastEncounter": {"age": {"iso8601duration": "P6Y"}}},
    "phenotypicFeatures": [
        {"type": {"id": "HP:0001250", "label": "Seizure"}, "onset": {"age": {"iso8601duration": "P2Y"}}},
        {"type": {"id": "HP:0001263", "label": "Global developmental delay"}},
    ],
    "diseases": [{"term": {"id": "OMIM:154700", "label": "Marfan syndrome"}}],
    "interpretations": [
        {
            "id": "PMID_1_P1",
            "progressStatus": "SOLVED",
            "diagnosis": {
                "disease": {"id": "OMIM:154700", "label": "Marfan syndrome"},
                "genomicInterpretations": [
                    {
                        "subjectOrBiosampleId": "P1",
                        "interpretationStatus": "CAUSATIVE",
                        "gene": {"valueId": "HGNC:3603", "symbol": "FBN1"},
                    }
                ],
            },
        }
    ],
    "metaData": {
        "created": "2024-03-28T10:00:00Z",
        "createdBy": "phenotk tests",
        "resources": [
            {
                "id": "hp",
                "name": "human phenotype ontology",
                "url": "http://purl.obolibrary.org/obo/hp.owl",
                "version": "2025-05-06",
                "namespacePrefix": "HP",
                "iriPrefix": "http://purl.obolibrary.org/obo/HP_",
            }
        ],
        "phenopacketSchemaVersion": "2.0.2",
    },
}
PROFILES = ("safe-harbor", "pseudonymised", "research")


def _run(tree: dict[str, Any], profile: str = "safe-harbor", **kw: Any) -> tuple[dict[str, Any], Any]:
    result = phenotk.deidentify(tree, key=KEY, profile=profile, **kw)
    assert result.errors == []
    return orjson.loads(result.outputs[0].data), result


def _timed_packet() -> dict[str, Any]:
    """A synthetic packet with a date of birth, timestamps, an interval, free text and a 93-year age."""
    pp = copy.deepcopy(BASE_PHENOPACKET)
    pp["id"] = "PMID_1_Jane_Roe"
    pp["subject"].update(
        id="Jane Roe",
        alternateIds=["MRN00481516"],
        dateOfBirth="1931-05-02T00:00:00Z",
        timeAtLastEncounter={"age": {"iso8601duration": "P93Y"}},
    )
    pp["phenotypicFeatures"][0].update(
        onset={"timestamp": "1936-07-01T08:30:00Z"},
        resolution={"interval": {"start": "1937-01-01T00:00:00Z", "end": "1937-03-01T00:00:00Z"}},
        description="seen by Dr Smith on 01/07/1936, call +49 30 1234 5678",
    )
    pp["interpretations"][0]["id"] = "PMID_1_Jane_Roe"
    pp["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]["subjectOrBiosampleId"] = "Jane Roe"
    pp["biosamples"] = [
        {"id": "Jane_Roe-blood", "individualId": "Jane Roe", "timeOfCollection": {"timestamp": "1990-01-01T00:00:00Z"}}
    ]
    pp["metaData"]["updates"] = [{"timestamp": "2024-04-01T10:00:00Z", "updatedBy": "curator", "comment": "fixed DOB"}]
    pp["metaData"]["externalReferences"] = [{"id": "PMID:1", "description": "Roe J. A case of Marfan syndrome"}]
    return pp


# ----------------------------------------------------------------------------------------------- families


def _family_from_store(store_dir: Path) -> dict[str, Any]:
    """A family built from three real store packets: a proband and two relatives, with a pedigree."""
    files = sorted((store_dir / "FBN1").glob("*.json"))[:3]
    proband, *relatives = (orjson.loads(f.read_bytes()) for f in files)
    sid = [p["subject"]["id"] for p in (proband, *relatives)]
    return {
        "id": "FAM-" + sid[0],
        "proband": proband,
        "relatives": relatives,
        "pedigree": {
            "persons": [
                {
                    "familyId": "FAM-" + sid[0],
                    "individualId": sid[1],
                    "paternalId": "0",
                    "maternalId": "0",
                    "sex": "MALE",
                },
                {
                    "familyId": "FAM-" + sid[0],
                    "individualId": sid[2],
                    "paternalId": "0",
                    "maternalId": "0",
                    "sex": "FEMALE",
                },
                {
                    "familyId": "FAM-" + sid[0],
                    "individualId": sid[0],
                    "paternalId": sid[1],
                    "maternalId": sid[2],
                    "sex": proband["subject"].get("sex", "UNKNOWN_SEX"),
                    "affectedStatus": "AFFECTED",
                },
            ]
        },
        "metaData": proband["metaData"],
    }


def _check_references(tree: dict[str, Any]) -> None:
    """Every cross-reference of a de-identified element resolves."""
    persons = (tree.get("pedigree") or {}).get("persons", [])
    person_ids = {p["individualId"] for p in persons}
    for p in persons:
        assert p["familyId"] == tree["id"]
        for parent in (p.get("paternalId"), p.get("maternalId")):
            assert parent in ("0", "", None) or parent in person_ids
    for pp in packets(tree):
        sid = pp["subject"]["id"]
        if persons:
            assert sid in person_ids
        bios = {b["id"] for b in pp.get("biosamples", [])}
        for b in pp.get("biosamples", []):
            assert b["individualId"] == sid
        for i in pp.get("interpretations", []):
            for g in i.get("diagnosis", {}).get("genomicInterpretations", []):
                assert g["subjectOrBiosampleId"] in bios | {sid}
    for f in tree.get("files", []):
        assert set(f.get("individualToFileIdentifiers", {})) <= person_ids | {
            pp["subject"]["id"] for pp in packets(tree)
        }


@pytest.mark.shared
@pytest.mark.parametrize("profile", PROFILES)
def test_family_cross_references_intact(profile: str, shared_data: Path, store_dir: Path) -> None:
    for tree in (
        orjson.loads((shared_data / "v2-examples" / "family.json").read_bytes()),
        _family_from_store(store_dir),
    ):
        out, _ = _run(tree, profile)
        _check_references(out)
        assert leaks(tree, out) == []
        assert original_ids(out).isdisjoint(original_ids(tree))
        # the proband keeps its pseudonym when de-identified alone: same id → same pseudonym across files
        alone, _ = _run(tree["proband"], profile)
        assert alone["subject"]["id"] == out["proband"]["subject"]["id"]


@pytest.mark.shared
@pytest.mark.parametrize("profile", PROFILES)
def test_cohort_members_and_validation(profile: str, store_dir: Path) -> None:
    members = [orjson.loads(f.read_bytes()) for f in sorted((store_dir / "KCNT1").glob("*.json"))[:6]]
    cohort = {
        "id": "KCNT1-cohort",
        "description": "KCNT1 cases of Dr Smith",
        "members": members,
        "metaData": members[0]["metaData"],
    }
    out, result = _run(cohort, profile)
    assert len(out["members"]) == 6 and "description" not in out
    _check_references(out)
    assert leaks(cohort, out) == []
    assert result.risk is not None and result.risk.records == 6
    before = collections.Counter(i.rule for i in phenotk.validate(document_from_tree(cohort), hpo=False).issues)
    after = collections.Counter(i.rule for i in phenotk.validate(document_from_tree(out), hpo=False).issues)
    assert after - before == collections.Counter()


@pytest.mark.shared
@pytest.mark.parametrize("profile", PROFILES)
def test_v2_examples_leave_nothing_and_add_no_finding(profile: str, shared_data: Path) -> None:
    folder = shared_data / "v2-examples"
    result = phenotk.deidentify(folder, key=KEY, profile=profile)
    assert len(result.outputs) == 15 and result.errors == []
    for o in result.outputs:
        src, out = orjson.loads((folder / o.source).read_bytes()), orjson.loads(o.data)
        assert leaks(src, out) == [], o.source
        element = Element.FAMILY if "pedigree" in src else Element.PHENOPACKET
        before = collections.Counter(
            i.rule for i in phenotk.validate(document_from_tree(src, element=element), hpo=False).issues
        )
        after = collections.Counter(
            i.rule for i in phenotk.validate(document_from_tree(out, element=element), hpo=False).issues
        )
        assert after - before == collections.Counter(), o.source


# ----------------------------------------------------------------------------------------------- time


def _ts(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _days(duration: str) -> float:
    head, _, tail = duration[1:].partition("T")
    days = float(head.rstrip("D")) if head else 0.0
    if tail:
        h, rest = tail.split("H")
        m, rest = rest.split("M")
        days += (int(h) * 3600 + int(m) * 60 + float(rest.rstrip("S"))) / 86400
    return days


def test_safe_harbor_turns_timestamps_into_exact_ages() -> None:
    pp = _timed_packet()
    out, result = _run(pp, "safe-harbor")
    birth = _ts(pp["subject"]["dateOfBirth"])
    assert "dateOfBirth" not in out["subject"] and "alternateIds" not in out["subject"]
    feature = out["phenotypicFeatures"][0]
    onset = feature["onset"]["age"]["iso8601duration"]
    assert _days(onset) == (_ts("1936-07-01T08:30:00Z") - birth).total_seconds() / 86400
    rng = feature["resolution"]["ageRange"]
    assert _days(rng["end"]["iso8601duration"]) - _days(rng["start"]["iso8601duration"]) == 59  # Jan 1 → Mar 1 1937
    assert "description" not in feature
    assert out["subject"]["timeAtLastEncounter"]["age"]["iso8601duration"] == "P90Y"
    assert "externalReferences" not in out["metaData"]
    assert out["metaData"]["updates"] == [{"timestamp": out["metaData"]["updates"][0]["timestamp"]}]
    codes = collections.Counter(i.code for i in result.report.issues)
    assert codes["PRV104"] == 1  # 93 years at last encounter; the sample collected at 58 years is not capped
    assert leaks(pp, out) == []


@pytest.mark.parametrize("profile", ["pseudonymised", "research"])
def test_shift_keeps_every_interval(profile: str) -> None:
    pp = _timed_packet()
    out, _ = _run(pp, profile)
    before, ages_before = times(pp)
    after, ages_after = times(out)
    assert ages_after == ages_before  # no age generalised outside safe-harbor
    shared = set(before) & set(after)
    deltas = {after[p] - before[p] for p in shared if p[-1] != "dateOfBirth"}
    assert len(deltas) == 1 and next(iter(deltas)).days <= -365
    dob = after[("subject", "dateOfBirth")]
    if profile == "research":
        assert dob - before[("subject", "dateOfBirth")] in deltas
    else:  # the year of the shifted date of birth
        assert (dob.month, dob.day, dob.hour) == (1, 1, 0)
        assert dob.year == (before[("subject", "dateOfBirth")] + next(iter(deltas))).year
    assert out["metaData"]["externalReferences"] == [{"id": "PMID:1"}]
    assert leaks(pp, out) == []


def test_same_subject_same_offset_in_other_files() -> None:
    a, _ = _run(_timed_packet(), "research")
    other = _timed_packet()
    other["id"] = "another packet"
    other["metaData"]["created"] = "2020-01-01T00:00:00Z"
    b, _ = _run(other, "research")
    assert a["subject"] == b["subject"]
    shift_a = _ts(a["metaData"]["created"]) - _ts(BASE_PHENOPACKET["metaData"]["created"])
    assert _ts(b["metaData"]["created"]) - _ts("2020-01-01T00:00:00Z") == shift_a


# ----------------------------------------------------------------------------------------------- findings


def test_identifier_left_in_a_kept_label_is_an_error_finding() -> None:
    pp = _timed_packet()
    gi = pp["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]
    gi["variantInterpretation"] = {
        "acmgPathogenicityClassification": "PATHOGENIC",
        "variationDescriptor": {"id": "Jane_Roe_var1", "label": "found 2019-03-12, ask lab@example.org"},
    }
    out, result = _run(pp, "research")
    vd = out["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]["variantInterpretation"][
        "variationDescriptor"
    ]
    assert vd["id"] == out["subject"]["id"] + "_var1"  # the embedded subject id rewritten to its pseudonym
    left = [i for i in result.report.issues if i.rule == "deid-identifier-left"]
    assert {i.message.split(" '")[0] for i in left} == {"date", "e-mail address"}
    assert all(i.pointer.endswith("/variationDescriptor/label") and i.line is None for i in left)
    assert result.exit_code() == 1


def test_unknown_field_removed_and_reported() -> None:
    pp = copy.deepcopy(BASE_PHENOPACKET)
    pp["subject"]["hospitalNumber"] = "0048151"
    out, result = _run(pp)
    assert "hospitalNumber" not in out["subject"]
    assert [(i.rule, i.pointer) for i in result.report.issues] == [
        ("deid-unknown-field-removed", "/subject/hospitalNumber")
    ]


def test_findings_are_catalogued_with_doc_sections() -> None:
    catalogued = {(f.code, f.name) for f in entries()}
    for f in FINDINGS:
        assert (f.code, f.name) in catalogued
        for section in ("What it means:", "Why:", "Example:", "What to do:"):
            assert section in f.doc, (f.name, section)


def test_min_k_widens_bins_and_reports_the_rest(tmp_path: Path) -> None:
    members = []
    for i, (sex, age) in enumerate([("MALE", "P3Y")] * 3 + [("FEMALE", "P30Y"), ("FEMALE", "P33Y"), ("MALE", "P61Y")]):
        m = copy.deepcopy(BASE_PHENOPACKET)
        m["id"], m["subject"]["id"], m["subject"]["sex"] = f"pp{i}", f"subject-{i}", sex
        m["subject"]["timeAtLastEncounter"] = {"age": {"iso8601duration": age}}
        members.append(m)
    cohort = {"id": "c", "members": members, "metaData": BASE_PHENOPACKET["metaData"]}
    _, plain = _run(cohort)
    assert plain.risk.width == 5 and len(plain.risk.below) == 6
    _, widened = _run(cohort, min_k=2)
    assert widened.risk.width is None and widened.risk.below == []  # only one bin for all ages reaches k = 2
    assert not [i for i in widened.report.issues if i.rule == "deid-below-k"]
    _, unfixable = _run(cohort, min_k=5)
    below = [i for i in unfixable.report.issues if i.rule == "deid-below-k"]
    assert len(below) == len(unfixable.risk.below) == 6  # 4 males, 2 females: listed, not hidden


# ----------------------------------------------------------------------------------------------- formats, keys


def test_serialisations_kept(tmp_path: Path) -> None:
    pp = _timed_packet()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.yaml").write_text(yaml.safe_dump(pp), encoding="utf-8")
    pb = phenotk.read(pp)
    (tmp_path / "in" / "b.pb").write_bytes(pb.SerializeToString())
    (tmp_path / "in" / "c.jsonl").write_text(
        json.dumps(pp) + "\n" + json.dumps(BASE_PHENOPACKET) + "\n", encoding="utf-8"
    )
    result = phenotk.deidentify(tmp_path / "in", tmp_path / "out", key=KEY, profile="research")
    assert result.errors == [] and result.written == 3
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert [n.rsplit(".", 1)[1] for n in names] == ["jsonl", "pb", "yaml"]
    docs = list(phenotk.iter_documents([tmp_path / "out"]))
    assert len(docs) == 4 and all(not isinstance(d, Exception) and d.message is not None for d in docs)
    ids = {d.data["subject"]["id"] for d in docs}
    assert len(ids) == 2 and not ids & {"Jane Roe", "P1"}


def test_keyring_determinism_and_separation() -> None:
    a, b = Keyring(KEY), Keyring(b"another-key-0123456789abcdef")
    assert a.pseudonym("P1") == Keyring(KEY).pseudonym("P1") != b.pseudonym("P1")
    assert a.pseudonym("0") == "0" and a.offset_days("P1") == Keyring(KEY).offset_days("P1")
    assert Keyring(KEY, prefix="study-").pseudonym("P1").startswith("study-")
    with pytest.raises(UsageError):
        Keyring(b"short")


def test_api_refuses_without_key() -> None:
    with pytest.raises(UsageError, match="no key"):
        phenotk.deidentify(BASE_PHENOPACKET)
    random_run = phenotk.deidentify(BASE_PHENOPACKET, random_key=True)
    again = phenotk.deidentify(BASE_PHENOPACKET, random_key=True)
    assert random_run.outputs[0].data != again.outputs[0].data  # a fresh key every time


# ----------------------------------------------------------------------------------------------- CLI


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "phenotk", "deidentify", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_cli_exit_codes_key_handling_and_map(tmp_path: Path) -> None:
    src = tmp_path / "PMID_1_Jane_Roe.json"
    src.write_text(json.dumps(_timed_packet()), encoding="utf-8")
    key = tmp_path / "sharing.key"
    key.write_text("0123456789abcdef0123456789abcdef\n", encoding="utf-8")

    no_key = _cli(str(src), "-o", "out", cwd=tmp_path)
    assert no_key.returncode == 2 and "no key" in no_key.stderr and "Traceback" not in no_key.stderr
    short = tmp_path / "short.key"
    short.write_text("abc", encoding="utf-8")
    assert _cli(str(src), "-o", "out", "--key-file", str(short), cwd=tmp_path).returncode == 2
    missing = _cli("nope.json", "-o", "out", "--key-file", str(key), cwd=tmp_path)
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) >= 1
    assert "Traceback" not in missing.stderr

    ok = _cli(
        str(src),
        "-o",
        "out",
        "--key-file",
        str(key),
        "--map-out",
        "ids.map",
        "--privacy-report",
        "p.json",
        cwd=tmp_path,
    )
    assert ok.returncode == 0, ok.stderr
    (out_file,) = (tmp_path / "out").iterdir()
    assert "Jane" not in out_file.name
    assert stat.S_IMODE(os.stat(tmp_path / "ids.map").st_mode) == 0o600
    ids = Keyring(b"0123456789abcdef0123456789abcdef").verify_map((tmp_path / "ids.map").read_bytes())
    assert ids[orjson.loads(out_file.read_bytes())["subject"]["id"]] == "Jane Roe"
    report = (tmp_path / "p.json").read_text(encoding="utf-8")
    assert "Jane" not in report and json.loads(report)["risk"]["records"] == 1

    again = _cli(str(src), "-o", "out", "--key-file", str(key), cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr  # never overwrite without --force
    forced = _cli(str(src), "-o", "out", "--key-file", str(key), "--force", cwd=tmp_path)
    assert forced.returncode == 0 and out_file.read_bytes() == (tmp_path / "out" / out_file.name).read_bytes()
    refused = _cli(str(src), "-o", "o2", "--random-key", "--map-out", "x.map", cwd=tmp_path)
    assert refused.returncode == 2 and not (tmp_path / "x.map").exists()


def test_cli_fails_on_identifier_left(tmp_path: Path) -> None:
    pp = _timed_packet()
    pp["subject"]["extensions"] = []
    gi = pp["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]
    gi["variantInterpretation"] = {
        "acmgPathogenicityClassification": "PATHOGENIC",
        "variationDescriptor": {"id": "v1", "label": "see www.example.org/case"},
    }
    (tmp_path / "a.json").write_text(json.dumps(pp), encoding="utf-8")
    run = _cli("a.json", "-o", "out", "--random-key", cwd=tmp_path)
    assert run.returncode == 1 and "deid-identifier-left" in run.stderr
    assert _cli("a.json", "-o", "out2", "--random-key", "--fail-on", "never", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize("shape", ["json-array", "yaml-stream"])
def test_a_file_of_several_documents_keeps_them_all(shape: str, store_files: list[Path], tmp_path: Path) -> None:
    """A JSON array / YAML stream of three store packets comes out as one file with the three, in order."""
    import yaml

    packets = [json.loads(p.read_text(encoding="utf-8")) for p in store_files[:3]]
    if shape == "json-array":
        src = tmp_path / "many.json"
        src.write_text(json.dumps(packets, indent=2), encoding="utf-8")
    else:
        src = tmp_path / "many.yaml"
        src.write_text("".join("---\n" + yaml.safe_dump(p, sort_keys=False) for p in packets), encoding="utf-8")
    result = phenotk.deidentify(src, tmp_path / "out", key=KEY)
    [written] = list((tmp_path / "out").iterdir())
    text = written.read_text(encoding="utf-8")
    docs = json.loads(text) if shape == "json-array" else list(yaml.safe_load_all(text))
    assert len(docs) == 3 == sum(o.documents for o in result.outputs)
    assert all(d["subject"]["id"].startswith("ptk-") for d in docs)
    originals = {p["id"] for p in packets} | {p["subject"]["id"] for p in packets}
    assert not originals & {d["id"] for d in docs} and len({d["id"] for d in docs}) == 3
    features = [len(p.get("phenotypicFeatures", [])) for p in packets]
    assert [len(d.get("phenotypicFeatures", [])) for d in docs] == features


def test_a_file_whose_name_holds_a_bang_keeps_its_folder(tmp_path: Path, shared_data: Path) -> None:
    src = tmp_path / "in" / "sub"
    src.mkdir(parents=True)
    (src / "x!y.json").write_bytes((shared_data / "v2-examples" / "marfan.json").read_bytes())
    phenotk.deidentify(tmp_path / "in", tmp_path / "out", random_key=True)
    written = [p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*.json")]
    assert len(written) == 1 and written[0].parent == Path("sub")  # was taken for a zip member: out/<name>.json
