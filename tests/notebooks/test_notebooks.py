"""The notebooks run without errors on ../shared/data, show real numbers from the store, and name no machine path."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _execute_module():
    spec = importlib.util.spec_from_file_location("notebooks_execute", NOTEBOOKS / "execute.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(name: str, shared: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    monkeypatch.setenv("PHENOTK_SHARED_DATA", str(shared))
    monkeypatch.setenv("PHENOTK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=900, resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()  # raises CellExecutionError on any failing cell
    # what a fresh run prints names no folder of this machine either
    assert _execute_module().machine_paths(nb, [str(shared), str(NOTEBOOKS.parent), str(tmp_path)]) == []
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


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_committed_outputs_name_no_machine_path(path: Path) -> None:
    execute = _execute_module()
    nb = nbformat.read(path, as_version=4)
    assert any(cell.get("outputs") for cell in nb.cells), "commit the notebook with its outputs"
    assert execute.machine_paths(nb, [str(NOTEBOOKS.parent), str(Path.home())]) == []
    assert path.stat().st_size < 500_000  # bounded reprs: no cell embeds megabytes


def test_machine_path_check_finds_paths() -> None:
    execute = _execute_module()
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("stream", text="wrote /home/alice/store/a.json\n"),
        nbformat.v4.new_output("execute_result", data={"text/html": "<td>C:\\Users\\bob\\a.json</td>"}),
        nbformat.v4.new_output("stream", text="'D:\\\\data\\\\x.json'\n"),
    ]
    nb.cells.append(cell)
    assert len(execute.machine_paths(nb)) == 3
    cell.outputs = [nbformat.v4.new_output("stream", text="phenopacket-store/FBN1/a.json 1/2 n/a\n")]
    assert execute.machine_paths(nb) == []


@pytest.mark.slow
def test_validate_notebook(shared_data: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    text = _run("01-validate-a-cohort.ipynb", shared_data, monkeypatch, tmp_path)
    n_files = len(list((shared_data / "phenopacket-store").glob("*/*.json")))
    assert f"'files': {n_files}" in text
    assert "HPO 2025-05-06" in text
    assert re.search(r"\d+ bytes of SARIF; \d+ results", text)
    assert re.search(r"… \d+ more finding\(s\)", text)  # the store's report, bounded


@pytest.mark.slow
def test_explore_notebook(shared_data: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    text = _run("03-explore-the-store.ipynb", shared_data, monkeypatch, tmp_path)
    n_files = len(list((shared_data / "phenopacket-store").glob("*/*.json")))
    assert f"{n_files} phenopackets" in text
    assert "Seizure" in text and "Intellectual disability" in text and "observed_direct" in text
    assert "Float64" in text and "category" in text  # typed frames
    assert text.count("<png>") == 3


@pytest.mark.slow
def test_genotype_phenotype_notebook(shared_data: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    text = _run("04-genotype-phenotype.ipynb", shared_data, monkeypatch, tmp_path)
    n_lmna = len(list((shared_data / "phenopacket-store" / "LMNA").glob("*.json")))
    assert f"CohortView({n_lmna} phenopackets" in text
    assert "groups by variant_effect" in text and "missense" in text
    assert "Fisher exact test" in text and "Benjamini–Hochberg" in text
    assert "Lipodystrophy" in text


@pytest.mark.slow
def test_spreadsheet_notebook(shared_data: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    text = _run("02-spreadsheet-to-phenopackets.ipynb", shared_data, monkeypatch, tmp_path)
    # the converter reports the unreadable cell and the unmapped column …
    assert "map-bad-cell" in text and "'yse' under Hypotonia" in text
    assert "map-unmapped-column" in text
    # … the validator catches the missing HGNC id, and after mapping it and fixing, nothing is left
    assert "GeneDescriptor is missing REQUIRED field 'valueId'" in text
    assert "after fixing: {'files': 3, 'errors': 0, 'warnings': 0, 'info': 0}" in text
