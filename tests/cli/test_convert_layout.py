"""``phenotk convert --layout long`` writes the long table (the option reached the API but not the writer)."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import orjson


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_layout_long_and_wide_from_the_command_line(store_files: list[Path], tmp_path: Path) -> None:
    src = next(f for f in store_files if len(orjson.loads(f.read_bytes()).get("phenotypicFeatures", [])) >= 3)
    features = orjson.loads(src.read_bytes())["phenotypicFeatures"]
    for layout in ("long", "wide"):
        out = tmp_path / f"{layout}.csv"
        done = subprocess.run(
            [sys.executable, "-m", "phenotk", "convert", str(src), "-o", str(out), "--layout", layout, "--no-hpo"],
            capture_output=True, text=True, check=False,
        )
        assert done.returncode in (0, 1), done.stderr
        rows = _rows(out)
        if layout == "long":
            assert [r["hpo_id"] for r in rows] == [f["type"]["id"] for f in features]
        else:
            assert len(rows) == 1 and "hpo_id" not in rows[0]
            headers = {f"{f['type']['label']} ({f['type']['id']})" for f in features}
            assert {k for k in rows[0] if "(HP:" in k} == headers
