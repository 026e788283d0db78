"""Build the :class:`~phenotk.ontology.index.OntologyIndex` payload from a pronto parse.

pronto does the parsing of OBO, OBO Graphs JSON and OWL (RDF/XML), gzip included; this module reads its
answers once (ids, names, synonyms, ``is_a`` parents, alt ids, obsolescence) and computes the transitive
closure itself in topological order, which is much faster than asking pronto term by term.
"""

from __future__ import annotations

import functools
import gzip
import re
import warnings
from array import array
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from phenotk.errors import InputError
from phenotk.limits import DEFAULT as DEFAULT_LIMITS
from phenotk.limits import current as current_limits

from .index import _SCOPE_RANK, FORMAT_VERSION

if TYPE_CHECKING:  # pragma: no cover
    import pronto

_OBO = "http://purl.obolibrary.org/obo/"
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
_CURIE = re.compile(r"([A-Za-z][A-Za-z0-9_.-]*):(\d+)\Z")


def parse_with_pronto(path: str | Path) -> pronto.Ontology:
    """Parse an ontology file with pronto; unreadable files raise :class:`InputError` naming the file."""
    import pronto

    p = Path(path)
    if not p.is_file():  # pronto would otherwise try the path as a URL
        raise InputError("ontology file not found", path=str(path), kind="missing")
    _check_obographs(p)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pronto.Ontology(str(p))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # pronto/fastobo raise many types; fastobo's Rust panics derive BaseException
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot parse ontology with pronto: {msg}", path=str(path)) from None


def _check_obographs(p: Path) -> None:
    """JSON in a ``.json`` ontology must be OBO Graphs (``{"graphs": [...]}``); other JSON is refused before pronto."""
    name = p.name.lower()
    if not (name.endswith(".json") or name.endswith(".json.gz")):
        return
    import gzip

    try:
        opener = gzip.open if name.endswith(".gz") else open
        with opener(p, "rb") as fh:
            head = fh.read(1 << 16)
    except OSError:
        return  # pronto reports it
    if head.lstrip()[:1] in (b"{", b"[") and not re.search(rb'"graphs"\s*:\s*\[', head):  # JSON, not a graph
        raise InputError('not an ontology: an OBO Graphs JSON file has a top-level "graphs" list (use hp.json, '
                         "hp.obo or hp.owl)", path=str(p))


def release_version(data_version: str | None, annotations: Sequence[Any] = ()) -> str | None:
    """The release date from a data-version / versionIRI (``hp/releases/2025-05-06`` → ``2025-05-06``).

    Falls back to an ``owl:versionInfo`` annotation, then to the raw data-version.
    """
    if data_version:
        m = _DATE.search(data_version)
        if m:
            return m.group(1)
    for pv in annotations:
        prop = str(getattr(pv, "property", ""))
        if prop.endswith("versionInfo"):
            value = str(getattr(pv, "literal", getattr(pv, "resource", "")))
            m = _DATE.search(value)
            return m.group(1) if m else value or None
    return data_version or None


#: Most (term, ancestor) pairs an ontology index holds: the closure is quadratic in the depth of the hierarchy
#: (a 20,000-term is_a chain is 200 million pairs, gigabytes); real ontologies stay far below.
MAX_ANCESTOR_PAIRS = DEFAULT_LIMITS.ancestor_pairs  # default of limits.ancestor-pairs (the check reads the current)


