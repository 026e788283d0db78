"""HPO terms named in sheets: ids, ``label (HP:…)`` headers, labels and synonyms (singular/plural normalised)."""

from __future__ import annotations

import re
from typing import Any

from phenotk.ontology.hpo_roots import PHENOTYPIC_ABNORMALITY

HP_IN_TEXT = re.compile(r"(.*?)\s*[(\[]\s*(HP[:_]\d{7})\s*[)\]]\s*\Z", re.I)
HP_ID = re.compile(r"HP[:_]\d{7}\Z", re.I)
#: an HPO id written without its colon: "HP 0000486", "HP0000486" (seven digits, nothing glued around)
_LOOSE_ID = re.compile(r"(?<![\w:])HP ?(\d{7})(?!\w)", re.I)


def colon_ids(text: str) -> str:
    """``text`` with HPO ids written without their colon ("HP 0000486", "HP0000486") written ``HP:0000486``."""
    if "hp" not in text.lower() or not _LOOSE_ID.search(text):
        return text
    return _LOOSE_ID.sub(r"HP:\1", text)
HP_ID_FIRST = re.compile(r"(HP[:_]\d{7})\s+(.+)\Z", re.I)
#: any HPO id inside a text: a "label" holding another id means the cell lists several terms
HP_ANYWHERE = re.compile(r"HP[:_]\d{7}", re.I)
#: An HPO id anywhere in a text (headers that name an id are reported when the id is unknown).
HP_ANYWHERE = re.compile(r"\bHP[:_]\d{7}\b", re.I)


def number_variants(text: str) -> list[str]:
    """Singular/plural forms of ``text`` to try after an exact miss (the last word only, English rules).

    ``myoclonic seizures`` → ``myoclonic seizure``; ``abnormalities`` → ``abnormality``; ``seizure`` →
    ``seizures``. The exact text is not in the list.
    """
    head, _, last = text.strip().rpartition(" ")
    low = last.lower()
    forms: list[str] = []
    if len(low) > 3 and low.endswith("ies"):
        forms.append(last[:-3] + "y")
    if len(low) > 3 and low.endswith(("ses", "xes", "ches", "shes")):
        forms.append(last[:-2])
    if len(low) > 2 and low.endswith("s") and not low.endswith(("ss", "us", "is")):
        forms.append(last[:-1])
    if not low.endswith("s"):
        forms.append(last[:-1] + "ies" if low.endswith("y") and low[-2:-1] not in "aeiou" else last + "s")
    prefix = head + " " if head else ""
    return [prefix + f for f in dict.fromkeys(forms) if f and f.lower() != low]


class TermResolver:
    """HPO id/label answers from an ontology index (duck-typed: ``label``, ``lookup``, ``synonyms``, ``version``).

    Works without an index: ids and ``label (HP:…)`` headers still resolve; bare labels do not. With an index, an
    id the loaded release does not have does not resolve (the caller reports it).
    """

    def __init__(self, ontology: Any = None) -> None:
        self.ontology = ontology
        self._cache: dict[str, tuple[str, str] | None] = {}

    @property
    def version(self) -> str:
        """Release of the index, or ''."""
        return str(getattr(self.ontology, "version", "") or "")

    def label(self, curie: str) -> str | None:
        """Current label of ``curie`` from the index."""
        if self.ontology is None:
            return None
        try:
            return self.ontology.label(curie)  # type: ignore[no-any-return]
        except (KeyError, AttributeError):
            return None

    def not_a_phenotype(self, curie: str) -> bool:
        """True only when the loaded index says ``curie`` is outside Phenotypic abnormality.

        An onset, severity, inheritance, clinical course … term; False without an index that can tell.
        """
        onto = self.ontology
        if onto is None or not hasattr(onto, "is_descendant_of"):
            return False
        try:
            return not onto.is_descendant_of(curie, PHENOTYPIC_ABNORMALITY)
        except (KeyError, ValueError):
            return False

    def known(self, curie: str) -> bool:
        """False only when an index is loaded and does not have ``curie``."""
        return self.ontology is None or self.label(curie) is not None

    def lookup(self, text: str) -> str | None:
        """The id whose label or synonym is exactly ``text`` (then its singular/plural), or None."""
        if self.ontology is None:
            return None
        for form in (text, *number_variants(text)):
            hit = self._lookup_exact(form)
            if hit is not None:
                return hit
        return None

    def _lookup_exact(self, text: str) -> str | None:
        assert self.ontology is not None
        hits = self.ontology.lookup(text)
        if isinstance(hits, str):
            return hits
        for hit in hits or ():
            if str(hit).startswith("HP:"):
                return str(hit)
        return None

    def label_conflict(self, curie: str, text: str) -> str | None:
        """The index's label of ``curie`` when ``text`` is neither it nor a synonym (None: agrees or unknown)."""
        if self.ontology is None or not text.strip():
            return None
        label = self.label(curie)
        if label is None:
            return None
        names = [label, *(getattr(self.ontology, "synonyms", lambda _c: [])(curie) or [])]
        keys = {" ".join(f.split()).casefold() for f in (text, *number_variants(text))}
        if any(" ".join(n.split()).casefold() in keys for n in names):
            return None
        return label

    def resolve(self, text: str) -> tuple[str, str] | None:
        """(id, label) for ``HP:…``, ``label (HP:…)``, ``HP:… label`` or a label/synonym; None if unknown."""
        if text in self._cache:
            return self._cache[text]
        out = self._resolve(text.strip())
        self._cache[text] = out
        return out

    def _resolve(self, s: str) -> tuple[str, str] | None:
        given = ""
        s = colon_ids(s)
        m = HP_IN_TEXT.match(s)
        if m:
            curie, given = m.group(2), m.group(1).strip()
        elif HP_ID.match(s):
            curie = s
        else:
            m2 = HP_ID_FIRST.match(s)
            if m2 is None:
                found = self.lookup(s)
                return (found, self.label(found) or s) if found else None
            curie, given = m2.group(1), m2.group(2).strip()
        if given and HP_ANYWHERE.search(given):  # "Seizure (HP:0001250), Hypotonia (HP:0001252)": several terms
            return None
        curie = curie.upper().replace("_", ":")
        if not self.known(curie):
            return None
        return curie, self.label(curie) or given
