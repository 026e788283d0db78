"""Cohort summary on Dask: ``phenotk.dask.summarize(paths_or_bag, hpo=…)`` and ``phenotk summarize --engine dask``.

Each partition task reads its files (inputs listed on the client as :mod:`phenotk.scale.inputs` lists them for
``validate --engine dask``), flattens families and cohorts to their packets, and summarises them with
:func:`phenotk.analysis.summary.summarize` and the HPO index the worker loads once from the run's HPO file.
The client adds the partitions up with :func:`~phenotk.analysis.summary.merge_summaries` (every count is a
number of packets, so disjoint parts add up exactly): the result equals the single-process ``phenotk
summarize``. Unreadable inputs come back as one-line messages, in input order.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from phenotk.scale import require

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.analysis.summary import CohortSummary
    from phenotk.ontology import OntologyIndex
    from phenotk.workflow.session import Session

#: files per partition task
PARTITION_SIZE = 256

#: one partition's result: (summary, messages of the inputs that could not be read)
Part = tuple["CohortSummary", list[str]]

_HPO: dict[str, OntologyIndex] = {}


def _worker_hpo(path: str | None) -> OntologyIndex | None:
    """The HPO index of ``path`` in this process, loaded once (None: no HPO)."""
    if not path:
        return None
    idx = _HPO.get(path)
    if idx is None:
        from phenotk.ontology import load_ontology

        idx = _HPO[path] = load_ontology(path)
    return idx


def summarize_records(records: Iterable[tuple[Any, ...]], hpo: OntologyIndex | None, *, top: int = 20) -> Part:
    """Summary of the packets in ``(path, bytes[, name])`` records (bytes may be the read error instead). Pure."""
    from phenotk.analysis.cohort import packets_of
    from phenotk.analysis.summary import summarize
    from phenotk.errors import InputError
    from phenotk.io import parse_bytes

    packets: list[Any] = []
    errors: list[str] = []
    for rec in records:
        path, data = rec[0], rec[1]
        name = rec[2] if len(rec) > 2 else None
        if isinstance(data, InputError):
            errors.append(str(data))
            continue
        if isinstance(data, BaseException):
            errors.append(str(InputError(f"cannot read: {getattr(data, 'strerror', None) or data}", path=path)))
            continue
        for item in parse_bytes(bytes(data), path, name=name or os.path.basename(path)):
            if isinstance(item, InputError):
                errors.append(str(item))
            elif item.message is None:
                err = InputError(f"cannot build a {item.element.value}: {item.parse_error}", path=item.path)
                errors.append(str(err))
            else:
                packets.extend(packets_of(item.message))
    return summarize(packets, hpo=hpo, top=top), errors


def _files_task(hpo_path: str | None, top: int, items: list[Any]) -> Part:
    from phenotk.scale.inputs import read_item

    return summarize_records(((it[0], read_item(it), it[1]) for it in items), _worker_hpo(hpo_path), top=top)


def _records_task(hpo_path: str | None, top: int, records: list[Any]) -> Part:
    return summarize_records(((r[0], r[1]) for r in records), _worker_hpo(hpo_path), top=top)


def _is_bag(obj: Any) -> bool:
    return type(obj).__module__.startswith("dask.bag") or (
        hasattr(obj, "to_delayed") and hasattr(obj, "map_partitions") and not hasattr(obj, "columns")
    )


def _hpo_path(hpo: Any, session: Session | None) -> str | None:
    """The HPO file the workers load: the session's, else ``hpo`` resolved as ``phenotk summarize`` does."""
    if session is None:
        from phenotk.workflow.session import Session

        session = Session.from_settings(config=False, hpo=hpo, want_hpo=hpo is not False)
    if session.hpo is not None and session.hpo_path is None:
        raise ValueError("the HPO index was not loaded from a file; workers need a path (hpo=FILE)")
    return session.hpo_path if session.hpo is not None else None


def summarize_parts(
    paths_or_bag: Any,
    *,
    hpo: Any = None,
    top: int = 20,
    session: Session | None = None,
    partition_size: int = PARTITION_SIZE,
) -> Part:
    """The merged summary and the unreadable inputs' messages (computed on the current Dask scheduler)."""
    require("dask", "fsspec")
    import dask

    from phenotk.analysis.summary import merge_summaries
    from phenotk.scale.inputs import list_inputs

    hpo_path = _hpo_path(hpo, session)
    if _is_bag(paths_or_bag):
        task = dask.delayed(_records_task, pure=True)
        tasks = [task(hpo_path, top, d) for d in paths_or_bag.to_delayed()]
    else:
        paths = [paths_or_bag] if isinstance(paths_or_bag, (str, os.PathLike)) else list(paths_or_bag)
        items = list_inputs(paths)
        size = max(1, partition_size)
        task = dask.delayed(_files_task, pure=True)
        tasks = [task(hpo_path, top, items[i : i + size]) for i in range(0, len(items), size)]
    parts: Sequence[Part] = dask.compute(*tasks) if tasks else ()
    if not parts:
        empty, _ = summarize_records([], _worker_hpo(hpo_path), top=top)
        return empty, []
    return merge_summaries(p[0] for p in parts), [e for p in parts for e in p[1]]


def summarize(
    paths_or_bag: Any,
    *,
    hpo: Any = None,
    top: int = 20,
    partition_size: int = PARTITION_SIZE,
) -> CohortSummary:
    """The :class:`~phenotk.analysis.summary.CohortSummary` of every packet under ``paths_or_bag``, on Dask.

    ``paths_or_bag``: a path, directory, glob or URL (through fsspec), a list of them, or a ``dask.bag`` of
    ``(path, bytes)`` records. ``hpo``: an HPO file (workers load it from that path) or False; None resolves
    it as ``phenotk summarize`` does. Runs on the active ``distributed.Client`` if there is one. Equals
    ``phenotk.read_cohort(paths, hpo=hpo).summary(top=top)``; inputs that cannot be read are skipped with a
    :class:`UserWarning` naming them.
    """
    summary, errors = summarize_parts(paths_or_bag, hpo=hpo, top=top, partition_size=partition_size)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        warnings.warn(f"{len(errors)} input(s) could not be read: {errors[0]}{more}", UserWarning, stacklevel=2)
    return summary


def run(
    paths: Sequence[str], session: Session, *, top: int, scheduler: str | None = None, workers: int | None = None
) -> Part:
    """``phenotk summarize --engine dask``: on ``scheduler``, else a LocalCluster of ``workers`` processes."""
    require("dask", "distributed", "fsspec")
    from distributed import Client, LocalCluster

    from phenotk.scale.cli import WORKER_ENV

    if scheduler:
        with Client(scheduler):
            return summarize_parts(list(paths), top=top, session=session)
    n = workers or os.cpu_count() or 1
    with (
        LocalCluster(
            n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None, env=WORKER_ENV
        ) as cluster,
        Client(cluster),
    ):
        return summarize_parts(list(paths), top=top, session=session)


__all__ = ["PARTITION_SIZE", "run", "summarize", "summarize_parts", "summarize_records"]
