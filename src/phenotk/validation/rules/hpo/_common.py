"""Helpers shared by the HPO rules: which index answers a CURIE, release comparison, feature lists.

Not a rule module (no :class:`~phenotk.validation.rule.Rule` subclass with a code lives here).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import compress, repeat
from operator import is_, itemgetter, not_
from types import MappingProxyType
from typing import Any

from phenotk.ontology.view import OntologyView, TermTables
from phenotk.validation.rule import Context, Node

#: option key (in ``ctx.options``) holding extra ontology indexes by CURIE prefix: ``{"MONDO": index}``
ONTOLOGIES_OPTION = "ontologies"

_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")

#: fields of a PhenotypicFeature other than its term and status: what makes two features differ
FEATURE_DETAIL_FIELDS = (
    "description",
    "severity",
    "modifiers",
    "onset",
    "resolution",
    "evidence",
)
_STATUS_KEYS = frozenset({"type", "excluded"})

# C-level accessors: the per-document passes below run as map()/filter() over lists, not Python loops
_FIRST, _SECOND = itemgetter(0), itemgetter(1)
_ABSENT = object()  # a default that equals no label
_NO_EXTRA: Mapping[str, OntologyView] = MappingProxyType({})  # extra_ontologies() without any


def release_date(version: Any) -> str | None:
    """``YYYY-MM-DD`` found in a release string (``2025-05-06``, ``v2025-05-06``, a release IRI), else None."""
    if not isinstance(version, str):
        return None
    return _release_date(version)


@functools.lru_cache(maxsize=1024)
def _release_date(version: str) -> str | None:
    m = _DATE.search(version)
    return m.group(1) if m else None


def loaded_hpo(ctx: Context) -> OntologyView:
    """The run's HPO, for rules with ``requires_hpo`` (the engine runs them only when one is loaded)."""
    hpo = ctx.hpo
    if hpo is None:  # pragma: no cover - the engine skips rules that require HPO when none is loaded
        raise RuntimeError("no HPO loaded")
    return hpo


def extra_ontologies(ctx: Context) -> Mapping[str, OntologyView]:
    """Indexes of non-HPO ontologies the user loaded (``--ontology MONDO=path``), keyed by CURIE prefix."""
    found = ctx.options.get(ONTOLOGIES_OPTION) if ctx.options else None
    if found is None:  # the usual run (no isinstance() against the Mapping ABC)
        return _NO_EXTRA
    return found if isinstance(found, Mapping) else _NO_EXTRA


def index_for(ctx: Context, curie: str) -> OntologyView | None:
    """The loaded index that answers ``curie`` (HPO for ``HP:``; a user-loaded one for other prefixes), or None."""
    if curie.startswith("HP:"):
        return ctx.hpo
    opts = ctx.options
    extra = opts.get(ONTOLOGIES_OPTION) if opts else None
    if not extra:  # the common case: no other ontology loaded
        return None
    i = curie.find(":")
    return extra.get(curie[:i]) if i > 0 and hasattr(extra, "get") else None  # type: ignore[no-any-return]


def ontology_name(index: OntologyView) -> str:
    """``HPO`` for the HPO index, else the ontology's prefix (``MONDO``)."""
    prefix = index.prefix
    return "HPO" if prefix == "HP" else str(prefix)


def release_of(index: OntologyView) -> str:
    """The index's release as shown in messages (``2025-05-06``), ``unknown release`` when it has none."""
    return str(index.version or "unknown release")


def _hp_resource_versions(meta: Any) -> list[str]:
    """Release dates named by the HP entries of one ``metaData.resources`` (a list: no generator per document)."""
    if not isinstance(meta, dict):
        return []
    resources = meta.get("resources")
    if not isinstance(resources, list):
        return []
    try:  # every entry's namespacePrefix at C speed (this runs for every document)
        prefixes = list(map(dict.get, resources, ["namespacePrefix"] * len(resources)))
    except TypeError:  # an entry that is not an object: the loop below
        prefixes = []
    if None not in prefixes and prefixes.count("HP") == 1:
        # the common case: every entry names its prefix (so none is HP by its id alone) and one names HP
        r = resources[prefixes.index("HP")]
        if type(r) is not dict:
            return []
        date = release_date(r.get("version"))
        return [date] if date else []
    found = []
    for r in resources:
        if type(r) is not dict:
            continue
        prefix = r.get("namespacePrefix")
        if prefix is None:
            prefix = r.get("namespace_prefix")
        if prefix == "HP" or (prefix is None and str(r.get("id", "")).lower() == "hp"):
            date = release_date(r.get("version"))
            if date:
                found.append(date)
    return found


