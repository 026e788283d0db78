"""phenotk: validate, fix and convert GA4GH Phenopackets.

Only the names in ``__all__`` are public API; modules with a leading underscore and sub-packages
may change between releases. Heavy parts (pandas, matplotlib, fhir.resources, pronto) are imported
on first use, so ``import phenotk`` and the command line start fast (``phenotk --version`` imports
no part of the validator).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from phenotk._version import __version__
from phenotk.errors import InputError, PhenotkError, UsageError

#: public name → module that defines it (imported on first attribute access)
_LAZY = {
    "validate": "phenotk.workflow.session",
    "fix": "phenotk.workflow.session",
    "Document": "phenotk.io",
    "Element": "phenotk.io",
    "Format": "phenotk.io",
    "iter_documents": "phenotk.io",
    "read": "phenotk.io",
    "write": "phenotk.io",
    "Fix": "phenotk.issue",
    "Issue": "phenotk.issue",
    "PatchOp": "phenotk.issue",
    "Report": "phenotk.issue",
    "Result": "phenotk.issue",
    "RuleInfo": "phenotk.issue",
    "Severity": "phenotk.issue",
    "CohortSummary": "phenotk.analysis",
    "CohortView": "phenotk.analysis",
    "read_cohort": "phenotk.analysis",
    "show": "phenotk.analysis",
    "Conversion": "phenotk.workflow.convert",
    "convert": "phenotk.workflow.convert",
    "deidentify": "phenotk.sharing",
    "from_fhir": "phenotk.conversion.fhir",
    "to_fhir": "phenotk.conversion.fhir",
    "from_dataframe": "phenotk.conversion.table.api",
    "to_dataframe": "phenotk.analysis.frames",
    "upgrade": "phenotk.conversion.v1",
    "HpoNotAvailable": "phenotk.ontology",
    "OntologyIndex": "phenotk.ontology",
    "load_hpo": "phenotk.ontology",
    "load_ontology": "phenotk.ontology",
}

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from phenotk.analysis import CohortSummary, CohortView, read_cohort, show
    from phenotk.analysis.frames import to_dataframe
    from phenotk.conversion.fhir import from_fhir, to_fhir
    from phenotk.conversion.table.api import from_dataframe
    from phenotk.conversion.v1 import upgrade
    from phenotk.io import Document, Element, Format, iter_documents, read, write
    from phenotk.issue import Fix, Issue, PatchOp, Report, Result, RuleInfo, Severity
    from phenotk.ontology import HpoNotAvailable, OntologyIndex, load_hpo, load_ontology
    from phenotk.sharing import deidentify
    from phenotk.workflow.convert import Conversion, convert
    from phenotk.workflow.session import fix, validate


#: sub-packages reachable as attributes without their own import (``phenotk.report.write_report(…)``, as the
#: report's repr suggests; ``phenotk.analysis.summarize``): imported on first use, like the names above
_SUBPACKAGES = frozenset({"analysis", "conversion", "io", "mapping", "ontology", "report", "sharing"})


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        if name in _SUBPACKAGES:
            return importlib.import_module(f"phenotk.{name}")  # the import binds it here too
        raise AttributeError(f"module 'phenotk' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "CohortSummary",
    "CohortView",
    "Conversion",
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
    "convert",
    "deidentify",
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
