"""Run validation over inputs: fast reading, optional process pool, run-level checks (the engine's run hooks).

Only findings are kept (memory stays flat); documents are dropped as soon as they are checked.
"""

from __future__ import annotations

import dataclasses
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, TypeVar

from phenotk._heap import frozen, settled
from phenotk._procs import auto_jobs, capped_jobs
from phenotk.errors import InputError
from phenotk.io import Document, Element, parse_bytes
from phenotk.io.readers import Source, documents_of_sources, file_source, iter_sources
from phenotk.issue import Report, Result
from phenotk.limits import Limits, set_limits
from phenotk.limits import current as current_limits
from phenotk.validation.engine import Engine, EngineConfig, Notes, RunLog

if TYPE_CHECKING:  # pragma: no cover
    from concurrent.futures import Future

ProgressFn = Callable[[int], None]
T = TypeVar("T")

#: documents per task sent to a worker process; BIG_CHUNK once a run has listed BIG_AFTER files (fewer tasks:
#: each costs the parent and a worker pickling and a round trip; 50,000 files: 0.4 s less parent CPU)
CHUNK = 64
BIG_CHUNK = 256
BIG_AFTER = 4096
#: the last tasks of a run shrink (guided self-scheduling: a task takes the files left / (2 × jobs), at least this
#: many), so that the workers finish together: with 256-file tasks to the end, one worker went on alone with the
#: last task while the other had nothing left (the store, 2 workers: 0.4 G instructions apart, ~0.07 s of wall)
MIN_TAIL_CHUNK = 16
#: ``jobs=0`` (automatic, the command line's default): worker processes for a run of at least this many files
AUTO_MIN_FILES = 2_000


# ------------------------------------------------------------------------------ worker processes

_WORKER: Engine | None = None


#: the parent's engine while a pool of forked workers runs (a forked worker starts with it: nothing to load)
_INHERITED: Engine | None = None


def _init_worker(config: EngineConfig, hpo_path: str | None, limits: Limits | None = None) -> None:
    global _WORKER
    set_limits(limits)  # the run's [limits]: a spawned or forkserver worker does not inherit the parent's
    if _INHERITED is not None:
        _WORKER = _INHERITED
        return
    hpo = load_hpo(hpo_path) if hpo_path else None
    paths = config.options.get(_ONTOLOGY_PATHS)
    if paths:  # extra ontologies travel as paths and are loaded (from the cache) in each worker
        options = {k: v for k, v in config.options.items() if k != _ONTOLOGY_PATHS}
        options["ontologies"] = {prefix: load_hpo(path) for prefix, path in paths.items()}
        config = dataclasses.replace(config, options=options)
    _WORKER = Engine(config, hpo=hpo)
    import gc

    gc.freeze()  # the ontology index and the engine live as long as the worker: out of the collector's scans


_ONTOLOGY_PATHS = "_ontology_paths"


def _picklable(config: EngineConfig) -> EngineConfig:
    """The config sent to workers: loaded ontology indexes replaced by their source paths."""
    onts = config.options.get("ontologies")
    if not onts:
        return config
    options = {k: v for k, v in config.options.items() if k != "ontologies"}
    options[_ONTOLOGY_PATHS] = {prefix: getattr(idx, "source", idx) for prefix, idx in onts.items()}
    return dataclasses.replace(config, options=options)


def _work(chunk: list[tuple[str, str, bytes | None]]) -> list[tuple[Result, Notes]]:
    """Results of a chunk, each with the notes the run hooks kept of its document (for the parent's end of run)."""
    engine = _WORKER
    assert engine is not None
    out = []
    for path, name, raw in chunk:
        # plain files are read here (their bytes never cross the process boundary); others come as bytes
        items = documents_of_sources([file_source(path, name)]) if raw is None else parse_bytes(raw, path, name=name)
        for item in items:
            log = RunLog()
            res = engine.check(item, log)
            out.append((res, log.entries[0][1] if log.entries else ()))
    return out


def load_hpo(path: str) -> Any:
    """Load an ontology file (HPO or another) as an index through :func:`phenotk.ontology.load_ontology`."""
    from phenotk.ontology import load_ontology

    return load_ontology(path)


# ------------------------------------------------------------------------------ runs


def run(
    paths: Sequence[str | os.PathLike[str]],
    config: EngineConfig,
    *,
    hpo: Any = None,
    hpo_path: str | None = None,
    jobs: int = 1,
    progress: ProgressFn | None = None,
    stdin: Any = None,
) -> Report:
    """Validate every document under ``paths`` with a new engine and return the merged report (input order)."""
    return run_engine(Engine(config, hpo=hpo), paths, hpo_path=hpo_path, jobs=jobs, progress=progress, stdin=stdin)


