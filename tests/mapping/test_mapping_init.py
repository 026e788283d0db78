"""``phenotk mapping init`` on hospital-style sheets: header row and data sheet found, multilingual headers,
HPO headers exact up to plural/spelling, suggestions only as unconfirmed findings, yes/no study columns kept out,
and the YAML ``#`` hint. Every sheet here is synthetic (made-up patients).
"""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from phenotk.cli.app import app
from phenotk.conversion.table.api import read_sheet
from phenotk.conversion.table.starter import init_mapping
from phenotk.conversion.table.starter_terms import matcher_for, normalise
from phenotk.conversion.table.starter_words import field_of, is_not_phenotype
from phenotk.mapping.model import comment_hints, parse_mapping

runner = CliRunner()

TITLE = "St. Elsewhere Hospital — Epilepsy cohort 2024"
HOSPITAL_HEADER = ["Patient ID", "Sex", "Age at onset", "Deceased", "Diagnosis", "Gene", "Variant", "Seizures",
                   "myoclonic seizures", "Intellectual disabilty", "Hypotonia", "anaemia", "Affected", "Consent"]
HOSPITAL_ROWS = [
    ["P1", "M", "2 years", "no", "OMIM:607208", "SCN1A", "NM_001165963.4:c.2836C>T", "yes", "yes", "yes", "no",
     "no", "yes", "yes"],
    ["P2", "F", "6 months", "yes", "OMIM:607208", "SCN1A", "NM_001165963.4:c.4547C>A", "yes", "no", "yes", "yes",
     "yes", "yes", "no"],
    ["P3", "F", "1 year", "no", "OMIM:607208", "SCN1A", "NM_001165963.4:c.3G>A", "no", "no", "no", "yes", "no",
     "yes", "yes"],
]


