"""The search placement of a text known to be its tree's 2-space serialisation (``note_canonical``) answers as the
serialising placement and the full source map do, and steps aside for what it cannot search."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import orjson
import pytest

from phenotk.io import jsonpos
from phenotk.io.duplicate_keys import duplicate_keys
from phenotk.io.jsonpos import locate_canonical, note_canonical
from phenotk.io.sourcemap import SourceMap

from .test_locate import _pointers


def _searched(raw: bytes, tree: Any, wanted: list[str]) -> dict[str, tuple[int, int]] | None:
    """The search placement's own answer (None: it stepped aside)."""
    return jsonpos._find_known(raw, tree, set(wanted))


def _serialised(raw: bytes, tree: Any, wanted: list[str]) -> dict[str, tuple[int, int]] | None:
    """The serialising placement's answer: a copy of the tree is no tree noted as the text's."""
    return locate_canonical(raw, copy.deepcopy(tree), wanted)


ODD = [
    "/nope",
    "/nope/deeper",
    "/list/01",
    "/list/00",
    "/list/-",
    "/list/99",
    "/list/",
    "/a~1b~0c//2/1/k/0/z",
    "/z/7/q",
]

TREES: list[Any] = [
    {"id": "P1", "ä-key": {"ö": [1, 'é,\n  "x": 2']}, "a/b~c": {"": [[], {}, [[1, 2], {"k": [3]}]]}},
    {"s": 'line\nbreak, "q": 1', "list": [1, 2.5, None, True, "a,b", {"x": {}}, [], [{"y": [1]}], "z"]},
    {"deep": [[[[[[{"k": [0, {"leaf": "\u2028 \t tab"}]}]]]]]], "z": [{"q": i} for i in range(12)]},
    {"z": [{}, {"q": {}}, {"q": []}, {"q": [{"q": 1}]}, {}, {"q": "\n    {"}, {"q": 2}, {"q": 3}]},
    {"metaData": {"resources": [{"id": "hp", "name": "\u00e9 \U0001f600"}] * 12}, "emoji \U0001f600": {"é": 1}},
    {"list": [{"a": 1}, "x", {"b": 2}], "z": [[{"q": 1}], {"q": 2}]},
]


@pytest.mark.parametrize("tree", TREES)
@pytest.mark.parametrize("newline", [b"", b"\n"])
def test_search_answers_as_the_serialising_placement(tree: Any, newline: bytes) -> None:
    raw = orjson.dumps(tree, option=orjson.OPT_INDENT_2) + newline
    full = SourceMap.from_json(raw.decode("utf-8"))
    every = [*_pointers(tree), *ODD]
    for wanted in ([p] for p in every):
        want = {p: full.locate(p) for p in wanted}
        assert _serialised(raw, tree, wanted) == want
        got = _searched(raw, tree, wanted)
        if got is not None:
            assert got == want
    assert duplicate_keys(raw, tree) == []  # notes the text as the tree's own: locate_canonical searches
    want = {p: full.locate(p) for p in every}
    assert locate_canonical(raw, tree, every) == want


def test_search_steps_aside_for_items_after_one_that_is_no_object() -> None:
    tree = {"list": [{"a": 1}, "x", {"b": 2}], "z": [[{"q": 1}], {"q": 2}], "y": [{"q": 1}, {"q": 2}]}
    raw = orjson.dumps(tree, option=orjson.OPT_INDENT_2)
    assert _searched(raw, tree, ["/list/2/b"]) is None
    assert _searched(raw, tree, ["/list/1"]) is None
    assert _searched(raw, tree, ["/z/1/q"]) is None
    assert _searched(raw, tree, ["/list/0/a", "/y/1/q"]) == _serialised(raw, tree, ["/list/0/a", "/y/1/q"])
    # a token orjson cannot write (a lone surrogate) is no key of a parsed tree: the serialising placement answers
    assert _searched(raw, tree, ["/y/0/\ud800"]) is None
    note_canonical(raw, tree)
    assert locate_canonical(raw, tree, ["/y/0/\ud800", "/y/1/q"]) == _serialised(raw, tree, ["/y/0/\ud800", "/y/1/q"])
    # a search that finds no member where the tree has one: the text is not the tree's (never noted so)
    assert _searched(raw.replace(b'"y"', b'"w"'), tree, ["/y"]) is None


def test_only_the_noted_objects_are_searched() -> None:
    tree = {"id": "P1", "subject": {"id": "S1", "sex": "MALE"}}
    raw = orjson.dumps(tree, option=orjson.OPT_INDENT_2)
    other = orjson.dumps({"subject": {"id": "S1", "sex": "MALE"}, "id": "P1"}, option=orjson.OPT_INDENT_2)
    note_canonical(raw, tree)
    # the same tree with another text (or an equal copy of the tree) is placed by serialising: not searched
    assert locate_canonical(other, tree, ["/subject/sex"]) is None
    assert locate_canonical(raw, dict(tree), ["/subject/sex"]) == {"/subject/sex": (5, 12)}
    assert locate_canonical(raw, tree, ["/subject/sex"]) == {"/subject/sex": (5, 12)}


@pytest.mark.slow
def test_search_agrees_on_the_store(store_files: list[Path]) -> None:
    rng = random.Random(11)
    searched = 0
    for path in store_files[::20]:
        raw = path.read_bytes()
        tree = orjson.loads(raw)
        assert duplicate_keys(raw, tree) == []
        every = list(_pointers(tree))
        for size in (1, 3, 8):
            wanted = [*rng.sample(every, min(size, len(every))), "/files", "/phenotypicFeatures/999/type"]
            got = _searched(raw, tree, wanted)
            assert got is not None
            assert got == _serialised(raw, tree, wanted) == locate_canonical(raw, tree, wanted)
            searched += 1
    assert searched > 1000
