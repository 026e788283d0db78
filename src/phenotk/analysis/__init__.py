"""Researchers' side: read a cohort of Phenopackets, summarise it, plot it, show it in Jupyter."""

from phenotk.analysis.cohort import CohortView, PacketCard, read_cohort, show
from phenotk.analysis.summary import CohortSummary, summarize

__all__ = ["CohortSummary", "CohortView", "PacketCard", "read_cohort", "show", "summarize"]
