"""Bad REDCap dictionaries and exports: clear findings, exit 2 where nothing usable remains, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from phenotk.convert import registry
from phenotk.convert.redcap import RedcapReader, convert_export, load_dictionary
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
    result = convert_export(mini_dir / "mini_export.csv", mini_dir / "mini_mapping.yaml",
                            dictionary=mini_dir / "dictionary_problems.csv")
    assert len(result.packets) == 4
    rules = {i.rule for i in result.all_issues}
    assert {"redcap-dictionary-bad-choices", "redcap-dictionary-unknown-type", "redcap-unknown-field"} <= rules
    # sex code 1 is no longer a choice (its entry did not parse): the value is reported, not guessed
    assert any(i.rule == "redcap-bad-value" and i.context["field"] == "sex" and i.context["value"] == "Female"
               for i in result.all_issues)


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
        convert_export(mini_dir / "mini_export.csv", mini_dir / "mini_mapping.yaml",
                       dictionary=mini_dir / "dictionary_other_project.csv")


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
    proc = _run("convert", "--from", "redcap", str(mini_dir / "mini_export.csv"), "--mapping",
                str(mini_dir / "mini_mapping.yaml"), "-O", f"dictionary={mini_dir / 'mini_dictionary.csv'}",
                "-o", f"{out}/", "--created", "2025-01-01T00:00:00Z")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["1_baseline_arm_1.json", "1_followup_arm_1.json",
                                                     "2_baseline_arm_1.json", "3_baseline_arm_1.json"]
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
    args = [a.replace("DICT_NO_TYPE", str(mini_dir / "dictionary_no_type.csv"))
            .replace("DICT_OTHER", str(mini_dir / "dictionary_other_project.csv")) for a in extra]
    mapping = ["--mapping", str(mini_dir / "mini_mapping.yaml")] if extra else []
    proc = _run("convert", str(mini_dir / "mini_export.csv"), *mapping, *args, "-o", f"{tmp_path / 'out'}/")
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert needle in proc.stderr


def test_reader_options(mini_dir: Path) -> None:
    from phenotk.convert.base import ConvertOptions
    from phenotk.errors import UsageError

    reader = RedcapReader()
    export = mini_dir / "mini_export.csv"
    with pytest.raises(UsageError, match="unknown REDCap option"):
        list(reader.read(export, ConvertOptions(mapping=mini_dir / "mini_mapping.yaml", extra={"colour": "blue"})))
    with pytest.raises(InputError, match="cannot read the data dictionary"):
        list(reader.read(export, ConvertOptions(mapping=mini_dir / "mini_mapping.yaml",
                                                extra={"dictionary": "/nonexistent/dict.csv"})))
    items = list(reader.read(export, ConvertOptions(mapping=mini_dir / "mini_mapping.yaml", strict=True)))
    assert [i.name for i in items] == ["1_baseline_arm_1", "1_followup_arm_1", "2_baseline_arm_1",
                                       "3_baseline_arm_1"]
    assert {i.severity.value for i in items[0].issues if i.rule == "redcap-unknown-field"} == {"error"}
