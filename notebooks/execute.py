"""Execute the notebooks in this folder in place (outputs kept), as ``make notebooks`` does.

Run: ``.venv/bin/python notebooks/execute.py [NAME.ipynb ...]`` (needs ../shared/data). A notebook whose outputs
name a folder of this machine (an absolute path) is not written: committed outputs must read the same anywhere.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
#: absolute paths as they show up in outputs: POSIX home/work/tmp folders, Windows drives, file URLs
MACHINE_PATH = re.compile(r"(?<![\w.~])(/(?:home|Users|work|tmp|root|private|var/folders|mnt)/[^\s'\"<>]+|[A-Za-z]:\\{1,2}[^\s'\"<>]+|file://[^\s'\"<>]+)")


def output_texts(nb: nbformat.NotebookNode) -> list[str]:
    """Every text an output of ``nb`` holds (streams, errors, text/plain, text/html, …; images left out)."""
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            texts.append(str(out.get("text", "")))
            texts.extend(str(v) for v in out.get("traceback", []))
            for mime, value in out.get("data", {}).items():
                if not mime.startswith("image/"):
                    texts.append(value if isinstance(value, str) else str(value))
    return texts


def machine_paths(nb: nbformat.NotebookNode, extra: list[str] | None = None) -> list[str]:
    """Absolute machine paths found in the outputs (plus any of the ``extra`` strings found)."""
    found = []
    for text in output_texts(nb):
        found += MACHINE_PATH.findall(text)
        found += [e for e in extra or [] if e and e in text]
    return found


def execute(path: Path, timeout: int = 900) -> nbformat.NotebookNode:
    """Run every cell of the notebook at ``path`` with the notebook's folder as working directory."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=timeout, resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def main(names: list[str]) -> None:
    for path in [HERE / n for n in names] or sorted(HERE.glob("*.ipynb")):
        print(f"executing {path.name}", flush=True)
        nb = execute(path)
        leaks = machine_paths(nb, [str(HERE.parent.parent), str(Path.home())])
        if leaks:
            raise SystemExit(f"{path.name}: outputs name machine paths, not written: {sorted(set(leaks))[:5]}")
        nbformat.write(nb, path)


if __name__ == "__main__":
    main(sys.argv[1:])
