"""Ontologies (HPO first) through pronto, as a compact, cached, release-pinned index.

``load_ontology(path)`` works for any OBO ontology (HPO, MONDO, GENO, MAxO …) in OBO, OBO Graphs JSON or
OWL (gzip accepted); ``resolve_hpo()`` finds the HPO to use in the GUIDE §2 order. Both return an
:class:`OntologyIndex` whose answers come from precomputed integer sets, not graph walks.
"""

from __future__ import annotations

from .build import release_version
from .cache import cache_dir, file_sha256, ontology_cache_dir
from .index import HPO_ROOTS, NEWER_ID_GAP, IdStatus, OntologyIndex, normalize_text
from .load import index_from_pronto, load_ontology
from .resolve import (
    KNOWN_RELEASES,
    PINNED_RELEASE,
    HpoNotAvailable,
    HpoSource,
    cached_release,
    config_hpo,
    fetch_release,
    find_hpo,
    how_to_point_at_hpo,
    release_path,
    resolve_hpo,
    try_resolve_hpo,
)


def load_hpo(path: str | None = None, *, download: bool | None = None) -> OntologyIndex:
    """The HPO index: ``path`` if given, else ``PHENOTK_HPO``, config, cached release, download (GUIDE §2)."""
    return resolve_hpo(path, download=download)


__all__ = [
    "HPO_ROOTS",
    "KNOWN_RELEASES",
    "NEWER_ID_GAP",
    "PINNED_RELEASE",
    "HpoNotAvailable",
    "HpoSource",
    "IdStatus",
    "OntologyIndex",
    "cache_dir",
    "cached_release",
    "config_hpo",
    "fetch_release",
    "file_sha256",
    "find_hpo",
    "how_to_point_at_hpo",
    "index_from_pronto",
    "load_hpo",
    "load_ontology",
    "normalize_text",
    "ontology_cache_dir",
    "release_path",
    "release_version",
    "resolve_hpo",
    "try_resolve_hpo",
]
