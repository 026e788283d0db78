"""Shared, session-scoped expensive state for the template converter tests (store index, ontology)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from phenotk.conversion.base import ConvertOptions

#: The corpus-comparison code is evaluation code under benchmarks/ (package ``template_corpus``), not the library.
#: It is registered by path: putting benchmarks/ on sys.path would let its scripts shadow real packages for every
#: later test in the process (benchmarks/fhir.py hid fhir.resources from the FHIR tests under xdist).
BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"
if "template_corpus" not in sys.modules:
    _pkg = BENCHMARKS / "template_corpus"
    _spec = importlib.util.spec_from_file_location(
        "template_corpus", _pkg / "__init__.py", submodule_search_locations=[str(_pkg)]
    )
    assert _spec is not None and _spec.loader is not None
    sys.modules["template_corpus"] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules["template_corpus"])

ARTIFACTS = Path(__file__).resolve().parents[2] / "_artifacts"  # gitignored
CREATED = "2025-01-01T00:00:00Z"


@pytest.fixture(scope="session")
def templates_dir(shared_data: Path) -> Path:
    """The curation tables of phenopacket-store."""
    return shared_data / "templates"


@pytest.fixture(scope="session")
def cohort_jsons(templates_dir: Path) -> list[Path]:
    """All 643 cohort JSON tables, sorted."""
    return sorted(templates_dir.glob("*/*_individuals.json"))


@pytest.fixture(scope="session")
def store_index(store_dir: Path) -> dict:
    """Every store packet keyed by (gene, PMID, subject id) — parsed once per session."""
    from template_corpus.corpus import load_store

    return load_store(store_dir)


@pytest.fixture(scope="session")
def hpo_index(hpo_dir: Path):
    """The shared HPO release (2025-05-06) as an OntologyIndex."""
    from phenotk.ontology import load_ontology

    return load_ontology(hpo_dir / "hp.json")


@pytest.fixture
def options() -> ConvertOptions:
    """Reproducible conversion options."""
    return ConvertOptions(created=CREATED)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """tests/_artifacts (gitignored) for difference listings."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
