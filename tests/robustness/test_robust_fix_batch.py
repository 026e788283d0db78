"""Batched text splicing (issue 19, runaway cost of `fix`) equals one splice per operation, on real packets."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from phenotk.fixes import jsontext
from phenotk.fixes.apply import _splice_json
from phenotk.fixes.patch import apply_to_tree, plan
from phenotk.issue import Fix, PatchOp

pytestmark = pytest.mark.shared


def _random_fixes(tree: dict, rnd: random.Random) -> list[Fix]:
    fixes = []
    feats = tree.get("phenotypicFeatures", [])
    for i in rnd.sample(range(len(feats)), k=min(len(feats), 10)):
        if rnd.random() < 0.5:
            fixes.append(Fix((PatchOp("remove", f"/phenotypicFeatures/{i}"),)))
        else:
            fixes.append(Fix((PatchOp("replace", f"/phenotypicFeatures/{i}/type/label", f"label {i} \u00e9"),)))
    return fixes


def test_batched_splice_equals_sequential(store_files: list[Path]) -> None:
    rnd = random.Random(19)
    checked = 0
    for path in store_files[:60]:
        text = path.read_text(encoding="utf-8")
        tree = json.loads(text)
        if len(tree.get("phenotypicFeatures", [])) < 9:
            continue
        fixes = _random_fixes(tree, rnd)
        expected, p = apply_to_tree(tree, fixes)
        style = jsontext.detect_style(text, jsontext.scan(text))
        batched = _splice_json(text, p, style)
        sequential = text
        for po in plan(fixes).ops:
            sequential = jsontext.apply_op_text(sequential, po.op, style)
        assert json.loads(batched) == expected, path
        assert batched == sequential, path
        checked += 1
    assert checked >= 5
