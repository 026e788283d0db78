"""Run every benchmark script in this folder (or those named on the command line) and print their numbers.

Run: ``make bench`` or ``.venv/bin/python benchmarks/run.py [io_read ontology ...]``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith(("_", "run")))
    status = 0
    for name in names:
        print(f"== {name}", flush=True)
        proc = subprocess.run([sys.executable, str(HERE / f"{name}.py")], check=False)
        status = status or proc.returncode
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
