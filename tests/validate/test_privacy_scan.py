"""The privacy text scan skips a pattern only where it cannot match: same finds as running every pattern.

``scan_text`` tests a cheap hint (``@``, ``://``, a record keyword, two digits …) before each pattern; these
tests hold it to the plain definition — every pattern of ``PATTERNS`` and ``EXTRA_PATTERNS`` run over the whole
text as a reader sees it (``plain``), an extra match inside a match of the same kind left out — on the free
text of real store packets and on edge cases of case folding and Unicode digits. ``embedded_spans`` is held
to the token-by-token definition the same way.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from phenotk.validation.rule import Context, Node
from phenotk.validation.rules.privacy import _scan
from phenotk.validation.rules.privacy._scan import (
    EXTRA_PATTERNS,
    PATTERNS,
    embedded,
    embedded_spans,
    pattern_finds,
    plain,
    scan_text,
    tokens,
)
from phenotk.validation.rules.privacy.embedded_id import PrivacyEmbeddedId
from phenotk.validation.rules.privacy.identifier_in_text import _KEYS, PrivacyIdentifierInText

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
    # one digit form at a time (the digit hints: written 0, with "-", "/" and "." written "-")
    "tel 123.4567",
    "tel 123/4567 or 1234 567",
    "on 1/2/99",
    "dated 7.8.2001",
    "a 9-1 score",
    "id AB1234567 here",
    "seen 3 March 2019",
    "",
    "\u00a0\u2003 spaces only",
    # not ASCII: the regex hints
    "Zürich: ask jane.doe@example.org, MRN 00481516",
    "Café WWW.example.ORG on 12.03.2019 (tel. +41 44 123 45 67)",
    "né le 3 Mar. 2019 à Genève, patient no. AB-1234, 12345678",
    # the extra patterns (first written for deidentify), each alone and beside a base match of its kind
    "SSN 123-45-6789; host 10.0.12.255; seen March 3rd, 2019 and the 4th of July 2020",
    "lives at SW1A 1AA (or 90210-1234); tel +1 2 3 4 and +44 20 7946 0958",
    "sample P1_2019-03-12 and 2019-03-12",
    "ＭＲＮ：００４８１５１６ and jane​@example.org",  # fullwidth and zero-width: plain() folds them
    "Ｍ１ １ＡＥ ｏｎ ２０１９－０３－１２",
]


#: every pattern in the order the scan reports them, with whether it is an extra one
_ALL = [*((k, p, False) for k, p in PATTERNS.items()), *((k, p, True) for k, p in EXTRA_PATTERNS.items())]


def _every_pattern(text: str) -> list[tuple[str, str]]:
    """The definition: every pattern over the whole plain text, no hint; an extra one inside one of its kind dropped."""
    text = plain(text)
    spans: list[tuple[str, int, int]] = []
    out: list[tuple[str, str]] = []
    for kind, pattern, extra in _ALL:
        for m in pattern.finditer(text):
            if extra and any(k == kind and s <= m.start() and m.end() <= e for k, s, e in spans):
                continue
            spans.append((kind, m.start(), m.end()))
            out.append((kind, m.group(0)))
    return out


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


def test_digit_hints_hold_the_shortcut_parts() -> None:
    """Every zeroed hint holds ``000`` or ``0-0``: a text with neither needs no search for them one by one; every
    probe-form hint (the extra patterns') holds a ``0``: a text without a digit needs no search for them."""
    zeroed = [part for form, parts in _scan._ASCII_HINTS.values() if form == 2 for part in parts]
    assert zeroed and all(b"000" in part or b"0-0" in part for part in zeroed)
    probed = [part for form, parts in _scan._ASCII_HINTS.values() if form == 3 for part in parts]
    assert probed and all("0" in part for part in probed)
    assert {p[0] for p in _scan._TEXT_PARTS} == {0, 1}
    assert set(_scan._ASCII_PARTS) == {*_scan._BASE_PARTS, *((3, part, key) for part, key in _scan._PROBE_PARTS)}


def test_edge_cases_do_reach_the_patterns() -> None:
    """The hints let through what only case folding or Unicode digits make a match."""
    kinds = {kind for text in EDGE_CASES for kind, _ in scan_text(text)}
    assert kinds == set(PATTERNS) | set(EXTRA_PATTERNS)
    assert ("record number", "hospital no ABCD") in list(scan_text("hoſpital no ABCD"))  # as a reader reads it
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


#: haystacks and needles that stress the token test: separators only, repeats, overlaps, Unicode spaces
HOSTILE_HAY = [
    "PMID_1_Patient_4",
    "Patient 4 and Patient_4.",
    "P14 P1",
    "Family 1: III-2",
    "a  b a-b ab",
    "a a a b",
    "a\x1cb\x85c\u2003d\u3000e",
    "x\u200by x y",  # ZERO WIDTH SPACE is not whitespace: one token
    "__--..::",
    "",
    "4",
    "Family B II.2 (Family_B_II_2)",
    "ＰＭＩＤ_1",  # fullwidth letters: not ASCII
]
HOSTILE_NEEDLES = [
    "Patient 4",
    "P1",
    "PMID_1_Patient_4",
    "III-2",
    "a b",
    "a a b",
    "",
    "  ",
    "_-",
    "4",
    "b\x85c",
    "x\u200by",
    "d e",
    "Family B II.2",
    "ＰＭＩＤ",
]


def test_embedded_agrees_with_the_spans_on_hostile_strings(store_texts: list[tuple[str, list[str]]]) -> None:
    """The boolean fast path (C-level token split) and the spans (word pattern) tell the same."""
    hits = 0
    for h in HOSTILE_HAY + [n.replace(" ", "_") for n in HOSTILE_NEEDLES]:
        for n in HOSTILE_NEEDLES:
            assert embedded(h, n) == bool(_spans_by_definition(h, n)) == bool(embedded_spans(h, n)), (h, n)
            assert _scan.holds(h, tokens(n)) == embedded(h, n), (h, n)  # the padded form made by holds itself
            hits += embedded(h, n)
    assert hits > 10  # the cases do reach a match, not only the early refusals
    for text, ids in store_texts:
        for ident in ids:
            assert embedded(text, ident) == bool(embedded_spans(text, ident)), (text, ident)
        assert embedded(ids[0], ids[1]) == bool(embedded_spans(ids[0], ids[1])), ids


def test_pattern_finds_memo_agrees_with_every_pattern(monkeypatch: pytest.MonkeyPatch) -> None:
    """A text answered from the memo, a text too long to keep and a memo emptied at its bound: same finds."""
    monkeypatch.setattr(_scan, "_FINDS", {})
    monkeypatch.setattr(_scan, "_MEMO_SIZE", 3)
    long_text = "x " * _scan._MEMO_LENGTH + "MRN: 00481516 on 2019-03-12"
    for text in [*EDGE_CASES, long_text] * 2:  # the second round reads the memo (the bound clears it often)
        assert pattern_finds(plain(text)) == tuple(_every_pattern(text)), text
        assert list(scan_text(text)) == _every_pattern(text), text
    assert len(_scan._FINDS) <= 3
    assert long_text not in _scan._FINDS


def test_identifier_in_text_batch_agrees_with_check_of_every_node() -> None:
    """The batch pre-filter leaves out only nodes :meth:`check` finds nothing in: hostile values included."""
    rule = PrivacyIdentifierInText()
    ctx = Context()
    packet = {"id": "PMID_1_Patient_4", "subject": {"id": "Patient 4"}}
    root = Node(packet, "Phenopacket", "", None, None)
    texts: list[Any] = ["MRN: 00481516", "Patient_4 seen 2019-03-12", "", "  ", None, 5, ["MRN 1234567"], {"a": 1}]
    nodes: list[Node] = []
    for i, (type_, keys) in enumerate(_KEYS.items()):
        for j, text in enumerate(texts):
            for key in (*keys, "descriptions", "Description"):
                value = {key: text, "id": "x"}
                if type_ == "VariationDescriptor":
                    value["description"] = ""  # a falsy first field before the label
                nodes.append(Node(value, type_, f"/{i}/{j}/{key}", root, None))
    nodes.append(Node({}, "PhenotypicFeature", "/empty", root, None))
    nodes.append(Node({"description": "MRN 00481516"}, "PhenotypicFeature", "/orphan", None, None))
    by_batch = [(n[2], v.message, v.path) for n, v in rule.check_batch(nodes, ctx)]
    by_node = [(n[2], v.message, v.path) for n in nodes for v in rule.check(n, ctx)]
    assert by_batch == by_node
    assert len(by_batch) > 20
    assert any("the record's own id 'Patient 4'" in m for _, m, _ in by_batch)


def test_embedded_id_checks_each_carrier_on_hostile_packets() -> None:
    """Packet id, biosample and interpretation ids and file URIs, by the token definition; odd shapes skipped."""
    rule = PrivacyEmbeddedId()
    packets: list[Any] = [
        {
            "id": "PMID_1_Family_2_II_1",
            "subject": {"id": "II-1"},
            "biosamples": [{"id": "II_1_blood"}, {"id": 7}, "II-1", None, {"id": "II_10"}],
            "interpretations": [{"id": "II-1"}, {"id": "x.II:1"}],
            "files": [{"uri": "file:///data/II-1.vcf"}, {"uri": ["II-1"]}],
        },
        {"id": "P1", "subject": {"id": "II-1"}, "biosamples": {"id": "II-1"}, "files": None},
        {"id": "A_B_C", "subject": {"id": "a b"}},
        {"id": "x", "subject": {"id": 12345}},
        {"id": "x", "subject": "II-1"},
        {"id": ["II-1"], "subject": {"id": "II-1"}, "interpretations": [{"id": "II 1 again"}]},
    ]
    found = [
        (v.path, v.message) for pp in packets for v in rule.check(Node(pp, "Phenopacket", "", None, None), Context())
    ]
    assert [path for path, _ in found] == [
        ("id",),
        ("biosamples", 0, "id"),
        ("interpretations", 1, "id"),
        ("files", 0, "uri"),
        ("interpretations", 0, "id"),
    ]
    for path, message in found:
        assert "contains the subject id 'II-1'" in message, (path, message)
    assert rule.check(Node([], "Phenopacket", "", None, None), Context()) == []


def _embedded_id_by_definition(packet: Any) -> list[tuple[tuple[Any, ...], str]]:
    """privacy-embedded-id spelled out: each id-like string holding the subject id's tokens (``embedded_spans``)
    or the subject id as written between non-alphanumerics (or an end)."""
    if not isinstance(packet, dict):
        return []
    subject = packet.get("subject")
    sid = subject.get("id") if isinstance(subject, dict) else None
    if not isinstance(sid, str) or not _scan.distinctive(sid):
        return []
    carriers: list[tuple[tuple[Any, ...], Any]] = [(("id",), packet.get("id"))]
    for key, field in (("biosamples", "id"), ("interpretations", "id"), ("files", "uri")):
        items = packet.get(key)
        if isinstance(items, list):
            carriers += [((key, i, field), item.get(field)) for i, item in enumerate(items) if isinstance(item, dict)]
    return [
        (path, f"{value!r} contains the subject id {sid!r}; use ids that do not embed it")
        for path, value in carriers
        if isinstance(value, str)
        and value != sid
        and (embedded_spans(value, sid) or _bounded_by_definition(value, sid))
    ]


def _bounded_by_definition(value: str, ident: str) -> bool:
    for i in range(len(value) - len(ident) + 1):
        j = i + len(ident)
        if (
            value[i:j] == ident
            and (i == 0 or not value[i - 1].isalnum())
            and (j == len(value) or not value[j].isalnum())
        ):
            return True
    return False


def test_embedded_id_one_pass_agrees_with_the_definition(store_files: list[Path]) -> None:
    """The one-pass check (the subject id split once, each carrier tested) finds what the definition finds.

    On every 11th store packet (most of them hold their subject id in the packet id) and on hostile packets: ids
    that are not strings, lists where objects belong, an id equal to the subject id, separators only, Unicode.
    """
    rule = PrivacyEmbeddedId()
    packets: list[Any] = [json.loads(f.read_text(encoding="utf-8")) for f in store_files[::11]]
    packets += [
        {"id": "Patient 4", "subject": {"id": "Patient 4"}, "interpretations": [{"id": "Patient 4"}]},
        {"id": "x_Pätient_4", "subject": {"id": "Pätient 4"}, "files": [{"uri": "a/Pätient\u20034.vcf"}, {"uri": 4}]},
        {"id": "__--..", "subject": {"id": "_-_"}, "biosamples": [{"id": "_-_"}, {"id": "a _-_ b"}]},
        {
            "id": "PMID_1_P10",
            "subject": {"id": "P10"},
            "biosamples": [[{"id": "P10"}], {"id": "P10x"}, {"id": "P10 x"}],
        },
        {"id": {"a": 1}, "subject": {"id": "Family 1 II-2"}, "interpretations": [{"id": "Family_1_II_2"}, 5]},
        {"id": "P_1234", "subject": {"id": "1234"}, "files": [{"uri": "1234"}, {"uri": "x/1234/y"}]},
        {"id": "P_123", "subject": {"id": "123"}},
        # written between other non-alphanumerics than the token separators (where deidentify rewrites it)
        {"id": "SAMPLE=MRN4;x", "subject": {"id": "MRN4"}, "files": [{"uri": "x|MRN4|y"}, {"uri": "xMRN4"}]},
        ["not", "a", "packet"],
    ]
    seen = 0
    for pp in packets:
        got = [(v.path, v.message) for v in rule.check(Node(pp, "Phenopacket", "", None, None), Context())]
        assert got == _embedded_id_by_definition(pp), pp
        seen += bool(got)
    assert seen > len(packets) // 2  # the store's packet ids do hold their subject ids: the search is exercised


@pytest.mark.parametrize(
    "ident",
    [
        "MRN0012345",
        "H-004512",
        "12345678",
        "mrn 123456",
        "12345",
        "Family 11 Subject 1",
        "P1234567x",
        " 1234567 ",
        "1234567\n",
        "ABCD1234567",
        "١٢٣٤٥٦٧",  # Arabic-Indic digits: \d
        "MRN¹²³⁴⁵⁶",  # superscripts: str.isdigit, not \d
        "PID_②③④⑤⑥⑦",  # circled digits: str.isdigit, not \d
        "",
        "      ",
    ],
)
def test_hospital_number_prefilter_agrees_with_the_pattern(ident: str) -> None:
    """The six-trailing-digits test before the regex drops no id the regex matches."""
    from phenotk.validation.rules.privacy._scan import HOSPITAL_NUMBER
    from phenotk.validation.rules.privacy.hospital_number_id import PrivacyHospitalNumberId

    found = PrivacyHospitalNumberId().check(Node({"id": ident}, "Individual", "", None, None), Context())
    assert bool(found) == bool(HOSPITAL_NUMBER.match(ident.strip()))


def test_a_long_run_without_a_domain_is_scanned_once() -> None:
    # 'a' * 60,000 + '@!' in a description: the e-mail pattern restarted at each of the run's characters
    # (quadratic: `validate --profile sharing` took 10 s on that one file); a match now starts only where a
    # run starts. A wide bound (was ~30 s for 100,000 characters), not a benchmark
    import time

    started = time.process_time()
    assert list(scan_text("a" * 100_000 + "@!")) == []
    assert time.process_time() - started < 2.0
    found = [m.group() for m in PATTERNS["e-mail address"].finditer("x jane.roe@example.org, <bob+1@host.co.uk>")]
    assert found == ["jane.roe@example.org", "bob+1@host.co.uk"]
