"""``locate_json`` (the engine's fast, skipping locator) agrees with the full JSON source map."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from phenotk.io.duplicate_keys import duplicate_keys
from phenotk.io.jsonpos import locate_canonical, locate_json
from phenotk.io.sourcemap import SourceMap, escape


def _pointers(value: Any, ptr: str = "") -> Iterator[str]:
    yield ptr
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _pointers(v, f"{ptr}/{escape(k)}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _pointers(v, f"{ptr}/{i}")


def _agree(text: str, pointers: list[str]) -> bool:
    """Both locators give the full source map's answer; True when the canonical shortcut applied."""
    full = SourceMap.from_json(text)
    got = locate_json(text, pointers)
    for p in pointers:
        assert got.get(p) == full.locate(p), p
    canonical = locate_canonical(text.encode("utf-8"), json.loads(text), pointers)
    if canonical is not None:
        for p in pointers:
            assert canonical[p] == full.locate(p), p
    return canonical is not None


@pytest.mark.slow
def test_locate_agrees_with_the_source_map_on_the_store(store_files: list[Path]) -> None:
    rng = random.Random(7)
    checked = shortcut = 0
    for path in store_files[::25]:
        text = path.read_text(encoding="utf-8")
        every = list(_pointers(json.loads(text)))
        for size in (1, 2, 4, 9):
            wanted = rng.sample(every, min(size, len(every)))
            # pointers that do not exist resolve to their nearest existing ancestor
            wanted += ["/phenotypicFeatures/999/type", "/subject/nothing", "/metaData/resources/0/nothing"]
            shortcut += _agree(text, wanted)
            checked += 1
    assert checked > 1000
    assert shortcut == checked  # every store file is 2-space-indented JSON: the canonical path is exercised


def test_locate_handles_awkward_text() -> None:
    deep: Any = {"leaf": 1}
    for _ in range(12):  # deeper than the one-step skip pattern: the bracket-by-bracket path
        deep = {"d": [deep, {"x": "]}"}]}
    doc = {
        "a": [1, "x", {"s": 'brackets ] } [ { and "quotes" and \\ inside'}, [[], {}], None, True, 2.5e3],
        "deep": [deep, deep],
        "ünï/cödé~": {"k": "é"},
        "z": [{"q": i} for i in range(30)],
    }
    for indent, canonical in ((None, False), (1, False), (4, False), (2, True)):
        text = json.dumps(doc, indent=indent, ensure_ascii=indent == 4)
        if canonical:  # the 2-space form orjson writes, unicode kept, with a trailing newline
            text = orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n"
        every = list(_pointers(json.loads(text)))
        for p in every:
            assert _agree(text, [p]) is canonical
        _agree(text, every[::3])
        _agree(text, ["/z/29/q", "/z/3", "/a/5", "/deep/1/d/0/d/1/x", "/z/31", "/a/2/s", "/a/01", "/a/-"])


def test_locate_canonical_checks_only_the_text_before_each_pointer() -> None:
    doc = {"a": {"x": [1, {"y": "é"}]}, "b": [{"c": 1}, {"c": 2}], "z": {"k": 1}}
    canonical = orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode()
    # 2-space indented up to "z", compact after it: pointers before "z" are placed, one inside it is refused
    text = canonical[: canonical.index('"z"')] + '"z": {"k":1}}'
    assert _agree(text, ["/a/x/1/y", "/b/1/c", "/z", "/b/5", "/a/nothing"])
    assert locate_canonical(text.encode(), json.loads(text), ["/z/k"]) is None
    assert locate_json(text, ["/z/k"])["/z/k"] == SourceMap.from_json(text).locate("/z/k")
    # a repeated key: the parsed value is the last one, the text before the first differs from it
    dup = '{\n  "a": {\n    "x": 1\n  },\n  "b": 2,\n  "a": {\n    "y": 3\n  }\n}'
    assert locate_canonical(dup.encode(), json.loads(dup), ["/a/y"]) is None
    assert locate_canonical(dup.encode(), json.loads(dup), ["/b"]) is None
    # the first "a", where the engine's fallback (locate_json) places it too
    assert locate_canonical(dup.encode(), json.loads(dup), ["/a"]) == locate_json(dup, ["/a"]) == {"/a": (2, 8)}


def test_locate_leaves_out_what_malformed_text_cannot_place() -> None:
    assert locate_json('{"a": [1, 2', ["/a/1"]) == {"/a/1": (1, 11)}
    assert locate_json('{"a": "unterminated', ["/b"]) == {"/b": (1, 1)}
    assert locate_json("", ["/a"]) == {}


def test_locate_one_first_member_shortcut_agrees(store_files: list[Path], tmp_path: Path) -> None:
    """``/id`` of a store file comes from the ``{\\n  "id": `` shortcut; other layouts take the full way."""
    from phenotk.io import iter_documents
    from phenotk.io.positions import locate, locate_one

    for path in store_files[::50]:
        (doc,) = iter_documents([path])
        full = SourceMap.from_json(path.read_text(encoding="utf-8"))
        assert locate_one(doc, "/id") == full.locate("/id") == (2, 9)
        assert locate_one(doc, "/subject") == full.locate("/subject") == locate(doc, ["/subject"])["/subject"]
    data = {"subject": {"id": "s1"}, "id": "p1"}  # id not first, compact, YAML: no shortcut, same answers
    for name, text in (
        ("late.json", json.dumps(data, indent=2)),
        ("compact.json", json.dumps(data)),
        ("doc.yaml", "subject:\n  id: s1\nid: p1\n"),
    ):
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        (doc,) = iter_documents([p])
        assert locate_one(doc, "/id") == doc.locate("/id") != (None, None), name


