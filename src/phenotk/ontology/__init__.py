"""Ontologies (HPO first) through pronto, as a compact, cached, release-pinned index.

``load_ontology(path)`` works for any OBO ontology (HPO, MONDO, GENO, MAxO …) in OBO, OBO Graphs JSON or
OWL (gzip accepted); ``resolve_hpo()`` finds the HPO to use in the GUIDE §2 order. Both return an
:class:`OntologyIndex` whose answers come from precomputed integer sets, not graph walks.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .build import release_version
    from .cache import cache_dir, file_sha256, ontology_cache_dir
    from .index import NEWER_ID_GAP, IdStatus, OntologyIndex, normalize_text
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

from .hpo_roots import HPO_ROOTS

#: public name → submodule that defines it; imported on first access (``import phenotk.ontology.hpo_roots``
#: or ``.view`` from a rule must not pull in the resolver's urllib/http stack)
_LAZY = {
    "release_version": "build",
    "cache_dir": "cache",
    "file_sha256": "cache",
    "ontology_cache_dir": "cache",
    "NEWER_ID_GAP": "index",
    "IdStatus": "index",
    "OntologyIndex": "index",
    "normalize_text": "index",
    "index_from_pronto": "load",
    "load_ontology": "load",
    **dict.fromkeys(
        (
            "KNOWN_RELEASES",
            "PINNED_RELEASE",
            "HpoNotAvailable",
            "HpoSource",
            "cached_release",
            "config_hpo",
            "fetch_release",
            "find_hpo",
            "how_to_point_at_hpo",
            "release_path",
            "resolve_hpo",
            "try_resolve_hpo",
        ),
        "resolve",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def load_hpo(path: str | None = None, *, download: bool | None = None) -> OntologyIndex:
    """The HPO index: ``path`` if given, else ``PHENOTK_HPO``, config, cached release, download (GUIDE §2)."""
    from .resolve import resolve_hpo

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
