"""Helpers for benchmark scripts: locate ../shared/data, time a callable, print aligned rows."""

from __future__ import annotations

import atexit
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def shared_data() -> Path:
    """The shared corpora folder (PHENOTK_SHARED_DATA or ../shared/data); exits with a message if absent."""
    env = os.environ.get("PHENOTK_SHARED_DATA")
    for cand in ([Path(env)] if env else []) + [REPO.parent / "shared" / "data"]:
        if (cand / "phenopacket-store").is_dir():
            return cand
    sys.exit("benchmarks need ../shared/data (or PHENOTK_SHARED_DATA)")


def compiled_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """``env`` (default: this process's) for a timed child process that runs compiled, as an installed phenotk does.

    ``pip install`` compiles every module to bytecode; a source tree compiles on first import and keeps the
    ``.pyc``. With ``PYTHONDONTWRITEBYTECODE`` set (some shells and sandboxes set it) nothing is kept, and
    every timed process compiled its ~120 phenotk modules again (~0.13 s a process) — measured as if it were
    phenotk's work. The bytecode goes to a private prefix (removed at exit), not into the tree.
    """
    out = dict(os.environ if env is None else env)
    out.pop("PYTHONDONTWRITEBYTECODE", None)
    if "PYTHONPYCACHEPREFIX" not in out:
        prefix = tempfile.mkdtemp(prefix="phenotk-pyc-")
        atexit.register(shutil.rmtree, prefix, True)
        out["PYTHONPYCACHEPREFIX"] = prefix
    return out


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Best wall time of ``repeat`` runs and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def interleaved(fns: dict[str, Callable[[], Any]], rounds: int) -> dict[str, tuple[float, float]]:
    """Best (CPU seconds of this process, wall seconds) of each callable over ``rounds`` rounds.

    Each round runs every callable once, in turn, so a slow moment of a shared machine hits all rows
    alike and the ratios between rows stay meaningful (a baseline timed in a quiet moment and a
    workload timed in a busy one would not be).
    """
    best: dict[str, tuple[float, float]] = {name: (float("inf"), float("inf")) for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            c0, w0 = time.process_time(), time.perf_counter()
            fn()
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            best[name] = (min(best[name][0], cpu), min(best[name][1], wall))
    return best


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def row(label: str, seconds: float, n: int, baseline: float | None = None, unit: str = "packets") -> None:
    """Print one aligned result line: time, throughput and ratio to the baseline time."""
    rate = n / seconds if seconds else float("inf")
    ratio = f"{seconds / baseline:6.2f}x floor" if baseline else ""
    print(f"  {label:<44} {seconds:8.3f} s  {rate:10.0f} {unit}/s  {ratio}")
