"""How many worker processes ``--jobs`` starts (``convert`` and ``validate``), automatic or asked for."""

from __future__ import annotations

import os
import sys

#: most worker processes an automatic choice starts
AUTO_MAX_JOBS = 4


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask on Linux, else the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def auto_jobs() -> int:
    """The CPUs this process may use (at most :data:`AUTO_MAX_JOBS`); 1 off Linux.

    Elsewhere a forked child of a process that used system frameworks (macOS) may crash: there workers run only
    when asked for (``--jobs N``).
    """
    if not sys.platform.startswith("linux"):
        return 1
    return min(usable_cpus(), AUTO_MAX_JOBS)


def max_jobs() -> int:
    """The most worker processes a run starts when asked for more: the usable CPUs (at least ``AUTO_MAX_JOBS``)."""
    return max(usable_cpus(), AUTO_MAX_JOBS)


def capped_jobs(jobs: int) -> int:
    """``jobs`` lowered to :func:`max_jobs` (``0``, automatic, stays 0).

    Validation and conversion are CPU-bound: workers beyond the CPUs only add memory (~60 MB each) and start-up.
    A typo like ``--jobs 100000`` would otherwise fork that many processes before the first file is read (a
    process pool whose start method is ``fork`` starts all its workers at once) and take the machine down.
    """
    return min(jobs, max_jobs()) if jobs > 0 else jobs


def jobs_note(jobs: int, option: str = "--jobs") -> str | None:
    """The note a command prints when ``jobs`` was lowered by :func:`capped_jobs`, None when it was not."""
    if jobs <= max_jobs():
        return None
    return f"note: {option} {jobs} lowered to {max_jobs()} ({usable_cpus()} CPU(s) here; the work is CPU-bound)"
