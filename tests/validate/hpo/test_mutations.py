"""Mutations of real phenopacket-store packets: the right HPO rule fires at the right pointer, and
``phenotk fix`` repairs the safe ones so that the file is byte-identical to the unmutated original."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import pytest

from phenotk.fixes.apply import apply_to_text
from phenotk.fixes.run import FileFix, build_engine, fix_bytes, loaded_versions
from phenotk.issue import Fix, PatchOp
from phenotk.validation.engine import Engine

#: an 11q-deletion packet curated with HPO 2024-02-27 (older than the loaded 2025-05-06: fixes are safe)
OLDER = "11q_terminal_deletion/PMID_15266616_100.json"
#: a packet citing HPO 2025-11-24 (newer than the loaded release)
NEWER = "ANKRD11/PMID_36446582_Goldenberg2016_P11.json"


@pytest.fixture(scope="module")
def engine(hpo_index: Any) -> Engine:
    return build_engine(hpo=hpo_index)


def mutate(text: str, *ops: PatchOp) -> str:
    """Apply ops to the store file's text with the layout-keeping splicer (so the mutant looks hand-edited)."""
    out = apply_to_text(text, "json", [Fix((op,)) for op in ops])
    assert out.method == "splice" and out.text is not None
    return out.text


def run_fix(engine: Engine, hpo: Any, text: str, **kw: Any) -> FileFix:
    return fix_bytes(text.encode(), "mutant.json", engine, versions=loaded_versions(hpo), **kw)


def found(result: FileFix, rule: str, *, after: bool = False) -> list[tuple[str, str]]:
    res = (result.after if after else result.before)[0]
    return [(i.pointer, i.severity.value) for i in res.issues if i.rule == rule]


def feature(data: dict[str, Any], hpo: Any, pred: Any) -> int:
    for i, f in enumerate(data["phenotypicFeatures"]):
        if pred(f, hpo):
            return i
    raise AssertionError("no feature fits")


@pytest.fixture(scope="module")
def older(store_dir: Path) -> str:
    return (store_dir / OLDER).read_text()


def test_alt_id_is_repaired_to_the_original(engine: Engine, hpo_index: Any, older: str) -> None:
    data = json.loads(older)
    alts: dict[str, str] = {}
    for alt, primary in hpo_index.alt_ids().items():
        alts.setdefault(primary, alt)
    i = feature(data, hpo_index, lambda f, h: f["type"]["id"] in alts and not f.get("excluded"))
    alt = alts[data["phenotypicFeatures"][i]["type"]["id"]]
    text = mutate(older, PatchOp("replace", f"/phenotypicFeatures/{i}/type/id", alt))
    result = run_fix(engine, hpo_index, text)
    assert found(result, "hpo-obsolete-term") == [(f"/phenotypicFeatures/{i}/type/id", "warning")]
    assert found(result, "hpo-obsolete-term", after=True) == []
    assert result.new.decode() == older


def test_stale_label_is_repaired(engine: Engine, hpo_index: Any, older: str) -> None:
    data = json.loads(older)

    def other_synonyms(curie: str) -> list[str]:
        return [s for s in hpo_index.synonyms(curie, scope="EXACT") if s != hpo_index.label(curie)]

    i = feature(data, hpo_index, lambda f, h: other_synonyms(f["type"]["id"]))
    synonym = other_synonyms(data["phenotypicFeatures"][i]["type"]["id"])[0]
    text = mutate(older, PatchOp("replace", f"/phenotypicFeatures/{i}/type/label", synonym))
    result = run_fix(engine, hpo_index, text)
    assert found(result, "hpo-label-mismatch") == [(f"/phenotypicFeatures/{i}/type/label", "warning")]
    assert result.new.decode() == older


def test_stale_label_in_a_newer_document_is_only_suggested(engine: Engine, hpo_index: Any, store_dir: Path) -> None:
    original = (store_dir / NEWER).read_text()
    data = json.loads(original)
    label = data["phenotypicFeatures"][0]["type"]["label"]
    text = mutate(original, PatchOp("replace", "/phenotypicFeatures/0/type/label", label.upper()))
    result = run_fix(engine, hpo_index, text)
    assert ("/phenotypicFeatures/0/type/label", "info") in found(result, "hpo-label-mismatch")
    assert not any(a.issue.rule == "hpo-label-mismatch" for a in result.applied)
    result = run_fix(engine, hpo_index, text, unsafe=True, rules=["hpo-label-mismatch"])
    assert "/phenotypicFeatures/0/type/label" not in [p for p, _ in found(result, "hpo-label-mismatch", after=True)]


def test_unknown_id_is_an_error_and_stays(engine: Engine, hpo_index: Any, older: str) -> None:
    text = mutate(older, PatchOp("replace", "/phenotypicFeatures/3/type/id", "HP:0001318"))
    result = run_fix(engine, hpo_index, text)
    assert found(result, "hpo-unknown-term") == [("/phenotypicFeatures/3/type/id", "error")]
    assert found(result, "hpo-unknown-term", after=True) == [("/phenotypicFeatures/3/type/id", "error")]
    assert not result.changed


