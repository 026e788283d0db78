"""A wide term column's onset in a column of its own ("Seizure" + "Seizure onset"): read as that feature's onset.

Synthetic sheets with their ground truth. Before, such a column was ``map-unmapped-column`` and the onsets were
not carried; now the converter pairs the column with its term (by the header, or by the HPO label or synonym the
header names) and never attaches an onset to a term the row does not record as observed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from google.protobuf.json_format import MessageToDict

import phenotk
from phenotk.conversion.table.columns import onset_subject
from phenotk.conversion.table.sheets import read_table
from phenotk.conversion.table.starter import starter_mapping

AUTO = """phenotk_mapping: 1
name: onsets
subject: {id: ID, sex: Sex}
phenotypes:
  wide:
    columns: auto
"""

SHEET = (
    "ID,Sex,Seizure,Seizure onset,Hypotonia,Age at onset of muscle hypotonia,Ataxia,Ataxia (onset),Onset,"
    "Disease onset\n"
    "P1,F,yes,2 years,yes,3 months,no,5y,x,y\n"
    "P2,M,no,,yes,,yes,childhood,,\n"
    "P3,M,yes,banana,2y,4y,,P1Y,,\n"
)


def _convert(tmp_path: Path, sheet: str, mapping: str, hpo: Any) -> phenotk.Conversion:
    (tmp_path / "s.csv").write_text(sheet, encoding="utf-8")
    (tmp_path / "m.yaml").write_text(mapping, encoding="utf-8")
    conv = phenotk.convert(tmp_path / "s.csv", mapping=tmp_path / "m.yaml", hpo=hpo, validate=False)
    conv.messages()
    return conv


def _features(conv: phenotk.Conversion) -> dict[str, dict[str, tuple[bool, Any]]]:
    out = {}
    for p in conv.messages():
        out[p.id] = {
            f.type.id: (f.excluded, MessageToDict(f.onset) if f.HasField("onset") else None)
            for f in p.phenotypic_features
        }
    return out


def _issues(conv: phenotk.Conversion, rule: str) -> list[Any]:
    return [i for i in conv.report.issues if i.rule == rule]


def test_onset_subject_reads_the_usual_headers() -> None:
    assert onset_subject("Seizure onset") == "Seizure"
    assert onset_subject("Seizure - age at onset") == "Seizure"
    assert onset_subject("Seizures: onset age") == "Seizures"
    assert onset_subject("Ataxia (onset)") == "Ataxia"
    assert onset_subject("Age at onset of hypotonia") == "hypotonia"
    assert onset_subject("Onset of seizures") == "seizures"
    assert onset_subject("Age of onset: ataxia") == "ataxia"
    assert onset_subject("Onset") is None
    assert onset_subject("Age at onset") is None
    assert onset_subject("Seizure") is None


def test_onset_columns_complete_the_observed_features(tmp_path: Path, hpo_stub: Any) -> None:
    conv = _convert(tmp_path, SHEET, AUTO, hpo_stub)
    got = _features(conv)
    assert got["P1"] == {
        "HP:0001250": (False, {"age": {"iso8601duration": "P2Y"}}),
        "HP:0001252": (False, {"age": {"iso8601duration": "P3M"}}),  # "muscle hypotonia": a synonym
        "HP:0001251": (True, None),  # excluded: its onset is not carried
    }
    assert got["P2"] == {
        "HP:0001250": (True, None),
        "HP:0001252": (False, None),
        "HP:0001251": (False, {"ontologyClass": {"id": "HP:0011463", "label": "Childhood onset"}}),
    }
    # P3: a bad onset is not carried; the term cell's own onset (2y) is kept over the column's (4y)
    assert got["P3"] == {"HP:0001250": (False, None), "HP:0001252": (False, {"age": {"iso8601duration": "P2Y"}})}

    orphans = sorted((i.context.get("row"), i.context.get("column")) for i in _issues(conv, "map-orphan-value"))
    assert orphans == [(2, "Ataxia (onset)"), (4, "Ataxia (onset)")]  # excluded; no answer at all
    bad = [(i.context.get("row"), i.context.get("column")) for i in _issues(conv, "map-bad-cell")]
    assert bad == [(4, "Seizure onset")]
    conflicts = [i for i in _issues(conv, "map-conflicting-values") if i.context.get("row") == 4]
    assert len(conflicts) == 1 and "'P2Y' and 'P4Y' in row 4; kept the first" in conflicts[0].message
    unmapped = sorted(i.context.get("column") for i in _issues(conv, "map-unmapped-column"))
    assert unmapped == ["Disease onset", "Onset"]  # they name no term column: still reported


def test_listed_term_columns_pair_too(tmp_path: Path, hpo_stub: Any) -> None:
    mapping = AUTO.replace("columns: auto", "terms: {Krampf: 'HP:0001250'}")
    conv = _convert(tmp_path, "ID,Sex,Krampf,Krampf onset\nP1,F,ja,3 Jahre\n", mapping.replace(
        "wide:", "wide:\n    values: {observed: [ja]}"), hpo_stub)
    assert _features(conv)["P1"] == {"HP:0001250": (False, {"age": {"iso8601duration": "P3Y"}})}
    assert not _issues(conv, "map-unmapped-column")


def test_mapping_init_places_onset_columns(tmp_path: Path, hpo_stub: Any) -> None:
    (tmp_path / "s.csv").write_text(SHEET, encoding="utf-8")
    text, placement = starter_mapping(read_table(tmp_path / "s.csv"), hpo_stub)
    assert "Ataxia (onset)" not in text.split("phenotypes:", 1)[1]  # not a second Ataxia term column
    for h in ("Seizure onset", "Ataxia (onset)"):
        assert h not in placement.unplaced and "read as the onset of" in placement.notes[h]
    assert {"Onset", "Disease onset"} <= set(placement.unplaced)
    (tmp_path / "m.yaml").write_text(text, encoding="utf-8")
    conv = phenotk.convert(tmp_path / "s.csv", mapping=tmp_path / "m.yaml", hpo=hpo_stub, validate=False)
    assert _features(conv)["P1"]["HP:0001250"] == (False, {"age": {"iso8601duration": "P2Y"}})
