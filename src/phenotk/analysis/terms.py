"""Which HPO terms a phenopacket has, observed and excluded, with the ontology's true-path rule applied.

The definition every count, frame, filter and plot of :mod:`phenotk.analysis` uses:

* **observed propagates up**: a packet observing *Focal clonic seizure* also observes *Seizure* and every other
  ``is_a`` ancestor, so "how many packets have seizures" counts it (whether or not the packet also lists
  *Seizure*; ``phenotk fix`` removes such redundant ancestors, and counts must not drop when it does);
* **excluded propagates down**: a packet excluding *Seizure* also excludes every kind of seizure;
* **observed wins**: when a packet observes a term (directly or through a descendant) that an excluded ancestor
  would exclude, the term counts as observed only. A packet is never counted as both for one term.

Ids are resolved with the loaded release: an alternative id counts as its term (its own row shows the same
numbers as the term's), an id the release does not know (newer, mistyped) counts only for itself. Without an
ontology nothing propagates: the propagated sets are the direct ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from phenopackets import Phenopacket

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.ontology import OntologyIndex


class TermClosure:
    """Up (ancestors) and down (descendants) closures of term ids, cached per id, for one ontology release."""

    def __init__(self, hpo: OntologyIndex | None) -> None:
        self.hpo = hpo
        self._key: dict[str, str] = {}
        self._up: dict[str, frozenset[str]] = {}
        self._down: dict[str, frozenset[str]] = {}

    def key(self, tid: str) -> str:
        """The id a term counts under: the release's primary id, or ``tid`` itself when the release lacks it."""
        k = self._key.get(tid)
        if k is None:
            primary = self.hpo.primary_id(tid) if self.hpo is not None else None
            k = self._key[tid] = primary or tid
        return k

    def known(self, tid: str) -> bool:
        """True when the loaded release knows ``tid`` (as primary, alternative or obsolete id)."""
        return self.hpo is not None and self.hpo.primary_id(tid) is not None

    def up(self, tid: str) -> frozenset[str]:
        """``tid`` (as its key) and every ``is_a`` ancestor: the terms a packet observing ``tid`` observes."""
        k = self.key(tid)
        s = self._up.get(k)
        if s is None:
            s = self.hpo.ancestors(k, include_self=True) if self.hpo is not None else frozenset()
            s = self._up[k] = s or frozenset([k])
        return s

    def down(self, tid: str) -> frozenset[str]:
        """``tid`` (as its key) and every ``is_a`` descendant: the terms a packet excluding ``tid`` excludes."""
        k = self.key(tid)
        s = self._down.get(k)
        if s is None:
            s = self.hpo.descendants(k, include_self=True) if self.hpo is not None else frozenset()
            s = self._down[k] = s or frozenset([k])
        return s

    def propagate(self, observed: Iterable[str], excluded: Iterable[str]) -> tuple[set[str], set[str]]:
        """(observed, excluded) term keys after propagation; observed wins where both would apply."""
        obs: set[str] = set()
        for t in observed:
            obs |= self.up(t)
        exc: set[str] = set()
        for t in excluded:
            exc |= self.down(t)
        return obs, exc - obs

    def packet_terms(self, packet: Phenopacket) -> tuple[set[str], set[str]]:
        """Propagated (observed, excluded) term keys of one packet."""
        obs = [f.type.id for f in packet.phenotypic_features if not f.excluded]
        exc = [f.type.id for f in packet.phenotypic_features if f.excluded]
        return self.propagate(obs, exc)


def direct_terms(packet: Phenopacket) -> tuple[set[str], set[str]]:
    """The (observed, excluded) ids exactly as the packet writes them (no propagation, no id resolution)."""
    obs = {f.type.id for f in packet.phenotypic_features if not f.excluded}
    exc = {f.type.id for f in packet.phenotypic_features if f.excluded}
    return obs, exc