def cited_hpo_release(ctx: Context) -> str | None:
    """Newest HPO release the document's ``metaData.resources`` name (any element of it), None if none.

    Cached per document in ``ctx.state``.
    """
    state = ctx.state
    if "hpo:cited" in state:
        return state["hpo:cited"]  # type: ignore[no-any-return]
    data = ctx.data
    meta = data.get("metaData")
    found = _hp_resource_versions(meta if meta is not None else data.get("meta_data"))
    if "proband" in data or "relatives" in data or "members" in data:  # a family or cohort
        for key in ("proband", "relatives", "members"):
            sub = data.get(key)
            for item in sub if isinstance(sub, list) else [sub]:
                if isinstance(item, dict):
                    found.extend(_hp_resource_versions(item.get("metaData", item.get("meta_data"))))
    cited = max(found) if found else None
    state["hpo:cited"] = cited
    return cited


def document_newer_than(ctx: Context, index: OntologyView) -> str | None:
    """The HPO release the document cites when it is newer than ``index``'s release, else None."""
    if index.prefix != "HP":
        return None
    cited = cited_hpo_release(ctx)
    if cited is None:
        return None
    loaded = release_date(index.version)
    return cited if loaded and cited > loaded else None


@dataclass(slots=True)
class Feature:
    """One phenotypic feature of a list: index in the list, written id, primary id, status, details."""

    index: int
    curie: str
    term: str  # primary id in the loaded release
    excluded: bool
    item: dict[str, Any]  # the feature as written

    @property
    def details(self) -> dict[str, Any]:
        """Every field besides ``type`` and ``excluded`` that holds a value (onset, modifiers, evidence …)."""
        return {k: v for k, v in self.item.items() if k not in _STATUS_KEYS and v not in (None, "", [], {})}

    def carries_more_than(self, other: Feature) -> bool:
        """True when this feature holds a detail (onset, modifier, …) that ``other`` lacks or has different."""
        mine = self.details
        if not mine:
            return False
        theirs = other.details
        return any(theirs.get(k) != v for k, v in mine.items())


def class_suspects(nodes: list[Node], ctx: Context) -> list[Node]:
    """The document's OntologyClass nodes that are not a current HPO term written with its current label.

    ``nodes`` are every OntologyClass node of the document (what the term rules are handed). Everything
    else — current id, current label, or a prefix no loaded ontology answers — needs none of
    ``hpo-unknown-term``, ``hpo-obsolete-term`` and ``hpo-label-mismatch``; the three share this one pass
    (cached per document in ``ctx.state``) and each looks only at the suspects.
    """
    state = ctx.state
    hit = state.get("hpo:suspects")
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    labels = loaded_hpo(ctx).tables().labels
    others = bool(extra_ontologies(ctx))
    out: list[Node] = []
    current, absent = labels.get, _ABSENT
    try:  # the id's type is only looked at for the few ids that are not current with their label
        for node in nodes:
            value = node[0]  # node.value (tuple access: hot path)
            cid = value["id"]
            if current(cid, absent) != value["label"] and type(cid) is str and (others or cid.startswith("HP:")):
                out.append(node)
    except (KeyError, TypeError):  # no id or label, an unhashable id (a list, an object …): the same test, type first
        out = []
        for node in nodes:
            value = node[0]
            cid = value.get("id")
            if type(cid) is not str or labels.get(cid, _ABSENT) == value.get("label"):
                continue
            if others or cid.startswith("HP:"):
                out.append(node)
    state["hpo:suspects"] = out
    return out


