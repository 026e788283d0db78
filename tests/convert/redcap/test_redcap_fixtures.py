"""REDCap specifics on hand-made fixtures: dictionary choices, checkbox columns, repeating instruments, events,
carried baseline forms, label exports, decimal commas, JSON (flat and EAV) exports, findings with REDCap context."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from phenopackets import Sex

from phenotk.conversion.redcap import convert_export, load_dictionary, parse_choices, read_export
from phenotk.conversion.redcap.export import looks_like_export


@pytest.fixture(scope="module")
def mini(mini_dir: Path) -> Any:
    return convert_export(mini_dir / "mini_export.csv", mini_dir / "mini_mapping.yaml")


def _packet(result: Any, pid: str) -> Any:
    return next(p for p in result.packets if p.id == pid)


def _features(packet: Any) -> dict[str, bool]:
    return {f.type.id: f.excluded for f in packet.phenotypic_features}


def test_one_packet_per_record_and_event(mini: Any) -> None:
    assert [p.id for p in mini.packets] == [
        "1_baseline_arm_1",
        "1_followup_arm_1",
        "2_baseline_arm_1",
        "3_baseline_arm_1",
    ]


def test_choices_dates_and_repeating_rows(mini: Any) -> None:
    p = _packet(mini, "1_baseline_arm_1")
    assert p.subject.id == "1"
    assert p.subject.sex == Sex.MALE  # code 2 → label Male → MALE
    assert p.subject.date_of_birth.ToJsonString() == "2015-04-03T00:00:00Z"  # date_dmy 03.04.2015
    assert [(d.term.id, d.term.label) for d in p.diseases] == [("OMIM:105830", "Angelman syndrome")]
    feats = _features(p)
    assert feats["HP:0001250"] is False  # yesno 1
    assert feats["HP:0001252"] is False  # symptoms___1 = 1
    # symptoms___2 / ___3 = 0: an unticked box is 'not recorded' (mini_mapping has no values for it), not excluded
    assert "HP:0001251" not in feats and "HP:0000252" not in feats
    # the repeating 'phenotype' instrument rows of the same record/event join the packet
    assert feats["HP:0001249"] is False and feats["HP:0001263"] is True


def test_carried_baseline_form_and_event_values(mini: Any) -> None:
    p = _packet(mini, "1_followup_arm_1")
    assert p.subject.sex == Sex.MALE  # demographics carried from the baseline event
    assert [d.term.id for d in p.diseases] == ["OMIM:105830"]
    feats = _features(p)
    assert feats == {"HP:0001251": False}  # this event's checkboxes: 0, 1, 0 (the 0s are not recorded)


def test_label_export_values_are_accepted(mini: Any) -> None:
    p = _packet(mini, "2_baseline_arm_1")
    assert p.subject.sex == Sex.FEMALE  # 'Female' (label) instead of code 1
    assert p.subject.date_of_birth.ToJsonString() == "2016-05-01T00:00:00Z"  # raw exports write Y-M-D
    assert [d.term.id for d in p.diseases] == ["OMIM:300624"]  # label 'Fragile X syndrome' → code → value map
    feats = _features(p)
    assert feats["HP:0001250"] is True and feats["HP:0001252"] is False  # No / Checked
    assert "HP:0001251" not in feats  # Unchecked: not recorded


def test_bad_values_are_findings_with_record_context(mini: Any) -> None:
    bad = {i.context["field"]: i for i in mini.all_issues if i.rule == "redcap-bad-value"}
    assert set(bad) == {"sex", "dob", "weight", "diagnosis", "seizures"}
    assert bad["sex"].context == {
        "field": "sex",
        "value": "7",
        "reason": "bad value",
        "record": "3",
        "event": "baseline_arm_1",
        "row": 7,
        "instrument": "demographics",
    }
    assert "1 = Female" in bad["sex"].message
    assert bad["dob"].context["value"] == "31.02.2015"
    assert all(i.code == "RC002" for i in bad.values())
    p = _packet(mini, "3_baseline_arm_1")
    assert not p.diseases and not p.subject.HasField("date_of_birth") and p.subject.sex == Sex.UNKNOWN_SEX
    # a bad value is reported once (not again by the table machinery); the sixth is the unticked-box count
    assert sum(i.context.get("record") == "3" for i in mini.all_issues) == 6
    assert sum(i.context.get("record") == "3" and i.rule == "redcap-checkbox-unticked" for i in mini.all_issues) == 1


def test_unknown_and_unmapped_fields(mini: Any) -> None:
    unknown = [i for i in mini.all_issues if i.rule == "redcap-unknown-field"]
    assert [i.context["field"] for i in unknown] == ["favourite_colour"]
    unmapped = {
        i.context["field"]: i.context.get("instrument") for i in mini.all_issues if i.rule == "redcap-unmapped-field"
    }
    assert unmapped == {"weight": "demographics", "notes": "clinical", "favourite_colour": None}
    # system columns and form-status fields are never findings
    fields = {i.context.get("field") for i in mini.all_issues}
    assert not fields & {"redcap_event_name", "redcap_repeat_instance", "clinical_complete", "record_id"}


def _rows(mini_dir: Path) -> list[dict[str, str]]:
    with open(mini_dir / "mini_export.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def _summary(result: Any) -> list[tuple[str, int, list[tuple[str, bool]], list[str]]]:
    return [
        (p.id, p.subject.sex, sorted(_features(p).items()), [d.term.id for d in p.diseases]) for p in result.packets
    ]


def test_flat_json_export_gives_the_same_packets(mini_dir: Path, mini: Any, tmp_path: Path) -> None:
    rows = _rows(mini_dir)
    for r in rows:  # the API writes numbers as numbers and a decimal point
        if r["redcap_repeat_instance"]:
            r["redcap_repeat_instance"] = int(r["redcap_repeat_instance"])  # type: ignore[assignment]
        r["weight"] = r["weight"].replace(",", ".")
    path = tmp_path / "records.json"
    path.write_text(json.dumps(rows))
    result = convert_export(path, mini_dir / "mini_mapping.yaml", dictionary=mini_dir / "mini_dictionary.csv")
    assert _summary(result) == _summary(mini)


def test_eav_json_export_gives_the_same_packets(mini_dir: Path, mini: Any, tmp_path: Path) -> None:
    eav = []
    for r in _rows(mini_dir):
        for name, value in r.items():
            if name in ("record_id", "redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance"):
                continue
            if value:
                eav.append(
                    {
                        "record": r["record_id"],
                        "redcap_event_name": r["redcap_event_name"],
                        "redcap_repeat_instrument": r["redcap_repeat_instrument"],
                        "redcap_repeat_instance": r["redcap_repeat_instance"],
                        "field_name": name,
                        "value": value.replace(",", ".") if name == "weight" else value,
                    }
                )
    path = tmp_path / "eav.json"
    path.write_text(json.dumps(eav))
    export = read_export(path)
    assert export.kind == "json-eav" and export.header[0] == "record_id"
    result = convert_export(path, mini_dir / "mini_mapping.yaml", dictionary=mini_dir / "mini_dictionary.csv")
    assert _summary(result) == _summary(mini)


def test_parse_choices() -> None:
    assert parse_choices("1, Yes | 2, No, not really|") == ({"1": "Yes", "2": "No, not really"}, [])
    choices, problems = parse_choices("1 Female | 2, Male | 2, again | 3,")
    assert choices == {"2": "Male", "3": "3"}
    assert problems == ["'1 Female' is not 'code, label'", "code '2' is given twice", "code '3' has no label"]


def test_checkbox_columns_resolve_to_choices(mini_dir: Path) -> None:
    d = load_dictionary(mini_dir / "mini_dictionary.csv")
    f, code = d.resolve_column("symptoms___2")
    assert f is not None and f.type == "checkbox" and code == "2"
    assert d.resolve_column("symptoms___7") == (None, None)
    assert d.fields["hpo_term"].ontology == "HP"
    assert d.forms == ["demographics", "clinical", "phenotype"]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"record_id,name,sex\n1,a,2\n", True),
        (b'"study_id";"redcap_event_name";"sex"\n', True),
        (b"\xef\xbb\xbfrecord_id;x\n", True),
        (b"id,redcap_repeat_instrument\n", True),
        (b'[{"record_id": "1", "redcap_repeat_instrument": ""}]', True),
        (b'[{"record": "1", "field_name": "sex", "value": "1"}]', True),
        (b"Patient,Sex,Seizure\n", False),
        (b'{"id": "x", "subject": {"id": "p"}}', False),
    ],
)
def test_sniffing(head: bytes, expected: bool) -> None:
    assert looks_like_export(head) is expected


def test_label_export_headers_and_values(mini_dir: Path, mini: Any, tmp_path: Path) -> None:
    """REDCap's 'CSV (labels)' export: field labels as headers, choice labels as values → the same packets."""
    d = load_dictionary(mini_dir / "mini_dictionary.csv")
    system = {
        "record_id": "Record ID",
        "redcap_event_name": "Event Name",
        "redcap_repeat_instrument": "Repeat Instrument",
        "redcap_repeat_instance": "Repeat Instance",
    }
    rows = _rows(mini_dir)
    header: list[str] = []
    for col in rows[0]:
        f, code = d.resolve_column(col)
        if col in system:
            header.append(system[col])
        elif col.endswith("_complete"):
            header.append("Complete?")
        elif f is not None and code is not None:
            header.append(f"{f.label} (choice={f.choices[code]})")
        else:
            header.append(f.label if f is not None else "Favourite colour")
    lines = [header]
    for r in rows:
        out = []
        for col, value in r.items():
            f, code = d.resolve_column(col)
            if f is not None and code is not None and value in ("0", "1"):
                value = "Checked" if value == "1" else "Unchecked"
            elif col.endswith("_complete") and value:
                value = {"0": "Incomplete", "1": "Unverified", "2": "Complete"}[value]
            elif f is not None and f.coded and value in f.choices:
                value = f.choices[value]
            out.append(value)
        lines.append(out)
    path = tmp_path / "labels.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(lines)
    result = convert_export(path, mini_dir / "mini_mapping.yaml")
    assert _summary(result) == _summary(mini)
    rules = [i.rule for i in result.issues]
    assert "redcap-label-headers" in rules and "map-duplicate-header" not in rules
    assert [i.context["field"] for i in result.issues if i.rule == "redcap-unknown-field"] == ["Favourite colour"]
    # form status written as labels (Complete / Unverified): unticked boxes are counted as in the raw export

    def unticked(r: Any) -> list[tuple[str, str]]:
        return sorted((i.context["record"], i.context["value"]) for i in r.all_issues
                      if i.rule == "redcap-checkbox-unticked")

    assert unticked(result) == unticked(mini) and len(unticked(mini)) == 4


