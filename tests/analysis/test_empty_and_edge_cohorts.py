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


def _packet(pid: str, last: str = "", onset: str = "", disease_onset: str = "") -> str:
    subject = f'"subject": {{"id": "{pid}"{", " + last if last else ""}}}'
    feature = f'{{"type": {{"id": "HP:0001250", "label": "Seizure"}}{", " + onset if onset else ""}}}'
    disease = f'{{"term": {{"id": "OMIM:1", "label": "d"}}{", " + disease_onset if disease_onset else ""}}}'
    return (f'{{"id": "{pid}", {subject}, "phenotypicFeatures": [{feature}], "diseases": [{disease}], '
            '"metaData": {"created": "2024-01-01T00:00:00Z", "createdBy": "x", "phenopacketSchemaVersion": "2.0"}}')


def test_times_that_are_not_years_are_counted_not_dropped(tmp_path, hpo) -> None:
    """The store has 28 ages at last encounter and 101 feature onsets given as gestational ages: they were left
    out of the age statistics without a word (n=5952 read as 'every age')."""
    from phenotk.analysis import merge_summaries

    gest = '"gestationalAge": {"weeks": 33, "days": 2}'
    cases = {
        "iso": _packet("iso", '"timeAtLastEncounter": {"age": {"iso8601duration": "P2Y"}}',
                       '"onset": {"age": {"iso8601duration": "P1Y"}}'),
        "gest": _packet("gest", f'"timeAtLastEncounter": {{{gest}}}', f'"onset": {{{gest}}}',
                        f'"onset": {{{gest}}}'),
        "range": _packet("range", '"timeAtLastEncounter": {"ageRange": {"start": {"iso8601duration": "P1Y"}, '
                                  '"end": {"iso8601duration": "P3Y"}}}',
                         '"onset": {"ageRange": {"start": {"iso8601duration": "P1Y"}, "end": '
                         '{"iso8601duration": "P3Y"}}}'),
        "ts": _packet("ts", '"timeAtLastEncounter": {"timestamp": "2020-01-01T00:00:00Z"}',
                      '"onset": {"timestamp": "2019-01-01T00:00:00Z"}'),
        "class": _packet("class", '"timeAtLastEncounter": {"ontologyClass": {"id": "HP:0011463", "label": '
                                  '"Childhood onset"}}',
                         '"onset": {"ontologyClass": {"id": "HP:0003577", "label": "Congenital onset"}}'),
        "bad": _packet("bad", '"timeAtLastEncounter": {"age": {"iso8601duration": "2 years"}}'),
    }
    for name, text in cases.items():
        (tmp_path / f"{name}.json").write_text(text)
    s = read_cohort(tmp_path, hpo=hpo).summary()
    assert s.ages_years == [2.0] and s.feature_onset_years == [1.0]
    assert s.not_in_years == {
        "age_at_last_encounter": {"gestational_age": 1, "age_range": 1, "timestamp": 1, "ontology_class": 1,
                                  "unreadable_age": 1},
        "feature_onsets": {"gestational_age": 1, "age_range": 1, "timestamp": 1},
        "disease_onsets": {"gestational_age": 1},
    }
    assert s.feature_onset_terms == {"Congenital onset": 1}  # onset classes stay where they were
    assert "not in years: " in s.to_text() and "1 gestational age" in s.to_text() and "1 unreadable age" in repr(s)
    assert "not in years" in s._repr_html_()
    assert s.to_dict()["not_in_years"] == s.not_in_years
    merged = merge_summaries([s, s])
    assert merged.not_in_years["age_at_last_encounter"]["gestational_age"] == 2


