"""Fixtures of the ontology tests: an isolated cache dir, no downloads, pronto parses shared per session."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from phenotk.ontology import OntologyIndex, index_from_pronto

TOY_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "ontology"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Every test gets its own cache dir, no PHENOTK_HPO, and downloads disabled."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("PHENOTK_CACHE_DIR", str(cache))
    monkeypatch.setenv("PHENOTK_OFFLINE", "1")
    monkeypatch.delenv("PHENOTK_HPO", raising=False)
    monkeypatch.delenv("PHENOTK_HPO_URL", raising=False)
    yield cache


@pytest.fixture
def toy_obo() -> Path:
    return TOY_DIR / "toy.obo"


@pytest.fixture
def mini_hp() -> Path:
    return TOY_DIR / "mini_hp.obo"


def _parse(path: Path) -> Any:
    import pronto

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pronto.Ontology(str(path))


class Parsed:
    """One pronto parse of a real release and the index built from that same parse."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pronto = _parse(path)
        self.index: OntologyIndex = index_from_pronto(self.pronto, source=path)


@pytest.fixture(scope="session")
def hp_obo(hpo_dir: Path) -> Parsed:
    return Parsed(hpo_dir / "hp.obo")


@pytest.fixture(scope="session")
def hp_json(hpo_dir: Path) -> Parsed:
    return Parsed(hpo_dir / "hp.json")


@pytest.fixture(scope="session")
def hp_old(hpo_dir: Path) -> Parsed:
    return Parsed(hpo_dir / "old" / "hp.obo")
