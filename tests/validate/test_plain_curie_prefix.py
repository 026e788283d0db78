"""The id rules' regex-free test of the usual ids (``plain_curie_prefix``) agrees with their regex path."""

from __future__ import annotations

import random
import re
from pathlib import Path

from phenotk.validation.helpers import CURIE, curie_prefix, plain_curie_prefix
from phenotk.validation.rules.syntax.curie_syntax import _problem


def _ids(store_dir: Path) -> list[str]:
    """The ids of every third store file, each also edited at random, and hand-made edge cases."""
    found: set[str] = set()
    for f in sorted(store_dir.glob("*/*.json"))[::3]:
        found.update(re.findall(r'"(?:id|valueId)": "([^"]*)"', f.read_text()))
    ids = sorted(found)
    rnd = random.Random(3)
    tokens = ["1", "²", "١", " ", ":", "\n", "0", "X", "hp", "HPO", "MIM", "_", "."]
    for value in list(ids):
        i = rnd.randrange(len(value) + 1)
        ids.append(value[:i] + rnd.choice(tokens) + value[i + rnd.randint(0, 1) :])
    ids += ["HP:0001250\n", "HP:000125", "HP:00012500", "OMIM:1234567", "HGNC:", "ORPHA:12345678", ":1234567"]
    ids += ["HP::1234567", "HP:１２３４５６７", "hp:0001250", "MIM:154700", "HGNC:0", "ORPHA:1"]
    return ids


def test_plain_ids_are_fine_for_the_regex_path(store_dir: Path) -> None:
    """An id given a prefix has that prefix for :func:`curie_prefix`, and ``curie-syntax`` finds nothing wrong."""
    decided = 0
    for value in _ids(store_dir):
        prefix = plain_curie_prefix(value)
        if prefix is None:
            continue
        decided += 1
        assert prefix == curie_prefix(value), value
        assert _problem(value, CURIE.match(value)) is None, value
    assert decided > 3000  # the shortcut is taken (HP, OMIM, HGNC, MONDO ids)


def test_odd_ids_are_left_to_the_regex() -> None:
    """Other digits, wrong lengths, aliases and unknown prefixes are not decided here."""
    for value in ("HP:１２３４５６７", "HP:000125", "hp:0001250", "MIM:154700", "HP:0001250\n", "NCIT:C46113", "x"):
        assert plain_curie_prefix(value) is None, value
    assert plain_curie_prefix("HP:0001250") == "HP"
    assert plain_curie_prefix("HGNC:3603") == "HGNC"
