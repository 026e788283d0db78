"""The compact ontology index: integer term numbers, CSR parent/ancestor/descendant arrays, id maps.

The index holds only builtins (lists of str, dicts, ``array('i')``) so that it serialises with :mod:`marshal`
and loads in a few tens of milliseconds; pronto is needed only to *build* it (see :mod:`.build`).
Ancestor sets are materialised lazily per queried term, so ``is_descendant_of`` is one dict look-up and one
set membership test.
"""

from __future__ import annotations

import bisect
import enum
import functools
import marshal
import re
from array import array
from collections.abc import Iterable, Iterator
from itertools import chain, compress, repeat
from operator import itemgetter
from typing import Any

from .hpo_roots import HPO_ROOTS
from .view import TermTables

#: Version of the serialised index layout; bump it whenever the payload changes shape or meaning.
#: 3: the cache stores ``synonyms`` as one nested marshal blob, unpacked on first use (see :attr:`OntologyIndex._syn`)
FORMAT_VERSION = 6
#: 4: the prefix is the one the header's ontology id names (``hp-full`` holds more UBERON than HP terms); OWL
#:    labels in several languages resolve to the English one (``hp-international.owl``)
#: 5: an OBO file without data-version takes its release from the ``date:`` header (HPO before 2013)
#: 6: ORDO / EFO IRIs become ORPHA: / EFO: CURIEs; ``id_width`` 0 = ids of any length

#: Two consecutive ids of a release further apart than this delimit unallocated id space: an absent id that falls
#: in such a stretch (or above the highest id) was most likely minted after the release. Checked on HPO history:
#: of the 2,883 ids new in 2025-01-16, 2,882 fall in such stretches of the 2021-10-10 release.
NEWER_ID_GAP = 500

_SCOPE_RANK = {"EXACT": 0, "RELATED": 1, "BROAD": 2, "NARROW": 3}
_FIRST = itemgetter(0)


class LookupTable:
    """Normalised label or synonym -> the one term number it names, or the ranked term numbers (see :meth:`lookup`).

    The texts naming one term (all but a few hundred of HPO's ~42,000) are a sorted list searched by bisection,
    their term numbers an array beside it; the texts naming several terms a dict. Reading it from the cache is
    then one unmarshal, without hashing every text into a dict: a run asks about a few hundred labels at most.
    """

    __slots__ = ("keys", "numbers", "several")

    def __init__(self, keys: list[str], numbers: array[int], several: dict[str, tuple[int, ...]]) -> None:
        #: the texts naming one term, sorted (each once)
        self.keys = keys
        #: the term number of each of :attr:`keys`
        self.numbers = numbers
        #: text -> its ranked term numbers, for the texts naming more than one term
        self.several = several

    @classmethod
    def of(cls, table: dict[str, int | tuple[int, ...]]) -> LookupTable:
        """The table of a text -> term number(s) dict."""
        single = {k: v for k, v in table.items() if type(v) is int}
        keys = sorted(single)
        numbers = array("I", map(single.__getitem__, keys))
        return cls(keys, numbers, {k: v for k, v in table.items() if type(v) is tuple})

    def get(self, key: str) -> int | tuple[int, ...] | None:
        """The term number(s) ``key`` (a normalised text) names, None when it names none."""
        hit = self.several.get(key)
        if hit is not None:
            return hit
        keys = self.keys
        j = bisect.bisect_left(keys, key)
        return self.numbers[j] if j < len(keys) and keys[j] == key else None


_WS = re.compile(r"\s+")
#: every whitespace character (``str.isspace``, the ``\s`` of :data:`_WS`) but the space itself
_OTHER_WS = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


class IdStatus(str, enum.Enum):
    """What a release says about an identifier (see :meth:`OntologyIndex.id_status`)."""

    current = "current"  #: a primary, non-obsolete term
    alt_id = "alt_id"  #: a secondary id of a current term (``primary_id`` gives the term)
    obsolete = "obsolete"  #: an obsolete term, HPO's merged ids included (see ``replacement`` / ``suggestions``)
    newer = "newer"  #: absent, but in id space unallocated by this release: most likely a newer term
    unknown = "unknown"  #: absent, inside id space this release uses: mistyped, withdrawn or newer
    malformed = "malformed"  #: not ``PREFIX:digits`` with this ontology's prefix and digit count


