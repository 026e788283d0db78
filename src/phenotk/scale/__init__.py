"""Scale-out: validation as a pure per-partition function over ``(path, bytes)`` records, run by Dask or Spark.

* :mod:`.arrow` — the documented, versioned Arrow schemas of finding rows and per-document rows;
* :mod:`.partition` — records in → Arrow tables out, with the worker's session built once per process,
  and the cross-document reduction (the run hooks' ``end_run`` over the gathered per-document notes);
* :mod:`.dask` — ``phenotk.dask.validate(paths_or_bag, hpo=…, config=…)`` → ``dask.dataframe``;
* :mod:`.spark` — ``phenotk.spark.validate(binary_file_df)`` through ``mapInArrow``.

Nothing here is imported by ``phenotk`` itself: the optional extra ``phenotk[scale]`` brings pyarrow,
dask, distributed and fsspec (pyspark for Spark). See ``docs/scale.md``.
"""

from __future__ import annotations

#: the one line said when the extra is missing (CLI exit 2)
INSTALL_HINT = 'the scale-out engines need the optional extra: pip install "phenotk[scale]"'


class ScaleNotInstalled(ImportError):
    """An optional scale-out dependency is missing (message: what to ``pip install``)."""


def require(*modules: str) -> None:
    """Import ``modules`` or raise :class:`ScaleNotInstalled` naming ``pip install "phenotk[scale]"``."""
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            raise ScaleNotInstalled(f"{INSTALL_HINT} ({name} is not installed)") from exc


__all__ = ["INSTALL_HINT", "ScaleNotInstalled", "require"]
