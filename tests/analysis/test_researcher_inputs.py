"""What a researcher hands the analysis functions in a notebook: odd packets, families, wrong argument types.

Synthetic packets only. A wrong argument gives a ``TypeError`` naming what was given and what is taken (before:
``'int' object is not iterable``, ``'str' object has no attribute 'subject'``, or a frame's column names read as
file names); an input that is read is never turned into a value it did not state.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from phenopackets import Cohort, Family, Phenopacket

import phenotk
from phenotk.analysis import CohortView, merge_summaries, read_cohort, summarize, term_matrix

META = {"created": "2024-01-01T00:00:00Z", "createdBy": "x", "phenopacketSchemaVersion": "2.0"}


def _packet(pid: str, *features: dict[str, Any], **subject: Any) -> dict[str, Any]:
    return {"id": pid, "subject": {"id": f"s_{pid}", **subject}, "phenotypicFeatures": list(features),
            "metaData": META}


def _feature(tid: str, **kw: Any) -> dict[str, Any]:
    return {"type": {"id": tid, "label": f"term {tid}"}, **kw}


def test_an_onset_age_that_is_no_iso_duration_is_not_an_onset_term() -> None:
    """An onset written as age '3 years' (no ISO 8601 duration) showed up as onset_term '3 years': the summary
    counts it as an unreadable age, the frame made it an onset class. It stays in the text column only."""
    bad_age = {"age": {"iso8601duration": "3 years"}}
    named = {"ontologyClass": {"id": "HP:0003577", "label": "Congenital onset"}}
    other = {"ontologyClass": {"id": "HP:9999999", "label": "Some onset"}}
    no_label = {"ontologyClass": {"id": "HP:0003577"}}
    packet = _packet("p", _feature("HP:0001250", onset=bad_age), _feature("HP:0001251", onset=named),
                     _feature("HP:0001252", onset=other), _feature("HP:0001253", onset=no_label),
                     _feature("HP:0001254", onset={"age": {"iso8601duration": "P10W"}}),
                     _feature("HP:0001255", onset={"gestationalAge": {"weeks": 33, "days": 2}}))
    packet["diseases"] = [{"term": {"id": "OMIM:1", "label": "d"}, "onset": bad_age}]
    long = phenotk.to_dataframe([packet], layout="long").set_index("hpo_id")
    assert long.loc["HP:0001250", "onset"] == "3 years"
    assert pd.isna(long.loc["HP:0001250", "onset_term"]) and pd.isna(long.loc["HP:0001250", "onset_age_years"])
    assert long.loc["HP:0001251", "onset_term"] == "Congenital onset"
    assert long.loc["HP:0001252", "onset_term"] == "Some onset (HP:9999999)"
    assert long.loc["HP:0001253", "onset_term"] == "HP:0003577"
    assert pd.isna(long.loc["HP:0001254", "onset_term"])
    assert long.loc["HP:0001254", "onset_age_years"] == pytest.approx(70 / 365.25)
    assert pd.isna(long.loc["HP:0001255", "onset_term"]) and pd.isna(long.loc["HP:0001255", "onset_age_years"])
    wide = phenotk.to_dataframe([packet])
    assert wide.loc[0, "disease_1_onset"] == "3 years" and pd.isna(wide.loc[0, "disease_1_onset_term"])
    s = summarize([phenotk.read(packet)])
    assert s.not_in_years["disease_onsets"] == {"unreadable_age": 1}
    assert s.feature_onset_terms == {"Congenital onset": 1, "Some onset": 1, "HP:0003577": 1}


def test_summarize_takes_what_to_dataframe_takes(tmp_path: Path) -> None:
    """summarize(families) and summarize("folder/") ended in AttributeError: 'str'/'Family' object has no
    attribute 'subject'; dicts too. Families and cohorts count their members, like read_cohort and to_dataframe."""
    a = _packet("a", _feature("HP:0001250"), sex="FEMALE")
    b = _packet("b", _feature("HP:0001250", excluded=True), sex="MALE")
    c = _packet("c", _feature("HP:0001251"))
    family = Family(id="f", proband=phenotk.read(a), relatives=[phenotk.read(b)])
    cohort = Cohort(id="c", members=[phenotk.read(c)])
    s = summarize([family, cohort])
    assert s.packets == 3 and s.sex == {"FEMALE": 1, "MALE": 1, "UNKNOWN_SEX": 1}
    assert s.term("HP:0001250").observed == 1 and s.term("HP:0001250").excluded == 1
    assert summarize([a, b, c]).to_dict() == s.to_dict()
    for name, d in (("a", a), ("b", b), ("c", c)):
        (tmp_path / f"{name}.json").write_text(json.dumps(d))
    assert summarize(tmp_path).to_dict() == s.to_dict()
    assert summarize(str(tmp_path / "a.json")).packets == 1
    with pytest.raises(TypeError, match=r"summarize takes .* not int"):
        summarize([1])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="not int"):
        summarize(5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "bad, words",
    [
        (123, "not int"),
        (None, "not NoneType"),
        (b"{}", "not bytes"),
        (pd.DataFrame({"packet_id": ["p"]}), r"DataFrame.*from_dataframe"),
    ],
)
def test_to_dataframe_names_a_wrong_argument(bad: Any, words: str) -> None:
    """to_dataframe(123) said "'int' object is not iterable"; to_dataframe(df) read the column names as files
    ("packet_id: no such file or directory")."""
    with pytest.raises(TypeError, match=words):
        phenotk.to_dataframe(bad)


@pytest.mark.parametrize(
    "bad, words",
    [
        (123, "not int"),
        (None, "not NoneType"),
        ([1, 2], "not int"),
        ({"id": "p"}, r"not dict.*CohortView"),
        (Phenopacket(id="p"), r"not Phenopacket.*CohortView"),
        (pd.DataFrame({"packet_id": ["p"]}), "not DataFrame"),
    ],
)
def test_read_cohort_names_a_wrong_argument(bad: Any, words: str) -> None:
    """read_cohort(df) reported each column name as an unreadable file; read_cohort({...}) its keys;
    read_cohort(123) "'int' object is not iterable"."""
    with pytest.raises(TypeError, match=words):
        read_cohort(bad)


def test_read_cohort_hpo_argument(tmp_path: Path) -> None:
    """hpo=False (no HPO, as phenotk.validate takes it) ended in os.fspath(False); hpo=123 said only
    'expected str, bytes or os.PathLike object'."""
    (tmp_path / "a.json").write_text(json.dumps(_packet("a", _feature("HP:0001250"))))
    assert read_cohort(tmp_path, hpo=False).hpo is None  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"hpo takes .* not int"):
        read_cohort(tmp_path, hpo=123)  # type: ignore[arg-type]


def test_view_methods_name_a_wrong_argument() -> None:
    view = CohortView([phenotk.read(_packet("a", _feature("HP:0001250")))])
    with pytest.raises(TypeError, match=r"term takes .* not int"):
        view.filter(term=1250)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"sex takes .* not int"):
        view.filter(sex=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"gene takes .* not int"):
        view.filter(gene=[1])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"top must be an int.* not str"):
        view.summary(top="5")  # type: ignore[arg-type]
    s = view.summary()
    with pytest.raises(TypeError, match=r"top must be an int.* not str"):
        s.plot_terms(top="5")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"n \(or None for the summary's top\) must be an int.* not str"):
        s.top_terms("5")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^top must be an int \(0 or more\), not NoneType"):
        view.summary(top=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"filter takes a function of a packet .* not dict"):
        view.filter({"gene": "FBN1"})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"term_matrix takes a DataFrame.* not list"):
        term_matrix([1])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"merge_summaries takes CohortSummary.* not int"):
        merge_summaries([s, 1])  # type: ignore[list-item]


def test_an_hpo_path_works_wherever_an_index_does(hpo_dir: Path) -> None:
    """read_cohort(…, hpo="hp.json") loads the file, but CohortView(packets, hpo="hp.json").summary() and
    summarize(packets, hpo="hp.json") ended in AttributeError: 'str' object has no attribute 'children'."""
    path = str(hpo_dir / "hp.json")
    packets = [phenotk.read(_packet("a", _feature("HP:0020219")))]  # Motor seizure, a kind of Seizure
    view = CohortView(packets, hpo=path)
    assert view.hpo is not None and view.hpo.version
    assert view.summary().term("HP:0001250").observed == 1
    assert len(view.filter(term="HP:0001250")) == 1
    assert summarize(packets, hpo=path).term("HP:0001250").observed == 1
    assert CohortView(packets, hpo=False).hpo is None  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"hpo takes .* not int"):
        summarize(packets, hpo=1)  # type: ignore[arg-type]


def test_cohort_view_takes_packets_and_names_anything_else() -> None:
    """CohortView(packet) said "'Phenopacket' object is not subscriptable", CohortView("folder/") "'str' object
    has no attribute 'id'" (at the first repr); families are flattened like read_cohort does."""
    a, b = phenotk.read(_packet("a")), phenotk.read(_packet("b"))
    assert [p.id for p in CohortView([Family(id="f", proband=a, relatives=[b])])] == ["a", "b"]
    with pytest.raises(TypeError, match=r"CohortView takes .*read_cohort"):
        CohortView("folder/")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"CohortView takes .* not Phenopacket"):
        CohortView(a)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"CohortView takes .* not int"):
        CohortView([a, 1])  # type: ignore[list-item]