def _closure(parents: list[list[int]]) -> list[list[int]]:
    """Ancestors of every node (sorted, self excluded), in topological order; cycles tolerated."""
    n = len(parents)
    children: list[list[int]] = [[] for _ in range(n)]
    indeg = [0] * n
    for i, ps in enumerate(parents):
        indeg[i] = len(ps)
        for p in ps:
            children[p].append(i)
    order = [i for i in range(n) if indeg[i] == 0]
    anc: list[set[int] | None] = [None] * n
    total = 0
    k = 0
    limits = current_limits()
    most = limits.ancestor_pairs
    while k < len(order):
        i = order[k]
        k += 1
        s: set[int] = set()
        for par in parents[i]:
            s.add(par)
            above = anc[par]
            if above:
                s |= above
        anc[i] = s
        total += len(s)
        if total > most:
            raise limits.exceeded("ancestor-pairs", f"the is_a hierarchy is too deep to index: over {most:,} "
                                  "term-ancestor pairs (HPO has about 195,000); a chain of tens of thousands of terms?")
        for c in children[i]:
            indeg[c] -= 1
            if indeg[c] == 0:
                order.append(c)
    for i in range(n):  # nodes on or below an is_a cycle: plain graph walk
        if anc[i] is None:
            seen: set[int] = set()
            stack = list(parents[i])
            while stack:
                j = stack.pop()
                if j not in seen:
                    seen.add(j)
                    stack.extend(parents[j])
            seen.discard(i)
            anc[i] = seen
    return [sorted(s or ()) for s in anc]


def _csr(rows: list[list[int]]) -> tuple[bytes, bytes]:
    ptr = array("i", [0])
    idx = array("i")
    for r in rows:
        idx.extend(r)
        ptr.append(len(idx))
    return ptr.tobytes(), idx.tobytes()


def _open_maybe_gzip(path: Path) -> bytes:
    with open(path, "rb") as fh:
        head = fh.read(2)
    if head == b"\x1f\x8b":
        with gzip.open(path, "rb") as gz:
            return gz.read()
    return path.read_bytes()


def obographs_consider(path: str | Path) -> dict[str, tuple[str, ...]]:
    """``consider`` ids of deprecated nodes in an OBO Graphs JSON file (pronto 2.7 does not read them).

    Returns an empty dict for files that are not OBO Graphs JSON.
    """
    p = Path(path)
    try:
        raw = _open_maybe_gzip(p)
    except OSError:
        return {}
    if raw.lstrip()[:1] != b"{":
        return {}
    import orjson

    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for graph in doc.get("graphs", ()) if isinstance(doc, dict) else ():
        for node in graph.get("nodes", ()) or ():
            meta = node.get("meta") or {}
            vals = [
                str(pv.get("val"))
                for pv in meta.get("basicPropertyValues", ()) or ()
                if str(pv.get("pred", "")).endswith(("#consider", "/consider")) and pv.get("val")
            ]
            if vals:
                out[_compact(str(node.get("id", "")))] = tuple(sorted(set(vals)))
    return out


def _compact(iri: str) -> str:
    """``http://purl.obolibrary.org/obo/HP_0000001`` → ``HP:0000001`` (other strings unchanged)."""
    if iri.startswith(_OBO):
        local = iri[len(_OBO) :]
        prefix, sep, rest = local.partition("_")
        if sep and prefix and "/" not in local:
            return f"{prefix}:{rest}"
    return iri


@functools.lru_cache(maxsize=1)
@functools.cache
def builder() -> str:
    """Name and version of the parser that builds indexes (part of the cache key: a new pronto rebuilds).

    Read from the name of pronto's ``.dist-info`` folder on ``sys.path`` (``pronto-2.5.8.dist-info``), as
    :mod:`importlib.metadata` would find it first, without importing that module (~15 ms of a one-file run);
    :func:`importlib.metadata.version` answers when no such folder is found (eggs, zip imports).
    """
    version = _dist_info_version("pronto")
    if version is None:
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as metadata_version

        try:
            version = metadata_version("pronto")
        except PackageNotFoundError:  # pragma: no cover
            return "pronto unknown"
    return f"pronto {version}"


def _dist_info_version(name: str) -> str | None:
    """Version of the first ``<name>-<version>.dist-info`` folder on ``sys.path`` (None: none found)."""
    import os
    import sys

    want = re.sub(r"[-_.]+", "_", name).lower()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for n in names:
            if not n.endswith(".dist-info"):
                continue
            dist, _, version = n[: -len(".dist-info")].rpartition("-")
            same = version and re.sub(r"[-_.]+", "_", dist).lower() == want
            if same and os.path.isdir(os.path.join(entry or ".", n)):
                return version
    return None


