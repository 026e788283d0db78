"""Faithful cells: hand-written hospital-style sheets, each asserting the exact packet fields and findings.

Sheets (tests/fixtures/mapping/faithful): a cp1252 ``;``-separated CSV with decimal commas, German words,
``unknown``/``U``/``unbekannt`` sex, rows without ids, an onset without its disease, disease ids as clinics write
them and onset words in term cells; the same rows as XLSX; a long layout; a free-text layout.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _view import packets_by_id

from phenotk.conversion import registry
from phenotk.conversion.base import ConvertOptions
from phenotk.conversion.table import from_dataframe, read_sheet
from phenotk.conversion.table.diseases import normalise_disease_id
from phenotk.issue import Severity
from phenotk.ontology.annotations import load_annotations

CREATED = "2025-01-01T00:00:00Z"
INFANTILE = {"ontologyClass": {"id": "HP:0003593", "label": "Infantile onset"}}


@pytest.fixture
def faithful(sheets: Path) -> Path:
    return sheets / "faithful"


def findings(result) -> list[tuple[str, str, int | None, str | None]]:
    return [(i.code, i.severity.value, i.context.get("row"), i.context.get("column")) for i in result.all_issues]


def feat(fid: str, label: str, excluded: bool = False, onset: dict | None = None) -> dict:
    out: dict = {"type": {"id": fid, "label": label}}
    if excluded:
        out["excluded"] = True
    if onset:
        out["onset"] = onset
    return out


SEIZURE, HYPOTONIA = ("HP:0001250", "Seizure"), ("HP:0001252", "Hypotonia")
DEE14 = {"term": {"id": "OMIM:614959", "label": "Developmental and epileptic encephalopathy 14"}}

CLINIC_PACKETS = {
    "P1": {
        "id": "P1",
        "subject": {"id": "P1", "sex": "MALE", "timeAtLastEncounter": {"age": {"iso8601duration": "P2Y6M"}}},
        "phenotypicFeatures": [feat(*SEIZURE), feat(*HYPOTONIA, onset={"age": {"iso8601duration": "P2Y"}})],
        "diseases": [{"term": {"id": "OMIM:607208", "label": "Dravet syndrome"}, "onset": INFANTILE}],
    },
    "P2": {  # sex "unknown": UNKNOWN_SEX is proto3's default, so the dict has no key; the item says it was stated
        "id": "P2",
        "subject": {"id": "P2", "timeAtLastEncounter": {"age": {"iso8601duration": "P10Y"}}},
        "phenotypicFeatures": [feat(*SEIZURE, excluded=True), feat(*HYPOTONIA, onset=INFANTILE)],
        "diseases": [DEE14],
    },
    "P3": {  # "614959" alone in the OMIM column; "congenital"/"neonatal" in term cells: observed with that onset
        "id": "P3",
        "subject": {"id": "P3"},
        "phenotypicFeatures": [
            feat(*SEIZURE, onset={"ontologyClass": {"id": "HP:0003577", "label": "Congenital onset"}}),
            feat(*HYPOTONIA, onset={"ontologyClass": {"id": "HP:0003623", "label": "Neonatal onset"}}),
        ],
        "diseases": [DEE14],
    },
    "P4": {
        "id": "P4",
        "subject": {"id": "P4", "timeAtLastEncounter": {"age": {"iso8601duration": "P1Y6M"}}},
        "phenotypicFeatures": [feat(*HYPOTONIA, excluded=True)],
    },
    "P5": {  # "DEE14 (OMIM 614959)": the id from the cell, the label from the annotation file
        "id": "P5",
        "subject": {"id": "P5", "sex": "FEMALE", "timeAtLastEncounter": {"age": {"iso8601duration": "P3Y"}}},
        "diseases": [DEE14],
    },
}
CLINIC_FINDINGS = [
    ("MAP005", "error", 5, "Patient"),  # a row with data and no id
    ("MAP012", "warning", 6, "Disease onset"),  # "childhood" with an empty disease cell
    ("MAP002", "warning", 8, "Seizure"),  # "maybe"
]


def test_cp1252_semicolon_csv(faithful: Path, hpo_stub) -> None:
    res = read_sheet(faithful / "clinic_cp1252.csv", faithful / "clinic.yaml", ontology=hpo_stub,
                     annotations=faithful / "mini.hpoa", created=CREATED)
    assert packets_by_id(res) == CLINIC_PACKETS
    assert findings(res) == CLINIC_FINDINGS
    assert {i.context["sheet"] for i in res.all_issues} == {"clinic_cp1252.csv"}
    assert [i.unknown_sex for i in res.items] == [False, True, True, True, False]  # unknown, U, unbekannt
    omim = [r for p in res.packets for r in p.meta_data.resources if r.namespace_prefix == "OMIM"]
    assert omim and {r.version for r in omim} == {"2099-01-01"}  # the annotation file's #version
    hp = {r.version for p in res.packets for r in p.meta_data.resources if r.namespace_prefix == "HP"}
    assert hp == {"2025-05-06-stub"}  # the loaded HPO's release


def test_same_rows_as_xlsx(faithful: Path, hpo_stub, tmp_path: Path) -> None:
    import csv

    openpyxl = pytest.importorskip("openpyxl")
    text = (faithful / "clinic_cp1252.csv").read_bytes().decode("cp1252")
    rows = list(csv.reader(text.splitlines(), delimiter=";"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Patienten"
    for r in rows:
        ws.append([int(c) if c.isdigit() else (c or None) for c in r])  # "3" and "614959" as numbers
    wb.save(tmp_path / "clinic.xlsx")
    res = read_sheet(tmp_path / "clinic.xlsx", faithful / "clinic.yaml", ontology=hpo_stub,
                     annotations=faithful / "mini.hpoa", created=CREATED)
    assert packets_by_id(res) == CLINIC_PACKETS
    assert findings(res) == CLINIC_FINDINGS
    assert {i.context["sheet"] for i in res.all_issues} == {"Patienten"}


def test_reader_items_name_the_sheet_and_missing_id_is_an_error(faithful: Path, hpo_stub) -> None:
    opts = ConvertOptions(mapping=faithful / "clinic.yaml", ontology=hpo_stub, annotations=faithful / "mini.hpoa")
    items = list(registry.reader("table").read(faithful / "clinic_cp1252.csv", opts))
    first = items[0]
    assert first.message is None and first.source == str(faithful / "clinic_cp1252.csv")
    assert [(i.rule, i.severity) for i in first.issues] == [("map-missing-id", Severity.ERROR)]
    assert items[1].source.endswith("clinic_cp1252.csv:row 2")
    assert [i.rule for i in items[4].issues] == ["map-orphan-value"] and items[4].source.endswith(":row 6")


def test_without_annotations_labels_are_reported(faithful: Path, hpo_stub) -> None:
    res = read_sheet(faithful / "clinic_cp1252.csv", faithful / "clinic.yaml", ontology=hpo_stub)
    labels = [(d.term.id, d.term.label) for p in res.packets for d in p.diseases]
    # only the cell text beside the id ("DEE14") is a label the sheet stated
    assert labels == [("OMIM:607208", ""), ("OMIM:614959", ""), ("OMIM:614959", ""), ("OMIM:614959", "DEE14")]
    omim = {r.version for p in res.packets for r in p.meta_data.resources if r.namespace_prefix == "OMIM"}
    assert omim == {""}  # no OMIM version stated anywhere: none invented
    assert [f for f in findings(res) if f[0] == "MAP013"] == [
        ("MAP013", "warning", 2, "OMIM"), ("MAP013", "warning", 3, "OMIM"), ("MAP013", "warning", 4, "OMIM")]


def test_real_annotation_file(shared_data: Path, faithful: Path, hpo_stub) -> None:
    hpoa = shared_data / "hpo" / "phenotype.hpoa.gz"
    ann = load_annotations(hpoa)
    assert ann.version == "2025-01-16"
    assert ann.label("OMIM:614959") == "Developmental and epileptic encephalopathy 14"
    assert ann.label("ORPHA:33069") == "Dravet syndrome"
    res = read_sheet(faithful / "clinic_cp1252.csv", faithful / "clinic.yaml", ontology=hpo_stub, annotations=hpoa)
    assert res.packets[0].diseases[0].term.label == "Epileptic encephalopathy, early infantile, 6 (Dravet syndrome)"
    assert not [f for f in findings(res) if f[0] == "MAP013"]
    assert {r.version for r in res.packets[0].meta_data.resources if r.namespace_prefix == "OMIM"} == {"2025-01-16"}


def test_unreadable_annotation_file_is_input_error(tmp_path: Path, faithful: Path) -> None:
    from phenotk.errors import InputError

    bad = tmp_path / "x.hpoa"
    bad.write_text("#only a comment\n")
    with pytest.raises(InputError, match="not an HPO annotation file"):
        read_sheet(faithful / "clinic_cp1252.csv", faithful / "clinic.yaml", annotations=bad)
    with pytest.raises(InputError, match="cannot read the HPO annotation file"):
        read_sheet(faithful / "clinic_cp1252.csv", faithful / "clinic.yaml", annotations=tmp_path / "none.hpoa")


@pytest.mark.parametrize(
    ("cell", "column", "expected"),
    [
        ("MIM #607208", "Disease", ("OMIM:607208", "")),
        ("OMIM 614959", "Disease", ("OMIM:614959", "")),
        ("OMIM:614959", "Disease", ("OMIM:614959", "")),
        ("omim_614959", "Disease", ("OMIM:614959", "")),
        ("614959", "OMIM", ("OMIM:614959", "")),
        ("614959", "MIM number", ("OMIM:614959", "")),
        ("#607208", "Diagnosis", ("OMIM:607208", "")),
        ("DEE14 (OMIM 614959)", "Diagnosis", ("OMIM:614959", "DEE14")),
        ("Dravet syndrome, OMIM #607208", "Diagnosis", ("OMIM:607208", "Dravet syndrome")),
        ("ORPHA:33069", "Diagnosis", ("ORPHA:33069", "")),
        ("Orphanet 33069", "Diagnosis", ("ORPHA:33069", "")),
        ("ORPHA_33069", "Diagnosis", ("ORPHA:33069", "")),
        ("33069", "Orphanet code", ("ORPHA:33069", "")),
        ("MONDO 0007915", "Diagnosis", ("MONDO:0007915", "")),
        ("mondo:0007915", "Diagnosis", ("MONDO:0007915", "")),
        ("7915", "MONDO", ("MONDO:0007915", "")),
        ("OMIM:PS308350", "Diagnosis", ("OMIM:PS308350", "")),
        ("614959", "Diagnosis", None),  # a bare number under a header that names no catalogue
        ("Dravet syndrome", "Diagnosis", None),
    ],
)
def test_disease_id_forms(cell: str, column: str, expected: tuple[str, str] | None) -> None:
    assert normalise_disease_id(cell, column) == expected


def test_bare_number_without_catalogue_is_a_bad_cell() -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"id": ["a"], "Diagnosis": ["614959"]})
    res = from_dataframe(df, {"phenotk_mapping": 1, "subject": {"id": "id"}, "diseases": {"id": "Diagnosis"}})
    assert list(res.packets[0].diseases) == []
    assert findings(res) == [("MAP002", "warning", 2, "Diagnosis")]
    assert "614959" in res.all_issues[0].message and "OMIM:148600" in res.all_issues[0].message


def test_rows_without_id_only_empty_rows_are_quiet() -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"id": ["a", "", "", "b"], "sex": ["m", "", "f", "f"]})
    res = from_dataframe(df, {"phenotk_mapping": 1, "subject": {"id": "id", "sex": "sex"}})
    assert [p.id for p in res.packets] == ["a", "b"]
    assert findings(res) == [("MAP005", "error", 4, "id")]  # row 3 is empty: not reported


def test_resource_versions_only_as_stated() -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"id": ["a"], "dx": ["OMIM:614959"], "dx name": ["DEE14"], "v": ["NM_001165963.4:c.2836C>T"],
                       "zyg": ["het"], "hgnc": ["HGNC:10585"]})
    mapping = {"phenotk_mapping": 1, "subject": {"id": "id"}, "diseases": {"id": "dx", "label": "dx name"},
               "variants": {"hgvs": "v", "zygosity": "zyg", "hgnc_id": "hgnc"},
               "metadata": {"resource_versions": {"OMIM": "2025-06-01"}}}
    res = from_dataframe(df, mapping)
    versions = {r.namespace_prefix: r.version for r in res.packets[0].meta_data.resources}
    assert versions == {"GENO": "", "OMIM": "2025-06-01", "HGNC": ""}
