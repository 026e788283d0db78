"""Splicing fixes into JSON/YAML text: only the fixed lines change, the rest stays byte-identical."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest
import yaml

from phenotk.fixes.apply import apply_to_text
from phenotk.fixes.patch import apply_to_tree, plan
from phenotk.issue import Fix, PatchOp


def fx(op: str, path: str, value: object = None) -> Fix:
    return Fix((PatchOp(op, path, value),))


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


@pytest.fixture
def four(fixtures_dir: Path) -> str:
    return (fixtures_dir / "fix" / "four_space.json").read_text()


def test_replace_scalar_touches_one_line(four: str) -> None:
    out = apply_to_text(four, "json", [fx("replace", "/phenotypicFeatures/0/type/label", "Seizure")])
    assert out.method == "splice"
    removed, added = changed_lines(four, out.text or "")
    assert removed == ['                "label": "Seizures"']
    assert added == ['                "label": "Seizure"']


def test_remove_array_element_removes_exactly_its_lines(four: str) -> None:
    out = apply_to_text(four, "json", [fx("remove", "/phenotypicFeatures/0")])
    text = out.text or ""
    assert json.loads(text)["phenotypicFeatures"] == [json.loads(four)["phenotypicFeatures"][1]]
    removed, added = changed_lines(four, text)
    assert added == []
    assert [r.strip() for r in removed] == ["{", '"type": {', '"id": "HP:0001250",', '"label": "Seizures"', "}", "},"]


def test_remove_last_element_takes_the_preceding_comma(four: str) -> None:
    out = apply_to_text(four, "json", [fx("remove", "/phenotypicFeatures/1")])
    text = out.text or ""
    assert out.method == "splice"
    assert "        }\n    ]," in text  # the former "}," lost its comma
    assert json.loads(text)["phenotypicFeatures"] == [json.loads(four)["phenotypicFeatures"][0]]


def test_add_to_empty_array_uses_sibling_indentation(four: str) -> None:
    res = {"id": "hp", "version": "2025-05-06"}
    out = apply_to_text(four, "json", [fx("add", "/metaData/resources/-", res)])
    text = out.text or ""
    assert out.method == "splice"
    assert '        "resources": [\n            {\n                "id": "hp",' in text
    assert json.loads(text)["metaData"]["resources"] == [res]


def test_add_member_and_insert_element(four: str) -> None:
    fixes = [
        fx("add", "/phenotypicFeatures/0/excluded", True),
        fx("add", "/phenotypicFeatures/1", {"type": {"id": "HP:0000252", "label": "Microcephaly"}}),
    ]
    out = apply_to_text(four, "json", fixes)
    text = out.text or ""
    assert out.method == "splice"
    data = json.loads(text)
    assert data["phenotypicFeatures"][0]["excluded"] is True
    assert data["phenotypicFeatures"][1]["type"]["id"] == "HP:0000252"
    assert data["phenotypicFeatures"][2]["type"]["id"] == "HP:0001249"
    assert '            },\n            "excluded": true\n        },' in text


def test_tabs_and_crlf_survive(fixtures_dir: Path) -> None:
    raw = (fixtures_dir / "fix" / "tabs_crlf.json").read_bytes().decode()
    out = apply_to_text(
        raw,
        "json",
        [fx("replace", "/phenotypicFeatures/0/type/label", "Seizures"), fx("remove", "/phenotypicFeatures/1")],
    )
    text = out.text or ""
    assert out.method == "splice"
    assert text.count("\r\n") == raw.count("\r\n") - 1
    assert '\t\t{"type": {"id": "HP:0001250", "label": "Seizures"}}\r\n\t],' in text


def test_compact_line_keeps_compact(four: str) -> None:
    line = json.dumps(json.loads(four), separators=(",", ":"))
    out = apply_to_text(line, "json", [fx("add", "/metaData/resources/-", {"id": "hp"})])
    assert out.text == line.replace('"resources":[]', '"resources":[{"id":"hp"}]')


def test_conflicting_fixes_keep_the_first(four: str) -> None:
    # (a removal of the element would not conflict: it makes the edit inside moot, see test_foreign_layouts)
    first = fx("replace", "/phenotypicFeatures/0/type/label", "Seizure")
    second = fx("replace", "/phenotypicFeatures/0/type", {"id": "HP:0001250"})
    out = apply_to_text(four, "json", [first, second])
    assert out.applied == [first]
    assert [s.fix for s in out.skipped] == [second]
    assert "conflicts" in out.skipped[0].reason


def test_fixes_refer_to_the_original_document(four: str) -> None:
    # removing element 0 must not shift the pointer of the fix aimed at element 1
    fixes = [fx("remove", "/phenotypicFeatures/0"), fx("replace", "/phenotypicFeatures/1/type/label", "ID")]
    data = json.loads(apply_to_text(four, "json", fixes).text or "")
    assert data["phenotypicFeatures"] == [
        {"type": {"id": "HP:0001249", "label": "ID"}, "excluded": True},
    ]


def test_unfit_fix_is_skipped_not_half_applied(four: str) -> None:
    bad = Fix((PatchOp("replace", "/id", "x"), PatchOp("remove", "/nope/0")))
    out = apply_to_text(four, "json", [bad])
    assert out.applied == [] and out.text == four
    assert "no member" in out.skipped[0].reason


def test_unsupported_op_is_skipped() -> None:
    p = plan([Fix((PatchOp("copy", "/a", from_="/b"),))])
    assert p.accepted == [] and "unsupported" in p.skipped[0].reason


def test_apply_to_tree_does_not_touch_input() -> None:
    tree = {"a": [1, 2, 3]}
    new, _ = apply_to_tree(tree, [fx("remove", "/a/0"), fx("add", "/a/-", 4)])
    assert tree == {"a": [1, 2, 3]} and new == {"a": [2, 3, 4]}


@pytest.fixture
def ytext(fixtures_dir: Path) -> str:
    return (fixtures_dir / "fix" / "case.yaml").read_text()


def test_yaml_keeps_comments_quotes_and_layout(ytext: str) -> None:
    fixes = [
        fx("replace", "/phenotypicFeatures/0/type/label", "Seizure"),
        fx("replace", "/phenotypicFeatures/1/type/id", "HP:0001263"),
        fx("add", "/metaData/resources/-", {"id": "mondo", "version": "2025-01-01"}),
    ]
    out = apply_to_text(ytext, "yaml", fixes)
    text = out.text or ""
    assert out.method == "splice", out.note
    removed, added = changed_lines(ytext, text)
    assert removed == ["      label: Seizures   # trailing comment", '      id: "HP:0001249"']
    assert added == [
        "      label: Seizure   # trailing comment",
        '      id: "HP:0001263"',
        "  - id: mondo",
        "    version: '2025-01-01'",
    ]
    assert yaml.safe_load(text)["metaData"]["resources"][1] == {"id": "mondo", "version": "2025-01-01"}


def test_yaml_remove_sequence_item(ytext: str) -> None:
    out = apply_to_text(ytext, "yaml", [fx("remove", "/phenotypicFeatures/1")])
    removed, added = changed_lines(ytext, out.text or "")
    assert out.method == "splice"
    assert added == [] and len(removed) == 4


def test_yaml_flow_mapping_is_spliced_in_place(ytext: str) -> None:
    """A hand-written ``{id: …, label: …}`` used to make fix re-serialise the whole file (comments lost)."""
    out = apply_to_text(ytext, "yaml", [fx("add", "/phenotypicFeatures/2/type/description", "a: b, c"),
                                         fx("replace", "/phenotypicFeatures/2/type/label", "Microcephaly [HP]")])
    assert out.method == "splice", out.note
    removed, added = changed_lines(ytext, out.text or "")
    assert removed == ["  - type: {id: HP:0000252, label: Microcephaly}"]
    assert added == ['  - type: {id: HP:0000252, label: "Microcephaly [HP]", description: "a: b, c"}']
    assert (out.text or "").startswith("# curated by hand")


@pytest.mark.parametrize(("text", "op", "expected"), [
    ("a: {x: 1, y: 2, z: 3}\n", fx("remove", "/a/y"), "a: {x: 1, z: 3}\n"),
    ("a: {x: 1, y: 2}\n", fx("remove", "/a/y"), "a: {x: 1}\n"),
    ("a: {x: 1}\n", fx("remove", "/a/x"), "a: {}\n"),
    ("a: {}\n", fx("add", "/a/k", True), "a: {k: true}\n"),
    ("a: [1, 2, 3]\n", fx("remove", "/a/0"), "a: [2, 3]\n"),
    ("a: [1, 2]\n", fx("add", "/a/-", {"id": "HP:1"}), 'a: [1, 2, {"id": "HP:1"}]\n'),
    ("a: [1, 2]\n", fx("add", "/a/1", "x"), "a: [1, x, 2]\n"),
    ("a: [1, 2]  # kept\n", fx("replace", "/a/1", "#not a comment"), 'a: [1, "#not a comment"]  # kept\n'),
])
def test_yaml_flow_collection_ops(text: str, op: Fix, expected: str) -> None:
    out = apply_to_text(text, "yaml", [op])
    assert out.method == "splice", out.note
    assert out.text == expected
    assert yaml.safe_load(expected) == yaml.safe_load(out.text or "")


def test_move_renames_member_in_place(four: str, ytext: str) -> None:
    fix = Fix((PatchOp("move", "/phenotypicFeatures/1/negated", from_="/phenotypicFeatures/1/excluded"),))
    out = apply_to_text(four, "json", [fix])
    assert out.method == "splice"
    removed, added = changed_lines(four, out.text or "")
    assert removed == ['            "excluded": true'] and added == ['            "negated": true']
    out = apply_to_text(ytext, "yaml", [fix])
    assert out.method == "splice"
    assert changed_lines(ytext, out.text or "") == (["    excluded: true"], ["    negated: true"])


def test_alive_indices_follow_list_pops() -> None:
    """The batch splice's map from current to original array positions behaves as a list that is popped."""
    import random

    from phenotk.fixes.apply import _Alive

    rng = random.Random(7)
    for n in (0, 1, 2, 5, 8, 9, 64, 1000):
        alive, ref = _Alive(n), list(range(n))
        while ref:
            assert len(alive) == len(ref)
            assert [alive[k] for k in range(len(ref))] == ref
            k = rng.randrange(len(ref))
            assert alive.pop(k) == ref.pop(k)
        with pytest.raises(IndexError):
            alive[0]


def test_removing_most_of_many_elements_matches_one_splice_at_a_time() -> None:
    """A batch of removals over a long array gives the text one operation at a time gives (and stays fast)."""
    items = [f"t{k % 37}" for k in range(3000)]
    text = json.dumps({"a": items}, indent=2) + "\n"
    seen: set[str] = set()
    ops = []
    removed = 0
    for k, item in enumerate(items):  # drop repeats, as fix's duplicate-feature rule does (indices shift)
        if item in seen:
            ops.append(PatchOp("remove", f"/a/{k - removed}"))
            removed += 1
        seen.add(item)
    fix = Fix(tuple(ops), description="drop repeats")
    out = apply_to_text(text, "json", [fix], json.loads(text))
    assert json.loads(out.text) == {"a": [f"t{k}" for k in range(37)]}
    from phenotk.fixes import jsontext

    style = jsontext.detect_style(text, jsontext.scan(text))
    one_by_one = text
    for op in ops[:60]:  # the sequential path (one scan per operation), on a prefix of the plan
        one_by_one = jsontext.apply_op_text(one_by_one, op, style)
    batched = apply_to_text(text, "json", [Fix(tuple(ops[:60]), description="x")], json.loads(text))
    assert batched.text == one_by_one
