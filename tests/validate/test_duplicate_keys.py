"""schema-duplicate-key on real store packets: a member line copied in the text is caught at its pointer.

The fast path (quote counts) must never hide a repetition and never report one on an unmodified file; the exact
scan must name the member the mutation repeated, wherever it sits (top level, subject, a feature deep in a list).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import orjson
import pytest

import phenotk
from phenotk.io.duplicate_keys import duplicate_keys, scan
from phenotk.io.sourcemap import escape

pytestmark = pytest.mark.shared


class _Twice(dict):  # type: ignore[type-arg]
    """An object whose member ``key`` is written twice by ``json.dumps`` (first with ``first``, then the real value)."""

    def __init__(self, data: dict[str, object], key: str, first: object) -> None:
        super().__init__(data)
        self.key, self.first = key, first

    def items(self):  # type: ignore[no-untyped-def, override]
        for k, v in super().items():
            if k == self.key:
                yield k, self.first
            yield k, v


def _objects(node: object, ptr: str = "") -> list[tuple[str, dict[str, object]]]:
    """Every object of the tree with its pointer."""
    out: list[tuple[str, dict[str, object]]] = []
    if isinstance(node, dict):
        out.append((ptr, node))
        for k, v in node.items():
            out += _objects(v, f"{ptr}/{escape(k)}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _objects(v, f"{ptr}/{i}")
    return out


def _with_copy(tree: dict[str, object], ptr: str, key: str) -> object:
    """``tree`` with the object at ``ptr`` replaced by one writing ``key`` twice."""

    def rebuild(node: object, here: str) -> object:
        if isinstance(node, dict):
            kids = {k: rebuild(v, f"{here}/{escape(k)}") for k, v in node.items()}
            return _Twice(kids, key, "first value") if here == ptr else kids
        if isinstance(node, list):
            return [rebuild(v, f"{here}/{i}") for i, v in enumerate(node)]
        return node

    return rebuild(tree, "")


def test_unmodified_store_has_no_repeated_key(store_files: list[Path]) -> None:
    for path in store_files:
        raw = path.read_bytes()
        assert duplicate_keys(raw, orjson.loads(raw)) == [], path


def test_copied_member_line_is_caught_at_its_pointer(store_files: list[Path], tmp_path: Path) -> None:
    rng = random.Random(7)
    sample = rng.sample(store_files, 40)
    mutated: list[tuple[Path, str]] = []
    for n, path in enumerate(sample):
        tree = json.loads(path.read_text(encoding="utf-8"))
        where, obj = rng.choice([(p, o) for p, o in _objects(tree) if o])
        key = rng.choice(sorted(obj))
        pointer = f"{where}/{escape(key)}"
        text = json.dumps(_with_copy(tree, where, key), indent=2, ensure_ascii=False)
        assert text.count(f'"{key}": ') > json.dumps(tree, indent=2, ensure_ascii=False).count(f'"{key}": ')
        target = tmp_path / f"{n}.json"
        target.write_text(text + "\n", encoding="utf-8")
        raw = target.read_bytes()
        found = duplicate_keys(raw, orjson.loads(raw))
        assert [d.member for d in found] == [pointer] and found == scan(raw), (path, pointer)
        mutated.append((target, pointer))
    report = phenotk.validate([str(p) for p, _ in mutated], hpo=False)
    got = {(r.path, i.pointer) for r, i in report.iter_issues() if i.rule == "schema-duplicate-key"}
    assert got == {(str(p), ptr) for p, ptr in mutated}
    lines_ok = [i for _, i in report.iter_issues() if i.rule == "schema-duplicate-key" and i.line is not None]
    assert len(lines_ok) == len(mutated)
