"""The fixture sheets against the real HPO (hp.json 2025-05-06): labels, synonyms and metaData version."""

from __future__ import annotations

from pathlib import Path

from phenotk.conversion.table import read_sheet


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


def test_starter_mapping_reads_a_real_pyphetools_template(shared_data: Path, hpo_index, tmp_path: Path) -> None:
    import yaml

    from phenotk.conversion.table.sheets import read_table
    from phenotk.conversion.table.starter import starter_mapping

    template = shared_data / "templates" / "AAGAB" / "AAGAB_PPKP1A_individuals.xlsx"
    text, placement = starter_mapping(read_table(template), hpo_index)
    data = yaml.safe_load(text)
    assert data["subject"]["id"] == "individual_id" and data["diseases"]["id"] == "disease_id"
    assert [v["hgvs"] for v in data["variants"]] == ["allele_1", "allele_2"]
    assert "transcript" in placement.unplaced
    data["input"]["skip_rows"] = [2]  # pyphetools' row of type hints
    res = read_sheet(template, data, ontology=hpo_index)
    store_ids = {p.stem for p in (shared_data / "phenopacket-store" / "AAGAB").glob("*.json")}
    assert {p.id for p in res.packets} <= store_ids and len(res.packets) == 3
    assert not [i for i in res.all_issues if i.rule == "map-bad-cell"]
    assert all(p.phenotypic_features and p.diseases[0].term.id == "OMIM:148600" for p in res.packets)