def normalize_text(text: str) -> str:
    """Case-folded text with runs of whitespace collapsed to one space (the key of :meth:`lookup`)."""
    return _WS.sub(" ", text).strip().casefold()


def _normalize_all(texts: list[str]) -> list[str]:
    """:func:`normalize_text` of each text, done on all of them at once (at C speed) when none holds a NUL.

    Whitespace has no case and no character folds to whitespace, so folding first changes nothing; runs of
    whitespace are only collapsed when the texts hold any (HPO's labels and synonyms hold none: ~20 ms saved).
    """
    blob = "\0".join(texts).casefold()
    if blob.count("\0") != len(texts) - 1:  # a text with a NUL of its own (never in a real release): one by one
        return list(map(normalize_text, texts))
    if "  " in blob or any(map(blob.__contains__, _OTHER_WS)):
        blob = " ".join(blob.split())  # NUL is not whitespace: the texts stay apart, each stripped below
    return list(map(str.strip, blob.split("\0")))


def _ints(data: bytes) -> array[int]:
    arr = array("i")
    arr.frombytes(data)
    return arr


class OntologyIndex:
    """Answers id, label, synonym, obsolescence and ancestry questions about one ontology release.

    Build one with :func:`phenotk.ontology.load_ontology` (cached) or :func:`phenotk.ontology.resolve_hpo`.
    Identifiers are CURIEs as the ontology writes them (``HP:0001250``); every method accepts primary ids,
    alternative ids and obsolete ids, and answers ``None`` / empty / ``False`` for ids the release lacks.
    """

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data
        self.format_version: int = data["format"]
        #: Release date (``2025-05-06``) or the raw data-version / versionIRI when it holds no date; None if absent.
        self.version: str | None = data["version"]
        #: The ontology's data-version / versionIRI as written in the file.
        self.data_version: str | None = data["data_version"]
        #: Ontology name from the header (``hp``), or None.
        self.ontology: str | None = data["ontology"]
        #: The prefix most ids carry (``HP``).
        self.prefix: str = data["prefix"]
        #: Path of the file the index was built from, and its sha256.
        self.source: str = data["source"]
        self.source_sha256: str = data["source_sha256"]
        #: Name and version of the parser that built the index (``pronto-2.5.8``).
        self.builder: str = data["builder"]
        #: Where the index was read from / written to (None when caching was off or failed).
        self.cache_path: str | None = None
        #: Why the index could not be cached (``cannot write /ro/cache/ontology/index: Read-only file system``):
        #: every run then parses the file with pronto again (seconds instead of milliseconds).
        self.cache_problem: str | None = None
        #: True when this object was loaded from the cache without running pronto.
        self.loaded_from_cache = False
        #: How the file was found (``--hpo``, ``PHENOTK_HPO``, ``config:<file>``, ``cache``, ``download``, ``path``).
        self.origin = "path"

        self._ids: list[str] = data["ids"]
        self._labels: list[str | None] = data["labels"]
        self._obsolete: frozenset[int] = frozenset(data["obsolete"])
        self._replaced_by: dict[int, tuple[str, ...]] = data["replaced_by"]
        self._consider: dict[int, tuple[str, ...]] = data["consider"]
        n = len(self._ids)
        self._pos: dict[str, int] = dict(zip(self._ids, range(n), strict=True))  # C-level: ~20k ids per load
        # Alt ids map to the term that lists them. HPO also keeps a merged id as its own obsolete stanza: that
        # stanza answers label / is_obsolete / replaced_by (as pronto does); primary_id gives the surviving term.
        obs = self._obsolete
        self._alt: dict[str, int] = {}
        for a, i in data["alt"].items():
            j = self._pos.get(a)
            if j is None or j in obs:
                self._alt[a] = i
        #: primary + alternative id -> term number, own stanza first (the one dict the hot paths consult)
        self._any: dict[str, int] = {**self._alt, **self._pos}
        self._par_ptr = _ints(data["par_ptr"])
        self._par_idx = _ints(data["par_idx"])
        self._anc_ptr = _ints(data["anc_ptr"])
        self._anc_idx = _ints(data["anc_idx"])
        self._desc_ptr = _ints(data["desc_ptr"])
        self._desc_idx = _ints(data["desc_idx"])
        self._anc_sets: list[frozenset[int] | None] = [None] * n
        self._anc_str: dict[str, frozenset[str]] = {}  # curie -> ancestor primary ids, filled on first query
        self._numbers = array("q")
        self._numbers.frombytes(data["numbers"])  # sorted numeric parts of every prefix id (primary/alt/obsolete)
        self.id_width: int = data["id_width"]
        digits = rf"\d{{{self.id_width}}}" if self.id_width else r"\d+"  # 0: ids of any length (ORPHA)
        self._id_re = re.compile(rf"{re.escape(self.prefix)}:({digits})\Z")
        self._lookup: LookupTable | None = None
        self._children: list[list[int]] | None = None
        self._tables: TermTables | None = None

    @functools.cached_property
    def _syn(self) -> list[tuple[tuple[str, str], ...]]:
        """Synonyms per term number, unpacked on first use.

        The cache keeps them as a nested marshal blob: unpacking them is most of an index load (~15 ms of ~25 ms
        for HPO) and most runs never ask (a label mismatch and :meth:`lookup` do).
        """
        syn = self._data["synonyms"]
        if isinstance(syn, bytes):
            syn = marshal.loads(syn)
            if not isinstance(syn, list) or len(syn) != len(self._ids):
                raise ValueError(f"damaged ontology index cache {self.cache_path}: synonyms do not fit the terms")
        return syn  # type: ignore[no-any-return]

    # ------------------------------------------------------------------ identity
    def __repr__(self) -> str:
        return f"OntologyIndex({self.ontology or self.prefix} {self.version}, {len(self._ids)} terms, {self.source!r})"

    def __len__(self) -> int:
        """Number of terms (primary ids, obsolete included)."""
        return len(self._ids)

    def __contains__(self, curie: object) -> bool:
        return curie in self._any

    def contains(self, curie: str) -> bool:
        """True if the release knows ``curie`` as a primary, alternative or obsolete id."""
        return curie in self._any

    def terms(self, *, obsolete: bool = False) -> Iterator[str]:
        """Primary ids (sorted); obsolete terms only when ``obsolete`` is true."""
        obs = self._obsolete
        for i, t in enumerate(self._ids):
            if obsolete or i not in obs:
                yield t

    def alt_ids(self) -> dict[str, str]:
        """Every alternative id mapped to its primary id."""
        ids = self._ids
        return {a: ids[i] for a, i in self._alt.items()}

    @property
    def max_id_number(self) -> int:
        """Highest numeric part of any id with this ontology's prefix (0 if none)."""
        return self._numbers[-1] if self._numbers else 0

    @property
    def roots(self) -> dict[str, str]:
        """The :data:`HPO_ROOTS` entries present in this release (empty for other ontologies)."""
        return {name: c for name, c in HPO_ROOTS.items() if c in self._pos}

    def top_terms(self) -> list[str]:
        """Non-obsolete terms without parents (``HP:0000001`` for HPO)."""
        p = self._par_ptr
        return [t for i, t in enumerate(self._ids) if p[i] == p[i + 1] and i not in self._obsolete]

    def tables(self) -> TermTables:
        """The flat look-up tables validation rules probe (:class:`~phenotk.ontology.view.TermTables`), built once."""
        t = self._tables
        if t is None:
            ids, labels = self._ids, self._labels
            obsolete = {ids[i] for i in self._obsolete}
            current = {t: lab for t, lab in zip(ids, labels, strict=True) if lab is not None}
            for o in obsolete:
                current.pop(o, None)
            t = self._tables = TermTables(self, (ids, self.alt_ids(), obsolete, current))
        return t

    # ------------------------------------------------------------------ ids
    def primary_id(self, curie: str) -> str | None:
        """The primary id of ``curie``; None if unknown.

        For an alt id, the term listing it (also when, like HPO's merged ids, it has an obsolete stanza of its
        own); the id itself for other primary ids, obsolete included.
        """
        i = self._alt.get(curie)
        if i is not None:
            return self._ids[i]
        return curie if curie in self._pos else None

    def is_alt_id(self, curie: str) -> bool:
        """True if ``curie`` is listed as ``alt_id`` of another term."""
        return curie in self._alt

    def is_obsolete(self, curie: str) -> bool:
        """True if ``curie`` has an obsolete stanza (HPO's merged ids do, and are alt ids too)."""
        i = self._any.get(curie)
        return i is not None and i in self._obsolete

    def replacement(self, curie: str) -> str | None:
        """The safe replacement of an obsolete id, or None.

        Its single ``replaced_by`` — or, when it has none, the term listing it as ``alt_id`` — followed to a
        current primary id. None when the id is not obsolete, or nothing unambiguous replaces it: several
        ``replaced_by`` (a split) or a ``replaced_by`` contradicting the ``alt_id`` are judgement calls, offered
        by :meth:`suggestions`.
        """
        i = self._any.get(curie)
        obs = self._obsolete
        if i is None or i not in obs:
            return None
        seen: set[int] = set()
        while i in obs:
            if i in seen:
                return None
            seen.add(i)
            targets = self._replaced_by.get(i, ())
            owner = self._alt.get(self._ids[i])  # a merged id: the term that took it as alt_id
            if len(targets) > 1:
                return None  # a split (HP:0000535 → thin + sparse eyebrow): a judgement call
            nxt = self._any.get(targets[0]) if targets else owner
            if nxt is None:
                return None
            if owner is not None and owner != nxt and self._ids[owner] != self.primary_id(self._ids[nxt]):
                return None  # replaced_by and alt_id disagree (2 ids in HPO 2025): a judgement call
            i = nxt
        return self._ids[i]

    def suggestions(self, curie: str) -> list[str]:
        """``consider`` ids of an obsolete term (as primary ids), plus the candidates when no replacement is safe."""
        i = self._any.get(curie)
        if i is None or i not in self._obsolete:
            return []
        out: list[str] = []
        cands = list(self._consider.get(i, ()))
        if self.replacement(curie) is None:  # several or conflicting replacements: offer them all
            cands += self._replaced_by.get(i, ())
            owner = self._alt.get(curie)
            if owner is not None:
                cands.append(self._ids[owner])
        for c in cands:
            p = self.primary_id(c) or c
            if p not in out:
                out.append(p)
        return out

    def replaced_by(self, curie: str) -> list[str]:
        """The raw ``replaced_by`` ids of an obsolete term, as written in the release."""
        i = self._any.get(curie)
        return [] if i is None else list(self._replaced_by.get(i, ()))

    def consider(self, curie: str) -> list[str]:
        """The raw ``consider`` ids of an obsolete term, as written in the release."""
        i = self._any.get(curie)
        return [] if i is None else list(self._consider.get(i, ()))

    def current_id(self, curie: str) -> str | None:
        """The id to use today: the safe replacement for obsolete ids, the primary for alt ids, itself if current.

        None when the id is unknown, or obsolete without a safe replacement.
        """
        i = self._any.get(curie)
        if i is None:
            return None
        if i in self._obsolete:
            return self.replacement(curie)
        return self._ids[i]

    def is_valid_syntax(self, curie: str) -> bool:
        """True if ``curie`` looks like an id of this ontology (``HP:`` + 7 digits for HPO)."""
        return self._id_re.match(curie) is not None

    def is_newer_than_release(self, curie: str) -> bool:
        """True if ``curie`` is well-formed, absent, and lies in id space this release has not allocated.

        That is: above the highest id, or between two ids of the release more than :data:`NEWER_ID_GAP`
        apart. Such an id was most likely minted after the release (``not in HPO 2025-05-06 — update?``).
        """
        return self.id_status(curie) is IdStatus.newer

    def id_status(self, curie: str) -> IdStatus:
        """Classify ``curie`` against this release (see :class:`IdStatus`)."""
        i = self._any.get(curie)
        if i is not None:
            if i in self._obsolete:
                return IdStatus.obsolete
            return IdStatus.alt_id if curie in self._alt else IdStatus.current
        m = self._id_re.match(curie)
        if m is None:
            return IdStatus.malformed
        n = int(m.group(1))
        nums = self._numbers
        k = bisect.bisect_left(nums, n)
        if k == len(nums):
            return IdStatus.newer if nums else IdStatus.unknown
        if k == 0:
            return IdStatus.unknown
        return IdStatus.newer if nums[k] - nums[k - 1] > NEWER_ID_GAP else IdStatus.unknown

    # ------------------------------------------------------------------ text
    def label(self, curie: str) -> str | None:
        """The term's name (for alt ids without a stanza of their own: the name of the primary term)."""
        i = self._any.get(curie)
        return None if i is None else self._labels[i]

    def synonyms(self, curie: str, *, scope: str | Iterable[str] | None = None) -> list[str]:
        """Synonyms, EXACT first then RELATED, BROAD, NARROW; ``scope`` restricts to those scopes."""
        i = self._any.get(curie)
        if i is None:
            return []
        if scope is None:
            return [s for s, _ in self._syn[i]]
        scopes = {scope.upper()} if isinstance(scope, str) else {s.upper() for s in scope}
        return [s for s, sc in self._syn[i] if sc in scopes]

    def synonym_types(self, curie: str) -> list[tuple[str, str]]:
        """``(text, scope)`` pairs, in :meth:`synonyms` order."""
        i = self._any.get(curie)
        return [] if i is None else list(self._syn[i])

    def lookup(self, text: str) -> list[str]:
        """Ids whose label or synonym equals ``text`` (case-insensitive, whitespace-normalised).

        Order: current terms by label, then by EXACT synonym, then by other synonyms; obsolete terms last.
        """
        table = self._lookup
        if table is None:
            table = self._lookup = self._lookup_table()
        hit = table.get(normalize_text(text))
        if hit is None:
            return []
        ids = self._ids
        return [ids[hit]] if isinstance(hit, int) else [ids[i] for i in hit]

    def _lookup_table(self) -> LookupTable:
        """The table behind :meth:`lookup`: read from beside the cached index, else built (and stored there)."""
        from . import cache  # the cache module imports this one

        table = cache.read_lookup(self)
        if table is None:
            table = self.build_lookup()
            cache.write_lookup(self, table)
        return table

    def build_lookup(self) -> LookupTable:
        """Normalised label or synonym -> the term number it names, or the ranked term numbers when several.

        A few hundred of HPO's ~42,000 texts name more than one term (or one term twice); only those are
        ranked: (obsolete, label before EXACT, RELATED, BROAD, NARROW synonyms, term number).
        """
        labels, syn, n = self._labels, self._syn, len(self._ids)
        owners = list(compress(range(n), labels))  # terms with a (non-empty) label, then each synonym's term
        texts: list[str] = list(filter(None, labels))  # type: ignore[arg-type]
        n_labels = len(texts)
        owners += chain.from_iterable(map(repeat, range(n), map(len, syn)))
        flat = list(chain.from_iterable(syn))
        texts += map(_FIRST, flat)
        keys = _normalize_all(texts)
        first: dict[str, int] = {}  # key -> its first entry (label or synonym) number
        clash: dict[str, list[int]] = {}  # key -> every entry number, for keys of several entries
        for k, key in enumerate(keys):
            j = first.setdefault(key, k)
            if j != k:
                clash.setdefault(key, [j]).append(k)
        table: dict[str, int | tuple[int, ...]]
        table = dict(zip(first, map(owners.__getitem__, first.values()), strict=True))
        obs = self._obsolete
        for key, entries in clash.items():
            ranked = []
            for k in entries:
                i = owners[k]
                penalty = 10 if i in obs else 0
                if k >= n_labels:
                    penalty += 1 + _SCOPE_RANK.get(flat[k - n_labels][1], 4)
                ranked.append((penalty, i))
            terms = tuple(dict.fromkeys(i for _, i in sorted(ranked)))
            table[key] = terms[0] if len(terms) == 1 else terms
        return LookupTable.of(table)

    # ------------------------------------------------------------------ hierarchy
    def _anc_set(self, i: int) -> frozenset[int]:
        s = self._anc_sets[i]
        if s is None:
            p = self._anc_ptr
            s = self._anc_sets[i] = frozenset(self._anc_idx[p[i] : p[i + 1]])
        return s

    def parents(self, curie: str) -> list[str]:
        """Direct ``is_a`` parents (sorted)."""
        i = self._any.get(curie)
        if i is None:
            return []
        p, ids = self._par_ptr, self._ids
        return [ids[j] for j in self._par_idx[p[i] : p[i + 1]]]

    def children(self, curie: str) -> list[str]:
        """Direct ``is_a`` children (sorted)."""
        i = self._any.get(curie)
        if i is None:
            return []
        if self._children is None:
            kids: list[list[int]] = [[] for _ in self._ids]
            p, idx = self._par_ptr, self._par_idx
            for j in range(len(self._ids)):
                for k in idx[p[j] : p[j + 1]]:
                    kids[k].append(j)
            self._children = kids
        return [self._ids[j] for j in self._children[i]]

    def ancestors(self, curie: str, include_self: bool = False) -> frozenset[str]:
        """Every ``is_a`` ancestor (transitive); empty for unknown ids."""
        i = self._any.get(curie)
        if i is None:
            return frozenset()
        p, ids = self._anc_ptr, self._ids
        found = map(ids.__getitem__, self._anc_idx[p[i] : p[i + 1]])  # C-level: no set built twice
        return frozenset(chain(found, (ids[i],)) if include_self else found)

    def descendants(self, curie: str, include_self: bool = False) -> frozenset[str]:
        """Every ``is_a`` descendant (transitive); empty for unknown ids."""
        i = self._any.get(curie)
        if i is None:
            return frozenset()
        p, ids = self._desc_ptr, self._ids
        found = map(ids.__getitem__, self._desc_idx[p[i] : p[i + 1]])  # C-level: HP:0000118 has ~18k
        return frozenset(chain(found, (ids[i],)) if include_self else found)  # built once, not copied

    def is_descendant_of(self, curie: str, ancestor: str, include_self: bool = True) -> bool:
        """True if ``ancestor`` is an ``is_a`` ancestor of ``curie`` (or the same term, when ``include_self``).

        Alt ids resolve to their term. The hot path is one dict look-up and one ``frozenset[str]`` membership
        test; each term's ancestor set is built on its first query.
        """
        s = self._anc_str.get(curie)
        if s is None:
            s = self._anc_str_of(curie)
        if ancestor in s:
            return True
        if ancestor == curie:
            return include_self and curie in self._any
        if ancestor in self._alt or curie in self._alt:
            return self._is_descendant_by_number(curie, ancestor, include_self)
        return False

    def _anc_str_of(self, curie: str) -> frozenset[str]:
        i = self._any.get(curie)
        if i is None:
            return frozenset()  # unknown ids are not remembered: garbage input must not grow memory
        p, ids = self._anc_ptr, self._ids
        s = self._anc_str[curie] = frozenset([ids[j] for j in self._anc_idx[p[i] : p[i + 1]]])
        return s

    def _is_descendant_by_number(self, curie: str, ancestor: str, include_self: bool) -> bool:
        anyd = self._any
        i = anyd.get(curie)
        a = anyd.get(ancestor)
        if i is None or a is None:
            return False
        if i == a:
            return include_self
        return a in self._anc_set(i)

    def is_descendant_of_any(self, curie: str, ancestors: Iterable[str], include_self: bool = True) -> bool:
        """True if ``curie`` is under at least one of ``ancestors``."""
        return any(self.is_descendant_of(curie, a, include_self) for a in ancestors)

    def branch_of(self, curie: str) -> str | None:
        """Name of the deepest :data:`HPO_ROOTS` sub-ontology ``curie`` lies in (``onset``, ``severity``, …)."""
        i = self._any.get(curie)
        if i is None:
            return None
        best: tuple[int, str] | None = None
        anc = self._anc_set(i)
        for name, root in HPO_ROOTS.items():
            r = self._pos.get(root)
            if r is not None and (r == i or r in anc):
                depth = self._anc_ptr[r + 1] - self._anc_ptr[r]
                if best is None or depth > best[0]:
                    best = (depth, name)
        return None if best is None else best[1]

    # ------------------------------------------------------------------ stats
    def stats(self) -> dict[str, int]:
        """Counts: terms, current, obsolete, alt_ids, synonyms, is_a edges, ancestor pairs, max id number."""
        return {
            "terms": len(self._ids),
            "current": len(self._ids) - len(self._obsolete),
            "obsolete": len(self._obsolete),
            "alt_ids": len(self._alt),
            "synonyms": sum(len(s) for s in self._syn),
            "is_a_edges": len(self._par_idx),
            "ancestor_pairs": len(self._anc_idx),
            "max_id_number": self.max_id_number,
        }

    def to_payload(self) -> dict[str, Any]:
        """The builtin-only dict this index was made from (synonyms unpacked; the cache packs them)."""
        if isinstance(self._data["synonyms"], bytes):
            return {**self._data, "synonyms": self._syn}
        return self._data
