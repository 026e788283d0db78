"""The privacy text scan skips a pattern only where it cannot match: same finds as running every pattern.

``scan_text`` tests a cheap hint (``@``, ``://``, a record keyword, two digits …) before each pattern; these
tests hold it to the plain definition — every pattern of ``PATTERNS`` run over the whole text — on the free
text of real store packets and on edge cases of case folding and Unicode digits. ``embedded_spans`` is held
to the token-by-token definition the same way.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from phenotk.validation.rules.privacy._scan import PATTERNS, embedded_spans, scan_text, tokens

#: keys whose string values are free text somewhere in a phenopacket
_TEXT_KEYS = {"description", "summary", "comment", "label", "definition", "value"}

EDGE_CASES = [
    "ask jane.doe@example.org; MRN: 00481516",
    "seen at WWW.Example.ORG and HTTPS://x.org/a?b=1",
    "Hospital Number 12345678",
    "hoſpital no ABCD",  # LATIN SMALL LETTER LONG S matches "s" case-insensitively
    "PATİENT No: X1234",  # dotted capital I
    "NHS number 943 476 5919",
    "long run ١٢٣٤٥٦٧٨ of Arabic-Indic digits",  # \d is any Unicode decimal digit
    "call +49 30 1234 5678 or (030) 123-4567",
    "12/03/2019, 2019-03-12, 3 Mar. 2019, March 3, 2019, 1.2.19",
    "c.1234G>A at 1234567 and p.(Arg946Cys); HGVS NC_000016.10:g.2134567del",
    "Patient 4 (MRN 00481516) seen on 2019-03-12",
    "no identifiers at all",
    "",
    "\u00a0\u2003 spaces only",
    # not ASCII: the regex hints
    "Zürich: ask jane.doe@example.org, MRN 00481516",
    "Café WWW.example.ORG on 12.03.2019 (tel. +41 44 123 45 67)",
    "né le 3 Mar. 2019 à Genève, patient no. AB-1234, 12345678",
]


def _every_pattern(text: str) -> list[tuple[str, str]]:
    """The definition: each pattern over the whole text, no hint."""
    return [(kind, m.group(0)) for kind, pattern in PATTERNS.items() for m in pattern.finditer(text)]


def _spans_by_definition(haystack: str, needle: str) -> list[tuple[int, int]]:
    want = tokens(needle)
    if not want:
        return []
    parts = [(m.start(), m.end()) for m in re.finditer(r"[^\s_\-.:/#,;()]+", haystack)]
    words = [haystack[s:e] for s, e in parts]
    n = len(want)
    return [(parts[i][0], parts[i + n - 1][1]) for i in range(len(words) - n + 1) if words[i : i + n] == want]


def _strings(value: Any, out: list[str]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            if k in _TEXT_KEYS and isinstance(v, str):
                out.append(v)
            else:
                _strings(v, out)
    elif isinstance(value, list):
        for v in value:
            _strings(v, out)


@pytest.fixture(scope="module")
def store_texts(store_files: list[Path]) -> list[tuple[str, list[str]]]:
    """(free text, the packet's own ids) from every 7th store packet."""
    found: list[tuple[str, list[str]]] = []
    for f in store_files[::7]:
        doc = json.loads(f.read_text(encoding="utf-8"))
        ids = [doc["id"], doc.get("subject", {}).get("id", "")]
        texts: list[str] = []
        _strings(doc, texts)
        found.extend((t, ids) for t in texts)
    return found


def test_scan_text_finds_what_every_pattern_finds_in_store_text(store_texts: list[tuple[str, list[str]]]) -> None:
    assert len(store_texts) > 1000
    for text, _ in store_texts:
        assert list(scan_text(text)) == _every_pattern(text), text


@pytest.mark.parametrize("text", EDGE_CASES)
def test_scan_text_finds_what_every_pattern_finds_in_edge_cases(text: str) -> None:
    assert list(scan_text(text)) == _every_pattern(text)


def test_edge_cases_do_reach_the_patterns() -> None:
    """The hints let through what only case folding or Unicode digits make a match."""
    kinds = {kind for text in EDGE_CASES for kind, _ in scan_text(text)}
    assert kinds == set(PATTERNS)
    assert ("record number", "hoſpital no ABCD") in list(scan_text("hoſpital no ABCD"))
    assert ("long number", "١٢٣٤٥٦٧٨") in list(scan_text("long run ١٢٣٤٥٦٧٨ of Arabic-Indic digits"))


def test_embedded_spans_match_the_token_definition(store_texts: list[tuple[str, list[str]]]) -> None:
    needles = ["Patient 4", "P1", "PMID_1_Patient_4", "III-2", "a b", "", "  ", "Patient", "4"]
    hay = ["PMID_1_Patient_4", "Patient 4 and Patient_4.", "P14 P1", "Family 1: III-2", "a  b a-b ab", "4"]
    for h in hay:
        for n in needles:
            assert embedded_spans(h, n) == _spans_by_definition(h, n), (h, n)
    for text, ids in store_texts[:2000]:
        for ident in ids:
            assert embedded_spans(text, ident) == _spans_by_definition(text, ident), (text, ident)


def test_tokens_split_on_separators_and_unicode_whitespace() -> None:
    separators = re.compile(r"[\s_\-.:/#,;()]+")
    for text in [
        "PMID_1_Patient_4",
        "Family 1: IV:7",
        "a\x1cb\x85c\u2003d\u3000e",
        "\ufeffx\u200by",
        " (P-1) ",
        "",
        "_-_",
    ]:
        assert tokens(text) == [t for t in separators.split(text) if t], text


def test_own_ids_are_found_in_text() -> None:
    found = list(scan_text("Patient_4 was sequenced", ["PMID_1_Patient_4", "Patient 4"]))
    assert found == [("the record's own id", "Patient 4")]