def describe(idx: OntologyView | None, curie: str) -> str:
    """``'Seizure' (HP:0001250)`` using the release's label."""
    label = idx.label(curie) if idx is not None else None
    return f"{label!r} ({curie})" if label else curie


class FeatureList:
    """One phenotypic-feature list (of a Phenopacket or Biosample node): the facts every list rule reads.

    Built once per node by :func:`feature_list` and shared by the six list rules (the five hierarchy rules and
    ``hpo-organ-system-missing``): the JSON key, the written ``type.id`` of each item, and — only when a
    hierarchy rule asks — each item's (primary id, ancestors) and the :class:`FeatureSets`.
    """

    __slots__ = ("_infos", "_sets", "ids", "items", "key", "node")

    def __init__(self, node: Node, key: str | None, items: list[Any] | None, ids: list[Any]) -> None:
        self.node = node
        #: JSON key the list is under (``phenotypicFeatures`` or ``phenotypic_features``), None without one
        self.key = key
        #: the list as written (None when the key is absent or does not hold a list)
        self.items = items
        #: each item's ``type.id`` as written (None for an item without one)
        self.ids = ids
        self._infos: list[Any] | None = None
        self._sets: FeatureSets | None = None

    def infos(self, tables: TermTables) -> list[Any]:
        """Each item's (primary id, proper ancestors), False when the release does not know its id."""
        infos = self._infos
        if infos is None:
            infos = self._infos = _feature_infos(self.ids, tables)
        return infos


def feature_list(node: Node, ctx: Context) -> FeatureList:
    """The :class:`FeatureList` of a Phenopacket or Biosample node, computed once per node.

    The list rules ask in a row about the same node: the last answer is kept in ``ctx.state`` and matched by
    identity (no per-call key string); another node simply recomputes.
    """
    hit = ctx.state.get("hpo:list")
    if hit is not None and hit.node is node:
        return hit  # type: ignore[no-any-return]
    value = node[0]  # node.value (tuple access: hot path)
    if type(value) is not dict:
        key = None
    elif "phenotypicFeatures" in value:
        key = "phenotypicFeatures"
    else:
        key = "phenotypic_features" if "phenotypic_features" in value else None
    items = value.get(key) if key else None
    if type(items) is list and ctx.hpo is not None:
        try:  # every item's type.id (the usual, well-formed list; cheaper than map() over itemgetters)
            ids = [item["type"]["id"] for item in items]
        except (KeyError, TypeError, IndexError):  # an unusual item (no type, not an object …): item by item
            ids = [_type_id(item) for item in items]
    else:
        items, ids = None, []
    out = FeatureList(node, key, items, ids)
    ctx.state["hpo:list"] = out
    return out


def _type_id(item: Any) -> Any:
    """``item.type.id`` of a feature, None when the item or its type is not an object."""
    t = item.get("type") if type(item) is dict else None
    return t.get("id") if type(t) is dict else None


def _feature_infos(ids: list[Any], f: TermTables) -> list[Any]:
    """Each id's (primary id, ancestors), False when unknown or not a string; one memo probe per known id."""
    try:
        infos = list(map(f.info.get, ids))
    except TypeError:  # an unhashable id (a list, an object …)
        infos = [None] * len(ids)
    if None in infos:  # ids not seen before in this process, or not strings
        for k, cid in enumerate(ids):
            if infos[k] is None:
                infos[k] = (f.term_info(cid) if type(cid) is str else None) or False
    return infos


@dataclass(frozen=True, slots=True)
class FeatureSets:
    """Features of one list with their ancestry relations, computed once per list and shared by the rules."""

    key: str | None
    #: the HPO-coded features, listed only when some pair or group below exists (else empty: the written
    #: ids of the whole list are :attr:`FeatureList.ids`)
    features: list[Feature]
    #: (ancestor feature, descendant feature) for every pair of features in an is_a relation (different terms)
    pairs: list[tuple[Feature, Feature]]
    #: features grouped by primary id (only groups with more than one feature)
    same_term: list[list[Feature]]


