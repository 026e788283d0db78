"""Hospital sheet shapes no earlier round had, each with the exact packets it must give and the findings it owes.

Synthetic sheets written here (no real patient): a long sheet whose status records nothing beside an onset or a
severity, cells and headers carrying invisible characters (zero-width space, soft hyphen, word joiner, byte order
mark, direction marks), gene symbols a spreadsheet turned into dates (SEPT7 → 7-Sep), a totals line without id
under the patients (counts, fractions, percentages), hidden rows and columns of a workbook, "unknown" in an age or
a date column. The ground truth is what the sheet states: no value invented, every cell that is not carried named
by a one-line finding with its sheet, row and column.
"""

from __future__ import annotations

import functools
import re
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


def _features(packet: dict[str, Any]) -> dict[str, tuple[bool, Any, Any]]:
    """HPO id → (excluded, onset, severity id) of one packet."""
    return {f["type"]["id"]: (bool(f.get("excluded")), f.get("onset"), f.get("severity", {}).get("id"))
            for f in packet.get("phenotypicFeatures", [])}


def _found(result: Any) -> list[tuple[str, int | None, str | None, str | None]]:
    """(rule, row, column, value) of every finding, in order."""
    return [(i.rule, i.context.get("row"), i.context.get("column"), i.context.get("value"))
            for i in result.all_issues]


def _same_as_whole(sheet: Path, mapping: Any, hpo: Any, streamed: Any) -> None:
    """The reference conversion (every row held, grouped in one go) gives the same packets and findings."""
    m = load_mapping(mapping)
    table = open_table(sheet, sheet=m.sheet, header_row=m.header_row, skip_rows=m.skip_rows, delimiter=m.delimiter,
                       encoding=m.encoding)
    whole = _Builder(table, m, TermResolver(hpo), _Options(Severity.WARNING, CREATED, "phenotk")).build_whole()
    assert packets_by_id(whole) == packets_by_id(streamed)
    assert [i.to_dict() for i in whole.all_issues] == [i.to_dict() for i in streamed.all_issues]


# ------------------------------------------------------- long rows whose status records nothing beside an onset
LONG_UNKNOWN_TSV = """\
Patient\tHPO\tStatus\tOnset\tSeverity
P1\tSeizure\tno\t3 years\t
P1\tHypotonia\tunknown\t\tsevere
P1\tAtaxia\t\tchildhood\tmild
P2\tMicrocephaly\tn/a\tcongenital\t
P2\tStrabismus\tnot assessed\t\t
P3\tHP:0001250\t?\t2 years\t
"""
LONG_UNKNOWN_MAPPING = {
    "phenotk_mapping": 1, "input": {"rows": "many"}, "subject": {"id": "Patient"},
    "phenotypes": {"long": {"term": "HPO", "status": "Status", "onset": "Onset", "severity": "Severity"}},
}


def test_an_onset_or_severity_beside_a_status_that_records_nothing_is_named(tmp_path: Path, hpo_stub: Any) -> None:
    """'Microcephaly | n/a | congenital': no feature (n/a records nothing), and the onset cell is not lost quietly."""
    path = tmp_path / "long_unknown.tsv"
    path.write_text(LONG_UNKNOWN_TSV, encoding="utf-8")
    res = read_sheet(path, LONG_UNKNOWN_MAPPING, ontology=hpo_stub, created=CREATED)
    packets = packets_by_id(res)
    childhood = {"ontologyClass": {"id": "HP:0011463", "label": "Childhood onset"}}
    assert {pid: _features(p) for pid, p in packets.items()} == {
        "P1": {"HP:0001250": (True, {"age": {"iso8601duration": "P3Y"}}, None),
               "HP:0001251": (False, childhood, "HP:0012825")},
        "P2": {},
        "P3": {},
    }
    assert _found(res) == [
        ("map-orphan-value", 3, "Severity", "severe"),
        ("map-orphan-value", 5, "Onset", "congenital"),
        ("map-orphan-value", 7, "Onset", "2 years"),
    ]
    msg = res.all_issues[1].message
    assert "'congenital'" in msg and "Microcephaly" in msg and "'n/a'" in msg and "\n" not in msg
    _same_as_whole(path, LONG_UNKNOWN_MAPPING, hpo_stub, res)


# ------------------------------------------------------------------------- invisible characters in cells and headers
ZW, SHY, WJ, BOM, LRM = "\u200b", "\u00ad", "\u2060", "\ufeff", "\u200e"
INVISIBLE_ROWS = [
    ["Patient\u00a0", "Sex" + ZW, f"Micro{SHY}cephaly", "Hypotonia" + WJ, "Seizure"],
    ["P1" + ZW, "\u00a0f\u00a0", "yes", "no" + LRM, "yes"],
    ["P2", "m" + ZW, BOM + "no", "\u00a0yes", "no" + ZW],
    [ZW + "P1", "f", "", "", ""],
]
INVISIBLE_MAPPING = {  # as a starter mapping written from the sheet before the fix named the columns
    "phenotk_mapping": 1, "input": {"rows": "one"}, "subject": {"id": "Patient", "sex": "Sex" + ZW},
    "phenotypes": {"wide": {"columns": "auto", "terms": {"Hypotonia" + WJ: "HP:0001252"}}},
}
INVISIBLE_TRUTH = {
    "P1": ("FEMALE", {"HP:0000252": (False, None, None), "HP:0001252": (True, None, None),
                      "HP:0001250": (False, None, None)}),
    "P2": ("MALE", {"HP:0000252": (True, None, None), "HP:0001252": (False, None, None),
                    "HP:0001250": (True, None, None)}),
}


