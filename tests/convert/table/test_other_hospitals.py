"""Sheets from other hospitals, in conventions our fixtures did not have, each with the packets it must give.

Every sheet is written here (synthetic patients, no real data): German/French/Spanish/Dutch headers and words,
a legend row, a footnote row and a "Total" line under the patients, a title banner and a merged group header, an
instructions worksheet before the data, Excel's ``sep=;`` line, booleans, months/SSW/"4 years old" ages, onset
and severity words of six languages, free-text terms followed by a status ("Seizure, no"), numbered feature
columns, several terms in one long-layout cell, term headers with their answer format ("Seizure (Y/N)") and HPO
ids without their colon. The ground truth is what the sheet states: nothing invented (no packet for a note, no
status the cell did not give), and every cell that is not carried named by a one-line finding.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from _view import packets_by_id

from phenotk.conversion.table import read_sheet
from phenotk.conversion.table.build import _Builder, _Options
from phenotk.conversion.table.sheets import open_table
from phenotk.conversion.table.terms import TermResolver
from phenotk.issue import Severity
from phenotk.mapping.model import load_mapping

CREATED = "2025-01-01T00:00:00Z"


def _features(packet: dict[str, Any]) -> dict[str, bool]:
    """HPO id → excluded, of one packet."""
    return {f["type"]["id"]: bool(f.get("excluded")) for f in packet.get("phenotypicFeatures", [])}




def _whole(sheet: Path, mapping: Any, hpo: Any) -> Any:
    """The reference conversion (every row held, grouped in one go): must agree with the streamed one."""
    m = load_mapping(mapping)
    table = open_table(sheet, sheet=m.sheet, header_row=m.header_row, skip_rows=m.skip_rows, delimiter=m.delimiter,
                       encoding=m.encoding)
    return _Builder(table, m, TermResolver(hpo), _Options(Severity.WARNING, CREATED, "phenotk")).build_whole()


# ---------------------------------------------------------------------------------------------- notes and totals
GERMAN_CSV = """\
Patienten-ID ,Geschlecht,Alter (Monate),Krampfanfälle,Muskelhypotonie
P01,männlich,51,ja,nein
P02,w,18,nein,ja
P03,weiblich,7,,ja
Legende: ja = vorhanden; nein = nicht vorhanden,,,,
Quelle: Arztbriefe 2019 bis 2023 ausgewertet,,,,
"""
GERMAN_MAPPING = {
    "phenotk_mapping": 1,
    "input": {"rows": "one"},
    "subject": {"id": "Patienten-ID", "sex": {"column": "Geschlecht", "values": {"w": "FEMALE"}},
                "age_at_last_encounter": {"column": "Alter (Monate)", "unit": "months"}},
    "phenotypes": {"wide": {"columns": ["Krampfanfälle", "Muskelhypotonie"],
                            "terms": {"Krampfanfälle": "HP:0001250", "Muskelhypotonie": "HP:0001252"}}},
}

FRENCH_CSV = """\
ID;Sexe;HP:0001250;HP:0001252
F-01;féminin;oui;non
F-02;masculin;non;oui
Total;;1/2;1/2
n = 2;;;
"""
FRENCH_MAPPING = {
    "phenotk_mapping": 1,
    "input": {"rows": "one", "delimiter": ";"},
    "subject": {"id": "ID", "sex": "Sexe"},
    "phenotypes": {"wide": {"columns": ["HP:0001250", "HP:0001252"]}},
}


def _spanish_xlsx(path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Pacientes"
    ws.append(["Registro de pacientes - Hospital X"])
    ws.append(["Demografía", None, None, "Fenotipo"])
    ws.merge_cells("A2:C2")
    ws.merge_cells("D2:E2")
    ws.append(["Nº ", "Sexo", "Fecha de nacimiento", "Convulsiones ", "Hipotonía"])
    ws.append([101, "varón", datetime.datetime(2019, 4, 3), "sí", "no"])
    ws.append([102.0, "mujer", None, True, False])
    ws.append([None, None, None, None, None])
    ws.append(["* sí = presente; no = ausente"])
    wb.save(path)


SPANISH_MAPPING = {
    "phenotk_mapping": 1,
    "input": {"header_row": 3, "rows": "one"},
    "subject": {"id": "Nº", "sex": "Sexo", "date_of_birth": "Fecha de nacimiento"},
    "phenotypes": {"wide": {"columns": ["Convulsiones", "Hipotonía"],
                            "terms": {"Convulsiones": "HP:0001250", "Hipotonía": "HP:0001252"}}},
}


def _sheet(tmp_path: Path, name: str) -> tuple[Path, dict[str, Any]]:
    if name == "german":
        path = tmp_path / "kinderklinik.csv"
        path.write_text(GERMAN_CSV, encoding="utf-8")
        return path, GERMAN_MAPPING
    if name == "french":
        path = tmp_path / "registre.csv"
        path.write_text(FRENCH_CSV, encoding="utf-8")
        return path, FRENCH_MAPPING
    path = tmp_path / "pacientes.xlsx"
    _spanish_xlsx(path)
    return path, SPANISH_MAPPING


TRUTH: dict[str, dict[str, Any]] = {
    "german": {
        "packets": {
            "P01": {"sex": "MALE", "age": "P51M", "features": {"HP:0001250": False, "HP:0001252": True}},
            "P02": {"sex": "FEMALE", "age": "P18M", "features": {"HP:0001250": True, "HP:0001252": False}},
            "P03": {"sex": "FEMALE", "age": "P7M", "features": {"HP:0001252": False}},
        },
        "not_a_patient": [(5, "Patienten-ID"), (6, "Patienten-ID")],
    },
    "french": {
        "packets": {
            "F-01": {"sex": "FEMALE", "features": {"HP:0001250": False, "HP:0001252": True}},
            "F-02": {"sex": "MALE", "features": {"HP:0001250": True, "HP:0001252": False}},
        },
        "not_a_patient": [(4, "ID"), (5, "ID")],
    },
    "spanish": {
        "packets": {
            "101": {"sex": "MALE", "dob": "2019-04-03T00:00:00Z",
                    "features": {"HP:0001250": False, "HP:0001252": True}},
            "102": {"sex": "FEMALE", "features": {"HP:0001250": False, "HP:0001252": True}},
        },
        "not_a_patient": [(7, "Nº")],
    },
}


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_notes_and_totals_rows_are_not_patients(name: str, tmp_path: Path, hpo_stub: Any) -> None:
    sheet, mapping = _sheet(tmp_path, name)
    truth = TRUTH[name]
    res = read_sheet(sheet, mapping, ontology=hpo_stub, created=CREATED)
    packets = packets_by_id(res)
    assert sorted(packets) == sorted(truth["packets"])  # nothing invented from a legend, a note or a total
    for pid, want in truth["packets"].items():
        got = packets[pid]
        assert got["subject"].get("sex") == want["sex"]
        if "age" in want:
            assert got["subject"]["timeAtLastEncounter"]["age"]["iso8601duration"] == want["age"]
        if "dob" in want:
            assert got["subject"]["dateOfBirth"] == want["dob"]
        assert _features(got) == want["features"]
    # every skipped row is named, by row and id column, in one line
    skipped = [(i.context["row"], i.context["column"]) for i in res.all_issues
               if i.rule == "map-bad-cell" and i.context.get("reason") == "not a patient row"]
    assert skipped == truth["not_a_patient"]
    assert all("\n" not in i.message for i in res.all_issues)
    # the reference conversion (all rows held) agrees
    whole = _whole(sheet, mapping, hpo_stub)
    assert packets_by_id(whole) == packets
    assert [i.to_dict() for i in whole.all_issues] == [i.to_dict() for i in res.all_issues]


def test_a_patient_with_a_spaced_id_and_no_data_stays_a_patient(tmp_path: Path, hpo_stub: Any) -> None:
    """Only a note-like id alone in its row is skipped: 'Patient 7' without data is still a patient."""
    path = tmp_path / "ids.csv"
    path.write_text("ID,Sex,Seizure\nPatient 7,,\nTotalitarian-1,m,yes\n", encoding="utf-8")
    res = read_sheet(path, {"phenotk_mapping": 1, "subject": {"id": "ID", "sex": "Sex"},
                            "phenotypes": {"wide": {"columns": ["Seizure"]}}}, ontology=hpo_stub, created=CREATED)
    assert sorted(packets_by_id(res)) == ["Patient 7", "Totalitarian-1"]
    assert not [i for i in res.all_issues if i.context.get("reason") == "not a patient row"]


# ------------------------------------------------------------------------------ onset and "not assessed" words
ONSET_CSV = """\
Pat;Krampfanfälle;Hypotonie;Mikrozephalie
D1;angeboren;im Säuglingsalter;k.A.
D2;Kindesalter;nein;keine Angabe
F1;néonatal;dès la naissance;non recherché
E1;congénito;no valorado;lactante
N1;neonataal;aangeboren;niet bekend
"""
ONSET_MAPPING = {
    "phenotk_mapping": 1,
    "input": {"delimiter": ";"},
    "subject": {"id": "Pat"},
    "phenotypes": {"wide": {"columns": ["Krampfanfälle", "Hypotonie", "Mikrozephalie"],
                            "terms": {"Krampfanfälle": "HP:0001250", "Hypotonie": "HP:0001252",
                                      "Mikrozephalie": "HP:0000252"}}},
}
CONGENITAL, NEONATAL = ("HP:0003577", "Congenital onset"), ("HP:0003623", "Neonatal onset")
INFANTILE, CHILDHOOD = ("HP:0003593", "Infantile onset"), ("HP:0011463", "Childhood onset")
#: (packet, term) → onset id, or "excluded"; a "not assessed" word gives no feature and no finding
ONSET_TRUTH = {
    "D1": {"HP:0001250": CONGENITAL, "HP:0001252": INFANTILE},
    "D2": {"HP:0001250": CHILDHOOD, "HP:0001252": "excluded"},
    "F1": {"HP:0001250": NEONATAL, "HP:0001252": CONGENITAL},
    "E1": {"HP:0001250": CONGENITAL, "HP:0000252": INFANTILE},
    "N1": {"HP:0001250": NEONATAL, "HP:0001252": CONGENITAL},
}


def test_onset_and_not_assessed_words_of_other_languages(tmp_path: Path, hpo_stub: Any) -> None:
    path = tmp_path / "onsets.csv"
    path.write_text(ONSET_CSV, encoding="utf-8")
    res = read_sheet(path, ONSET_MAPPING, ontology=hpo_stub, created=CREATED)
    got: dict[str, dict[str, Any]] = {}
    for pid, packet in packets_by_id(res).items():
        got[pid] = {}
        for f in packet.get("phenotypicFeatures", []):
            onset = f.get("onset", {}).get("ontologyClass")
            got[pid][f["type"]["id"]] = "excluded" if f.get("excluded") else (onset["id"], onset["label"])
    assert got == ONSET_TRUTH
    assert [i.to_dict() for i in res.all_issues if i.rule.startswith("map-")] == []


def test_decomposed_accents_read_like_composed_ones() -> None:
    from phenotk.mapping.timeparse import parse_time

    parsed = parse_time("ne\u0301onatal")  # e + combining acute, as some keyboards and exports write it
    assert parsed is not None and parsed.term_id == "HP:0003623"


# ------------------------------------------------------------------------- status words after a free-text term
def _status_xlsx(path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Case", "Features (HPO)"])
    for row in [
        ("C1", "Seizure, no; Hypotonia, yes"),          # was: Seizure OBSERVED (invented) and 'no' unmatched
        ("C2", "Seizure: absent, Hypotonia (+)"),
        ("C3", "Seizures - no\nMicrocephaly: yes"),
        ("C4", "Hypotonia (-)"),
        ("C5", "Seizure (absent) | Microcephaly = ja"),
        ("C6", "Seizure: n/a; Hypotonia"),            # unknown: nothing recorded for Seizure
        ("C7", "seizrue, no"),                        # typo: the whole item stays unmatched, nothing guessed
        ("C8", "no seizures, yes"),                   # contradiction: reported, not guessed
    ]:
        ws.append(list(row))
    wb.save(path)


STATUS_TRUTH = {
    "C1": {"HP:0001250": True, "HP:0001252": False},
    "C2": {"HP:0001250": True, "HP:0001252": False},
    "C3": {"HP:0001250": True, "HP:0000252": False},
    "C4": {"HP:0001252": True},
    "C5": {"HP:0001250": True, "HP:0000252": False},
    "C6": {"HP:0001252": False},
    "C7": {},
    "C8": {},
}


def test_status_word_after_a_free_text_term(tmp_path: Path, hpo_stub: Any) -> None:
    path = tmp_path / "features.xlsx"
    _status_xlsx(path)
    mapping = {"phenotk_mapping": 1, "subject": {"id": "Case"}, "phenotypes": {"text": {"columns": ["Features (HPO)"]}}}
    res = read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    assert {pid: _features(p) for pid, p in packets_by_id(res).items()} == STATUS_TRUTH
    unmatched = [(i.context["row"], i.context["value"]) for i in res.all_issues if i.rule == "map-unmatched-text"]
    assert unmatched == [(8, "seizrue, no"), (9, "no seizures, yes")]


# ----------------------------------------------------------------- a long sheet under the public generic-long
GENERIC_LONG = Path(__file__).resolve().parents[3] / "mappings" / "generic-long.yaml"
LONG_CSV = """\
family,individual,sex,age (years),disease,hpo,hpo label,present?,onset
FAM1,II-1,M,"4,5",,HP_0001250,,ja,
FAM1,II-1,,,,,microcephaly,yes,2 yrs
FAM1,II-1,,,,,Seizures,no,
FAM2,I-1,female,36,,Global developmental delay,,+,infancy
FAM2,I-1,,,,Seizure,,unknown,
,,,,,,,,
Data extracted 2024-01-10 by JD,,,,,,,,
"""


def test_long_sheet_under_generic_long(tmp_path: Path, hpo_stub: Any) -> None:
    path = tmp_path / "long.csv"
    path.write_text(LONG_CSV, encoding="utf-8")
    res = read_sheet(path, GENERIC_LONG, ontology=hpo_stub, created=CREATED)
    packets = packets_by_id(res)
    assert {pid: _features(p) for pid, p in packets.items()} == {
        "FAM1_II_1": {"HP:0000252": False, "HP:0001250": True},
        "FAM2_I_1": {"HP:0001263": False},
    }
    # the note under a two-column id is one warning, not a missing-id error that fails the run
    assert not [i for i in res.all_issues if i.severity is Severity.ERROR]
    notes = [(i.context["row"], i.context["column"]) for i in res.all_issues
             if i.context.get("reason") == "not a patient row"]
    assert notes == [(8, "family")]
    # words the mapping's own lists replaced are named as such, in one line
    bad = {i.context["value"]: i.message for i in res.all_issues if i.rule == "map-bad-cell"
           and i.context.get("column") == "present?"}
    assert sorted(bad) == ["ja", "unknown"]
    assert "this mapping's observed words are +, observed, present, yes: they replace the built-in ones" in bad["ja"]
    assert "this mapping's unknown words are na, not tested" in bad["unknown"]
    assert all("\n" not in m for m in bad.values())
    whole = _whole(path, GENERIC_LONG, hpo_stub)
    assert [i.to_dict() for i in whole.all_issues] == [i.to_dict() for i in res.all_issues]


# ------------------------------------------------------------------ numbered free-text columns named by a pattern
NUMBERED_CSV = """\
PatientID,Sex,Feature_1,Feature_2,Feature_3,Absent_1,Absent_2,Weight (kg)
Q1,Female,Seizure,Seizure,Hypotonia,Microcephaly,,12.5
Q2,Male,Microcephaly,,Strabismus,,Seizure,20
Q3,Female,,Small head,,,,
"""


@pytest.mark.parametrize("text", [
    {"columns": ["Feature_*"], "excluded_columns": ["Absent_?"]},
    {"columns": ["Feature_1", "Feature_2", "Feature_3"], "excluded_columns": ["Absent_1", "Absent_2"]},
])
def test_numbered_free_text_columns_by_pattern(text: dict[str, Any], tmp_path: Path, hpo_stub: Any) -> None:
    path = tmp_path / "numbered.csv"
    path.write_text(NUMBERED_CSV, encoding="utf-8")
    mapping = {"phenotk_mapping": 1, "subject": {"id": "PatientID", "sex": "Sex"}, "phenotypes": {"text": text},
               "ignore_columns": ["Weight (kg)"]}
    res = read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    assert {pid: _features(p) for pid, p in packets_by_id(res).items()} == {
        "Q1": {"HP:0001250": False, "HP:0001252": False, "HP:0000252": True},
        "Q2": {"HP:0000252": False, "HP:0000486": False, "HP:0001250": True},
        "Q3": {"HP:0000252": False},
    }
    assert [i.rule for i in res.all_issues if i.rule.startswith("map-")] == []


def test_a_pattern_that_matches_no_header_is_reported(tmp_path: Path, hpo_stub: Any) -> None:
    path = tmp_path / "numbered.csv"
    path.write_text(NUMBERED_CSV, encoding="utf-8")
    mapping = {"phenotk_mapping": 1, "subject": {"id": "PatientID"}, "ignore_columns": ["Sex", "Weight (kg)"],
               "phenotypes": {"text": {"columns": ["Feature_*", "Symptom_*"], "excluded_columns": ["Absent_*"]}}}
    res = read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    missing = [i.message for i in res.all_issues if i.rule == "map-missing-column"]
    assert missing == ["free-text column 'Symptom_*' is not in the sheet (no header matches the pattern)"]


def test_mapping_explain_names_the_columns_a_pattern_reads(tmp_path: Path, hpo_stub: Any) -> None:
    from phenotk.conversion.table.sheets import read_table
    from phenotk.conversion.table.starter import explain

    path = tmp_path / "numbered.csv"
    path.write_text(NUMBERED_CSV, encoding="utf-8")
    m = load_mapping({"phenotk_mapping": 1, "subject": {"id": "PatientID", "sex": "Sex"},
                      "phenotypes": {"text": {"columns": ["Feature_*"], "excluded_columns": ["Absent_*"]}}})
    lines = explain(m, read_table(path), hpo_stub)
    fates = {line.split(":")[0].strip().strip("'"): line.split(":", 1)[1].strip() for line in lines
             if line.startswith("  '")}
    assert {h: fates[h] for h in ("Feature_1", "Feature_3", "Absent_2")} == dict.fromkeys(
        ("Feature_1", "Feature_3", "Absent_2"), "read by the mapping")
    assert fates["Weight (kg)"].startswith("NOT MAPPED")
    assert "phenotypes (free text, every term excluded) ← ['Absent_*']" in lines


# --------------------------------------------------------------------- a title banner above the header, unset
@pytest.mark.parametrize("name", ["spanish", "csv"])
def test_missing_id_column_names_the_row_that_holds_it(name: str, tmp_path: Path, hpo_stub: Any) -> None:
    from phenotk.errors import InputError

    if name == "spanish":
        path, mapping = _sheet(tmp_path, "spanish")
        mapping = {k: v for k, v in mapping.items() if k != "input"}  # the curator forgot header_row: 3
        row, column = 3, "Nº"
    else:
        path = tmp_path / "export.csv"
        path.write_text("Export Kinderklinik 2024\n\nPat-ID,Geschlecht\nA1,m\n", encoding="utf-8")
        mapping = {"phenotk_mapping": 1, "subject": {"id": "Pat-ID", "sex": "Geschlecht"}}
        row, column = 3, "Pat-ID"
    with pytest.raises(InputError) as err:
        read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    message = str(err.value)
    assert f"row {row} holds {column!r}: set input: {{header_row: {row}}} in the mapping (or -O header_row={row})" \
        in message
    assert "\n" not in message
    fixed = read_sheet(path, {**mapping, "input": {"header_row": row}}, ontology=hpo_stub, created=CREATED)
    assert fixed.packets  # the hint is right: with it the sheet converts


def test_missing_id_column_without_a_row_that_holds_it_has_no_hint(tmp_path: Path, hpo_stub: Any) -> None:
    from phenotk.errors import InputError

    path = tmp_path / "other.csv"
    path.write_text("Case,Sex\nA1,m\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_sheet(path, {"phenotk_mapping": 1, "subject": {"id": "Patient"}}, ontology=hpo_stub)
    assert "holds" not in str(err.value) and "columns: Case, Sex" in str(err.value)


# ------------------------------------------------------------------------------------ ages as clinics write them
AGES_CSV = """\
ID,Alter,Krampfanfälle
A1,3 1/2 years,
A2,3½ Jahre,
A3,4 years old,
A4,4 Jahre alt,
A5,4 y/o,
A6,10 days old,
A7,36+2 SSW,
A8,SSW 36,
A9,34 SA,
A10,2-3 years,
A11,11/2 years,
A12,~2y,
A13,,36+2 SSW
"""
AGES_TRUTH = {
    "A1": {"age": {"iso8601duration": "P3Y6M"}}, "A2": {"age": {"iso8601duration": "P3Y6M"}},
    "A3": {"age": {"iso8601duration": "P4Y"}}, "A4": {"age": {"iso8601duration": "P4Y"}},
    "A5": {"age": {"iso8601duration": "P4Y"}}, "A6": {"age": {"iso8601duration": "P10D"}},
    "A7": {"gestationalAge": {"weeks": 36, "days": 2}}, "A8": {"gestationalAge": {"weeks": 36}},
    "A9": {"gestationalAge": {"weeks": 34}},
}


def test_ages_as_clinics_write_them(tmp_path: Path, hpo_stub: Any) -> None:
    path = tmp_path / "ages.csv"
    path.write_text(AGES_CSV, encoding="utf-8")
    mapping = {"phenotk_mapping": 1, "subject": {"id": "ID", "age_at_last_encounter": "Alter"},
               "phenotypes": {"wide": {"columns": ["Krampfanfälle"], "terms": {"Krampfanfälle": "HP:0001250"}}}}
    res = read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    packets = packets_by_id(res)
    ages = {pid: p["subject"]["timeAtLastEncounter"] for pid, p in packets.items()
            if "timeAtLastEncounter" in p["subject"]}
    assert ages == AGES_TRUTH
    # a range, an ambiguous fraction and an approximate age are reported, never guessed
    bad = [(i.context["row"], i.context["value"]) for i in res.all_issues if i.rule == "map-bad-cell"]
    assert bad == [(11, "2-3 years"), (12, "11/2 years"), (13, "~2y")]
    # in a term column a gestational age is the onset of an observed feature
    assert packets["A13"]["phenotypicFeatures"] == [
        {"type": {"id": "HP:0001250", "label": "Seizure"}, "onset": {"gestationalAge": {"weeks": 36, "days": 2}}}]


# ------------------------------------------------------------------------ vital status and sex words, no map
def test_vital_status_and_sex_words_of_other_languages(tmp_path: Path, hpo_stub: Any) -> None:
    path = tmp_path / "registre.csv"
    path.write_text("ID;Sexe;Statut vital\nF1;F;décédée\nF2;M;vivant\nF3;femme;Décédé\nF4;H;vivante\n"
                    "D1;divers;verstorben\nD2;X;lebt\nE1;mujer;fallecida\nN1;vrouw;overleden\nI1;altro;sconosciuto\n",
                    encoding="utf-8")
    mapping = {"phenotk_mapping": 1, "input": {"delimiter": ";"},
               "subject": {"id": "ID", "sex": "Sexe", "vital_status": "Statut vital"}}
    res = read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    got = {pid: (p["subject"].get("sex"), p["subject"].get("vitalStatus", {}).get("status"))
           for pid, p in packets_by_id(res).items()}
    assert got == {
        "F1": ("FEMALE", "DECEASED"), "F2": ("MALE", "ALIVE"), "F3": ("FEMALE", "DECEASED"), "F4": (None, "ALIVE"),
        "D1": ("OTHER_SEX", "DECEASED"), "D2": (None, "ALIVE"), "E1": ("FEMALE", "DECEASED"),
        "N1": ("FEMALE", "DECEASED"), "I1": ("OTHER_SEX", None),  # UNKNOWN_STATUS is the enum default (0)
    }
    # 'H' (homme? hombre? — both male, but also Dutch/other letters) and 'X' are not guessed: reported
    assert [(i.context["row"], i.context["value"]) for i in res.all_issues if i.rule == "map-bad-cell"] == [
        (5, "H"), (7, "X")]


# ------------------------------------------------------------------------ term headers with their answer format
HINT_CSV = """\
ID,Seizure (Y/N),Hypotonia?,Microcephaly [ja/nein],Strabismus (oui/non),Global developmental delay (0/1),Notes?
A,Y,N,ja,oui,1,ok
B,N,Y,nein,non,0,
"""


def test_term_headers_with_an_answer_format(tmp_path: Path, hpo_stub: Any) -> None:
    path = tmp_path / "hints.csv"
    path.write_text(HINT_CSV, encoding="utf-8")
    res = read_sheet(path, {"phenotk_mapping": 1, "subject": {"id": "ID"}, "phenotypes": {"wide": {"columns": "auto"}}},
                     ontology=hpo_stub, created=CREATED)
    terms = ("HP:0001250", "HP:0001252", "HP:0000252", "HP:0000486", "HP:0001263")
    assert {pid: _features(p) for pid, p in packets_by_id(res).items()} == {
        "A": dict(zip(terms, (False, True, False, False, False), strict=True)),
        "B": dict(zip(terms, (True, False, True, True, True), strict=True)),
    }
    labels = {f["type"]["label"] for f in packets_by_id(res)["A"]["phenotypicFeatures"]}
    assert labels == {"Seizure", "Hypotonia", "Microcephaly", "Strabismus", "Global developmental delay"}
    # a header that is no term with its hint stripped stays an unmapped column
    assert [i.context["column"] for i in res.all_issues if i.rule == "map-unmapped-column"] == ["Notes?"]


@pytest.mark.parametrize("banner", [False, True])
def test_missing_id_column_names_the_worksheet_that_holds_it(banner: bool, tmp_path: Path, hpo_stub: Any) -> None:
    """A workbook whose first worksheet is a how-to-fill-in page: the error names the data sheet (and its header)."""
    import openpyxl

    from phenotk.errors import InputError

    path = tmp_path / "erhebung.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Anleitung"
    wb.active.append(["Bitte pro Patient eine Zeile ausfüllen."])
    ws = wb.create_sheet("Patienten")
    if banner:
        ws.append(["Erhebungsbogen 2024"])
    ws.append(["ID", "Geschlecht"])
    ws.append(["P1", "w"])
    wb.save(path)
    mapping = {"phenotk_mapping": 1, "subject": {"id": "ID", "sex": "Geschlecht"}}
    with pytest.raises(InputError) as err:
        read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    row = 2 if banner else 1
    hint = ("; sheet 'Patienten' holds 'ID' in row 2: set input: {sheet: Patienten, header_row: 2} in the mapping "
            "(or -O sheet=Patienten -O header_row=2)" if banner else
            "; sheet 'Patienten' holds 'ID' in row 1: set input: {sheet: Patienten} in the mapping "
            "(or -O sheet=Patienten)")
    assert str(err.value).endswith(hint)
    fixed = read_sheet(path, {**mapping, "input": {"sheet": "Patienten", "header_row": row}}, ontology=hpo_stub,
                       created=CREATED)
    assert packets_by_id(fixed)["P1"]["subject"]["sex"] == "FEMALE"


# ---------------------------------------------------------------------- several terms in one long-layout cell
LONG_MULTI_CSV = """\
Patient,HPO,Status,Beginn
P1,HP:0001250; HP:0001252,ja,néonatal
P1,Microcephaly | Strabismus,nein,
P2,"Seizure
Hypotonia",+,SSW 30
P2,"Small head, Krampfanfall",ja,
"""


def test_several_terms_in_one_long_cell(tmp_path: Path, hpo_stub: Any) -> None:
    path = tmp_path / "long_multi.csv"
    path.write_text(LONG_MULTI_CSV, encoding="utf-8")
    mapping = {"phenotk_mapping": 1, "input": {"rows": "many"}, "subject": {"id": "Patient"},
               "phenotypes": {"long": {"term": "HPO", "status": "Status", "onset": "Beginn"}}}
    res = read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    got = {pid: {f["type"]["id"]: (bool(f.get("excluded")), f.get("onset")) for f in p["phenotypicFeatures"]}
           for pid, p in packets_by_id(res).items()}
    neonatal = {"ontologyClass": {"id": "HP:0003623", "label": "Neonatal onset"}}
    ga30 = {"gestationalAge": {"weeks": 30}}
    assert got == {
        "P1": {"HP:0001250": (False, neonatal), "HP:0001252": (False, neonatal), "HP:0000252": (True, None),
               "HP:0000486": (True, None)},
        "P2": {"HP:0001250": (False, ga30), "HP:0001252": (False, ga30)},
    }
    # one unknown part: no term of the row is read, and the finding names the part
    unknown = [i for i in res.all_issues if i.rule == "map-unknown-term"]
    # (row 5: the quoted cell with a line break is one spreadsheet row)
    assert [(i.context["row"], i.context["value"]) for i in unknown] == [(5, "Small head, Krampfanfall")]
    assert "'Krampfanfall' is neither an HPO id" in unknown[0].message


# ------------------------------------------------------------------ mapping init on a gene-and-variant column
def test_mapping_init_places_a_gene_and_variant_column(tmp_path: Path, hpo_stub: Any) -> None:
    from phenotk.conversion.table.starter_words import field_of

    for header in ("Gen / Variante", "Gene/Variant", "Gene and variant", "Gen und Variante", "Gène / variant"):
        assert field_of(header) == "variant", header
    assert field_of("Gen") == "gene_symbol"
    path = tmp_path / "genetik.csv"
    path.write_text("Patienten-ID,Gen / Variante,Zygotie\nP01,BRCA1 c.68_69del p.(Glu23fs),het\n"
                    "P02,MECP2 c.473C>T,hemizygot\n", encoding="utf-8")
    from phenotk.conversion.table.sheets import read_table
    from phenotk.conversion.table.starter import starter_mapping

    text, _placement = starter_mapping(read_table(path), hpo_stub)
    (tmp_path / "starter.yaml").write_text(text, encoding="utf-8")
    res = read_sheet(path, tmp_path / "starter.yaml", ontology=hpo_stub, created=CREATED)
    got = {}
    for pid, p in packets_by_id(res).items():
        gi = p["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]
        vd = gi["variantInterpretation"]["variationDescriptor"]
        got[pid] = (vd["geneContext"]["symbol"], [e["value"] for e in vd["expressions"]], vd["allelicState"]["label"])
    assert got == {"P01": ("BRCA1", ["c.68_69del", "p.(Glu23fs)"], "heterozygous"),
                   "P02": ("MECP2", ["c.473C>T"], "hemizygous")}


# ----------------------------------------------------------------------- Excel's "sep=;" first line in a CSV
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_excel_sep_line(bom: bytes, tmp_path: Path, hpo_stub: Any) -> None:
    from phenotk.conversion.table.sheets import preview_table

    path = tmp_path / "export.csv"
    path.write_bytes(bom + "sep=;\r\nID;Geschlecht;Krampfanfälle\r\nP1;w;ja\r\nP2;m;vielleicht\r\n".encode())
    mapping = {"phenotk_mapping": 1, "subject": {"id": "ID", "sex": "Geschlecht"},
               "phenotypes": {"wide": {"columns": ["Krampfanfälle"], "terms": {"Krampfanfälle": "HP:0001250"}}}}
    res = read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    got = {pid: (p["subject"]["sex"], _features(p)) for pid, p in packets_by_id(res).items()}
    assert got == {"P1": ("FEMALE", {"HP:0001250": False}), "P2": ("MALE", {})}
    # rows numbered as Excel shows them (the sep line is no row): P2 is row 3
    assert [(i.rule, i.context["row"], i.context["value"]) for i in res.all_issues] == [
        ("map-bad-cell", 3, "vielleicht")]
    assert preview_table(path)[0].rows[0] == (1, ["ID", "Geschlecht", "Krampfanfälle"])
    from phenotk.conversion.table.sheets import read_text_table

    in_memory = read_text_table(path, data=path.read_bytes())  # the bytes path (stdin, uploads) reads it alike
    assert in_memory.header == ["ID", "Geschlecht", "Krampfanfälle"] and in_memory.row_numbers == [2, 3]


# ----------------------------------------------------------------------- severity words of other languages
SEVERITY_CSV = """\
ID,Krampfanfälle,Hypotonie,Ataxie,Mikrozephalie
C1,leicht,schwer,mittelgradig,sévère
C2,"ja, schwer",légère,grave,leve
C3,grenzwertig,profundo,matig,ernstig
"""
MILD, MODERATE = {"id": "HP:0012825", "label": "Mild"}, {"id": "HP:0012826", "label": "Moderate"}
SEVERE, PROFOUND = {"id": "HP:0012828", "label": "Severe"}, {"id": "HP:0012829", "label": "Profound"}


def test_severity_words_of_other_languages(tmp_path: Path, hpo_stub: Any) -> None:
    path = tmp_path / "severity.csv"
    path.write_text(SEVERITY_CSV, encoding="utf-8")
    terms = {"Krampfanfälle": "HP:0001250", "Hypotonie": "HP:0001252", "Ataxie": "HP:0001251",
             "Mikrozephalie": "HP:0000252"}
    mapping = {"phenotk_mapping": 1, "subject": {"id": "ID"},
               "phenotypes": {"wide": {"columns": list(terms), "terms": terms}}}
    res = read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    got = {pid: {f["type"]["id"]: f.get("severity") for f in p.get("phenotypicFeatures", [])}
           for pid, p in packets_by_id(res).items()}
    assert got == {
        "C1": {"HP:0001250": MILD, "HP:0001252": SEVERE, "HP:0001251": MODERATE, "HP:0000252": SEVERE},
        "C2": {"HP:0001250": SEVERE, "HP:0001252": MILD, "HP:0001251": SEVERE, "HP:0000252": MILD},
        "C3": {"HP:0001252": PROFOUND, "HP:0001251": MODERATE, "HP:0000252": SEVERE},
    }
    # "borderline" in a yes/no column does not say whether the feature is there: reported in every language
    assert [(i.context["row"], i.context["value"]) for i in res.all_issues if i.rule == "map-bad-cell"] == [
        (4, "grenzwertig")]


# ------------------------------------------------------------------------- HPO ids written without their colon
def test_hpo_ids_without_their_colon(tmp_path: Path, hpo_stub: Any) -> None:
    path = tmp_path / "ids.csv"
    path.write_text("ID,Strabismus (HP 0000486),HP0001250,Seizure (HP 0001252),Features\n"
                    "A,yes,no,yes,HP 0000252; hp0001263\n", encoding="utf-8")
    mapping = {"phenotk_mapping": 1, "subject": {"id": "ID"},
               "phenotypes": {"wide": {"columns": "auto"}, "text": {"columns": ["Features"]}}}
    res = read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    assert _features(packets_by_id(res)["A"]) == {"HP:0000486": False, "HP:0001250": True, "HP:0001252": False,
                                              "HP:0000252": False, "HP:0001263": False}
    # the header whose label is not its id's is reported, as for 'Seizure (HP:0001252)'
    assert [(i.rule, i.context["column"]) for i in res.all_issues] == [
        ("map-label-mismatch", "Seizure (HP 0001252)")]


# ---------------------------------------------------------------------------------------------- UTF-32 text
@pytest.mark.parametrize("codec", ["utf-32", "utf-32-be"])
def test_utf32_sheet_with_its_byte_order_mark(codec: str, tmp_path: Path, hpo_stub: Any) -> None:
    """A CSV saved as UTF-32 (its BOM FF FE 00 00 starts with UTF-16-LE's FF FE) reads like the UTF-8 one."""
    plain = tmp_path / "plain.csv"
    plain.write_text(FRENCH_CSV, encoding="utf-8")
    wide = tmp_path / f"{codec}.csv"
    data = FRENCH_CSV.encode(codec)
    wide.write_bytes(data if codec == "utf-32" else b"\x00\x00\xfe\xff" + data)  # utf-32-be writes no BOM
    want = packets_by_id(read_sheet(plain, FRENCH_MAPPING, ontology=hpo_stub, created=CREATED))
    got = packets_by_id(read_sheet(wide, FRENCH_MAPPING, ontology=hpo_stub, created=CREATED))
    assert sorted(got) == ["F-01", "F-02"] and got == want
