"""Ages and onsets in template cells, written the way phenopacket-store writes them.

Parsing goes through :mod:`phenotk.mapping.timeparse` (ISO 8601, unit words, ``33+2``, HPO onset labels) plus
the pyphetools gestational notation ``G32w4d``. ISO 8601 durations are normalised like the store's builders:
zero components dropped (``P5Y0M0D`` → ``P5Y``, ``P0Y0M3D`` → ``P3D``), ``P0D`` for zero. Writers emit
``G32w4d`` for gestational ages (the notation both template formats use).
"""

from __future__ import annotations

import re

from phenopackets import Age, GestationalAge, TimeElement

from phenotk.mapping.timeparse import ONSET_TERMS, parse_time

_G_NOTATION = re.compile(r"G(\d{1,2})w(?:([0-6])d)?\Z", re.I)
_ISO_PARTS = re.compile(r"(\d+(?:\.\d+)?)([YMWDHS])")


def normalize_iso8601(iso: str) -> str:
    """Drop zero components of an ISO 8601 duration (``P5Y0M0D`` → ``P5Y``); all zero → ``P0D``."""
    text = iso.strip().upper()
    date, _, time = text[1:].partition("T")
    out = "P" + "".join(f"{n}{u}" for n, u in _ISO_PARTS.findall(date) if float(n) != 0)
    time_parts = "".join(f"{n}{u}" for n, u in _ISO_PARTS.findall(time) if float(n) != 0)
    if time_parts:
        out += "T" + time_parts
    return out if out != "P" else "P0D"


def parse_cell_time(text: str) -> TimeElement | None:
    """A template cell → ``TimeElement`` (None for empty, ``na`` or text that is no age / onset)."""
    return parse_cell_time_cut(text)[0]


def parse_cell_time_cut(text: str) -> tuple[TimeElement | None, str]:
    """:func:`parse_cell_time` and the fraction of a decimal age it cut (``"0.5 month"`` for ``7.5 months``)."""
    s = text.strip()
    if not s or s.lower() == "na":
        return None, ""
    m = _G_NOTATION.match(s)
    if m:
        return TimeElement(gestational_age=GestationalAge(weeks=int(m[1]), days=int(m[2] or 0))), ""
    parsed = parse_time(s)
    if parsed is None:
        return None, ""
    element = parsed.to_time_element()
    if element.WhichOneof("element") == "age":
        return TimeElement(age=Age(iso8601duration=normalize_iso8601(element.age.iso8601duration))), parsed.cut
    return element, ""


def cut_message(text: str, element: TimeElement, cut: str) -> str:
    """The ``map-not-carried`` reason for an age cell whose fraction was cut to completed units."""
    return (f"{text!r} is carried as {element.age.iso8601duration} in completed units: {cut} not carried (a fraction "
            f"of a month or day has no exact ISO 8601 age; write it in the smaller unit, e.g. '7 months 2 weeks', "
            f"to keep it)")


def cell_time(element: TimeElement | None) -> str:
    """A ``TimeElement`` as a template cell (``P5Y``, ``G32w4d``, ``Congenital onset``); ``na`` when absent."""
    if element is None:
        return "na"
    kind = element.WhichOneof("element")
    if kind == "age":
        return normalize_iso8601(element.age.iso8601duration)
    if kind == "gestational_age":
        ga = element.gestational_age
        return f"G{ga.weeks}w" + (f"{ga.days}d" if ga.days else "")
    if kind == "ontology_class":
        oc = element.ontology_class
        return str(oc.label or ONSET_TERMS.get(oc.id, oc.id))
    return "na"