@pytest.mark.parametrize("kind", ["csv", "xlsx", "dataframe"])
def test_invisible_characters_are_no_part_of_a_cell(kind: str, tmp_path: Path, hpo_stub: Any) -> None:
    """'P1\\u200b' is patient P1 (row 4 repeats it), 'm\\u200b' is male, 'Micro\\u00adcephaly' is Microcephaly."""
    if kind == "dataframe":
        import pandas as pd

        from phenotk import from_dataframe

        df = pd.DataFrame(INVISIBLE_ROWS[1:], columns=INVISIBLE_ROWS[0])
        res = from_dataframe(df, INVISIBLE_MAPPING, hpo=hpo_stub, created=CREATED)
    else:
        path = tmp_path / f"invisible.{kind}"
        if kind == "csv":
            path.write_text("\n".join(",".join(r) for r in INVISIBLE_ROWS) + "\n", encoding="utf-8")
        else:
            import openpyxl

            wb = openpyxl.Workbook()
            for r in INVISIBLE_ROWS:
                wb.active.append(r)
            wb.save(path)
        res = read_sheet(path, INVISIBLE_MAPPING, ontology=hpo_stub, created=CREATED)
        _same_as_whole(path, INVISIBLE_MAPPING, hpo_stub, res)
    packets = packets_by_id(res)
    assert {pid: (p["subject"].get("sex"), _features(p)) for pid, p in packets.items()} == INVISIBLE_TRUTH
    assert [p["subject"]["id"] for p in packets.values()] == ["P1", "P2"]
    # the only finding: the repeated id, named with its row
    assert [(r, c, v) for rule, r, c, v in _found(res) if rule != "map-unmapped-column"] == [(4, "Patient", "P1")]


def test_mapping_init_names_columns_without_their_invisible_characters(tmp_path: Path, hpo_stub: Any) -> None:
    from phenotk.conversion.table.starter import init_mapping

    path = tmp_path / "invisible.csv"
    path.write_text("\n".join(",".join(r) for r in INVISIBLE_ROWS) + "\n", encoding="utf-8")
    text = init_mapping(path, ontology=hpo_stub).text
    assert not re.search("[\u00ad\u200b\u2060]", text)
    assert "sex: Sex\n" in text


# --------------------------------------------------------------------- gene symbols a spreadsheet turned into dates
GENE_MAPPING = {
    "phenotk_mapping": 1, "input": {"rows": "one"}, "subject": {"id": "Patient"},
    "variants": {"hgvs": "Variant", "gene_symbol": "Gene", "transcript": {"const": "NM_000001.1"}},
    "ignore_columns": ["Seizure"],
}


def _genes(packet: dict[str, Any]) -> list[str | None]:
    return [gi["variantInterpretation"]["variationDescriptor"].get("geneContext", {}).get("symbol")
            for interp in packet.get("interpretations", []) for gi in interp["diagnosis"]["genomicInterpretations"]]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_gene_symbol_turned_into_a_date_is_not_carried_as_a_symbol(kind: str, tmp_path: Path,
                                                                     hpo_stub: Any) -> None:
    """SEPT7 typed into Excel is the date 7 Sep (a date cell; '7-Sep' once exported as CSV): no gene '2024-09-07'."""
    import datetime

    rows = [["Patient", "Gene", "Variant", "Seizure"],
            ["P1", datetime.datetime(2024, 9, 7) if kind == "xlsx" else "7-Sep", "c.123A>G", "yes"],
            ["P2", "MARCH1", "c.4C>T", "no"],
            ["P3", "1-Mar" if kind == "csv" else datetime.datetime(2024, 3, 1), "c.5G>A", ""],
            ["P4", "NKX2-1", "c.6del", ""]]
    path = tmp_path / f"genes.{kind}"
    if kind == "xlsx":
        import openpyxl

        wb = openpyxl.Workbook()
        for r in rows:
            wb.active.append(r)
        wb.save(path)
    else:
        path.write_text("\n".join(",".join(map(str, r)) for r in rows) + "\n", encoding="utf-8")
    res = read_sheet(path, GENE_MAPPING, ontology=hpo_stub, created=CREATED)
    assert {pid: _genes(p) for pid, p in packets_by_id(res).items()} == {
        "P1": [None], "P2": ["MARCH1"], "P3": [None], "P4": ["NKX2-1"]}
    bad = [(r, c, v) for rule, r, c, v in _found(res) if rule == "map-bad-cell"]
    dates = ("2024-09-07", "2024-03-01") if kind == "xlsx" else ("7-Sep", "1-Mar")
    assert bad == [(2, "Gene", dates[0]), (4, "Gene", dates[1])]
    assert all("SEPT7" in i.message for i in res.all_issues if i.rule == "map-bad-cell")
    _same_as_whole(path, GENE_MAPPING, hpo_stub, res)


# ------------------------------------------------------------- a totals line without id under the patients
TOTALS_CSV = """\
Patient;Geschlecht;Alter (Jahre);Krampfanfälle;Muskelhypotonie
P1;m;3,5;ja;nein
P2;w;1,25;nein;ja
P3;w;0,5;?;k.A.
;;;2/3;1 (33 %)
;;;67 %;n = 1
;;;2;1
"""
TOTALS_MAPPING = {
    "phenotk_mapping": 1, "input": {"rows": "one"},
    "subject": {"id": "Patient", "sex": "Geschlecht",
                "age_at_last_encounter": {"column": "Alter (Jahre)", "unit": "years"}},
    "phenotypes": {"wide": {"columns": ["Krampfanfälle", "Muskelhypotonie"],
                            "terms": {"Krampfanfälle": "HP:0001250", "Muskelhypotonie": "HP:0001252"}}},
}


def test_a_totals_line_without_id_is_not_a_patient_nor_a_missing_id(tmp_path: Path, hpo_stub: Any) -> None:
    """';;;2/3;1 (33 %)' under the patients counts them: a warning naming the line, not an error; bare numbers
    (';;;2;1') could be a patient whose id was forgotten and stay map-missing-id."""
    path = tmp_path / "totals.csv"
    path.write_bytes(TOTALS_CSV.encode("cp1252"))
    res = read_sheet(path, TOTALS_MAPPING, ontology=hpo_stub, created=CREATED)
    packets = packets_by_id(res)
    assert {pid: (p["subject"]["sex"], p["subject"]["timeAtLastEncounter"]["age"]["iso8601duration"], _features(p))
            for pid, p in packets.items()} == {
        "P1": ("MALE", "P3Y6M", {"HP:0001250": (False, None, None), "HP:0001252": (True, None, None)}),
        "P2": ("FEMALE", "P1Y3M", {"HP:0001250": (True, None, None), "HP:0001252": (False, None, None)}),
        "P3": ("FEMALE", "P6M", {}),
    }
    assert _found(res) == [
        ("map-bad-cell", 5, "Krampfanfälle", "2/3"),
        ("map-bad-cell", 6, "Krampfanfälle", "67 %"),
        ("map-missing-id", 7, "Patient", ""),
    ]
    assert [i.severity for i in res.all_issues] == [Severity.WARNING, Severity.WARNING, Severity.ERROR]
    assert "totals line" in res.all_issues[0].message
    _same_as_whole(path, TOTALS_MAPPING, hpo_stub, res)