def feature_sets(node: Node, ctx: Context) -> FeatureSets:
    """:class:`FeatureSets` of a Phenopacket or Biosample node (computed once per node, see :func:`feature_list`).

    One pass over the feature list: when no two features share a term and no feature has an ancestor in the
    list (most packets: one ``isdisjoint`` per feature) nothing more is built; otherwise only the features in
    a pair or group become :class:`Feature` objects.
    """
    hit = ctx.state.get("hpo:list")  # feature_list()'s memo, read here too: five rules ask in a row
    facts = hit if hit is not None and hit.node is node else feature_list(node, ctx)
    out = facts._sets
    if out is None:
        out = facts._sets = _feature_sets(facts, ctx)
    return out


def _no_sets(key: str | None) -> FeatureSets:
    """The :class:`FeatureSets` of a list without pairs or groups (one shared, never changed, per key)."""
    out = _NO_SETS.get(key)
    if out is None:
        out = FeatureSets(key, [], [], [])
        if len(_NO_SETS) < 8:  # keys are phenotypicFeatures, phenotypic_features or None
            _NO_SETS[key] = out
    return out


_NO_SETS: dict[str | None, FeatureSets] = {}


def _feature_sets(facts: FeatureList, ctx: Context) -> FeatureSets:
    items = facts.items
    idx = ctx.hpo
    if items is None or idx is None or len(items) < 2:
        return _no_sets(facts.key)
    tables = idx.tables()
    ids = facts.ids
    # the features the release knows: their primary ids, ancestors and items, in list order
    ancestors = _own_ancestors(ids, tables)
    if ancestors is not None:  # the usual list: every id a primary id the release knows (one memo probe each)
        terms, kept = ids, items
    else:
        infos = facts.infos(tables)
        known = list(filter(None, infos))
        if len(known) < 2:
            return _no_sets(facts.key)
        terms, ancestors = list(map(_FIRST, known)), list(map(_SECOND, known))
        kept = list(compress(items, infos))  # infos: False for the items the release does not know
    unique = set(terms)
    if len(unique) != len(terms):
        return _related(facts.key, ids, facts.infos(tables), items, unique)
    # most lists end here: no feature has an ancestor in the list (one isdisjoint per feature), so there is
    # no pair, whatever the excluded flags say
    apart = list(map(unique.isdisjoint, ancestors))
    if False in apart and _paired(kept, terms, ancestors, apart, unique):
        return _related(facts.key, ids, facts.infos(tables), items, unique)
    return _no_sets(facts.key)


def _own_ancestors(ids: list[Any], tables: TermTables) -> list[frozenset[str]] | None:
    """The ancestors of each id when every id is a primary id the release knows, else None.

    One probe per id in a memo of this run (per release) that holds the ids that are their own primary id
    (current or obsolete) with their proper ancestors; a list with any other id (an alt id, an unknown id,
    not a string) takes the general path.
    """
    memo_for, memo = _OWN
    if memo_for is not tables:
        memo = {}
        _OWN[:] = (tables, memo)
    try:
        return list(map(memo.__getitem__, ids))  # no scan for misses: most lists have none
    except (KeyError, TypeError):  # an id this run has not met yet (or unhashable)
        pass
    try:
        found: list[Any] = list(map(memo.get, ids))  # None for the ids not met yet: only those are looked up
    except TypeError:  # an unhashable id
        return None
    # the release's questions asked directly (not through TermTables.term_info's memo of (primary id, ancestors)
    # pairs): most ids of a cold run are met once or twice, and this memo keeps them anyway
    primary, ancestors_of = tables.primary, tables.idx.ancestors
    for k in compress(range(len(ids)), map(is_, found, repeat(None))):
        cid = ids[k]
        if type(cid) is not str or primary.get(cid) != cid:  # not a string, an alt or unknown id: the general path
            return None
        found[k] = ancestors = ancestors_of(cid)
        if len(memo) < 200_000:
            memo[cid] = ancestors
    return found


#: (term tables, the memo of :func:`_own_ancestors` for them)
_OWN: list[Any] = [None, {}]


