"""Fixtures of the scale-out tests: a Dask LocalCluster and a Spark local[2] session, bound to 127.0.0.1."""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyarrow")


@pytest.fixture(scope="session")
def hpo_json(hpo_dir: Path) -> str:
    """The HPO release the workers load (by path)."""
    return str(hpo_dir / "hp.json")


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    """A LocalCluster with 2 worker processes on 127.0.0.1 (closed after the module)."""
    pytest.importorskip("distributed")
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """A Spark session on local[2], driver bound to 127.0.0.1 (stopped after the module)."""
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("no java (Spark needs a JRE: apt-get install openjdk-17-jre-headless)")
    from pyspark.sql import SparkSession

    mp = pytest.MonkeyPatch()
    mp.setenv("PYSPARK_PYTHON", sys.executable)  # the Python workers import phenotk from this venv
    session = (
        SparkSession.builder.master("local[2]")
        .appName("phenotk-tests")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    try:
        yield session
    finally:
        session.stop()
        mp.undo()


def copies_with_duplicates(store_dir: Path, dest: Path, genes: Iterable[str]) -> list[Path]:
    """Copy the files of some store genes into ``dest/<gene>/`` unchanged: every id is then a deliberate
    duplicate of the store file it came from (and the copies keep their own line/column)."""
    out = []
    for gene in genes:
        (dest / gene).mkdir(parents=True, exist_ok=True)
        for f in sorted((store_dir / gene).glob("*.json")):
            shutil.copyfile(f, dest / gene / f.name)
            out.append(dest / gene / f.name)
    return out


ROW = ("path", "element", "id", "code", "rule", "severity", "message", "pointer", "line", "column", "fix", "context")


def _norm(v: Any) -> Any:
    try:
        import pandas as pd

        if v is pd.NA or v is None:
            return None
    except ImportError:  # pragma: no cover
        pass
    if isinstance(v, float) and v != v:  # NaN
        return None
    return int(v) if hasattr(v, "__index__") and not isinstance(v, bool) else v


def multiset(rows: Iterable[dict[str, Any]]) -> Counter[tuple[Any, ...]]:
    """The findings as a multiset of full rows."""
    return Counter(tuple(_norm(r[c]) for c in ROW) for r in rows)