# ------------------------------------------------- a workbook with a legend sheet first, hidden rows and columns
def _hidden_workbook(path: Path) -> None:
    import datetime

    import openpyxl

    wb = openpyxl.Workbook()
    legend = wb.active
    legend.title = "Legend"
    legend.append(["1 = present, 0 = absent"])
    ws = wb.create_sheet("Patients")
    ws.append(["Patient", "Sex", "DOB", "Seizure", "Hypotonia", "Internal"])
    ws.append(["P1", "M", datetime.datetime(2021, 3, 7), 1, 0, "x"])
    ws.append(["P2", "F", None, 0, 1, ""])
    ws.append(["P3", "F", None, 1, None, "withdrawn"])
    ws.append([None] * 6)
    ws.append(["P4", "M", None, None, 1, ""])
    for r in (4, 5):  # P3 and the blank row below it hidden (a filter); the blank row is no data row
        ws.row_dimensions[r].hidden = True
    ws.column_dimensions["E"].hidden = True  # Hypotonia: read, so named
    ws.column_dimensions["F"].hidden = True  # Internal: ignored by the mapping, so not named
    wb.save(path)


HIDDEN_MAPPING = {
    "phenotk_mapping": 1, "input": {"sheet": "Patients", "rows": "one"},
    "subject": {"id": "Patient", "sex": "Sex", "date_of_birth": "DOB"},
    "phenotypes": {"wide": {"columns": ["Seizure", "Hypotonia"]}}, "ignore_columns": ["Internal"],
}


def test_hidden_rows_and_columns_are_read_and_named(tmp_path: Path, hpo_stub: Any) -> None:
    """A hidden row is in the file, so it is converted — but a curator may have hidden it to leave the patient
    out, so one finding names the hidden data rows (and one the hidden columns the mapping reads)."""
    path = tmp_path / "hidden.xlsx"
    _hidden_workbook(path)
    res = read_sheet(path, HIDDEN_MAPPING, ontology=hpo_stub, created=CREATED)
    packets = packets_by_id(res)
    obs, exc = (False, None, None), (True, None, None)
    assert {pid: (p["subject"]["sex"], p["subject"].get("dateOfBirth"), _features(p))
            for pid, p in packets.items()} == {
        "P1": ("MALE", "2021-03-07T00:00:00Z", {"HP:0001250": obs, "HP:0001252": exc}),
        "P2": ("FEMALE", None, {"HP:0001250": exc, "HP:0001252": obs}),
        "P3": ("FEMALE", None, {"HP:0001250": obs}),
        "P4": ("MALE", None, {"HP:0001252": obs}),
    }
    assert [(i.context["reason"], i.context.get("row"), i.context.get("column"), i.context["sheet"])
            for i in res.all_issues] == [("hidden row", 4, "Patient", "Patients"),
                                         ("hidden column", None, "Hypotonia", "Patients")]
    assert "1 data row(s)" in res.all_issues[0].message and "(4)" in res.all_issues[0].message
    assert "E ('Hypotonia')" in res.all_issues[1].message and "Internal" not in res.all_issues[1].message
    _same_as_whole(path, HIDDEN_MAPPING, hpo_stub, res)


# --------------------------------------------------- a UTF-8 sheet with rows pasted in Windows-1252 (mixed encodings)
MIXED_HEAD = 'Patient;Geschlecht;Krampfanfälle;Bemerkung\nP1;männlich;ja;"Größe normal,\nzweite Zeile"\n'.encode()
MIXED_CP1252 = "Pä2;weiblich;nein;Müller\n".encode("cp1252")
MIXED_TAIL = "Pé3;w;ja;\n".encode()
MIXED_MAPPING = {
    "phenotk_mapping": 1, "input": {"rows": "one"}, "subject": {"id": "Patient", "sex": "Geschlecht"},
    "phenotypes": {"wide": {"columns": ["Krampfanfälle"], "terms": {"Krampfanfälle": "HP:0001250"}}},
    "ignore_columns": ["Bemerkung"],
}


@pytest.mark.parametrize("lead", [b"", b"\xef\xbb\xbf", b"sep=;\r\n"], ids=["utf8", "utf8-bom", "sep-line"])
def test_rows_pasted_in_windows_1252_into_a_utf8_sheet(lead: bytes, tmp_path: Path, hpo_stub: Any) -> None:
    """Before: without BOM the whole file was read as cp1252 ('Krampfanfälle' → 'KrampfanfÃ¤lle': no column, no
    feature, 'männlich' no sex, 'PÃ©3' an invented id); with a BOM the pasted row lost its 'ä' to U+FFFD, silently.
    Each part is now read as it was written, and the row in Windows-1252 is named (row 3: the quoted line break
    keeps row 2 one spreadsheet row)."""
    from phenotk.conversion.table.sheets import read_text_table

    path = tmp_path / "gemischt.csv"
    path.write_bytes(lead + MIXED_HEAD + MIXED_CP1252 + MIXED_TAIL)
    res = read_sheet(path, MIXED_MAPPING, ontology=hpo_stub, created=CREATED)
    packets = packets_by_id(res)
    assert {pid: (p["subject"]["sex"], _features(p)) for pid, p in packets.items()} == {
        "P1": ("MALE", {"HP:0001250": (False, None, None)}),
        "Pä2": ("FEMALE", {"HP:0001250": (True, None, None)}),
        "Pé3": ("FEMALE", {"HP:0001250": (False, None, None)}),
    }
    assert [(i.rule, i.context.get("row"), i.context.get("reason")) for i in res.all_issues] == [
        ("map-bad-cell", 3, "mixed encodings")]
    assert "rows 3" in res.all_issues[0].message
    _same_as_whole(path, MIXED_MAPPING, hpo_stub, res)
    # the bytes path (stdin, uploads) reads it alike
    from_bytes = read_text_table(path, data=path.read_bytes())
    from_file = read_text_table(path)
    assert from_bytes.rows == from_file.rows and from_bytes.mixed_rows == from_file.mixed_rows == [3]


