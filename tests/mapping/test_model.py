"""Mapping files: schema validation with located errors, safe loading, presets, published copies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phenotk.errors import InputError
from phenotk.mapping import check_mapping, load_mapping, mapping_schema, parse_mapping, presets

REPO = Path(__file__).resolve().parents[2]
MAPPINGS = REPO / "mappings"


def test_published_schema_is_the_one_in_use() -> None:
    assert json.loads((MAPPINGS / "schema.json").read_text()) == mapping_schema()


@pytest.mark.parametrize("name", sorted(p.stem for p in MAPPINGS.glob("*.yaml")))
def test_published_presets_are_the_built_in_ones(name: str) -> None:
    # every mapping of mappings/ is installed with phenotk (a wheel has no mappings/ folder): usable by name
    assert name in presets()
    assert load_mapping(name).data == load_mapping(MAPPINGS / f"{name}.yaml").data
    built_in = Path(load_mapping.__code__.co_filename).parent / "presets" / f"{name}.yaml"
    assert built_in.read_bytes() == (MAPPINGS / f"{name}.yaml").read_bytes()  # the same file, byte for byte


@pytest.mark.parametrize("path", sorted(MAPPINGS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_mapping_is_valid(path: Path) -> None:
    data, _, errors = check_mapping(path.read_text(), str(path))
    assert errors == [] and data is not None


def test_unknown_key_is_located_with_a_suggestion() -> None:
    text = "phenotk_mapping: 1\nsubject:\n  id: individual\n  sexx: Sex\n"
    with pytest.raises(InputError) as exc:
        parse_mapping(text, "m.yaml")
    err = exc.value
    assert (err.path, err.line, err.column) == ("m.yaml", 4, 3)
    assert "unknown key 'sexx'" in err.message and "did you mean 'sex'" in err.message


def test_wrong_value_is_located_at_the_value() -> None:
    text = "phenotk_mapping: 1\nsubject:\n  id: individual\ninput:\n  header_row: 0\n"
    _, _, errors = check_mapping(text)
    assert [(e.line, e.column) for e in errors] == [(5, 15)]
    assert "header_row" in errors[0].message


def test_every_error_is_reported_in_order() -> None:
    text = (
        "phenotk_mapping: 1\n"
        "subject:\n"
        "  id: individual\n"
        "  sex: {column: Sex, values: {m: MAN}}\n"
        "phenotypes:\n"
        "  wide: {colums: auto}\n"
    )
    _, _, errors = check_mapping(text)
    assert [e.line for e in errors] == [4, 6]
    assert "'MAN' is not one of MALE" in errors[0].message
    assert "did you mean 'columns'" in errors[1].message


def test_missing_required_and_bad_yaml() -> None:
    _, _, errors = check_mapping("phenotk_mapping: 1\n")
    assert "'subject' is a required property" in errors[0].message
    _, _, errors = check_mapping("phenotk_mapping: 1\nsubject: [\n")
    assert errors[0].message.startswith("not valid YAML") and errors[0].line is not None


def test_yaml_is_loaded_safely() -> None:
    text = "phenotk_mapping: 1\nsubject: !!python/object/apply:os.system ['echo pwned']\n"
    _, _, errors = check_mapping(text)
    assert errors and "not valid YAML" in errors[0].message


def test_yes_no_stay_words() -> None:
    m = parse_mapping(
        "phenotk_mapping: 1\nsubject:\n  id: i\n  vital_status: {column: d, values: {yes: DECEASED, no: ALIVE}}\n"
        "phenotypes:\n  wide:\n    values: {observed: [yes, on, 1, true], excluded: [no, off, 0, false]}\n"
    )
    assert m.subject["vital_status"].values == {"yes": "DECEASED", "no": "ALIVE"}
    assert m.wide_vocabulary.observed == {"yes", "on", "1", "true"}
    assert m.wide_vocabulary.status("NO") == "excluded" and m.wide_vocabulary.status("na") == "unknown"


def test_missing_file_names_presets(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="phenotk-wide"):
        load_mapping(tmp_path / "nope.yaml")


def test_templates_are_made_id_safe() -> None:
    m = parse_mapping("phenotk_mapping: 1\nid: {template: 'PMID_{pmid|digits}_{ind}'}\nsubject: {id: ind}\n")
    assert m.packet_id.raw({"pmid": "PMID: 123", "ind": "Family 2 (II-1)"}) == "PMID_123_Family_2_II_1"
    assert m.packet_id.raw({"pmid": "", "ind": "x"}) == ""  # an empty placeholder means no id


def test_a_redcap_export_converts_with_the_mapping_named(shared_data: Path) -> None:
    import phenotk

    export = shared_data / "redcap" / "rarelink" / "evaluation_cohort_redcap_export.json"
    by_name = phenotk.convert(export, mapping="redcap-rarelink", hpo=False, validate=False)
    by_path = phenotk.convert(export, mapping=MAPPINGS / "redcap-rarelink.yaml", hpo=False, validate=False)
    assert [m.id for m in by_name.messages()] == [m.id for m in by_path.messages()] and len(by_name.messages()) == 10