def test_packets_without_id_are_not_a_duplicated_id() -> None:
    """Two packets without id (family relatives of an upgraded v1 folder) were listed by duplicate_ids() as the
    id '' found twice, and the repr said '1 packet id(s) found more than once'; they are named as having no id."""
    view = CohortView([Phenopacket(id="x"), Phenopacket(), Phenopacket(), Phenopacket(id="y"), Phenopacket(id="y")])
    assert view.duplicate_ids().to_dict() == {"y": 2}
    text = repr(view)
    assert "1 packet id(s) found more than once, 2 packets" in text and "2 packet(s) without id" in text
    assert "2 packet(s) without id" in view._repr_html_()
    assert len(CohortView([Phenopacket(), Phenopacket()]).duplicate_ids()) == 0


def test_genotype_phenotype_takes_an_hpo_path_and_keeps_packet_labels_without_one(hpo_dir: Path) -> None:
    """genotype_phenotype(a, b, hpo="hp.json") ended in AttributeError inside the closure; without an HPO the
    label column repeated the id although every packet names the term (summaries show the packets' label)."""
    from phenotk.analysis import genotype_phenotype

    a = [phenotk.read(_packet(f"a{i}", _feature("HP:0001250"))) for i in range(3)]
    b = [phenotk.read(_packet(f"b{i}", _feature("HP:0001250", excluded=True))) for i in range(3)]
    plain = genotype_phenotype(a, b, min_observed=1).frame
    assert plain["label"].tolist() == ["term HP:0001250"]
    with_hpo = genotype_phenotype(a, b, hpo=str(hpo_dir / "hp.json"), min_observed=1).frame.set_index("id")
    assert with_hpo.loc["HP:0001250", "label"] == "Seizure" and with_hpo.loc["HP:0001250", "A_observed"] == 3


