"""PED pedigree files ↔ Phenopacket ``Family.pedigree`` (``phenotk convert --from ped`` / ``--to ped``)."""

from phenotk.conversion.ped.io import PedReader, PedWriter
from phenotk.conversion.ped.pedigree import PedFamily, check_pedigree, format_ped, parse_ped

__all__ = ["PedFamily", "PedReader", "PedWriter", "check_pedigree", "format_ped", "parse_ped"]
