"""Hostile inputs made from real files: nothing is copied into the repo, variants are written to tmp dirs."""

from __future__ import annotations

from pathlib import Path

import pytest
from _robust import SOURCES, Kind, make_kind


@pytest.fixture(scope="module")
def kinds(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Kind]:
    """Hostile variants of every kind of real JSON/YAML input (once per module)."""
    root = tmp_path_factory.mktemp("hostile")
    return {k: make_kind(shared_data, k, root / k) for k in SOURCES}
