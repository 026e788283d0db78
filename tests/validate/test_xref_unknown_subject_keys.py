"""xref-unknown-subject reads both spellings of its field names (the key look-ups are inlined in the rule)."""

from __future__ import annotations

from typing import Any

import pytest

from phenotk.validation.rule import Context, Node
from phenotk.validation.rules.xref.unknown_subject import XrefUnknownSubject


@pytest.mark.parametrize("gis_key", ["genomicInterpretations", "genomic_interpretations"])
@pytest.mark.parametrize("ref_key", ["subjectOrBiosampleId", "subject_or_biosample_id"])
def test_both_spellings_are_read(gis_key: str, ref_key: str) -> None:
    gis: list[Any] = [{ref_key: "P1"}, {ref_key: "p1 "}, 7, {"other": "x"}, {ref_key: "S9"}, {ref_key: ["P2"]}]
    packet = {
        "subject": {"id": "P1"},
        "biosamples": [{"id": "S1"}],
        "interpretations": [{"diagnosis": {gis_key: gis}}, {"diagnosis": {gis_key: {ref_key: "X"}}}, {"diagnosis": 3}],
    }
    found = XrefUnknownSubject().check(Node(packet, "Phenopacket", "", None, None), Context())
    assert [v.path for v in found] == [
        ("interpretations", 0, "diagnosis", gis_key, 1, ref_key),
        ("interpretations", 0, "diagnosis", gis_key, 4, ref_key),
    ]
    assert found[0].fix is not None and found[1].fix is None  # case and spaces only: the subject id offered
    assert "known: 'P1', 'S1'" in found[1].message


def test_both_spellings_present_camel_case_wins() -> None:
    packet = {
        "subject": {"id": "P1"},
        "interpretations": [
            {"diagnosis": {"genomicInterpretations": [{"subjectOrBiosampleId": "P1", "subject_or_biosample_id": "Q"}]}},
            {"diagnosis": {"genomicInterpretations": "x", "genomic_interpretations": [{"subjectOrBiosampleId": "Q"}]}},
        ],
    }
    assert list(XrefUnknownSubject().check(Node(packet, "Phenopacket", "", None, None), Context())) == []
