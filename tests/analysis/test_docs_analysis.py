"""docs/analysis.md: its python examples run (as README.md's do, with tests/readme_examples.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_docs_analysis_examples_run(shared_data: Path) -> None:
    env = {**os.environ, "PHENOTK_SHARED_DATA": str(shared_data), "MPLBACKEND": "Agg"}
    run = subprocess.run([sys.executable, str(REPO / "tests" / "readme_examples.py"), "--readme",
                          str(REPO / "docs" / "analysis.md")], capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " 0 failed" in run.stdout and "4 passed" in run.stdout, run.stdout[-2000:]
