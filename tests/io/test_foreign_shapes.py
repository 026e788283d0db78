"""Inputs that are not Phenopackets, found on other projects' files and hostile shapes: one clear error each.

* pyphetools/PhenoBoard cohort templates (``{"cohortType": …, "hpoHeaders": …, "rows": …}``) and objects such as
  phenopacket-validator's ``{"disney": "donald"}`` were validated as Phenopackets (13 unknown-field errors for the
  template); an object none of whose keys is a Phenopacket, Family or Cohort field is now input-unreadable.
* a top-level value that is no object named its Python type ("found NoneType", "found str") and called a YAML
  list "a JSON array"; a YAML stream's later documents were reported at line 1.
* a ``.pb`` file of bytes that happen to be ASCII blanks (0x0b/0x0c start protobuf groups) was "empty file".
* a broken symbolic link or a loop of links given on the command line was "no such file or directory".
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from phenotk.cli.app import main
from phenotk.errors import InputError
from phenotk.io import parse_bytes

TEMPLATE = {
    "cohortType": "mendelian",
    "diseaseList": [{"diseaseId": "OMIM:600000", "diseaseLabel": "A disease"}],
    "hpoHeaders": [{"hpoLabel": "Seizure", "hpoId": "HP:0001250"}],
    "rows": [{"individualData": {"individualId": "i1", "sex": "M"}, "hpoData": [{"type": "Observed"}]}],
    "phetoolsSchemaVersion": "0.4",
}


def _errors(raw: bytes, name: str) -> list[InputError]:
    items = list(parse_bytes(raw, name))
    assert all(isinstance(i, InputError) for i in items), items
    return [i for i in items if isinstance(i, InputError)]


def test_a_cohort_template_is_not_read_as_a_phenopacket() -> None:
    (err,) = _errors(json.dumps(TEMPLATE).encode(), "t.json")
    assert "a pyphetools/PhenoBoard cohort template, not a Phenopacket, Family or Cohort" in str(err)
    assert "cohortType, diseaseList, hpoHeaders, rows …" in str(err)


@pytest.mark.parametrize(
    ("text", "name"), [(b'{"disney" : "donald"}', "x.json"), (b"disney: donald\nmickey: 1\n", "x.yaml")]
)
def test_an_object_without_any_element_field_is_unreadable(text: bytes, name: str) -> None:
    (err,) = _errors(text, name)
    assert "an object, not a Phenopacket, Family or Cohort: none of its top-level keys (disney" in str(err)


def test_one_element_field_is_enough_to_be_validated() -> None:
    (doc,) = parse_bytes(b'{"id": "x", "cohortType": "mendelian"}', "x.json")
    assert not isinstance(doc, InputError)  # the validator reports the unknown field and the missing metaData


@pytest.mark.parametrize(
    ("raw", "name", "found"),
    [
        (b"null", "x.json", "found nothing (null, or a YAML document with no content)"),
        (b"# only a comment\n", "x.yaml", "found nothing"),
        (b'"text"', "x.json", "found a string"),
        (b"- a\n- b\n", "x.yaml", "found an array"),
        (b"42\n", "x.yaml", "found a number"),
    ],
)
def test_a_top_level_value_that_is_no_object_is_named_plainly(raw: bytes, name: str, found: str) -> None:
    (err,) = _errors(raw, name)
    assert found in str(err) and "NoneType" not in str(err) and "JSON array" not in str(err)


def test_a_yaml_stream_names_the_line_of_the_document_that_is_no_object() -> None:
    items = list(parse_bytes(b"id: p1\nsubject: {id: s}\n---\n- a list\n---\n42\n", "s.yaml"))
    errors = [i for i in items if isinstance(i, InputError)]
    assert [(e.line, "array" in str(e) or "number" in str(e)) for e in errors] == [(3, True), (5, True)]


def test_a_pb_file_of_blank_bytes_is_not_an_empty_file() -> None:
    (err,) = _errors(b"\x0b" * 50 + b"\x0c" * 50, "x.pb")
    assert "empty file" not in str(err) and "protobuf message" in str(err)
    (err,) = _errors(b" \n\t ", "x.json")  # in a text file blanks are still nothing
    assert "empty file" in str(err)


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    return int(exc.value.code or 0), capsys.readouterr().out


def test_broken_links_and_link_loops_given_by_name_say_so(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    os.symlink(tmp_path / "gone" / "target.json", tmp_path / "broken.json")
    os.symlink(tmp_path / "b.json", tmp_path / "a.json")
    os.symlink(tmp_path / "a.json", tmp_path / "b.json")
    code, out = _cli(
        capsys, "validate", "--no-hpo", "-f", "jsonl", str(tmp_path / "broken.json"), str(tmp_path / "a.json")
    )
    rows = {Path(r["path"]).name: r["message"] for r in map(json.loads, out.splitlines())}
    assert code == 2
    assert (
        rows["broken.json"]
        == f"a broken symbolic link: its target {str(tmp_path / 'gone' / 'target.json')!r} does not exist"
    )
    assert rows["a.json"] == "a loop of symbolic links (too many levels of symbolic links)"


def test_an_hpo_case_annotator_model_is_not_called_a_v1_phenopacket() -> None:
    # HpoCaseAnnotator's own JSON has v1's "variants" key: it was "a Phenopacket v1 document; phenotk upgrade",
    # and upgrade then dropped everything but a bare pedigree
    model = {
        "studyMetadata": {"freeText": "text", "createdBy": {"curatorId": "HPO:x"}},
        "publication": {"title": "A study", "pmid": "1"},
        "variants": [{"variantType": "SNV", "start": 1, "ref": "C", "alt": "G"}],
        "pedigree": {"members": [{"id": "FAM:001", "isProband": True}]},
    }
    (err,) = _errors(json.dumps(model).encode(), "case.json")
    assert "an HpoCaseAnnotator case model" in str(err) and "upgrade" not in str(err)
    old = {"proband": {"familyOrPatientId": "p1", "phenotypes": []}, "publication": {"pmid": "1"}, "biocurator": {}}
    (err,) = _errors(json.dumps({**old, "variants": []}).encode(), "CaseModel_1.json")
    assert "an HpoCaseAnnotator case model" in str(err)


def test_json_lines_that_are_no_phenopackets_are_reported_at_their_own_line() -> None:
    row = json.dumps({"phenopacket_id": "P1", "subject_id": "1"})
    errors = _errors((row + "\n" + row + "\n\n" + row + "\n").encode(), "rows.jsonl")
    assert [e.line for e in errors] == [1, 2, 4]


def test_v1_biosample_fields_mark_an_undeclared_document_as_v1() -> None:
    # LUMC's sample-sheet cohorts: v1 documents without a phenopacketSchemaVersion, known only by their biosamples
    sample = {
        "id": "b1",
        "individual_id": "p1",
        "individual_age_at_collection": {"age": "P60Y"},
        "is_control_sample": "FALSE",
    }
    cohort = {"id": "c", "members": [{"id": "m1", "subject": {"id": "p1"}, "biosamples": [sample]}]}
    (err,) = _errors(json.dumps(cohort).encode(), "c.json")
    assert "Phenopacket v1 document" in str(err)
    declared = {"id": "m1", "biosamples": [sample], "metaData": {"phenopacketSchemaVersion": "2.0"}}
    (doc,) = parse_bytes(json.dumps(declared).encode(), "p.json")
    assert not isinstance(doc, InputError)  # declared v2: the validator reports the unknown fields


def test_a_bare_phenopacket_individual_is_not_called_a_beacon_individual() -> None:
    # ga4gh-schemablocks' examples/json/individual.json: karyotypicSex is also a Beacon key
    text = b'{"id": "INDIVIDUAL:1", "dateOfBirth": "2018-03-12T15:15:30Z", "sex": "FEMALE", "karyotypicSex": "XX"}'
    (err,) = _errors(text, "individual.json")
    assert "a Phenopacket Individual (what goes under a phenopacket's 'subject') on its own" in str(err)
    assert "Beacon" not in str(err)
    beacon = {"id": "ind1", "sex": {"id": "NCIT:C16576", "label": "female"}, "karyotypicSex": "XX", "diseases": []}
    (err,) = _errors(json.dumps(beacon).encode(), "b.json")
    assert "a Beacon v2 individual" in str(err)


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"persons": [{"familyId": "F1", "individualId": "M1", "sex": "FEMALE"}]}, "a Phenopacket Pedigree on its own"),
        ({"evidenceCode": {"id": "ECO:0006017", "label": "x"}}, "a Phenopacket Evidence on its own"),
        (  # gpsea's bare genomic interpretations
            {"subjectOrBiosampleId": "x", "interpretationStatus": "CAUSATIVE", "variantInterpretation": {}},
            "a Phenopacket GenomicInterpretation on its own",
        ),
        (
            {"procedure": {"code": {"id": "NCIT:C28743", "label": "Punch Biopsy"}}},
            "Biosample or Measurement or MedicalAction",
        ),
    ],
)
def test_a_phenopacket_part_on_its_own_is_named(data: dict[str, object], named: str) -> None:
    (err,) = _errors(json.dumps(data).encode(), "part.json")
    assert named in str(err), err


def test_an_object_whose_keys_all_belong_to_an_element_is_still_validated() -> None:
    (doc,) = parse_bytes(b'{"id": "c1", "description": "a cohort without members"}', "c.json")
    assert not isinstance(doc, InputError)


@pytest.mark.parametrize(("version", "v1"), [("02.0", False), ("v2.0", False), ("2", False), ("1.0.0", True),
                                              ("0.1", True), ("v1", True)])
def test_the_declared_schema_version_is_read_by_its_number(version: str, v1: bool) -> None:
    """``"02.0"`` started with "0" and was refused as a v1 document; the major number decides."""
    doc = {"id": "p1", "subject": {"id": "s1"},
           "metaData": {"created": "2024-01-01T00:00:00Z", "createdBy": "t", "phenopacketSchemaVersion": version}}
    items = list(parse_bytes(json.dumps(doc).encode(), "p.json"))
    refused = [i for i in items if isinstance(i, InputError)]
    assert bool(refused and "v1 document" in str(refused[0])) is v1


def test_a_zip_made_on_a_mac_reads_only_its_files(tmp_path: Path) -> None:
    """Finder puts ``__MACOSX/._name`` resource forks beside every file: one 'binary data' error each, before."""
    import zipfile

    from phenotk.io.readers import iter_sources

    packet = {"id": "p1", "subject": {"id": "s1"}}
    with zipfile.ZipFile(tmp_path / "mac.zip", "w") as z:
        z.writestr("cohort/p1.json", json.dumps(packet))
        z.writestr("__MACOSX/cohort/._p1.json", b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X")
        z.writestr("cohort/.hidden.json", b"\x00junk")
        z.writestr(".git/x.json", b"\x00junk")
    names = [s.path if not isinstance(s, InputError) else str(s) for s in iter_sources([str(tmp_path / "mac.zip")])]
    assert names == [f"{tmp_path / 'mac.zip'}!cohort/p1.json"]


def test_json_style_documents_in_a_yaml_file_are_yaml(tmp_path: Path) -> None:
    """``{…}`` documents apart by ``---`` in a .yaml file: YAML (JSON is YAML), not 'invalid JSON: Extra data'."""
    doc = {"id": "p1", "subject": {"id": "s1"}}
    (tmp_path / "two.yaml").write_text(json.dumps(doc) + "\n---\n" + json.dumps({**doc, "id": "p2"}) + "\n")
    items = list(parse_bytes((tmp_path / "two.yaml").read_bytes(), str(tmp_path / "two.yaml")))
    assert [i.id for i in items if not isinstance(i, InputError)] == ["p1", "p2"]
