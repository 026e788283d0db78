"""Execute the notebooks in this folder in place (outputs kept), as ``make notebooks`` does.

Run: ``.venv/bin/python notebooks/execute.py [NAME.ipynb ...]`` (needs ../shared/data).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent


def execute(path: Path, timeout: int = 900) -> nbformat.NotebookNode:
    """Run every cell of the notebook at ``path`` with the notebook's folder as working directory."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=timeout, resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def main(names: list[str]) -> None:
    for path in [HERE / n for n in names] or sorted(HERE.glob("*.ipynb")):
        print(f"executing {path.name}", flush=True)
        nbformat.write(execute(path), path)


if __name__ == "__main__":
    main(sys.argv[1:])
