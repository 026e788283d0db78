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


def _texts(ax) -> str:
    return " ".join(t.get_text() for t in ax.texts)


def test_plots_of_nothing_say_why(tmp_path, hpo) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    empty = CohortView([], hpo=hpo).summary()
    ax = empty.plot_terms()
    assert "no HPO term to plot" in _texts(ax) and "0 phenopackets" in _texts(ax)
    ax.figure.savefig(tmp_path / "t.png")
    assert "no organ system" in _texts(empty.plot_organ_systems())
    assert "no onset age in years of observed features" in _texts(empty.plot_onsets())
    assert "diseases" in _texts(empty.plot_onsets(of="diseases"))
    no_hpo = CohortView([]).summary()
    assert "without an HPO" in _texts(no_hpo.plot_organ_systems())
    plt.close("all")


def test_onsets_given_as_terms_are_named_when_no_age_is_plotted(tmp_path, hpo) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    (tmp_path / "p.json").write_text(
        '{"id": "p", "subject": {"id": "s"}, "phenotypicFeatures": [{"type": {"id": "HP:0001250", "label": '
        '"Seizure"}, "onset": {"ontologyClass": {"id": "HP:0003577", "label": "Congenital onset"}}}], "metaData": '
        '{"created": "2024-01-01T00:00:00Z", "createdBy": "x", "phenopacketSchemaVersion": "2.0"}}'
    )
    s = read_cohort(tmp_path, hpo=hpo).summary()
    text = _texts(s.plot_onsets())
    assert "1 phenopacket(s)" in text and "1 given as onset terms (.feature_onset_terms)" in text
    ax = s.plot_terms()
    assert not ax.texts and len(ax.patches) > 0  # a cohort with terms still gets its bars
    plt.close("all")
