"""META001 meta-undeclared-prefix."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from typing import Any

from phenotk.io.sourcemap import split
from phenotk.issue import Fix, PatchOp, Severity
from phenotk.validation.helpers import curie_prefix, plain_curie_prefix
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.meta._common import resources_text
from phenotk.validation.rules.syntax._ids import iri_curie, is_iri, written_ids

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
    The prefix of every ``OntologyClass.id`` and ``GeneDescriptor.valueId`` must equal the ``namespacePrefix``
    of a resource in ``metaData.resources`` (in a Family or Cohort, the resources of the element and of its
    members all count). An id with blanks around it (``"OMIM:154700 "``, which ``curie-syntax`` reports and
    fixes) counts with its prefix, an IRI (``http://purl.obolibrary.org/obo/MONDO_0007947``, which it reports
    too) with the prefix of the CURIE it names. Each undeclared prefix is reported once, at its first use, with
    the number of uses. Literature references (``PMID:``) in ``externalReferences`` are references, not ontology
    terms, and are not checked. For well-known namespaces a resource entry is suggested; when a resource already
    carries the namespace's well-known ``iriPrefix`` under another ``namespacePrefix`` (``"HPO"`` for
    ``http://purl.obolibrary.org/obo/HP_``), the finding names it and the fix renames it.

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
    #: the resources are read from the document's metadata (:func:`_declared`), not collected as nodes: the
    #: rule then shares its node list with ``curie-syntax`` (one list append per ontology class, not two)
    targets = ("OntologyClass", "GeneDescriptor")

    batch = True

    def check_batch(self, nodes: list[Node], ctx: Context) -> Iterable[tuple[Node, Violation]]:
        """Collect used and declared prefixes of the document; one finding per undeclared prefix."""
        root = ctx.root
        declared = _declared(ctx.data, root[1] if root is not None else "Phenopacket", ctx)
        ids = written_ids(nodes, ctx.state)  # every id and valueId (a superset of those used), C-level passes
        if ids is not None:
            key = declared if type(declared) is frozenset else frozenset(declared)
            fine = _FINE.get(key)
            if fine is None:
                if len(_FINE) >= 256:
                    _FINE.clear()
                fine = _FINE[key] = set()
            if ids <= fine or _all_declared(ids - fine, declared, fine):  # C-level set tests: the common case
                return ()
        return self._undeclared(nodes, ctx, declared)

    def _undeclared(
        self, nodes: list[Node], ctx: Context, declared: AbstractSet[str]
    ) -> Iterator[tuple[Node, Violation]]:
        """The exact path: the prefixes the nodes use (ids seen for the first time enter the memo)."""
        prefixes = {_cached_prefix(i) for i in _strings(nodes)}
        prefixes.discard(None)
        if prefixes <= declared:
            return
        undeclared = prefixes - declared
        used: dict[str, list[Any]] = {}  # undeclared prefix → [first node, uses]
        for node in nodes:
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
            misnamed = _misnamed_resource(ctx.data, prefix, prefixes) if near is None else None
            if misnamed is not None:  # the resource is there, under another namespacePrefix: rename it
                path, resource_id, other = misnamed
                msg += (
                    f"; resource {resource_id!r} has its iriPrefix {KNOWN_RESOURCES[prefix]['iriPrefix']!r} "
                    f"but namespacePrefix {other!r}"
                )
                fix: Fix | None = Fix(
                    (PatchOp("replace", path, prefix),),
                    safe=True,
                    description=f"rename namespacePrefix {other!r} of resource {resource_id!r} to {prefix!r}",
                )
            else:
                fix = _add_resource(ctx.data, prefix)
            if root is not None:  # the fix edits metaData: report relative to the root
                yield root, self.violation(msg, *split(first.pointer), fix=fix)
            else:  # pragma: no cover
                yield first, self.violation(msg)


#: CURIE → its prefix (None when not a CURIE): ids recur across documents
_PREFIXES: dict[str, str | None] = {}
_UNSEEN = object()
#: declared prefixes → the ids seen to need no finding under them (no CURIE, or a declared prefix): documents
#: repeat their resources and their terms; a document's ids are tested against it as one set
_FINE: dict[frozenset[str], set[Any]] = {}


def _all_declared(new: set[Any], declared: AbstractSet[str], fine: set[Any]) -> bool:
    """True when each of the ``new`` ids has no prefix or a declared one (they are then added to ``fine``)."""
    for ident in new:
        # the per-node path reads strings only; the usual ids (HP:0001250) need no regex nor memo
        prefix = (plain_curie_prefix(ident) or _cached_prefix(ident)) if type(ident) is str else None
        if prefix is not None and prefix not in declared:
            return False
        if len(fine) < 200_000:
            fine.add(ident)
    return True


def _strings(nodes: list[Node]) -> set[str]:
    """The ids the nodes use (``OntologyClass.id``, ``GeneDescriptor.valueId``), strings only."""
    ids: set[str] = set()
    for n in nodes:
        if type(ident := n.get("id" if n.type == "OntologyClass" else "valueId")) is str:
            ids.add(ident)
    return ids


#: element type → its fields holding phenopackets (whose metadata counts too)
_MEMBERS = {"Phenopacket": (), "Family": (("proband", False), ("relatives", True)), "Cohort": (("members", True),)}


def _declared(data: Any, element: str, ctx: Context) -> AbstractSet[str]:
    """The ``namespacePrefix`` strings of every resource the walk reaches: the element's and its members'.

    For the usual document, a phenopacket with a ``metaData`` and no ``meta_data``, the remembered frozenset of
    its resource list itself (:func:`_prefixes`: no copy, its hash already known as a key of :data:`_FINE`).
    """
    if element == "Phenopacket" and type(data) is dict and "meta_data" not in data:
        meta = data.get("metaData")
        resources = meta.get("resources") if type(meta) is dict else None
        return _prefixes(resources, ctx) if type(resources) is list else frozenset()
    declared: set[str] = set()
    if type(data) is not dict:
        return declared
    _resources(data, declared, ctx)
    for name, many in _MEMBERS.get(element, ()):
        value = data.get(name)  # one-word field: the snake_case key is the same
        if many:
            if type(value) is list:
                for pp in value:
                    if type(pp) is dict:
                        _resources(pp, declared, ctx)
        elif type(value) is dict:
            _resources(value, declared, ctx)
    return declared


def _resources(element: dict[str, Any], declared: set[str], ctx: Context) -> None:
    """Add the prefixes of an element's ``metaData.resources`` (``meta_data`` too, as the walk reads both)."""
    for key in ("metaData", "meta_data"):
        meta = element.get(key)
        if type(meta) is not dict:
            continue
        resources = meta.get("resources")
        if type(resources) is list:
            declared |= _prefixes(resources, ctx)


