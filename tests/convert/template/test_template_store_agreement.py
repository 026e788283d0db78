"""Whole-corpus agreement with phenopacket-store: every cohort JSON and every pyphetools template.

Every difference is written to tests/_artifacts/template-*-differences.txt (with its cause) and summarised on
stdout. The comparisons and causes are documented in benchmarks/template_corpus/corpus.py; the rates asserted are
the ones measured (benchmarks/templates.py prints the same numbers).

Cohort JSON (7,612 matched individuals): strict identity 94.77 %; on the documented comparison (each store
packet judged by the conventions of its builder era: hgvs.p only where that era writes it — 305 packets; a
woman's single X allele heterozygous, written hemizygous before 2026-06 — 73 packets) 99.74 %. The 20 left:
7 table-variant-missing (IRF4: the rows name a variant key the table no longer defines), 3 table-dropped-column
(NRL: the packets carry terms the table has no column for any more), 1 store-hgvs-whitespace (SNAP29), and two
disagreements no rule explains: 5 store-lacks-table-variant (EIF4A2, ITPR1, SPTA1, TRPS1 — the packet has one of
the row's two variants; all five diseases list autosomal dominant inheritance) and 4 allelic-state-differs
(ADAMTS10: the table counts one allele, the packet says homozygous).

Excel templates (4,939 matched): strict 94.94 %; on the terms the sheet records 95.69 %; among the individuals
whose current table row still agrees with the sheet 99.07 % (the 97 % floor is met on this comparison only: the
other rows were re-curated after the sheet was frozen, which a sheet cannot reproduce).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from template_corpus.compare import ERA_FEMALE_X, ERA_PROTEIN
from template_corpus.corpus import (
    BUILDER_ERA,
    JSON_CAUSES,
    JSON_DISAGREEMENTS,
    NOT_RECURATED,
    SHEET_TERMS,
    XLSX_CAUSES,
    compare_json_corpus,
    compare_xlsx_corpus,
    current_statuses,
)

from phenotk.conversion.base import ConvertOptions

CREATED = "2025-01-01T00:00:00Z"


def _dump(artifacts: Path, name: str, lines: list[str], summary: str) -> None:
    (artifacts / f"template-{name}-differences.txt").write_text(summary + "\n" + "\n".join(lines) + "\n")
    print(summary)


@pytest.mark.slow
def test_every_cohort_json_matches_the_store(cohort_jsons: list[Path], store_index: dict, artifacts: Path) -> None:
    assert len(cohort_jsons) == 643
    result = compare_json_corpus(cohort_jsons, store_index, ConvertOptions(created=CREATED))
    _dump(artifacts, "json", result.lines, result.summary("cohort JSON"))
    assert result.errors == []
    assert result.matched >= 7600  # 7,612 of 7,617 rows have a store packet with the same PMID + subject id
    # every difference is listed: one line per differing individual, plus the rows without a store packet
    differing = result.matched - result.identical
    assert len([line for line in result.lines if "no store packet" not in line]) == differing
    assert set(result.eras) <= {ERA_PROTEIN, ERA_FEMALE_X}
    assert set(result.explained) <= set(JSON_CAUSES) and set(result.disagreements) <= set(JSON_DISAGREEMENTS)
    assert result.unexplained == 0
    assert result.view_rate(BUILDER_ERA) >= 0.995  # measured 99.74 %
    assert sum(result.disagreements.values()) <= 9
    assert result.rate >= 0.947  # strict, measured 94.77 %


def _xlsx_check(tables: list[Path], store_index: dict, hpo_index, cohort_jsons: list[Path], templates_dir: Path):
    options = ConvertOptions(created=CREATED, ontology=hpo_index, extra={"clean": "pyphetools"})
    return compare_xlsx_corpus(tables, store_index, options, current_statuses(cohort_jsons), templates_dir)


def test_sample_of_excel_templates_matches_the_store(
    templates_dir: Path, store_index: dict, hpo_index, cohort_jsons: list[Path]
) -> None:
    tables = sorted(templates_dir.glob("*/*_individuals.xlsx"))[::12]  # deterministic stratified sample A…Z
    result = _xlsx_check(tables, store_index, hpo_index, cohort_jsons, templates_dir)
    print(result.summary("pyphetools xlsx sample"))
    assert result.files >= 30 and result.matched >= 300
    assert result.unexplained == 0
    # measured 89.2 %: tbx5 falls in the sample (32 rows where its table keeps excluded terms below excluded ones)
    assert result.view_rate(NOT_RECURATED) >= 0.89


@pytest.mark.slow
def test_every_excel_template_matches_the_store(
    templates_dir: Path, store_index: dict, hpo_index, cohort_jsons: list[Path], artifacts: Path
) -> None:
    tables = sorted(templates_dir.glob("**/*.xlsx"))
    assert len(tables) == 457
    result = _xlsx_check(tables, store_index, hpo_index, cohort_jsons, templates_dir)
    _dump(artifacts, "xlsx", result.lines, result.summary("pyphetools xlsx"))
    assert result.files == 414  # the other 43 are supplementary input sheets, not templates
    assert result.errors == []
    assert result.matched >= 4900
    assert len(result.lines) == result.matched - result.identical  # every difference is listed
    assert {c for label in result.explained for c in label.split("+")} <= set(XLSX_CAUSES)
    assert result.unexplained == 0
    assert result.view_rate(NOT_RECURATED) >= 0.97  # measured 99.07 % (4,689 of 4,733)
    assert result.view_rate(SHEET_TERMS) >= 0.956  # measured 95.69 %
    assert result.rate >= 0.949  # strict, measured 94.94 %
