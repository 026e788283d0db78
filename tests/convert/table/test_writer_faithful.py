"""What the table writer cannot show it reports, and what it shows reads back: excluded diseases, a term listed
twice, a sex number the schema does not name (found by the researchers' API work: frames and CSV exports)."""

from __future__ import annotations

from google.protobuf.json_format import ParseDict
from phenopackets import Phenopacket

from phenotk.conversion.table.api import convert_sheet, make_table
from phenotk.mapping import load_mapping


def _packet(**extra: object) -> Phenopacket:
    data = {"id": "p1", "subject": {"id": "s1", "sex": "FEMALE"},
            "metaData": {"created": "2024-01-01T00:00:00Z", "createdBy": "t", "phenopacketSchemaVersion": "2.0"}}
    data.update(extra)
    return ParseDict(data, Phenopacket())


def _round_trip(packets: list[Phenopacket], layout: str) -> tuple[list[Phenopacket], list[str], list[str]]:
    table = make_table(packets, layout)
    back = convert_sheet(table.to_sheet("t"), load_mapping(f"phenotk-{layout}"))
    return back.packets, table.header, [i.message for i in table.issues]


def test_an_excluded_disease_has_its_column_and_reads_back() -> None:
    p = _packet(diseases=[{"term": {"id": "OMIM:154700", "label": "Marfan syndrome"}},
                          {"term": {"id": "MONDO:0005148", "label": "type 2 diabetes mellitus"}, "excluded": True}])
    for layout in ("wide", "long"):
        back, header, issues = _round_trip([p], layout)
        assert "disease_2_excluded" in header and not issues
        assert [(d.term.id, d.excluded) for d in back[0].diseases] == [("OMIM:154700", False), ("MONDO:0005148", True)]
    plain = make_table([_packet(diseases=[{"term": {"id": "OMIM:154700", "label": "Marfan syndrome"}}])], "wide")
    assert not [h for h in plain.header if h.endswith("_excluded")]  # tables without one keep their columns


def test_a_term_twice_keeps_the_observation_and_says_so() -> None:
    p = _packet(phenotypicFeatures=[
        {"type": {"id": "HP:0001250", "label": "Seizure"}, "excluded": True},
        {"type": {"id": "HP:0001250", "label": "Seizure"}, "onset": {"age": {"iso8601duration": "P2Y"}}},
    ])
    table = make_table([p], "wide")
    assert table.rows[0][table.header.index("Seizure (HP:0001250)")] == "P2Y"  # was 'P2Y' only by order
    q = _packet(phenotypicFeatures=[
        {"type": {"id": "HP:0001250", "label": "Seizure"}},
        {"type": {"id": "HP:0001250", "label": "Seizure"}, "excluded": True},
    ])
    table = make_table([q], "wide")
    assert table.rows[0][table.header.index("Seizure (HP:0001250)")] == "observed"  # the last one won: 'excluded'
    assert [i.rule for i in table.issues] == ["map-not-carried"] and "HP:0001250" in table.issues[0].message


def test_a_sex_number_the_schema_does_not_name_is_reported() -> None:
    p = _packet()
    p.subject.sex = 7  # a binary packet from a newer schema
    table = make_table([p], "wide")
    assert table.rows[0][table.header.index("sex")] == ""
    assert any(i.rule == "map-not-carried" and "subject.sex" in i.message for i in table.issues)