def test_a_windows_1252_sheet_is_still_read_as_one_without_a_finding(tmp_path: Path, hpo_stub: Any) -> None:
    path = tmp_path / "cp1252.csv"
    path.write_bytes((MIXED_HEAD.decode() + MIXED_CP1252.decode("cp1252") + MIXED_TAIL.decode()).encode("cp1252"))
    res = read_sheet(path, MIXED_MAPPING, ontology=hpo_stub, created=CREATED)
    assert sorted(packets_by_id(res)) == ["P1", "Pä2", "Pé3"]
    assert res.all_issues == []


def test_a_listed_term_column_the_sheet_lacks_is_named(tmp_path: Path, hpo_stub: Any) -> None:
    """The next export renamed 'Krampfanfälle' to 'Anfälle': its features vanished without a word."""
    path = tmp_path / "renamed.csv"
    path.write_text("Patient,Anfälle,Hypotonia\nP1,ja,no\n", encoding="utf-8")
    mapping = {"phenotk_mapping": 1, "subject": {"id": "Patient"}, "ignore_columns": ["Anfälle"],
               "phenotypes": {"wide": {"columns": ["Krampfanfälle", "Hypotonia", "Micro*"],
                                       "terms": {"Krampfanfälle": "HP:0001250"}}}}
    res = read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    assert {pid: _features(p) for pid, p in packets_by_id(res).items()} == {"P1": {"HP:0001252": (True, None, None)}}
    assert [(i.rule, i.context.get("column"), i.message) for i in res.all_issues] == [
        ("map-missing-column", "Krampfanfälle",
         "term column 'Krampfanfälle' (phenotypes.wide.columns) is not in the sheet"),
        ("map-missing-column", "Micro*",
         "term column 'Micro*' (phenotypes.wide.columns) is not in the sheet (no header matches the pattern)"),
    ]


# ------------------------------------------------------------------- Excel for Mac's "CSV (Macintosh)": Mac Roman, CR
MAC_CSV = "Patient;Geschlecht;Krampfanfälle;Bemerkung\rPé3;männlich;ja;Größe – 2 SD\rP4;weiblich;nein;\r"


@pytest.mark.parametrize("codec", ["mac_roman", "cp1252"])
def test_a_mac_roman_sheet_is_read_as_mac_roman(codec: str, tmp_path: Path, hpo_stub: Any) -> None:
    """Read as cp1252 it gave the id 'PŽ3', the sex 'mŠnnlich' (no sex) and no 'Krampfanfälle' column."""
    from phenotk.conversion.table.sheets import read_text_table

    path = tmp_path / "mac.csv"
    path.write_bytes(MAC_CSV.encode(codec))
    mapping = {"phenotk_mapping": 1, "subject": {"id": "Patient", "sex": "Geschlecht"},
               "phenotypes": {"wide": {"columns": ["Krampfanfälle"], "terms": {"Krampfanfälle": "HP:0001250"}}},
               "ignore_columns": ["Bemerkung"]}
    res = read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    assert {pid: (p["subject"]["sex"], _features(p)) for pid, p in packets_by_id(res).items()} == {
        "Pé3": ("MALE", {"HP:0001250": (False, None, None)}),
        "P4": ("FEMALE", {"HP:0001250": (True, None, None)}),
    }
    assert res.all_issues == []
    assert read_text_table(path, data=path.read_bytes()).rows[0][3] == "Größe – 2 SD"


# --------------------------------------------------------------- "unknown" in a date or age column records nothing
def test_a_date_or_age_cell_that_says_unknown_is_no_value_and_no_finding(tmp_path: Path, hpo_stub: Any) -> None:
    """'unknown', 'n/a', '?', '-', 'k.A.', 'nicht bekannt' in a date of birth, age or onset column state that
    nothing is known: no value, as before, but no longer a map-bad-cell '… is not a date' each; a real slip
    ('3 yeras', '31.02.2020') still is one."""
    path = tmp_path / "unknown_times.csv"
    path.write_text(
        "Patient,DOB,Age,Disease,Disease onset,Seizure\n"
        "P1,unknown,unknown,OMIM:607208,unknown,yes\n"
        "P2,n/a,N/A,OMIM:607208,n.a.,yes\n"
        "P3,?,?,OMIM:607208,?,yes\n"
        "P4,-,-,OMIM:607208,—,yes\n"
        "P5,k.A.,nicht bekannt,OMIM:607208,Unbekannt,yes\n"
        "P6,31.02.2020,3 yeras,OMIM:607208,2 years,yes\n", encoding="utf-8")
    mapping = {"phenotk_mapping": 1, "subject": {"id": "Patient", "date_of_birth": "DOB",
                                                 "age_at_last_encounter": "Age"},
               "diseases": {"id": "Disease", "onset": "Disease onset", "label": {"const": "Dravet syndrome"}},
               "phenotypes": {"wide": {"columns": ["Seizure"]}}}
    res = read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    packets = packets_by_id(res)
    assert [set(p["subject"]) for p in packets.values()] == [{"id"}] * 6
    assert [[d.get("onset") for d in p["diseases"]] for p in packets.values()] == [[None]] * 5 + [
        [{"age": {"iso8601duration": "P2Y"}}]]
    assert [(rule, r, c, v) for rule, r, c, v in _found(res) if rule != "map-incomplete-packets"] == [
        ("map-bad-cell", 7, "DOB", "31.02.2020"), ("map-bad-cell", 7, "Age", "3 yeras")]


