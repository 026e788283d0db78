"""The notebooks run without errors on ../shared/data and show real numbers from the store."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _run(name: str, shared: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    monkeypatch.setenv("PHENOTK_SHARED_DATA", str(shared))
    monkeypatch.setenv("PHENOTK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=900, resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()  # raises CellExecutionError on any failing cell
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            texts.append(out.get("text", ""))
            data = out.get("data", {})
            texts.append(data.get("text/plain", ""))
            texts.append(data.get("text/html", ""))
            if "image/png" in data:
                texts.append("<png>")
    return "\n".join(texts)


@pytest.mark.slow
def test_validate_notebook(shared_data: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    text = _run("01-validate-a-cohort.ipynb", shared_data, monkeypatch, tmp_path)
    n_files = len(list((shared_data / "phenopacket-store").glob("*/*.json")))
    assert f"'files': {n_files}" in text
    assert "HPO 2025-05-06" in text
    assert re.search(r"\d+ bytes of SARIF; \d+ results", text)


@pytest.mark.slow
def test_explore_notebook(shared_data: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    text = _run("03-explore-the-store.ipynb", shared_data, monkeypatch, tmp_path)
    n_files = len(list((shared_data / "phenopacket-store").glob("*/*.json")))
    assert f"{n_files} phenopackets" in text
    assert "Global developmental delay" in text
    assert text.count("<png>") == 3


@pytest.mark.slow
def test_spreadsheet_notebook(shared_data: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    text = _run("02-spreadsheet-to-phenopackets.ipynb", shared_data, monkeypatch, tmp_path)
    # the converter reports the unreadable cell and the unmapped column …
    assert "map-bad-cell" in text and "'yse' under Hypotonia" in text
    assert "map-unmapped-column" in text
    # … the validator catches the missing HGNC id, and after mapping it and fixing, nothing is left
    assert "GeneDescriptor is missing REQUIRED field 'valueId'" in text
    assert "after fixing: {'files': 3, 'errors': 0, 'warnings': 0, 'info': 0}" in text
