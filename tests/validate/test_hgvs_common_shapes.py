"""variant-hgvs-syntax's one-regex shortcut (``_COMMON``) only passes expressions the full parser accepts."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from phenotk.model.hgvs import HgvsError, parse_hgvs, position_problem
from phenotk.validation.rules.variant import hgvs_syntax


def _values(store_dir: Path) -> list[str]:
    """The store's expression values (every third file), each also edited at random, and hand-made edge cases."""
    values: set[str] = set()
    for f in sorted(store_dir.glob("*/*.json"))[::3]:
        values.update(re.findall(r'"value": "((?:NM|NR|NC|NP)_[^"]*)"', f.read_text()))
    found = sorted(values)
    assert len(found) > 2000
    rnd = random.Random(7)
    tokens = ["c.", "n.", "g.", "m.", "p.", "r.", "*", "-", "+", "_", "?", "(", ")", "A", "N", "U", "a", " ", "\n"]
    tokens += ["del", "ins", "dup", "inv", "delins", "Ter", "fs", "ext", "Xaa", "Sec", "=", ">", "١", "NP_", ":"]
    for value in list(found):
        for _ in range(3):
            i = rnd.randrange(len(value) + 1)
            found.append(value[:i] + rnd.choice(tokens) + value[i + rnd.randint(0, 2) :])
    found += [
        "NM_1.1:c.*5_*7del",
        "NM_1.1:c.-14-2T>G",
        "NR_1.1:n.*5del",
        "NR_1.1:n.-5_-3insA",
        "NC_1.1:g.-5del",
        "NC_1.1:m.12+1A>G",
        "NC_012920.1:m.3243A>G",
        "NC_1.1:g.1_2inv",
        "NC_1.1:g.1insA",
        "NP_1.1:p.?",
        "NP_1.1:p.(?)",
        "NP_1.1:p.(Met1?)",
        "NP_1.1:p.(Ter110GlnextTer17)",
        "NP_1.1:p.(Lys2_Arg5delinsAlaTer)",
        "NP_1.1:p.(Lys2fsTer3)",
        "NP_1.1:p.Lys2del",
        "NM_1:c.1A>G",
        "NM_1.1:c.1A>G ",
    ]
    return found


def test_common_shapes_are_valid_hgvs_of_their_kind(store_dir: Path) -> None:
    """What ``_COMMON`` matches (positions in order) parses, with the group's kind, a reference, and local part."""
    matched = 0
    for value in _values(store_dir):
        common = hgvs_syntax._COMMON.match(value)
        if common is None:
            continue
        if "_" in value and position_problem(common.lastgroup or "", value.partition(":")[2][2:]) is not None:
            continue  # the shape holds a range in reverse order: the rule checks positions after the match
        matched += 1
        try:
            hgvs = parse_hgvs(value)
        except HgvsError as exc:  # pragma: no cover - the failure this test is for
            pytest.fail(f"{value!r} matches _COMMON ({common.lastgroup}) but is not HGVS: {exc.reason}")
        reference, _, local = value.partition(":")
        assert (hgvs.kind, hgvs.reference, hgvs.local) == (common.lastgroup, reference, local)
    assert matched > 2000


@pytest.mark.parametrize(
    ("syntax", "value"),
    [
        ("hgvs.p", "NP_1.1:p.?"),
        ("hgvs.g", "NC_1.1:g.1_2insAC"),
        ("hgvs.c", "NM_1.1:c.1_2delinsAC"),
        ("hgvs.m", "NC_012920.1:m.3243A>G"),
        ("hgvs.p", "NP_1.1:p.(Lys2_Arg5del)"),
    ],
)
def test_common_shapes_of_their_syntax_have_no_verdict(syntax: str, value: str) -> None:
    """The shapes the shortcut now covers, under their own syntax, have no finding (and are taken by it)."""
    common = hgvs_syntax._COMMON.match(value)
    assert common is not None and common.lastgroup == hgvs_syntax._PLAIN_SYNTAX[syntax]
    assert hgvs_syntax._verdict(syntax, value) == ()
    kind = hgvs_syntax._PLAIN_SYNTAX[syntax]
    other = "hgvs.g" if kind != "g" else "hgvs.c"
    assert hgvs_syntax._verdict(other, value)[0][0] == "syntax"  # the wrong syntax is still reported


@pytest.mark.parametrize(
    ("value", "why"),
    [("NM_000138.5:c.2304insG", "an insertion names the two positions"),
     ("NM_000138.5:c.2304_2306insG", "an insertion lies between two neighbouring positions"),
     ("NC_000012.12:g.490504_93del", "positions in reverse order")])
def test_positions_are_checked_also_on_the_common_shapes(value: str, why: str) -> None:
    # `c.2304insG` from a hospital sheet was carried "as written" and validated clean
    (found,) = hgvs_syntax._verdict("hgvs.c" if ":c." in value else "hgvs.g", value)
    assert found[0] == "value" and why in found[1]
