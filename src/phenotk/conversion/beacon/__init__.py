"""Beacon v2 ``individuals`` ↔ Phenopackets (see :mod:`phenotk.conversion.beacon.mapping` for the field map)."""

from phenotk.conversion.beacon.io import BeaconReader, BeaconWriter, individuals
from phenotk.conversion.beacon.mapping import NCIT_TO_SEX, SEX_TO_NCIT, from_beacon, to_beacon

__all__ = ["NCIT_TO_SEX", "SEX_TO_NCIT", "BeaconReader", "BeaconWriter", "from_beacon", "individuals", "to_beacon"]
