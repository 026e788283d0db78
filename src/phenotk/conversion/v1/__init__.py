"""Phenopacket v1 (and pre-1.0) → v2: :func:`upgrade` and the ``v1`` converter reader (:mod:`.reader`)."""

from phenotk.conversion.v1.options import (
    INTERPRETATION_STATUSES,
    PROGRESS_STATUSES,
    V2_SCHEMA_VERSION,
    UpgradeOptions,
)
from phenotk.conversion.v1.upgrade import upgrade

__all__ = ["INTERPRETATION_STATUSES", "PROGRESS_STATUSES", "V2_SCHEMA_VERSION", "UpgradeOptions", "upgrade"]
