"""Variant cells as hospitals write them: HGVS + protein + zygosity in one cell, two variants, "no variant" words.

Every case goes through :func:`phenotk.conversion.table.build_packets` and asserts the exact descriptor (expressions,
moleculeContext, allelicState, label) and the exact findings; the parser itself is checked on the same forms.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from google.protobuf.json_format import MessageToDict
from phenopackets import Phenopacket

from phenotk.conversion.table import build_packets, read_table
from phenotk.conversion.table.sheets import Sheet
from phenotk.mapping import load_mapping
from phenotk.model.variant_cells import DEFAULT_NO_VARIANT, parse_variant_cell

CREATED = "2025-01-01T00:00:00Z"


def _convert(columns: dict[str, str], variants: dict[str, Any] | list[dict[str, Any]],
             **extra: Any) -> tuple[Phenopacket, list[tuple[str, str, int | None, str | None, str | None]]]:
    header = ["Patient", *columns]
    sheet = Sheet("cases", header, [["P1", *columns.values()]], [2])
    mapping = load_mapping({"phenotk_mapping": 1, "subject": {"id": "Patient"}, "variants": variants, **extra})
    result = build_packets(sheet, mapping, created=CREATED)
    issues = [(i.rule, i.code, i.context.get("row"), i.context.get("column"), i.context.get("value"))
              for i in result.all_issues]
    return result.packets[0], issues


def _descriptors(p: Phenopacket) -> list[dict[str, Any]]:
    out = []
    for interp in p.interpretations:
        for gi in interp.diagnosis.genomic_interpretations:
            vd = MessageToDict(gi.variant_interpretation.variation_descriptor)
            vd.pop("id")
            out.append(vd)
    return out


HET = {"id": "GENO:0000135", "label": "heterozygous"}
HOM = {"id": "GENO:0000136", "label": "homozygous"}
HEMI = {"id": "GENO:0000134", "label": "hemizygous"}
TX = {"const": "NM_000001.2"}


# ---------------------------------------------------------------------- one form per test
def test_change_with_het_in_brackets_and_no_transcript_is_carried_and_reported() -> None:
    p, issues = _convert({"Variant": "c.123A>G (het)"}, {"hgvs": "Variant"})
    assert _descriptors(p) == [{
        "expressions": [{"syntax": "hgvs.c", "value": "c.123A>G"}],
        "moleculeContext": "transcript", "allelicState": HET, "label": "c.123A>G (het)",
    }]
    assert issues == [("map-variant-no-reference", "MAP020", 2, "Variant", "c.123A>G (het)")]


def test_zygosity_word_first_and_the_mapping_transcript() -> None:
    p, issues = _convert({"Variant": "homozygous c.3G>A"}, {"hgvs": "Variant", "transcript": TX})
    assert _descriptors(p) == [{
        "expressions": [{"syntax": "hgvs.c", "value": "NM_000001.2:c.3G>A"}],
        "moleculeContext": "transcript", "allelicState": HOM, "label": "homozygous c.3G>A",
    }]
    assert issues == []


def test_transcript_protein_and_het_in_one_cell() -> None:
    cell = "NM_001165963.4:c.2836C>T p.(Arg946Cys) het"
    p, issues = _convert({"Variant": cell}, {"hgvs": "Variant", "transcript": TX})
    assert _descriptors(p) == [{
        "expressions": [{"syntax": "hgvs.c", "value": "NM_001165963.4:c.2836C>T"},
                        {"syntax": "hgvs.p", "value": "p.(Arg946Cys)"}],
        "moleculeContext": "transcript", "allelicState": HET, "label": cell,
    }]
    assert issues == []  # the cell's own transcript wins over the mapping's


def test_change_then_its_protein_after_a_semicolon_is_one_variant() -> None:
    cell = "c.4547C>A; p.Ser1516* (heterozygous)"
    p, issues = _convert({"Variant": cell}, {"hgvs": "Variant", "transcript": {"column": "Transcript"}},
                         ignore_columns=[])
    assert issues == [("map-missing-column", "MAP008", None, "Transcript", None),
                      ("map-variant-no-reference", "MAP020", 2, "Variant", cell)]
    p, issues = _convert({"Variant": cell, "Transcript": "NM_000002.3"},
                         {"hgvs": "Variant", "transcript": {"column": "Transcript"}})
    assert _descriptors(p) == [{
        "expressions": [{"syntax": "hgvs.c", "value": "NM_000002.3:c.4547C>A"},
                        {"syntax": "hgvs.p", "value": "p.Ser1516*"}],
        "moleculeContext": "transcript", "allelicState": HET, "label": cell,
    }]
    assert issues == []


def test_invalid_base_is_a_bad_cell_and_carries_nothing() -> None:
    p, issues = _convert({"Variant": "c.2836C>X"}, {"hgvs": "Variant", "transcript": TX})
    assert list(p.interpretations) == []
    assert issues == [("map-bad-cell", "MAP002", 2, "Variant", "c.2836C>X")]


def test_text_that_is_neither_is_a_bad_cell() -> None:
    p, issues = _convert({"Variant": "see genetics letter"}, {"hgvs": "Variant"})
    assert list(p.interpretations) == []
    assert issues == [("map-bad-cell", "MAP002", 2, "Variant", "see genetics letter")]


@pytest.mark.parametrize(
    "word",
    ["not done", "negative", "none", "pending", "n/a", "na", "—", "-", "no variant", "nicht durchgeführt",
     "négatif", "negativo", "geen", "Not done", "(negative)", "negative (WES 2020)"],
)
def test_no_variant_words_give_no_interpretation_and_no_finding(word: str) -> None:
    p, issues = _convert({"Variant": word}, {"hgvs": "Variant"})
    assert list(p.interpretations) == []
    assert issues == []


def test_no_variant_vocabulary_is_configurable() -> None:
    block = {"hgvs": "Variant", "no_variant_words": ["keine Variante gefunden"]}
    p, issues = _convert({"Variant": "keine Variante gefunden"}, block)
    assert list(p.interpretations) == [] and issues == []
    p, issues = _convert({"Variant": "negative"}, block)  # the list replaces the built-in words
    assert list(p.interpretations) == []
    assert issues == [("map-bad-cell", "MAP002", 2, "Variant", "negative")]


def test_zygosity_beside_a_no_variant_word_is_reported_not_carried() -> None:
    p, issues = _convert({"Variant": "negative", "Zyg": "het"}, {"hgvs": "Variant", "zygosity": "Zyg"})
    assert list(p.interpretations) == []
    assert issues == [("map-orphan-value", "MAP012", 2, "Zyg", "het")]


@pytest.mark.parametrize("cell", ["NM_1.1:c.1A>G; NM_1.1:c.2T>C", "NM_1.1:c.1A>G, NM_1.1:c.2T>C",
                                  "NM_1.1:c.1A>G / NM_1.1:c.2T>C", "NM_1.1:c.1A>G and NM_1.1:c.2T>C"])
def test_two_variants_in_one_cell_give_two_descriptors(cell: str) -> None:
    p, issues = _convert({"Variant": cell}, {"hgvs": "Variant"})
    assert _descriptors(p) == [
        {"expressions": [{"syntax": "hgvs.c", "value": "NM_1.1:c.1A>G"}], "moleculeContext": "transcript",
         "label": cell},
        {"expressions": [{"syntax": "hgvs.c", "value": "NM_1.1:c.2T>C"}], "moleculeContext": "transcript",
         "label": cell},
    ]
    assert issues == []


def test_compound_heterozygous_means_two_heterozygous_variants() -> None:
    cell = "c.1A>G / c.2T>C (compound het)"
    p, issues = _convert({"Variant": cell}, {"hgvs": "Variant", "transcript": TX})
    assert [(d["expressions"][0]["value"], d["allelicState"]) for d in _descriptors(p)] == [
        ("NM_000001.2:c.1A>G", HET), ("NM_000001.2:c.2T>C", HET)]
    assert issues == []
    p, issues = _convert({"Variant": "NM_1.1:c.1A>G", "Zyg": "compound heterozygous"},
                         {"hgvs": "Variant", "zygosity": "Zyg"})
    assert _descriptors(p)[0]["allelicState"] == HET


def test_same_variant_in_both_allele_columns_is_one_homozygous_variant() -> None:
    cols = {"allele_1": "NM_1.1:c.1A>G", "allele_2": "NM_1.1:c.1A>G"}
    p, issues = _convert(cols, {"hgvs": "allele_{n}"})
    assert _descriptors(p) == [{"expressions": [{"syntax": "hgvs.c", "value": "NM_1.1:c.1A>G"}],
                                "moleculeContext": "transcript", "allelicState": HOM}]
    assert issues == []
    p, issues = _convert({"allele_1": "NM_1.1:c.1A>G het", "allele_2": "NM_1.1:c.1A>G het"},
                         {"hgvs": "allele_{n}"})
    assert len(_descriptors(p)) == 1
    assert issues == [("map-conflicting-values", "MAP004", 2, "allele_2", "NM_1.1:c.1A>G het")]


@pytest.mark.parametrize(
    ("word", "state"),
    [("het", HET), ("het.", HET), ("Heterozygot", HET), ("hétérozygote", HET), ("heterocigoto", HET),
     ("eterozigote", HET), ("heterozygoot", HET), ("0/1", HET), ("hom.", HOM), ("homozygot", HOM),
     ("homocigota", HOM), ("omozigote", HOM), ("1/1", HOM), ("hemi", HEMI), ("hémizygote", HEMI),
     ("hemizygous", HEMI), ("comp het", HET), ("compound-heterozygous", HET)],
)
def test_zygosity_words_in_the_cell_and_in_the_zygosity_column(word: str, state: dict[str, str]) -> None:
    p, issues = _convert({"Variant": "NM_1.1:c.1A>G", "Zyg": word}, {"hgvs": "Variant", "zygosity": "Zyg"})
    assert _descriptors(p)[0]["allelicState"] == state and issues == []
    if "/" not in word:
        p, issues = _convert({"Variant": f"NM_1.1:c.1A>G ({word})"}, {"hgvs": "Variant"})
        assert _descriptors(p)[0]["allelicState"] == state and issues == []


def test_cell_and_zygosity_column_disagree() -> None:
    p, issues = _convert({"Variant": "NM_1.1:c.1A>G hom", "Zyg": "het"}, {"hgvs": "Variant", "zygosity": "Zyg"})
    assert _descriptors(p)[0]["allelicState"] == HOM
    assert issues == [("map-conflicting-values", "MAP004", 2, "Zyg", "het")]


def test_no_zygosity_stated_means_no_allelic_state() -> None:
    p, _ = _convert({"Variant": "NM_1.1:c.1A>G"}, {"hgvs": "Variant"})
    assert _descriptors(p) == [{"expressions": [{"syntax": "hgvs.c", "value": "NM_1.1:c.1A>G"}],
                                "moleculeContext": "transcript"}]


def test_molecule_context_follows_the_hgvs_kind() -> None:
    cases = {"NC_000009.12:g.137817523C>T": "genomic", "NC_012920.1:m.3243A>G": "genomic",
             "NR_002757.3:n.24G>C": "transcript", "NP_000129.3:p.(Arg946Cys)": "protein"}
    for cell, context in cases.items():
        p, issues = _convert({"Variant": cell}, {"hgvs": "Variant"})
        assert _descriptors(p)[0]["moleculeContext"] == context and issues == [], cell


def test_protein_change_alone_without_reference() -> None:
    p, issues = _convert({"Variant": "p.Arg946Cys het"}, {"hgvs": "Variant", "transcript": TX})
    assert _descriptors(p) == [{"expressions": [{"syntax": "hgvs.p", "value": "p.Arg946Cys"}],
                                "moleculeContext": "protein", "allelicState": HET, "label": "p.Arg946Cys het"}]
    assert issues == [("map-variant-no-reference", "MAP020", 2, "Variant", "p.Arg946Cys het")]


def test_gene_and_transcript_written_apart_in_the_cell() -> None:
    cell = "SCN1A (NM_001165963.4) c.2836C>T het."
    p, issues = _convert({"Variant": cell}, {"hgvs": "Variant"})
    assert _descriptors(p) == [{
        "expressions": [{"syntax": "hgvs.c", "value": "NM_001165963.4:c.2836C>T"}],
        "moleculeContext": "transcript", "geneContext": {"symbol": "SCN1A"}, "allelicState": HET, "label": cell,
    }]
    assert issues == []


def test_structural_description_is_kept_as_the_label() -> None:
    p, issues = _convert({"Variant": "Del exons 3-8 (het)"}, {"hgvs": "Variant"})
    assert _descriptors(p) == [{"label": "Del exons 3-8 (het)", "moleculeContext": "genomic", "allelicState": HET}]
    assert issues == []


def test_verbatim_cells_keep_labels_and_expressions_as_written() -> None:
    block = {"hgvs": "V", "cells": "verbatim"}
    p, issues = _convert({"V": "0"}, block)
    assert _descriptors(p) == [{"label": "0", "moleculeContext": "genomic"}] and issues == []
    p, issues = _convert({"V": "c.123A>G (het)"}, block)
    assert _descriptors(p) == [{"label": "c.123A>G (het)", "moleculeContext": "genomic"}] and issues == []
    p, issues = _convert({"V": "NM_1.1:c.1A>G"}, block)
    assert _descriptors(p) == [{"expressions": [{"syntax": "hgvs.c", "value": "NM_1.1:c.1A>G"}],
                                "moleculeContext": "transcript"}] and issues == []


# ---------------------------------------------------------------------- statuses come from the mapping only
def _statuses(p: Phenopacket) -> tuple[str, list[str]]:
    d = MessageToDict(p)
    interp = d["interpretations"][0]
    return (interp.get("progressStatus", "UNKNOWN_PROGRESS"),
            [gi.get("interpretationStatus", "UNKNOWN_STATUS")
             for gi in interp["diagnosis"]["genomicInterpretations"]])


def test_statuses_default_to_unknown_and_come_from_the_mapping() -> None:
    p, _ = _convert({"Variant": "NM_1.1:c.1A>G"}, {"hgvs": "Variant"})
    assert _statuses(p) == ("UNKNOWN_PROGRESS", ["UNKNOWN_STATUS"])
    p, _ = _convert({"Variant": "NM_1.1:c.1A>G"}, {"hgvs": "Variant"},
                    interpretation={"progress_status": "SOLVED", "interpretation_status": "CAUSATIVE"})
    assert _statuses(p) == ("SOLVED", ["CAUSATIVE"])
    p, issues = _convert({"Variant": "NM_1.1:c.1A>G", "Class": "candidate"},
                         {"hgvs": "Variant", "interpretation_status": "Class"},
                         interpretation={"interpretation_status": "CAUSATIVE"})
    assert _statuses(p) == ("UNKNOWN_PROGRESS", ["CANDIDATE"]) and issues == []
    p, issues = _convert({"Variant": "NM_1.1:c.1A>G", "Class": "maybe"},
                         {"hgvs": "Variant", "interpretation_status": "Class"})
    assert _statuses(p) == ("UNKNOWN_PROGRESS", ["UNKNOWN_STATUS"])
    assert issues == [("map-bad-cell", "MAP002", 2, "Class", "maybe")]


def test_hospital_sheet_end_to_end(tmp_path: Path) -> None:
    csv = tmp_path / "hospital.tsv"
    csv.write_text(
        "Patient\tGene\tVariant 1\tVariant 2\tResult\n"
        "P1\tSCN1A\tNM_001165963.4:c.2836C>T p.(Arg946Cys) het\t\t\n"
        "P2\tSCN1A\tnot done\t\t\n"
        "P3\tCDKL5\tc.4547C>A; p.Ser1516* (heterozygous)\tc.12del (heterozygous)\t\n"
        "P4\tSCN1A\tnegative\t\t\n"
        "P5\tSCN1A\tc.2836C>X\t\t\n"
        "P6\tPIGA\tc.1A>G hemizygous\tc.1A>G\t\n",
        encoding="utf-8",
    )
    sheet = read_table(csv)
    base = {"phenotk_mapping": 1, "subject": {"id": "Patient"}, "ignore_columns": ["Result"],
            "variants": {"hgvs": "Variant {n}", "gene_symbol": "Gene", "transcript": {"const": "NM_000003.4"}}}
    result = build_packets(sheet, load_mapping(base), created=CREATED)
    by_id = {p.id: p for p in result.packets}
    assert [pid for pid, p in by_id.items() if p.interpretations] == ["P1", "P3", "P6"]
    for pid in ("P1", "P3", "P6"):
        progress, statuses = _statuses(by_id[pid])
        assert progress != "SOLVED" and "CAUSATIVE" not in statuses
    assert [(d["expressions"][0]["value"], d.get("allelicState", {}).get("label"), d["geneContext"]["symbol"])
            for d in _descriptors(by_id["P3"])] == [
        ("NM_000003.4:c.4547C>A", "heterozygous", "CDKL5"), ("NM_000003.4:c.12del", "heterozygous", "CDKL5")]
    # P6: the hemizygous cell and the bare repeat in the second allele column disagree → kept once, reported
    assert [d.get("allelicState", {}).get("label") for d in _descriptors(by_id["P6"])] == ["hemizygous"]
    # the gene of a patient without a variant is not carried (reported); the invalid HGVS is a bad cell
    assert [(i.rule, i.context["row"], i.context["column"]) for i in result.all_issues] == [
        ("map-orphan-value", 3, "Gene"), ("map-orphan-value", 5, "Gene"), ("map-bad-cell", 6, "Variant 1"),
        ("map-orphan-value", 6, "Gene"), ("map-conflicting-values", 7, "Variant 2")]
    declared = {**base, "interpretation": {"progress_status": "SOLVED", "interpretation_status": "CAUSATIVE"}}
    result = build_packets(sheet, load_mapping(declared), created=CREATED)
    assert _statuses(next(p for p in result.packets if p.id == "P1")) == ("SOLVED", ["CAUSATIVE"])


def test_public_mappings_keep_their_statuses() -> None:
    """The published mappings state SOLVED / CAUSATIVE explicitly, so their output did not change."""
    mapping_dir = Path(__file__).parents[3] / "mappings"
    for name in ("generic-wide", "phenotk-wide", "phenotk-long"):
        m = load_mapping(mapping_dir / f"{name}.yaml")
        assert (m.progress_status, m.interpretation_status) == ("SOLVED", "CAUSATIVE"), name
    for preset in ("phenotk-wide", "phenotk-long"):
        m = load_mapping(preset)
        assert (m.progress_status, m.interpretation_status) == ("SOLVED", "CAUSATIVE"), preset
        assert m.variant_options_for(m.variants[0]).verbatim


# ---------------------------------------------------------------------- the parser alone
def test_parser_results() -> None:
    r = parse_variant_cell("c.1A>G/c.1A>G", default_transcript="NM_1.1")
    assert (r.status, [(v.expressions[0].text, v.zygosity) for v in r.variants]) == (
        "variants", [("NM_1.1:c.1A>G", "homozygous")])
    r = parse_variant_cell("NM_1.1:c.[1A>G];[2T>C]")
    assert [(v.expressions[0].text, v.zygosity) for v in r.variants] == [
        ("NM_1.1:c.1A>G", "heterozygous"), ("NM_1.1:c.2T>C", "heterozygous")]
    r = parse_variant_cell("NM_1.1:c.[1A>G];[1A>G]")
    assert [(v.expressions[0].text, v.zygosity) for v in r.variants] == [("NM_1.1:c.1A>G", "homozygous")]
    r = parse_variant_cell("het c.1A>G; hom c.2T>C", default_transcript="NM_1.1")
    assert [(v.expressions[0].text, v.zygosity) for v in r.variants] == [
        ("NM_1.1:c.1A>G", "heterozygous"), ("NM_1.1:c.2T>C", "homozygous")]
    r = parse_variant_cell("c.123A>G(p.Arg41Gly) het", default_transcript="NM_1.1")
    assert [([h.text for h in v.expressions], v.zygosity) for v in r.variants] == [
        (["NM_1.1:c.123A>G", "p.Arg41Gly"], "heterozygous")]
    assert parse_variant_cell("c.1A>G het hom").reason == "two different zygosities for one variant"
    r = parse_variant_cell("nicht durchgeführt")
    assert (r.status, r.reason, r.variants) == ("no_variant", "nicht durchgeführt", ())
    r = parse_variant_cell("c.2836C>X")
    assert (r.status, r.reason) == ("unparsed", "invalid HGVS 'c.2836C>X': 'X' is not a nucleotide (A, C, G, T)")
    r = parse_variant_cell("het")
    assert (r.status, r.reason) == ("unparsed", "a zygosity without a variant (no HGVS expression in the cell)")
    r = parse_variant_cell("c.2836C>T (R946C) de novo", default_transcript="NM_1.1")
    assert [h.text for h in r.variants[0].expressions] == ["NM_1.1:c.2836C>T", "p.R946C"]
    r = parse_variant_cell("c.1A>G mosaic")
    assert (r.status, r.reason) == ("unparsed", "text beside the variant that is not a zygosity: 'mosaic'")
    r = parse_variant_cell("c.123A>G", default_transcript="NC_000001.11")  # not a transcript for c.
    assert r.variants[0].missing_reference == ("c.123A>G",)
    assert "not done" in DEFAULT_NO_VARIANT and "-" in DEFAULT_NO_VARIANT
    assert parse_variant_cell("  ").status == "empty"


def test_writing_a_hospital_packet_reports_what_the_table_would_change() -> None:
    """Statuses the table has no column for (UNKNOWN here) and a moleculeContext the reader would not give back."""
    from phenotk.conversion.table.api import make_table

    p, _ = _convert({"Variant": "NM_1.1:c.1A>G het"}, {"hgvs": "Variant"})
    dropped = {i.context["column"] for i in make_table([p], "wide").issues}
    vd = "interpretations[].diagnosis.genomicInterpretations[].variantInterpretation.variationDescriptor"
    assert "interpretations[].progressStatus" in dropped
    assert "interpretations[].diagnosis.genomicInterpretations[].interpretationStatus" in dropped
    assert f"{vd}.moleculeContext" not in dropped  # transcript, as the reader derives it from c.
    assert f"{vd}.label" in dropped  # the cell text: the table keeps the expression only
    p.interpretations[0].diagnosis.genomic_interpretations[0].variant_interpretation.variation_descriptor \
        .molecule_context = 1  # genomic, for a c. expression
    assert f"{vd}.moleculeContext" in {i.context["column"] for i in make_table([p], "wide").issues}


@pytest.mark.parametrize(
    ("word", "state"),
    [("het (mat)", HET), ("het, de novo", HET), ("Het (paternal)", HET), ("homozygous (consanguineous)", HOM),
     ("hemi (X-linked, maternal)", HEMI), ("het (inherited from mother)", HET), ("compound het (mat/pat)", HET),
     ("heterozygot (väterlich)", HET)],
)
def test_zygosity_column_with_the_inheritance_keeps_both(word: str, state: dict[str, str]) -> None:
    """The zygosity is read; the inheritance words (no field in Phenopackets v2) stay in the description."""
    p, issues = _convert({"Variant": "NM_1.1:c.1A>G", "Zyg": word}, {"hgvs": "Variant", "zygosity": "Zyg"})
    assert _descriptors(p) == [{"expressions": [{"syntax": "hgvs.c", "value": "NM_1.1:c.1A>G"}],
                                "moleculeContext": "transcript", "allelicState": state, "description": word}]
    assert issues == []
    # the same words inside the variant cell: the zygosity is read and the cell is the label
    p, issues = _convert({"Variant": f"NM_1.1:c.1A>G {word}"}, {"hgvs": "Variant"})
    assert _descriptors(p)[0]["allelicState"] == state and _descriptors(p)[0]["label"] == f"NM_1.1:c.1A>G {word}"
    assert issues == []


@pytest.mark.parametrize("word", ["het mosaic", "het?", "het (mat) hom", "maternal"])
def test_zygosity_column_with_other_words_is_a_bad_cell(word: str) -> None:
    p, issues = _convert({"Variant": "NM_1.1:c.1A>G", "Zyg": word}, {"hgvs": "Variant", "zygosity": "Zyg"})
    assert "allelicState" not in _descriptors(p)[0] and "description" not in _descriptors(p)[0]
    assert issues == [("map-bad-cell", "MAP002", 2, "Zyg", word)]


def test_plain_zygosity_column_gives_no_description() -> None:
    p, _ = _convert({"Variant": "NM_1.1:c.1A>G", "Zyg": "het"}, {"hgvs": "Variant", "zygosity": "Zyg"})
    assert "description" not in _descriptors(p)[0]


def test_two_genes_in_one_cell_each_before_its_change() -> None:
    """'SCN1A c.… het' and 'KCNQ2 c.… het' on two lines of one cell: each variant gets its own gene."""
    r = parse_variant_cell("SCN1A c.2836C>T het\nKCNQ2 c.821C>T het")
    assert [(v.expressions[0].text, v.gene, v.zygosity) for v in r.variants] == [
        ("c.2836C>T", "SCN1A", "heterozygous"), ("c.821C>T", "KCNQ2", "heterozygous")]
    # genes that do not each stand before their change are not paired by guess
    r = parse_variant_cell("SCN1A KCNQ2 c.1A>G c.2T>C")
    assert [v.gene for v in r.variants] == [None, None]
    p, _ = _convert({"Variant": "SCN1A NM_001165963.4:c.2836C>T\nKCNQ2 NM_172107.4:c.821C>T"}, {"hgvs": "Variant"})
    assert [d.get("geneContext") for d in _descriptors(p)] == [{"symbol": "SCN1A"}, {"symbol": "KCNQ2"}]


def test_gene_hgnc_and_zygosity_cells_listing_one_value_per_variant() -> None:
    """'SCN1A; KCNQ2' beside 'c.1A>G; c.2T>C': each variant its gene (and HGNC id, zygosity), in order."""
    cols = {"Variant": "NM_1.1:c.1A>G; NM_2.1:c.2T>C", "Gene": "SCN1A; KCNQ2", "HGNC": "HGNC:10585 | HGNC:6296",
            "Zyg": "het (mat), hom"}
    block = {"hgvs": "Variant", "gene_symbol": "Gene", "hgnc_id": "HGNC", "zygosity": "Zyg"}
    p, issues = _convert(cols, block)
    assert [(d["geneContext"], d.get("allelicState"), d.get("description")) for d in _descriptors(p)] == [
        ({"valueId": "HGNC:10585", "symbol": "SCN1A"}, HET, "het (mat)"),
        ({"valueId": "HGNC:6296", "symbol": "KCNQ2"}, HOM, None)]
    assert issues == []
    # one HGNC id beside two genes belongs to neither for sure: not carried, named
    p, issues = _convert({**cols, "HGNC": "HGNC:10585"}, block)
    assert [d["geneContext"] for d in _descriptors(p)] == [{"symbol": "SCN1A"}, {"symbol": "KCNQ2"}]
    assert issues == [("map-bad-cell", "MAP002", 2, "HGNC", "HGNC:10585")]
    # two genes for one variant: not a gene symbol (was carried as the symbol 'SCN1A; KCNQ2')
    p, issues = _convert({"Variant": "NM_1.1:c.1A>G", "Gene": "SCN1A; KCNQ2"},
                         {"hgvs": "Variant", "gene_symbol": "Gene"})
    assert "geneContext" not in _descriptors(p)[0]
    assert issues == [("map-bad-cell", "MAP002", 2, "Gene", "SCN1A; KCNQ2")]


def test_a_zygosity_cell_with_its_inheritance_is_one_value_for_two_variants() -> None:
    p, issues = _convert({"Variant": "NM_1.1:c.1A>G; NM_2.1:c.2T>C", "Zyg": "het, de novo"},
                         {"hgvs": "Variant", "zygosity": "Zyg"})
    assert [d.get("allelicState") for d in _descriptors(p)] == [HET, HET] and issues == []