def test_unticked_checkboxes_are_counted_once_per_record_and_event(mini: Any) -> None:
    """REDCap exports 0 for every unticked box, also for forms nobody filled in: 0 is 'not recorded' unless the
    mapping says otherwise. On a filled-in form (clinical_complete = 2) the unticked boxes are counted in one
    finding per record and event, and the mapping that relied on the old default gets one warning per run."""
    unticked = {(i.context["record"], i.context.get("event")): i for i in mini.all_issues
                if i.rule == "redcap-checkbox-unticked"}
    assert set(unticked) == {("1", "baseline_arm_1"), ("1", "followup_arm_1"), ("2", "baseline_arm_1"),
                             ("3", "baseline_arm_1")}
    first = unticked[("1", "baseline_arm_1")]
    assert first.code == "RC013" and first.severity.value == "info" and first.context["value"] == "2"
    assert "symptoms: Ataxia; symptoms: Microcephaly" in first.message
    changed = [i for i in mini.all_issues if i.rule == "redcap-checkbox-default-changed"]
    assert len(changed) == 1 and changed[0].code == "RC014" and changed[0].severity.value == "warning"
    assert "excluded: [0" in changed[0].message and "symptoms___1" in changed[0].message
    assert not any(f.excluded and f.type.id in ("HP:0001252", "HP:0001251", "HP:0000252")
                   for p in mini.packets for f in p.phenotypic_features)


