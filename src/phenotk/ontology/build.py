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
    _check_head(p)
    _check_obographs(p)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pronto.Ontology(str(p))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # pronto/fastobo raise many types; fastobo's Rust panics derive BaseException
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        other = _other_syntax(_head(p, 4096))
        if msg.startswith("could not find a parser"):  # pronto's words for "no format I know"
            msg = f"not OBO, OBO Graphs JSON or OWL (RDF/XML){other}"
        elif other:  # OWL/XML reaches pronto's RDF/XML parser: "could not find `owl:Ontology` element"
            msg += other
        elif "end of stream" in msg or "ended before the end-of-stream" in msg:
            msg += " (a truncated file? download it again)"
        elif re.search(rb"^format-version:\s*1\.0\s*$", _head(p, 4096), re.M):
            msg += " (an OBO 1.0 file: its exact_synonym:-style tags predate OBO 1.2, use a newer release)"
        raise InputError(f"cannot parse ontology with pronto: {msg}", path=str(path)) from None


_HPOA_ROW = re.compile(rb"^(OMIM|ORPHA|DECIPHER):\d+\t[^\t\n]*\t[^\t\n]*\tHP:", re.M)


def _other_syntax(head: bytes) -> str:
    """``: an OWL Turtle file …`` when ``head`` is an ontology syntax pronto does not read, else ``""``."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    for marks, name in (
        ((b"@prefix", b"@base", b"PREFIX "), "Turtle"),
        ((b"Prefix(", b"Ontology("), "OWL functional syntax"),
        ((b"Prefix:", b"Ontology:"), "OWL Manchester syntax"),
        ((b"<Ontology",), "OWL/XML"),
    ):
        if any(text.startswith(m) or b"\n" + m in text for m in marks):
            return f": an ontology in {name}, which pronto does not read; use hp.json, hp.obo or hp.owl (RDF/XML)"
    if b"database_id\tdisease_name\t" in text or _HPOA_ROW.search(text):
        return ": it is the HPO annotation file (phenotype.hpoa): give it as `annotations = \"…\"` in the config"
    return ""


def _head(p: Path, size: int = 1 << 16) -> bytes:
    """The first ``size`` bytes of the file, gunzipped when it is gzip (empty when unreadable or damaged)."""
    try:
        with open(p, "rb") as fh:
            head = fh.read(size)
        if head[:2] == b"\x1f\x8b":
            with gzip.open(p, "rb") as gz:
                head = gz.read(size)
    except (OSError, EOFError):
        return b""  # pronto reports it
    return head


def _check_head(p: Path) -> None:
    """Refuse, with what they are, files that no ontology parser should be handed: empty files, HTML pages."""
    try:
        empty = p.stat().st_size == 0
    except OSError:
        return
    if empty:
        raise InputError("empty file (0 bytes), not an ontology: a failed or interrupted download?", path=str(p))
    head = _head(p, 4096)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Windows editors save "Unicode" text so
        raise InputError("UTF-16 text, which pronto does not read: save the file as UTF-8", path=str(p))
    if len(head) < 4096 and not head.strip(b"\xef\xbb\xbf \t\r\n"):  # blank, or a gzip of nothing
        raise InputError("empty file (no content but blanks), not an ontology: a failed download?", path=str(p))
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html")) or (text.startswith(b"<") and b"<html" in text[:1024]):
        raise InputError("an HTML page, not an ontology: a web page or an error page saved as the file? "
                         "download the release file itself (hp.json, hp.obo or hp.owl)", path=str(p))  # fmt: skip


def _check_obographs(p: Path) -> None:
    """JSON in a ``.json`` ontology must be OBO Graphs (``{"graphs": [...]}``); other JSON is refused before pronto."""
    name = p.name.lower()
    if not (name.endswith(".json") or name.endswith(".json.gz")):
        return
    head = _head(p)
    json_start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")
    if json_start and not re.search(rb'"graphs"\s*:\s*\[', head):  # JSON, not a graph
        raise InputError('not an ontology: an OBO Graphs JSON file has a top-level "graphs" list (use hp.json, '
                         "hp.obo or hp.owl)", path=str(p))


def release_version(data_version: str | None, annotations: Sequence[Any] = (), date: Any = None) -> str | None:
    """The release date from a data-version / versionIRI (``hp/releases/2025-05-06`` → ``2025-05-06``).

    Falls back to an ``owl:versionInfo`` annotation, then to the raw data-version, then to the OBO header's
    ``date:`` (``22:10:2012 10:48`` → ``2012-10-22``: HPO releases before 2013 carry no data-version).
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
    if data_version:
        return data_version
    return date.strftime("%Y-%m-%d") if hasattr(date, "strftime") else None


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


_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_LABEL = "{http://www.w3.org/2000/01/rdf-schema#}label"
_CLASS = "{http://www.w3.org/2002/07/owl#}Class"
_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def owl_english_labels(path: str | Path) -> dict[str, str]:
    """The English label of each class with labels in several languages, in an OWL (RDF/XML) file.

    pronto keeps the first ``rdfs:label`` of a class whatever its ``xml:lang``; in HPO's international edition
    (``hp-international.owl``) the labels of a term are sorted by text, so the first one is often Czech, Dutch or
    German, and the index would hold ``Anfall`` as the label of HP:0001250. Returns id -> the label without a
    language tag or tagged ``en`` (``en-GB`` …), for classes that have more than one label; empty for files that
    are not RDF/XML or carry no language tags (one scan of the bytes).
    """
    p = Path(path)
    head = _head(p, 512).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return {}
    try:
        raw = _open_maybe_gzip(p)
    except (OSError, EOFError):
        return {}
    if b"xml:lang" not in raw:
        return {}
    import io
    import xml.etree.ElementTree as ET

    out: dict[str, str] = {}
    try:
        for _, elem in ET.iterparse(io.BytesIO(raw), events=("end",)):
            if elem.tag != _CLASS:
                continue
            about = elem.get(f"{_RDF}about")
            labels = [(lab.get(_LANG) or "", lab.text or "") for lab in elem.findall(_LABEL) if lab.text]
            elem.clear()
            if about and len(labels) > 1:
                english = [text for lang, text in labels if lang.lower() in ("", "en") or lang.lower()[:3] == "en-"]
                if english:
                    out[_compact(about)] = english[0]
    except ET.ParseError:
        return {}  # pronto reports it
    return out


