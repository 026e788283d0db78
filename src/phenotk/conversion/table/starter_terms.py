"""HPO terms for ``mapping init`` headers: exact up to case, plural and British spelling; otherwise suggestions.

``myoclonic seizures`` and ``Anaemia`` are the labels ``Myoclonic seizure`` and ``Anemia`` written differently:
both sides are normalised the same way (accents and case off, words singular, British spellings American), so
such a header is an exact match. A header that is only *close* to a label or synonym (``Intellectual disabilty``,
``seizures myoclonic``) gets suggestions — the closest terms with a similarity score — which ``mapping init``
writes as comments for the curator to confirm; they are never used by themselves.

The matcher is duck-typed over the ontology index (``terms``, ``label``, ``synonyms``, ``lookup``,
``is_descendant_of``); without ``terms`` (a stub index) it only answers exact look-ups.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
import weakref
from collections import Counter
from dataclasses import dataclass
from typing import Any

from phenotk.ontology.hpo_roots import PHENOTYPIC_ABNORMALITY

_NON_WORD = re.compile(r"[^0-9a-z]+")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
#: a footnote mark after a header's words: ``Hypotonia¹``, ``Ataxia^b``, ``Seizure*``, ``Microcephaly†`` (NFKD would
#: turn ``¹`` into a ``1`` that no label has)
_FOOTNOTE = re.compile(r"(?<=\w)\s*(?:[\u00b9\u00b2\u00b3\u2070-\u209f\u1d43-\u1d61*†‡§¶]+|\^[a-z0-9]{1,2})\s*\Z")
#: British → American spellings, applied to every word on both sides (so over-eager rules cannot cause misses).
_SPELLING: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in (
        (r"aemi", "emi"), (r"haem", "hem"), (r"oedem", "edem"), (r"oesoph", "esoph"), (r"foet", "fet"),
        (r"coeli", "celi"), (r"oestr", "estr"), (r"paed", "ped"), (r"anaes", "anes"), (r"aesth", "esth"),
        (r"rrhoea", "rrhea"), (r"noea", "nea"), (r"caec", "cec"), (r"orthopaed", "orthoped"),
        (r"ischaem", "ischem"), (r"leucocyt", "leukocyt"), (r"sulph", "sulf"),
        (r"(?<=[a-z]{2})our(?=al|ed|ing|ite|s\b|\b)", "or"), (r"tre\b", "ter"),
        (r"is(e|ed|es|ing|ation|ations)\b", r"iz\1"),
        (r"yse\b", "yze"), (r"ogue\b", "og"), (r"gramme\b", "gram"),
    )
]
_IRREGULAR = {"teeth": "tooth", "feet": "foot", "children": "child", "vertebrae": "vertebra", "phalanges": "phalanx"}


def _singular(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or word.endswith(("ss", "us", "is", "as")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("oses"):
        return word[:-4] + "osis"
    if word.endswith("s"):
        return word[:-1]
    return word


def normalise(text: str) -> str:
    """Comparison key: ``"Myoclonic Seizures (yes/no)"`` → ``"myoclonic seizure"``; ``"Anaemia"`` → ``"anemia"``."""
    s = unicodedata.normalize("NFKD", _FOOTNOTE.sub("", text))
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    stripped = _BRACKETS.sub(" ", s)
    s = stripped if stripped.strip() else s
    words = []
    for w in _NON_WORD.sub(" ", s).split():
        for rx, rep in _SPELLING:
            w = rx.sub(rep, w)
        words.append(_singular(w))
    return " ".join(words)


@dataclass(frozen=True)
class TermHit:
    """A term for a header: id, current label, similarity (1.0 = exact up to normalisation), what matched."""

    id: str
    label: str
    score: float
    matched: str  # the label or synonym that matched
    phenotype: bool  # under Phenotypic abnormality (HP:0000118); False for onset, modifiers, history, …


class TermMatcher:
    """Exact (normalised) and close HPO look-ups for headers; built lazily from the ontology index."""

    def __init__(self, ontology: Any) -> None:
        self.ontology = ontology
        self._keys: dict[str, list[tuple[str, str]]] | None = None  # key → [(curie, matched text)]
        self._words: dict[str, list[str]] = {}  # word → keys holding it
        self._vocab_by_len: dict[int, list[str]] = {}
        #: word → its close words: difflib takes ~12 ms a word, and a sheet's headers repeat their words (a
        #: 3,000-column sheet took 36 s in mapping init)
        self._close: dict[str, list[str]] = {}

    @property
    def can_suggest(self) -> bool:
        """True when the index can list its terms (needed for normalised and fuzzy matching)."""
        return self.ontology is not None and callable(getattr(self.ontology, "terms", None))

    def _build(self) -> dict[str, list[tuple[str, str]]]:
        if self._keys is not None:
            return self._keys
        keys: dict[str, list[tuple[str, str]]] = {}
        onto = self.ontology
        for curie in onto.terms():
            names = [onto.label(curie) or "", *onto.synonyms(curie)]
            for name in names:
                key = normalise(name)
                if key and all(c != curie for c, _ in keys.get(key, ())):
                    keys.setdefault(key, []).append((curie, name))
        words: dict[str, list[str]] = {}
        for key in keys:
            for w in set(key.split()):
                words.setdefault(w, []).append(key)
        for w in words:
            self._vocab_by_len.setdefault(len(w), []).append(w)
        self._keys, self._words = keys, words
        return keys

    def describe(self, curie: str, matched: str, score: float = 1.0) -> TermHit:
        """A hit for ``curie``: its current label and whether it is under Phenotypic abnormality."""
        onto = self.ontology
        if onto is None:
            return TermHit(curie, matched, score, matched, True)
        label = onto.label(curie) or matched
        check = getattr(onto, "is_descendant_of", None)
        phenotype = bool(check(curie, PHENOTYPIC_ABNORMALITY)) if callable(check) else True
        return TermHit(curie, label, score, matched, phenotype)

    def exact(self, text: str) -> TermHit | None:
        """The term whose label or synonym equals ``text`` up to case, spacing, plural and British spelling."""
        if self.ontology is None:
            return None
        hits = [h for h in (self.ontology.lookup(text) or ()) if str(h).startswith("HP:")]
        if hits:
            return self.describe(str(hits[0]), text, 1.0)
        if not self.can_suggest:
            return None
        found = self._build().get(normalise(text), [])
        curies = {c for c, _ in found}
        if len(curies) == 1:  # two terms sharing a normalised name are a question for the curator
            curie, matched = found[0]
            return self.describe(curie, matched, 1.0)
        return None

    def _close_words(self, word: str) -> list[str]:
        if word in self._words:
            return [word]
        if len(word) <= 3:
            return []
        hit = self._close.get(word)
        if hit is None:
            pool = [w for n in range(len(word) - 2, len(word) + 3) for w in self._vocab_by_len.get(n, ())]
            hit = self._close[word] = difflib.get_close_matches(word, pool, n=4, cutoff=0.75)
        return hit

    def suggest(self, text: str, limit: int = 3, cutoff: float = 0.85) -> list[TermHit]:
        """Up to ``limit`` terms whose label or synonym is close to ``text`` (best first, one hit per term)."""
        if not self.can_suggest:
            return []
        keys = self._build()
        key = normalise(text)
        words = key.split()
        if not words:
            return []
        counts: Counter[str] = Counter()
        for w in words:
            for cw in self._close_words(w):
                counts.update(self._words[cw])
        ranked = sorted(counts, key=lambda k: (-counts[k], abs(len(k) - len(key))))[:400]
        sorted_key = " ".join(sorted(words))
        scored: list[tuple[float, str]] = []
        for cand in ranked:
            score = max(difflib.SequenceMatcher(None, key, cand).ratio(),
                        difflib.SequenceMatcher(None, sorted_key, " ".join(sorted(cand.split()))).ratio())
            if score >= cutoff:
                scored.append((score, cand))
        scored.sort(key=lambda t: (-t[0], t[1]))
        out: list[TermHit] = []
        seen: set[str] = set()
        for score, cand in scored:
            for curie, matched in keys[cand]:
                if curie not in seen:
                    seen.add(curie)
                    out.append(self.describe(curie, matched, round(score, 2)))
        out.sort(key=lambda h: (-h.score, not h.phenotype))
        return out[:limit]


_CACHE: weakref.WeakKeyDictionary[Any, TermMatcher] = weakref.WeakKeyDictionary()


def matcher_for(ontology: Any) -> TermMatcher:
    """One matcher per ontology object (its normalised index is built once)."""
    if ontology is None:
        return TermMatcher(None)
    try:
        m = _CACHE.get(ontology)
        if m is None:
            m = _CACHE[ontology] = TermMatcher(ontology)
        return m
    except TypeError:  # not weak-referenceable
        return TermMatcher(ontology)