@pytest.fixture(scope="module")
def hpo(hpo_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """The real HPO index (hp.json 2025-05-06), cached in a temp dir unless the run provides a cache dir."""
    from phenotk.ontology import load_ontology

    old = os.environ.get("PHENOTK_CACHE_DIR")
    if old is None:
        os.environ["PHENOTK_CACHE_DIR"] = str(tmp_path_factory.mktemp("hpo-cache"))
    try:
        return load_ontology(hpo_dir / "hp.json")
    finally:
        if old is None:
            os.environ.pop("PHENOTK_CACHE_DIR", None)


def _hospital_sheet(ws) -> None:
    """Title banner (merged over the table), a notes row, a blank row, merged group headers, header, data."""
    width = len(HOSPITAL_HEADER)
    ws.append([TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.append(["Exported 2024-05-01 from the clinic database; pseudonymised, do not share"])
    ws.append([])
    ws.append(["Patient", None, None, None, "Genetics", None, None, "Clinical features"])
    ws.merge_cells("A4:D4")
    ws.merge_cells("E4:G4")
    ws.merge_cells(start_row=4, start_column=8, end_row=4, end_column=width)
    ws.append(HOSPITAL_HEADER)
    for row in HOSPITAL_ROWS:
        ws.append(row)


@pytest.fixture
def hospital_xlsx(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Patients"
    _hospital_sheet(ws)
    path = tmp_path / "hospital.xlsx"
    wb.save(path)
    return path


def _sex(packet) -> str:
    return packet.subject.DESCRIPTOR.fields_by_name["sex"].enum_type.values_by_number[packet.subject.sex].name


def _features(packet) -> dict[str, bool]:
    return {f.type.id: f.excluded for f in packet.phenotypic_features}


# ---------------------------------------------------------------- header row: banner, notes, merged groups
def test_header_row_below_banner_notes_and_merged_group_headers(hospital_xlsx: Path, hpo) -> None:
    start = init_mapping(hospital_xlsx, ontology=hpo)
    assert (start.sheet_name, start.header_row) == ("Patients", 5)
    assert start.choice.skipped == (1, 2, 4)  # banner, notes, group headers (row 3 is blank)
    assert start.sheet.header == HOSPITAL_HEADER
    data = yaml.safe_load(start.text)
    assert data["input"] == {"rows": "one", "header_row": 5}  # one sheet: no sheet name needed
    assert "header: row 5 of sheet 'Patients'; rows above it skipped: 1, 2, 4" in start.messages()


def test_hospital_sheet_places_fields_terms_and_suggestions(hospital_xlsx: Path, hpo) -> None:
    start = init_mapping(hospital_xlsx, ontology=hpo)
    pl = start.placement
    assert pl.fields["subject_id"] == ["Patient ID"] and pl.fields["sex"] == ["Sex"]
    assert pl.fields["onset"] == ["Age at onset"] and pl.fields["vital_status"] == ["Deceased"]
    assert pl.fields["disease_id"] == ["Diagnosis"]  # a diagnosis column of CURIEs is the disease id
    assert pl.hpo_columns == {
        "Seizures": ("HP:0001250", "Seizure"),
        "myoclonic seizures": ("HP:0032794", "Myoclonic seizure"),
        "Hypotonia": ("HP:0001252", "Hypotonia"),
        "anaemia": ("HP:0001903", "Anemia"),
    }
    # a header matched only up to plural/spelling names its id in the mapping ("Anaemia" is an HPO synonym)
    assert set(pl.normalised) == {"myoclonic seizures"}
    assert pl.unplaced == ["Intellectual disabilty", "Affected", "Consent"]
    assert pl.not_phenotype == ["Affected", "Consent"]
    assert [h.id for h in pl.suggestions["Intellectual disabilty"]] == ["HP:0001249", "HP:0001256"]
    # "Affected" is an HPO label (past medical history): offered for confirmation, never placed
    assert [h.id for h in pl.suggestions["Affected"]] == ["HP:0032320"]
    assert not pl.suggestions["Affected"][0].phenotype
    data = yaml.safe_load(start.text)
    assert data["subject"] == {"id": "Patient ID", "sex": "Sex", "vital_status": "Deceased"}
    assert data["diseases"] == {"id": "Diagnosis", "onset": "Age at onset"}
    assert data["variants"] == {"hgvs": "Variant", "gene_symbol": "Gene"}
    # "Affected" would resolve under "auto": the HPO columns are listed instead
    assert data["phenotypes"]["wide"] == {
        "columns": ["Seizures", "myoclonic seizures", "Hypotonia", "anaemia"],
        "terms": {"myoclonic seizures": "HP:0032794"},
    }
    # the suggestion is a comment, ready to confirm, not a mapping entry
    assert "#   Intellectual disabilty: HP:0001249   # HP:0001249 Intellectual disability (0.98)" in start.text
    codes = {i.context["column"]: (i.code, i.rule, i.severity.value) for i in start.findings}
    assert codes == {"Intellectual disabilty": ("MAP007", "map-unknown-term", "info"),
                     "Affected": ("MAP007", "map-unknown-term", "info"),
                     "Consent": ("MAP001", "map-unmapped-column", "info")}
    sugg = next(i for i in start.findings if i.context["column"] == "Intellectual disabilty")
    assert sugg.context["suggestions"][0] == {"id": "HP:0001249", "label": "Intellectual disability", "score": 0.98}


def test_unedited_starter_converts_the_same_table(hospital_xlsx: Path, hpo) -> None:
    """Conversion reads the header row the mapping recorded; unconfirmed and yes/no columns are not terms."""
    start = init_mapping(hospital_xlsx, ontology=hpo)
    res = read_sheet(hospital_xlsx, parse_mapping(start.text), ontology=hpo)
    assert [p.id for p in res.packets] == ["P1", "P2", "P3"]
    p1, p2, _ = res.packets
    assert _features(p1) == {"HP:0001250": False, "HP:0032794": False, "HP:0001252": True, "HP:0001903": True}
    assert _features(p2)["HP:0032794"] is True and "HP:0032320" not in _features(p2)
    assert p2.subject.vital_status.status == 2  # DECEASED
    assert p1.diseases[0].term.id == "OMIM:607208"
    unmapped = sorted(i.context["column"] for i in res.all_issues if i.rule == "map-unmapped-column")
    assert unmapped == ["Affected", "Consent", "Intellectual disabilty"]  # reported, not used, not dropped silently


def test_cli_reports_row_sheet_counts_and_suggestions(hospital_xlsx: Path, tmp_path: Path, hpo_dir: Path) -> None:
    out = tmp_path / "m.yaml"
    env = {"PHENOTK_CACHE_DIR": str(tmp_path / "cache")}
    res = runner.invoke(app, ["mapping", "init", str(hospital_xlsx), "--hpo", str(hpo_dir / "hp.json"), "-o",
                              str(out)], env=env)
    assert res.exit_code == 0, res.output
    assert "header: row 5 of sheet 'Patients'; rows above it skipped: 1, 2, 4" in res.output
    assert "placed 11 of 14 columns (4 HPO term columns)" in res.output
    assert "could not place: 'Intellectual disabilty', 'Affected', 'Consent'" in res.output
    assert "'Intellectual disabilty': did you mean HP:0001249 Intellectual disability (0.98)" in res.output
    assert "'Consent': a yes/no study or family column, not a phenotype" in res.output
    check = runner.invoke(app, ["mapping", "check", str(out)])
    assert check.exit_code == 0, check.output


def test_header_row_option_overrides_the_search(hospital_xlsx: Path) -> None:
    start = init_mapping(hospital_xlsx, header_row=4)
    assert start.header_row == 4 and start.sheet.header[:2] == ["Patient", "Patient (2)"]


def test_csv_with_title_line_and_blank_line(tmp_path: Path, hpo) -> None:
    path = tmp_path / "cohort.csv"
    lines = [TITLE + ",,,", ",,,", "Patient,Sex,Seizures,Notes", "P1,M,yes,first", "P2,F,no,"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    start = init_mapping(path, ontology=hpo)
    assert start.header_row == 3 and start.sheets == []
    assert "header: row 3; rows above it skipped: 1" in start.messages()
    res = read_sheet(path, parse_mapping(start.text), ontology=hpo)
    assert [_features(p) for p in res.packets] == [{"HP:0001250": False}, {"HP:0001250": True}]


def test_plain_sheet_keeps_row_one(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("id,sex,HP:0001250\nP1,M,yes\nP2,F,no\n", encoding="utf-8")
    start = init_mapping(path)
    assert start.header_row == 1 and "header_row" not in yaml.safe_load(start.text)["input"]


# ---------------------------------------------------------------- multi-sheet workbooks
def test_multi_sheet_workbook_finds_the_patient_sheet(tmp_path: Path, hpo) -> None:
    wb = openpyxl.Workbook()
    readme = wb.active
    readme.title = "README"
    for line in ("How to fill in this workbook", "One row per patient", "Use yes/no for features",
                 "Contact: the registry team"):
        readme.append([line])
    codes = wb.create_sheet("Codes")
    codes.append(["Code", "Meaning"])
    for code, meaning in (("M", "male"), ("F", "female"), ("yes", "observed"), ("no", "excluded"),
                          ("na", "not assessed")):
        codes.append([code, meaning])
    _hospital_sheet(wb.create_sheet("Patients"))
    wb.create_sheet("Empty")
    path = tmp_path / "registry.xlsx"
    wb.save(path)
    start = init_mapping(path, ontology=hpo)
    assert (start.sheet_name, start.choice.sheet_index, start.header_row) == ("Patients", 3, 5)
    assert [c.sheet for c in start.sheets] == ["README", "Codes", "Patients", "Empty"]
    assert start.messages()[0] == ("sheet: 'Patients' (3 of 4; passed over: 'README' (read-me/lookup), "
                                   "'Codes' (read-me/lookup), 'Empty' (no data))")
    data = yaml.safe_load(start.text)
    assert data["input"] == {"rows": "one", "sheet": "Patients", "header_row": 5}
    res = read_sheet(path, parse_mapping(start.text), ontology=hpo)
    assert [p.id for p in res.packets] == ["P1", "P2", "P3"]


def test_sheet_option_reads_that_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active.append(["free text"])
    other = wb.create_sheet("Cohort B")
    other.append(["Patient", "Sex"])
    other.append(["B1", "F"])
    path = tmp_path / "two.xlsx"
    wb.save(path)
    start = init_mapping(path, sheet="Cohort B")
    assert start.sheet_name == "Cohort B" and yaml.safe_load(start.text)["input"]["sheet"] == "Cohort B"


# ---------------------------------------------------------------- languages
GERMAN = ["Patienten-ID", "Geschlecht", "Geburtsdatum", "Erkrankungsalter", "Alter bei letzter Untersuchung",
          "Diagnose", "OMIM", "Gen", "Variante", "Zygotie", "verstorben", "PMID"]
FRENCH = ["N° patient", "Sexe", "Date de naissance", "Âge de début", "Âge au dernier examen", "Diagnostic",
          "Code diagnostic", "Gène", "Variant", "Zygosité", "Décédé", "Référence"]


@pytest.mark.parametrize(("header", "sex", "dead", "vital"), [
    (GERMAN, "w", "nein", {"nein": "ALIVE"}), (FRENCH, "F", "oui", {"oui": "DECEASED"}),
], ids=["de", "fr"])
def test_german_and_french_headers(tmp_path: Path, header: list[str], sex: str, dead: str, vital: dict) -> None:
    path = tmp_path / "sheet.csv"
    row = ["K1", sex, "2010-01-02", "3", "5", "Dravet", "OMIM:607208", "SCN1A", "c.1A>G", "het", dead, "PMID:1"]
    path.write_text(";".join(header) + "\n" + ";".join(row) + "\n", encoding="utf-8")
    start = init_mapping(path)
    f = start.placement.fields
    placed = {k: v[0] for k, v in f.items()}
    assert placed == {"subject_id": header[0], "sex": header[1], "date_of_birth": header[2], "onset": header[3],
                      "age": header[4], "disease_label": header[5], "disease_id": header[6],
                      "gene_symbol": header[7], "variant": header[8], "zygosity": header[9],
                      "vital_status": header[10], "pmid": header[11]}
    assert start.placement.unplaced == []
    data = yaml.safe_load(start.text)
    assert data["subject"] == {"id": header[0], "sex": header[1], "date_of_birth": header[2],
                               "age_at_last_encounter": header[4],
                               "vital_status": {"column": header[10], "values": vital}}
    assert data["diseases"] == {"id": header[6], "label": header[5], "onset": header[3]}
    packet = read_sheet(path, parse_mapping(start.text)).packets[0]
    assert packet.subject.vital_status.status == (2 if dead == "oui" else 1)  # DECEASED / ALIVE
    assert _sex(packet) == "FEMALE"


def test_cell_words_of_other_languages_and_inverted_questions(tmp_path: Path, hpo) -> None:
    """oui/non are default words; ++/-- get a values: map; 'Alive: yes' is ALIVE; Spanish H/M is hombre/mujer."""
    path = tmp_path / "words.csv"
    path.write_text("Paciente;Sexo;Alive;Hypotonia;Seizures\nE1;H;yes;++;oui\nE2;M;no;--;non\nE3;M;;++;?\n",
                    encoding="utf-8")
    start = init_mapping(path, ontology=hpo)
    data = yaml.safe_load(start.text)
    assert data["subject"]["sex"] == {"column": "Sexo", "values": {"h": "MALE", "m": "FEMALE"}}
    assert data["subject"]["vital_status"] == {"column": "Alive", "values": {"yes": "ALIVE", "no": "DECEASED"}}
    words = data["phenotypes"]["wide"]["values"]
    assert words["observed"][-1:] == ["++"] and words["excluded"][-1:] == ["--"]  # oui/non: defaults
    res = read_sheet(path, parse_mapping(start.text), ontology=hpo)
    e1, e2, e3 = res.packets
    assert [_sex(p) for p in res.packets] == ["MALE", "FEMALE", "FEMALE"]
    assert [e1.subject.vital_status.status, e2.subject.vital_status.status] == [1, 2]  # ALIVE, DECEASED
    assert not e3.subject.HasField("vital_status")
    assert _features(e1) == {"HP:0001252": False, "HP:0001250": False}
    assert _features(e2) == {"HP:0001252": True, "HP:0001250": True}


@pytest.mark.parametrize(("header", "field"), [
    ("Sexo", "sex"), ("Sesso", "sex"), ("Geslacht", "sex"), ("Geschlecht (m/w)", "sex"),
    ("ID paciente", "subject_id"), ("Codice paziente", "subject_id"), ("Patiëntnummer", "subject_id"),
    ("Numéro de patient", "subject_id"), ("Patientennummer", "subject_id"),
    ("Diagnóstico", "disease_label"), ("Diagnosi", "disease_label"), ("Ziekte", "disease_label"),
    ("Edad de inicio", "onset"), ("Età d'esordio", "onset"), ("Leeftijd bij begin", "onset"),
    ("âge de début", "onset"), ("Alter bei Erkrankungsbeginn", "onset"),
    ("Edad en la última visita", "age"), ("Età all'ultima visita", "age"), ("Leeftijd bij laatste bezoek", "age"),
    ("Age at last encounter", "age"), ("Edad", "age"), ("Leeftijd", "age"),
    ("Fecha de nacimiento", "date_of_birth"), ("Data di nascita", "date_of_birth"), ("Geboortedatum", "date_of_birth"),
    ("fallecido", "vital_status"), ("deceduto", "vital_status"), ("overleden", "vital_status"),
    ("Décédé", "vital_status"), ("Vital status", "vital_status"),
    ("Mutación", "variant"), ("Mutazione", "variant"), ("Mutatie", "variant"), ("HGVS", "variant"),
    ("Allele 2", "variant"), ("Cigosidad", "zygosity"), ("Zigosità", "zygosity"), ("Genotype", "zygosity"),
    ("Código de enfermedad", "disease_id"), ("Codice malattia", "disease_id"), ("ORPHA code", "disease_id"),
    ("Referencia", "pmid"), ("Riferimento", "pmid"), ("Referentie", "pmid"), ("PubMed ID", "pmid"),
    ("Gen", "gene_symbol"), ("Gene symbol", "gene_symbol"), ("HGNC id", "hgnc_id"),
    ("age_last_visit", "age"), ("Age at referral", "age"), ("Age at diagnosis", "diagnosis_age"),
    ("Diagnosis OMIM", "disease_id"), ("Other findings", "text"), ("Name code", "subject_id"),
    ("Protein change", "protein"), ("hgvs_p", "protein"), ("Amino acid mutation", "protein"),
    ("Nucleotide mutation", "variant"), ("Age onset", "onset"), ("Age diagnosis", "diagnosis_age"),
    ("omim_title", "disease_label"), ("Index No", "subject_id"), ("ID (pseudonym)", "subject_id"),
])
def test_header_words_in_six_languages(header: str, field: str) -> None:
    assert field_of(header) == field


@pytest.mark.parametrize("header", ["Notes", "Comment", "Seizures", "Hypotonia", "Bed", "Name", "Consent",
                                    "p.(Arg340Alafs*147)", "c.(1A>G)"])
def test_header_words_leave_other_headers_alone(header: str) -> None:
    assert field_of(header) is None


@pytest.mark.parametrize("header", ["Affected", "Consent", "Consanguinity", "Sample sent", "Einwilligung Forschung",
                                    "Consent for research",
                                    "Consanguinité", "Consentimiento", "Toestemming", "Blutsverwandtschaft"])
def test_yes_no_study_columns_are_not_phenotypes(header: str) -> None:
    assert is_not_phenotype(header) and field_of(header) is None


# ---------------------------------------------------------------- HPO header matching
@pytest.mark.parametrize(("header", "term"), [
    ("myoclonic seizures", "HP:0032794"), ("Myoclonic Seizures", "HP:0032794"), ("anaemia", "HP:0001903"),
    ("Anaemia", "HP:0001903"), ("neonatal seizures", "HP:0032807"), ("Generalised hypotonia", "HP:0001290"),
    ("Oedema", "HP:0000969"), ("Global developmental delays", "HP:0001263"), ("Hypotonia", "HP:0001252"),
])
def test_exact_up_to_case_plural_and_spelling(hpo, header: str, term: str) -> None:
    hit = matcher_for(hpo).exact(header)
    assert hit is not None and hit.id == term and hit.phenotype


@pytest.mark.parametrize(("header", "first"), [
    ("Intellectual disabilty", "HP:0001249"), ("seizures myoclonic", "HP:0032794"), ("Microcephalie", "HP:0000252"),
    ("Hypotonai", "HP:0001252"),
])
def test_near_misses_get_suggestions_not_placements(hpo, header: str, first: str) -> None:
    m = matcher_for(hpo)
    assert m.exact(header) is None
    hits = m.suggest(header)
    assert hits and hits[0].id == first


def test_unrelated_headers_get_no_suggestion(hpo) -> None:
    m = matcher_for(hpo)
    assert [m.suggest(h) for h in ("Notes", "Comment", "Consent", "Sample sent")] == [[], [], [], []]


def test_normalise_is_symmetric_for_plurals_and_british_spelling() -> None:
    assert normalise("Myoclonic Seizures (yes/no)") == normalise("Myoclonic seizure")
    assert normalise("Haemorrhages") == normalise("hemorrhage")
    assert normalise("Behavioural abnormalities") == normalise("Behavioral abnormality")


def test_without_hpo_only_ids_are_terms_and_nothing_is_suggested(hospital_xlsx: Path) -> None:
    start = init_mapping(hospital_xlsx)
    assert start.header_row == 5 and start.placement.hpo_columns == {} and start.placement.suggestions == {}
    assert "Intellectual disabilty" in start.placement.unplaced


# ---------------------------------------------------------------- YAML '#' hint
HINTED = """\
phenotk_mapping: 1
subject:
  id: Patient  # the patient column
  sex: Sex  # 1 = male
diseases:
  id: {const: "OMIM:607208"}
  label: MIM #607208
variants:
  - hgvs: Variant #1
"""


def test_unquoted_hash_in_a_value_gets_a_hint() -> None:
    hints = comment_hints(HINTED)
    assert [(h.line, h.column) for h in hints] == [(7, 14), (9, 19)]
    assert hints[0].message == ("the value is read as 'MIM': in YAML an unquoted ' #' starts a comment; if you mean "
                                "'MIM #607208', quote it: \"MIM #607208\"")
    assert parse_mapping(HINTED).hints == hints
    quoted = HINTED.replace("MIM #607208", '"MIM #607208"').replace("Variant #1", "'Variant #1'")
    assert comment_hints(quoted) == []


def test_mapping_check_prints_the_hint(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(HINTED, encoding="utf-8")
    res = runner.invoke(app, ["mapping", "check", str(path)])
    assert res.exit_code == 0, res.output  # a hint, not an error
    assert f"{path}:7:14: hint: the value is read as 'MIM'" in res.output


# ---------------------------------------------------------------- cells decide what a header could not
def test_cells_decide_disease_id_onset_and_subject_id(tmp_path: Path) -> None:
    """'Diagnosis' holding 'Name (OMIM n)' is the disease id; 'Age at diagnosis' stands in for a missing onset
    column (with a note); without an id header the first column of distinct filled cells is the id, not 'Bed'."""
    path = tmp_path / "ward.csv"
    path.write_text("Bed,Name code,Diagnosis,Age at diagnosis\n1a,W01,Angelman syndrome (OMIM 105830),2y\n"
                    "1a,W02,MIM #300672,\n2b,W03,DEE4 (OMIM 612164),3 months\n", encoding="utf-8")
    start = init_mapping(path)
    data = yaml.safe_load(start.text)
    assert data["subject"] == {"id": "Name code"}
    assert data["diseases"] == {"id": "Diagnosis", "onset": "Age at diagnosis"}
    assert start.placement.notes["Age at diagnosis"].startswith("read as the disease onset")
    unnamed = tmp_path / "unnamed.csv"
    unnamed.write_text("Bed,Case code,Sex\n1a,A1,M\n1a,B2,F\n", encoding="utf-8")
    assert yaml.safe_load(init_mapping(unnamed).text)["subject"]["id"] == "Case code"
    noid = tmp_path / "noid.csv"
    noid.write_text("Bed,Ward code,Sex\n1a,A1,M\n1a,B2,F\n", encoding="utf-8")
    assert yaml.safe_load(init_mapping(noid).text)["subject"]["id"] == "Ward code"  # Bed repeats


def test_long_layout_from_label_and_id_cells(tmp_path: Path, hpo) -> None:
    path = tmp_path / "long.csv"
    path.write_text("record_id,phenotype,hpo_term,status\nR1,Seizure (HP:0001250),Seizure,observed\n"
                    "R1,HP:0001252,Hypotonia,excluded\nR2,Ataxia (HP:0001251),Ataxia,observed\n", encoding="utf-8")
    start = init_mapping(path, ontology=hpo)
    data = yaml.safe_load(start.text)
    assert data["input"]["rows"] == "many"
    assert data["phenotypes"] == {"long": {"term": "phenotype", "label": "hpo_term", "status": "status"}}
    res = read_sheet(path, parse_mapping(start.text), ontology=hpo)
    assert [_features(p) for p in res.packets] == [{"HP:0001250": False, "HP:0001252": True}, {"HP:0001251": False}]


def test_unmatched_free_text_gets_suggestions_not_features(tmp_path: Path, hpo) -> None:
    path = tmp_path / "referrals.csv"
    path.write_text('ID,Sex,Clinical features\nP1,M,"Intellectual disabilty; no seizures, hypotonai"\n'
                    "P2,F,walks with aid; microcephaly\n", encoding="utf-8")
    start = init_mapping(path, ontology=hpo)
    sugg = {phrase: hits[0].id for phrase, (_, hits) in start.placement.text_suggestions.items()}
    assert sugg == {"Intellectual disabilty": "HP:0001249", "hypotonai": "HP:0001252"}  # nothing for "walks with aid"
    found = [(i.code, i.context["value"]) for i in start.findings if i.rule == "map-unmatched-text"]
    assert found == [("MAP003", "Intellectual disabilty"), ("MAP003", "hypotonai")]
    assert "#   'hypotonai' (Clinical features): HP:0001252 Hypotonia (0.89)" in start.text
    res = read_sheet(path, parse_mapping(start.text), ontology=hpo)
    assert [_features(p) for p in res.packets] == [{"HP:0001250": True}, {"HP:0000252": False}]


def test_transposed_literature_table_is_said(tmp_path: Path, hpo) -> None:
    """One patient per column (a common supplement layout): said, not silently mis-read as a header search."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["Patient", "1", "2", "3"], ["Sex", "M", "F", "F"], ["Age", "5", "29", "4"],
                ["cDNA change", "c.124A>G", "c.922A>G", "c.922A>G"], ["Short stature", "Yes", "Yes", "No"],
                ["Webbed neck", "Yes", "-", "Yes"]):
        ws.append(row)
    path = tmp_path / "supplement.xlsx"
    wb.save(path)
    start = init_mapping(path, ontology=hpo)
    assert start.header_row == 1
    assert start.transposed == ["Patient", "Sex", "Age", "cDNA change", "Short stature", "Webbed neck"]
    assert any(m.startswith("warning: the sheet looks transposed") for m in start.messages())
    # a sheet with one patient per row is not
    assert init_mapping(hospital_sheet_path(tmp_path), ontology=hpo).transposed == []


def hospital_sheet_path(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    _hospital_sheet(wb.active)
    path = tmp_path / "rows.xlsx"
    wb.save(path)
    return path


def test_two_row_header_with_vertically_merged_cells(tmp_path: Path, hpo) -> None:
    """'Patient ID' merged over rows 2-3 beside a 'Clinical features' group: row 3 is the header, and it has the
    merged names too (a merged range gives its value to every cell it covers)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Registry export"])
    ws.append(["Patient ID", "Sex", "Clinical features", None, None])
    ws.append([None, None, "Seizures", "Hypotonia", "Ataxia"])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    ws.merge_cells("C2:E2")
    ws.append(["P1", "F", "yes", "no", "no"])
    ws.append(["P2", "M", "no", "yes", "yes"])
    path = tmp_path / "two_rows.xlsx"
    wb.save(path)
    start = init_mapping(path, ontology=hpo)
    assert start.header_row == 3 and start.sheet.header == ["Patient ID", "Sex", "Seizures", "Hypotonia", "Ataxia"]
    res = read_sheet(path, parse_mapping(start.text), ontology=hpo)
    assert [_features(p) for p in res.packets] == [
        {"HP:0001250": False, "HP:0001252": True, "HP:0001251": True},
        {"HP:0001250": True, "HP:0001252": False, "HP:0001251": False},
    ]


def test_two_row_header_without_merges_is_said(tmp_path: Path) -> None:
    path = tmp_path / "two_rows.csv"
    path.write_text("Registry export,,,,\nPatient ID,Sex,Clinical features,Clinical features,Clinical features\n"
                    ",,Seizures,Hypotonia,Ataxia\nP1,F,yes,no,no\nP2,M,no,yes,yes\n", encoding="utf-8")
    start = init_mapping(path)
    assert start.header_row == 3 and start.names_above == [("A", "Patient ID"), ("B", "Sex")]
    assert any(m.startswith("warning: header cells empty in row 3 are named in row 2: A ('Patient ID'), "
                            "B ('Sex')") for m in start.messages())


def test_mixed_disease_column_and_foreign_phenotype_headers(tmp_path: Path, hpo) -> None:
    """A diagnosis column with ids in most cells is the disease id (the name cell becomes a finding, not a lost
    column); yes/no columns whose German headers no HPO label matches get a note saying how to map them, and with
    the terms added by hand the German cell words convert without a values: map."""
    path = tmp_path / "kohorte.csv"
    path.write_text("Pat-Nr.;Diagnose;Krampfanfälle;Bemerkung\nK1;OMIM:607208;ja;stabil\nK2;ORPHA:72;nein;\n"
                    "K3;Angelman;unbekannt;\n", encoding="utf-8")
    start = init_mapping(path, ontology=hpo)
    data = yaml.safe_load(start.text)
    assert data["diseases"] == {"id": "Diagnose"}
    assert "phenotypes.wide.terms as Krampfanfälle: HP:" in start.placement.notes["Krampfanfälle"]
    assert "Bemerkung" not in start.placement.notes  # free text, not yes/no
    data["phenotypes"] = {"wide": {"terms": {"Krampfanfälle": "HP:0001250"}}}
    res = read_sheet(path, parse_mapping(yaml.safe_dump(data, allow_unicode=True)), ontology=hpo)
    assert [_features(p) for p in res.packets] == [{"HP:0001250": False}, {"HP:0001250": True}, {}]
    assert [p.diseases[0].term.id if p.diseases else None for p in res.packets] == ["OMIM:607208", "ORPHA:72", None]
    bad = [(i.context.get("row"), i.context.get("value")) for i in res.all_issues if i.code == "MAP002"]
    assert bad == [(4, "Angelman")]


def test_long_sheet_severity_column_is_placed(tmp_path: Path, hpo) -> None:
    """A long sheet's "Severity" / "Schweregrad" column becomes phenotypes.long.severity and is carried."""
    for header in ("Severity", "Schweregrad"):
        path = tmp_path / f"{header}.csv"
        path.write_text(f"patient,hpo_id,status,{header}\nP1,HP:0001250,yes,mild\nP1,HP:0001252,no,\n",
                        encoding="utf-8")
        start = init_mapping(path, ontology=hpo)
        assert yaml.safe_load(start.text)["phenotypes"]["long"]["severity"] == header
        packet = read_sheet(path, parse_mapping(start.text), ontology=hpo).packets[0]
        assert [(f.type.id, f.excluded, f.severity.id) for f in packet.phenotypic_features] == [
            ("HP:0001250", False, "HP:0012825"), ("HP:0001252", True, "")]


def test_term_list_columns_are_text_columns_not_the_long_layout(tmp_path: Path, hpo) -> None:
    """A column listing several HPO ids per patient is a term list (one row per patient), and a list column whose
    header names absent findings becomes excluded_columns."""
    path = tmp_path / "lists.csv"
    path.write_text("patient_id,hpo_terms,excluded_terms\nQ1,HP:0001250; HP:0001263,HP:0000252\n"
                    "Q2,Seizure (HP:0001250),\nQ3,HP:0001252|HP:0001263,HP:0001250\n", encoding="utf-8")
    start = init_mapping(path, ontology=hpo)
    data = yaml.safe_load(start.text)
    assert data["input"] == {"rows": "one"}
    assert data["phenotypes"] == {"text": {"columns": ["hpo_terms"], "excluded_columns": ["excluded_terms"]}}
    res = read_sheet(path, parse_mapping(start.text), ontology=hpo)
    assert [_features(p) for p in res.packets] == [
        {"HP:0001250": False, "HP:0001263": False, "HP:0000252": True}, {"HP:0001250": False},
        {"HP:0001252": False, "HP:0001263": False, "HP:0001250": True}]


@pytest.mark.parametrize(("cells", "order"), [(["25/12/2015", "03/02/2015"], "day-first"),
                                              (["12/25/2015", "03/02/2015"], "month-first"),
                                              (["25/12/2015", "12/25/2015"], None), (["03/02/2015"], None)])
def test_date_order_from_the_column(tmp_path: Path, cells: list[str], order: str | None) -> None:
    path = tmp_path / "dates.csv"
    path.write_text("id,date of birth\n" + "".join(f"p{i},{c}\n" for i, c in enumerate(cells)), encoding="utf-8")
    dob = yaml.safe_load(init_mapping(path).text)["subject"]["date_of_birth"]
    assert dob == ("date of birth" if order is None else {"column": "date of birth", "date_order": order})


def test_bare_number_ages_get_a_note_and_unit_headers_none(tmp_path: Path) -> None:
    path = tmp_path / "ages.csv"
    path.write_text("id,Age,Seizure\np1,5,yes\np2,12.5,no\n", encoding="utf-8")
    start = init_mapping(path)
    assert "unit: years" in start.placement.notes["Age"]
    assert "# Check these columns:" in start.text and "no HPO loaded" in start.placement.notes["Seizure"]
    path.write_text("id,Age (years),Seizure\np1,5,yes\n", encoding="utf-8")
    assert "Age (years)" not in init_mapping(path).placement.notes


def test_mapping_check_dry_runs_a_redcap_mapping_on_its_export(shared_data: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    export = shared_data / "redcap" / "rarelink" / "evaluation_cohort_redcap_export.json"
    res = runner.invoke(app, ["mapping", "check", str(root / "mappings" / "redcap-rarelink.yaml"), str(export)])
    # read as the REDCap export it is (was: a JSON text refused as a sheet, before that a one-column sheet)
    assert res.exit_code == 0, res.output
    assert "10 packet(s)" in res.output


def test_mapping_init_on_a_redcap_export_points_at_the_redcap_mappings(fixtures_dir: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["mapping", "init", str(fixtures_dir / "redcap" / "mini_export.csv"),
                              "-o", str(tmp_path / "m.yaml")])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "looks like a REDCap export" in res.output and "redcap-rarelink" in res.output


def test_mapping_init_writes_no_mapping_for_a_transposed_sheet(tmp_path: Path) -> None:
    # it warned but wrote `subject.id: Patient`, and converting with it made patients named "Sex" and "Age"
    import subprocess
    import sys

    sheet = tmp_path / "supplement.csv"
    sheet.write_text("Patient,1,2,3\nSex,M,F,F\nAge,5,29,4\nSeizure,Yes,Yes,No\n", encoding="utf-8")
    out = tmp_path / "m.yaml"
    run = subprocess.run([sys.executable, "-m", "phenotk", "mapping", "init", str(sheet), "-o", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 2 and not out.exists()
    assert "looks transposed" in run.stderr and "--header-row" in run.stderr and "Traceback" not in run.stderr
    forced = subprocess.run([sys.executable, "-m", "phenotk", "mapping", "init", str(sheet), "-o", str(out),
                             "--header-row", "1"], capture_output=True, text=True)
    assert forced.returncode == 0 and out.exists()  # the user says the first row is the header
