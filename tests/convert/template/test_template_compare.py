"""Comparison with phenopacket-store: the X-allele rule of the converter, builder eras, causes of differences."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from phenopackets import Phenopacket, Sex
from template_corpus.compare import (
    ERA_FEMALE_X,
    ERA_PROTEIN,
    HEMIZYGOUS,
    HETEROZYGOUS,
    BuilderEras,
    builder_eras,
    differences,
    era_normalised,
    mapped_fields,
    variant_cause,
)
from template_corpus.corpus import _xlsx_causes, compare_json_corpus, current_statuses

from phenotk.conversion.base import ConvertOptions
from phenotk.conversion.template.cohort_json import cohort_to_packets
from phenotk.conversion.template.xlsx import template_hpo_columns

CREATED = "2025-01-01T00:00:00Z"
X_KEY = "c100CtoT_GENE_NM_1v1"


def _cohort(sex: str, count: int, chrom: str = "chrX", p_hgvs: str = "NP_1.1:p.(Arg34Ter)") -> dict[str, Any]:
    variant = {
        "assembly": "hg38",
        "chr": chrom,
        "position": 1000,
        "refAllele": "C",
        "altAllele": "T",
        "symbol": "GENE",
        "hgncId": "HGNC:1",
        "hgvs": "c.100C>T",
        "transcript": "NM_1.1",
        "gHgvs": "NC_000023.11:g.1000C>T",
        "variantKey": X_KEY,
    }
    if p_hgvs:
        variant["pHgvs"] = p_hgvs
    return {
        "cohortType": "mendelian",
        "diseaseList": [{"diseaseId": "OMIM:300000", "diseaseLabel": "X disease"}],
        "hpoHeaders": [{"hpoLabel": "Seizure", "hpoId": "HP:0001250"}],
        "rows": [
            {
                "individualData": {"pmid": "PMID:1", "title": "t", "individualId": "P1", "sex": sex},
                "diseaseIdList": ["OMIM:300000"],
                "alleleCountMap": {X_KEY: count},
                "hpoData": [{"type": "Observed"}],
            }
        ],
        "hgvsVariants": {X_KEY: variant},
        "structuralVariants": {
            "GENE_DEL_x": {"label": "deletion of exon 2", "svType": "DEL", "chromosome": "X", "geneSymbol": "GENE"}
        },
    }


def _packet(cohort: dict[str, Any], created: str = CREATED) -> Phenopacket:
    item = next(cohort_to_packets(cohort, "t.json", ConvertOptions(created=created)))
    assert isinstance(item.message, Phenopacket)
    return item.message


def _state(packet: Phenopacket) -> str:
    gi = packet.interpretations[0].diagnosis.genomic_interpretations[0]
    return str(gi.variant_interpretation.variation_descriptor.allelic_state.id)


@pytest.mark.parametrize(
    ("sex", "count", "chrom", "state"),
    [
        ("F", 1, "chrX", HETEROZYGOUS),  # a woman has two X chromosomes: one variant allele is heterozygous
        ("M", 1, "chrX", HEMIZYGOUS),
        ("U", 1, "chrX", HEMIZYGOUS),  # sex unknown: the phetools rule
        ("F", 2, "chrX", "GENO:0000136"),
        ("M", 1, "chr7", HETEROZYGOUS),
    ],
)
def test_single_x_allele_follows_sex(sex: str, count: int, chrom: str, state: str) -> None:
    assert _state(_packet(_cohort(sex, count, chrom))) == state


def test_structural_x_allele_follows_sex() -> None:
    cohort = _cohort("F", 1)
    cohort["rows"][0]["alleleCountMap"] = {"GENE_DEL_x": 1}
    assert _state(_packet(cohort)) == HETEROZYGOUS
    cohort["rows"][0]["individualData"]["sex"] = "M"
    assert _state(_packet(cohort)) == HEMIZYGOUS


def _store_like(packet: Phenopacket, created: str, *, state: str | None = None, protein: bool = True) -> Phenopacket:
    """A copy of ``packet`` as an older builder may have written it."""
    out = copy.deepcopy(packet)
    ts = Timestamp()
    ts.FromJsonString(created)
    out.meta_data.created.CopyFrom(ts)
    vd = out.interpretations[0].diagnosis.genomic_interpretations[0].variant_interpretation.variation_descriptor
    if state:
        vd.allelic_state.id = state
    if not protein:
        kept = [e for e in vd.expressions if e.syntax != "hgvs.p"]
        del vd.expressions[:]
        vd.expressions.extend(kept)
    return out


def test_builder_eras_come_from_the_store() -> None:
    female = _packet(_cohort("F", 1))
    old = _store_like(female, "2025-09-01T00:00:00Z", state=HEMIZYGOUS, protein=False)
    protein = _store_like(female, "2025-10-07T14:51:50Z", state=HEMIZYGOUS)
    new = _store_like(female, "2026-06-09T09:00:49Z")
    eras = builder_eras([new, old, protein])
    assert eras.describe() == (
        "first hgvs.p 2025-10-07T14:51:50Z, first heterozygous X variant in a female 2026-06-09T09:00:49Z"
    )
    assert builder_eras([old]) == BuilderEras(None, None)


def test_era_normalisation_judges_old_packets_by_their_era() -> None:
    produced = _packet(_cohort("F", 1))
    old = _store_like(produced, "2025-09-01T00:00:00Z", state=HEMIZYGOUS, protein=False)
    eras = builder_eras([old, _store_like(produced, "2026-06-09T09:00:49Z")])
    a, b = mapped_fields(produced), mapped_fields(old)
    assert len(differences(a, b)) == 1  # strict: hgvs.p and the allelic state differ
    a2, b2, causes = era_normalised(a, b, old, eras)
    assert causes == [ERA_PROTEIN, ERA_FEMALE_X] and differences(a2, b2) == []
    # a packet from the current era is judged strictly: same differences stay
    late = _store_like(produced, "2026-06-20T00:00:00Z", state=HEMIZYGOUS, protein=False)
    a3, b3, causes = era_normalised(a, mapped_fields(late), late, eras)
    assert causes == [] and differences(a3, b3) == differences(a, mapped_fields(late))
    # the X tolerance is for women only: a man's heterozygous X variant stays a difference
    man = _packet(_cohort("M", 1))
    wrong = _store_like(man, "2025-09-01T00:00:00Z", state=HETEROZYGOUS)
    _, _, causes = era_normalised(mapped_fields(man), mapped_fields(wrong), wrong, eras)
    assert ERA_FEMALE_X not in causes


def test_variant_causes() -> None:
    blank = _cohort("M", 1)
    blank["hgvsVariants"][X_KEY]["hgvs"] = " c.100C>T"  # a stray blank in the table
    produced = _packet(blank)
    assert mapped_fields(produced) == mapped_fields(_packet(_cohort("M", 1)))  # the converter trims it
    stored = copy.deepcopy(produced)
    vd = stored.interpretations[0].diagnosis.genomic_interpretations[0].variant_interpretation.variation_descriptor
    vd.expressions[0].value = "NM_1.1: c.100C>T"  # what the store wrote from such a row
    assert variant_cause(mapped_fields(produced), mapped_fields(stored)) == "store-hgvs-whitespace"
    hom = _store_like(produced, CREATED, state="GENO:0000136")
    assert variant_cause(mapped_fields(produced), mapped_fields(hom)) == "allelic-state-differs"
    two = _cohort("M", 1, chrom="chr7")
    two["rows"][0]["alleleCountMap"]["GENE_DEL_x"] = 1
    one = _packet(_cohort("M", 1, chrom="chr7"))
    assert variant_cause(mapped_fields(_packet(two)), mapped_fields(one)) == "store-lacks-table-variant"
    assert variant_cause(mapped_fields(one), mapped_fields(_packet(two))) == ""  # the store has more: no label


def test_json_causes_on_a_small_corpus(tmp_path: Path) -> None:
    gene = tmp_path / "GENE"
    gene.mkdir()
    cohort = _cohort("M", 1)
    cohort["rows"][0]["alleleCountMap"] = {"no_such_key": 1}
    (gene / "GENE_X_individuals.json").write_text(json.dumps(cohort))
    store_packet = _packet(_cohort("M", 1))
    extra = store_packet.phenotypic_features.add()
    extra.type.id = "HP:0000001"  # a term the table has no column for
    store = {("GENE", "PMID:1", "P1"): store_packet}
    result = compare_json_corpus([gene / "GENE_X_individuals.json"], store, ConvertOptions(created=CREATED))
    assert result.matched == 1 and result.identical == 0
    assert result.explained == {"table-dropped-column": 1}
    store_packet.phenotypic_features.pop()
    result = compare_json_corpus([gene / "GENE_X_individuals.json"], store, ConvertOptions(created=CREATED))
    assert result.explained == {"table-variant-missing": 1} and "[table-variant-missing]" in result.lines[0]


def test_xlsx_causes_follow_the_current_table() -> None:
    ours = {"observed": {"HP:1", "HP:2"}, "excluded": {"HP:5"}, "sex": Sex.MALE, "diseases": ["OMIM:1"]}
    store = {**ours, "observed": {"HP:1", "HP:3"}, "excluded": {"HP:4", "HP:5", "HP:6"}}
    raw = {"HP:1": "observed", "HP:2": "observed", "HP:4": "observed", "HP:5": "excluded", "HP:6": "excluded"}
    table = {"HP:1": "observed", "HP:3": "observed", "HP:4": "excluded", "HP:5": "excluded", "HP:6": "excluded"}
    table |= {"#sex": "M", "#diseases": "OMIM:1"}
    recorded = {"HP:1", "HP:2", "HP:4", "HP:5", "HP:6"}
    causes = _xlsx_causes(ours, store, raw, {"HP:6"}, recorded, table)
    # HP:2 gone from the table, HP:3 has no column in the sheet, HP:4 re-curated, HP:6 kept by the table
    assert causes == {"table-dropped-term", "sheet-lacks-column", "re-curated", "table-keeps-redundant"}
    assert _xlsx_causes(ours, store, raw, set(), recorded, table) >= {"unexplained"}  # HP:6 not removed by us
    assert _xlsx_causes(ours, store, raw, {"HP:6"}, recorded, None) == {"unexplained"}
    other = {**store, "diseases": ["OMIM:2"], "observed": ours["observed"], "excluded": ours["excluded"]}
    assert _xlsx_causes(ours, other, raw, set(), recorded, {**table, "#diseases": "OMIM:2"}) == {"re-curated"}
    assert _xlsx_causes(ours, other, raw, set(), recorded, table) == {"unexplained"}  # store ≠ table


def test_current_statuses_keep_na_columns(tmp_path: Path) -> None:
    gene = tmp_path / "GENE"
    gene.mkdir()
    cohort = _cohort("M", 1)
    cohort["hpoHeaders"].append({"hpoLabel": "Microcephaly", "hpoId": "HP:0000252"})
    cohort["rows"][0]["hpoData"].append({"type": "Na"})
    (gene / "GENE_X_individuals.json").write_text(json.dumps(cohort))
    statuses = current_statuses([gene / "GENE_X_individuals.json"])
    assert statuses[("GENE", "PMID:1", "P1")] == {
        "HP:0001250": "observed",
        "HP:0000252": "na",
        "#diseases": "OMIM:300000",
        "#sex": "M",
    }


def test_sheet_columns_of_a_real_template(templates_dir: Path, cohort_jsons: list[Path], hpo_index) -> None:
    """NEK8's sheet predates the cohort JSON column HP:0000113 (Polycystic kidney dysplasia)."""
    sheet = templates_dir / "NEK8" / "NEK8_PKD8_individuals.xlsx"
    columns = template_hpo_columns(sheet, ConvertOptions(ontology=hpo_index, extra={"clean": "pyphetools"}))
    table = json.loads(next(p for p in cohort_jsons if p.parent.name == "NEK8").read_text())
    assert "HP:0000113" not in columns
    assert "HP:0000113" in {h["hpoId"] for h in table["hpoHeaders"]}
    assert len(columns) > 10 and all(c.startswith("HP:") for c in columns)


def test_a_position_that_is_not_an_integer_is_reported_and_read_as_zero() -> None:
    data = _cohort("F", 1)
    key = next(iter(data["hgvsVariants"]))
    data["hgvsVariants"][key]["position"] = "text"
    converted = list(cohort_to_packets(data, "c.json", ConvertOptions()))
    bad = [i for c in converted for i in c.issues if i.pointer == f"/hgvsVariants/{key}/position"]
    assert len(bad) == 1 and "'text', not an integer; read as 0" in bad[0].message
    packet = next(c.message for c in converted if c.message is not None)
    assert packet is not None
    vcf = packet.interpretations[0].diagnosis.genomic_interpretations[0].variant_interpretation
    assert vcf.variation_descriptor.vcf_record.pos == 0
