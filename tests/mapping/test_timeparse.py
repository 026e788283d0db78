"""Ages and onsets as curators write them."""

from __future__ import annotations

import pytest
from phenopackets import Age, GestationalAge, OntologyClass, TimeElement

from phenotk.mapping.timeparse import format_time, parse_duration, parse_duration_cut, parse_time


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("P3Y2M", "P3Y2M"),
        ("p10d", "P10D"),
        ("3y 2m", "P3Y2M"),
        ("3 years", "P3Y"),
        ("3 years and 2 months", "P3Y2M"),
        ("3 yrs, 4 mo", "P3Y4M"),
        ("6 mo", "P6M"),
        ("10 days", "P10D"),
        ("2 wk", "P2W"),
        ("3.5 years", "P3Y6M"),
        ("3,5 y", "P3Y6M"),
        ("1.5 months", "P1M"),
        ("0 days", "P0D"),
    ],
)
def test_durations(text: str, iso: str) -> None:
    assert parse_duration(text) == iso


@pytest.mark.parametrize("text", ["", "ten", "3", "3 parsecs", "P", "3y 3y", "PT", "Childhood onset"])
def test_not_durations(text: str) -> None:
    assert parse_duration(text) is None


def test_bare_number_needs_a_unit() -> None:
    assert parse_duration("4", unit="years") == "P4Y"
    assert parse_duration("2,5", unit="years") == "P2Y6M"
    assert parse_duration("18", unit="months") == "P18M"


@pytest.mark.parametrize(
    ("text", "element"),
    [
        ("33+2", TimeElement(gestational_age=GestationalAge(weeks=33, days=2))),
        ("33w2d GA", TimeElement(gestational_age=GestationalAge(weeks=33, days=2))),
        ("30 weeks gestation", TimeElement(gestational_age=GestationalAge(weeks=30))),
        ("Childhood onset", TimeElement(ontology_class=OntologyClass(id="HP:0011463", label="Childhood onset"))),
        ("congenital", TimeElement(ontology_class=OntologyClass(id="HP:0003577", label="Congenital onset"))),
        ("HP:0003593", TimeElement(ontology_class=OntologyClass(id="HP:0003593", label="Infantile onset"))),
        ("Neonatal onset (HP:0003623)", TimeElement(ontology_class=OntologyClass(id="HP:0003623",
                                                                                  label="Neonatal onset"))),
        ("P1Y", TimeElement(age=Age(iso8601duration="P1Y"))),
    ],
)
def test_times(text: str, element: TimeElement) -> None:
    parsed = parse_time(text)
    assert parsed is not None and parsed.to_time_element() == element
    assert parse_time(format_time(element) or "") == parsed  # the cell form reads back


def test_unknown_onset_id_is_not_an_onset() -> None:
    assert parse_time("HP:0001250") is None
    oc = TimeElement(ontology_class=OntologyClass(id="HP:9999999", label="Some onset"))
    assert format_time(oc) == "Some onset (HP:9999999)"


@pytest.mark.parametrize(
    ("text", "unit", "iso", "cut"),
    [("7.5 months", None, "P7M", "0.5 month"), ("1.5 years", None, "P1Y6M", ""),
     ("2.5 weeks", None, "P2W3D", "0.5 day"), ("3.5 days", None, "P3D", "0.5 day"),
     ("7,5", "months", "P7M", "0.5 month"), ("2.3 years", None, "P2Y3M", "0.6 month")],
)
def test_the_shared_parser_carries_a_decimal_only_while_whole(text: str, unit: str | None, iso: str, cut: str) -> None:
    """Every reader (sheets, REDCap, templates) gets the rule from here: no invented days (7.5 months ≠ P7M15D)."""
    assert parse_duration_cut(text, unit=unit) == (iso, cut)
    assert parse_duration(text, unit=unit) == iso
    parsed = parse_time(text, unit=unit)
    assert parsed is not None and (parsed.iso, parsed.cut) == (iso, cut)
