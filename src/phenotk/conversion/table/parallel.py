"""Packets of one sheet made in worker processes (``phenotk convert --jobs N``), in sheet order.

The parent reads the sheet (both passes, every cross-row decision: ids, duplicates, the plan of the columns) and
sends the rows of each packet, a few hundred packets per task, to ``N`` workers forked from it *after* that
set-up: each worker starts with the parent's builder, mapping, ontology and validation engine, so nothing is
loaded twice and nothing is pickled but rows and results. A worker runs the same ``step`` the sequential path
runs (build the packet, then whatever the caller's ``finish`` does with it — validate, serialise) and sends back
its results; the parent yields them in the groups' order, so the output and the findings are those of
``--jobs 1``. At most ``4 × N`` tasks are in flight: memory stays bounded however long the sheet.

Workers ignore SIGINT (Ctrl-C stops the parent, which cancels what is queued and lets the running tasks end)
and end with the parent (Linux). Where ``fork`` is not available (Windows) the packets are made here, one
after the other; the automatic choice (``jobs=0``) starts workers on Linux only.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from phenotk._heap import frozen
from phenotk._procs import AUTO_MAX_JOBS as AUTO_MAX_JOBS  # re-exported: its old home
from phenotk._procs import auto_jobs

from .build import RowGroup

if TYPE_CHECKING:  # pragma: no cover
    from concurrent.futures import Future

#: packets per task: large enough that pickling and queueing cost little per packet, small enough to balance
CHUNK = 200
#: a sheet with fewer packets than this is converted here when the number of jobs was chosen automatically
AUTO_MIN_PACKETS = 2_000

_STEP: Callable[[RowGroup], Any] | None = None


def _fork_context() -> Any:
    try:
        return multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - a platform without fork
        return None


def _init_worker(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    for name in ("SIGTERM", "SIGHUP"):  # the parent's write-cleanup handlers are not the worker's
        sig = getattr(signal, name, None)
        if sig is not None:
            signal.signal(sig, signal.SIG_DFL)
    _die_with(parent)


def _die_with(parent: int) -> None:
    """End this worker when the parent ends, even by SIGKILL (Linux): an idle worker would wait for tasks forever."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - no prctl
            pass
    if os.getppid() != parent:  # the parent was gone before the line above
        os._exit(1)


def _run(chunk: list[RowGroup]) -> list[Any]:
    step = _STEP
    assert step is not None, "a worker forked without its step"
    return [step(group) for group in chunk]


class ForkMapper:
    """A :data:`.build.Mapper` that makes the packets in ``jobs`` forked worker processes.

    ``jobs=0`` chooses: :func:`auto_jobs` workers for a sheet of at least :data:`AUTO_MIN_PACKETS` packets,
    else none. With one job (or no ``fork``) the groups are mapped here.
    """

    def __init__(self, jobs: int = 0, *, chunk: int | None = None) -> None:
        self.jobs = jobs
        self.chunk = chunk or CHUNK
        self.used = 1  #: worker processes of the last sheet (1: made here)

    def __call__(self, step: Callable[[RowGroup], Any], groups: Iterable[RowGroup], count: int) -> Iterator[Any]:
        """``step`` of each group, in order (``count``: how many groups will come)."""
        jobs = self.jobs
        if jobs == 0:
            jobs = auto_jobs() if count >= AUTO_MIN_PACKETS else 1
        jobs = min(jobs, max(1, -(-count // self.chunk)))  # no idle worker for a short sheet
        ctx = _fork_context()
        self.used = jobs if jobs > 1 and ctx is not None else 1
        if self.used == 1:
            return map(step, groups)
        return self._forked(step, groups, jobs, ctx)

    def _forked(
        self, step: Callable[[RowGroup], Any], groups: Iterable[RowGroup], jobs: int, ctx: Any
    ) -> Iterator[Any]:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        global _STEP
        if _STEP is not None:
            raise RuntimeError("one parallel sheet at a time")  # a worker inherits one step
        _STEP = step
        pending: deque[Future[list[Any]]] = deque()
        limit = 4 * jobs
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker, initargs=(os.getpid(),))
        forked = False
        try:
            batch: list[RowGroup] = []
            for group in groups:
                batch.append(group)
                if len(batch) < self.chunk:
                    continue
                if forked:
                    pending.append(pool.submit(_run, batch))
                else:  # every worker forks on the first task: keep the garbage collector off their pages (a heap
                    with frozen():  # frozen already, by a run's phenotk._heap.settled, stays as its owner left it)
                        pending.append(pool.submit(_run, batch))
                    forked = True
                batch = []
                while len(pending) >= limit:
                    yield from pending.popleft().result()
            if batch:
                pending.append(pool.submit(_run, batch))
            while pending:
                yield from pending.popleft().result()
        except BrokenProcessPool:
            raise RuntimeError(
                "a worker process of --jobs ended unexpectedly (out of memory?); run again with --jobs 1"
            ) from None
        finally:
            _STEP = None
            pool.shutdown(wait=True, cancel_futures=True)
