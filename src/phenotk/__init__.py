"""phenotk: validate, fix and convert GA4GH Phenopackets.

Only the names in ``__all__`` are public API; modules with a leading underscore and sub-packages
may change between releases.
"""

from phenotk._version import __version__
from phenotk.analysis import CohortSummary, CohortView, read_cohort, show
from phenotk.convert.fhir import from_fhir, to_fhir
from phenotk.convert.table.api import from_dataframe, to_dataframe
from phenotk.convert.v1 import upgrade
from phenotk.errors import InputError, PhenotkError, UsageError
from phenotk.fix import fix
from phenotk.io import Document, Element, Format, iter_documents, read, write
from phenotk.issue import Fix, Issue, PatchOp, Report, Result, RuleInfo, Severity
from phenotk.ontology import HpoNotAvailable, OntologyIndex, load_hpo, load_ontology
from phenotk.validate.api import validate

__all__ = [
    "CohortSummary",
    "CohortView",
    "Document",
    "Element",
    "Fix",
    "Format",
    "HpoNotAvailable",
    "InputError",
    "Issue",
    "OntologyIndex",
    "PatchOp",
    "PhenotkError",
    "Report",
    "Result",
    "RuleInfo",
    "Severity",
    "UsageError",
    "__version__",
    "fix",
    "from_dataframe",
    "from_fhir",
    "iter_documents",
    "load_hpo",
    "load_ontology",
    "read",
    "read_cohort",
    "show",
    "to_dataframe",
    "to_fhir",
    "upgrade",
    "validate",
    "write",
]
