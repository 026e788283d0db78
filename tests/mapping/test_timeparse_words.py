"""Ages in the languages of European clinic sheets, and onset words curators write in term cells."""

from __future__ import annotations

import pytest

from phenotk.mapping.timeparse import parse_time


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("18 mois", "P18M"),
        ("1 an et 6 mois", "P1Y6M"),
        ("3 Jahre 2 Monate", "P3Y2M"),
        ("3 Jahre und 2 Monate", "P3Y2M"),
        ("2,5 J", "P2Y6M"),
        ("2 años y 3 meses", "P2Y3M"),
        ("10 días", "P10D"),
        ("3 anni e 2 mesi", "P3Y2M"),
        ("4 jaar en 2 maanden", "P4Y2M"),
        ("6 Wochen", "P6W"),
    ],
)
def test_age_words(text: str, iso: str) -> None:
    parsed = parse_time(text)
    assert parsed is not None and (parsed.kind, parsed.iso) == ("age", iso)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("infancy", "HP:0003593"),
        ("in infancy", "HP:0003593"),
        ("since birth", "HP:0003577"),
        ("congenital", "HP:0003577"),
        ("neonatal", "HP:0003623"),
        ("adulthood", "HP:0003581"),
    ],
)
def test_onset_words(text: str, term: str) -> None:
    parsed = parse_time(text)
    assert parsed is not None and (parsed.kind, parsed.term_id) == ("ontology", term)


@pytest.mark.parametrize("text", ["toddler?", "3 bananas", "yes", "en"])
def test_not_ages(text: str) -> None:
    assert parse_time(text) is None


@pytest.mark.parametrize(("text", "unit", "iso"), [
    ("0 years", None, "P0Y"), ("0", "years", "P0Y"), ("0 months", None, "P0M"), ("0y 0m", None, "P0M"),
    ("0;0", None, "P0M"), ("0 weeks", None, "P0W"), ("0 days", None, "P0D"), ("P0D", None, "P0D"),
])
def test_a_zero_age_keeps_the_unit_it_was_written_in(text: str, unit: str | None, iso: str) -> None:
    """'0 years' (no completed year: somewhere in the first year) was P0D — the day of birth, which nobody wrote."""
    parsed = parse_time(text, unit=unit)
    assert parsed is not None and parsed.iso == iso
