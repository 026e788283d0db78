"""readiness _common._all_hp: two counts over the NUL-joined ids answer "every id a string starting HP:".

True only when it is so; False also for a list with an id holding a NUL (the caller then takes the item loop).
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from phenotk.validation.rules.readiness import _common as C


def _definition(ids: list[Any]) -> bool:
    return all(isinstance(i, str) and i.startswith("HP:") for i in ids)


def test_all_hp_agrees_with_startswith_on_hostile_ids() -> None:
    rng = random.Random(11)
    parts = ["HP:", "HP", "H", "P:", ":", "\0", "\0HP:", "0001250", "hp:", "ORPHA:1", "", " ", "HP:\0", "\0\0"]
    lists: list[list[str]] = [["HP:0001250"], ["HP"], [""], ["\0HP:1"], ["HP:1\0HP:2"], ["HP:1", "\0HP:2"]]
    lists += [
        ["".join(rng.choices(parts, k=rng.randint(0, 3))) for _ in range(rng.randint(1, 5))] for _ in range(20_000)
    ]
    agreed_true = 0
    for ids in lists:
        want = _definition(ids)
        got = C._all_hp(ids)
        if got or not any("\0" in i for i in ids):
            assert got is want, ids
        agreed_true += got
    assert agreed_true > 100


@pytest.mark.parametrize("ids", [["HP:1", 5], [None], ["HP:1", ["HP:2"]], [b"HP:1"]])
def test_all_hp_raises_type_error_for_an_id_that_is_no_string(ids: list[Any]) -> None:
    with pytest.raises(TypeError):
        C._all_hp(ids)
