"""Servers and a browser for the ``phenotk serve`` tests.

Every server binds 127.0.0.1 on a free port in a background thread and is stopped (and its temporary root
removed) by the fixture's teardown. The browser is Debian's /usr/bin/chromium driven by Playwright (never
``playwright install``: that downloads a browser from a CDN); without it the browser tests skip, unless
PHENOTK_REQUIRE_CHROMIUM=1 (CI), where they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed (pip install -e '.[serve]')")

from phenotk.serve.server import BackgroundServer, make_state
from phenotk.serve.workspace import Limits

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "_artifacts"  # gitignored


@pytest.fixture(scope="session")
def hpo_index(hpo_dir: Path) -> Any:
    """The shared HPO release (2025-05-06, OBO Graphs JSON), loaded once."""
    from phenotk.ontology import load_ontology

    return load_ontology(hpo_dir / "hp.json")


@pytest.fixture(scope="session")
def template_xlsx(shared_data: Path) -> Path:
    """A real pyphetools template: 3 individuals, one with a redundant ancestor term (a safe fix)."""
    return shared_data / "templates" / "ADRA2A" / "ADRA2A_FPLD8_individuals.xlsx"


@pytest.fixture()
def small_limits() -> Limits:
    """Limits small enough to hit in a test."""
    return Limits(max_file_bytes=200_000, max_files=8, max_request_bytes=1_000_000, max_unpacked_bytes=2_000_000)


@pytest.fixture()
def server(hpo_index: Any, tmp_path: Path) -> Iterator[BackgroundServer]:
    """A running server (default limits) with the shared HPO; stopped and cleaned up afterwards."""
    srv = BackgroundServer(make_state(hpo=hpo_index, root=tmp_path)).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture()
def small_server(hpo_index: Any, tmp_path: Path, small_limits: Limits) -> Iterator[BackgroundServer]:
    """A running server with :func:`small_limits`."""
    srv = BackgroundServer(make_state(hpo=hpo_index, root=tmp_path, limits=small_limits)).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture()
def client(server: BackgroundServer) -> Iterator[Any]:
    """An HTTP client carrying the token header."""
    import httpx

    with httpx.Client(base_url=server.base, headers={"X-Phenotk-Token": server.state.token}, timeout=120) as c:
        yield c


@pytest.fixture()
def artifacts() -> Path:
    """tests/_artifacts (gitignored): screenshots to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (skips without it, fails in CI)."""
    required = os.environ.get("PHENOTK_REQUIRE_CHROMIUM") == "1"
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} not installed (apt-get install chromium)"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            problem = "playwright not installed (pip install playwright; never `playwright install`)"
    if problem is not None:
        if required:
            pytest.fail(problem + " and PHENOTK_REQUIRE_CHROMIUM=1")
        pytest.skip(problem)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        try:
            yield chromium
        finally:
            chromium.close()
