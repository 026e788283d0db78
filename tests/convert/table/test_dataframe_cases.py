"""Small DataFrame cases: ids, duplicates, selectors, conflicts, multiple variants and diseases."""

from __future__ import annotations

import pandas as pd

from phenotk.conversion.table import from_dataframe


def _rules(result) -> list[tuple[str, int | None, str | None]]:
    return [(i.rule, i.context.get("row"), i.context.get("column")) for i in result.all_issues]


def test_missing_and_duplicate_ids_are_reported() -> None:
    df = pd.DataFrame({"id": ["a", "", "a", None], "sex": ["m", "f", "f", "m"], "HP:0001250": ["yes", "yes", "", "no"]})
    res = from_dataframe(df, {"phenotk_mapping": 1, "subject": {"id": "id", "sex": "sex"}, "phenotypes": {"wide": {}}})
    assert [p.id for p in res.packets] == ["a"]
    assert sorted(_rules(res), key=str) == sorted(
        [
            ("map-missing-id", 3, "id"),  # DataFrame rows are numbered as in a sheet: header = row 1
            ("map-duplicate-id", 4, "id"),
            ("map-conflicting-values", 4, "sex"),  # merged rows disagree: kept the first
            ("map-missing-id", 5, "id"),
        ],
        key=str,
    )
    assert res.packets[0].subject.sex == 2  # MALE, from the first row


def test_column_selectors_and_explicit_terms() -> None:
    df = pd.DataFrame({"id": ["a"], "HP:0001250": ["+"], "HP:0001252": ["-"], "fits?": ["y"], "other": ["x"]})
    mapping = {
        "phenotk_mapping": 1,
        "subject": {"id": "id"},
        "phenotypes": {"wide": {"columns": ["HP:*", "fits?"], "terms": {"fits?": "HP:0001250"}}},
    }
    res = from_dataframe(df, mapping)
    p = res.packets[0]
    assert [(f.type.id, f.excluded) for f in p.phenotypic_features] == [("HP:0001250", False), ("HP:0001252", True)]
    assert _rules(res) == [("map-unmapped-column", None, "other")]


def test_numbered_blocks_two_variants_two_diseases() -> None:
    df = pd.DataFrame(
        {
            "id": ["a"],
            "dx_1": ["OMIM:100100"],
            "dx_2": ["mondo:0007915"],
            "allele_1": ["NM_1.1:c.1A>G"],
            "zyg_1": ["0/1"],
            "allele_2": ["NM_1.1:c.9del"],
            "zyg_2": ["1/0"],
            "hgnc": ["25662"],
        }
    )
    mapping = {
        "phenotk_mapping": 1,
        "subject": {"id": "id"},
        "diseases": {"id": "dx_{n}"},
        "variants": {"hgvs": "allele_{n}", "zygosity": "zyg_{n}", "hgnc_id": "hgnc"},
    }
    res = from_dataframe(df, mapping)
    p = res.packets[0]
    assert [d.term.id for d in p.diseases] == ["OMIM:100100", "MONDO:0007915"]
    gis = p.interpretations[0].diagnosis.genomic_interpretations
    vds = [g.variant_interpretation.variation_descriptor for g in gis]
    assert [(v.expressions[0].value, v.allelic_state.label, v.gene_context.value_id) for v in vds] == [
        ("NM_1.1:c.1A>G", "heterozygous", "HGNC:25662"),
        ("NM_1.1:c.9del", "heterozygous", "HGNC:25662"),
    ]
    assert p.interpretations[0].diagnosis.disease.id == "OMIM:100100"
    assert {r.namespace_prefix for r in p.meta_data.resources} == {"OMIM", "MONDO", "GENO", "HGNC"}
    # no label column and no annotation file: each disease is kept without a label, and that is reported
    assert _rules(res) == [("map-disease-label-missing", 2, "dx_1"), ("map-disease-label-missing", 2, "dx_2")]


def test_long_rows_conflicting_status() -> None:
    df = pd.DataFrame({"id": ["a", "a"], "term": ["HP:0001250", "HP:0001250"], "status": ["yes", "no"]})
    mapping = {
        "phenotk_mapping": 1,
        "subject": {"id": "id"},
        "phenotypes": {"long": {"term": "term", "status": "status"}},
    }
    res = from_dataframe(df, mapping)
    assert [(f.type.id, f.excluded) for f in res.packets[0].phenotypic_features] == [("HP:0001250", False)]
    assert _rules(res) == [("map-conflicting-values", 3, "term")]


def test_header_and_label_cells_that_contradict_their_id(hpo_stub) -> None:
    df = pd.DataFrame({"id": ["a"], "Seizure (HP:0001252)": ["yes"], "Low muscle tone (HP:0001252)": ["yes"],
                       "t": ["HP:0001250"], "l": ["Hypotonia"]})
    mapping = {"phenotk_mapping": 1, "subject": {"id": "id"},
               "phenotypes": {"wide": {}, "long": {"term": "t", "label": "l"}}}
    res = from_dataframe(df, mapping, ontology=hpo_stub)
    # "Low muscle tone" is a synonym of Hypotonia: fine; "Seizure" is not; the long label cell names another term
    assert _rules(res) == [("map-label-mismatch", None, "Seizure (HP:0001252)"), ("map-label-mismatch", 2, "l")]
    assert sorted(f.type.id for f in res.packets[0].phenotypic_features) == ["HP:0001250", "HP:0001252"]
    assert from_dataframe(df, mapping).all_issues == []  # without an HPO nothing can be checked
