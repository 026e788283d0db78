"""phenotk: validate, fix and convert GA4GH Phenopackets.

Only the names in ``__all__`` are public API; modules with a leading underscore and sub-packages
may change between releases.
"""

from phenotk._version import __version__
from phenotk.errors import InputError, PhenotkError, UsageError
from phenotk.convert.fhir import from_fhir, to_fhir
from phenotk.convert.v1 import upgrade
from phenotk.io import Document, Element, Format, iter_documents, read, write
from phenotk.issue import Fix, Issue, PatchOp, Report, Result, RuleInfo, Severity
from phenotk.ontology import HpoNotAvailable, OntologyIndex, load_hpo, load_ontology

__all__ = [
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
    "upgrade",
    "from_fhir",
    "iter_documents",
    "load_hpo",
    "load_ontology",
    "read",
    "to_fhir",
    "write",
]
