"""Shapes seen in REDCap projects nobody on the team wrote (REDCapR test projects, hand-made hostile variants).

Each test builds a small synthetic dictionary + export reproducing the shape that broke.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from phenotk.conversion.redcap import convert_export, load_dictionary
from phenotk.errors import InputError

_HEADER = (
    '"Variable / Field Name","Form Name","Section Header","Field Type","Field Label",'
    '"Choices, Calculations, OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number"\n'
)


def _project(tmp: Path, dictionary_rows: str, export: str, mapping: str) -> tuple[Path, Path]:
    (tmp / "dict.csv").write_text(_HEADER + dictionary_rows, encoding="utf-8")
    (tmp / "export.csv").write_text(export, encoding="utf-8")
    (tmp / "map.yaml").write_text("phenotk_mapping: 1\nname: t\nredcap:\n  dictionary: dict.csv\n" + mapping,
                                  encoding="utf-8")
    return tmp / "export.csv", tmp / "map.yaml"


def test_a_datetime_without_seconds_is_carried_and_a_bad_time_is_reported(tmp_path: Path) -> None:
    # REDCap exports datetime_ymd as '2020-10-05 10:00' (no seconds): it was rewritten to '2020-10-05T10:00',
    # which the sheet layer then refused ("is not a date", quoting a value the export did not hold); and the
    # time part was never checked ('2020-10-05 banana' passed as '2020-10-05Tbanana')
    export, mapping = _project(
        tmp_path,
        "record_id,demo,,text,Record ID,,,\nborn,demo,,text,Born,,,datetime_dmy\n",
        "record_id,born\n1,2020-10-05 10:00\n2,2020-10-05 banana\n3,05-10-2020 10:00:59\n4,2020-10-05 25:00\n",
        "id: record_id\nsubject:\n  id: record_id\n  date_of_birth: born\n",
    )
    result = convert_export(export, mapping)
    born = {p.id: p.subject.date_of_birth.ToJsonString() if p.subject.HasField("date_of_birth") else None
            for p in result.packets}
    assert born["1"] == "2020-10-05T10:00:00Z"
    assert born["3"] == "2020-10-05T10:00:59Z"
    assert born["2"] is None and born["4"] is None
    bad = {(i.context.get("record"), i.context.get("value")) for i in result.all_issues if i.rule == "redcap-bad-value"}
    assert bad == {("2", "2020-10-05 banana"), ("4", "2020-10-05 25:00")}


def test_a_label_export_names_checkbox_columns_as_the_raw_export_does(tmp_path: Path) -> None:
    # choice codes that are not column-safe ('HP:0001250') become 'feat___hp_0001250' in a raw export; the label
    # export's 'Features (choice=Seizure)' was renamed 'feat___HP:0001250', so a mapping written for the raw
    # export found none of its checkbox columns (map-missing-column) and the features were not carried
    rows = ('record_id,demo,,text,Record ID,,,\n'
            'feat,pheno,,checkbox,Features,"HP:0001250, Seizure | HP:0001263, Global developmental delay",,\n')
    mapping = ("id: record_id\nsubject:\n  id: record_id\nphenotypes:\n  wide:\n"
               "    columns: [feat___hp_0001250, feat___hp_0001263]\n"
               "    terms: {feat___hp_0001250: 'HP:0001250', feat___hp_0001263: 'HP:0001263'}\n"
               "    values: {observed: [1], excluded: [0]}\n")
    raw, mapping_path = _project(tmp_path, rows, "record_id,feat___hp_0001250,feat___hp_0001263\n1,1,0\n", mapping)
    labels = tmp_path / "labels.csv"
    labels.write_text("Record ID,Features (choice=Seizure),Features (choice=Global developmental delay)\n"
                      "1,Checked,Unchecked\n", encoding="utf-8")

    def features(path: Path) -> list[tuple[str, bool]]:
        result = convert_export(path, mapping_path)
        assert not [i for i in result.all_issues if i.rule in ("map-missing-column", "redcap-unmapped-field")]
        return [(f.type.id, f.excluded) for f in result.packets[0].phenotypic_features]

    assert features(labels) == features(raw) == [("HP:0001250", False), ("HP:0001263", True)]


def test_a_cell_beyond_the_header_is_reported(tmp_path: Path) -> None:
    # a hand-edited export with one cell more than the header: the sheet reader names such cells, the REDCap path
    # dropped them without a word
    export, mapping = _project(
        tmp_path, "record_id,demo,,text,Record ID,,,\nsex,demo,,radio,Sex,\"1, Female | 2, Male\",,\n",
        "record_id,sex\n1,1\n2,2,Female\n", "id: record_id\nsubject:\n  id: record_id\n  sex: sex\n")
    result = convert_export(export, mapping)
    stray = [i for i in result.all_issues if i.context.get("value") == "Female"]
    assert len(stray) == 1 and stray[0].context["row"] == 3 and "has no header" in stray[0].message


def test_number_fields_take_numbers_as_redcap_writes_them_not_python_float_spellings(tmp_path: Path) -> None:
    # Python's float() reads 'nan', 'inf', '1_000': a re-saved export ('nan' from pandas) passed them as numbers
    export, mapping = _project(
        tmp_path, "record_id,demo,,text,Record ID,,,\nage,demo,,text,Age,,,number\n",
        "record_id,age\n1,nan\n2,inf\n3,1_000\n4,-.5\n5,1.5E3\n6,+2\n",
        "id: record_id\nsubject:\n  id: record_id\nignore_columns: [age]\n")
    result = convert_export(export, mapping)
    bad = {i.context["value"] for i in result.all_issues if i.rule == "redcap-bad-value"}
    assert bad == {"nan", "inf", "1_000"}


def test_a_label_exports_survey_timestamp_is_a_redcap_column_not_an_unknown_field(tmp_path: Path) -> None:
    # REDCap's 'CSV labels' export heads a survey's <form>_timestamp column 'Survey Timestamp': it was reported as
    # a field the dictionary lacks (and as unmapped), one pair of warnings per survey
    export, mapping = _project(
        tmp_path, "record_id,demo,,text,Record ID,,,\nsex,demo,,radio,Sex,\"1, Female | 2, Male\",,\n",
        "Record ID,Survey Timestamp,Sex,Complete?\n1,2020-01-01 10:00,Female,Complete\n",
        "id: record_id\nsubject:\n  id: record_id\n  sex:\n    column: sex\n    values: {Female: FEMALE, Male: MALE}\n")
    result = convert_export(export, mapping)
    assert [i.rule for i in result.all_issues if i.severity.value != "info"] == []
    assert result.packets[0].subject.sex == 1  # FEMALE


def test_choices_on_separate_lines_of_the_cell_are_separate_choices(tmp_path: Path) -> None:
    # a dictionary edited in a spreadsheet, one choice per line of the cell (Alt+Enter): the whole cell became
    # choice 1 with the label 'Female\n2, Male' — no finding, and code 2 was no choice
    export, mapping = _project(
        tmp_path, 'record_id,demo,,text,Record ID,,,\nsex,demo,,radio,Sex,"1, Female\n2, Male\r\n3, Other",,\n',
        "record_id,sex\n1,2\n", "id: record_id\nsubject:\n  id: record_id\n  sex: sex\n")
    result = convert_export(export, mapping)
    assert result.dictionary is not None
    assert result.dictionary.fields["sex"].choices == {"1": "Female", "2": "Male", "3": "Other"}
    assert result.packets[0].subject.sex == 2  # MALE


def test_every_unknown_checkbox_code_of_an_eav_export_is_reported(tmp_path: Path) -> None:
    # EAV lists a checkbox once per ticked code; of two codes that are no choice only the last one was reported
    _, mapping = _project(
        tmp_path, 'record_id,demo,,text,Record ID,,,\nfeat,demo,,checkbox,Features,"1, Seizure | 2, Ataxia",,\n',
        "", "id: record_id\nsubject:\n  id: record_id\nignore_columns: [feat___1, feat___2]\n")
    eav = tmp_path / "eav.json"
    eav.write_text('[{"record": "1", "field_name": "feat", "value": "7"},'
                   ' {"record": "1", "field_name": "feat", "value": "1"},'
                   ' {"record": "1", "field_name": "feat", "value": "8"}]', encoding="utf-8")
    result = convert_export(eav, mapping)
    bad = " ".join(i.context["value"] for i in result.all_issues if i.rule == "redcap-bad-value")
    assert "7" in bad and "8" in bad


def test_a_field_an_eav_export_gives_twice_for_one_record_is_reported_not_joined(tmp_path: Path) -> None:
    # two EAV rows for the same record, event and field (a hand-merged export): the values were joined into
    # '2020-01-01|2021-02-02' / 'OMIM:1|OMIM:2' — one value the export never held — and a text field passed it on
    _, mapping = _project(
        tmp_path, "record_id,demo,,text,Record ID,,,\ndx,demo,,text,Diagnosis,,,\n",
        "", "id: record_id\nsubject:\n  id: record_id\ndiseases:\n  id: dx\n")
    eav = tmp_path / "eav.json"
    eav.write_text('[{"record": "1", "field_name": "dx", "value": "OMIM:100100"},'
                   ' {"record": "1", "field_name": "dx", "value": "OMIM:200200"},'
                   ' {"record": "2", "field_name": "dx", "value": "OMIM:300300"}]', encoding="utf-8")
    result = convert_export(eav, mapping)
    ids = {p.id: [d.term.id for d in p.diseases] for p in result.packets}
    assert ids == {"1": [], "2": ["OMIM:300300"]}
    bad = [i for i in result.all_issues if i.rule == "redcap-bad-value"]
    assert len(bad) == 1 and "OMIM:100100" in bad[0].message and "OMIM:200200" in bad[0].message
    assert bad[0].context["record"] == "1"


def test_a_redcap_instrument_zip_is_read_as_its_data_dictionary(tmp_path: Path) -> None:
    # REDCap's instrument download (and the REDCap Shared Library) is a zip holding instrument.csv, the data
    # dictionary of that instrument: it was refused as 'not an XLSX workbook'
    export, mapping = _project(tmp_path, "record_id,demo,,text,Record ID,,,\nsex,demo,,radio,Sex,\"1, F | 2, M\",,\n",
                               "record_id,sex\n1,2\n", "id: record_id\nsubject:\n  id: record_id\n  sex:\n"
                               "    column: sex\n    values: {F: FEMALE, M: MALE}\n")
    with zipfile.ZipFile(tmp_path / "demo.zip", "w") as zf:
        zf.write(tmp_path / "dict.csv", "instrument.csv")
    result = convert_export(export, mapping, dictionary=tmp_path / "demo.zip")
    assert result.dictionary is not None and set(result.dictionary.fields) == {"record_id", "sex"}
    assert result.packets[0].subject.sex == 2  # MALE


def test_a_zip_without_instrument_csv_is_a_clear_error(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as zf:
        zf.writestr("notes.txt", "hello")
    with pytest.raises(InputError, match=r"instrument\.csv \(it holds notes\.txt\)") as exc:
        load_dictionary(tmp_path / "other.zip")
    assert exc.value.path == str(tmp_path / "other.zip")
