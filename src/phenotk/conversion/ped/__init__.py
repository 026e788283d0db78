"""PED pedigree files ↔ Phenopacket ``Family.pedigree`` (``phenotk convert --from ped`` / ``--to ped``)."""

from phenotk.conversion.ped.pedigree import PedFamily, check_pedigree, format_ped, parse_ped
from phenotk.conversion.ped.reader import PedReader
from phenotk.conversion.ped.writer import PedWriter

__all__ = ["PedFamily", "PedReader", "PedWriter", "check_pedigree", "format_ped", "parse_ped"]