def run_engine(
    engine: Engine,
    paths: Sequence[str | os.PathLike[str]],
    *,
    hpo_path: str | None = None,
    jobs: int = 1,
    progress: ProgressFn | None = None,
    stdin: Any = None,
    on_result: Callable[[Result], None] | None = None,
) -> Report:
    """Validate every document under ``paths`` with ``engine`` (a session's) and return the merged report.

    ``jobs > 1`` validates in worker processes, each building its engine from ``engine.config`` (ontologies
    travel as file paths: ``hpo_path``). ``on_result`` is called with each result as it arrives (in input
    order, before the end of the run adds the cross-document findings), while workers go on validating.
    """
    log = engine.run_log()  # the run hooks reduce their notes as results come (the end of the run is short)
    found = iter_run(engine, paths, log, hpo_path=hpo_path, jobs=jobs, progress=progress, stdin=stdin)
    if on_result is None:
        results = list(found)
    else:
        results = []
        for res in found:
            results.append(res)
            on_result(res)
    return _report(engine, results, log)


def iter_run(
    engine: Engine,
    paths: Sequence[str | os.PathLike[str]],
    log: RunLog,
    *,
    hpo_path: str | None = None,
    jobs: int = 1,
    progress: ProgressFn | None = None,
    stdin: Any = None,
) -> Iterator[Result]:
    """Each document's result as it comes, in input order (what :func:`run_engine` collects).

    The run hooks' notes go to ``log`` (``log.add(result, notes)``, called before the result is yielded):
    a streaming caller passes a log that keeps a stub instead of the result, then calls
    :meth:`Engine.end_run` on it.
    """
    sources: Iterator[Source | InputError] = iter_sources(paths, stdin=stdin)
    jobs = capped_jobs(jobs)
    if jobs == 0:  # automatic: workers for a large run only (listing the first files tells)
        head = list(islice(sources, AUTO_MIN_FILES))
        jobs = auto_jobs() if len(head) >= AUTO_MIN_FILES else 1
        sources = chain(head, sources)
    results = (
        engine.run(documents_of_sources(sources), log)
        if jobs <= 1
        else _run_parallel(sources, engine, hpo_path, jobs, progress, log)
    )
    # the heap the run keeps (ontologies, engine, results) is frozen while it runs: see phenotk._heap
    each = partial(progress, 1) if progress is not None and jobs <= 1 else None  # the pool reports its own
    done = settled(results, each=each)  # a skipped file counts for the progress bar too
    yield from without_foreign(done, engine, log) if engine.config.skip_foreign else done


def without_foreign(results: Iterable[Result], engine: Engine, log: RunLog) -> Iterator[Result]:
    """``results`` without those of inputs that are no Phenopacket, Family or Cohort; one note (in ``log``).

    What ``skip-foreign`` (``--skip-foreign``, the pre-commit hooks) asks for: a repository's ``package.json``
    or FHIR bundle is not an error of its phenopackets. A broken phenopacket (invalid JSON, a v1 packet, a
    document with some phenopacket field) is still reported.
    """
    skipped: list[str] = []
    for res in results:
        if engine.is_foreign(res):
            skipped.append(res.path)
            continue
        yield res
    if skipped:
        shown = ", ".join(skipped[:3]) + (f" and {len(skipped) - 3} more" if len(skipped) > 3 else "")
        log.notes.append(
            f"skipped {len(skipped)} file(s) that are no Phenopacket, Family or Cohort (skip-foreign): {shown}"
        )


def _report(engine: Engine, results: list[Result], log: RunLog) -> Report:
    # cross-document findings (duplicate ids) from what the walks kept; the run is over and its heap thawed
    # (settled), so the tuples end_run sorts out would have the collector scan every result and the ontology
    # again: frozen, 50,000 packets' end of run takes 0.15 s instead of 0.38 s
    with frozen():
        engine.end_run(log)
    report = Report(results=results, hpo_version=_hpo_version(engine.hpo))
    report.notes.extend(engine.notes)
    report.notes.extend(log.notes)
    return report


def _hpo_version(hpo: Any) -> str | None:
    if hpo is None:
        return None
    v = getattr(hpo, "version", None)
    v = v() if callable(v) else v
    return str(v) if v else None