# ------------------------------------------------------------------------ age headers that name their unit briefly
@pytest.mark.parametrize(("header", "unit", "ages"), [
    ("Age (yrs)", "years", ["P5Y", "P12Y"]),
    ("Age (y)", "years", ["P5Y", "P12Y"]),
    ("Alter [J.]", "years", ["P5Y", "P12Y"]),
    ("Age (mo.)", "months", ["P5M", "P12M"]),
    ("Age at exam (wks)", "weeks", ["P5W", "P12W"]),
    ("Age (d)", "days", ["P5D", "P12D"]),
    ("Âge (semaines)", "weeks", ["P5W", "P12W"]),
    ("Age (years/months)", None, [None, None]),  # two units: the numbers are reported, not guessed
])
def test_mapping_init_reads_the_unit_an_age_header_abbreviates(header: str, unit: str | None, ages: list[Any],
                                                                tmp_path: Path, hpo_stub: Any) -> None:
    """Before, 'Age (yrs)' got no unit: every age was a map-bad-cell 'not an age' and none was carried."""
    import yaml

    from phenotk.conversion.table.starter import init_mapping

    path = tmp_path / "ages.csv"
    path.write_text(f'Patient,"{header}",Seizure\nP1,5,yes\nP2,12,no\n', encoding="utf-8")
    mapping = yaml.safe_load(init_mapping(path, ontology=hpo_stub).text)
    age = mapping["subject"]["age_at_last_encounter"]
    assert (age.get("unit") if isinstance(age, dict) else None) == unit
    res = read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    got = [p["subject"].get("timeAtLastEncounter", {}).get("age", {}).get("iso8601duration")
           for p in packets_by_id(res).values()]
    assert got == ages
    assert len([i for i in res.all_issues if i.rule == "map-bad-cell"]) == (2 if unit is None else 0)


def test_mapping_init_reads_term_headers_with_a_footnote_mark(tmp_path: Path, hpo_index: Any) -> None:
    """'Hypotonia¹' and 'Ataxia^b' (a table copied from a paper) were only suggestions: their columns went unread."""
    import yaml

    from phenotk.conversion.table.starter import init_mapping

    path = tmp_path / "paper.csv"
    path.write_text("Patient,Seizure*,Hypotonia¹,Ataxia^b,Microcephaly ²\nP1,yes,no,yes,no\n", encoding="utf-8")
    mapping = yaml.safe_load(init_mapping(path, ontology=hpo_index).text)
    assert mapping["phenotypes"]["wide"]["terms"] == {"Seizure*": "HP:0001250", "Hypotonia¹": "HP:0001252",
                                                      "Ataxia^b": "HP:0001251", "Microcephaly ²": "HP:0000252"}
    res = read_sheet(path, mapping, ontology=hpo_index, created=CREATED)
    assert _features(packets_by_id(res)["P1"]) == {"HP:0001250": (False, None, None), "HP:0001252": (True, None, None),
                                              "HP:0001251": (False, None, None), "HP:0000252": (True, None, None)}
    assert res.all_issues == []


def test_sex_words_and_codes(tmp_path: Path, hpo_stub: Any) -> None:
    """Sex as clinics write it: words are read, 'intersex' is OTHER_SEX (it was a map-bad-cell), codes 1/2 are
    reported, never guessed, and '?' records nothing."""
    path = tmp_path / "sex.csv"
    path.write_text("Patient,Sex\nS1,M\nS2,female\nS3,1\nS4,2\nS5,unknown\nS6,intersex\nS7,Intersexuell\nS8,other\n"
                    "S9,?\n", encoding="utf-8")
    res = read_sheet(path, {"phenotk_mapping": 1, "subject": {"id": "Patient", "sex": "Sex"}}, ontology=hpo_stub,
                     created=CREATED)
    assert {pid: p["subject"].get("sex") for pid, p in packets_by_id(res).items()} == {
        "S1": "MALE", "S2": "FEMALE", "S3": None, "S4": None, "S5": None, "S6": "OTHER_SEX",  # UNKNOWN_SEX is 0
        "S7": "OTHER_SEX", "S8": "OTHER_SEX", "S9": None}
    assert _found(res) == [("map-bad-cell", 4, "Sex", "1"), ("map-bad-cell", 5, "Sex", "2")]


def _ods_with_hidden(path: Path) -> None:
    """An .ods whose 'Patients' table hides row 4 (a filter) and column E (by hand); a 'Legend' table first."""
    import zipfile

    def row(cells: list[str], attrs: str = "") -> str:
        return (f"<table:table-row{attrs}>" + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>' if c else
            "<table:table-cell/>" for c in cells) + "</table:table-row>")

    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    legend = '<table:table table:name="Legend">' + row(["1 = present"]) + "</table:table>"
    patients = ('<table:table table:name="Patients"><table:table-column table:number-columns-repeated="4"/>'
                '<table:table-column table:visibility="collapsed"/><table:table-column/>'
                + row(["Patient", "Sex", "Seizure", "Ataxia", "Hypotonia", "Internal"])
                + row(["P1", "M", "yes", "no", "no", "x"])
                + row(["P2", "F", "no", "", "yes", ""])
                + row(["P3", "F", "yes", "", "", "withdrawn"], ' table:visibility="filter"')
                + row(["", "", "", "", "", ""], ' table:number-rows-repeated="3" table:visibility="collapsed"')
                + row(["P4", "M", "", "", "yes", ""])
                + "</table:table>")
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
               f"<office:body><office:spreadsheet>{legend}{patients}</office:spreadsheet></office:body>"
               "</office:document-content>")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                   'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
                   'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                   "</manifest:manifest>", compress_type=zipfile.ZIP_DEFLATED)


