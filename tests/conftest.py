"""Shared fixtures: where the real corpora live (``../shared/data``) and small project-made fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests: no per-example deadline (a shared 2-core CI machine is slow at times); under CI the examples
# are derandomized so a run is reproducible and cannot turn red by luck.
settings.register_profile("phenotk", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("phenotk-ci", parent=settings.get_profile("phenotk"), derandomize=True, print_blob=True)
settings.load_profile("phenotk-ci" if os.environ.get("CI") else "phenotk")

# tests never touch the network: resolve_hpo() must not try to download a release
os.environ.setdefault("PHENOTK_OFFLINE", "1")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _find_shared() -> Path | None:
    env = os.environ.get("PHENOTK_SHARED_DATA")
    candidates = [Path(env)] if env else []
    candidates += [REPO.parent / "shared" / "data", REPO / ".." / ".." / "shared" / "data"]
    for c in candidates:
        if (c / "phenopacket-store").is_dir():
            return c.resolve()
    return None


SHARED = _find_shared()


def require_shared() -> Path:
    """Path of the shared corpora; skip (or fail when PHENOTK_REQUIRE_SHARED=1) when absent."""
    if SHARED is None:
        msg = "../shared/data not found (set PHENOTK_SHARED_DATA)"
        if os.environ.get("PHENOTK_REQUIRE_SHARED") == "1":
            pytest.fail(msg + " and PHENOTK_REQUIRE_SHARED=1")
        pytest.skip(msg)
    return SHARED


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (read in place, never copied)."""
    return require_shared()


@pytest.fixture(scope="session")
def store_dir(shared_data: Path) -> Path:
    """The public phenopacket-store corpus."""
    return shared_data / "phenopacket-store"


@pytest.fixture(scope="session")
def store_files(store_dir: Path) -> list[Path]:
    """Every phenopacket JSON file of the store, sorted."""
    return sorted(store_dir.glob("*/*.json"))


@pytest.fixture(scope="session")
def hpo_dir(shared_data: Path) -> Path:
    """HPO releases."""
    return shared_data / "hpo"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """Small project-made fixtures in tests/fixtures."""
    return FIXTURES
