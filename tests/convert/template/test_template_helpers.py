"""Model helpers the template converters build on: ids, ages, variants, metadata, redundancy clean-up."""

from __future__ import annotations

import pytest

from phenotk.conversion.template.clean import remove_redundant
from phenotk.conversion.template.timecells import cell_time, normalize_iso8601, parse_cell_time
from phenotk.model.ids import safe_id, stable_token, store_packet_id
from phenotk.model.metadata import store_metadata
from phenotk.model.variants import (
    allele_count,
    allelic_state,
    genomic_variant_key,
    hgvs_variant_key,
    sv_variant_key,
)


@pytest.mark.parametrize(
    ("pmid", "individual", "expected"),
    [  # pairs seen in phenopacket-store (subject id → file stem)
        ("PMID:28239884", "Family 1 proband", "PMID_28239884_Family_1_proband"),
        ("PMID:26239674", "proband (III-3)", "PMID_26239674_proband_III_3"),
        ("PMID:28940424", "proband patient III: 9", "PMID_28940424_proband_patient_III_9"),
        ("PMID:35603789", "Patient 1 D24G/R82Q", "PMID_35603789_Patient_1_D24G_R82Q"),
    ],
)
def test_store_packet_id(pmid: str, individual: str, expected: str) -> None:
    assert store_packet_id(pmid, individual) == expected


def test_safe_id_and_stable_token() -> None:
    assert safe_id("a  b", "(c)") == "a_b_c"
    assert stable_token("x") == stable_token("x") and stable_token("x") != stable_token("y")
    assert len(stable_token("x")) == 24 and stable_token("x").isalnum()


@pytest.mark.parametrize(
    ("text", "iso"),
    [("P5Y0M0D", "P5Y"), ("P0Y0M3D", "P3D"), ("P0Y", "P0D"), ("P1Y6M", "P1Y6M"), ("p2m", "P2M")],
)
def test_iso_normalisation(text: str, iso: str) -> None:
    assert normalize_iso8601(text) == iso
    assert cell_time(parse_cell_time(text)) == iso


def test_gestational_and_onset_cells() -> None:
    ga = parse_cell_time("G32w4d")
    assert ga is not None and (ga.gestational_age.weeks, ga.gestational_age.days) == (32, 4)
    assert cell_time(ga) == "G32w4d"
    assert cell_time(parse_cell_time("G19w")) == "G19w"
    onset = parse_cell_time("Congenital onset")
    assert onset is not None and onset.ontology_class.id == "HP:0003577"
    assert parse_cell_time("na") is None and parse_cell_time("observed") is None


def test_variant_keys_match_the_store() -> None:
    # keys copied from templates/AAGAB and templates/ABCA4 and templates/TMEM216
    assert hgvs_variant_key("c.870+1G>A", "AAGAB", "NM_024666.5") == "c870_1GtoA_AAGAB_NM_024666v5"
    assert hgvs_variant_key("c.1938-1G>A", "ABCA4", "NM_000350.3") == "c1938_1GtoA_ABCA4_NM_000350v3"
    assert hgvs_variant_key("c.506_507insAA", "AAGAB", "NM_024666.5") == "c506_507insAA_AAGAB_NM_024666v5"
    assert genomic_variant_key("NC_000011.10:g.61392563G>A") == "NC_000011_10_g61392563GtoA"
    label = "large deletion of unknown size, encompassing exon 14 and flanked by exons 10 and 17"
    assert sv_variant_key("ABCA4", "DEL", label) == (
        "ABCA4_DEL_large-deletion-of-unknown-size,-encompassing-exon-14-and-flanked-by-exons-10-and-17"
    )


def test_allelic_state() -> None:
    assert allelic_state(2).label == "homozygous"
    assert allelic_state(1, "chr15").label == "heterozygous"
    assert allelic_state(1, "chrX").label == "hemizygous"  # phetools rule, whatever the sex
    assert allelic_state(1, "X", "FEMALE").label == "heterozygous"  # when the caller wants sex to count
    assert allele_count(allelic_state(2)) == 2 and allele_count(allelic_state(1, "X")) == 1


def test_store_metadata_order_and_reference() -> None:
    md = store_metadata(created="2025-01-01T00:00:00Z", created_by="me", hpo_version="2025-09-01", pmid="PMID:1")
    assert [r.id for r in md.resources] == ["hp", "geno", "so", "omim", "hgnc"]
    assert md.resources[0].version == "2025-09-01" and md.external_references[0].id == "PMID:1"


# tiny ontology: 1 > 2 > 3 (3 is the most specific)
_ANC = {"1": set(), "2": {"1"}, "3": {"1", "2"}}


def test_remove_redundant_observed_ancestor() -> None:
    out = remove_redundant([("1", False, ""), ("3", False, ""), ("2", False, "")], lambda t: _ANC.get(t, set()))
    assert out == [("3", False, "")]


def test_remove_redundant_excluded_descendant_and_conflict() -> None:
    feats = [("1", True, ""), ("3", True, ""), ("2", False, ""), ("x", True, "")]
    # excluded 3 is implied by excluded 1; excluded 1 conflicts with observed 2 → both go; unknown x stays
    assert remove_redundant(feats, lambda t: _ANC.get(t, set())) == [("2", False, ""), ("x", True, "")]


def test_remove_redundant_by_onset_groups() -> None:
    feats = [("1", False, "P1Y"), ("3", False, "P2Y")]
    assert remove_redundant(feats, lambda t: _ANC.get(t, set()), by_onset=True) == feats
    assert remove_redundant(feats, lambda t: _ANC.get(t, set())) == [("3", False, "P2Y")]