def test_hidden_rows_and_columns_of_an_ods_sheet_are_named(tmp_path: Path, hpo_stub: Any) -> None:
    path = tmp_path / "hidden.ods"
    _ods_with_hidden(path)
    mapping = {"phenotk_mapping": 1, "input": {"sheet": "Patients", "rows": "one"},
               "subject": {"id": "Patient", "sex": "Sex"}, "ignore_columns": ["Internal"],
               "phenotypes": {"wide": {"columns": ["Seizure", "Ataxia", "Hypotonia"]}}}
    res = read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    obs, exc = (False, None, None), (True, None, None)
    assert {pid: _features(p) for pid, p in packets_by_id(res).items()} == {
        "P1": {"HP:0001250": obs, "HP:0001251": exc, "HP:0001252": exc},
        "P2": {"HP:0001250": exc, "HP:0001252": obs},
        "P3": {"HP:0001250": obs},
        "P4": {"HP:0001252": obs},
    }
    assert [(i.context["reason"], i.context.get("row"), i.context.get("column")) for i in res.all_issues] == [
        ("hidden row", 4, "Patient"), ("hidden column", None, "Hypotonia")]
    _same_as_whole(path, mapping, hpo_stub, res)


def test_a_patient_number_kept_by_a_zero_padding_format_is_the_id_the_sheet_shows(tmp_path: Path,
                                                                                   hpo_stub: Any) -> None:
    """00123 typed into Excel is the number 123; a '00000' format keeps showing 00123 — the id was '123'."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Patient", "Family", "Seizure", "Age (years)"])
    ws.append([123, 7, "yes", 4])
    ws.append([4567, 12, "no", 10])
    ws.append(["00089", None, "yes", 2.5])
    for ref in ("A2", "A3", "D2", "D3"):
        ws[ref].number_format = "00000" if ref[0] == "A" else "0.0"
    ws["B2"].number_format = '"F"000'
    path = tmp_path / "zeros.xlsx"
    wb.save(path)
    mapping = {"phenotk_mapping": 1, "id": {"template": "{Patient}"},
               "subject": {"id": "Patient", "age_at_last_encounter": {"column": "Age (years)", "unit": "years"}},
               "phenotypes": {"wide": {"columns": ["Seizure"]}}, "ignore_columns": ["Family"]}
    res = read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    packets = packets_by_id(res)
    assert {pid: p["subject"]["timeAtLastEncounter"]["age"]["iso8601duration"] for pid, p in packets.items()} == {
        "00123": "P4Y", "04567": "P10Y", "00089": "P2Y6M"}
    assert open_table(path).materialize().rows[0][1] == "F007"
    assert res.all_issues == []


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_decomposed_accents_in_headers_and_cells_are_the_composed_ones(kind: str, tmp_path: Path,
                                                                       hpo_stub: Any) -> None:
    """'Épilepsie' written as E + combining accent (macOS, web forms) was not the mapping's column (its features
    lost) and 'féminin' so written no sex; the mapping may write either form."""
    import unicodedata

    nfd = functools.partial(unicodedata.normalize, "NFD")
    rows = [["Patient", "Sexe", nfd("Épilepsie"), "Hypotonie"], [nfd("Pé1"), nfd("féminin"), "oui", "non"]]
    path = tmp_path / f"nfd.{kind}"
    if kind == "csv":
        path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    else:
        import openpyxl

        wb = openpyxl.Workbook()
        for r in rows:
            wb.active.append(r)
        wb.save(path)
    mapping = {"phenotk_mapping": 1, "subject": {"id": "Patient", "sex": "Sexe"},
               "phenotypes": {"wide": {"columns": ["Épilepsie", nfd("Hypotonie")],
                                       "terms": {nfd("Épilepsie"): "HP:0001250", "Hypotonie": "HP:0001252"}}}}
    res = read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    assert {pid: (p["subject"]["sex"], _features(p)) for pid, p in packets_by_id(res).items()} == {
        "Pé1": ("FEMALE", {"HP:0001250": (False, None, None), "HP:0001252": (True, None, None)})}
    assert res.all_issues == []


def test_an_excel_date_number_in_a_date_of_birth_column_is_named_not_guessed(tmp_path: Path, hpo_stub: Any) -> None:
    """'44262' (a date that lost its format in a CSV export) is not read on a guess; the finding says what it
    likely is, so the curator can fix the export."""
    path = tmp_path / "serial.csv"
    path.write_text("Patient,DOB\nP1,44262\nP2,2021-03-07\nP3,123\n", encoding="utf-8")
    res = read_sheet(path, {"phenotk_mapping": 1, "subject": {"id": "Patient", "date_of_birth": "DOB"}},
                     ontology=hpo_stub, created=CREATED)
    assert {pid: p["subject"].get("dateOfBirth") for pid, p in packets_by_id(res).items()} == {
        "P1": None, "P2": "2021-03-07T00:00:00Z", "P3": None}
    assert _found(res) == [("map-bad-cell", 2, "DOB", "44262"), ("map-bad-cell", 4, "DOB", "123")]
    assert "44262 is 2021-03-07" in res.all_issues[0].message
    assert "date number" not in res.all_issues[1].message


def test_columns_auto_does_not_read_an_onset_severity_or_inheritance_label_as_a_feature(tmp_path: Path,
                                                                                       hpo_index: Any) -> None:
    """'Severe' = yes became the feature HP:0012828 Severe (a Severity term: the validator rejects the packet), so
    did 'Neonatal onset' and 'Autosomal dominant inheritance'; a header that names the id is read as written."""
    path = tmp_path / "auto.csv"
    path.write_text("Patient,Seizure,Severe,Neonatal onset,Autosomal dominant inheritance,Hypotonia (HP:0001252)\n"
                    "P1,yes,yes,yes,no,no\n", encoding="utf-8")
    mapping = {"phenotk_mapping": 1, "subject": {"id": "Patient"}, "phenotypes": {"wide": {"columns": "auto"}}}
    res = read_sheet(path, mapping, ontology=hpo_index, created=CREATED)
    assert _features(packets_by_id(res)["P1"]) == {"HP:0001250": (False, None, None), "HP:0001252": (True, None, None)}
    assert [(i.rule, i.context["column"], i.context["value"]) for i in res.all_issues] == [
        ("map-unmapped-column", "Severe", "HP:0012828"), ("map-unmapped-column", "Neonatal onset", "HP:0003623"),
        ("map-unmapped-column", "Autosomal dominant inheritance", "HP:0000006")]
    # named in terms: read as the mapping says
    mapping["phenotypes"]["wide"]["terms"] = {"Severe": "HP:0012828"}
    res = read_sheet(path, mapping, ontology=hpo_index, created=CREATED)
    assert "HP:0012828" in _features(packets_by_id(res)["P1"])


def test_free_text_does_not_make_a_modifier_label_a_feature(tmp_path: Path, hpo_index: Any) -> None:
    """'hypotonia, mild, childhood onset' gave three features: Hypotonia, Mild (HP:0012825) and Childhood onset
    (HP:0011463) — the last two are no phenotypes; they are now named for review. An id written out is kept."""
    path = tmp_path / "notes.csv"
    path.write_text('Patient,Notes\nP1,"hypotonia, mild, childhood onset"\n'
                    'P2,"Seizures; progressive; autosomal recessive inheritance"\nP3,HP:0003676\n', encoding="utf-8")
    mapping = {"phenotk_mapping": 1, "subject": {"id": "Patient"}, "phenotypes": {"text": {"columns": ["Notes"]}}}
    res = read_sheet(path, mapping, ontology=hpo_index, created=CREATED)
    assert {pid: sorted(_features(p)) for pid, p in packets_by_id(res).items()} == {
        "P1": ["HP:0001252"], "P2": ["HP:0001250"], "P3": ["HP:0003676"]}
    assert [(i.context["row"], i.context["value"], i.context["reason"]) for i in res.all_issues] == [
        (2, "mild", "not a phenotypic abnormality"), (2, "childhood onset", "not a phenotypic abnormality"),
        (3, "progressive", "not a phenotypic abnormality"),
        (3, "autosomal recessive inheritance", "not a phenotypic abnormality")]


def test_mapping_init_places_a_genetic_mutation_and_a_disease_diagnosis_column(tmp_path: Path,
                                                                               hpo_stub: Any) -> None:
    """'Genetic_Mutation' (ATP7B:c.3207C>A) went unread beside its 'Zygosity' column (both map-unmapped-column)."""
    import yaml

    from phenotk.conversion.table.starter import init_mapping

    path = tmp_path / "import.csv"
    path.write_text("Pseudonym,Sex,Disease_Diagnosis,Genetic_Mutation,Zygosity\n"
                    "A1,Female,Wilson Disease,ATP7B:c.3207C>A,Heterozygous\n", encoding="utf-8")
    start = init_mapping(path, ontology=hpo_stub)
    mapping = yaml.safe_load(start.text)
    assert mapping["variants"] == {"hgvs": "Genetic_Mutation", "zygosity": "Zygosity"}
    assert "Disease_Diagnosis" in start.text and "diseases.id" in start.text  # named: a name needs an id column
    res = read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    vd = packets_by_id(res)["A1"]["interpretations"][0]["diagnosis"]["genomicInterpretations"][0][
        "variantInterpretation"]["variationDescriptor"]
    assert (vd["geneContext"]["symbol"], vd["expressions"][0]["value"], vd["allelicState"]["label"]) == (
        "ATP7B", "c.3207C>A", "heterozygous")


def test_a_c_change_and_its_protein_change_joined_by_a_colon(tmp_path: Path, hpo_stub: Any) -> None:
    """A paper's table writes 'c.1810C>T:p.(Arg604*)' and 'compHET': each variant cell was a map-bad-cell 'not a
    c. variant' (and its gene and zygosity orphans), every 'compHET' one too — the sheet's variants all lost."""
    path = tmp_path / "paper.tsv"
    path.write_text("Patient\tGene\tGenotype\tVariant_1\tVariant_2\t\n"
                    "P1\tCNGB3\tHOM\tc.1810C>T:p.(Arg604*)\t\n"
                    "P10\tAHI1\tcompHET\tc.2945G>T:p.(Arg982Met)\tc.1558A>G:p.(Lys520Glu)\n"
                    "P11\tPROM1\tHET\tNM_006017.3:c.1117C>T:p.(Arg373Cys)\t\n", encoding="utf-8")
    mapping = {"phenotk_mapping": 1, "subject": {"id": "Patient"},
               "variants": [{"hgvs": "Variant_1", "gene_symbol": "Gene", "zygosity": "Genotype",
                             "transcript": {"const": "NM_000001.1"}},
                            {"hgvs": "Variant_2", "gene_symbol": "Gene", "zygosity": "Genotype",
                             "transcript": {"const": "NM_000001.1"}}]}
    res = read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    got = {}
    for pid, p in packets_by_id(res).items():
        got[pid] = [(vd.get("label"), [e["value"] for e in vd["expressions"]], vd["allelicState"]["label"],
                     vd["geneContext"]["symbol"])
                    for gi in p["interpretations"][0]["diagnosis"]["genomicInterpretations"]
                    for vd in [gi["variantInterpretation"]["variationDescriptor"]]]
    assert got == {
        "P1": [("c.1810C>T:p.(Arg604*)", ["NM_000001.1:c.1810C>T", "p.(Arg604*)"], "homozygous", "CNGB3")],
        "P10": [("c.2945G>T:p.(Arg982Met)", ["NM_000001.1:c.2945G>T", "p.(Arg982Met)"], "heterozygous", "AHI1"),
                ("c.1558A>G:p.(Lys520Glu)", ["NM_000001.1:c.1558A>G", "p.(Lys520Glu)"], "heterozygous", "AHI1")],
        "P11": [("NM_006017.3:c.1117C>T:p.(Arg373Cys)", ["NM_006017.3:c.1117C>T", "p.(Arg373Cys)"],
                 "heterozygous", "PROM1")],
    }
    assert res.all_issues == []


def _hidden_sheet_workbook(path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    old = wb.active
    old.title = "Old"
    for r in (["Patient", "Sex", "Seizure", "Hypotonia", "Ataxia"], ["X1", "m", "yes", "no", "yes"],
              ["X2", "f", "no", "yes", "no"], ["X3", "f", "no", "yes", "no"]):
        old.append(r)
    old.sheet_state = "hidden"
    patients = wb.create_sheet("Patients")
    for r in (["Patient", "Sex", "Seizure", "Hypotonia"], ["P1", "m", "yes", "no"], ["P2", "f", "no", "yes"]):
        patients.append(r)
    wb.active = 1
    wb.save(path)


def test_a_hidden_first_sheet_is_not_the_one_read(tmp_path: Path, hpo_stub: Any) -> None:
    """The workbook hides its first sheet (last year's patients X1–X3) and shows 'Patients': mapping init chose the
    hidden one (more data) and conversion without input.sheet read it — patients the curator no longer sees."""
    import yaml

    from phenotk.conversion.table.starter import init_mapping

    path = tmp_path / "hidden_sheet.xlsx"
    _hidden_sheet_workbook(path)
    start = init_mapping(path, ontology=hpo_stub)
    assert yaml.safe_load(start.text)["input"]["sheet"] == "Patients"
    assert "'Old' (hidden)" in start.messages()[0]
    mapping = {"phenotk_mapping": 1, "subject": {"id": "Patient", "sex": "Sex"},
               "phenotypes": {"wide": {"columns": ["Seizure", "Hypotonia"]}}, "ignore_columns": ["Ataxia"]}
    res = read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    assert sorted(packets_by_id(res)) == ["P1", "P2"]
    assert [(i.rule, i.context["reason"]) for i in res.all_issues] == [("map-bad-cell", "hidden sheet")]
    assert "'Old' is hidden" in res.all_issues[0].message
    # named by the mapping: read, and said to be hidden
    res = read_sheet(path, {**mapping, "input": {"sheet": "Old"}}, ontology=hpo_stub, created=CREATED)
    assert sorted(packets_by_id(res)) == ["X1", "X2", "X3"]
    assert [i.context["reason"] for i in res.all_issues] == ["hidden sheet"]


def test_a_footnote_under_a_phenotype_column_is_not_a_missing_id(tmp_path: Path, hpo_stub: Any) -> None:
    """'* confirmed by EEG' under the Seizure column, 'Abbreviations: y = yes' under another: two map-missing-id
    errors (exit 1) for lines that are no patients; a one-cell row that could be a patient without id stays one."""
    path = tmp_path / "footnotes.csv"
    path.write_text("Patient,Sex,Seizure,Hypotonia,Notes\nP1,m,yes,no,\nP2,f,no,yes,\n,,* confirmed by EEG,,\n"
                    ",,,Abbreviations: y = yes; n = no,\n,,yes,,\n,,,,no seizures; hypotonia\n", encoding="utf-8")
    mapping = {"phenotk_mapping": 1, "subject": {"id": "Patient", "sex": "Sex"},
               "phenotypes": {"wide": {"columns": ["Seizure", "Hypotonia"]}, "text": {"columns": ["Notes"]}}}
    res = read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    assert sorted(packets_by_id(res)) == ["P1", "P2"]
    assert [(rule, r, c) for rule, r, c, _ in _found(res)] == [
        ("map-bad-cell", 4, "Seizure"), ("map-bad-cell", 5, "Hypotonia"),
        ("map-missing-id", 6, "Patient"), ("map-missing-id", 7, "Patient")]
    _same_as_whole(path, mapping, hpo_stub, res)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_its_byte_order_mark_is_read_and_binary_is_still_refused(codec: str, tmp_path: Path,
                                                                             hpo_stub: Any) -> None:
    """A UTF-16 export without BOM was refused as 'binary data'; it is text. Real binary still is refused."""
    from phenotk.conversion.table.sheets import read_text_table
    from phenotk.errors import InputError

    path = tmp_path / "u16.txt"
    path.write_bytes("Patient\tGeschlecht\tSeizure\r\nP1\tmännlich\tja\r\nPé2\tf\tnein\r\n".encode(codec))
    mapping = {"phenotk_mapping": 1, "subject": {"id": "Patient", "sex": "Geschlecht"},
               "phenotypes": {"wide": {"columns": ["Seizure"]}}}
    res = read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    assert {pid: (p["subject"]["sex"], _features(p)) for pid, p in packets_by_id(res).items()} == {
        "P1": ("MALE", {"HP:0001250": (False, None, None)}), "Pé2": ("FEMALE", {"HP:0001250": (True, None, None)})}
    assert read_text_table(path, data=path.read_bytes()).rows == read_text_table(path).rows
    binary = tmp_path / "binary.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError, match="binary data"):
        read_sheet(binary, mapping, ontology=hpo_stub, created=CREATED)


def test_rows_under_a_patient_without_their_own_id_say_so_and_are_not_guessed(tmp_path: Path, hpo_stub: Any) -> None:
    """A long sheet written as a report: the id on the first row of each block only. The rows below stay
    map-missing-id errors (not given to P1 on a guess), and the finding names the patient above them."""
    path = tmp_path / "blocks.csv"
    path.write_text("Patient,HPO,Status\nP1,Seizure,yes\n,Hypotonia,no\n,Ataxia,yes\nP2,Seizure,no\n"
                    "Total,,\n,Ataxia,yes\n", encoding="utf-8")
    mapping = {"phenotk_mapping": 1, "input": {"rows": "many"}, "subject": {"id": "Patient"},
               "phenotypes": {"long": {"term": "HPO", "status": "Status"}}}
    res = read_sheet(path, mapping, ontology=hpo_stub, created=CREATED)
    assert {pid: _features(p) for pid, p in packets_by_id(res).items()} == {
        "P1": {"HP:0001250": (False, None, None)}, "P2": {"HP:0001250": (True, None, None)}}
    missing = [i for i in res.all_issues if i.rule == "map-missing-id"]
    assert [i.context["row"] for i in missing] == [3, 4, 7]
    assert all("under 'P1', row 2" in i.message and "fill the id down" in i.message for i in missing[:2])
    assert "under" not in missing[2].message  # after the totals line: no patient above it
    _same_as_whole(path, mapping, hpo_stub, res)
