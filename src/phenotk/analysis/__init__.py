"""Researchers' side: read a cohort of Phenopackets, query it, summarise it, plot it, show it in Jupyter."""

from phenotk.analysis.cohort import CohortGroups, CohortView, PacketCard, PacketCards, read_cohort, show
from phenotk.analysis.frames import term_matrix, to_dataframe
from phenotk.analysis.genotype import (
    GenotypePhenotypeTable,
    benjamini_hochberg,
    fisher_exact,
    genotype_phenotype,
    variants_of,
)
from phenotk.analysis.summary import CohortSummary, TermCount, merge_summaries, summarize
from phenotk.analysis.terms import TermClosure

__all__ = [
    "CohortGroups",
    "CohortSummary",
    "CohortView",
    "GenotypePhenotypeTable",
    "PacketCard",
    "PacketCards",
    "TermClosure",
    "TermCount",
    "benjamini_hochberg",
    "fisher_exact",
    "genotype_phenotype",
    "merge_summaries",
    "read_cohort",
    "show",
    "summarize",
    "term_matrix",
    "to_dataframe",
    "variants_of",
]
