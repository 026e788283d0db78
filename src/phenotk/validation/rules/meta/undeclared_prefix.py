"""META001 meta-undeclared-prefix."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from phenotk.io.sourcemap import split
from phenotk.issue import Fix, PatchOp, Severity
from phenotk.validation.helpers import curie_prefix
from phenotk.validation.rule import Context, Node, Rule, Violation

#: standard resource entries offered as suggested fixes (version left for the curator to fill in)
KNOWN_RESOURCES: dict[str, dict[str, str]] = {
    "HP": {
        "name": "human phenotype ontology",
        "url": "http://purl.obolibrary.org/obo/hp.owl",
        "iriPrefix": "http://purl.obolibrary.org/obo/HP_",
    },
    "MONDO": {
        "name": "Mondo Disease Ontology",
        "url": "http://purl.obolibrary.org/obo/mondo.obo",
        "iriPrefix": "http://purl.obolibrary.org/obo/MONDO_",
    },
    "OMIM": {
        "name": "Online Mendelian Inheritance in Man",
        "url": "https://www.omim.org",
        "iriPrefix": "https://www.omim.org/entry/",
    },
    "ORPHA": {
        "name": "Orphanet Rare Disease Ontology",
        "url": "https://www.orpha.net",
        "iriPrefix": "http://www.orpha.net/ORDO/Orphanet_",
    },
    "GENO": {
        "name": "Genotype Ontology",
        "url": "http://purl.obolibrary.org/obo/geno.owl",
        "iriPrefix": "http://purl.obolibrary.org/obo/GENO_",
    },
    "NCIT": {
        "name": "NCI Thesaurus",
        "url": "http://purl.obolibrary.org/obo/ncit.owl",
        "iriPrefix": "http://purl.obolibrary.org/obo/NCIT_",
    },
    "HGNC": {
        "name": "HUGO Gene Nomenclature Committee",
        "url": "https://www.genenames.org",
        "iriPrefix": "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/",
    },
    "SO": {
        "name": "Sequence types and features ontology",
        "url": "http://purl.obolibrary.org/obo/so.obo",
        "iriPrefix": "http://purl.obolibrary.org/obo/SO_",
    },
    "UBERON": {
        "name": "Uber-anatomy ontology",
        "url": "http://purl.obolibrary.org/obo/uberon.owl",
        "iriPrefix": "http://purl.obolibrary.org/obo/UBERON_",
    },
    "NCBITaxon": {
        "name": "NCBI organismal classification",
        "url": "http://purl.obolibrary.org/obo/ncbitaxon.owl",
        "iriPrefix": "http://purl.obolibrary.org/obo/NCBITaxon_",
    },
    "LOINC": {
        "name": "Logical Observation Identifiers Names and Codes",
        "url": "https://loinc.org",
        "iriPrefix": "https://loinc.org/",
    },
}


class MetaUndeclaredPrefix(Rule):
    """A CURIE prefix is used in the document but not declared in ``metaData.resources``.

    What it checks
    --------------
    The prefix of every ``OntologyClass.id`` and ``GeneDescriptor.valueId`` must equal the
    ``namespacePrefix`` of a resource in ``metaData.resources`` (in a Family or Cohort, the resources of
    the element and of its members all count). Each undeclared prefix is reported once, at its first use,
    with the number of uses. Literature references (``PMID:``) in ``externalReferences`` are references,
    not ontology terms, and are not checked. For well-known namespaces a resource entry is suggested.

    Why
    ---
    The resources list says which ontology and which *release* the ids come from; without it an id
    cannot be resolved reliably (the specification makes it REQUIRED for every ontology used).

    Anti-pattern
    ------------
    ``"diseases": [{"term": {"id": "MONDO:0007947", "label": "Marfan syndrome"}}]`` with only HP in
    ``resources``.

    Fixed
    -----
    Add ``{"id": "mondo", "name": "Mondo Disease Ontology", "url": "http://purl.obolibrary.org/obo/mondo.obo",
    "version": "2024-06-04", "namespacePrefix": "MONDO", "iriPrefix": "http://purl.obolibrary.org/obo/MONDO_"}``.
    """

    code = "META001"
    name = "meta-undeclared-prefix"
    severity = Severity.ERROR
    targets = ("OntologyClass", "GeneDescriptor", "Resource")

    batch = True

    def check_batch(self, nodes: list[Node], ctx: Context) -> Iterator[tuple[Node, Violation]]:
        """Collect used and declared prefixes of the document; one finding per undeclared prefix."""
        # One plain loop (cheaper than a comprehension per node type), node[0] is node.value and node[1]
        # node.type (tuple access: hot path), the prefix read inline from the per-process memo; an id not in it
        # (first sight, not a string, unhashable) sends the document down the exact path below
        get = _PREFIXES.get
        prefixes: set[Any] = set()
        declared: set[Any] = set()
        add, declare = prefixes.add, declared.add
        try:
            for n in nodes:
                kind = n[1]
                if kind == "OntologyClass":
                    add(get(n[0].get("id"), _UNSEEN))
                elif kind == "Resource":
                    declare(n[0].get("namespacePrefix") or n.get("namespacePrefix"))
                else:
                    add(get(n.get("valueId"), _UNSEEN))
        except TypeError:  # an unhashable id or prefix (a list or an object)
            add(_UNSEEN)
        if _UNSEEN in prefixes:
            declared, ids = _strings(nodes)
            prefixes = {_cached_prefix(i) for i in ids}
        prefixes.discard(None)
        if prefixes <= declared:
            return  # the common case
        declared = {d for d in declared if type(d) is str}
        undeclared = prefixes - declared
        used: dict[str, list[Any]] = {}  # undeclared prefix → [first node, uses]
        for node in nodes:
            if node.type == "Resource":
                continue
            ident = node.value.get("id") if node.type == "OntologyClass" else node.get("valueId")
            prefix = _cached_prefix(ident) if type(ident) is str else None
            if prefix in undeclared:
                entry = used.get(prefix)  # type: ignore[arg-type]
                if entry is None:
                    used[prefix] = [node, 1]  # type: ignore[index]
                else:
                    entry[1] += 1
        lowered = {d.lower(): d for d in declared}
        root = ctx.root
        for prefix, (first, count) in used.items():
            near = lowered.get(prefix.lower())
            times = f" ({count} uses)" if count > 1 else ""
            if near is not None:
                msg = (
                    f"prefix {prefix!r}{times} is declared as {near!r} in metaData.resources; "
                    "prefixes are case-sensitive"
                )
            else:
                msg = f"prefix {prefix!r}{times} is not declared in metaData.resources"
            fix = _add_resource(ctx.data, prefix)
            if root is not None:  # the fix edits metaData: report relative to the root
                yield root, self.violation(msg, *split(first.pointer), fix=fix)
            else:  # pragma: no cover
                yield first, self.violation(msg)


#: CURIE → its prefix (None when not a CURIE): ids recur across documents
_PREFIXES: dict[str, str | None] = {}
_UNSEEN = object()


def _strings(nodes: list[Node]) -> tuple[set[Any], set[Any]]:
    """(declared prefixes, used ids) of the nodes, strings only."""
    declared: set[Any] = set()
    ids: set[Any] = set()
    for n in nodes:
        if n.type == "Resource":
            if type(prefix := n.get("namespacePrefix")) is str:
                declared.add(prefix)
        elif type(ident := n.get("id" if n.type == "OntologyClass" else "valueId")) is str:
            ids.add(ident)
    return declared, ids


def _cached_prefix(ident: str) -> str | None:
    prefix = _PREFIXES.get(ident, _UNSEEN)
    if prefix is _UNSEEN:
        prefix = curie_prefix(ident)
        if len(_PREFIXES) < 200_000:
            _PREFIXES[ident] = prefix
    return prefix  # type: ignore[return-value]


def _add_resource(data: dict[str, Any], prefix: str) -> Fix | None:
    known = KNOWN_RESOURCES.get(prefix)
    meta_key = "metaData" if "metaData" in data else ("meta_data" if "meta_data" in data else None)
    if known is None or meta_key is None or not isinstance(data[meta_key], dict):
        return None
    resource = {"id": prefix.lower(), **known, "version": "", "namespacePrefix": prefix}
    resource = {k: resource[k] for k in ("id", "name", "url", "version", "namespacePrefix", "iriPrefix")}
    return Fix(
        (PatchOp("add", f"/{meta_key}/resources/-", resource),),
        safe=False,
        description=f"declare {prefix} in metaData.resources (fill in the release version)",
    )