def test_a_sex_number_outside_the_enum_draws_a_card() -> None:
    """A binary packet from a newer schema can carry a sex number this one does not name: show(packet) ended in
    KeyError: 7 (the summary already says UNRECOGNIZED_7)."""
    p = Phenopacket(id="x")
    p.subject.sex = 7  # type: ignore[assignment]
    assert "UNRECOGNIZED_7" in phenotk.show(p)._repr_html_()
    assert CohortView([p]).summary().sex == {"UNRECOGNIZED_7": 1}


def _with_gene(pid: str, symbol: str) -> dict[str, Any]:
    d = _packet(pid)
    d["interpretations"] = [{"id": f"i_{pid}", "progressStatus": "SOLVED", "diagnosis": {
        "disease": {"id": "OMIM:1", "label": "d"},
        "genomicInterpretations": [{"subjectOrBiosampleId": f"s_{pid}", "interpretationStatus": "CAUSATIVE",
                                    "gene": {"valueId": "HGNC:1", "symbol": symbol}}]}}]
    return d


def test_groupby_says_which_packets_are_in_no_group() -> None:
    """groupby('gene') on the store made 575 groups and left the 69 packets without a gene out without a word
    (the group sizes summed to 7,613 of 7,682); the groups say how many and keep them in .left_out."""
    view = CohortView([phenotk.read(d) for d in (_with_gene("a", "ABC"), _with_gene("b", "ABC"), _packet("c"))])
    groups = view.groupby("gene")
    assert groups.sizes().to_dict() == {"ABC": 2}
    assert [p.id for p in groups.left_out] == ["c"]
    assert "1 packet(s) in no group (no gene)" in repr(groups)
    assert "1 packet(s) in no group (no gene)" in groups._repr_html_()
    assert len(view.groupby("sex").left_out) == 0 and "no group" not in repr(view.groupby("sex"))
    by_function = view.groupby(lambda p: None if p.id == "c" else p.id)
    assert [p.id for p in by_function.left_out] == ["c"] and "(no key)" in repr(by_function)


def test_genotype_phenotype_says_which_asked_terms_it_could_not_test() -> None:
    """terms=['HP:0001250', 'HP:0001251'] where one term is recorded in one group only gave a one-row table and no
    word about the other; the table's notes (and repr) name it."""
    from phenotk.analysis import genotype_phenotype

    a = [phenotk.read(_packet(f"a{i}", _feature("HP:0001250"), _feature("HP:0001251"))) for i in range(2)]
    b = [phenotk.read(_packet(f"b{i}", _feature("HP:0001250", excluded=True))) for i in range(2)]
    table = genotype_phenotype(a, b, terms=["HP:0001250", "HP:0001251", "HP:0009999"])
    assert table.frame["id"].tolist() == ["HP:0001250"]
    assert table.notes == ["2 asked term(s) not tested (recorded in one group or none): HP:0001251 (A only), "
                           "HP:0009999 (neither)"]
    assert table.notes[0] in repr(table) and table.notes[0] in table._repr_html_()
    assert genotype_phenotype(a, b).notes == []  # the default selection skips quietly: it asked for nothing


