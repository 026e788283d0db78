"""``io.writers.json_indented`` (orjson) writes exactly what ``json.dumps(..., indent=2)`` wrote (issue 19 speed-up)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from phenotk.io.writers import json_indented


def _stdlib(tree: Any) -> bytes:
    return (json.dumps(tree, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def test_same_bytes_as_the_stdlib_on_store_packets(store_files: list[Path]) -> None:
    files = [p for p in store_files if p.suffix == ".json"][::25]  # every 25th: ~300 real packets
    assert len(files) > 100
    for path in files:
        tree = json.loads(path.read_bytes())
        assert json_indented(tree) == _stdlib(tree), path


@pytest.mark.parametrize("value", [
    "a\x00b\x1f\x7f\u2028é\"\\/\b\f\n\r\t", 1.5, 100.0, 0.1, -0.0, 1e-05, 1e16, 2.5e-300, 2**62, 2**70, True, None,
    {}, [], {"a": []}, [{}], {1: "int key"}, ("tuple",), "10e5 in a string",
])
def test_same_bytes_as_the_stdlib_on_edge_values(value: Any) -> None:
    tree = {"k": value, "nested": [{"v": value}]}
    assert json_indented(tree) == _stdlib(tree)


def test_what_json_cannot_hold_still_fails_like_the_stdlib() -> None:
    with pytest.raises(TypeError):
        json_indented({"k": object()})


def test_strings_that_look_like_floats_do_not_force_the_stdlib(monkeypatch) -> None:
    """A time inside a string (every converted packet's metaData.created) is no float token: orjson's bytes are
    used (the stdlib is not called), and they equal the stdlib's."""
    import json as stdlib_json

    from phenotk.io import writers

    tree = {"created": "2026-12-07T00:24:05.552836Z", "note": "ratio: 5.5, [1.5]", "n": 3, "ok": True}
    want_line = (stdlib_json.dumps(tree, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
    want_indented = (stdlib_json.dumps(tree, ensure_ascii=False, indent=2) + "\n").encode()

    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("fell back to the stdlib")

    monkeypatch.setattr(writers.json, "dumps", refuse)
    assert writers.json_line(tree) == want_line and writers.json_indented(tree) == want_indented