def test_a_file_named_twice_is_read_once_and_duplicate_ids_are_shown(tmp_path) -> None:
    """read_cohort([folder, folder/a.json]) counted a.json twice without a word; packets sharing an id (the v1
    folder upgraded next to its v2 counterparts: 'comprehensive-phenopacket-id' 9 times) were not pointed out."""
    (tmp_path / "a.json").write_text(_packet("same"))
    (tmp_path / "b.json").write_text(_packet("same"))
    (tmp_path / "c.json").write_text(_packet("other"))
    c = read_cohort([tmp_path, tmp_path / "a.json", str(tmp_path / "*.json")])
    assert len(c) == 3 and c.summary().packets == 3
    assert any("named more than once, read once" in n for n in c.notes)
    dup = c.duplicate_ids()
    assert dup.to_dict() == {"same": 2} and str(dup.dtype) == "int64"
    assert "1 packet id(s) found more than once, 2 packets (.duplicate_ids())" in repr(c)
    assert ".duplicate_ids()" in c._repr_html_()
    only = c.filter(lambda p: p.id == "other")
    assert len(only.duplicate_ids()) == 0 and "more than once, 2" not in repr(only)


def test_summary_term_answers_an_alternative_id_like_filter_does(tmp_path, hpo) -> None:
    """summary.term('HP:0001388') (an alt id of Joint hypermobility HP:0001382) was None on the store while
    filter(term='HP:0001388') found 391 packets; the docstring promised 'as written, or its primary id'."""
    import pickle

    (tmp_path / "a.json").write_text(_packet("a").replace("HP:0001250", "HP:0001382").replace("Seizure", "J"))
    c = read_cohort(tmp_path, hpo=hpo)
    s = c.summary()
    assert hpo.primary_id("HP:0001388") == "HP:0001382"
    row = s.term("HP:0001388")
    assert row is not None and row.id == "HP:0001382" and row.observed == len(c.filter(term="HP:0001388")) == 1
    assert s.term("HP:0001250") is None  # a term no packet has
    assert pickle.loads(pickle.dumps(s)).hpo is None  # Dask partitions do not ship the ontology back


def test_filter_values_that_can_match_nothing_are_refused(tmp_path, hpo) -> None:
    """filter(term='Seizure'), filter(sex='M'), filter(variant_effect='Missense') returned an empty view without a
    word (on FBN1: 0, 0, 0 packets, where 'HP:0001250', 'male', 'missense' find packets)."""
    (tmp_path / "a.json").write_text(_packet("a").replace('"id": "a"}', '"id": "a", "sex": "MALE"}', 1))
    c = read_cohort(tmp_path, hpo=hpo)
    with pytest.raises(ValueError, match="use 'HP:0001250'"):
        c.filter(term="Seizure")
    with pytest.raises(ValueError, match="excluded_term takes HPO ids"):
        c.filter(excluded_term=["HP:0001250", "seizure"])
    with pytest.raises(ValueError, match="load an HPO"):
        CohortView(c.packets).filter(term="Seizure")
    with pytest.raises(ValueError, match="sex must be one of male, female, other, unknown; not 'M'"):
        c.filter(sex="M")
    with pytest.raises(ValueError, match="variant_effect must be one of missense"):
        c.filter(variant_effect="missence")
    assert len(c.filter(term="HP:0001250", sex=["Male", "UNKNOWN_SEX"])) == 1
    assert len(c.filter(variant_effect="Missense")) == 0  # any case; this packet has no variant
    with pytest.raises(ValueError, match="sex must be"):
        c.genotype_phenotype({"sex": "M"})


def test_show_draws_a_family_or_cohort_as_escaped_cards() -> None:
    """show(family) returned the protobuf message itself: Jupyter printed its whole text format."""
    from phenopackets import Cohort, Family, Phenopacket

    import phenotk

    proband = Phenopacket(id="<script>p</script>")
    proband.subject.id = "s<1>"
    fam = Family(id="fam", proband=proband, relatives=[Phenopacket(id="mother")])
    page = phenotk.show(fam)._repr_html_()
    assert "Family fam: 2 phenopacket(s)" in page and "&lt;script&gt;p&lt;/script&gt;" in page and "mother" in page
    assert "<script>" not in page
    cohort = Cohort(id="c", members=[Phenopacket(id=f"m{i}") for i in range(25)])
    page = phenotk.show(cohort)._repr_html_()
    assert page.count("<b>m") == 20 and "… 5 more phenopacket(s)" in page
    assert repr(phenotk.show(cohort)) == "<Cohort c: 25 phenopacket(s)>"


