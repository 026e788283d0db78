"""On a local master, phenotk's Spark tasks run the driver's Python (no JVM needed for these checks)."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import pytest

pytest.importorskip("pyspark")
pytest.importorskip("pyarrow")

from phenotk.scale.spark import _local_workers_run_this_python


def _spark(master: str, python: str = "python3") -> SimpleNamespace:
    return SimpleNamespace(sparkContext=SimpleNamespace(master=master, pythonExec=python))


@pytest.mark.parametrize("master", ["local", "local[2]", "local[*]", "local-cluster[2,1,1024]"])
def test_a_local_master_runs_this_interpreter_for_the_call_only(master: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # `.venv/bin/python script.py` without activating the venv: PySpark started `python3` from PATH and every
    # task failed with "No module named 'phenotk'"
    monkeypatch.delenv("PYSPARK_PYTHON", raising=False)
    spark = _spark(master)
    with _local_workers_run_this_python(spark):
        assert spark.sparkContext.pythonExec == sys.executable
    assert spark.sparkContext.pythonExec == "python3"


def test_a_cluster_master_or_an_explicit_setting_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYSPARK_PYTHON", raising=False)
    spark = _spark("spark://head:7077")
    with _local_workers_run_this_python(spark):
        assert spark.sparkContext.pythonExec == "python3"
    monkeypatch.setenv("PYSPARK_PYTHON", "/opt/env/bin/python")
    spark = _spark("local[2]", "/opt/env/bin/python")
    with _local_workers_run_this_python(spark):
        assert spark.sparkContext.pythonExec == "/opt/env/bin/python"


def test_spark_connect_without_a_context_is_left_alone() -> None:
    class Connect:
        @property
        def sparkContext(self) -> None:
            raise RuntimeError("[JVM_ATTRIBUTE_NOT_SUPPORTED] sparkContext is not supported in Spark Connect")

    with _local_workers_run_this_python(Connect()):
        pass
