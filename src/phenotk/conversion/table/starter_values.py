"""Cell words for ``mapping init``: ``values:`` maps for the words a sheet uses that the built-in maps lack.

The built-in maps (``phenotk.mapping.model``) know English words. A German sheet says ``ja``/``nein``, a French
one ``oui``/``non``/``présent``/``décédé``, a cardiology list ``✓``/``✗``. ``mapping init`` looks at the cells of
each placed column and writes a ``values:`` map for the words it recognises here — only words that occur, and only
with their dictionary meaning. Two cases would be read *wrongly* by the built-in maps and are always written:

* a vital-status column named for the living (``Alive``, ``lebend``, ``vivant``): ``yes`` there means ALIVE;
* Spanish sex codes ``H``/``M`` (hombre/mujer): ``M`` there means FEMALE, not MALE.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from phenotk.mapping.model import DEFAULT_SEX_MAP, DEFAULT_VITAL_MAP, DEFAULT_VOCABULARY

from .starter_words import header_key

_YES = ("yes", "y", "ja", "j", "oui", "si", "sí", "sì", "true", "1", "+")
_NO = ("no", "n", "nein", "non", "nee", "false", "0", "-")

#: Presence words beyond the built-in vocabulary, by meaning (lower case, as written).
PRESENCE: dict[str, tuple[str, ...]] = {
    "observed": ("✓", "✔", "☑", "☒", "oui", "ja", "j", "si", "sí", "sì", "présent", "présente", "present",
                 "presente", "vorhanden", "aanwezig", "positief", "positiv", "positif", "positivo", "++", "+++"),
    "excluded": ("✗", "✘", "☐", "non", "nein", "nee", "ausente", "assente", "absente", "afwezig", "fehlt",
                 "nicht vorhanden", "négatif", "negatif", "negativ", "negativo", "negatief", "--"),
    "unknown": ("nk", "not known", "inconnu", "unbekannt", "desconocido", "sconosciuto", "onbekend", "k.a.",
                "n.b.", "nb", "nv", "n.v.", "non évalué", "nicht untersucht", "no evaluado", "non valutato",
                "niet onderzocht"),
}
_SEX: dict[str, str] = {
    **{w: "MALE" for w in ("männlich", "maennlich", "mannlich", "masculin", "masculino", "maschio", "maschile",
                           "mann", "homme", "hombre", "varon", "varón", "mannelijk", "jongen", "junge", "garçon",
                           "garcon", "niño", "nino", "h")},
    **{w: "FEMALE" for w in ("féminin", "feminin", "femenino", "femmina", "femminile", "vrouw", "vrouwelijk",
                             "frau", "femme", "mujer", "meisje", "mädchen", "maedchen", "fille", "niña", "nina",
                             "v")},
}
_DECEASED = ("ja", "j", "oui", "si", "sí", "sì", "verstorben", "tot", "gestorben", "décédé", "décédée", "decede",
             "decedee", "fallecido", "fallecida", "muerto", "muerta", "deceduto", "deceduta", "morto", "morta",
             "overleden", "dood")
_ALIVE = ("nein", "non", "nee", "lebend", "lebt", "am leben", "vivant", "vivante", "vivo", "viva", "in leven",
          "levend", "leeft")
_ALIVE_HEADERS = ("alive", "living", "lebend", "am leben", "vivant", "vivante", "vivo", "viva", "in leven", "levend",
                  "leeft")


def _norm(cell: str) -> str:
    return unicodedata.normalize("NFC", cell.strip().lower())


def _words(cells: list[str]) -> list[str]:
    out: dict[str, None] = {}
    for c in cells:
        w = _norm(c)
        if w:
            out.setdefault(w, None)
    return list(out)


def sex_values(cells: list[str]) -> dict[str, str] | None:
    """A value map for sex words the built-in map lacks (or reads wrongly: Spanish H/M), else None."""
    words = _words(cells)
    spanish = "h" in words and "m" in words and not {"f", "w", "v"} & set(words)
    out = {w: _SEX[w] for w in words if w in _SEX and w not in DEFAULT_SEX_MAP}
    if spanish:
        out["m"] = "FEMALE"  # hombre / mujer
    return out or None


def vital_values(header: str, cells: list[str]) -> dict[str, str] | None:
    """A value map for vital-status words: foreign words, and yes/no under a header that asks "alive?"."""
    words = _words(cells)
    alive_header = header_key(header) in _ALIVE_HEADERS
    out: dict[str, str] = {}
    for w in words:
        if alive_header and (w in _YES or w in _NO):
            out[w] = "ALIVE" if w in _YES else "DECEASED"
        elif w not in DEFAULT_VITAL_MAP and (w in _DECEASED or w in _ALIVE):
            out[w] = "DECEASED" if w in _DECEASED else "ALIVE"
    return out or None


def presence_values(cells: list[str]) -> dict[str, Any] | None:
    """A vocabulary layer (observed / excluded / unknown word lists) when cells use words the defaults lack.

    A layer replaces a default list key by key, so each written list starts with the default words.
    """
    words = set(_words(cells))
    known = {w for ws in DEFAULT_VOCABULARY.values() for w in ws}
    out: dict[str, Any] = {}
    for key, extra in PRESENCE.items():
        found = [w for w in extra if w in words and w not in known]
        if found:
            out[key] = [*DEFAULT_VOCABULARY[key], *found]
    return out or None