def test_typing_a_wide_frame_does_not_copy_the_whole_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """to_dataframe transposed the whole text table at once (zip(*rows)): 10,000 packets × 4,160 columns took
    +880 MB of peak memory for an 88 MB frame. Typed one column at a time, the peak stays below the table's own
    size (one pointer per cell)."""
    import tracemalloc

    from phenotk.analysis import frames
    from phenotk.conversion.table.api import make_table

    packets = []
    for i in range(2000):
        p = Phenopacket(id=f"p{i}")
        p.subject.id = f"s{i}"
        for t in range(i % 500, i % 500 + 5):
            f = p.phenotypic_features.add()
            f.type.id = f"HP:{t:07d}"
            f.type.label = f"t{t}"
        packets.append(p)
    table = make_table(packets, "wide")  # built before measuring: only the typing is measured
    monkeypatch.setattr(frames, "make_table", lambda messages, layout: table)
    phenotk.to_dataframe(packets[:5])  # imports and caches outside the measurement
    tracemalloc.start()
    try:
        df = phenotk.to_dataframe(packets)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    cells = len(table.header) * len(table.rows)
    assert df.shape == (2000, len(table.header) + 2)  # + age_years, feature_onsets
    assert peak < 8 * cells, (peak, 8 * cells)


def test_a_packet_card_is_bounded() -> None:
    """show(packet) drew every term: a packet with 5,000 features made a 1 MB card in the notebook. The card shows
    the first MAX_CARD_TERMS of each kind and says how many more."""
    from phenotk.analysis.cohort import MAX_CARD_TERMS

    p = Phenopacket(id="big")
    for i in range(5000):
        f = p.phenotypic_features.add()
        f.type.id = f"HP:{i:07d}"
        f.type.label = f"term {i}"
        f.excluded = i % 2 == 1
    html = phenotk.show(p)._repr_html_()
    assert len(html) < 100_000
    assert "Observed (2500)" in html and "Excluded (2500)" in html
    assert html.count("<span") == 2 * MAX_CARD_TERMS and f"… {2500 - MAX_CARD_TERMS} more" in html


def test_read_cohort_names_the_files_of_a_folder_it_does_not_read(tmp_path: Path) -> None:
    """A folder with packets, a CSV sheet and FHIR XML gave a cohort of the packets and not a word about the
    other files (a sheet of 500 patients left out silently); the view's notes count them by extension."""
    (tmp_path / "a.json").write_text(json.dumps(_packet("a")))
    (tmp_path / "sheet.csv").write_text("id,sex\nx,male\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "bundle.xml").write_text("<Bundle/>")
    (tmp_path / "sub" / "other.xml").write_text("<Bundle/>")
    (tmp_path / ".hidden").write_text("x")
    view = read_cohort(tmp_path)
    assert len(view) == 1 and not view.errors
    note = "3 file(s) in the folders are no Phenopacket format and were not read (.xml 2, .csv 1; first: "
    assert any(n.startswith(note) for n in view.notes), view.notes
    assert note in repr(view)
    assert not read_cohort(tmp_path / "a.json").notes


def test_an_excluded_disease_is_not_counted_as_a_diagnosis() -> None:
    """summary.diseases counted a disease the packet excludes (the schema's COVID example excludes diabetes
    mellitus: it was listed among the cohort's diseases), unlike filter(disease=…) and groupby('disease'). Excluded
    diseases are counted apart, and their onsets are no disease onsets."""
    from phenotk.analysis import merge_summaries

    onset = {"age": {"iso8601duration": "P40Y"}}
    a = _packet("a")
    a["diseases"] = [{"term": {"id": "MONDO:1", "label": "one"}, "excluded": True, "onset": onset},
                     {"term": {"id": "MONDO:2", "label": "two"}, "onset": onset}]
    b = _packet("b")
    b["diseases"] = [{"term": {"id": "MONDO:1", "label": "one"}}]
    view = CohortView([phenotk.read(a), phenotk.read(b)])
    s = view.summary()
    assert s.diseases == [("MONDO:1", "one", 1), ("MONDO:2", "two", 1)]
    assert s.excluded_diseases == [("MONDO:1", "one", 1)]
    assert s.disease_onset_years == [40.0]
    assert len(view.filter(disease="MONDO:1")) == 1
    d = s.to_dict()
    assert d["diseases_excluded"] == [{"id": "MONDO:1", "label": "one", "packets": 1}]
    assert "excluded: one (MONDO:1) 1" in s.to_text()
    assert merge_summaries([s, s]).excluded_diseases == [("MONDO:1", "one", 2)]
