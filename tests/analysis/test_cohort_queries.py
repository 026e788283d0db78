"""Cohort filter / groupby / genotype groups and the genotype–phenotype table, checked against raw-JSON counts."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest

from phenotk.analysis import read_cohort
from phenotk.analysis.genotype import benjamini_hochberg, fisher_exact, protein_effect


@pytest.fixture(scope="module")
def cohort(store_dir: Path, hpo):
    return read_cohort(store_dir, hpo=hpo)


def _raw_genes(d: dict) -> set[str]:
    out = set()
    for i in d.get("interpretations", []):
        for gi in i.get("diagnosis", {}).get("genomicInterpretations", []):
            vd = gi.get("variantInterpretation", {}).get("variationDescriptor", {})
            if vd.get("geneContext", {}).get("symbol"):
                out.add(vd["geneContext"]["symbol"])
            if gi.get("gene", {}).get("symbol"):
                out.add(gi["gene"]["symbol"])
    return out


def _raw_zygosities(d: dict) -> list[str]:
    return [
        gi.get("variantInterpretation", {}).get("variationDescriptor", {}).get("allelicState", {}).get("label", "")
        for i in d.get("interpretations", [])
        for gi in i.get("diagnosis", {}).get("genomicInterpretations", [])
        if "variantInterpretation" in gi
    ]


@pytest.mark.slow
def test_filter_and_groupby_agree_with_raw_json(cohort, raw_store, raw_hpo) -> None:
    assert len(cohort) == len(raw_store)
    by_id = {d["id"]: d for d in raw_store}
    # gene
    lmna = cohort.filter(gene="LMNA")
    assert {p.id for p in lmna} == {d["id"] for d in raw_store if "LMNA" in _raw_genes(d)}
    assert {p.id for p in cohort.filter(gene="lmna")} == {p.id for p in lmna}
    # sex, combined with a gene
    females = lmna.filter(sex="female")
    assert {p.id for p in females} == {p.id for p in lmna if by_id[p.id]["subject"].get("sex") == "FEMALE"}
    # term: observed term or a descendant, by the independent closure
    seizure = cohort.filter(term="HP:0001250")
    expected = {
        d["id"] for d in raw_store
        if any("HP:0001250" in raw_hpo.up(f["type"]["id"]) for f in d.get("phenotypicFeatures", [])
               if not f.get("excluded"))
    }
    assert {p.id for p in seizure} == expected and len(expected) > 1000
    # disease
    disease = next(iter(lmna)).diseases[0].term.id
    assert {p.id for p in cohort.filter(disease=disease)} == {
        d["id"] for d in raw_store
        if disease in {x["term"]["id"] for x in d.get("diseases", [])}
        | {i.get("diagnosis", {}).get("disease", {}).get("id") for i in d.get("interpretations", [])}
    }
    # variant, as written (with or without the transcript)
    some = next(p for p in lmna if p.interpretations)
    expr = some.interpretations[0].diagnosis.genomic_interpretations[0].variant_interpretation.variation_descriptor
    hgvs_c = next(e.value for e in expr.expressions if e.syntax == "hgvs.c")
    carriers = cohort.filter(variant=hgvs_c)
    assert some.id in {p.id for p in carriers}
    assert {p.id for p in cohort.filter(variant=hgvs_c.split(":", 1)[1])} >= {p.id for p in carriers}
    # groupby: sex partitions the cohort; allele counts follow the zygosities
    by_sex = cohort.groupby("sex")
    assert sum(len(v) for v in by_sex.values()) == len(cohort)
    assert by_sex.sizes().to_dict() == dict(Counter(d["subject"].get("sex", "UNKNOWN_SEX") for d in raw_store))
    alleles = lmna.groupby("allele_count")
    expected_alleles = Counter(
        sum(2 if z == "homozygous" else 1 for z in _raw_zygosities(by_id[p.id])) for p in lmna
    )
    assert alleles.sizes().to_dict() == dict(expected_alleles)
    by_gene = cohort.groupby("gene")
    assert len(by_gene["LMNA"]) == len(lmna)
    assert len(repr(by_gene)) < 2_000 and len(by_gene._repr_html_()) < 5_000  # 575 groups, bounded display


@pytest.mark.slow
def test_genotype_phenotype_table_on_lmna(cohort, raw_hpo) -> None:
    lmna = cohort.filter(gene="LMNA")
    effects = lmna.groupby("variant_effect")
    assert "missense" in effects and "frameshift" in effects
    table = lmna.genotype_phenotype({"variant_effect": "missense"}, {"variant_effect": ["frameshift", "nonsense"]},
                                    names=("missense", "truncating"))
    df = table.frame
    assert "Benjamini–Hochberg" in repr(table) and "Benjamini–Hochberg" in table._repr_html_()
    assert "Fisher" in table.caption() and df.attrs["correction"] == "Benjamini–Hochberg"
    assert len(df) > 20 and df["p_value"].is_monotonic_increasing
    assert (df["p_adjusted"] >= df["p_value"]).all() and (df["p_adjusted"] <= 1).all()
    # one row recomputed by hand from the packets and the independent closure
    row = df[df["id"] == "HP:0009125"].iloc[0]  # Lipodystrophy
    missense = lmna.filter(variant_effect="missense")
    truncating = lmna.filter(variant_effect=["frameshift", "nonsense"])
    overlap = {p.id for p in missense} & {p.id for p in truncating}

    def counts(view) -> tuple[int, int]:
        obs = exc = 0
        for p in view:
            if p.id in overlap:
                continue
            o = set().union(*[raw_hpo.up(f.type.id) for f in p.phenotypic_features if not f.excluded])
            e = set().union(*[raw_hpo.down(f.type.id) for f in p.phenotypic_features if f.excluded]) - o
            obs += "HP:0009125" in o
            exc += "HP:0009125" in e
        return obs, exc

    (mo, me), (to, te) = counts(missense), counts(truncating)
    assert (row["missense_observed"], row["missense_measured"]) == (mo, mo + me)
    assert (row["truncating_observed"], row["truncating_measured"]) == (to, to + te)
    assert row["p_value"] == pytest.approx(fisher_exact(mo, me, to, te))
    assert row["p_adjusted"] < 0.05  # lipodystrophy is the missense (R482) phenotype of LMNA
    assert len(table.significant()) >= 1


def _brute_fisher(a: int, b: int, c: int, d: int) -> Fraction:
    r1, c1, n = a + b, a + c, a + b + c + d

    def prob(x: int) -> Fraction:
        return Fraction(math.comb(r1, x) * math.comb(n - r1, c1 - x), math.comb(n, c1))

    p0 = prob(a)
    return sum((prob(x) for x in range(max(0, c1 - (n - r1)), min(r1, c1) + 1) if prob(x) <= p0), Fraction(0))


def test_fisher_exact_known_values_and_brute_force() -> None:
    assert fisher_exact(3, 1, 1, 3) == pytest.approx(0.4857142857)  # Fisher's tea tasting
    assert fisher_exact(1, 9, 11, 3) == pytest.approx(0.002759456, rel=1e-6)
    assert fisher_exact(0, 0, 0, 0) == 1.0 and fisher_exact(5, 0, 5, 0) == 1.0
    rng = random.Random(7)
    for a, b, c, d in itertools.chain(
        [(0, 5, 5, 0), (10, 0, 0, 10), (2, 7, 8, 2)], ([rng.randint(0, 15) for _ in range(4)] for _ in range(200))
    ):
        assert fisher_exact(a, b, c, d) == pytest.approx(float(_brute_fisher(a, b, c, d)), rel=1e-9, abs=1e-12)


def test_benjamini_hochberg() -> None:
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert benjamini_hochberg([]) == []
    assert benjamini_hochberg([0.9, 0.8]) == pytest.approx([0.9, 0.9])


@pytest.mark.parametrize(
    ("text", "effect"),
    [
        ("NP_000001.1:p.(Arg482Trp)", "missense"),
        ("p.(Arg12Ter)", "nonsense"),
        ("p.Arg12*", "nonsense"),
        ("p.(Gly23ValfsTer5)", "frameshift"),
        ("p.(Leu5=)", "synonymous"),
        ("p.(Lys10del)", "inframe_deletion"),
        ("p.(Lys10_Ala12delinsGlu)", "inframe_delins"),
        ("p.(Lys10_Ala12dup)", "inframe_insertion"),
        ("p.(Met1?)", "start_lost"),
        ("p.(Ter100GlnextTer5)", "stop_lost"),
        ("p.?", None),
        ("c.123A>G", None),
    ],
)
def test_protein_effect(text: str, effect: str | None) -> None:
    assert protein_effect(text) == effect
