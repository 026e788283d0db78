"""The typed ontology view validation rules import: what a rule may ask a loaded ontology, and its flat tables.

Rules receive the loaded HPO (and any ``--ontology`` index) as an :class:`OntologyView`: the read-only
questions of :class:`~phenotk.ontology.OntologyIndex` they use, plus :meth:`OntologyView.tables`, the flat
look-up tables (:class:`TermTables`) derived once per loaded release and kept on the index itself, so the
per-node fast paths of the rules are one dict or set probe and no rule keeps a second index of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import compress
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:  # pragma: no cover
    from .index import IdStatus


@runtime_checkable
class OntologyView(Protocol):
    """The questions a validation rule may ask a loaded ontology release (an ``OntologyIndex`` answers them)."""

    #: release date (``2025-05-06``) or raw version string; None if the file names none
    version: str | None
    #: the prefix most ids carry (``HP``, ``MONDO``)
    prefix: str

    def label(self, curie: str) -> str | None:
        """Label of a term (alt and obsolete ids too); None if unknown."""

    def synonyms(self, curie: str, *, scope: str | Iterable[str] | None = None) -> list[str]:
        """Synonyms of a term, optionally of some scopes only."""

    def lookup(self, text: str) -> list[str]:
        """Ids whose label or synonym is ``text`` (case and whitespace folded)."""

    def terms(self, *, obsolete: bool = False) -> Iterator[str]:
        """Primary ids; obsolete ones only when ``obsolete``."""

    def alt_ids(self) -> dict[str, str]:
        """Every alternative id mapped to its primary id."""

    def primary_id(self, curie: str) -> str | None:
        """Primary id of any known id; None if unknown."""

    def is_alt_id(self, curie: str) -> bool:
        """True for an alternative id."""

    def is_obsolete(self, curie: str) -> bool:
        """True for an obsolete term."""

    def replacement(self, curie: str) -> str | None:
        """The term replacing an obsolete one, if any."""

    def suggestions(self, curie: str) -> list[str]:
        """Terms to consider instead of an obsolete one."""

    def id_status(self, curie: str) -> IdStatus:
        """What the release says about an id."""

    def ancestors(self, curie: str, include_self: bool = False) -> frozenset[str]:
        """``is_a`` ancestors of a term."""

    def descendants(self, curie: str, include_self: bool = False) -> frozenset[str]:
        """``is_a`` descendants of a term."""

    def is_descendant_of(self, curie: str, ancestor: str, include_self: bool = True) -> bool:
        """True if ``ancestor`` is an ``is_a`` ancestor of ``curie``."""

    def branch_of(self, curie: str) -> str | None:
        """Name of the deepest HPO sub-ontology root ``curie`` lies under."""

    def tables(self) -> TermTables:
        """The flat look-up tables of this release (built once)."""

    def __contains__(self, curie: object) -> bool:
        """True if the release knows ``curie``."""


#: what :class:`TermTables` is built from: (every primary id incl. obsolete, alt id → primary id, obsolete ids,
#: current primary id → label)
TableParts = tuple[list[str], dict[str, str], set[str], dict[str, str]]


class TermTables:
    """Flat look-up tables derived once per loaded release (see :meth:`OntologyIndex.tables`).

    Built only from the view's public questions (``terms``, ``alt_ids``, ``label``, ``descendants``,
    ``ancestors``).
    """

    def __init__(self, idx: OntologyView, parts: TableParts | None = None) -> None:
        self.idx = idx
        if parts is None:
            alt = idx.alt_ids()
            everything = list(idx.terms(obsolete=True))
            obsolete = {t for t in everything if idx.is_obsolete(t)}
            labels = {t: lab for t in everything if t not in obsolete and (lab := idx.label(t)) is not None}
        else:  # the same tables, read straight from an index's arrays (~10 ms less per loaded release)
            everything, alt, obsolete, labels = parts
        #: every primary, alt and obsolete id → its primary id
        self.primary: dict[str, str] = dict(zip(everything, everything, strict=True))
        self.primary.update(alt)
        #: ids that need ``hpo-obsolete-term``: alt ids and obsolete terms
        self.problem: frozenset[str] = frozenset(alt) | frozenset(obsolete)
        #: current primary id → label
        self.labels: dict[str, str] = labels
        self._alt = alt
        self._under: dict[str, frozenset[str]] = {}
        #: id → (primary id, ancestors), or False for an id the release does not know (read directly by the
        #: hierarchy rules' C-level ``map(memo.get, ids)`` fast path)
        self.info: dict[str, tuple[str, frozenset[str]] | bool] = {}

    def term_info(self, curie: str) -> tuple[str, frozenset[str]] | None:
        """(primary id, its proper ancestors) of an id the release knows (alt and obsolete ids too), else None.

        Memoised in one table: one probe per feature for the hierarchy rules.
        """
        hit = self.info.get(curie)
        if hit is None:
            term = self.primary.get(curie)
            hit = False if term is None else (term, self.idx.ancestors(term))
            if len(self.info) < 500_000:
                self.info[curie] = hit
        return hit if isinstance(hit, tuple) else None

    def under(self, root: str) -> frozenset[str]:
        """Current ids (primary and alt) at or below ``root``."""
        hit = self._under.get(root)
        if hit is None:
            terms = self.idx.descendants(root, include_self=True)
            # the alt ids (a few thousand) tested against the terms (up to all of HPO), not the other way round,
            # at C level: the alt ids whose primary id is among the terms
            alt = self._alt
            hit = self._under[root] = terms.union(compress(alt, map(terms.__contains__, alt.values())))
        return hit


__all__ = ["OntologyView", "TableParts", "TermTables"]