def _mini_with(mini_dir: Path, tmp_path: Path, values: str) -> Any:
    text = (mini_dir / "mini_mapping.yaml").read_text()
    last = '      symptoms___3: "HP:0000252"\n'
    (tmp_path / "m.yaml").write_text(text.replace(last, f"{last}    values: {values}\n"))
    dictionary = mini_dir / "mini_dictionary.csv"
    return convert_export(mini_dir / "mini_export.csv", tmp_path / "m.yaml", dictionary=dictionary)


def test_a_mapping_that_says_unticked_is_excluded_keeps_the_old_reading(mini_dir: Path, tmp_path: Path) -> None:
    result = _mini_with(mini_dir, tmp_path, '{excluded: [0, "no"]}')
    feats = _features(_packet(result, "1_baseline_arm_1"))
    assert feats["HP:0001252"] is False and feats["HP:0001251"] is True and feats["HP:0000252"] is True
    assert _features(_packet(result, "1_followup_arm_1")) == {"HP:0001252": True, "HP:0001251": False,
                                                               "HP:0000252": True}
    assert _features(_packet(result, "2_baseline_arm_1"))["HP:0001250"] is True  # 'No' of the yes/no field
    rules = {i.rule for i in result.all_issues}
    assert "redcap-checkbox-default-changed" not in rules and "redcap-checkbox-unticked" not in rules


