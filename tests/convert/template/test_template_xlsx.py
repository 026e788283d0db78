"""pyphetools Excel templates ↔ phenopackets: hand-made sheets (every finding, errors naming cells, zip bombs,
formula neutralisation) and round trips through real cohorts."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from phenopackets import Phenopacket
from template_corpus.compare import differences, mapped_fields

from phenotk.conversion import registry
from phenotk.conversion.base import ConvertOptions
from phenotk.conversion.template.cohort_json import PhetoolsJsonReader
from phenotk.conversion.template.reader import TemplateReader
from phenotk.conversion.template.xlsx import (
    FIXED_HEADERS,
    TYPE_HINTS,
    PyphetoolsXlsxReader,
    PyphetoolsXlsxWriter,
    check_zip,
    packets_to_rows,
)
from phenotk.errors import InputError

HPO = [("Seizure", "HP:0001250"), ("Microcephaly", "HP:0000252"), ("Short stature", "HP:0004322")]


def _row(**cells: Any) -> list[Any]:
    base = {
        "PMID": "PMID:123",
        "title": "A made-up report",
        "individual_id": "P1",
        "comment": None,
        "disease_id": "OMIM:148600",
        "disease_label": "Keratoderma",
        "HGNC_id": "HGNC:25662",
        "gene_symbol": "AAGAB",
        "transcript": "NM_024666.5",
        "allele_1": "c.870+1G>A",
        "allele_2": "na",
        "variant.comment": None,
        "age_of_onset": "P1Y",
        "age_at_last_encounter": "P5Y",
        "deceased": "no",
        "sex": "F",
    }
    hpo = cells.pop("hpo", ["observed", "excluded", "na"])
    base.update(cells)
    return [base[h] for h in FIXED_HEADERS] + ["na", *hpo]


def _sheet(path: Path, rows: list[list[Any]], header: list[Any] | None = None, ids: list[Any] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(header or [*FIXED_HEADERS, "HPO", *(label for label, _ in HPO)])
    ws.append(ids or [*TYPE_HINTS, "na", *(i for _, i in HPO)])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_hand_made_sheet(tmp_path: Path, options: ConvertOptions) -> None:
    path = _sheet(
        tmp_path / "X_individuals.xlsx",
        [
            _row(
                hpo=["Congenital onset", "excluded", None], allele_2="c.870+1G>A", **{"variant.comment": "NP_1.1:p.?"}
            ),
            [None] * 20,  # blank rows are skipped
            _row(individual_id=7, sex="female", age_of_onset="soon", hpo=["#N/A", "G19w2d", "observed"]),
        ],
    )
    assert isinstance(registry.sniff_reader(path), TemplateReader)
    items = list(PyphetoolsXlsxReader().read(path, options))
    assert [c.name for c in items] == ["PMID_123_P1", "PMID_123_7"]
    first = items[0].message
    assert isinstance(first, Phenopacket)
    assert [(f.type.id, f.excluded, f.onset.ontology_class.label) for f in first.phenotypic_features] == [
        ("HP:0001250", False, "Congenital onset"),
        ("HP:0000252", True, ""),
    ]
    vd = first.interpretations[0].diagnosis.genomic_interpretations[0].variant_interpretation.variation_descriptor
    assert vd.id == "c870_1GtoA_AAGAB_NM_024666v5" and vd.allelic_state.label == "homozygous"
    assert [(e.syntax, e.value) for e in vd.expressions] == [
        ("hgvs.c", "NM_024666.5:c.870+1G>A"),
        ("hgvs.p", "NP_1.1:p.?"),
    ]
    assert items[0].issues == []
    second = items[1]
    bad = {
        (i.context["column"], i.context["row"], i.context["value"]) for i in second.issues if i.rule == "map-bad-cell"
    }
    assert bad == {("P", 5, "female"), ("M", 5, "soon"), ("R", 5, "#N/A")}
    assert all(i.context["sheet"] == "Sheet1" for i in second.issues)
    packet = second.message
    assert isinstance(packet, Phenopacket)
    assert packet.subject.id == "7"
    onsets = {f.type.id: f.onset.gestational_age.weeks for f in packet.phenotypic_features}
    assert onsets == {"HP:0000252": 19, "HP:0004322": 0}


def test_strict_makes_cell_findings_errors(tmp_path: Path) -> None:
    path = _sheet(tmp_path / "x.xlsx", [_row(sex="?")])
    items = list(PyphetoolsXlsxReader().read(path, ConvertOptions(strict=True)))
    assert {i.severity.value for i in items[0].issues} == {"error"}


def test_unknown_columns_and_bad_hpo_ids_are_findings(tmp_path: Path, options: ConvertOptions) -> None:
    header = [*FIXED_HEADERS, "HPO", "Seizure", "Notes"]
    ids = [*TYPE_HINTS, "na", "HP:0001250", "free text"]
    header[3] = "remarks"  # unknown fixed header
    path = _sheet(tmp_path / "x.xlsx", [[*_row()[:18], "x"]], header, ids)
    items = list(PyphetoolsXlsxReader().read(path, options))
    unmapped = {(i.context["column"], i.context["row"]) for i in items[0].issues if i.rule == "map-unmapped-column"}
    assert unmapped == {("D", 1), ("S", 2)}


@pytest.mark.parametrize(
    ("header", "ids", "where"),
    [
        ([*FIXED_HEADERS, "Seizure"], [*TYPE_HINTS, "HP:0001250"], "sheet Sheet1 cell A1"),
        ([*FIXED_HEADERS[1:], "HPO", "Seizure"], [*TYPE_HINTS[1:], "na", "HP:0001250"], "sheet Sheet1 cell P1"),
    ],
)
def test_templates_that_do_not_parse_name_the_cell(
    tmp_path: Path, header: list[str], ids: list[str], where: str, options: ConvertOptions
) -> None:
    path = _sheet(tmp_path / "x.xlsx", [], header, ids)
    with pytest.raises(InputError) as exc:
        list(PyphetoolsXlsxReader().read(path, options))
    assert where in exc.value.message and exc.value.path == str(path)


def test_not_a_workbook_and_zip_bomb(tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError):
        check_zip(fake)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    with pytest.raises(InputError, match="zip bomb"):
        check_zip(bomb)
    with pytest.raises(InputError, match="zip bomb"):
        list(PyphetoolsXlsxReader().read(bomb, ConvertOptions()))


def test_export_neutralises_formulas(tmp_path: Path, fixtures_dir: Path, options: ConvertOptions) -> None:
    packets = [
        c.message for c in PhetoolsJsonReader().read(fixtures_dir / "template" / "mini_individuals.json", options)
    ]
    evil = packets[0]
    assert isinstance(evil, Phenopacket)
    evil.meta_data.external_references[0].description = '=HYPERLINK("http://x")'
    evil.subject.id = "@cmd"
    out = tmp_path / "out.xlsx"
    PyphetoolsXlsxWriter().write(packets, out, options)
    ws = openpyxl.load_workbook(out).active
    values = [c.value for row in ws.iter_rows(min_row=3) for c in row]
    assert '\'=HYPERLINK("http://x")' in values and "'@cmd" in values
    assert not any(isinstance(v, str) and v.startswith(("=", "@")) for v in values)
    back = [c.message for c in PyphetoolsXlsxReader().read(out, options)]
    assert isinstance(back[0], Phenopacket) and back[0].subject.id == "@cmd"


def _xlsx_fields(packet: Phenopacket) -> dict:
    fields = mapped_fields(packet)
    # a template holds c. HGVS (or an SV description) and zygosity only: compare variants on those
    # (the SO structural type is not in the sheet; the reader guesses it from the description; cells are trimmed)
    fields["variants"] = {
        (tuple(e for e in v[0] if e[0] in ("hgvs.c", "hgvs.n")), bool(v[2]), v[3].strip(), v[4] == "GENO:0000136")
        for v in fields["variants"]
    }
    return fields


def _round_trip_xlsx(packets: list[Phenopacket], options: ConvertOptions, tmp_path: Path) -> list[Phenopacket]:
    out = tmp_path / "rt_individuals.xlsx"
    PyphetoolsXlsxWriter().write(packets, out, options, force=True)
    return [c.message for c in PyphetoolsXlsxReader().read(out, options) if isinstance(c.message, Phenopacket)]


def test_packets_round_trip_through_template(cohort_jsons: list[Path], options: ConvertOptions, tmp_path: Path) -> None:
    for path in cohort_jsons[::40]:
        packets = [c.message for c in PhetoolsJsonReader().read(path, options)]
        packets = [
            p
            for p in packets
            if isinstance(p, Phenopacket) and len(p.interpretations[0].diagnosis.genomic_interpretations) <= 2
        ]
        back = _round_trip_xlsx(packets, options, tmp_path)
        assert len(back) == len(packets)
        for a, b in zip(packets, back, strict=True):
            assert differences(_xlsx_fields(b), _xlsx_fields(a)) == [], (path.name, a.id)


def test_writer_reports_what_the_template_cannot_hold(cohort_jsons: list[Path], options: ConvertOptions) -> None:
    packets = [c.message for c in PhetoolsJsonReader().read(cohort_jsons[0], options)]
    rows, issues = packets_to_rows(packets, options)
    assert rows[0][: len(FIXED_HEADERS) + 1] == [*FIXED_HEADERS, "HPO"]
    assert len(rows) == len(packets) + 2
    assert any(i.rule == "map-lossy-export" and "VCF" in i.message for i in issues)


def test_cli_writes_template(fixtures_dir: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from phenotk.cli.app import app

    target = tmp_path / "MINI_individuals.xlsx"
    result = CliRunner().invoke(
        app, ["convert", str(fixtures_dir / "template" / "mini_individuals.json"), "-o", str(target)]
    )
    assert result.exit_code in (0, 1), result.output
    ws = openpyxl.load_workbook(io.BytesIO(target.read_bytes())).active
    assert ws["A1"].value == "PMID" and ws["Q1"].value == "HPO" and ws["R2"].value == "HP:0001250"


def test_clean_replaces_obsolete_ids_and_removes_redundant_terms(tmp_path: Path, hpo_index) -> None:
    header = [*FIXED_HEADERS, "HPO", "Seizure", "Focal-onset seizure", "Recurrent viral infections"]
    ids = [*TYPE_HINTS, "na", "HP:0001250", "HP:0007359", "HP:0005407"]  # HP:0005407 is obsolete in 2025-05-06
    path = _sheet(tmp_path / "x.xlsx", [_row(hpo=["observed", "observed", "observed"])], header, ids)
    plain = next(iter(PyphetoolsXlsxReader().read(path, ConvertOptions(ontology=hpo_index))))
    assert isinstance(plain.message, Phenopacket)
    assert [f.type.id for f in plain.message.phenotypic_features] == ["HP:0001250", "HP:0007359", "HP:0005407"]
    options = ConvertOptions(ontology=hpo_index, extra={"clean": "pyphetools"})
    item = next(iter(PyphetoolsXlsxReader().read(path, options)))
    assert isinstance(item.message, Phenopacket)
    current = hpo_index.current_id("HP:0005407")
    assert current and current != "HP:0005407"
    # Seizure is an ancestor of Focal-onset seizure: removed; the obsolete id is read as its replacement
    assert [f.type.id for f in item.message.phenotypic_features] == ["HP:0007359", current]
    rules = {i.rule for i in item.issues}
    assert {"map-obsolete-term", "map-redundant-term"} <= rules


@pytest.mark.slow
def test_every_cohort_round_trips_through_a_template(
    cohort_jsons: list[Path], options: ConvertOptions, tmp_path: Path
) -> None:
    failures = []
    for path in cohort_jsons:
        packets = [c.message for c in PhetoolsJsonReader().read(path, options)]
        packets = [
            p
            for p in packets
            if isinstance(p, Phenopacket) and len(p.interpretations[0].diagnosis.genomic_interpretations) <= 2
        ]
        back = _round_trip_xlsx(packets, options, tmp_path)
        for a, b in zip(packets, back, strict=True):
            if differences(_xlsx_fields(b), _xlsx_fields(a)):
                failures.append(f"{path.name} {a.id}: {differences(_xlsx_fields(b), _xlsx_fields(a))}")
    assert failures == []


def test_allele_cells_that_are_no_variant_or_bad_hgvs(tmp_path: Path, options: ConvertOptions) -> None:
    """`not done` is no variant (reported, nothing carried); `c.2836C>X` is carried as written and flagged."""
    path = _sheet(
        tmp_path / "Y_individuals.xlsx",
        [_row(individual_id="A", allele_1="not done"), _row(individual_id="B", allele_1="c.2836C>X")],
    )
    first, second = list(PyphetoolsXlsxReader().read(path, options))
    assert first.message is not None
    assert not [g for i in first.message.interpretations for g in i.diagnosis.genomic_interpretations]
    [note] = [i for i in first.issues if i.context.get("column") == "J"]
    assert note.rule == "map-unmapped-value" and note.context["value"] == "not done"
    vd = second.message.interpretations[0].diagnosis.genomic_interpretations[0].variant_interpretation
    assert [e.value for e in vd.variation_descriptor.expressions] == ["NM_024666.5:c.2836C>X"]
    [bad] = [i for i in second.issues if i.rule == "map-bad-cell"]
    assert (bad.context["column"], bad.context["value"]) == ("J", "c.2836C>X") and "nucleotide" in bad.message
