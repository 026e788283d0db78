"""Fixtures for the table converter: a tiny HPO stand-in, the real HPO index (when available), sheet paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


class StubHpo:
    """The part of phenotk.ontology.OntologyIndex the table converter uses (label, synonyms, lookup, version)."""

    version = "2025-05-06-stub"
    TERMS = {
        "HP:0001250": ("Seizure", ["Seizures", "Epileptic seizure"]),
        "HP:0001252": ("Hypotonia", ["Muscle hypotonia", "Low muscle tone"]),
        "HP:0004322": ("Short stature", ["Decreased body height", "Small stature"]),
        "HP:0000252": ("Microcephaly", ["Small head"]),
        "HP:0001263": ("Global developmental delay", []),
        "HP:0000486": ("Strabismus", ["Squint"]),
        "HP:0001251": ("Ataxia", []),
        "HP:0011463": ("Childhood onset", []),
    }

    def label(self, curie: str) -> str | None:
        t = self.TERMS.get(curie)
        return t[0] if t else None

    def lookup(self, text: str) -> list[str]:
        key = " ".join(text.split()).casefold()
        return [c for c, (lab, syn) in self.TERMS.items() if key in {lab.casefold(), *(s.casefold() for s in syn)}]

    def synonyms(self, curie: str) -> list[str]:
        t = self.TERMS.get(curie)
        return list(t[1]) if t else []

    def primary_id(self, curie: str) -> str | None:
        return curie if curie in self.TERMS else None


@pytest.fixture
def hpo_stub() -> StubHpo:
    return StubHpo()


@pytest.fixture(scope="session")
def hpo_index(hpo_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """The real index from hp.json (cache: $PHENOTK_CACHE_DIR or a temp dir)."""
    try:
        from phenotk.ontology import load_ontology
    except ImportError:
        pytest.skip("phenotk.ontology.load_ontology not available yet")
    old = os.environ.get("PHENOTK_CACHE_DIR")
    if old is None:  # CI exports a per-run cache dir: reuse it; never write to the user's cache
        os.environ["PHENOTK_CACHE_DIR"] = str(tmp_path_factory.mktemp("hpo-cache"))
    try:
        return load_ontology(hpo_dir / "hp.json")
    finally:
        if old is None:
            os.environ.pop("PHENOTK_CACHE_DIR", None)
        else:
            os.environ["PHENOTK_CACHE_DIR"] = old


@pytest.fixture
def mapping_dir() -> Path:
    return REPO / "mappings"


@pytest.fixture
def sheets(fixtures_dir: Path) -> Path:
    return fixtures_dir / "mapping"
