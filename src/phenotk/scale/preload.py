"""A Dask worker plugin that builds the run's engine when a worker starts (``phenotk validate --engine dask``).

Without it each worker pays for phenotk's imports, the HPO index, the generated walkers and pyarrow's Parquet
writer in its first partition task (~0.7 s of one core each, beside the scheduler and the client on a small
machine). :func:`~phenotk.scale.cli.local_cluster` starts its workers with :class:`WarmEngine`, so they do this
before their first task; on a cluster of your own, register it once per run's options::

    client.register_plugin(WarmEngine(Spec.of(session)))   # every current and future worker
"""

from __future__ import annotations

from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from phenotk.scale.partition import Spec


class WarmEngine(WorkerPlugin):
    """Build (and run once) the engine of a :class:`~phenotk.scale.partition.Spec` in each worker process."""

    name = "phenotk-warm-engine"

    def __init__(self, spec: Spec) -> None:
        self.spec = spec

    def setup(self, worker: Any) -> None:
        """Called by the worker when it starts (or when the plugin is registered)."""
        import gc

        from phenotk.scale.tasks import warm

        warm(self.spec)
        # the warmed engine and its ontologies live as long as the worker: keep them out of the cyclic
        # collector's full scans (see phenotk._heap), which otherwise walk the HPO index again and again
        gc.freeze()


__all__ = ["WarmEngine"]