def test_an_integer_past_64_bits_steps_aside_to_the_scan(tmp_path: Path) -> None:
    """orjson cannot write such an integer: the canonical locator gives way (it raised a TypeError before)."""
    data = {"id": "P1", "measurements": [10**40, {"value": 1}], "subject": {"id": "S1"}}
    raw = json.dumps(data, indent=2).encode()
    assert locate_canonical(raw, data, ["/subject/id", "/measurements/1"]) is None
    text = raw.decode()
    line = text[: text.index('"S1"')].count("\n") + 1
    assert locate_json(text, ["/subject/id"]) == {"/subject/id": (line, 11)}
    import phenotk

    p = tmp_path / "big.json"
    p.write_bytes(raw)
    report = phenotk.validate(str(p))
    assert not [i for i in report.issues if i.rule == "internal-error"]
    assert all(i.line for i in report.issues if i.pointer)


def test_locate_canonical_checks_the_text_between_wanted_siblings() -> None:
    """One pass places several items of an array and keys of an object; a piece between them that is not
    2-space JSON refuses the whole set (the scan places them), while the pointers before it are still placed."""
    doc = {"a": [{"k": 1}, {"k": 2}, {"k": 3}, {"k": 4}], "b": {"x": 1, "y": [1, 2], "z": "é"}}
    text = orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode()
    wanted = ["/a/0/k", "/a/2/k", "/a/3", "/b/x", "/b/z", "/b/y/1", "/a/9", "/b/nothing/deeper"]
    assert _agree(text, wanted)
    assert _agree(text, wanted[::-1])
    # item 1 of "a" written compactly: the text between /a/0 and /a/2 differs from its serialisation
    squeezed = text.replace('{\n      "k": 2\n    }', '{"k": 2}')
    assert json.loads(squeezed) == doc
    assert locate_canonical(squeezed.encode(), doc, ["/a/0/k", "/a/2/k"]) is None
    assert _agree(squeezed, ["/a/0/k", "/b/z"]) is False  # /b/z lies after the compact item too
    assert _agree(squeezed, ["/a/0/k", "/a/1"])  # nothing wanted after the compact item's start


HOSTILE_TREES: list[Any] = [
    {"id": "P1", "ä-key": {"ö": [1, "é,\n  \"x\": 2"]}, "a/b~c": {"": [[], {}, [[1, 2], {"k": [3]}]]}},
    {"s": "line\nbreak, \"q\": 1", "list": [1, 2.5, None, True, "a,b", {"x": {}}, [], [{"y": [1]}], "z"]},
    {"deep": [[[[[[[[{"k": [0, {"leaf": "\u2028 \t tab"}]}]]]]]]]]},
    {"metaData": {"resources": [{"id": "hp", "name": "\u00e9 \U0001f600"}] * 12}, "emoji \U0001f600": 1},
    {},
]


@pytest.mark.parametrize("tree", HOSTILE_TREES)
@pytest.mark.parametrize("newline", [b"", b"\n"])
def test_canonical_and_scan_agree_on_hostile_serialised_trees(tree: Any, newline: bytes) -> None:
    """The no-scan path (2-space text of its own tree) and the scan answer alike, pointer by pointer and all at once."""
    raw = orjson.dumps(tree, option=orjson.OPT_INDENT_2) + newline
    assert duplicate_keys(raw, tree) == []
    text = raw.decode("utf-8")
    every = [*_pointers(tree), "/nope", "/list/01", "/list/99", "/deep/0/0/x", "/a~1b~0c//2/1/k/0/z"]
    full = SourceMap.from_json(text)
    want = {p: full.locate(p) for p in every}
    assert locate_canonical(raw, tree, every) == want
    assert locate_json(text, every) == want
    for p in every:
        assert locate_canonical(raw, tree, [p]) == {p: want[p]}


def test_locate_one_on_pointers_that_are_no_plain_first_member(tmp_path: Path) -> None:
    from phenotk.io.positions import locate, locate_one
    from phenotk.io.readers import read_document

    tree = {"a b": 1, "é": {"x": 2}, "id": "P1", "": 3, "1x": 4}
    f = tmp_path / "p.json"
    f.write_bytes(orjson.dumps(tree, option=orjson.OPT_INDENT_2))
    doc = read_document(f)
    full = SourceMap.from_json(f.read_text(encoding="utf-8"))
    for pointer in ("/a b", "/a~1b", "/é", "/é/x", "/id", "/", "", "/1x", "a b", "/nope"):
        for _ in range(2):  # the second time from the kept answer
            assert locate_one(doc, pointer) == locate(doc, [pointer])[pointer] == full.locate(pointer), pointer
