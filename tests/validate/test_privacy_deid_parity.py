"""``validate --profile sharing`` finds what ``phenotk deidentify``'s scan finds: one scan (``_scan``) for both.

Each identifier kind the de-identifier reports in a kept value (a variant label: kept, ids rewritten, then
scanned) is reported by privacy-identifier-in-text at the same JSON pointer, with the same kind and match; the
record's own id written between non-alphanumerics is found by both rules that search for it.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

import phenotk

from .conftest import BASES

LABEL = "/interpretations/0/diagnosis/genomicInterpretations/0/variantInterpretation/variationDescriptor/label"

#: one text per identifier kind (the ones first written for deidentify, then those the rules had)
TEXTS = {
    "social security number": "SSN 123-45-6789",
    "IP address": "uploaded from 10.0.12.255",
    "date": "seen March 3rd, 2019",
    "phone number": "call +33 1 23 45 67 89",
    "postcode": "lives at SW1A 1AA",
    "postcode ZIP+4": "lives at 90210-1234",
    "date in an id": "sample S1_2019-03-12",
    "fullwidth record number": "ＭＲＮ：００４８１５１６",
    "zero-width e-mail": "ask jane\u200b@example.org",
    "e-mail address": "ask jane.doe@example.org",
    "URL": "see www.example.org/p",
    "record number": "MRN: 00481516",
    "long number": "ref 12345678",
    "ISO date": "on 2019-03-12",
}


def _packet(label: str) -> dict[str, Any]:
    doc = copy.deepcopy(BASES["phenopacket"])
    doc["id"] = "study-0001"
    doc["subject"]["id"] = "case-77"
    interpretation = doc["interpretations"][0]
    interpretation["diagnosis"]["genomicInterpretations"][0]["subjectOrBiosampleId"] = "case-77"
    interpretation["diagnosis"]["genomicInterpretations"][0]["variantInterpretation"] = {
        "acmgPathogenicityClassification": "PATHOGENIC",
        "variationDescriptor": {"id": "v1", "label": label},
    }
    return doc


def _found(issues: Any, pointer: str, tail: str) -> set[str]:
    """``kind 'match'`` of each finding at ``pointer`` (the message without its advice after ``tail``)."""
    return {i.message.split(tail)[0] for i in issues if i.pointer == pointer and tail in i.message}


@pytest.mark.parametrize("name", list(TEXTS))
def test_validate_finds_what_deidentify_finds(name: str, tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(_packet(TEXTS[name]), ensure_ascii=False), encoding="utf-8")
    report = phenotk.validate([path], hpo=False, profile="sharing")
    by_validate = _found(report.issues, LABEL, " in free text")
    result = phenotk.deidentify(path, tmp_path / "out", key=b"0123456789abcdef-key", profile="safe-harbor")
    by_deidentify = _found(result.report.issues, LABEL, " left in a kept value")
    assert by_deidentify, name  # each text holds an identifier the de-identifier reports
    assert by_validate == by_deidentify, name


def test_own_id_between_other_non_alphanumerics(tmp_path: Path) -> None:
    """``SAMPLE=case-77;`` and ``<case-77>`` hold the subject id: deidentify rewrote it, validate did not see it."""
    doc = _packet("x")
    doc["phenotypicFeatures"][0]["description"] = "SAMPLE=case-77;DP=10 <case-77>"
    doc["files"] = [{"uri": "file:///data/SAMPLE=case-77;x.vcf", "individualToFileIdentifiers": {"case-77": "S1"}}]
    path = tmp_path / "in.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    report = phenotk.validate([path], hpo=False, profile="sharing")
    found = {(i.rule, i.pointer) for i in report.issues if "case-77" in i.message}
    assert ("privacy-identifier-in-text", "/phenotypicFeatures/0/description") in found
    assert ("privacy-embedded-id", "/files/0/uri") in found
    phenotk.deidentify(path, tmp_path / "out", key=b"0123456789abcdef-key", profile="safe-harbor")
    (out,) = (tmp_path / "out").rglob("*.json")
    assert "case-77" not in out.read_text(encoding="utf-8")  # the de-identifier rewrote each of them
