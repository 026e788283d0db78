"""Fixtures for fix tests: the shared hp.json, indexed once per session in an isolated cache."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def hp_json(hpo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Any]]:
    """(path of hp.json 2025-05-06, its index); later ``load_ontology`` calls in this process hit the memo."""
    from phenotk.ontology import load_ontology

    path = hpo_dir / "hp.json"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    old = os.environ.get("PHENOTK_CACHE_DIR")
    os.environ["PHENOTK_CACHE_DIR"] = str(tmp_path_factory.mktemp("fix-cache"))
    try:
        yield path, load_ontology(path)
    finally:
        if old is None:
            os.environ.pop("PHENOTK_CACHE_DIR", None)
        else:
            os.environ["PHENOTK_CACHE_DIR"] = old


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHENOTK_OFFLINE", "1")
    monkeypatch.delenv("PHENOTK_HPO", raising=False)
