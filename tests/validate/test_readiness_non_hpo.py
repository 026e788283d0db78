"""The readiness profiles' non-HPO feature list: its C-level shortcuts (seen ids, every id an HP: string) give the
item-by-item answer on store feature lists and hostile ones, with a cold and a warm memo."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import orjson

from phenotk.validation.rules.readiness import _common as C


def _reference(feats: Any) -> list[tuple[int, Any, str]]:
    """The observed features whose type.id is a string not starting HP:, item by item."""
    out = []
    for i, f in enumerate(feats):
        t = f.get("type") if isinstance(f, dict) else None
        tid = t.get("id") if isinstance(t, dict) else None
        if isinstance(tid, str) and not tid.startswith("HP:") and not f.get("excluded"):
            out.append((i, f, tid))
    return out


def _ids(feats: list[Any]) -> list[Any]:
    """type.id per item as the HPO rules' feature_list lists them (None where there is none)."""
    try:
        return [f["type"]["id"] for f in feats]
    except (KeyError, TypeError, IndexError):
        return [f["type"].get("id") if isinstance(f, dict) and isinstance(f.get("type"), dict) else None for f in feats]


def test_non_hpo_shortcuts_agree_with_the_item_loop(store_dir: Path) -> None:
    lists = []
    for f in sorted(store_dir.glob("*/*.json"))[::40]:
        feats = orjson.loads(f.read_bytes()).get("phenotypicFeatures")
        if isinstance(feats, list) and feats:
            lists.append(feats)
    rnd = random.Random(5)
    odd: list[Any] = ["ORPHA:1", "hp:0001250", "", None, 7, ["HP:1"], {"id": "HP:1"}, "HP:", " HP:0001250"]
    for feats in list(lists):
        bad = [dict(f) for f in feats]
        i = rnd.randrange(len(bad))
        bad[i] = {**bad[i], "type": {"id": rnd.choice(odd)}, "excluded": rnd.random() < 0.3}
        lists.append(bad)
        lists.append([*feats, rnd.choice(["x", None, 3, [], {"type": "HP:1"}, {"type": None}])])
    assert len(lists) > 200
    for warm in (False, True):
        if not warm:
            C._HP_IDS.clear()
        for feats in lists:
            want = _reference(feats)
            assert C._non_hpo(feats, _ids(feats)) == want
            assert C._non_hpo(feats, None) == want
    assert any(_reference(f) for f in lists) and any(not _reference(f) for f in lists)
