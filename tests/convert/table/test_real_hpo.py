"""The fixture sheets against the real HPO (hp.json 2025-05-06): labels, synonyms and metaData version."""

from __future__ import annotations

from pathlib import Path

from phenotk.convert.table import read_sheet


def _ids(packet) -> dict[str, bool]:
    return {f.type.id: f.excluded for f in packet.phenotypic_features}


def test_label_headers_resolve_with_the_real_hpo(sheets: Path, mapping_dir: Path, hpo_index) -> None:
    res = read_sheet(sheets / "wide.csv", mapping_dir / "generic-wide.yaml", ontology=hpo_index)
    p1 = res.packets[0]
    assert _ids(p1) == {"HP:0001250": False, "HP:0001252": True, "HP:0004322": False, "HP:0000252": False}
    labels = {f.type.id: f.type.label for f in p1.phenotypic_features}
    assert labels["HP:0001252"] == "Hypotonia"  # an id-only header gets the release's label
    hp = next(r for r in p1.meta_data.resources if r.namespace_prefix == "HP")
    assert hp.version == "2025-05-06"
    assert [i.context["column"] for i in res.issues if i.rule == "map-unmapped-column"] == ["Comment"]


def test_free_text_with_the_real_hpo(sheets: Path, mapping_dir: Path, hpo_index) -> None:
    res = read_sheet(sheets / "free_text.csv", mapping_dir / "free-text.yaml", ontology=hpo_index)
    a, b, c = res.packets
    assert _ids(a) == {"HP:0001250": False, "HP:0001252": True, "HP:0004322": False, "HP:0000252": False}
    assert _ids(b) == {"HP:0001263": False, "HP:0001250": True, "HP:0000486": False}
    assert _ids(c) == {"HP:0001250": True, "HP:0001252": True}
    assert [i.context["value"] for i in res.all_issues if i.rule == "map-unmatched-text"] == ["funny walk"]
