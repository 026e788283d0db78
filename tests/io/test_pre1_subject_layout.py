"""The pre-1.0 "0.1" layout (a subject holding its own phenotypes) is named as such, not as unknown fields."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import phenotk
from phenotk.io.sniff import detect_version

LAYOUT_01 = {
    "id": "x",
    "subject": {"id": "p1", "sex": "FEMALE", "phenotypes": [{"type": {"id": "HP:0001250", "label": "Seizure"}}]},
}


@pytest.mark.parametrize("key", ["phenotypes", "phenotypicFeatures"])
def test_subject_with_its_own_feature_list_is_pre1(key: str) -> None:
    tree = json.loads(json.dumps(LAYOUT_01).replace('"phenotypes"', f'"{key}"'))
    assert detect_version(tree) == "pre-1"
    declared = {**tree, "metaData": {"phenopacketSchemaVersion": "2.0"}}
    assert detect_version(declared) == "2"  # a v2 claim: an unknown field of a v2 document, as before


def test_validate_points_at_upgrade_and_upgrade_keeps_the_features(tmp_path: Path) -> None:
    src = tmp_path / "p01.json"
    src.write_text(json.dumps(LAYOUT_01), encoding="utf-8")
    issues = phenotk.validate(src, hpo=False).issues
    assert [i.rule for i in issues] == ["input-unreadable"] and "pre-1.0" in issues[0].message
    assert "phenotk upgrade" in issues[0].message  # it was 'unknown field phenotypes in Individual'
    packet, _ = phenotk.upgrade(src)
    assert [f.type.id for f in packet.phenotypic_features] == ["HP:0001250"]
