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
import uuid
import warnings
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from phenotk.limits import DEFAULT as DEFAULT_LIMITS
from phenotk.limits import Limits, using
from phenotk.scale import require

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.analysis.summary import CohortSummary
    from phenotk.ontology import OntologyIndex
    from phenotk.scale.tasks import Batch
    from phenotk.workflow.session import Session

#: files per partition task when one is asked for; None (default): guided partitions (phenotk.scale.tasks.cut)
PARTITION_SIZE: int | None = None

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

        idx = _HPO[path] = load_ontology(path, prefix="HP")
    return idx


def summarize_records(records: Iterable[tuple[Any, ...]], hpo: OntologyIndex | None, *, top: int = 20) -> Part:
    """Summary of the packets in ``(path, bytes[, name])`` records (bytes may be the read error instead). Pure."""
    from phenotk.analysis.cohort import packets_of
    from phenotk.analysis.summary import summarize
    from phenotk.errors import InputError
    from phenotk.io import parse_bytes
    from phenotk.limits import current

    limits = current()
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
        if len(data) > limits.document_bytes:  # bytes a bag read whole: the reader's own refusal
            errors.append(str(limits.exceeded("document-bytes", f"file is {len(data)} bytes", path=path)))
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


def _files_task(hpo_path: str | None, top: int, batch: Batch, limits: Limits = DEFAULT_LIMITS) -> Part:
    from phenotk.scale.inputs import read_item

    with using(limits):  # the run's [tool.phenotk.limits] in the worker's task thread
        records = ((it[0], read_item(it), it[1]) for it in batch.items)
        return summarize_records(records, _worker_hpo(hpo_path), top=top)


def _records_task(hpo_path: str | None, top: int, records: list[Any], limits: Limits = DEFAULT_LIMITS) -> Part:
    with using(limits):
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
    partition_size: int | None = PARTITION_SIZE,
) -> Part:
    """The merged summary and the unreadable inputs' messages (computed on the current Dask scheduler)."""
    require("dask", "fsspec")
    import dask

    from phenotk.analysis.summary import merge_summaries
    from phenotk.scale.inputs import list_inputs
    from phenotk.scale.tasks import cut, worker_threads

    hpo_path = _hpo_path(hpo, session)
    token = uuid.uuid4().hex[:12]  # task keys named, not hashed from 10^5 file names on the client
    if _is_bag(paths_or_bag):
        task = dask.delayed(_records_task, pure=False)
        chunks: list[Any] = paths_or_bag.to_delayed()
    else:
        paths = [paths_or_bag] if isinstance(paths_or_bag, (str, os.PathLike)) else list(paths_or_bag)
        task = dask.delayed(_files_task, pure=False)
        chunks = cut(list_inputs(paths), partition_size, worker_threads() if partition_size is None else 1)
    limits = session.options.limits if session is not None else DEFAULT_LIMITS
    tasks = [
        task(hpo_path, top, c, limits, dask_key_name=f"phenotk-summarize-{token}-{k}") for k, c in enumerate(chunks)
    ]
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
    partition_size: int | None = PARTITION_SIZE,
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
    from distributed import Client

    from phenotk.scale.cli import local_cluster

    if scheduler:
        with Client(scheduler):
            return summarize_parts(list(paths), top=top, session=session)
    with local_cluster(workers):
        return summarize_parts(list(paths), top=top, session=session)


__all__ = ["PARTITION_SIZE", "run", "summarize", "summarize_parts", "summarize_records"]