#: IRI stems of ontologies outside the OBO PURL space → the CURIE prefix phenopackets write their ids with (pronto
#: keeps such ids as full IRIs, so ``--ontology ORPHA=ORDO_en.owl`` would answer no ``ORPHA:`` id)
IRI_PREFIXES = {
    "http://www.orpha.net/ORDO/Orphanet_": "ORPHA",
    "http://www.ebi.ac.uk/efo/EFO_": "EFO",
}


def curie_of(term_id: str) -> str:
    """The CURIE phenopackets use for a term id pronto gives (``…/ORDO/Orphanet_558`` → ``ORPHA:558``)."""
    if term_id.startswith("http"):
        for stem, prefix in IRI_PREFIXES.items():
            if term_id.startswith(stem):
                return f"{prefix}:{term_id[len(stem) :]}"
    return term_id


def _compact(iri: str) -> str:
    """``http://purl.obolibrary.org/obo/HP_0000001`` → ``HP:0000001`` (see also :func:`curie_of`)."""
    if iri.startswith(_OBO):
        local = iri[len(_OBO) :]
        prefix, sep, rest = local.partition("_")
        if sep and prefix and "/" not in local:
            return f"{prefix}:{rest}"
    return curie_of(iri)


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


def _main_prefix(prefixes: Counter[str], ontology: str | None) -> str:
    """The prefix of the ontology's own terms: the one its header names (``hp`` → ``HP``), else the commonest.

    An edition that imports other ontologies (``hp-full``: UBERON, GO, PATO … terms beside HPO's) may hold more
    terms of another prefix than of its own; the header's ontology id decides then.
    """
    if ontology:
        name = ontology[len(_OBO) :] if ontology.startswith(_OBO) else ontology
        own = re.split(r"[/.#]", name, maxsplit=1)[0].upper()
        if own and prefixes.get(own):
            return own
        for p in prefixes:  # prefixes are case-sensitive (``Orphanet``): match the header case-insensitively
            if p.upper() == own:
                return p
    return prefixes.most_common(1)[0][0] if prefixes else ""


def build_payload(
    ont: pronto.Ontology,
    *,
    source: str,
    sha256: str,
    extra_consider: dict[str, tuple[str, ...]] | None = None,
    labels_by_id: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The index payload (builtins only) for a parsed ontology.

    ``extra_consider`` adds ``consider`` ids pronto did not read (see :func:`obographs_consider`);
    ``labels_by_id`` replaces the label pronto chose (see :func:`owl_english_labels`).
    """
    terms = sorted(ont.terms(), key=lambda t: curie_of(t.id))
    ids = [curie_of(t.id) for t in terms]
    pos = {t: i for i, t in enumerate(ids)}
    labels: list[str | None] = []
    synonyms: list[tuple[tuple[str, str], ...]] = []
    parents: list[list[int]] = []
    obsolete: list[int] = []
    replaced_by: dict[int, tuple[str, ...]] = {}
    consider: dict[int, tuple[str, ...]] = {}
    alt: dict[str, int] = {}
    chosen = labels_by_id or {}
    for i, t in enumerate(terms):
        tid = ids[i]
        labels.append(chosen.get(tid, t.name))
        syns = {(s.description, str(s.scope or "RELATED").upper()) for s in t.synonyms if s.description}
        synonyms.append(tuple(sorted(syns, key=lambda x: (_SCOPE_RANK.get(x[1], 4), x[0]))))
        ups = (curie_of(p.id) for p in t.superclasses(distance=1, with_self=False))
        parents.append(sorted(pos[u] for u in ups if u in pos))
        if t.obsolete:
            obsolete.append(i)
        rb = tuple(sorted(curie_of(x.id) for x in t.replaced_by))
        if rb:
            replaced_by[i] = rb
        cons = tuple(sorted({curie_of(x.id) for x in t.consider} | set((extra_consider or {}).get(tid, ()))))
        if cons:  # also on some current terms (HPO: "Pelvis fracture" consider …)
            consider[i] = cons
        for a in t.alternate_ids:
            if curie_of(str(a)) != tid:
                alt[curie_of(str(a))] = i
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
    widths: Counter[tuple[str, int]] = Counter()
    for c in ids:
        m = _CURIE.match(c)
        if m:
            prefixes[m.group(1)] += 1
            widths[m.group(1), len(m.group(2))] += 1
    meta = ont.metadata
    prefix = _main_prefix(prefixes, meta.ontology)
    own_widths = Counter({w: n for (p, w), n in widths.items() if p == prefix})
    width = own_widths.most_common(1)[0][0] if own_widths else 7
    if own_widths and own_widths[width] < 0.9 * sum(own_widths.values()):
        width = 0  # ids of any length (ORPHA:558, ORPHA:377788): no zero-padded id form to check against
    numbers = sorted(
        {
            int(m.group(2))
            for c in [*ids, *alt]
            if (m := _CURIE.match(c)) and m.group(1) == prefix and (not width or len(m.group(2)) == width)
        }
    )
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
        "version": release_version(data_version, list(meta.annotations or ()), meta.date),
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
