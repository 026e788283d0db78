"""Terms as curators write them: long rows with labels only, free text with negations, header ids, lookups."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from google.protobuf.json_format import MessageToDict

from phenotk.conversion.table import from_dataframe, read_sheet
from phenotk.conversion.table.terms import number_variants


@pytest.fixture
def hpo(hpo_stub):
    """The stub HPO of conftest plus the terms these sheets name."""
    stub = type(hpo_stub)

    class RicherHpo(stub):  # type: ignore[misc,valid-type]
        TERMS = {
            **stub.TERMS,
            "HP:0002123": ("Generalized myoclonic seizure", []),
            "HP:0032794": ("Myoclonic seizure", []),
            "HP:0001344": ("Absent speech", ["Absent speech development"]),
            "HP:0001249": ("Intellectual disability", ["Mental retardation"]),
        }

    return RicherHpo()


def where(result) -> list[tuple[str, int | None, str | None, str | None]]:
    return [(i.code, i.context.get("row"), i.context.get("column"), i.context.get("value")) for i in result.all_issues]


def features(packet) -> list[tuple[str, bool, dict | None]]:
    return [(f.type.id, f.excluded, MessageToDict(f.onset) if f.HasField("onset") else None)
            for f in packet.phenotypic_features]


@pytest.fixture
def faithful(sheets: Path) -> Path:
    return sheets / "faithful"


def test_long_layout_labels_without_ids(faithful: Path, hpo) -> None:
    res = read_sheet(faithful / "long_labels.tsv", faithful / "long_labels.yaml", ontology=hpo)
    a, b = res.packets
    assert features(a) == [
        ("HP:0001250", False, {"age": {"iso8601duration": "P3Y"}}),
        ("HP:0001252", False, {"ontologyClass": {"id": "HP:0003593", "label": "Infantile onset"}}),  # label only
        ("HP:0032794", True, None),  # "myoclonic seizures": plural of a label
    ]
    assert [f.type.label for f in a.phenotypic_features] == ["Seizure", "Hypotonia", "Myoclonic seizure"]
    assert features(b) == [("HP:0000252", False, None)]  # "Small head" is a synonym; the id decides
    assert where(res) == [
        ("MAP005", 9, "patient", ""),  # a row with data and no patient id
        ("MAP007", 5, "label", "Intellectual disabilty"),  # typo: looked up, not found, reported
        ("MAP012", 6, "present", "yes"),  # status and onset without a term
        ("MAP012", 6, "onset", "2 years"),
        ("MAP007", 7, "term", "HP:9999999"),  # an id the loaded HPO does not have
    ]


def test_free_text_negation_scope_and_plurals(faithful: Path, hpo) -> None:
    res = read_sheet(faithful / "free_text.csv", faithful / "free_text.yaml", ontology=hpo)
    by_id = {p.id: features(p) for p in res.packets}
    assert by_id == {
        "A": [("HP:0001250", True, None), ("HP:0001252", False, None)],  # "no" covers its own item only
        "B": [("HP:0001344", False, None), ("HP:0032794", False, None)],  # "absent speech" is a term
        "C": [("HP:0001250", True, None), ("HP:0001252", True, None)],  # "no X or Y": both excluded
        "D": [("HP:0001252", False, None), ("HP:0000486", True, None), ("HP:0000252", True, None)],
    }
    assert where(res) == [("MAP003", 4, "findings", "Walks with aid")]


def test_header_id_not_in_the_loaded_hpo_is_a_finding(hpo) -> None:
    df = pd.DataFrame({"id": ["a"], "HP:9999999": ["yes"], "Odd (HP:8888888)": ["yes"], "HP:0001250": ["yes"]})
    res = from_dataframe(df, {"phenotk_mapping": 1, "subject": {"id": "id"}, "phenotypes": {"wide": {}}},
                         ontology=hpo)
    assert features(res.packets[0]) == [("HP:0001250", False, None)]
    assert where(res) == [("MAP007", None, "HP:9999999", "HP:9999999"),
                          ("MAP007", None, "Odd (HP:8888888)", "HP:8888888")]
    assert "does not have" in res.issues[0].message


def test_onset_words_in_wide_term_cells(hpo) -> None:
    cells = ["infancy", "congenital", "3 yrs", "neonatal", "yes, 2y", "+ (infancy)", "yes"]
    df = pd.DataFrame({"id": [f"p{i}" for i in range(len(cells))], "Seizure": cells})
    res = from_dataframe(df, {"phenotk_mapping": 1, "subject": {"id": "id"}, "phenotypes": {"wide": {}}},
                         ontology=hpo)
    onsets = [MessageToDict(p.phenotypic_features[0]) for p in res.packets]
    assert [o.get("onset") for o in onsets] == [
        {"ontologyClass": {"id": "HP:0003593", "label": "Infantile onset"}},
        {"ontologyClass": {"id": "HP:0003577", "label": "Congenital onset"}},
        {"age": {"iso8601duration": "P3Y"}},
        {"ontologyClass": {"id": "HP:0003623", "label": "Neonatal onset"}},
        {"age": {"iso8601duration": "P2Y"}},
        {"ontologyClass": {"id": "HP:0003593", "label": "Infantile onset"}},
        None,
    ]
    assert not any(o.get("excluded") for o in onsets) and res.all_issues == []


def test_severity_words_in_wide_term_cells(hpo) -> None:
    """``mild`` under a term column states the feature observed and mild: carried as its severity modifier."""
    cells = ["mild", "Moderate", "yes, severe", "+ (profound)", "borderline", "very", "severe, 3y"]
    df = pd.DataFrame({"id": [f"p{i}" for i in range(len(cells))], "Intellectual disability": cells})
    res = from_dataframe(df, {"phenotk_mapping": 1, "subject": {"id": "id"}, "phenotypes": {"wide": {}}},
                         hpo=hpo)
    got = {p.id: [(f.type.id, f.excluded, f.severity.id or None) for f in p.phenotypic_features]
           for p in res.packets}
    assert got == {
        "p0": [("HP:0001249", False, "HP:0012825")],
        "p1": [("HP:0001249", False, "HP:0012826")],
        "p2": [("HP:0001249", False, "HP:0012828")],
        "p3": [("HP:0001249", False, "HP:0012829")],
        "p4": [],  # a borderline finding: observed or not? reported (a severity column may say borderline)
        "p5": [],  # not a status, onset or severity word: reported, not guessed
        "p6": [],  # two statements in one cell: reported rather than half-read
    }
    bad = [(i.code, i.context.get("row"), i.context.get("value")) for i in res.all_issues]
    assert bad == [("MAP002", 6, "borderline"), ("MAP002", 7, "very"), ("MAP002", 8, "severe, 3y")]  # map-bad-cell


def test_severity_column_and_severity_status_in_the_long_layout(hpo) -> None:
    """``phenotypes.long.severity``: a word, an HPO Severity id or ``label (HP:…)``; ``mild`` as the status means
    observed and mild; a severity beside an excluded term, or text that is no severity, is reported."""
    rows = [("a", "HP:0001249", "yes", "mild"), ("a", "HP:0001250", "moderate", ""),
            ("a", "HP:0001252", "yes", "Severe (HP:0012828)"), ("b", "HP:0001249", "yes", "HP:0012829"),
            ("b", "HP:0001250", "no", "severe"), ("b", "HP:0001252", "yes", "very bad"),
            ("b", "HP:0001344", "yes", "HP:0001250")]  # an HPO id, but not a severity
    df = pd.DataFrame(rows, columns=["id", "term", "status", "severity"])
    mapping = {"phenotk_mapping": 1, "input": {"rows": "many"}, "subject": {"id": "id"},
               "phenotypes": {"long": {"term": "term", "status": "status", "severity": "severity"}}}
    res = from_dataframe(df, mapping, hpo=hpo)
    got = {p.id: [(f.type.id, f.excluded, f.severity.id or None) for f in p.phenotypic_features] for p in res.packets}
    assert got == {
        "a": [("HP:0001249", False, "HP:0012825"), ("HP:0001250", False, "HP:0012826"),
              ("HP:0001252", False, "HP:0012828")],
        "b": [("HP:0001249", False, "HP:0012829"), ("HP:0001250", True, None), ("HP:0001252", False, None),
              ("HP:0001344", False, None)],
    }
    bad = [(i.code, i.context.get("row"), i.context.get("value")) for i in res.all_issues]
    assert bad == [("MAP002", 6, "severe"), ("MAP002", 7, "very bad"), ("MAP002", 8, "HP:0001250")]


def test_term_lists_observed_and_excluded_columns(hpo) -> None:
    """One row per patient, several terms per cell (ids, ``label (HP:…)``, labels; ``;`` ``,`` ``|`` or spaces
    between ids); ``excluded_columns`` makes every term found there excluded. ``Seizure (HP:0001250), Hypotonia
    (HP:0001252)`` used to be read as one term (Hypotonia, "label" Seizure (HP:0001250), …): Seizure was lost."""
    df = pd.DataFrame({
        "id": ["a", "b", "c", "d"],
        "hpo": ["HP:0001250; HP:0001263", "Seizure (HP:0001250), Hypotonia (HP:0001252)",
                "HP:0001252|Strabismus", "HP:0001250 HP:0001263 / HP:0000252"],
        "absent": ["HP:0000252", "", "no seizures, HP:0001263", ""],
    })
    mapping = {"phenotk_mapping": 1, "subject": {"id": "id"},
               "phenotypes": {"text": {"columns": ["hpo"], "excluded_columns": ["absent"]}}}
    res = from_dataframe(df, mapping, hpo=hpo)
    got = {p.id: [(f.type.id, f.excluded) for f in p.phenotypic_features] for p in res.packets}
    assert got == {
        "a": [("HP:0001250", False), ("HP:0001263", False), ("HP:0000252", True)],
        "b": [("HP:0001250", False), ("HP:0001252", False)],
        "c": [("HP:0001252", False), ("HP:0000486", False), ("HP:0001250", True), ("HP:0001263", True)],
        "d": [("HP:0001250", False), ("HP:0001263", False), ("HP:0000252", False)],
    }
    assert res.all_issues == []


def test_a_long_term_cell_listing_two_terms_is_read_whole_not_half_read(hpo) -> None:
    """Every term of the cell, or (one part unknown) none of them — never the first alone."""
    df = pd.DataFrame({"id": ["a", "a", "a"], "term": ["Seizure (HP:0001250), Hypotonia (HP:0001252)", "HP:0000252",
                                                        "Strabismus, Krampfanfall"]})
    mapping = {"phenotk_mapping": 1, "input": {"rows": "many"}, "subject": {"id": "id"},
               "phenotypes": {"long": {"term": "term"}}}
    res = from_dataframe(df, mapping, hpo=hpo)
    assert [f.type.id for f in res.packets[0].phenotypic_features] == ["HP:0001250", "HP:0001252", "HP:0000252"]
    assert [(i.code, i.context.get("row")) for i in res.all_issues] == [("MAP007", 4)]  # map-unknown-term


@pytest.mark.parametrize(
    ("text", "forms"),
    [
        ("myoclonic seizures", ["myoclonic seizure"]),
        ("Seizure", ["Seizures"]),
        ("abnormalities", ["abnormality", "abnormalitie"]),
        ("Abnormality", ["Abnormalities"]),
        ("hypoplasias", ["hypoplasia"]),
        ("fits", ["fit"]),
        ("class", []),  # ends in -ss: neither singular nor plural is guessed
    ],
)
def test_number_variants(text: str, forms: list[str]) -> None:
    assert number_variants(text) == forms


def test_lookup_table_file_and_inline(tmp_path: Path) -> None:
    (tmp_path / "genes.tsv").write_text("symbol\thgnc\nSCN1A\tHGNC:10585\nKCNQ2\tHGNC:6296\n")
    (tmp_path / "hgnc.csv").write_text("HGNC ID,Approved symbol,Name\nHGNC:10585,SCN1A,x\nHGNC:6296,KCNQ2,y\n")
    df = pd.DataFrame({"id": ["a", "b", "c"], "gene": ["SCN1A", "kcnq2", "STXBP1"],
                       "v": ["NM_001165963.4:c.2836C>T", "NM_172107.4:c.1A>G", "NM_003165.6:c.1A>G"]})
    forms = [
        "genes.tsv",
        {"file": "hgnc.csv", "key": "Approved symbol", "value": "HGNC ID"},
        {"SCN1A": "HGNC:10585", "KCNQ2": "HGNC:6296"},
    ]
    for lookup in forms:
        text = json.dumps({"phenotk_mapping": 1, "subject": {"id": "id"},
                                 "variants": {"hgvs": "v", "gene_symbol": "gene",
                                              "hgnc_id": {"column": "gene", "lookup": lookup}}})
        (tmp_path / "m.yaml").write_text(text)  # JSON is YAML; the file path makes lookups relative to it
        df.to_csv(tmp_path / "s.csv", index=False)
        res = read_sheet(tmp_path / "s.csv", tmp_path / "m.yaml")
        ids = [p.interpretations[0].diagnosis.genomic_interpretations[0].variant_interpretation
               .variation_descriptor.gene_context.value_id for p in res.packets]
        assert ids == ["HGNC:10585", "HGNC:6296", ""], lookup
        assert where(res) == [("MAP002", 4, "gene", "STXBP1")], lookup  # not in the lookup, not an HGNC id


def test_lookup_file_errors_name_the_file(tmp_path: Path) -> None:
    from phenotk.errors import InputError
    from phenotk.mapping.model import load_mapping

    (tmp_path / "m.yaml").write_text("phenotk_mapping: 1\nsubject: {id: id}\n"
                                     "variants: {hgvs: v, hgnc_id: {column: g, lookup: missing.tsv}}\n")
    with pytest.raises(InputError, match="cannot read lookup table") as exc:
        load_mapping(tmp_path / "m.yaml")
    assert "missing.tsv" in str(exc.value)
    (tmp_path / "t.tsv").write_text("a\tb\nx\ty\n")
    (tmp_path / "m.yaml").write_text("phenotk_mapping: 1\nsubject: {id: id}\n"
                                     "variants: {hgvs: v, hgnc_id: {column: g, lookup: {file: t.tsv, key: c}}}\n")
    with pytest.raises(InputError, match="no column 'c'"):
        load_mapping(tmp_path / "m.yaml")


def test_templates_are_id_safe_only_for_ids() -> None:
    df = pd.DataFrame({"fam": ["F 1"], "ind": ["II-2"], "c": ["NM_021007.3:c.5645G>A"], "p": ["p.(Arg1882Gln)"],
                       "dx": ["Dravet"], "mim": ["607208"]})
    m = {"phenotk_mapping": 1, "id": {"template": "{fam}_{ind}"}, "subject": {"id": "ind"},
         "diseases": {"id": "mim", "label": {"template": "{dx} syndrome"}},
         "variants": {"hgvs": {"template": "{c} {p}"}}}
    res = from_dataframe(df, m)
    p = res.packets[0]
    assert p.id == "F_1_II_2"  # the packet id template: id-safe
    assert [(d.term.id, d.term.label) for d in p.diseases] == [("OMIM:607208", "Dravet syndrome")]  # verbatim
    assert res.all_issues == []
    vd = p.interpretations[0].diagnosis.genomic_interpretations[0].variant_interpretation.variation_descriptor
    assert vd.expressions[0].value == "NM_021007.3:c.5645G>A"


def test_dates_as_clinics_write_them(hpo) -> None:
    """25/12/2015 and 12/25/2015 tell their order; 03/02/2015 needs date_order (never guessed); month names."""
    cells = ["25/12/2015", "12/25/2015", "03/02/2015", "3 Feb 2015", "February 3, 2015", "03-Feb-2015",
             "31/02/2015", "3/2/15"]
    df = pd.DataFrame({"id": [f"p{i}" for i in range(len(cells))], "dob": cells})

    def born(order: str | None) -> list[str | None]:
        spec: dict = {"column": "dob"} if order is None else {"column": "dob", "date_order": order}
        res = from_dataframe(df, {"phenotk_mapping": 1, "subject": {"id": "id", "date_of_birth": spec}}, hpo=hpo)
        return [p.subject.date_of_birth.ToDatetime().date().isoformat() if p.subject.HasField("date_of_birth")
                else None for p in res.packets]

    assert born(None) == ["2015-12-25", "2015-12-25", None, "2015-02-03", "2015-02-03", "2015-02-03", None, None]
    assert born("day-first")[2] == "2015-02-03" and born("month-first")[2] == "2015-03-02"
    assert born("day-first")[6:] == [None, None]  # 31 February; a two-digit year: reported, not guessed


def test_a_date_in_an_onset_column_is_a_timestamp(hpo) -> None:
    df = pd.DataFrame({"id": ["a", "b"], "dx": ["OMIM:607208", "OMIM:607208"], "onset": ["2018-04-01", "25/12/2019"]})
    res = from_dataframe(df, {"phenotk_mapping": 1, "subject": {"id": "id"},
                              "diseases": {"id": "dx", "label": {"const": "Dravet syndrome"}, "onset": "onset"}},
                         hpo=hpo)
    assert [MessageToDict(p.diseases[0].onset) for p in res.packets] == [
        {"timestamp": "2018-04-01T00:00:00Z"}, {"timestamp": "2019-12-25T00:00:00Z"}]
    assert [i.code for i in res.all_issues] == []