def test_a_mapping_with_its_own_excluded_words_gets_no_deprecation_warning(mini_dir: Path, tmp_path: Path) -> None:
    result = _mini_with(mini_dir, tmp_path, '{excluded: ["no"]}')
    rules = [i.rule for i in result.all_issues]
    assert "redcap-checkbox-default-changed" not in rules and rules.count("redcap-checkbox-unticked") == 4
    assert "HP:0001251" not in _features(_packet(result, "1_baseline_arm_1"))


def test_unticked_boxes_of_a_form_not_filled_in_are_silent(mini_dir: Path, tmp_path: Path) -> None:
    head = "record_id;redcap_event_name;seizures;symptoms___1;symptoms___2;symptoms___3;clinical_complete"
    rows = [head, "1;baseline_arm_1;;0;0;0;0", "2;baseline_arm_1;;1;0;0;", "3;baseline_arm_1;;0;0;1;1"]
    (tmp_path / "m0.yaml").write_text(
        "phenotk_mapping: 1\nname: t\nid: {template: '{record_id}_{redcap_event_name}'}\nsubject: {id: record_id}\n"
        "phenotypes:\n  wide:\n    columns: [seizures, 'symptoms___*']\n"
        '    terms: {seizures: "HP:0001250", symptoms___1: "HP:0001252", symptoms___2: "HP:0001251", '
        'symptoms___3: "HP:0000252"}\n')
    (tmp_path / "export.csv").write_text("\n".join(rows) + "\n")
    result = convert_export(tmp_path / "export.csv", tmp_path / "m0.yaml", dictionary=mini_dir / "mini_dictionary.csv")
    # incomplete (0) and absent status: nothing written, nothing reported; unverified (1): counted
    assert [p.phenotypic_features[0].type.id if p.phenotypic_features else None for p in result.packets] == [
        None, "HP:0001252", "HP:0000252"]
    unticked = [i for i in result.all_issues if i.rule == "redcap-checkbox-unticked"]
    assert [(i.context["record"], i.context["value"]) for i in unticked] == [("3", "2")]


def test_a_checkbox_read_by_a_value_map_without_a_0_key(mini_dir: Path, tmp_path: Path) -> None:
    """A disease read from one checkbox option: its 0 is 'not recorded', not a bad cell; a "0" key says otherwise."""
    base = (mini_dir / "mini_mapping.yaml").read_text().replace(
        'values: {omim_105830: "OMIM:105830", omim_300624: "OMIM:300624"}\n  label: diagnosis',
        "values: {VALUES}").replace("column: diagnosis", "column: symptoms___3").replace(
        '"symptoms___*"', "symptoms___1, symptoms___2")
    for values, want in (('{"1": "OMIM:105830"}', []), ('{"1": "OMIM:105830", "0": "OMIM:300624"}', ["OMIM:300624"])):
        (tmp_path / "m.yaml").write_text(base.replace("{VALUES}", values))
        result = convert_export(mini_dir / "mini_export.csv", tmp_path / "m.yaml",
                                dictionary=mini_dir / "mini_dictionary.csv")
        assert [d.term.id for d in _packet(result, "1_baseline_arm_1").diseases] == want, values
        assert not [i for i in result.all_issues if i.context.get("field") == "symptoms___3"
                    and i.rule == "redcap-bad-value"]
