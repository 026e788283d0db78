"""Sheets in the shapes other clinics send, each with its ground truth: what the sheet states, nothing more.

Every sheet is written here (synthetic patients): merged group headers over two header rows, one row per visit,
a comments column of negations, dates in several formats (Excel dates, serial numbers, two-digit years), sex as
M/F/1/2/♂/♀, several variants in one cell (``;`` or newlines), gene + cDNA + protein in separate columns, hidden
columns and rows, formulas whose saved value is the data, a trailing empty-but-formatted 10,000-row range, numbers
stored as text, percentages, and ``?`` / ``n.d.`` / ``n.a.`` / ``unknown`` / ``not assessed`` cells (nothing
recorded: never excluded, never observed). For each, the packets must equal the truth and every cell that is not
carried must be named by a finding (rule, row, column) — no more findings, no fewer.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from google.protobuf.json_format import MessageToDict
from openpyxl.styles import PatternFill

from phenotk.conversion.table import read_sheet

CREATED = "2025-01-01T00:00:00Z"
SZ, HYPO, MICRO, STRAB, GDD = "HP:0001250", "HP:0001252", "HP:0000252", "HP:0000486", "HP:0001263"
OBS, EXC = "observed", "excluded"


def _summary(p: dict[str, Any]) -> dict[str, Any]:
    """The facts of one packet the truth states (subject fields, features, variants).

    ``UNKNOWN_SEX`` is the enum's zero: proto3 JSON leaves it out, so a stated "unknown" sex reads as no sex here.
    """
    s = p.get("subject", {})
    out: dict[str, Any] = {}
    if "sex" in s:
        out["sex"] = s["sex"]
    if "dateOfBirth" in s:
        out["dob"] = s["dateOfBirth"][:10]
    if "timeAtLastEncounter" in s:
        out["age"] = s["timeAtLastEncounter"]["age"]["iso8601duration"]
    feats = {}
    for f in p.get("phenotypicFeatures", []):
        status = EXC if f.get("excluded") else OBS
        if "onset" in f:
            onset = f["onset"]
            status += " " + (onset["age"]["iso8601duration"] if "age" in onset else onset["ontologyClass"]["label"])
        feats[f["type"]["id"]] = status
    if feats:
        out["features"] = feats
    variants = []
    for interp in p.get("interpretations", []):
        for gi in interp["diagnosis"].get("genomicInterpretations", []):
            vd = gi["variantInterpretation"]["variationDescriptor"]
            v = {"hgvs": [e["value"] for e in vd.get("expressions", [])]}
            for key, name in (("allelicState", "zygosity"), ("geneContext", "gene")):
                if key in vd:
                    v[name] = vd[key].get("label") or vd[key].get("symbol")
            if "description" in vd:
                v["description"] = vd["description"]
            variants.append(v)
    if variants:
        out["variants"] = variants
    return out


def _run(path: Path, mapping: dict[str, Any], hpo: Any) -> tuple[dict[str, Any], list[tuple[str, int | None, str]]]:
    res = read_sheet(path, {"phenotk_mapping": 1, **mapping}, ontology=hpo, created=CREATED)
    packets = {p.id: _summary(MessageToDict(p)) for p in res.packets}
    found = [(i.rule, i.context.get("row"), str(i.context.get("column", ""))) for i in res.all_issues]
    return packets, sorted(found, key=lambda f: (f[1] or 0, f[0], f[2]))


def _csv(text: str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / "sheet.csv"
        path.write_text(text, encoding="utf-8")
        return path

    return make


def _save_with_cached_values(wb: Any, tmp: Path, values: dict[str, bytes]) -> Path:
    """Save ``wb`` as a spreadsheet program would: formula cells keep their saved value (``values``)."""
    raw = tmp / "raw.xlsx"
    wb.save(raw)
    out = tmp / "sheet.xlsx"
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                for ref, value in values.items():
                    # a text result is typed as one, an error value (#N/A) as an error
                    kind = b"" if value.isdigit() else b' t="e"' if value.startswith(b"#") else b' t="str"'
                    cell = rb'<c r="' + ref.encode() + rb'"([^>]*)>(<f>[^<]*</f>)(?:<v\s*/>|<v></v>)?</c>'
                    data = re.sub(cell, rb'<c r="' + ref.encode() + rb'"\1' + kind + rb">\2<v>" + value + rb"</v></c>",
                                  data)
            dst.writestr(item, data)
    return out


# ---------------------------------------------------------------------- 1. two header rows under merged groups
def _merged_groups(tmp: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Kohorte"
    ws.append(["Patient", None, "Phänotyp", None, None, None, "Genetik", None])
    ws.append(["ID", "Sex", "Seizure", "Hypotonia", "Microcephaly", "Strabismus", "Gene", "Variant"])
    for rng in ("A1:B1", "C1:F1", "G1:H1"):
        ws.merge_cells(rng)
    ws.append(["P1", "M", "yes", "no", "?", "n.d.", "SCN1A", "NM_001165963.4:c.2836C>T het"])
    ws.append(["P2", "♀", "n.a.", "yes", "not assessed", "unknown", "", "negative"])
    ws.append(["P3", "♂", "N.A.", "-", "+", "", "KCNQ2", "NM_172107.4:c.821C>T; NM_172107.4:c.1A>G"])
    ws.append(["P4", "f", "Yes", "No", "n.d.", "?", "", ""])
    path = tmp / "sheet.xlsx"
    wb.save(path)
    return path


MERGED_GROUPS = (
    _merged_groups,
    {"input": {"header_row": 2}, "subject": {"id": "ID", "sex": "Sex"},
     "phenotypes": {"wide": {"columns": ["Seizure", "Hypotonia", "Microcephaly", "Strabismus"]}},
     "variants": {"hgvs": "Variant", "gene_symbol": "Gene"}},
    {"P1": {"sex": "MALE", "features": {SZ: OBS, HYPO: EXC},
            "variants": [{"hgvs": ["NM_001165963.4:c.2836C>T"], "zygosity": "heterozygous", "gene": "SCN1A"}]},
     "P2": {"sex": "FEMALE", "features": {HYPO: OBS}},
     "P3": {"sex": "MALE", "features": {HYPO: EXC, MICRO: OBS},
            "variants": [{"hgvs": ["NM_172107.4:c.821C>T"], "gene": "KCNQ2"},
                         {"hgvs": ["NM_172107.4:c.1A>G"], "gene": "KCNQ2"}]},
     "P4": {"sex": "FEMALE", "features": {SZ: OBS, HYPO: EXC}}},
    [],
)

# ---------------------------------------------------------------------- 2. one row per visit
VISITS = (
    _csv("MRN,Visit date,Age at visit,Sex,Seizure,Hypotonia,Comments\n"
         "0012,2019-03-01,2y,F,yes,,no microcephaly\n"
         "0012,2020-04-01,3y,F,yes,n.d.,\n"
         "0012,2021-05-01,4 y,F,,yes,no strabismus\n"
         "0034,2020-01-01,6 mo,M,no,?,\n"
         "0034,2020-07-01,12 mo,M,no,,\n"),
    {"input": {"rows": "many"}, "subject": {"id": "MRN", "sex": "Sex", "age_at_last_encounter": "Age at visit"},
     "phenotypes": {"wide": {"columns": ["Seizure", "Hypotonia"]}, "text": {"columns": ["Comments"]}},
     "ignore_columns": ["Visit date"]},
    # the last encounter is the latest visit, not the first row
    {"0012": {"sex": "FEMALE", "age": "P4Y", "features": {SZ: OBS, MICRO: EXC, HYPO: OBS, STRAB: EXC}},
     "0034": {"sex": "MALE", "age": "P12M", "features": {SZ: EXC}}},
    # the earlier visit ages are not carried: each is named
    [("map-conflicting-values", 2, "Age at visit"), ("map-conflicting-values", 3, "Age at visit"),
     ("map-conflicting-values", 5, "Age at visit")],
)

# ---------------------------------------------------------------------- 3. dates in several formats
def _dates(tmp: Path) -> Path:
    import datetime as dt

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "DOB"])
    ws.append(["D1", dt.datetime(2015, 12, 25)])  # an Excel date cell
    ws.append(["D2", "25/12/2015"])
    ws.append(["D3", "2015-12-25"])
    ws.append(["D4", "25.12.2015"])
    ws.append(["D5", "3 Feb 2015"])
    ws.append(["D6", "12/03/85"])  # two-digit year: not read
    ws.append(["D7", 42363])  # a serial number without date format: not guessed
    ws.append(["D8", "03/02/2015"])  # day and month undecidable without date_order
    ws["B2"].number_format = "DD.MM.YYYY"
    path = tmp / "sheet.xlsx"
    wb.save(path)
    return path


DATES = (
    _dates,
    {"subject": {"id": "id", "date_of_birth": "DOB"}},
    {"D1": {"dob": "2015-12-25"}, "D2": {"dob": "2015-12-25"}, "D3": {"dob": "2015-12-25"},
     "D4": {"dob": "2015-12-25"}, "D5": {"dob": "2015-02-03"}, "D6": {}, "D7": {}, "D8": {}},
    [("map-bad-cell", 7, "DOB"), ("map-bad-cell", 8, "DOB"), ("map-bad-cell", 9, "DOB")],
)

# ---------------------------------------------------------------------- 4. sex codes
SEX_CSV = "id,Sex\nS1,M\nS2,F\nS3,1\nS4,2\nS5,♂\nS6,♀\nS7,m.\nS8,weibl.\nS9,?\nS10,unknown\n"
SEX_CODES = (
    _csv(SEX_CSV),
    {"subject": {"id": "id", "sex": "Sex"}},
    # 1/2 are codes whose meaning the sheet does not state (ISO 5218 or 0/1 or 1/2 …): reported, not guessed
    {"S1": {"sex": "MALE"}, "S2": {"sex": "FEMALE"}, "S3": {}, "S4": {}, "S5": {"sex": "MALE"},
     "S6": {"sex": "FEMALE"}, "S7": {"sex": "MALE"}, "S8": {"sex": "FEMALE"}, "S9": {}, "S10": {}},
    [("map-bad-cell", 4, "Sex"), ("map-bad-cell", 5, "Sex")],
)
SEX_CODES_MAPPED = (
    _csv(SEX_CSV),
    {"subject": {"id": "id", "sex": {"column": "Sex", "values": {"1": "MALE", "2": "FEMALE"}}}},
    {"S1": {"sex": "MALE"}, "S2": {"sex": "FEMALE"}, "S3": {"sex": "MALE"}, "S4": {"sex": "FEMALE"},
     "S5": {"sex": "MALE"}, "S6": {"sex": "FEMALE"}, "S7": {"sex": "MALE"}, "S8": {"sex": "FEMALE"}, "S9": {},
     "S10": {}},
    [],
)

# ---------------------------------------------------------------------- 5. variants: separate columns, newlines
def _variant_columns(tmp: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Patient", "Gene", "cDNA", "Protein", "Zygosity", "Disease"])
    ws.append(["V1", "SCN1A", "NM_001165963.4:c.2836C>T", "p.(Arg946Cys)", "het (mat)", "OMIM:607208"])
    ws.append(["V2", "KCNQ2", "NM_172107.4:c.821C>T\nNM_172107.4:c.1A>G", "", "compound het", "OMIM:613720"])
    ws.append(["V3", "MECP2", "NM_004992.4:c.473C>T", "p.(Thr158Met)", "hemi (X-linked, de novo)", "OMIM:312750"])
    ws.append(["V4", "", "not done", "", "", ""])
    ws.append(["V5", "STXBP1", "NM_003165.6:c.1A>G", "", "het?", "OMIM:612164"])
    path = tmp / "sheet.xlsx"
    wb.save(path)
    return path


VARIANT_COLUMNS = (
    _variant_columns,
    {"subject": {"id": "Patient"}, "diseases": {"id": "Disease", "label": {"const": "epilepsy"}},
     "variants": {"hgvs": {"template": "{cDNA} {Protein}"}, "gene_symbol": "Gene", "zygosity": "Zygosity"}},
    {"V1": {"variants": [{"hgvs": ["NM_001165963.4:c.2836C>T", "p.(Arg946Cys)"], "zygosity": "heterozygous",
                          "gene": "SCN1A", "description": "het (mat)"}]},
     # an empty protein cell does not lose the c. changes (a template with an empty placeholder gave nothing)
     "V2": {"variants": [{"hgvs": ["NM_172107.4:c.821C>T"], "zygosity": "heterozygous", "gene": "KCNQ2"},
                         {"hgvs": ["NM_172107.4:c.1A>G"], "zygosity": "heterozygous", "gene": "KCNQ2"}]},
     "V3": {"variants": [{"hgvs": ["NM_004992.4:c.473C>T", "p.(Thr158Met)"], "zygosity": "hemizygous",
                          "gene": "MECP2", "description": "hemi (X-linked, de novo)"}]},
     "V4": {},
     "V5": {"variants": [{"hgvs": ["NM_003165.6:c.1A>G"], "gene": "STXBP1"}]}},
    [("map-bad-cell", 6, "Zygosity")],
)

# ---------------------------------------------------------------------- 6. hidden, formulas, formatted tail
def _hidden_and_formulas(tmp: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ID", "Sex", "Age (years)", "Seizure", "Internal note", "Hypotonia"])
    ws.append(["H1", "F", 4, "yes", "call back", "no"])
    ws.append(["H2", "=IF(1,\"M\",\"F\")", "=2+1", "=D2", "", "yes"])
    ws.append(["H3", "M", 7, "no", "", "yes"])
    ws.column_dimensions["E"].hidden = True
    ws.row_dimensions[4].hidden = True  # a hidden patient is still a patient
    fill = PatternFill("solid", fgColor="FFFF00")
    for r in range(5, 10_005):  # formatted, empty: no rows, no findings
        ws.cell(row=r, column=1).fill = fill
        ws.cell(row=r, column=4).number_format = "@"
    return _save_with_cached_values(wb, tmp, {"B3": b"M", "C3": b"3", "D3": b"yes"})


HIDDEN_AND_FORMULAS = (
    _hidden_and_formulas,
    {"subject": {"id": "ID", "sex": "Sex", "age_at_last_encounter": {"column": "Age (years)", "unit": "years"}},
     "phenotypes": {"wide": {"columns": ["Seizure", "Hypotonia"]}}},
    {"H1": {"sex": "FEMALE", "age": "P4Y", "features": {SZ: OBS, HYPO: EXC}},
     "H2": {"sex": "MALE", "age": "P3Y", "features": {SZ: OBS, HYPO: OBS}},
     "H3": {"sex": "MALE", "age": "P7Y", "features": {SZ: EXC, HYPO: OBS}}},
    [("map-unmapped-column", None, "Internal note"),  # the hidden column's data is named, not dropped
     ("map-bad-cell", 4, "ID")],  # the hidden patient is converted, and the hidden row named (it may be left out)
)

# ---------------------------------------------------------------------- 7. numbers as text, percentages
def _numbers(tmp: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Pat-Nr", "Alter (Jahre)", "Alter (Monate)", "Krampfanfälle", "Mosaik %"])
    ws.append(["007", "3,5", None, "ja", 0.3])
    ws.append([8, 2.0, None, "nein", None])
    ws.append(["009", None, "7,5", "ja", "30%"])
    ws.append(["010", "2.25", None, "k.A.", None])
    ws["E2"].number_format = "0%"
    path = tmp / "sheet.xlsx"
    wb.save(path)
    return path


NUMBERS = (
    _numbers,
    {"subject": {"id": "Pat-Nr", "age_at_last_encounter": {"column": "Alter (Jahre)", "unit": "years"}},
     "diseases": [],
     "phenotypes": {"wide": {"columns": ["Krampfanfälle"], "terms": {"Krampfanfälle": SZ}}},
     "ignore_columns": ["Alter (Monate)", "Mosaik %"]},
    {"007": {"age": "P3Y6M", "features": {SZ: OBS}}, "8": {"age": "P2Y", "features": {SZ: EXC}},
     "009": {"features": {SZ: OBS}}, "010": {"age": "P2Y3M"}},
    [],
)
MONTHS = (
    _numbers,
    {"subject": {"id": "Pat-Nr", "age_at_last_encounter": {"column": "Alter (Monate)", "unit": "months"}},
     "phenotypes": {"wide": {"columns": ["Krampfanfälle"], "terms": {"Krampfanfälle": SZ}}},
     "ignore_columns": ["Alter (Jahre)"]},
    # 7,5 months: 7 completed months, the half month reported (never P7M15D); the percentage column is named
    {"007": {"features": {SZ: OBS}}, "8": {"features": {SZ: EXC}}, "009": {"age": "P7M", "features": {SZ: OBS}},
     "010": {}},
    [("map-unmapped-column", None, "Mosaik %"), ("map-not-carried", 4, "Alter (Monate)")],
)

# ---------------------------------------------------------------------- 8. a comments column of negations
COMMENTS = (
    _csv("id,Seizure,Comments\n"
         "C1,yes,no hypotonia; microcephaly\n"
         "C2,,\"Seizures: no, strabismus (absent)\"\n"
         "C3,n.d.,not assessed\n"
         "C4,?,no seizures or hypotonia\n"
         "C5,unknown,? microcephaly\n"
         "C6,,Seizure: n.d.; hypotonia (n.a.)\n"),
    {"subject": {"id": "id"}, "phenotypes": {"wide": {"columns": ["Seizure"]}, "text": {"columns": ["Comments"]}}},
    {"C1": {"features": {SZ: OBS, HYPO: EXC, MICRO: OBS}}, "C2": {"features": {SZ: EXC, STRAB: EXC}}, "C3": {},
     "C4": {"features": {SZ: EXC, HYPO: EXC}}, "C5": {}, "C6": {}},
    # "? microcephaly" is no statement either way: reported for review, no feature
    [("map-unmatched-text", 6, "Comments")],
)

# ---------------------------------------------------------------------- 9. long layout with "nothing recorded" words
LONG_UNKNOWN = (
    _csv("patient,hpo,status,onset\n"
         "L1,Seizure,?,\n"
         "L1,Hypotonia,n.d.,\n"
         "L1,Microcephaly,not assessed,\n"
         "L1,Strabismus,n.a.,\n"
         "L1,HP:0001263,unknown,\n"
         "L2,Seizure,yes,7.5 months\n"
         "L2,Hypotonia,pos.,1.5 years\n"
         "L2,Microcephaly,neg.,\n"),
    {"input": {"rows": "many"}, "subject": {"id": "patient"},
     "phenotypes": {"long": {"term": "hpo", "status": "status", "onset": "onset"}}},
    {"L1": {}, "L2": {"features": {SZ: "observed P7M", HYPO: "observed P1Y6M", MICRO: EXC}}},
    [("map-not-carried", 7, "onset")],
)

# ---------------------------------------------------------------------- 10. zygosity column with inheritance
ZYGOSITY_INHERITANCE = (
    _csv("id,Variant,Zyg\n"
         "Z1,NM_000001.2:c.1A>G,\"het, de novo\"\n"
         "Z2,NM_000001.2:c.2T>C,Het (paternal)\n"
         "Z3,NM_000001.2:c.3G>A,homozygous (consanguineous)\n"
         "Z4,NM_000001.2:c.4C>T,het mosaic\n"),
    {"subject": {"id": "id"}, "variants": {"hgvs": "Variant", "zygosity": "Zyg"}},
    {"Z1": {"variants": [{"hgvs": ["NM_000001.2:c.1A>G"], "zygosity": "heterozygous", "description": "het, de novo"}]},
     "Z2": {"variants": [{"hgvs": ["NM_000001.2:c.2T>C"], "zygosity": "heterozygous",
                          "description": "Het (paternal)"}]},
     "Z3": {"variants": [{"hgvs": ["NM_000001.2:c.3G>A"], "zygosity": "homozygous",
                          "description": "homozygous (consanguineous)"}]},
     # mosaic is no heterozygous state: the zygosity is not carried, the cell is named
     "Z4": {"variants": [{"hgvs": ["NM_000001.2:c.4C>T"]}]}},
    [("map-bad-cell", 5, "Zyg")],
)

# ---------------------------------------------------------------------- 11. formulas saved as error values
def _excel_errors(tmp: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ID", "Sex", "Age", "Seizure", "Variant"])
    ws.append(["E1", "=X1", "=Y1", "=Z1", "=W1"])
    ws.append(["=VLOOKUP(A1,B:B,2)", "M", "3y", "yes", ""])
    ws.append(["E3", "F", "5y", "no", ""])
    return _save_with_cached_values(wb, tmp, {"B2": b"#N/A", "C2": b"#VALUE!", "D2": b"#REF!", "E2": b"#N/A",
                                              "A3": b"#REF!"})


EXCEL_ERRORS = (
    _excel_errors,
    {"subject": {"id": "ID", "sex": "Sex", "age_at_last_encounter": "Age"},
     "phenotypes": {"wide": {"columns": ["Seizure"]}}, "variants": {"hgvs": "Variant"}},
    # '#REF!' is no patient id: no packet "#REF!" (an error, the row is named); every error cell is named
    {"E1": {}, "E3": {"sex": "FEMALE", "age": "P5Y", "features": {SZ: EXC}}},
    [("map-bad-cell", 2, "Age"), ("map-bad-cell", 2, "Seizure"), ("map-bad-cell", 2, "Sex"),
     ("map-bad-cell", 2, "Variant"), ("map-missing-id", 3, "ID")],
)

# ---------------------------------------------------------------------- 12. a header merged over two rows
def _two_row_header(tmp: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Patient", "Sex", "Seizure", None, "Hypotonia", None, "Microcephaly", None])
    ws.append([None, None, "present", "onset", "present", "onset", "present", "onset"])
    for rng in ("A1:A2", "B1:B2", "C1:D1", "E1:F1", "G1:H1"):  # id and sex merged down, terms across
        ws.merge_cells(rng)
    ws.append(["T1", "M", "yes", "2y", "no", None, "?", None])
    ws.append(["T2", "F", "no", None, "yes", "birth", "yes", "6 mo"])
    ws.append(["T3", "F", "yes", "3y", "yes", "yes", "", ""])
    path = tmp / "sheet.xlsx"
    wb.save(path)
    return path


TWO_ROW_HEADER = (
    _two_row_header,
    # what mapping init writes for it: the onset columns are the term's second column
    {"subject": {"id": "Patient", "sex": "Sex"},
     "phenotypes": {"wide": {"columns": "auto", "terms": {"Seizure (2)": SZ, "Hypotonia (2)": HYPO,
                                                         "Microcephaly (2)": MICRO}}}},
    # row 2 ("Patient" under "Patient": the merged header) is no patient; an onset column completes its term
    {"T1": {"sex": "MALE", "features": {SZ: "observed P2Y", HYPO: EXC}},
     "T2": {"sex": "FEMALE", "features": {SZ: EXC, HYPO: "observed Congenital onset", MICRO: "observed P6M"}},
     "T3": {"sex": "FEMALE", "features": {SZ: "observed P3Y", HYPO: OBS}}},
    [("map-duplicate-header", None, "Hypotonia"), ("map-duplicate-header", None, "Microcephaly"),
     ("map-duplicate-header", None, "Seizure"), ("map-bad-cell", 2, "Patient")],
)

# ---------------------------------------------------------------------- 13. long rows that add an onset
LONG_ONSETS = (
    _csv("patient,hpo,status,onset\n"
         "O1,Seizure,yes,\n"
         "O1,Seizure,yes,2y\n"
         "O1,Hypotonia,yes,6 mo\n"
         "O1,Hypotonia,yes,9 mo\n"
         "O1,Microcephaly,no,\n"
         "O1,Microcephaly,yes,\n"),
    {"input": {"rows": "many"}, "subject": {"id": "patient"},
     "phenotypes": {"long": {"term": "hpo", "status": "status", "onset": "onset"}}},
    # the onset of a later row is carried; two onsets keep the first and name the other (at the onset cell); a
    # feature excluded in one row and observed in a later one is observed (rows are visits), named at the term
    {"O1": {"features": {SZ: "observed P2Y", HYPO: "observed P6M", MICRO: "observed"}}},
    [("map-conflicting-values", 5, "onset"), ("map-conflicting-values", 7, "hpo")],
)

CASES = {
    "merged_groups": MERGED_GROUPS, "visits": VISITS, "dates": DATES, "sex_codes": SEX_CODES,
    "sex_codes_mapped": SEX_CODES_MAPPED, "variant_columns": VARIANT_COLUMNS,
    "hidden_and_formulas": HIDDEN_AND_FORMULAS, "numbers": NUMBERS, "months": MONTHS, "comments": COMMENTS,
    "long_unknown": LONG_UNKNOWN, "zygosity_inheritance": ZYGOSITY_INHERITANCE, "excel_errors": EXCEL_ERRORS,
    "two_row_header": TWO_ROW_HEADER, "long_onsets": LONG_ONSETS,
}


@pytest.mark.parametrize("name", list(CASES))
def test_sheet_gives_its_truth_and_names_every_loss(name: str, tmp_path: Path, hpo_stub: Any) -> None:
    make, mapping, truth, findings = CASES[name]
    packets, found = _run(make(tmp_path), mapping, hpo_stub)
    assert packets == truth
    assert found == sorted(findings, key=lambda f: (f[1] or 0, f[0], f[2]))


def test_mapping_init_skips_the_second_header_row(tmp_path: Path, hpo_stub: Any) -> None:
    """The starter mapping for a header merged over two rows lists the second row in skip_rows."""
    import yaml

    from phenotk.conversion.table.starter import init_mapping

    path = _two_row_header(tmp_path)
    start = init_mapping(path, ontology=hpo_stub)
    mapping = yaml.safe_load(start.text)
    assert mapping["input"].get("skip_rows") == [2]
    packets, found = _run(path, {k: v for k, v in mapping.items() if k != "phenotk_mapping"}, hpo_stub)
    assert set(packets) == {"T1", "T2", "T3"}
    assert not [f for f in found if f[0] == "map-bad-cell"]


def test_mapping_init_reads_a_visit_sheet(tmp_path: Path, hpo_stub: Any) -> None:
    """One row per visit: the starter says rows: many (not duplicate ids) and reads the comments with terms."""
    import yaml

    from phenotk.conversion.table.starter import init_mapping

    make, _, truth, _ = VISITS
    path = make(tmp_path)
    mapping = yaml.safe_load(init_mapping(path, ontology=hpo_stub).text)
    assert mapping["input"]["rows"] == "many"
    assert mapping["phenotypes"]["text"] == {"columns": ["Comments"]}
    packets, found = _run(path, {k: v for k, v in mapping.items() if k != "phenotk_mapping"}, hpo_stub)
    assert packets == truth
    assert [f for f in found if f[0] != "map-conflicting-values"] == [("map-unmapped-column", None, "Visit date")]


def test_mapping_init_leaves_a_notes_column_without_terms(tmp_path: Path, hpo_stub: Any) -> None:
    import yaml

    from phenotk.conversion.table.starter import init_mapping

    path = _csv("id,Seizure,Notes\nA,yes,call back\nB,no,sample sent\nC,yes,\n")(tmp_path)
    mapping = yaml.safe_load(init_mapping(path, ontology=hpo_stub).text)
    assert "text" not in mapping["phenotypes"] and mapping["input"]["rows"] == "one"


def test_an_unmatched_negated_phrase_is_named_whole(tmp_path: Path, hpo_stub: Any) -> None:
    """'no seizures since 2019' is reported with its negation, not as 'seizures since 2019' alone."""
    path = _csv("id,Comments\nA,no seizures since 2019\n")(tmp_path)
    res = read_sheet(path, {"phenotk_mapping": 1, "subject": {"id": "id"},
                            "phenotypes": {"text": {"columns": ["Comments"]}}}, ontology=hpo_stub, created=CREATED)
    [issue] = res.all_issues
    assert not res.packets[0].phenotypic_features
    assert issue.message.startswith("'seizures since 2019' (in 'no seizures since 2019') matches no HPO label")
