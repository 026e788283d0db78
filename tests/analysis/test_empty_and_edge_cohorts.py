"""Cohorts a researcher meets before the interesting ones: empty, one packet, no features, only excluded ones.

Every public frame stays typed (numbers as numbers) however few rows it has; pandas makes every column of an
empty DataFrame ``object``, which broke ``df["observed"].sum()`` / plotting code in notebooks on an empty filter.
"""

from __future__ import annotations

import pandas as pd
import pytest

from phenotk.analysis import CohortView, read_cohort


def _ints(df: pd.DataFrame, cols: list[str]) -> None:
    for c in cols:
        assert str(df[c].dtype) == "int64", (c, df[c].dtype)


@pytest.mark.parametrize("with_hpo", [True, False])
def test_summary_frames_of_an_empty_cohort_are_typed(with_hpo: bool, hpo) -> None:
    c = CohortView([], hpo=hpo if with_hpo else None)
    s = c.summary()
    terms = s.terms_frame()
    assert len(terms) == 0
    _ints(terms, ["observed", "excluded", "observed_direct", "excluded_direct"])
    assert str(terms["observed_fraction"].dtype) == "float64"
    assert str(terms["id"].dtype) == "string"
    organ = s.organ_systems_frame()
    _ints(organ, ["observed", "excluded", "observed_direct", "excluded_direct", "only_excluded_below"])
    assert str(organ["system"].dtype) == "string"
    assert str(c.groupby("gene").sizes().dtype) == "int64"


def test_a_packet_without_features_gives_a_typed_terms_frame(tmp_path, hpo) -> None:
    (tmp_path / "p.json").write_text('{"id": "p", "subject": {"id": "s"}, "metaData": {"created": '
                                     '"2024-01-01T00:00:00Z", "createdBy": "x", "phenopacketSchemaVersion": "2.0"}}')
    s = read_cohort(tmp_path, hpo=hpo).summary()
    frame = s.terms_frame()
    assert len(frame) == 0 and str(frame["observed_fraction"].dtype) == "float64"
    assert str(frame["observed"].dtype) == "int64"


def test_genotype_phenotype_with_no_tested_term_is_typed(hpo) -> None:
    table = CohortView([], hpo=hpo).genotype_phenotype({"sex": "male"})
    df = table.frame
    assert len(df) == 0
    assert str(df["id"].dtype) == "string" and str(df["label"].dtype) == "string"
    _ints(df, ["male_observed", "male_measured", "rest_observed", "rest_measured"])
    for c in ("male_fraction", "rest_fraction", "p_value", "p_adjusted"):
        assert str(df[c].dtype) == "float64", c
