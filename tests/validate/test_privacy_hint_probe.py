"""privacy _scan: the one-form hint test (_any_hint over _PROBE) lets through every text the per-part hints do."""

from __future__ import annotations

import random
import string

from phenotk.validation.rules.privacy import _scan

from .test_privacy_scan import EDGE_CASES


def _held(text: str) -> list[str]:
    """The per-part hints alone (what _candidates answered before the one-form test)."""
    zeroed = text.encode().translate(_scan._ZEROS)
    forms = (text, text.lower(), zeroed, _probe(text))
    return [kind for form, part, kind in _scan._ASCII_PARTS if part in forms[form]]


def _probe(text: str) -> str:
    return text.encode().translate(_scan._PROBE).decode()


def test_every_part_of_every_form_passes_the_probe() -> None:
    """Each part, as the probe writes it, passes (the probe is each form's translation composed)."""
    assert _scan._ALL_HINTED
    for form, part, kind in _scan._ASCII_PARTS:
        raw = part if isinstance(part, bytes) else part.encode()
        assert _scan._any_hint(raw.translate(_scan._PROBE).decode()), (form, part, kind)


def test_probe_passes_every_text_a_part_holds() -> None:
    """On edge cases and random ASCII made of the characters the hints and patterns care about."""
    rng = random.Random(17)
    alphabet = "0123456789 -/.:@wWmMrRnNhHsSpPaAtTiIeEdDcCoOlL()+#" + string.ascii_letters[:6]
    texts = [t for t in EDGE_CASES if t.isascii()]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24))) for _ in range(20_000)]
    texts += [
        "medical record",
        "Hospital No",
        "PATIENT N",
        "NHS",
        "mrn",
        "WWW.",
        "HTTP://",
        "a@b",
        "1-2",
        "2019",
        "123 456",
        "+1",
        "SW1A 1AA",
        "123-45-6789",
    ]
    passed = 0
    for text in texts:
        if _held(text):
            assert _scan._any_hint(_probe(text)), text
            passed += 1
        if not _scan._any_hint(_probe(text)) and not (" 0" in _probe(text) and _scan._UK_INWARD.search(text)):
            assert _scan._candidates(text) == [], text
    assert passed > 1000


def test_candidates_find_what_every_pattern_finds_on_random_text() -> None:
    rng = random.Random(5)
    alphabet = "0123456789 -/.:@+wWmMrRnNhHsSpPaAtTiIeEdDcCoOlLJMAYBDGUXZ"
    for _ in range(10_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        kinds = set(_scan._candidates(text))
        for kind, (_, pattern) in _scan._SCANS.items():
            if pattern.search(text) is not None:
                assert kind in kinds, (kind, text)


def test_every_extra_part_passes_the_extra_probe() -> None:
    """The unrolled test before the extra patterns' parts lets through every part (and so every text holding one)."""
    assert _scan._PROBE_PARTS
    for part, key in _scan._PROBE_PARTS:
        assert _scan._any_extra_hint(part), (part, key)
        assert _scan._any_extra_hint(f"x {part}y"), (part, key)


def test_candidates_run_the_extra_patterns_only_where_a_part_is_held() -> None:
    """:func:`_candidates` names an extra pattern exactly where one of its parts (or the UK inward code) is held."""
    rng = random.Random(3)
    alphabet = "0123456789 -+.stndrhSTNDRH"
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        probe = _probe(text)
        extra = {k for k in _scan._candidates(text) if k.startswith("+")}
        held = {k for part, k in _scan._PROBE_PARTS if part in probe}
        if held:
            assert _scan._any_extra_hint(probe), text
        if " 0" in probe and _scan._UK_INWARD.search(text):  # a UK postcode's inward code: its regex, no part
            held.add("+postcode")
        assert extra == held, text


def test_quick_regexes_match_wherever_their_pattern_does() -> None:
    """A text the quick regex does not match holds no match of the pattern (random text and edge cases)."""
    rng = random.Random(11)
    alphabet = "0123456789 -+.ABDEHJSWZaz"
    texts = [*EDGE_CASES, *("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(30_000))]
    texts += ["SW1A 1AA", "M1 1AE", "EC1A 1BB", "W1A 0AX", "CR2 6XH", "DN55 1PT", "90210-1234"]
    hits = 0
    for text in texts:
        for key, quick in _scan._QUICK.items():
            if _scan._SCANS[key][1].search(text) is not None:
                assert quick.search(text) is not None, (key, text)
                hits += 1
        if _scan.EXTRA_PATTERNS["postcode"].search(text) and "-" not in text:  # a UK one
            assert _scan._UK_INWARD.search(text) is not None, text
            assert "+postcode" in _scan._candidates(text), text
    assert hits > 20
