"""How many worker processes an automatic ``--jobs`` starts (``convert`` and ``validate``)."""

from __future__ import annotations

import os
import sys

#: most worker processes an automatic choice starts
AUTO_MAX_JOBS = 4


def auto_jobs() -> int:
    """The CPUs this process may use (at most :data:`AUTO_MAX_JOBS`); 1 off Linux.

    Elsewhere a forked child of a process that used system frameworks (macOS) may crash: there workers run only
    when asked for (``--jobs N``).
    """
    if not sys.platform.startswith("linux"):
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, AUTO_MAX_JOBS))