def _paired(
    items: list[Any], terms: list[str], ancestors: list[frozenset[str]], apart: list[bool], unique: set[str]
) -> bool:
    """True when some feature has an ancestor in the list that a hierarchy rule compares it with.

    Called when every known term occurs once, with the known features' items, primary ids and ancestors, and
    whether each has no ancestor in the list (``apart``). The rules pair an ancestor with a descendant when
    both are observed (``hpo-redundant-ancestor``), both excluded (``hpo-redundant-excluded``) or the ancestor
    is excluded and the descendant observed (``hpo-excluded-ancestor-conflict``); an observed ancestor of an
    excluded descendant (*Seizure* observed, *Focal-onset seizure* excluded: a common, consistent record)
    concerns none of them. So an observed feature pairs with any ancestor in the list, an excluded one only
    with an excluded ancestor. Only the few features with an ancestor in the list are looked at.
    """
    for k in compress(range(len(apart)), map(not_, apart)):
        if items[k].get("excluded") is not True:
            return True
        for a in ancestors[k] & unique:
            if items[terms.index(a)].get("excluded") is True:
                return True
    return False


def _related(key: str | None, ids: list[Any], infos: list[Any], items: list[Any], unique: set[str]) -> FeatureSets:
    """Pairs and same-term groups among known features (the rare case: most packets have none).

    ``infos`` holds each item's (primary id, ancestors), False when the release does not know it.
    """
    by_term: dict[str, list[int]] = {}  # primary id → indices in the list
    for k, x in enumerate(infos):
        if x:
            by_term.setdefault(x[0], []).append(k)
    # isdisjoint first: most terms have no ancestor in the list, and it builds no set
    term_pairs = [
        (t, a) for t, ks in by_term.items() if not unique.isdisjoint(anc := infos[ks[0]][1]) for a in anc & unique
    ]
    same_terms = [t for t, ks in by_term.items() if len(ks) > 1]
    involved = {k for d, a in term_pairs for k in (*by_term[d], *by_term[a])}
    involved.update(k for t in same_terms for k in by_term[t])
    feats = {}
    for k in sorted(involved):
        item = items[k]
        feats[k] = Feature(k, ids[k], infos[k][0], item.get("excluded") is True, item)
    # a term written twice is hpo-duplicate-feature's finding; the pairs take its first feature per state
    # (observed / excluded): a list of 200,000 features repeating a few thousand terms made 10⁷ pairs (and as
    # many findings) from the product of the repeats, and ran out of memory
    firsts: dict[str, list[int]] = {}
    for t in {t for pair in term_pairs for t in pair}:
        seen: dict[bool, int] = {}
        for k in by_term[t]:
            seen.setdefault(feats[k].excluded, k)
        firsts[t] = sorted(seen.values())
    pairs = [(feats[a], feats[d]) for dt, at in term_pairs for a in firsts[at] for d in firsts[dt]]
    pairs.sort(key=lambda p: (p[0].index, p[1].index))
    same = [[feats[k] for k in by_term[t]] for t in same_terms]
    return FeatureSets(key, [feats[k] for k in sorted(feats)], pairs, same)


def feature_path(sets: FeatureSets, f: Feature) -> tuple[str, int]:
    """Relative path tokens of a feature in its list."""
    return (sets.key or "phenotypicFeatures", f.index)


def remove_feature(sets: FeatureSets, f: Feature, why: str) -> Any:
    """A safe fix removing one feature from its list."""
    from phenotk.issue import Fix, PatchOp

    return Fix((PatchOp("remove", f"/{sets.key or 'phenotypicFeatures'}/{f.index}"),), safe=True, description=why)


def status(f: Feature) -> str:
    """``observed`` or ``excluded``."""
    return "excluded" if f.excluded else "observed"


def shown(idx: OntologyView | None, f: Feature) -> str:
    """``'Seizure' (HP:0001250) at phenotypicFeatures/3``."""
    return f"{describe(idx, f.term)} at phenotypicFeatures/{f.index}"


def hierarchy_caveat(ctx: Context, idx: OntologyView) -> str | None:
    """When the document cites a newer HPO than ``idx``: the clause hierarchy-based findings append, else None."""
    newer = document_newer_than(ctx, idx)
    if newer is None:
        return None
    return f" (in HPO {release_of(idx)}; the document cites HPO {newer}, whose hierarchy may differ)"


