"""Fixes spliced into real phenopacket-store files: same tree as a JSON Patch, diff only on fixed lines."""

from __future__ import annotations

import difflib
import json
import random
from pathlib import Path

import pytest

from phenotk.fixes.apply import apply_to_text
from phenotk.fixes.jsontext import scan
from phenotk.fixes.patch import apply_to_tree
from phenotk.io.sourcemap import split
from phenotk.issue import Fix, PatchOp


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset)


def _random_fixes(rng: random.Random, data: dict) -> list[Fix]:
    feats = data.get("phenotypicFeatures", [])
    fixes: list[Fix] = []
    for i, f in enumerate(feats):
        roll = rng.random()
        if roll < 0.15 and "label" in f.get("type", {}):
            fixes.append(Fix((PatchOp("replace", f"/phenotypicFeatures/{i}/type/label", f"label {i} ü"),)))
        elif roll < 0.3:
            fixes.append(Fix((PatchOp("remove", f"/phenotypicFeatures/{i}"),)))
        elif roll < 0.35:
            fixes.append(Fix((PatchOp("add", f"/phenotypicFeatures/{i}/excluded", True),)))
    fixes.append(Fix((PatchOp("add", "/metaData/resources/-", {"id": "geno", "version": "2025-01-01"}),)))
    return fixes


def _allowed_lines(text: str, fixes: list[Fix]) -> tuple[set[int], int]:
    """Original lines a fix may touch (its value/element lines, the neighbour's comma line) and the line delta."""
    spans = scan(text)
    allowed: set[int] = set()
    delta = 0
    for fxx in fixes:
        for op in fxx.ops:
            tokens = split(op.path)
            parent = "".join("/" + t for t in tokens[:-1])
            if op.op in ("replace", "remove"):
                s = spans[op.path]
                lines = range(_line(text, s.item_start), _line(text, s.end) + 1)
                allowed.update(lines)
                allowed.add(lines[0] - 1)  # the previous sibling's comma
                if op.op == "remove":
                    delta -= len(lines)
                    p = spans[parent]
                    if len(p.children) == 1:  # "[ … ]" collapses to "[]" on the opening line
                        allowed.update({_line(text, p.start), _line(text, p.end)})
                        delta -= 1
            elif op.path in spans:  # "add" of an existing member replaces it
                allowed.add(_line(text, spans[op.path].start))
            else:
                p = spans[parent]
                last = spans[parent + "/" + p.children[-1]] if p.children else p
                allowed.update({_line(text, last.end), _line(text, p.end)})
                delta += len(json.dumps({"k": op.value}, indent=2).splitlines()) - 2
    return allowed, delta


def _is_subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(line == b for b in it) for line in small)


@pytest.mark.slow
def test_store_packets_splice_cleanly(store_files: list[Path]) -> None:
    rng = random.Random(20250506)
    sample = rng.sample(store_files, 300)
    for path in sample:
        text = path.read_text()
        data = json.loads(text)
        fixes = _random_fixes(rng, data)
        out = apply_to_text(text, "json", fixes, data)
        assert out.method == "splice", (path, out.note)
        expected, _ = apply_to_tree(data, fixes)
        assert json.loads(out.text or "") == expected
        allowed, delta = _allowed_lines(text, fixes)
        before, after = text.splitlines(), (out.text or "").splitlines()
        # every line no fix is about survives, in order, and the line count moves only by what was cut/added
        kept = [line for i, line in enumerate(before) if i not in allowed]
        assert _is_subsequence(kept, after), path
        assert len(after) == len(before) + delta, path
        removed = [d for d in difflib.ndiff(before, after) if d.startswith("- ")]
        assert len(removed) <= len(allowed), path
