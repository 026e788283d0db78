"""Shapes of pyphetools templates nobody on the team wrote (other genes' sheets, hand-edited hostile variants).

Each test builds a small synthetic workbook reproducing the shape that broke.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from phenotk.conversion.base import ConvertOptions
from phenotk.conversion.template.workbook import FIXED_HEADERS, TYPE_HINTS
from phenotk.conversion.template.xlsx import PyphetoolsXlsxReader
from phenotk.errors import InputError

HPO = [("Seizure", "HP:0001250"), ("Microcephaly", "HP:0000252")]


def _row(individual: str, hpo: list[Any]) -> list[Any]:
    cells = {"PMID": "PMID:123", "title": "A made-up report", "individual_id": individual,
             "disease_id": "OMIM:148600", "disease_label": "Keratoderma", "HGNC_id": "HGNC:25662",
             "gene_symbol": "AAGAB", "transcript": "NM_024666.5", "allele_1": "c.870+1G>A", "allele_2": "na",
             "age_of_onset": "P1Y", "age_at_last_encounter": "P5Y", "deceased": "no", "sex": "F"}
    return [cells.get(h) for h in FIXED_HEADERS] + ["na", *hpo]


def _workbook(rows: list[list[Any]], *, hints: bool = True) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append([*FIXED_HEADERS, "HPO", *(label for label, _ in HPO)])
    if hints:
        ws.append([*TYPE_HINTS, "na", *(i for _, i in HPO)])
    for r in rows:
        ws.append(r)
    return wb


def test_a_sheet_without_its_second_header_row_is_refused_naming_the_row(tmp_path: Path) -> None:
    # a template whose type-hint/HPO-id row was deleted: row 2 is an individual. It was read as the header row —
    # that individual silently lost, every HPO column unmapped — and the remaining rows became packets without
    # phenotypes
    path = tmp_path / "x.xlsx"
    _workbook([_row("P1", ["observed", "excluded"]), _row("P2", ["na", "observed"])], hints=False).save(path)
    with pytest.raises(InputError, match=r"sheet Sheet1 row 2 holds an individual \(cell A2 'PMID:123'\)") as exc:
        list(PyphetoolsXlsxReader().read(path, ConvertOptions()))
    assert exc.value.path == str(path)
    assert "\n" not in str(exc.value)


def test_a_formula_without_a_saved_value_is_reported_not_read_as_empty(tmp_path: Path) -> None:
    # a sheet filled by a script (openpyxl, pandas) keeps formulas without their computed values: the reader
    # (cached values) saw an empty cell and the HPO status was lost without a finding
    path = tmp_path / "x.xlsx"
    wb = _workbook([_row("P1", ['=IF(1=1,"observed","excluded")', "excluded"])])
    wb.active["C3"] = '=CONCATENATE("P","1")'
    wb.save(path)
    items = list(PyphetoolsXlsxReader().read(path, ConvertOptions()))
    assert len(items) == 1
    cells = {(i.context.get("column"), i.context.get("row")): i for i in items[0].issues if i.rule == "map-bad-cell"}
    assert set(cells) >= {("R", 3), ("C", 3)}
    assert "formula" in cells[("R", 3)].message and '=IF(1=1,"observed","excluded")' in cells[("R", 3)].message
    packet = items[0].message
    assert [(f.type.id, f.excluded) for f in packet.phenotypic_features] == [("HP:0000252", True)]


def test_a_row_of_formulas_without_saved_values_is_reported_and_makes_no_packet(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    wb = _workbook([_row("P1", ["observed", "excluded"])])
    wb.active.append(["=A3", None, "=C3"])
    wb.save(path)
    items = list(PyphetoolsXlsxReader().read(path, ConvertOptions()))
    assert [c.message is None for c in items] == [False, True]
    assert {(i.context["column"], i.context["row"]) for i in items[1].issues} == {("A", 4), ("C", 4)}


def test_a_value_in_a_column_without_header_or_in_the_hpo_column_is_reported(tmp_path: Path) -> None:
    # a status typed in a column whose rows 1 and 2 are empty (a term column whose header was never filled in),
    # or in the 'HPO' separator column itself, was skipped without a finding
    path = tmp_path / "x.xlsx"
    wb = _workbook([_row("P1", ["observed", "excluded"]), _row("P2", ["na", "na"])])
    ws = wb.active
    ws["W3"] = "observed"
    ws["Q4"] = "HP:0001250"
    ws["Q3"] = " NA "  # the separator column holds 'na': nothing to say
    wb.save(path)
    items = list(PyphetoolsXlsxReader().read(path, ConvertOptions()))
    found = {(i.context.get("column"), i.context.get("row"), i.context.get("value")) for c in items for i in c.issues}
    assert ("W", 3, "observed") in found and ("Q", 4, "HP:0001250") in found
    assert not [f for f in found if f[:2] == ("Q", 3)]


def test_an_hpo_id_written_in_another_form_is_read_as_that_id_not_by_the_column_label(tmp_path: Path) -> None:
    # row 2 'hp:0001263' / 'HP_0000252': the id is stated, only its spelling is off. It was ignored — the column
    # was found by its label (here 'Seizure': another term than the id says) or, without an ontology, not mapped
    path = tmp_path / "x.xlsx"
    wb = _workbook([_row("P1", ["observed", "excluded"])])
    wb.active["R2"] = "hp:0001263"
    wb.active["S2"] = "HP_0000252"
    wb.save(path)
    items = list(PyphetoolsXlsxReader().read(path, ConvertOptions()))
    packet = items[0].message
    assert [(f.type.id, f.excluded) for f in packet.phenotypic_features] == [("HP:0001263", False),
                                                                             ("HP:0000252", True)]
    spelled = {(i.context["column"], i.context["value"]) for i in items[0].issues if i.rule == "map-bad-cell"}
    assert spelled == {("R", "hp:0001263"), ("S", "HP_0000252")}


def _descriptors(packet: Any) -> list[Any]:
    return [gi.variant_interpretation.variation_descriptor
            for it in packet.interpretations for gi in it.diagnosis.genomic_interpretations]


def test_an_allele_written_with_its_transcript_is_no_chromosomal_deletion_and_is_reported(tmp_path: Path) -> None:
    # 'NM_024666.5:c.473del' (the transcript written into the allele cell) does not start with 'c.': like pyphetools
    # (the store holds such alleles as structural variants labelled with the text) it is carried as a structural
    # variant — but its kind was guessed from the letters 'del' ('chromosomal_deletion', a change the sheet never
    # stated) and nothing said the allele was not read as HGVS
    path = tmp_path / "x.xlsx"
    rows = [_row("P1", ["observed", "na"])]
    rows[0][FIXED_HEADERS.index("allele_1")] = "NM_024666.5:c.473del"
    _workbook(rows).save(path)
    items = list(PyphetoolsXlsxReader().read(path, ConvertOptions()))
    vd = _descriptors(items[0].message)[0]
    assert vd.label == "NM_024666.5:c.473del"
    assert vd.structural_type.label == "chromosome_structure_variation"  # the store's kind for an unstated SV
    said = [i for i in items[0].issues if i.rule == "map-bad-cell"]
    assert len(said) == 1 and said[0].context["column"] == "J" and "structural variant" in said[0].message


def test_a_workbook_whose_first_sheet_is_not_the_template_names_the_sheet_that_is(tmp_path: Path) -> None:
    # curators keep notes in a first sheet ('Instructions', 'README'): the error said only that the first sheet is
    # not a template, not which one is or how to choose it
    path = tmp_path / "x.xlsx"
    wb = _workbook([_row("P1", ["observed", "excluded"])])
    wb.active.title = "Curated template"
    notes = wb.create_sheet("Instructions", 0)
    notes.append(["How to fill in this template"])
    wb.save(path)
    with pytest.raises(InputError, match=r"-O sheet='Curated template'"):
        list(PyphetoolsXlsxReader().read(path, ConvertOptions()))
    items = list(PyphetoolsXlsxReader().read(path, ConvertOptions(extra={"sheet": "Curated template"})))
    assert [c.name for c in items] == ["PMID_123_P1"]


def test_a_fixed_column_moved_after_the_hpo_column_is_named_where_it_is(tmp_path: Path) -> None:
    # a reordered sheet with 'PMID' after 'HPO': the error said the header was missing from row 1, though it is there
    path = tmp_path / "x.xlsx"
    wb = _workbook([_row("P1", ["observed", "excluded"])])
    wb.active.move_range("A1:A3", cols=25)
    wb.save(path)
    with pytest.raises(InputError, match=r"'PMID' is in cell Z1, after the 'HPO' column"):
        list(PyphetoolsXlsxReader().read(path, ConvertOptions()))


def test_a_merged_cell_over_individuals_gives_its_value_to_every_row_it_covers(tmp_path: Path) -> None:
    # curators merge the PMID / title / disease cells of one paper's individuals: the rows under the top one read
    # those cells as empty ('' is not a PMID), so their packets lost the PMID and the disease the sheet states
    path = tmp_path / "x.xlsx"
    wb = _workbook([_row("P1", ["observed", "na"]), _row("P2", ["excluded", "na"]), _row("P3", ["na", "na"])])
    ws = wb.active
    for col in ("A", "E"):
        ws[f"{col}4"] = None
        ws[f"{col}5"] = None
        ws.merge_cells(f"{col}3:{col}5")
    ws.merge_cells("R1:S1")  # a merged header: row 1 labels are not filled across columns
    wb.save(path)
    items = list(PyphetoolsXlsxReader().read(path, ConvertOptions()))
    assert [c.name for c in items] == ["PMID_123_P1", "PMID_123_P2", "PMID_123_P3"]
    assert [c.message.diseases[0].term.id for c in items] == ["OMIM:148600"] * 3
    assert not [i for c in items for i in c.issues if i.rule == "map-bad-cell" and i.severity.value != "info"]
    merged = [i for i in items[0].issues if i.context.get("reason") == "merged cells"]
    assert len(merged) == 1 and "A3:A5" in merged[0].message and merged[0].severity.value == "info"
    assert [f.type.label for f in items[0].message.phenotypic_features] == ["Seizure"]


def test_a_cohort_json_header_id_in_another_spelling_is_read_as_the_id_and_reported(tmp_path: Path) -> None:
    # hpoId 'hp:0001250' / 'HP_0000252' (a table edited by hand or by another tool) made features with those ids as
    # written, and an HPO release called them 'not in release X (it may be newer)'; a label in hpoId went unnoticed
    from phenotk.conversion.template.cohort_json import cohort_to_packets

    data = {
        "cohortType": "mendelian",
        "diseaseList": [{"diseaseId": "OMIM:148600", "diseaseLabel": "Keratoderma"}],
        "hpoHeaders": [{"hpoId": "hp:0001250", "hpoLabel": "Seizure"}, {"hpoId": "HP_0000252", "hpoLabel": "Micro"},
                       {"hpoId": "Short stature", "hpoLabel": "Short stature"}],
        "rows": [{"individualData": {"pmid": "PMID:1", "title": "t", "individualId": "P1", "sex": "F"},
                  "diseaseIdList": ["OMIM:148600"], "alleleCountMap": {},
                  "hpoData": [{"type": "Observed"}, {"type": "Excluded"}, {"type": "Observed"}]}],
    }
    items = list(cohort_to_packets(data, "x_individuals.json", ConvertOptions()))
    packet = next(c.message for c in items if c.message is not None)
    assert [(f.type.id, f.excluded) for f in packet.phenotypic_features][:2] == [("HP:0001250", False),
                                                                                ("HP:0000252", True)]
    said = {i.context.get("value") for c in items for i in c.issues if i.rule == "map-bad-cell"}
    assert {"hp:0001250", "HP_0000252", "Short stature"} <= said


def test_the_template_writer_shows_control_characters_instead_of_crashing(tmp_path: Path) -> None:
    # a packet whose subject id or feature label holds a control character (\x01, \x07: copied from a PDF or a
    # terminal) ended the export in an internal error (openpyxl's IllegalCharacterError), exit 3
    from phenopackets import Individual, OntologyClass, Phenopacket, PhenotypicFeature

    from phenotk.conversion.template.xlsx_writer import PyphetoolsXlsxWriter

    packet = Phenopacket(id="PMID_1_P\x011", subject=Individual(id="P\x011"),
                         phenotypic_features=[PhenotypicFeature(type=OntologyClass(id="HP:0001250",
                                                                                   label="Seizure\x07"))])
    out = tmp_path / "x_individuals.xlsx"
    issues = PyphetoolsXlsxWriter().write([packet], out, ConvertOptions(), force=True)
    shown = [i for i in issues if "\\x01" in i.message or "\\x07" in i.message]
    assert len(shown) == 2
    ws = openpyxl.load_workbook(out).active
    assert ws["C3"].value == "P\\x011" and ws["R1"].value == "Seizure\\x07"


def test_a_miscellaneous_label_without_an_hpo_loaded_says_why_it_was_not_read(tmp_path: Path) -> None:
    # without --hpo a label in a Miscellaneous cell cannot be looked up; the finding said it 'names no HPO term'
    path = tmp_path / "x.xlsx"
    wb = _workbook([[*_row("P1", ["observed", "na"]), "Short stature; HP:0000252"]])
    wb.active["T1"] = "Miscellaneous"
    wb.active["T2"] = "Miscellaneous"
    wb.save(path)
    items = list(PyphetoolsXlsxReader().read(path, ConvertOptions()))
    said = [i for i in items[0].issues if i.context.get("value") == "Short stature"]
    assert len(said) == 1 and "no HPO is loaded" in said[0].message and "--hpo" in said[0].message
    assert [f.type.id for f in items[0].message.phenotypic_features] == ["HP:0001250", "HP:0000252"]


def test_a_hidden_first_sheet_is_passed_over_for_the_first_visible_one(tmp_path: Path) -> None:
    # curation workbooks keep the drop-down lists of their data validation in a hidden first sheet: the reader
    # took it (the sheet a user never sees) and refused the workbook; the sheet reader already takes the first
    # visible sheet
    path = tmp_path / "x_individuals.xlsx"
    wb = _workbook([_row("P1", ["observed", "excluded"])])
    lists = wb.create_sheet("lists", 0)
    lists.append(["observed", "excluded", "na"])
    lists.sheet_state = "hidden"
    wb.save(path)
    items = list(PyphetoolsXlsxReader().read(path, ConvertOptions()))
    assert [c.name for c in items] == ["PMID_123_P1"]
    assert any(i.context.get("sheet") == "lists" for i in items[0].issues)  # the sheet not read is named
    from phenotk.conversion import registry
    from phenotk.conversion.template.reader import TemplateReader

    assert isinstance(registry.sniff_reader(path), TemplateReader)


def test_two_columns_for_one_hpo_id_are_named_once_at_the_header(tmp_path: Path) -> None:
    # a term column added twice (by hand, or two labels for one id): every row carried the term twice and the
    # validator reported each packet, but nothing named the two columns that caused it
    path = tmp_path / "x.xlsx"
    wb = _workbook([_row("P1", ["observed", "na", "excluded"])])
    wb.active["T1"] = "Epileptic seizure"
    wb.active["T2"] = "HP:0001250"
    wb.save(path)
    items = list(PyphetoolsXlsxReader().read(path, ConvertOptions()))
    dup = [i for i in items[0].issues if i.context.get("reason") == "HPO id in two columns"]
    assert len(dup) == 1 and "R2" in dup[0].message and "T2" in dup[0].message and "HP:0001250" in dup[0].message
    assert [(f.type.id, f.excluded) for f in items[0].message.phenotypic_features] == [("HP:0001250", False),
                                                                                       ("HP:0001250", True)]
