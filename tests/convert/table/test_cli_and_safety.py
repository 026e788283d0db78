"""`phenotk mapping …`, the converter registry entries, and the safety checks (formula injection, zip bombs)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from phenopackets import OntologyClass, Phenopacket, PhenotypicFeature
from typer.testing import CliRunner

from phenotk.cli.app import app
from phenotk.conversion import registry
from phenotk.conversion.base import ConvertOptions
from phenotk.conversion.table.api import make_table, write_table
from phenotk.conversion.table.sheets import check_xlsx, read_table
from phenotk.errors import InputError, UsageError

runner = CliRunner()


# ---------------------------------------------------------------------- CLI
def test_mapping_init_places_columns_and_lists_the_rest(sheets: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.yaml"
    res = runner.invoke(app, ["mapping", "init", str(sheets / "wide.csv"), "-o", str(out)])
    assert res.exit_code == 0, res.output
    text = out.read_text()
    assert "id: Patient" in text and "sex: Sex" in text and "hgvs: Variant" in text
    assert "template: PMID_{PMID|digits}_{Patient}" in text
    assert "'HP:0001252': HP:0001252" in text  # an id header is a term even without an HPO
    assert "could not place:" in res.output and "'Comment'" in res.output
    # the starter is a valid mapping
    check = runner.invoke(app, ["mapping", "check", str(out)])
    assert check.exit_code == 0, check.output


def test_mapping_init_long_sheet(sheets: Path) -> None:
    res = runner.invoke(app, ["mapping", "init", str(sheets / "long.tsv")])
    assert res.exit_code == 0
    assert "term: hpo" in res.output and "status: present?" in res.output and "rows: many" in res.output
    assert "unit: years" in res.output


def test_mapping_check_reports_every_problem_located(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("phenotk_mapping: 1\nsubject:\n  id: x\n  sexx: y\ninput: {header_row: 0}\n")
    res = runner.invoke(app, ["mapping", "check", str(bad)])
    assert res.exit_code == 1
    assert f"{bad}:4:3: unknown key 'sexx' in subject; did you mean 'sex'?" in res.output
    assert f"{bad}:5:21:" in res.output


def test_mapping_check_dry_run_and_strict(sheets: Path, mapping_dir: Path) -> None:
    ok = runner.invoke(app, ["mapping", "check", str(mapping_dir / "generic-wide.yaml"), str(sheets / "wide.csv")])
    assert ok.exit_code == 0 and "map-bad-cell" in ok.output
    strict = runner.invoke(
        app, ["mapping", "check", str(mapping_dir / "generic-wide.yaml"), str(sheets / "wide.csv"), "--strict"]
    )
    assert strict.exit_code == 1


def test_mapping_explain_names_each_column(sheets: Path, mapping_dir: Path) -> None:
    res = runner.invoke(app, ["mapping", "explain", str(mapping_dir / "generic-wide.yaml"), str(sheets / "wide.csv")])
    assert res.exit_code == 0
    assert "'Fits': HPO HP:0001250" in res.output
    assert "'Comment': NOT MAPPED (MAP001 map-unmapped-column)" in res.output
    assert "'Notes': ignored" in res.output
    preset = runner.invoke(app, ["mapping", "explain", "phenotk-long"])
    assert preset.exit_code == 0 and "phenotypes (long).term" in preset.output


# ---------------------------------------------------------------------- registry
def test_registry_reader_sniffing(sheets: Path, shared_data: Path) -> None:
    table = registry.reader("table")
    assert table.sniff(sheets / "wide.csv", (sheets / "wide.csv").read_bytes()[:100])
    assert table.sniff(sheets / "wide.xlsx", (sheets / "wide.xlsx").read_bytes()[:100])
    template = next((shared_data / "templates").glob("*/*_individuals.xlsx"))
    # pyphetools templates belong to `template`: the registry asks it first (one probe, one predicate)
    assert registry.sniff_reader(template).name == "template"
    assert registry.sniff_reader(sheets / "wide.xlsx").name == "table"


def test_registry_reader_needs_a_mapping_for_foreign_sheets(sheets: Path, mapping_dir: Path, hpo_stub) -> None:
    table = registry.reader("table")
    with pytest.raises(UsageError, match="needs a mapping"):
        list(table.read(sheets / "wide.csv", ConvertOptions()))
    items = list(table.read(sheets / "wide.csv", ConvertOptions(mapping=mapping_dir / "generic-wide.yaml",
                                                                 ontology=hpo_stub)))
    packets = [i for i in items[1:] if i.message is not None]
    assert [i.name for i in packets] == ["PMID_12345_P1", "PMID_12345_P2", "PMID_12345_P3", "PMID_12345_P4_sib"]
    # what no cell states comes once, after the packets, on the sheet (map-incomplete-packets)
    tail = items[1 + len(packets) :]
    assert all(i.message is None and i.source == str(sheets / "wide.csv") for i in tail)
    assert all(i.rule == "map-incomplete-packets" for item in tail for i in item.issues)
    # sheet findings come first, on an item of their own with the sheet as source (not a packet's row)
    assert items[0].message is None and items[0].source == str(sheets / "wide.csv")
    assert any(i.rule == "map-unmapped-column" for i in items[0].issues)
    assert all(i.rule != "map-unmapped-column" for item in packets for i in item.issues)


def test_registry_reader_bad_mapping_is_located(sheets: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("phenotk_mapping: 1\nsubject: {id: nope}\n")
    with pytest.raises(InputError, match="the id column 'nope'"):
        list(registry.reader("table").read(sheets / "wide.csv", ConvertOptions(mapping=bad)))


@pytest.mark.parametrize(("name", "suffix"), [("csv", ".csv"), ("tsv", ".tsv"), ("xlsx", ".xlsx")])
def test_registry_writers(name: str, suffix: str, tmp_path: Path) -> None:
    p = Phenopacket(id="p1")
    p.subject.id = "s1"
    p.phenotypic_features.append(PhenotypicFeature(type=OntologyClass(id="HP:0001250", label="Seizure")))
    p.phenotypic_features[0].modifiers.append(OntologyClass(id="HP:0012828", label="Severe"))
    out = tmp_path / f"t{suffix}"
    issues = registry.writer(name).write([p], out, ConvertOptions(layout="long", strict=True))
    assert [i.context["column"] for i in issues] == ["phenotypicFeatures[].modifiers[].id",
                                                       "phenotypicFeatures[].modifiers[].label"]
    assert all(i.severity.value == "error" for i in issues)
    sheet = read_table(out)
    assert sheet.header[-4:] == ["hpo_id", "hpo_label", "status", "onset"]
    assert sheet.rows[0][-4:] == ["HP:0001250", "Seizure", "observed", ""]


# ---------------------------------------------------------------------- safety
def test_formula_cells_are_neutralised_and_read_back(tmp_path: Path) -> None:
    p = Phenopacket(id="p1")
    p.subject.id = "=HYPERLINK(\"http://evil\")"
    p.phenotypic_features.append(PhenotypicFeature(type=OntologyClass(id="HP:0001250", label="@SUM(A1)")))
    out = tmp_path / "t.csv"
    write_table([p], out)
    raw = out.read_bytes().decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(raw)) for c in row]
    assert "'=HYPERLINK(\"http://evil\")" in cells and "'@SUM(A1) (HP:0001250)" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    xlsx = tmp_path / "t.xlsx"
    write_table([p], xlsx)
    import openpyxl

    ws = openpyxl.load_workbook(xlsx).worksheets[0]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)  # no formula cells
    back = read_table(xlsx)
    assert back.rows[0][1] == '=HYPERLINK("http://evil")'


def test_xlsx_writer_freezes_header_and_adds_a_legend(tmp_path: Path) -> None:
    import openpyxl

    p = Phenopacket(id="p1")
    p.subject.id = "s1"
    out = tmp_path / "t.xlsx"
    write_table([p], out, layout="wide")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["phenopackets", "legend"]
    assert wb["phenopackets"].freeze_panes == "C2"
    assert wb["legend"]["A2"].value == "packet_id"


def test_zip_bomb_and_non_zip_are_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))
    with pytest.raises(InputError, match="zip bomb"):
        check_xlsx(bomb, 256 * 1024 * 1024)
    big = tmp_path / "big.xlsx"
    with zipfile.ZipFile(big, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (2 * 1024 * 1024))
    with pytest.raises(InputError, match="exceeds the limit"):
        check_xlsx(big, 1024 * 1024)
    check_xlsx(big, 4 * 1024 * 1024)  # under the limit: fine
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a zip")
    with pytest.raises(InputError, match="not an XLSX file"):
        read_table(fake)


def test_to_dataframe_and_back(mapping_dir: Path) -> None:
    import phenotk

    p = Phenopacket(id="p1")
    p.subject.id = "s1"
    p.phenotypic_features.append(PhenotypicFeature(type=OntologyClass(id="HP:0001250", label="Seizure"),
                                                   excluded=True))
    df = phenotk.to_dataframe([p], layout="wide")
    assert list(df.columns[-1:]) == ["Seizure (HP:0001250)"] and df.iloc[0, -1] == False  # noqa: E712 (typed: excluded)
    back = phenotk.from_dataframe(df, "phenotk-wide")
    assert back.packets[0].phenotypic_features == p.phenotypic_features
    long = phenotk.to_dataframe([p], layout="long")
    assert long[["hpo_id", "status"]].values.tolist() == [["HP:0001250", "excluded"]]
    assert make_table([p], "long").issues == []


def test_reader_options_override_the_mapping_input(sheets: Path, mapping_dir: Path, hpo_stub) -> None:
    table = registry.reader("table")
    opts = ConvertOptions(mapping=mapping_dir / "generic-wide.yaml", ontology=hpo_stub,
                          extra={"sheet": "cohort", "header_row": "3"})
    items = [i for i in table.read(sheets / "wide.xlsx", opts) if i.message is not None]
    assert [i.name for i in items] == ["PMID_12345_P1", "PMID_12345_P2", "PMID_12345_P3", "PMID_12345_P4_sib"]
    with pytest.raises(UsageError, match="header_row"):
        list(table.read(sheets / "wide.xlsx", ConvertOptions(mapping=mapping_dir / "generic-wide.yaml",
                                                              extra={"header_row": "x"})))
