"""``phenotk.dask``: validation and summaries on Dask (``pip install "phenotk[scale]"``); see :mod:`phenotk.scale`.

>>> import phenotk.dask                                                    # doctest: +SKIP
>>> findings = phenotk.dask.validate("s3://bucket/packets/*.json", hpo="hp.json")  # doctest: +SKIP
>>> findings.to_parquet("findings/")                                       # doctest: +SKIP
>>> phenotk.dask.summarize("packets/", hpo="hp.json").to_dict()             # doctest: +SKIP

Importing this module costs nothing; Dask is imported on first use (a missing extra raises
:class:`~phenotk.scale.ScaleNotInstalled` naming the ``pip install`` line).
"""

from __future__ import annotations

from typing import Any


def validate(paths_or_bag: Any, *, hpo: Any = None, config: Any = False, **options: Any) -> Any:
    """Findings of ``paths_or_bag`` as a lazy ``dask.dataframe``; see :func:`phenotk.scale.dask.validate`."""
    from phenotk.scale.dask import validate as _validate

    return _validate(paths_or_bag, hpo=hpo, config=config, **options)


def frames(paths_or_bag: Any, *, hpo: Any = None, config: Any = False, **options: Any) -> Any:
    """Findings and per-document frames (``.findings``, ``.documents``, ``.to_parquet(dir)``)."""
    from phenotk.scale.dask import frames as _frames

    return _frames(paths_or_bag, hpo=hpo, config=config, **options)


def summarize(paths_or_bag: Any, *, hpo: Any = None, top: int = 20, **options: Any) -> Any:
    """``CohortSummary`` of ``paths_or_bag`` (partitions summed); see :func:`phenotk.scale.summarize.summarize`."""
    from phenotk.scale.summarize import summarize as _summarize

    return _summarize(paths_or_bag, hpo=hpo, top=top, **options)


__all__ = ["frames", "summarize", "validate"]