def test_added_observed_ancestor_is_removed(engine: Engine, hpo_index: Any, older: str) -> None:
    data = json.loads(older)
    i = feature(data, hpo_index, lambda f, h: not f.get("excluded") and len(f) == 1 and h.parents(f["type"]["id"]))
    parent = hpo_index.parents(data["phenotypicFeatures"][i]["type"]["id"])[0]
    n = len(data["phenotypicFeatures"])
    new = {"type": {"id": parent, "label": hpo_index.label(parent)}}
    text = mutate(older, PatchOp("add", "/phenotypicFeatures/-", new))
    result = run_fix(engine, hpo_index, text)
    assert (f"/phenotypicFeatures/{n}", "warning") in found(result, "hpo-redundant-ancestor")
    assert found(result, "hpo-redundant-ancestor", after=True) == []
    assert result.new.decode() == older


def test_excluded_ancestor_of_observed_term_conflicts(engine: Engine, hpo_index: Any, older: str) -> None:
    data = json.loads(older)
    i = feature(data, hpo_index, lambda f, h: not f.get("excluded") and h.parents(f["type"]["id"]))
    parent = hpo_index.parents(data["phenotypicFeatures"][i]["type"]["id"])[0]
    n = len(data["phenotypicFeatures"])
    text = mutate(
        older,
        PatchOp(
            "add", "/phenotypicFeatures/-", {"type": {"id": parent, "label": hpo_index.label(parent)}, "excluded": True}
        ),
    )
    result = run_fix(engine, hpo_index, text)
    assert (f"/phenotypicFeatures/{n}", "error") in found(result, "hpo-excluded-ancestor-conflict")
    # no automatic fix: the conflict is still there after fixing (the excluded descendants the new exclusion
    # made redundant were removed, so its index moved)
    after = [i for i in result.after[0].issues if i.rule == "hpo-excluded-ancestor-conflict"]
    assert after and all(hpo_index.label(parent) in i.message for i in after)
    assert any(a.issue.rule == "hpo-redundant-excluded" for a in result.applied) or not result.changed


def test_observed_and_excluded_same_term(engine: Engine, hpo_index: Any, older: str) -> None:
    data = json.loads(older)
    n = len(data["phenotypicFeatures"])
    copy = {**data["phenotypicFeatures"][0], "excluded": True}
    text = mutate(older, PatchOp("add", "/phenotypicFeatures/-", copy))
    result = run_fix(engine, hpo_index, text)
    assert found(result, "hpo-observed-and-excluded") == [(f"/phenotypicFeatures/{n}", "error")]


def test_inheritance_term_as_feature_and_severity_as_onset(engine: Engine, hpo_index: Any, older: str) -> None:
    text = mutate(
        older,
        PatchOp(
            "replace", "/phenotypicFeatures/2/type", {"id": "HP:0000006", "label": "Autosomal dominant inheritance"}
        ),
        PatchOp("add", "/phenotypicFeatures/4/onset", {"ontologyClass": {"id": "HP:0012828", "label": "Severe"}}),
    )
    result = run_fix(engine, hpo_index, text)
    assert sorted(found(result, "hpo-wrong-branch")) == [
        ("/phenotypicFeatures/2/type/id", "error"),
        ("/phenotypicFeatures/4/onset/ontologyClass/id", "error"),
    ]


def test_several_fixes_in_one_file_touch_only_their_lines(engine: Engine, hpo_index: Any, older: str) -> None:
    data = json.loads(older)
    n = len(data["phenotypicFeatures"])
    dup = data["phenotypicFeatures"][1]
    text = mutate(
        older,
        PatchOp("replace", "/phenotypicFeatures/0/type/label", data["phenotypicFeatures"][0]["type"]["label"].lower()),
        PatchOp("add", "/phenotypicFeatures/-", dup),
        PatchOp("replace", "/metaData/resources/0/version", "2025-05-06"),
    )
    result = run_fix(engine, hpo_index, text)
    rules = sorted(a.issue.rule for a in result.applied)
    assert rules == ["hpo-duplicate-feature", "hpo-label-mismatch"]
    fixed = result.new.decode()
    assert json.loads(fixed)["phenotypicFeatures"] == data["phenotypicFeatures"]
    # only the label line and the lines of the removed copy differ from the mutant
    changed = [d for d in difflib.ndiff(text.splitlines(), fixed.splitlines()) if d[:2] in ("- ", "+ ")]
    assert len([d for d in changed if d.startswith("+ ")]) == 1
    assert len([d for d in changed if d.startswith("- ")]) == 1 + len(json.dumps(dup, indent=2).splitlines())
    assert n == len(json.loads(fixed)["phenotypicFeatures"])


def test_repeated_terms_make_one_pair_finding_per_term_pair(engine: Engine, hpo_index: Any, older: str) -> None:
    """Seizure excluded 300 times beside Focal-onset seizure observed 300 times: one conflict finding per state
    pair, not 90,000 (a 200,000-feature packet repeating a few thousand terms used to exhaust memory), while
    hpo-duplicate-feature still names every repeat."""
    data = json.loads(older)
    seizure = {"type": {"id": "HP:0001250", "label": "Seizure"}, "excluded": True}
    focal = {"type": {"id": "HP:0007359", "label": "Focal-onset seizure"}}
    data["phenotypicFeatures"] = [seizure, focal] * 300
    result = run_fix(engine, hpo_index, json.dumps(data, indent=2))
    conflicts = found(result, "hpo-excluded-ancestor-conflict")
    assert [p for p, _ in conflicts] == ["/phenotypicFeatures/0"]  # the first Seizure, naming the first focal
    assert len(found(result, "hpo-duplicate-feature")) == 598
