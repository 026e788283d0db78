"""Protobuf map fields (``fileAttributes``, ``individualToFileIdentifiers`` …) are written in sorted key order.

A protobuf map iterates in its hash table's order, which changes from one process to the next: converting the
v2 schema's ``family.json`` five times gave five different files. The JSON/YAML writers now sort map keys, so
the same input gives the same bytes in every process (a diff between two conversions shows only real changes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def _maps(node: Any, out: list[list[str]]) -> list[list[str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("fileAttributes", "individualToFileIdentifiers") and isinstance(value, dict):
                out.append(list(value))
            _maps(value, out)
    elif isinstance(node, list):
        for item in node:
            _maps(item, out)
    return out


def test_same_bytes_in_every_process(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / "v2-examples" / "family.json"
    outputs = []
    for seed in ("1", "2", "3", "4"):
        out = tmp_path / f"out-{seed}.json"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-m", "phenotk", "convert", str(src), "-o", str(out), "-q"],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        outputs.append(out.read_bytes())
    assert len(set(outputs)) == 1
    maps = _maps(json.loads(outputs[0]), [])
    assert any(len(keys) >= 3 for keys in maps)  # the example has maps worth ordering
    assert all(keys == sorted(keys) for keys in maps)