def build_payload(
    ont: pronto.Ontology, *, source: str, sha256: str, extra_consider: dict[str, tuple[str, ...]] | None = None
) -> dict[str, Any]:
    """The index payload (builtins only) for a parsed ontology.

    ``extra_consider`` adds ``consider`` ids pronto did not read (see :func:`obographs_consider`).
    """
    terms = sorted(ont.terms(), key=lambda t: t.id)
    ids = [t.id for t in terms]
    pos = {t: i for i, t in enumerate(ids)}
    labels: list[str | None] = []
    synonyms: list[tuple[tuple[str, str], ...]] = []
    parents: list[list[int]] = []
    obsolete: list[int] = []
    replaced_by: dict[int, tuple[str, ...]] = {}
    consider: dict[int, tuple[str, ...]] = {}
    alt: dict[str, int] = {}
    for i, t in enumerate(terms):
        labels.append(t.name)
        syns = {(s.description, str(s.scope or "RELATED").upper()) for s in t.synonyms if s.description}
        synonyms.append(tuple(sorted(syns, key=lambda x: (_SCOPE_RANK.get(x[1], 4), x[0]))))
        parents.append(sorted(pos[p.id] for p in t.superclasses(distance=1, with_self=False) if p.id in pos))
        if t.obsolete:
            obsolete.append(i)
        rb = tuple(sorted(x.id for x in t.replaced_by))
        if rb:
            replaced_by[i] = rb
        cons = tuple(sorted({x.id for x in t.consider} | set((extra_consider or {}).get(t.id, ()))))
        if cons:  # also on some current terms (HPO: "Pelvis fracture" consider …)
            consider[i] = cons
        for a in t.alternate_ids:
            if a != t.id:
                alt[str(a)] = i
    try:
        anc = _closure(parents)
    except InputError as exc:
        exc.path = str(source)
        raise
    desc: list[list[int]] = [[] for _ in ids]
    for i, row in enumerate(anc):
        for a in row:
            desc[a].append(i)

    prefixes: Counter[str] = Counter()
    widths: Counter[int] = Counter()
    for c in ids:
        m = _CURIE.match(c)
        if m:
            prefixes[m.group(1)] += 1
            widths[len(m.group(2))] += 1
    prefix = prefixes.most_common(1)[0][0] if prefixes else ""
    width = widths.most_common(1)[0][0] if widths else 7
    numbers = sorted(
        {
            int(m.group(2))
            for c in [*ids, *alt]
            if (m := _CURIE.match(c)) and m.group(1) == prefix and len(m.group(2)) == width
        }
    )
    meta = ont.metadata
    data_version = meta.data_version or None
    par_ptr, par_idx = _csr(parents)
    anc_ptr, anc_idx = _csr(anc)
    desc_ptr, desc_idx = _csr(desc)
    return {
        "format": FORMAT_VERSION,
        "builder": builder(),
        "source": source,
        "source_sha256": sha256,
        "ontology": re.sub(r"\.(obo|json|owl)$", "", meta.ontology) if meta.ontology else None,
        "data_version": data_version,
        "version": release_version(data_version, list(meta.annotations or ())),
        "prefix": prefix,
        "id_width": width,
        "ids": ids,
        "labels": labels,
        "synonyms": synonyms,
        "obsolete": obsolete,
        "replaced_by": replaced_by,
        "consider": consider,
        "alt": alt,
        "par_ptr": par_ptr,
        "par_idx": par_idx,
        "anc_ptr": anc_ptr,
        "anc_idx": anc_idx,
        "desc_ptr": desc_ptr,
        "desc_idx": desc_idx,
        "numbers": array("q", numbers).tobytes(),
    }
