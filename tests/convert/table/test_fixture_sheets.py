"""The three example mappings on small hand-made sheets (expected values worked out by hand from the sheets)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import yaml
from google.protobuf.json_format import MessageToDict

from phenotk.conversion.table import from_dataframe, read_sheet
from phenotk.issue import Severity

CREATED = "2025-01-02T03:04:05Z"


def features(packet) -> dict[str, tuple[bool, dict | None]]:
    out = {}
    for f in packet.phenotypic_features:
        onset = MessageToDict(f.onset) if f.HasField("onset") else None
        out[f.type.id] = (f.excluded, onset)
    return out


def bad_cells(result) -> set[tuple[int, str, str]]:
    return {(i.context["row"], i.context["column"], i.context["value"]) for i in result.all_issues
            if i.rule == "map-bad-cell"}


# ---------------------------------------------------------------------- generic wide
def test_generic_wide_csv(sheets: Path, mapping_dir: Path, hpo_stub) -> None:
    res = read_sheet(sheets / "wide.csv", mapping_dir / "generic-wide.yaml", ontology=hpo_stub, created=CREATED)
    by_id = {p.id: p for p in res.packets}
    assert list(by_id) == ["PMID_12345_P1", "PMID_12345_P2", "PMID_12345_P3", "PMID_12345_P4_sib"]

    p1 = by_id["PMID_12345_P1"]
    assert p1.subject.id == "P1" and p1.subject.sex == 2  # MALE
    assert p1.subject.date_of_birth.ToJsonString() == "2001-02-03T00:00:00Z"
    assert p1.subject.time_at_last_encounter.age.iso8601duration == "P3Y2M"
    assert p1.subject.vital_status.status == 1  # ALIVE
    assert [(d.term.id, d.term.label, d.onset.ontology_class.id) for d in p1.diseases] == [
        ("OMIM:148600", "Keratoderma type IA", "HP:0011463")
    ]
    assert features(p1) == {
        "HP:0001250": (False, None),
        "HP:0001252": (True, None),
        "HP:0004322": (False, {"age": {"iso8601duration": "P2Y"}}),
        "HP:0000252": (False, None),
    }
    assert {f.type.id: f.type.label for f in p1.phenotypic_features}["HP:0001250"] == "Seizure"
    gi = p1.interpretations[0].diagnosis.genomic_interpretations[0]
    vd = gi.variant_interpretation.variation_descriptor
    assert (vd.expressions[0].syntax, vd.expressions[0].value) == ("hgvs.c", "NM_024666.5:c.174del")
    assert (vd.gene_context.symbol, vd.allelic_state.id) == ("AAGAB", "GENO:0000135")
    assert gi.subject_or_biosample_id == "P1"
    assert [r.id for r in p1.meta_data.external_references] == ["PMID:12345"]
    assert p1.meta_data.created.ToJsonString() == CREATED
    resources = {r.namespace_prefix: r.version for r in p1.meta_data.resources}
    assert resources == {"HP": "2025-05-06-stub", "GENO": "2023-10-08", "OMIM": "2025-01-01"}

    p2 = by_id["PMID_12345_P2"]
    assert p2.subject.sex == 1 and p2.subject.vital_status.status == 2  # FEMALE, DECEASED
    assert features(p2) == {
        "HP:0001250": (True, None),
        "HP:0001252": (False, None),
        "HP:0000252": (False, {"ontologyClass": {"id": "HP:0003577", "label": "Congenital onset"}}),
    }  # "na" for short stature: not recorded, no finding
    assert p2.interpretations[0].diagnosis.genomic_interpretations[0].variant_interpretation.variation_descriptor \
        .allelic_state.label == "homozygous"

    p3 = by_id["PMID_12345_P3"]
    # "Fits" is mapped to HP:0001250 too: observed twice, kept once
    assert features(p3) == {"HP:0001250": (False, {"gestationalAge": {"weeks": 33, "days": 2}}),
                            "HP:0001252": (True, None)}
    assert not p3.subject.HasField("vital_status")

    p4 = by_id["PMID_12345_P4_sib"]
    assert p4.subject.sex == 0 and not p4.subject.HasField("time_at_last_encounter") and not p4.diseases
    assert features(p4) == {"HP:0000252": (True, None)}
    vd4 = p4.interpretations[0].diagnosis.genomic_interpretations[0].variant_interpretation.variation_descriptor
    assert vd4.expressions[0].value == "c.99A>G" and not vd4.HasField("allelic_state")

    # every problem is reported, located
    assert bad_cells(res) == {
        (5, "Short stature (HP:0004322)", "yse"),
        (6, "Sex", "x"),
        (6, "Age", "ten"),
        (6, "Disease", "OMIM148600"),
        (6, "Zygosity", "trizygous"),
    }
    unmapped = [i for i in res.issues if i.rule == "map-unmapped-column"]
    assert [i.context["column"] for i in unmapped] == ["Comment"]  # Notes is ignore_columns
    assert all(i.severity is Severity.WARNING for i in res.all_issues)
    assert all(i.code.startswith("MAP") for i in res.all_issues)


def test_generic_wide_strict_makes_errors(sheets: Path, mapping_dir: Path, hpo_stub) -> None:
    res = read_sheet(sheets / "wide.csv", mapping_dir / "generic-wide.yaml", ontology=hpo_stub, strict=True)
    assert res.all_issues and all(i.severity is Severity.ERROR for i in res.all_issues)


def test_without_ontology_label_headers_are_reported(sheets: Path, mapping_dir: Path) -> None:
    res = read_sheet(sheets / "wide.csv", mapping_dir / "generic-wide.yaml")
    unmapped = {i.context["column"] for i in res.issues if i.rule == "map-unmapped-column"}
    assert unmapped == {"Seizure", "Microcephaly", "Comment"}  # labels need the HPO; ids work without
    assert "HP:0001252" in features(res.packets[0])


def test_bom_and_cp1252_semicolon_decimal_comma(sheets: Path, mapping_dir: Path, hpo_stub) -> None:
    bom = read_sheet(sheets / "wide_bom.csv", mapping_dir / "generic-wide.yaml", ontology=hpo_stub)
    assert bom.packets[0].subject.id == "Pé1" and bom.packets[0].id == "PMID_12345_P_1"
    euro = read_sheet(sheets / "wide_cp1252.csv", mapping_dir / "generic-wide.yaml", ontology=hpo_stub)
    p1 = euro.packets[0]
    assert p1.diseases[0].term.label == "Kératodermie"
    assert p1.subject.time_at_last_encounter.age.iso8601duration == "P3Y6M"  # "3,5 years"
    assert len(euro.packets) == 4


def test_xlsx_header_row_sheet_and_merged_cells(sheets: Path, mapping_dir: Path, hpo_stub) -> None:
    data = yaml.safe_load((mapping_dir / "generic-wide.yaml").read_text())
    data["input"].update(sheet="cohort", header_row=3)
    res = read_sheet(sheets / "wide.xlsx", data, ontology=hpo_stub)
    ids = [p.id for p in res.packets]
    # PMID, disease id and label are merged over the data rows: every packet gets them
    assert ids == ["PMID_12345_P1", "PMID_12345_P2", "PMID_12345_P3", "PMID_12345_P4_sib"]
    assert all(p.meta_data.external_references[0].id == "PMID:12345" for p in res.packets)
    assert [len(p.diseases) for p in res.packets] == [1, 1, 1, 1]  # the merged value replaces "OMIM148600"
    assert not [i for i in res.all_issues if i.rule == "map-missing-id"]  # blank row inside the merge stays blank


def test_xlsx_missing_sheet_is_input_error(sheets: Path, mapping_dir: Path) -> None:
    from phenotk.errors import InputError

    data = yaml.safe_load((mapping_dir / "generic-wide.yaml").read_text())
    data["input"]["sheet"] = "nope"
    with pytest.raises(InputError, match="no sheet named 'nope'"):
        read_sheet(sheets / "wide.xlsx", data)


# ---------------------------------------------------------------------- generic long
def test_generic_long(sheets: Path, mapping_dir: Path, hpo_stub) -> None:
    res = read_sheet(sheets / "long.tsv", mapping_dir / "generic-long.yaml", ontology=hpo_stub)
    by_id = {p.id: p for p in res.packets}
    assert list(by_id) == ["F1_II_1", "F1_II_2", "F2_I_1"]
    a = by_id["F1_II_1"]
    assert (a.subject.sex, a.subject.time_at_last_encounter.age.iso8601duration) == (2, "P4Y")
    assert features(a) == {
        "HP:0001250": (False, {"age": {"iso8601duration": "P1Y6M"}}),
        "HP:0004322": (True, None),
        "HP:0001252": (False, {"ontologyClass": {"id": "HP:0003593", "label": "Infantile onset"}}),
    }
    b = by_id["F1_II_2"]
    assert b.subject.sex == 1 and b.subject.time_at_last_encounter.age.iso8601duration == "P2Y6M"
    assert features(b) == {"HP:0000252": (False, None)}
    c = by_id["F2_I_1"]
    assert features(c) == {}  # "not tested" is unknown: nothing recorded
    rules = Counter((i.rule, i.context.get("row")) for i in res.all_issues)
    assert rules == Counter({
        ("map-conflicting-values", 6): 1,  # F1 II-2 is female in row 5, male in row 6
        ("map-bad-cell", 6): 1,  # "maybe"
        ("map-unknown-term", 8): 1,  # "Not a term"
        # no disease label column and no --annotations: one per packet
        ("map-disease-label-missing", 2): 1,
        ("map-disease-label-missing", 5): 1,
        ("map-disease-label-missing", 8): 1,
    })


# ---------------------------------------------------------------------- free text
def test_free_text(sheets: Path, mapping_dir: Path, hpo_stub) -> None:
    res = read_sheet(sheets / "free_text.csv", mapping_dir / "free-text.yaml", ontology=hpo_stub)
    a, b, c = res.packets
    assert features(a) == {"HP:0001250": (False, None), "HP:0001252": (True, None),
                           "HP:0004322": (False, None), "HP:0000252": (False, None)}
    assert a.subject.time_at_last_encounter.age.iso8601duration == "P3Y"
    assert features(b) == {"HP:0001263": (False, None), "HP:0001250": (True, None), "HP:0000486": (False, None)}
    assert features(c) == {"HP:0001250": (True, None), "HP:0001252": (True, None)}
    unmatched = [(i.context["row"], i.context["column"], i.context["value"]) for i in res.all_issues
                 if i.rule == "map-unmatched-text"]
    assert unmatched == [(3, "Other findings", "funny walk")]


def test_from_dataframe_matches_csv(sheets: Path, mapping_dir: Path, hpo_stub) -> None:
    df = pd.read_csv(sheets / "free_text.csv", dtype=str)
    res = from_dataframe(df, mapping_dir / "free-text.yaml", ontology=hpo_stub, created=CREATED)
    csv = read_sheet(sheets / "free_text.csv", mapping_dir / "free-text.yaml", ontology=hpo_stub, created=CREATED)
    assert res.packets == csv.packets
    assert [i.context["row"] for i in res.all_issues] == [i.context["row"] for i in csv.all_issues]