#: a resource list's JSON text (:func:`resources_text`) → its prefixes: documents repeat their resources
_LIST_PREFIXES: dict[bytes, frozenset[str]] = {}


def _prefixes(resources: list[Any], ctx: Context) -> frozenset[str]:
    """The ``namespacePrefix`` strings of a resource list (``namespace_prefix`` too)."""
    text = resources_text(resources, ctx)
    if text is not None:
        hit = _LIST_PREFIXES.get(text)
        if hit is not None:
            return hit
    found = set()
    for r in resources:
        if type(r) is dict:
            prefix = r["namespacePrefix"] if "namespacePrefix" in r else r.get("namespace_prefix")
            if type(prefix) is str:
                found.add(prefix)
    prefixes = frozenset(found)
    if text is not None and len(_LIST_PREFIXES) < 10_000:
        _LIST_PREFIXES[bytes(memoryview(text))] = prefixes  # a copy: orjson's bytes keep a 4 KB buffer
    return prefixes


def _cached_prefix(ident: str) -> str | None:
    prefix = _PREFIXES.get(ident, _UNSEEN)
    if prefix is _UNSEEN:
        prefix = curie_prefix(ident)
        if prefix is None and (ident[:1].isspace() or ident[-1:].isspace()):
            # "OMIM:154700 " is curie-syntax's finding, whose fix strips it: its prefix must be declared all the
            # same (else the fix reveals an undeclared prefix that the run before it did not report)
            prefix = curie_prefix(ident.strip())
        if prefix is not None and prefix[:1] in "hH" and is_iri(ident):
            # an IRI ("http" read as a prefix) is curie-syntax's finding too: the CURIE it names counts
            named = iri_curie(ident)
            prefix = curie_prefix(named) if named is not None else None
        if len(_PREFIXES) < 200_000:
            _PREFIXES[ident] = prefix
    return prefix  # type: ignore[return-value]


def _iri(value: str) -> str:
    """An iriPrefix compared loosely: no scheme, no ``www.``, lower-case host (``https://www.omim.org/entry/``)."""
    rest = value.strip().split("://", 1)[-1]
    host, _, path = rest.partition("/")
    host = host.lower()
    return (host[4:] if host.startswith("www.") else host) + "/" + path


def _misnamed_resource(data: dict[str, Any], prefix: str, used: AbstractSet[str | None]) -> tuple[str, str, str] | None:
    """The element's resource that has the well-known iriPrefix of ``prefix`` under another namespacePrefix.

    Returns (pointer of its namespacePrefix, resource id, that prefix) when exactly one resource matches and
    no id of the document uses its prefix. RareLink writes ``"namespacePrefix": "HPO"`` with
    ``"iriPrefix": "http://purl.obolibrary.org/obo/HP_"`` and ``HP:`` ids: renaming declares ``prefix`` with
    the release the curator stated, where adding a second resource would declare the ontology twice, under
    two releases.
    """
    known = KNOWN_RESOURCES.get(prefix)
    meta_key = "metaData" if "metaData" in data else ("meta_data" if "meta_data" in data else None)
    meta = data.get(meta_key) if meta_key is not None else None
    resources = meta.get("resources") if type(meta) is dict else None
    if known is None or type(resources) is not list:
        return None
    want = _iri(known["iriPrefix"])
    found = None
    for i, r in enumerate(resources):
        if type(r) is not dict:
            continue
        iri = r["iriPrefix"] if "iriPrefix" in r else r.get("iri_prefix")
        if type(iri) is not str or _iri(iri) != want:
            continue
        key = "namespacePrefix" if "namespacePrefix" in r else ("namespace_prefix" if "namespace_prefix" in r else None)
        other = r.get(key) if key is not None else None
        if type(other) is not str or other in used or found is not None:
            return None  # no prefix to rename, one the document uses, or two candidates: no single choice
        found = (f"/{meta_key}/resources/{i}/{key}", str(r.get("id", i)), other)
    return found


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
