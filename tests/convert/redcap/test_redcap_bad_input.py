"""Bad REDCap dictionaries and exports: clear findings, exit 2 where nothing usable remains, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from phenotk.conversion import registry
from phenotk.conversion.base import ConvertOptions
from phenotk.conversion.redcap import RedcapReader, convert_export, load_dictionary
from phenotk.errors import InputError


def test_dictionary_problems_are_findings(mini_dir: Path) -> None:
    d = load_dictionary(mini_dir / "dictionary_problems.csv")
    by_rule: dict[str, list[str]] = {}
    for i in d.issues:
        by_rule.setdefault(i.rule, []).append(i.context.get("field", ""))
    assert by_rule == {
        "redcap-dictionary-bad-choices": ["sex", "diagnosis", "symptoms"],  # no comma, empty list, code twice
        "redcap-dictionary-unknown-type": ["weight"],  # 'slidr'
        "redcap-dictionary-duplicate-field": ["seizures"],
    }
    assert d.fields["sex"].choices == {"2": "Male"}  # the parsable part is kept
    assert d.fields["seizures"].type == "yesno"  # first definition kept
    assert d.fields["weight"].type == "slidr" and not d.fields["weight"].coded
    sex = next(i for i in d.issues if i.context.get("field") == "sex")
    assert sex.context["row"] == 3 and "'1 Female' is not 'code, label'" in sex.message


def test_conversion_goes_on_with_a_flawed_dictionary(mini_dir: Path) -> None:
    result = convert_export(
        mini_dir / "mini_export.csv", mini_dir / "mini_mapping.yaml", dictionary=mini_dir / "dictionary_problems.csv"
    )
    assert len(result.packets) == 4
    rules = {i.rule for i in result.all_issues}
    assert {"redcap-dictionary-bad-choices", "redcap-dictionary-unknown-type", "redcap-unknown-field"} <= rules
    # sex code 1 is no longer a choice (its entry did not parse): the value is reported, not guessed
    assert any(
        i.rule == "redcap-bad-value" and i.context["field"] == "sex" and i.context["value"] == "Female"
        for i in result.all_issues
    )


def test_dictionary_without_field_type_column_is_unusable(mini_dir: Path) -> None:
    with pytest.raises(InputError, match="not a REDCap data dictionary: no 'field type' column") as exc:
        load_dictionary(mini_dir / "dictionary_no_type.csv")
    assert exc.value.path and exc.value.path.endswith("dictionary_no_type.csv")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "no header row"),
        (b"[]", "non-empty array"),
        (b"[{", "not valid JSON"),
        (b'"Variable / Field Name","Form Name","Field Type"\n', "defines no fields"),
    ],
)
def test_unreadable_dictionaries(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "dict.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        load_dictionary(path)


def test_export_of_another_project_is_unusable(mini_dir: Path) -> None:
    with pytest.raises(InputError, match=r"none of the export's \d+ fields is in the data dictionary"):
        convert_export(
            mini_dir / "mini_export.csv",
            mini_dir / "mini_mapping.yaml",
            dictionary=mini_dir / "dictionary_other_project.csv",
        )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"record_id;sex\n", "no records"),
        (b"[]", "no records"),
        (b'{"a": 1}', "array of record objects"),
        (b"[1, 2]", "array of record objects"),
    ],
)
def test_unreadable_exports(tmp_path: Path, mini_dir: Path, content: bytes, message: str) -> None:
    path = tmp_path / "export.json"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        convert_export(path, mini_dir / "mini_mapping.yaml")


def test_registry_and_sniffing(mini_dir: Path, tmp_path: Path) -> None:
    assert isinstance(registry.reader("redcap"), RedcapReader)
    assert registry.sniff_reader(mini_dir / "mini_export.csv").name == "redcap"  # type: ignore[union-attr]
    plain = tmp_path / "sheet.csv"
    plain.write_text("Patient,Sex,Seizure\nP1,m,yes\n")
    assert registry.sniff_reader(plain).name == "table"  # type: ignore[union-attr]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "phenotk", *args], capture_output=True, text=True, timeout=120)


def test_cli_converts_with_dictionary_option(mini_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = _run(
        "convert",
        "--from",
        "redcap",
        str(mini_dir / "mini_export.csv"),
        "--mapping",
        str(mini_dir / "mini_mapping.yaml"),
        "-O",
        f"dictionary={mini_dir / 'mini_dictionary.csv'}",
        "-o",
        f"{out}/",
        "--created",
        "2025-01-01T00:00:00Z",
        "--no-validate",
    )
    assert proc.returncode == 0, proc.stderr  # conversion findings are warnings; the output is not validated here
    assert "Traceback" not in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "1_baseline_arm_1.json",
        "1_followup_arm_1.json",
        "2_baseline_arm_1.json",
        "3_baseline_arm_1.json",
    ]
    assert "redcap-bad-value" in proc.stderr


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["-O", "dictionary=DICT_NO_TYPE"], "not a REDCap data dictionary"),
        (["-O", "dictionary=DICT_OTHER"], "none of the export's"),
        ([], "a REDCap export needs a mapping"),
    ],
)
def test_cli_exit_2_without_traceback(mini_dir: Path, tmp_path: Path, extra: list[str], needle: str) -> None:
    args = [
        a.replace("DICT_NO_TYPE", str(mini_dir / "dictionary_no_type.csv")).replace(
            "DICT_OTHER", str(mini_dir / "dictionary_other_project.csv")
        )
        for a in extra
    ]
    mapping = ["--mapping", str(mini_dir / "mini_mapping.yaml")] if extra else []
    proc = _run("convert", str(mini_dir / "mini_export.csv"), *mapping, *args, "-o", f"{tmp_path / 'out'}/")
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert needle in proc.stderr


def test_reader_options(mini_dir: Path) -> None:
    from phenotk.conversion.base import ConvertOptions
    from phenotk.errors import UsageError

    reader = RedcapReader()
    export = mini_dir / "mini_export.csv"
    with pytest.raises(UsageError, match="unknown REDCap option"):
        list(reader.read(export, ConvertOptions(mapping=mini_dir / "mini_mapping.yaml", extra={"colour": "blue"})))
    with pytest.raises(InputError, match="cannot read the data dictionary"):
        list(
            reader.read(
                export,
                ConvertOptions(mapping=mini_dir / "mini_mapping.yaml", extra={"dictionary": "/nonexistent/dict.csv"}),
            )
        )
    items = list(reader.read(export, ConvertOptions(mapping=mini_dir / "mini_mapping.yaml", strict=True)))
    assert [i.name for i in items] == ["1_baseline_arm_1", "1_followup_arm_1", "2_baseline_arm_1", "3_baseline_arm_1"]
    assert {i.severity.value for i in items[0].issues if i.rule == "redcap-unknown-field"} == {"error"}


def test_api_json_dictionary_reads_like_the_csv(mini_dir: Path, tmp_path: Path) -> None:
    import csv
    import json

    keys = [
        "field_name",
        "form_name",
        "section_header",
        "field_type",
        "field_label",
        "select_choices_or_calculations",
        "field_note",
        "text_validation_type_or_show_slider_number",
    ]
    with open(mini_dir / "mini_dictionary.csv", encoding="utf-8", newline="") as fh:
        rows = [dict(zip(keys, r, strict=False)) for r in list(csv.reader(fh))[1:]]
    path = tmp_path / "metadata.json"
    path.write_text(json.dumps(rows))

    def shape(d: Any) -> list[tuple[str, str, str, dict[str, str], str]]:
        return [(f.name, f.form, f.type, f.choices, f.validation) for f in d.fields.values()]

    assert shape(load_dictionary(path)) == shape(load_dictionary(mini_dir / "mini_dictionary.csv"))


@pytest.mark.shared
def test_damaged_real_inputs_convert_or_raise_input_errors(redcap_dir: Path, tmp_path: Path) -> None:
    """Cut the Convert-Pheno export and its dictionary at 11 places each: a conversion or a located InputError."""
    folder = redcap_dir / "convert-pheno"
    mapping = Path(__file__).resolve().parents[3] / "mappings" / "redcap-convert-pheno.yaml"
    data_d, data_x = (folder / "redcap_dictionary.csv").read_bytes(), (folder / "redcap_data.csv").read_bytes()
    counts: list[int] = []
    for k in range(1, 12):
        cut_d, cut_x = tmp_path / f"d{k}.csv", tmp_path / f"x{k}.csv"
        cut_d.write_bytes(data_d[: len(data_d) * k // 12])
        cut_x.write_bytes(data_x[: len(data_x) * k // 12])
        try:  # cut export, full dictionary: fewer packets, or only a header (the header line is ~8 kB)
            counts.append(len(convert_export(cut_x, mapping, dictionary=folder / "redcap_dictionary.csv").packets))
        except InputError as exc:
            assert "no records" in exc.message and exc.path == str(cut_x)
            counts.append(0)
        try:  # full export, cut dictionary: fields after the cut become redcap-unknown-field findings
            result = convert_export(folder / "redcap_data.csv", mapping, dictionary=cut_d)
        except InputError as exc:
            assert exc.path == str(cut_d) or "none of the export's" in exc.message, exc.message
        else:
            assert len(result.packets) == 36
            assert any(i.rule == "redcap-unknown-field" for i in result.issues)
    assert counts == sorted(counts) and counts[-1] < 36 and counts[2] > 0
    with pytest.raises(InputError, match="none of the export's"):  # another project's dictionary
        convert_export(
            folder / "redcap_data.csv",
            mapping,
            dictionary=redcap_dir / "rarelink" / "rarelink_cdm_datadictionary_v2_0_5.csv",
        )


def test_eav_export_checkboxes_become_option_columns(tmp_path: Path) -> None:
    # REDCap API 'eav' exports list a checkbox once per ticked code; the codes used to be joined ('2|3'),
    # reported as a bad value, and every checkbox phenotype of the mapping (symptoms___N) was lost.
    (tmp_path / "dictionary.csv").write_text(
        '"Variable / Field Name","Form Name","Section Header","Field Type","Field Label",'
        '"Choices, Calculations, OR Slider Labels"\n'
        "record_id,clinical,,text,Record ID,\n"
        'symptoms,clinical,,checkbox,Symptoms,"1, Seizure | 2, Developmental delay | 3, Microcephaly"\n'
    )
    eav = [
        {"record": "1", "redcap_event_name": "", "field_name": "symptoms", "value": "1"},
        {"record": "2", "redcap_event_name": "", "field_name": "symptoms", "value": "2"},
        {"record": "2", "redcap_event_name": "", "field_name": "symptoms", "value": "3"},
        {"record": "3", "redcap_event_name": "", "field_name": "record_id", "value": "3"},
    ]
    (tmp_path / "export.json").write_text(json.dumps(eav))
    (tmp_path / "mapping.yaml").write_text(
        "phenotk_mapping: 1\nname: t\nredcap: {record_id: record_id, choices: code}\nid: record_id\n"
        "subject: {id: record_id}\nphenotypes:\n  wide:\n    columns: [symptoms___1, symptoms___2, symptoms___3]\n"
        '    terms: {symptoms___1: "HP:0001250", symptoms___2: "HP:0001263", symptoms___3: "HP:0000252"}\n'
        "    values: {excluded: [0]}\n"  # this mapping says an unticked box is excluded
    )
    result = convert_export(tmp_path / "export.json", tmp_path / "mapping.yaml", dictionary=tmp_path / "dictionary.csv")
    feats = {p.id: [(f.type.id, f.excluded) for f in p.phenotypic_features] for p in result.packets}
    assert feats == {
        "1": [("HP:0001250", False), ("HP:0001263", True), ("HP:0000252", True)],
        "2": [("HP:0001250", True), ("HP:0001263", False), ("HP:0000252", False)],
        "3": [],  # nothing ticked: EAV does not say the form was filled in, so nothing is excluded
    }
    assert not [i for i in result.all_issues if i.rule in ("redcap-bad-value", "redcap-unmapped-field")]


def test_a_bad_value_is_reported_on_its_own_record(tmp_path: Path) -> None:
    # the finding's context said record 2, but it rode on the export's first packet, so the CLI printed
    # "export.csv:record 1: '9' is not a choice of radio field 'sex'"
    (tmp_path / "dictionary.csv").write_text(
        '"Variable / Field Name","Form Name","Section Header","Field Type","Field Label",'
        '"Choices, Calculations, OR Slider Labels"\n'
        "record_id,demographics,,text,Record ID,\n"
        'sex,demographics,,radio,Sex,"1, Male | 2, Female"\n'
    )
    (tmp_path / "export.csv").write_text("record_id,sex\n1,2\n2,9\n3,1\n")
    (tmp_path / "mapping.yaml").write_text(
        "phenotk_mapping: 1\nname: t\nredcap: {record_id: record_id, choices: code}\nid: record_id\n"
        "subject:\n  id: record_id\n  sex: {column: sex, values: {1: MALE, 2: FEMALE}}\n"
    )
    options = ConvertOptions(mapping=tmp_path / "mapping.yaml", extra={"dictionary": str(tmp_path / "dictionary.csv")})
    docs = list(RedcapReader().read(tmp_path / "export.csv", options))
    bad = {d.name: [i.rule for i in d.issues if i.rule == "redcap-bad-value"] for d in docs}
    assert bad == {"1": [], "2": ["redcap-bad-value"], "3": []}


def test_rows_in_another_encoding_are_named_as_in_a_sheet(mini_dir: Path, tmp_path: Path) -> None:
    # a UTF-8 export with one row pasted from a Windows program: the table reader reads that row as cp1252 and
    # names it for a sheet, but the REDCap pipeline rebuilt its Sheet without the rows, so nothing was said
    from phenotk.conversion.redcap import convert_export

    text = (mini_dir / "mini_export.csv").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    lines[1] = lines[1].replace("walks late", "walks late, Übergabe")
    lines[4] = lines[4].replace("0;1;0;;2", "0;1;0;grün;2")  # the rest of the file is UTF-8
    export = tmp_path / "mini_export.csv"
    export.write_bytes(lines[0].encode("utf-8") + lines[1].encode("cp1252") + "".join(lines[2:]).encode("utf-8"))
    for name in ("mini_dictionary.csv", "mini_mapping.yaml"):
        (tmp_path / name).write_bytes((mini_dir / name).read_bytes())
    result = convert_export(export, tmp_path / "mini_mapping.yaml")
    every = [*result.issues, *(i for item in result.items for i in item.issues)]  # it goes with record 1's packet
    mixed = [i for i in every if "another encoding" in i.message]
    assert len(mixed) == 1 and mixed[0].context.get("row") == 2 and mixed[0].context.get("record") == "1"
