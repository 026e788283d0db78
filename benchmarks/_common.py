"""Helpers for benchmark scripts: locate ../shared/data, time a callable, print aligned rows."""

from __future__ import annotations

import os
import resource
import sys
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
