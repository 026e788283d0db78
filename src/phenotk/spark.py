"""``phenotk.spark``: validation on Spark (``pip install "phenotk[scale]"`` + pyspark); see :mod:`phenotk.scale.spark`.

>>> df = spark.read.format("binaryFile").load("s3a://bucket/packets/*.json")  # doctest: +SKIP
>>> findings = phenotk.spark.validate(df, hpo="/shared/hp.json")         # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any


def validate(binary_files: Any, *, hpo: Any = None, config: Any = False, **options: Any) -> Any:
    """Findings of a ``binaryFile`` DataFrame as a Spark DataFrame; see :func:`phenotk.scale.spark.validate`."""
    from phenotk.scale.spark import validate as _validate

    return _validate(binary_files, hpo=hpo, config=config, **options)


def frames(binary_files: Any, *, hpo: Any = None, config: Any = False, **options: Any) -> Any:
    """Findings and per-document DataFrames (``.findings``, ``.documents``, ``.to_parquet(dir)``)."""
    from phenotk.scale.spark import frames as _frames

    return _frames(binary_files, hpo=hpo, config=config, **options)


__all__ = ["frames", "validate"]
