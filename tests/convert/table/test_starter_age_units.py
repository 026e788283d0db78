"""``mapping init`` places an age column whose header ends with its unit (``Age_mo``, ``Alter in Monaten``)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from phenotk.conversion.table.sheets import read_table
from phenotk.conversion.table.starter import age_unit, starter_mapping
from phenotk.conversion.table.starter_words import field_of


@pytest.mark.parametrize(("header", "field", "unit"), [
    ("Age_mo", "age", "months"),
    ("Age (months)", "age", "months"),
    ("Alter in Monaten", "age", "months"),
    ("age_years", "age", "years"),
    ("Edad en meses", "age", "months"),
    ("Age at onset years", "onset", "years"),
    ("Onset (mo)", "onset", "months"),
])
def test_an_age_header_with_its_unit(header: str, field: str, unit: str) -> None:
    assert field_of(header) == field
    assert age_unit(header) == unit


@pytest.mark.parametrize("header", ["Seizure years", "Monaten", "Sex mo"])
def test_a_unit_alone_names_no_field(header: str) -> None:
    assert field_of(header) not in {"age", "onset", "diagnosis_age"}


def test_starter_reads_months_as_months(tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text("ID,Sex,Age_mo\nP1,F,18\nP2,M,30\n", encoding="utf-8")
    text, placement = starter_mapping(read_table(tmp_path / "s.csv"))
    assert "Age_mo" not in placement.unplaced
    assert yaml.safe_load(text)["subject"]["age_at_last_encounter"] == {"column": "Age_mo", "unit": "months"}