def test_term_matrix_of_a_long_frame_is_refused(tmp_path) -> None:
    """term_matrix(long frame) gave a (features × 0) matrix without a word."""
    from phenotk.analysis import term_matrix

    (tmp_path / "a.json").write_text(_packet("a"))
    c = read_cohort(tmp_path)
    with pytest.raises(ValueError, match="needs a wide frame"):
        term_matrix(c.to_dataframe("long"))
    with pytest.raises(ValueError, match="needs a wide frame"):
        term_matrix(pd.DataFrame(c.to_dataframe("long")))  # attrs lost: recognised by its columns
    m = term_matrix(c.to_dataframe())
    assert m.shape == (1, 1) and m.loc["a", "HP:0001250"]


def test_genotype_phenotype_groups_with_the_same_name_get_distinct_columns(tmp_path, hpo) -> None:
    """Two predicates (or the same criteria twice) were both named after their criteria / 'A' and 'rest', and
    equal names gave a frame with duplicate columns (male_observed twice)."""
    from phenotk.analysis import genotype_phenotype

    (tmp_path / "a.json").write_text(_packet("a"))
    c = read_cohort(tmp_path, hpo=hpo)
    t = c.genotype_phenotype({"term": "HP:0001250"}, {"term": "HP:0001250"})
    assert t.frame.columns.is_unique and t.names == ("HP:0001250_A", "HP:0001250_B")
    t = c.genotype_phenotype(lambda p: True, lambda p: False)
    assert t.names == ("A", "B")
    with pytest.raises(ValueError, match="different names"):
        genotype_phenotype(c.packets, [], names=("x", "x"))


def test_genotype_phenotype_terms_take_one_id_or_ids_not_labels(tmp_path, hpo) -> None:
    """terms='HP:0001250' was read letter by letter and terms=['Seizure'] matched nothing: 0 rows, no word."""
    for i, sex in enumerate(["MALE", "MALE", "FEMALE", "FEMALE"]):
        text = _packet(f"p{i}").replace(f'"id": "p{i}"}}', f'"id": "p{i}", "sex": "{sex}"}}', 1)
        (tmp_path / f"p{i}.json").write_text(text)
    c = read_cohort(tmp_path, hpo=hpo)
    t = c.genotype_phenotype({"sex": "male"}, terms="HP:0001250")
    assert t.frame["id"].tolist() == ["HP:0001250"] and t.frame["male_observed"].tolist() == [2]
    with pytest.raises(ValueError, match="terms takes HPO ids"):
        c.genotype_phenotype({"sex": "male"}, terms=["Seizure"])
    from phenotk.analysis import genotype_phenotype

    t = genotype_phenotype(c.packets[:2], c.packets[2:], hpo=hpo, terms="HP:0001250")
    assert t.frame["id"].tolist() == ["HP:0001250"]


def test_top_zero_means_zero(tmp_path, hpo) -> None:
    """top_terms(0) and plot_terms(top=0) gave the default 20 terms; top_terms(-1) all but the last."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    (tmp_path / "a.json").write_text(_packet("a"))
    s = read_cohort(tmp_path, hpo=hpo).summary(top=2)
    assert s.top_terms(0) == [] and len(s.top_terms()) == 2
    with pytest.raises(ValueError, match="0 or more"):
        s.top_terms(-1)
    ax = s.plot_terms(top=0)
    assert not ax.patches and "top=0" in _texts(ax)
    assert len(s.plot_terms().patches) == 2 * 2
    plt.close("all")


def test_packets_without_id_are_named_in_reprs() -> None:
    """The upgraded v1 folder has 19 packets without id (family relatives): the repr read 'HPO not loaded: x, , ,'."""
    from phenopackets import Phenopacket

    import phenotk

    c = CohortView([Phenopacket(id="x"), Phenopacket(), Phenopacket()])
    assert ": x, (no id), (no id))" in repr(c)
    assert "<b>(no id)</b>" in phenotk.show(Phenopacket())._repr_html_()
