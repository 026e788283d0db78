"""Fixes on layouts other tools write: Java ``JsonFormat``'s cuddled ``[{ … }, { … }]`` arrays, one-line arrays in a
pretty document, CRLF YAML, YAML aliases, snake_case keys — and fixes that a removal makes moot.

Every document here is synthetic; each reproduces the shape of a file that ``phenotk fix`` mangled or left
half-fixed (phenopacket-tools' examples, hand-written YAML with anchors, Windows-edited YAML).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from phenotk.cli.app import main
from phenotk.fixes.apply import apply_to_text
from phenotk.fixes.patch import apply_to_tree
from phenotk.issue import Fix, PatchOp


def fx(op: str, path: str, value: object = None) -> Fix:
    return Fix((PatchOp(op, path, value),))


#: the layout of protobuf-java's JsonFormat printer (phenopacket-tools, the schema documentation examples)
CUDDLED = """{
  "id": "p1",
  "metaData": {
    "resources": [{
      "id": "ncit",
      "version": "2019-11-26"
    }, {
      "id": "mondo",
      "version": "2021-11-26"
    }],
    "phenopacketSchemaVersion": "2.0"
  }
}
"""


def test_append_to_a_cuddled_array_keeps_its_indentation() -> None:
    res = {"id": "hp", "version": "2025-05-06"}
    out = apply_to_text(CUDDLED, "json", [fx("add", "/metaData/resources/-", res)])
    assert out.method == "splice"
    text = out.text or ""
    assert json.loads(text)["metaData"]["resources"][2] == res
    assert '    }, {\n      "id": "hp",\n      "version": "2025-05-06"\n    }],\n' in text, text


def test_insert_into_a_cuddled_array_keeps_its_indentation() -> None:
    res = {"id": "hp", "version": "2025-05-06"}
    out = apply_to_text(CUDDLED, "json", [fx("add", "/metaData/resources/1", res)])
    text = out.text or ""
    assert [r["id"] for r in json.loads(text)["metaData"]["resources"]] == ["ncit", "hp", "mondo"]
    assert '    }, {\n      "id": "hp",\n      "version": "2025-05-06"\n    }, {\n      "id": "mondo",' in text, text


ONE_LINE = """{
  "id": "p1",
  "phenotypicFeatures": [
    {
      "type": {"id": "HP:0001250", "label": "Seizure"},
      "modifiers": [{"id": "HP:0012828", "label": "Severe"}]
    }
  ]
}
"""


def test_a_value_added_to_a_one_line_array_stays_on_that_line() -> None:
    mod = {"id": "HP:0003577", "label": "Congenital onset"}
    out = apply_to_text(ONE_LINE, "json", [fx("add", "/phenotypicFeatures/0/modifiers/-", mod)])
    text = out.text or ""
    assert out.method == "splice"
    expected = (
        '"modifiers": [{"id": "HP:0012828", "label": "Severe"}, {"id": "HP:0003577", "label": "Congenital onset"}]'
    )
    assert expected in text, text
    assert len(text.splitlines()) == len(ONE_LINE.splitlines())


def test_a_container_replaced_inside_a_one_line_object_stays_on_that_line() -> None:
    out = apply_to_text(ONE_LINE, "json", [fx("replace", "/phenotypicFeatures/0/type", {"id": "HP:0001251"})])
    text = out.text or ""
    assert '      "type": {"id": "HP:0001251"},\n' in text, text


CRLF_YAML = (
    "id: p1\r\n"
    "subject:\r\n"
    "  id: s1\r\n"
    "  sex: female\r\n"
    "metaData:\r\n"
    "  created: '2024-01-01T00:00:00Z'\r\n"
    "  resources:\r\n"
    "  - id: omim\r\n"
    "    version: '2024-01-01'\r\n"
)


def test_lines_added_to_crlf_yaml_end_in_crlf() -> None:
    res = {"id": "hp", "version": "2025-05-06", "namespacePrefix": "HP"}
    fixes = [fx("add", "/metaData/resources/-", res), fx("add", "/subject/karyotypicSex", "XX")]
    out = apply_to_text(CRLF_YAML, "yaml", fixes)
    text = out.text or ""
    assert out.method == "splice"
    assert re.search(r"(?<!\r)\n", text) is None, text.encode()
    assert "  - id: hp\r\n    version: '2025-05-06'\r\n    namespacePrefix: HP\r\n" in text, text.encode()


def test_a_block_value_replaced_in_crlf_yaml_ends_its_lines_in_crlf() -> None:
    out = apply_to_text(CRLF_YAML, "yaml", [fx("replace", "/subject", {"id": "s1", "sex": "FEMALE"})])
    text = out.text or ""
    assert re.search(r"(?<!\r)\n", text) is None, text.encode()


# ------------------------------------------------------------------ a removal makes the fixes inside it moot

TWO = {"phenotypicFeatures": [{"type": {"id": "HP:1", "label": "a"}}, {"type": {"id": "HP:1", "label": "A"}}]}


def test_a_fix_inside_an_element_a_later_fix_removes_is_moot_not_a_conflict() -> None:
    label = fx("replace", "/phenotypicFeatures/1/type/label", "a")
    drop = fx("remove", "/phenotypicFeatures/1")
    tree, plan = apply_to_tree(TWO, [label, drop])
    assert tree == {"phenotypicFeatures": [{"type": {"id": "HP:1", "label": "a"}}]}
    assert plan.skipped == []
    assert plan.accepted == [drop]
    assert [s.fix for s in plan.superseded] == [label]


def test_a_fix_inside_an_element_an_earlier_fix_removes_is_moot_not_a_conflict() -> None:
    drop = fx("remove", "/phenotypicFeatures/1")
    label = fx("replace", "/phenotypicFeatures/1/type/label", "a")
    tree, plan = apply_to_tree(TWO, [drop, label])
    assert tree == {"phenotypicFeatures": [{"type": {"id": "HP:1", "label": "a"}}]}
    assert plan.skipped == [] and [s.fix for s in plan.superseded] == [label]


def test_a_removal_that_fails_brings_back_the_fixes_it_made_moot() -> None:
    label = fx("replace", "/phenotypicFeatures/1/type/label", "a")
    bad = Fix((PatchOp("remove", "/phenotypicFeatures/1"), PatchOp("remove", "/nowhere")))
    tree, plan = apply_to_tree(TWO, [label, bad])
    assert tree["phenotypicFeatures"][1]["type"]["label"] == "a"
    assert plan.accepted == [label] and [s.fix for s in plan.skipped] == [bad] and plan.superseded == []


def test_an_edit_that_contains_a_removal_still_conflicts() -> None:
    whole = fx("replace", "/phenotypicFeatures/1", {"type": {"id": "HP:2"}})
    inner = fx("remove", "/phenotypicFeatures/1/type/label")
    _tree, plan = apply_to_tree(TWO, [whole, inner])
    assert plan.accepted == [whole] and [s.fix for s in plan.skipped] == [inner]


def test_append_after_a_single_cuddled_element() -> None:
    one = '{\n  "resources": [{\n    "id": "ncit"\n  }]\n}\n'
    out = apply_to_text(one, "json", [fx("add", "/resources/-", {"id": "hp"})])
    assert out.text == '{\n  "resources": [{\n    "id": "ncit"\n  }, {\n    "id": "hp"\n  }]\n}\n', out.text


# ------------------------------------------------------------------ end to end: one run converges

def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out, out.err


def _meta() -> dict[str, Any]:
    hp = {
        "id": "hp", "name": "human phenotype ontology", "url": "http://purl.obolibrary.org/obo/hp.owl",
        "version": "2025-05-06", "namespacePrefix": "HP", "iriPrefix": "http://purl.obolibrary.org/obo/HP_",
    }
    return {"created": "2024-01-01T00:00:00Z", "createdBy": "test", "phenopacketSchemaVersion": "2.0",
            "resources": [hp]}


def test_a_stale_label_on_a_duplicate_that_is_removed_needs_no_second_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, hp_json: tuple[Path, Any]
) -> None:
    packet = {
        "id": "p1",
        "subject": {"id": "s1", "sex": "FEMALE"},
        "phenotypicFeatures": [
            {"type": {"id": "HP:0001250", "label": "Seizure"}},
            {"type": {"id": "HP:0001263", "label": "Global developmental delay"}},
            {"type": {"id": "HP:0001250", "label": "Seizures"}},  # a copy, with an older label
        ],
        "metaData": _meta(),
    }
    p = tmp_path / "p.json"
    p.write_text(json.dumps(packet, indent=2) + "\n")
    hpo = ("--hpo", str(hp_json[0]))
    _code, _out, err = _cli(capsys, "fix", *hpo, "-i", str(p))
    assert "fix not applied" not in err, err
    assert [f["type"]["label"] for f in json.loads(p.read_text())["phenotypicFeatures"]] == [
        "Seizure", "Global developmental delay",
    ]
    first = p.read_bytes()
    _code, _out, err = _cli(capsys, "fix", *hpo, "-i", str(p))
    assert p.read_bytes() == first and "0 fix(es) applied" in err, err


def test_yaml_alias_of_a_feature_with_a_stale_label_converges_in_one_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, hp_json: tuple[Path, Any]
) -> None:
    text = (
        "id: p1\n"
        "subject: {id: s1, sex: FEMALE}\n"
        "phenotypicFeatures:\n"
        "  - type: &sz {id: \"HP:0001250\", label: Seizures}   # the anchor\n"
        "  - type: *sz\n"
        "metaData:\n"
        + "".join(f"  {line}\n" for line in yaml.safe_dump(_meta(), sort_keys=False).splitlines())
    )
    p = tmp_path / "p.yaml"
    p.write_text(text)
    hpo = ("--hpo", str(hp_json[0]))
    _code, _out, err = _cli(capsys, "fix", *hpo, "-i", str(p))
    assert "fix not applied" not in err, err
    fixed = p.read_text()
    assert "# the anchor" in fixed and "*sz" not in fixed
    assert yaml.safe_load(fixed)["phenotypicFeatures"] == [{"type": {"id": "HP:0001250", "label": "Seizure"}}]
    _code, _out, err = _cli(capsys, "fix", *hpo, "-i", str(p))
    assert p.read_text() == fixed and "0 fix(es) applied" in err, err


def test_a_resource_added_to_an_empty_array_of_a_one_line_object_stays_on_its_line() -> None:
    text = '{\n  "id": "p1",\n  "metaData": {"created": "2024-01-01T00:00:00Z", "resources": []}\n}\n'
    out = apply_to_text(text, "json", [fx("add", "/metaData/resources/-", {"id": "hp", "version": "1"})])
    assert out.text == text.replace('"resources": []', '"resources": [{"id": "hp", "version": "1"}]'), out.text


def test_a_feature_added_to_a_list_of_one_line_features_is_one_line_too() -> None:
    text = (
        '{\n  "phenotypicFeatures": [\n'
        '    {"type": {"id": "HP:0001250", "label": "Seizure"}},\n'
        '    {"type": {"id": "HP:0001263", "label": "Global developmental delay"}}\n'
        "  ]\n}\n"
    )
    new = {"type": {"id": "HP:0000252", "label": "Microcephaly"}}
    out = apply_to_text(text, "json", [fx("add", "/phenotypicFeatures/-", new)])
    assert out.text == text.replace(
        '"Global developmental delay"}}\n',
        '"Global developmental delay"}},\n    {"type": {"id": "HP:0000252", "label": "Microcephaly"}}\n',
    ), out.text


def test_one_member_one_line_object_with_spaces_gets_spaced_separators() -> None:
    text = '{ "id": "p1", "metaData": { "resources": [ { "id": "omim" } ] } }'
    out = apply_to_text(text, "json", [fx("add", "/metaData/resources/-", {"id": "hp", "version": "1"})])
    assert out.text == text.replace('{ "id": "omim" } ]', '{ "id": "omim" }, {"id": "hp", "version": "1"} ]'), out.text


def test_python_json_dumps_lines_keep_their_blank_after_commas() -> None:
    line = json.dumps({"id": "p1", "metaData": {"created": "x", "resources": []}})  # ", " and ": "
    out = apply_to_text(line, "json", [fx("add", "/metaData/resources/-", {"id": "hp", "version": "1"})])
    assert out.text == line.replace('"resources": []', '"resources": [{"id": "hp", "version": "1"}]'), out.text
