"""FHIR R4 ↔ Phenopackets v2, both ways (Phenomics Exchange IG + Genomics Reporting IG shapes).

Public entry points (re-exported by ``phenotk``): :func:`to_fhir` and :func:`from_fhir`. The converter
classes :class:`FhirReader` / :class:`FhirWriter` plug into ``phenotk convert`` through the registry.
FHIR models come from ``fhir.resources.R4B`` (FHIR 4.3, wire-compatible with R4 for every resource used here;
fhir.resources 8 has no plain R4 package). The field-by-field mapping is docs/fhir-mapping.md.

Layout: ``reader.py`` (FHIR → phenopackets; resource kinds in ``read_*.py`` over ``walk.py``), ``writer.py``
(phenopackets → FHIR; the Bundle built in ``bundle*.py``), ``findings.py`` (every finding either side emits),
``source.py`` / ``xml.py`` (bytes → FHIR JSON tree), ``model.py`` (the fhir.resources check), ``terms.py``,
``timeel.py`` and ``coverage.py``.
"""

from __future__ import annotations

from phenotk.conversion.fhir.model import validate_fhir
from phenotk.conversion.fhir.reader import FhirReader, from_fhir, read_fhir
from phenotk.conversion.fhir.source import load_fhir
from phenotk.conversion.fhir.writer import FhirWriter, bundle_bytes, to_fhir, writer_issues

__all__ = [
    "FhirReader",
    "FhirWriter",
    "bundle_bytes",
    "from_fhir",
    "load_fhir",
    "read_fhir",
    "to_fhir",
    "validate_fhir",
    "writer_issues",
]
