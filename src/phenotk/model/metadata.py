"""``MetaData`` the way phenopacket-store writes it: resources in a fixed order, the PMID as external reference.

The resource table holds the fields the store uses for each namespace (name, url, iri prefix) and the
release versions the current store builder (phetools) writes when the caller does not know better.
"""

from __future__ import annotations

from collections.abc import Iterable

from google.protobuf.timestamp_pb2 import Timestamp
from phenopackets import ExternalReference, MetaData, Resource

#: prefix → (id, name, url, iri prefix, default version).
RESOURCES: dict[str, tuple[str, str, str, str, str]] = {
    "HP": (
        "hp",
        "human phenotype ontology",
        "http://purl.obolibrary.org/obo/hp.owl",
        "http://purl.obolibrary.org/obo/HP_",
        "",
    ),
    "GENO": (
        "geno",
        "Genotype Ontology",
        "http://purl.obolibrary.org/obo/geno.owl",
        "http://purl.obolibrary.org/obo/GENO_",
        "2025-07-25",
    ),
    "SO": (
        "so",
        "Sequence types and features ontology",
        "http://purl.obolibrary.org/obo/so.owl",
        "http://purl.obolibrary.org/obo/SO_",
        "2024-11-18",
    ),
    "OMIM": (
        "omim",
        "An Online Catalog of Human Genes and Genetic Disorders",
        "https://www.omim.org",
        "https://www.omim.org/entry/",
        "06/01/25",
    ),
    "HGNC": (
        "hgnc",
        "HUGO Gene Nomenclature Committee",
        "https://www.genenames.org",
        "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/",
        "06/01/25",
    ),
    "MONDO": (
        "mondo",
        "Mondo Disease Ontology",
        "http://purl.obolibrary.org/obo/mondo.obo",
        "http://purl.obolibrary.org/obo/MONDO_",
        "",
    ),
    "ORPHA": (
        "orpha",
        "Orphanet Rare Disease Ontology",
        "https://www.orpha.net/",
        "http://www.orpha.net/ORDO/Orphanet_",
        "",
    ),
    "NCIT": (
        "ncit",
        "NCI Thesaurus",
        "http://purl.obolibrary.org/obo/ncit.owl",
        "http://purl.obolibrary.org/obo/NCIT_",
        "",
    ),
    "LOINC": (
        "loinc",
        "Logical Observation Identifiers Names and Codes",
        "https://loinc.org",
        "https://loinc.org/",
        "",
    ),
    "UCUM": (
        "ucum",
        "Unified Code for Units of Measure",
        "https://ucum.org",
        "https://ucum.org/",
        "",
    ),
    "MAXO": (
        "maxo",
        "Medical Action Ontology",
        "http://purl.obolibrary.org/obo/maxo.owl",
        "http://purl.obolibrary.org/obo/MAXO_",
        "",
    ),
}

#: The order the store's builder writes resources in.
STORE_RESOURCE_ORDER = ("HP", "GENO", "SO", "OMIM", "HGNC")


def resource(prefix: str, version: str = "") -> Resource:
    """The store's resource entry for ``prefix`` (unknown prefixes get a minimal entry)."""
    key = prefix.upper()
    if key in RESOURCES:
        rid, name, url, iri, default_version = RESOURCES[key]
        return Resource(
            id=rid, name=name, url=url, version=version or default_version, namespace_prefix=key, iri_prefix=iri
        )
    return Resource(id=prefix.lower(), name=prefix, namespace_prefix=prefix, version=version)


def timestamp(created: str | None) -> Timestamp:
    """RFC 3339 text → Timestamp; None → now (UTC)."""
    ts = Timestamp()
    if created:
        try:
            ts.FromJsonString(created)
        except ValueError:  # protobuf's own words, an internal error through the API and the web page
            from phenotk.errors import UsageError

            raise UsageError(f"created {created!r} is not an RFC 3339 time; write e.g. 2024-05-01T00:00:00Z") from None
    else:
        ts.GetCurrentTime()
    return ts


def store_metadata(
    *,
    created: str | None,
    created_by: str,
    hpo_version: str = "",
    pmid: str = "",
    title: str = "",
    extra_prefixes: Iterable[str] = (),
    schema_version: str = "2.0.2",
) -> MetaData:
    """Store-style metadata: HP, GENO, SO, OMIM, HGNC resources (+ any ``extra_prefixes``), PMID reference."""
    md = MetaData(created_by=created_by, phenopacket_schema_version=schema_version)
    md.created.CopyFrom(timestamp(created))
    prefixes = list(STORE_RESOURCE_ORDER)
    for p in extra_prefixes:
        if p.upper() not in prefixes:
            prefixes.append(p.upper())
    for p in prefixes:
        md.resources.append(resource(p, hpo_version if p == "HP" else ""))
    if pmid:
        md.external_references.append(ExternalReference(id=pmid, description=title))
    return md