def _run_parallel(
    sources: Iterable[Source | InputError],
    engine: Engine,
    hpo_path: str | None,
    jobs: int,
    progress: ProgressFn | None,
    log: RunLog,
) -> Iterator[Result]:
    """Chunks of (path, name, bytes) to a process pool; at most ``4 * jobs`` chunks in flight.

    Workers forked from this process start with its engine (ontologies loaded, walkers compiled); others
    (``spawn``/``forkserver``) build theirs from the config, loading the ontologies from their files.
    """
    global _INHERITED
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor  # only runs with --jobs pay for the import

    config = engine.config

    pending: deque[Future[list[tuple[Result, Notes]]] | list[tuple[Result, Notes]]] = deque()
    limit = 4 * jobs
    stop = False

    def drain(block_until: int) -> Iterator[Result]:
        nonlocal stop
        while len(pending) > block_until:
            head = pending.popleft()
            results = head if isinstance(head, list) else head.result()
            for r, notes in results:
                log.add(r, notes)
                yield r
                if progress:
                    progress(1)
                if (
                    config.fail_fast
                    and config.fail_on is not None
                    and any(i.severity.rank >= config.fail_on.rank for i in r.issues)
                ):
                    stop = True
                    return

    init = (_picklable(config), hpo_path, current_limits())
    forks = multiprocessing.get_start_method() == "fork"
    _INHERITED = engine if forks else None
    try:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=init) as pool:
            chunk: list[tuple[str, str, bytes | None]] = []
            size = CHUNK
            for n, (src, left) in enumerate(_with_remaining(sources, 2 * jobs * BIG_CHUNK)):
                if stop:
                    break
                if not chunk:
                    size = _chunk_size(n, left, jobs)
                if isinstance(src, InputError):
                    if chunk:
                        pending.append(pool.submit(_work, chunk))
                        chunk = []
                    pending.append([(engine.check_error(src), ())])
                    continue
                if src.regular:  # the walk's stat said so: no second stat per file here
                    chunk.append((src.path, src.name, None))  # the worker reads it
                else:
                    try:
                        raw = src.opener()
                    except (InputError, OSError) as exc:
                        err = exc if isinstance(exc, InputError) else InputError(
                            f"cannot read: {exc.strerror or exc}", path=src.path)  # as io.readers words it
                        if chunk:
                            pending.append(pool.submit(_work, chunk))
                            chunk = []
                        pending.append([(engine.check_error(err), ())])
                        continue
                    chunk.append((src.path, src.name, raw))
                if len(chunk) >= size:
                    pending.append(pool.submit(_work, chunk))
                    chunk = []
                    if len(pending) >= limit:
                        yield from drain(limit // 2)
            if chunk and not stop:
                pending.append(pool.submit(_work, chunk))
            if not stop:
                yield from drain(0)
            for f in pending:
                if isinstance(f, Future):
                    f.cancel()
    finally:
        _INHERITED = None


def _with_remaining(sources: Iterable[T], window: int) -> Iterator[tuple[T, int | None]]:
    """Each source with the number of sources left from it on (itself included), None while ``window`` or more are.

    The run is listed ``window`` sources ahead of the chunks it sends, which is how it knows that its end nears
    before the listing ends (a directory walk does not say how many files it will find).
    """
    ahead: deque[T] = deque()
    for src in sources:
        ahead.append(src)
        if len(ahead) > window:
            yield ahead.popleft(), None
    while ahead:
        left = len(ahead)
        yield ahead.popleft(), left


def _chunk_size(n: int, left: int | None, jobs: int) -> int:
    """Files of the task that starts at the ``n``-th source, with ``left`` sources left (None: many)."""
    size = CHUNK if n < BIG_AFTER else BIG_CHUNK
    if left is not None:
        size = min(size, max(MIN_TAIL_CHUNK, -(-left // (2 * jobs))))
    return size


def check_documents(items: Iterable[Document | InputError], config: EngineConfig, *, hpo: Any = None) -> Report:
    """Validate in-memory documents with a new engine."""
    return check_engine(Engine(config, hpo=hpo), items)


def check_engine(engine: Engine, items: Iterable[Document | InputError]) -> Report:
    """Validate in-memory documents with ``engine`` (a session's) and return the report."""
    log = RunLog()
    results = engine.run(items, log)
    if engine.config.skip_foreign:
        results = without_foreign(results, engine, log)
    return _report(engine, list(results), log)


__all__ = ["Element", "check_documents", "check_engine", "iter_run", "load_hpo", "run", "run_engine"]
