"""What ``phenotk validate --engine dask|spark`` and ``--format parquet`` run (the CLI module only delegates).

Findings land as Parquet in ``OUT/findings/`` and the per-document rows in ``OUT/documents/``
(schemas: :mod:`phenotk.scale.arrow`); the summary line is computed from what was written, and the exit
code follows GUIDE §2 (2: an input was unreadable; 1: a finding at or above ``--fail-on``; else 0).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from phenotk.errors import OutputExistsError, UsageError
from phenotk.scale import require

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

    from phenotk.issue import Severity
    from phenotk.scale.partition import Spec
    from phenotk.workflow.session import Session

ENGINES = ("local", "dask", "spark")

#: environment of LocalCluster workers: Arrow's system allocator returns freed memory (jemalloc/mimalloc keep it)
WORKER_ENV = {"ARROW_DEFAULT_MEMORY_POOL": "system"}

#: Dask settings of the LocalCluster (scheduler and workers): no statistical profiler sampling the task thread every
#: 10 ms, slower watchdog/monitor ticks. An idle worker then spends ~3 ms of CPU per second instead of ~30 and the
#: scheduler ~9 instead of ~40: on 2 cores that was 5-10 % of a run (docs/scale.md). No developer logs of recent
#: messages and transitions: the scheduler's log of the last 1,000 messages to each worker keeps every
#: ``compute-task`` message with its task, i.e. the file list of every partition of a run (the client's memory).
CLUSTER_CONFIG = {
    "distributed.admin.low-level-log-length": 0,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.worker.memory.monitor-interval": "1s",
}

#: what Dask's nanny puts in a worker's environment before it starts that :func:`local_cluster` leaves out.
#: ``MALLOC_TRIM_THRESHOLD_=65536`` makes glibc hand freed heap back to the kernel at every 64 KB and turns off
#: its adaptive mmap threshold: a worker validating the store then takes twice the page faults of one process
#: and ~3 % more CPU per packet (benchmarks/scale.py, docs/scale.md); its peak RSS stays the same.
NANNY_ENV_LEFT_OUT = ("MALLOC_TRIM_THRESHOLD_",)

_RANK = {"info": 0, "warning": 1, "error": 2}


@contextlib.contextmanager
def local_cluster(workers: int | None = None, spec: Spec | None = None) -> Iterator[Any]:
    """A ``LocalCluster`` of ``workers`` single-threaded processes (default: one per core) and its ``Client``.

    With ``CLUSTER_CONFIG`` and ``WORKER_ENV`` (and glibc's own heap trimming: :data:`NANNY_ENV_LEFT_OUT`),
    bound to 127.0.0.1, no dashboard. ``spec``: each worker builds and warms that run's engine as it starts
    (:class:`~phenotk.scale.preload.WarmEngine`), before it takes a task. One thread per worker: two workers
    of two threads on two cores would only contend for them (and each validation task holds the GIL).
    """
    import dask
    from distributed import Client, LocalCluster

    from phenotk._procs import capped_jobs, usable_cpus

    extra: dict[str, Any] = {}
    spawn_env = dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {}
    settings = {
        **CLUSTER_CONFIG,
        "distributed.nanny.pre-spawn-environ": {k: v for k, v in spawn_env.items() if k not in NANNY_ENV_LEFT_OUT},
    }
    if spec is not None:
        from phenotk.scale.preload import WarmEngine

        extra["plugins"] = (WarmEngine(spec),)
    with (
        dask.config.set(settings),
        LocalCluster(
            n_workers=capped_jobs(workers) if workers else usable_cpus(),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            env=WORKER_ENV,
            **extra,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def prepare_output(output: str | None, *, force: bool) -> str:
    """The Parquet output directory: required, new or empty (``--force`` replaces it)."""
    if not output or output == "-":
        raise UsageError("--format parquet writes a directory: give -o DIR")
    if "://" not in output and os.path.exists(output):
        if not os.path.isdir(output):
            raise OutputExistsError(f"{output} exists and is not a directory")
        if os.listdir(output):
            if not force:
                raise OutputExistsError(f"{output} exists and is not empty (use --force to replace it)")
            shutil.rmtree(output)
    return output


def run(
    paths: Sequence[str],
    session: Session,
    *,
    engine: str,
    fmt: str,
    output: str | None,
    force: bool = False,
    scheduler: str | None = None,
    workers: int | None = None,
    jobs: int = 1,
    write_report: Callable[[Any], None] | None = None,
) -> tuple[str, int]:
    """Validate with ``engine``; (summary line for stdout, exit code)."""
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; use one of: {', '.join(ENGINES)}")
    if fmt != "parquet":
        if engine == "local":
            raise UsageError("internal: the local engine renders its own formats")
        raise UsageError(f"--engine {engine} writes --format parquet -o DIR (query it with DuckDB, pandas, Polars)")
    if engine == "spark":
        require("pyspark", "pyarrow")
    elif engine == "dask":
        require("dask.dataframe", "distributed", "pyarrow", "fsspec")
    else:
        require("pyarrow")
    out = prepare_output(output, force=force)
    if engine == "dask":
        _run_dask(paths, session, out, scheduler=scheduler, workers=workers)
    elif engine == "spark":
        _run_spark(paths, session, out, master=scheduler, workers=workers)
    else:
        _run_local(paths, session, out, jobs=jobs)
    return summarize_output(out, session.fail_on)


def _run_local(paths: Sequence[str], session: Session, out: str, *, jobs: int) -> None:
    from phenotk.scale.local import write_parquet

    write_parquet(paths, session, out, jobs=jobs)


def _run_dask(paths: Sequence[str], session: Session, out: str, *, scheduler: str | None, workers: int | None) -> None:
    from distributed import Client

    from phenotk.scale.dask import frames
    from phenotk.scale.partition import Spec
    from phenotk.scale.preload import WarmEngine

    spec = Spec.of(session)
    if scheduler:
        with Client(scheduler) as client:
            client.register_plugin(WarmEngine(spec))  # every worker builds the engine once, new ones as they join
            frames(list(paths), session=session).to_parquet(out)
        return
    with local_cluster(workers, spec):  # the workers build their engines as they start
        frames(list(paths), session=session).to_parquet(out)  # partitions go out while the inputs are listed


def _run_spark(paths: Sequence[str], session: Session, out: str, *, master: str | None, workers: int | None) -> None:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # local workers import phenotk from this Python
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    from phenotk._procs import capped_jobs
    from phenotk.io.sniff import KNOWN_EXTENSIONS
    from phenotk.scale.spark import frames

    local = f"local[{capped_jobs(workers) if workers else '*'}]"
    builder = SparkSession.builder.appName("phenotk validate").master(master or local)
    if not master:
        builder = builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
    spark = builder.config("spark.ui.enabled", "false").getOrCreate()
    try:
        df = spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(list(paths))
        pattern = "(?i)(" + "|".join(e.replace(".", r"\.") for e in sorted(KNOWN_EXTENSIONS)) + ")$"
        df = df.filter(F.col("path").rlike(pattern))
        frames(df, session=session).to_parquet(out)
    finally:
        spark.stop()


def summarize_output(out: str, fail_on: Severity | None) -> tuple[str, int]:
    """(summary line, exit code) of the Parquet written to ``out``."""
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    findings = ds.dataset(os.path.join(out, "findings"), format="parquet").to_table(columns=["rule", "severity"])
    files = ds.dataset(os.path.join(out, "documents"), format="parquet").count_rows()
    counts = _value_counts(findings.column("severity"))
    unreadable = pc.sum(pc.and_(pc.equal(findings.column("rule"), "input-unreadable"),
                                pc.equal(findings.column("severity"), "error"))).as_py() or 0
    errors, warnings, info = counts.get("error", 0), counts.get("warning", 0), counts.get("info", 0)
    line = (
        f"{files} document(s): {errors} error(s), {warnings} warning(s), {info} info; "
        f"findings in {out.rstrip('/')}/findings (Parquet)"
    )
    if unreadable:
        return line, 2
    if fail_on is not None and any(_RANK[s] >= fail_on.rank and n for s, n in counts.items()):
        return line, 1
    return line, 0


def _value_counts(column: pa.ChunkedArray) -> dict[str, int]:
    import pyarrow.compute as pc

    return {v["values"].as_py(): v["counts"].as_py() for v in pc.value_counts(column)}


__all__ = ["CLUSTER_CONFIG", "ENGINES", "WORKER_ENV", "local_cluster", "prepare_output", "run", "summarize_output"]
