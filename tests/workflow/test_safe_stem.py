"""File names from ids keep letters and digits of every script, ``.``, ``_`` and ``-``; the rest becomes ``_``."""

from __future__ import annotations

import random

from phenotk.workflow.convert import _safe_stem


def _spec(text: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in text).strip("._") or "document"


def test_matches_the_character_rule_on_random_text() -> None:
    rng = random.Random(7)
    alphabet = [chr(i) for i in range(0x3000)] + ["\ud800", "\U0001f600", "٣", "ß", "Ⅻ", "²", "/", "\\", ":"]
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        want = _spec(text)
        if len(want.encode("utf-8")) <= 120:
            assert _safe_stem(text) == want, repr(text)


def test_examples() -> None:
    assert _safe_stem("PMID_1:P 1/../x") == "PMID_1_P_1_.._x"
    assert _safe_stem("Müller-٣") == "Müller-٣"
    assert _safe_stem("../..") == "document"
    long = _safe_stem("a" * 300)
    assert len(long.encode()) <= 120 and long.startswith("a" * 100) and long != _safe_stem("a" * 299)
