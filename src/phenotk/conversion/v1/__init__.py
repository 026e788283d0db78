"""Phenopacket v1 (and pre-1.0) → v2: :func:`upgrade` and the ``v1`` converter reader."""

from phenotk.conversion.v1.upgrade import (
    INTERPRETATION_STATUSES,
    PROGRESS_STATUSES,
    V2_SCHEMA_VERSION,
    UpgradeOptions,
    upgrade,
)

__all__ = ["INTERPRETATION_STATUSES", "PROGRESS_STATUSES", "V2_SCHEMA_VERSION", "UpgradeOptions", "upgrade"]
