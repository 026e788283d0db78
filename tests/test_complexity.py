"""Cyclomatic complexity gate (radon): no function, method or class of validation/ and conversion/ above 25.

The same numbers ``.venv/bin/radon cc src/phenotk/validation src/phenotk/conversion -nc -s`` prints; 25 is
inside grade D (21–30). A function above it is split, not excused.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from radon.complexity import cc_visit
from radon.visitors import Class

SRC = Path(__file__).resolve().parent.parent / "src" / "phenotk"
PACKAGES = ("validation", "conversion")
LIMIT = 25


def _blocks(path: Path) -> Iterator[tuple[str, int]]:
    """(name, complexity) of every function, method and class in a module, as ``radon cc`` lists them."""
    for block in cc_visit(path.read_text(encoding="utf-8")):
        yield f"{path.relative_to(SRC.parent)}:{block.lineno} {block.fullname}", block.complexity
        if isinstance(block, Class):
            for method in block.methods:
                yield f"{path.relative_to(SRC.parent)}:{method.lineno} {method.fullname}", method.complexity


@pytest.mark.parametrize("package", PACKAGES)
def test_no_block_above_the_limit(package: str) -> None:
    files = sorted((SRC / package).rglob("*.py"))
    assert len(files) > 10
    blocks = [b for f in files for b in _blocks(f)]
    too_complex = sorted(f"{name} ({cc})" for name, cc in blocks if cc > LIMIT)
    assert not too_complex, "split these (radon cc above 25):\n" + "\n".join(too_complex)


def test_the_gate_sees_complex_code() -> None:
    """A function with 26 decision points is caught (the measure works, the gate is not vacuous)."""
    body = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(LIMIT))
    (fn,) = cc_visit(f"def f(x):\n{body}    return -1\n")
    assert fn.complexity == LIMIT + 1
