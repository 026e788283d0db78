"""Ages and onsets as curators write them → Phenopacket ``TimeElement`` (and back to one cell string).

Understood forms (case-insensitive, surrounding blanks ignored):

- ISO 8601 durations: ``P3Y2M``, ``P10D``, ``P4W`` (kept verbatim, upper-cased);
- unit words: ``3y 2m``, ``3 years``, ``3 years and 2 months``, ``6 mo``, ``10 days``, ``2 wk``, decimal fractions
  with a point or a comma (``3.5 years``, ``3,5 y`` → ``P3Y6M``), carried down only while whole: ``7.5 months`` →
  ``P7M`` with :attr:`ParsedTime.cut` = ``"0.5 month"`` for the reader to report;
- years;months as paediatricians write them: ``2;6`` → ``P2Y6M`` (months 0–11; ``2;13`` is no age); also
  ``2y6m``, ``2 J. 6 M.``;
- gestational age: ``33+2`` (weeks+days), ``33w2d GA``, ``33 weeks gestation`` → ``gestationalAge``;
- HPO onset terms by label (``Childhood onset``, also without " onset": ``childhood``), by id (``HP:0011463``) or
  as ``label (HP:…)``;
- a bare number when the caller says which unit it is in (``unit="years"``).

:func:`parse_time` returns a :class:`ParsedTime` or None (never raises); :func:`format_time` is its inverse for the
cell form a table writer uses.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from fractions import Fraction

from phenopackets import Age, GestationalAge, OntologyClass, TimeElement

#: HPO "Onset" (HP:0003674) and its descendants: id → label (HPO release 2025-05-06).
ONSET_TERMS: dict[str, str] = {
    "HP:0003674": "Onset",
    "HP:0003577": "Congenital onset",
    "HP:0003581": "Adult onset",
    "HP:0003584": "Late onset",
    "HP:0003596": "Middle age onset",
    "HP:0011462": "Young adult onset",
    "HP:0025708": "Early young adult onset",
    "HP:0025709": "Intermediate young adult onset",
    "HP:0025710": "Late young adult onset",
    "HP:0003623": "Neonatal onset",
    "HP:0030674": "Antenatal onset",
    "HP:0011460": "Embryonal onset",
    "HP:0011461": "Fetal onset",
    "HP:0034197": "Third trimester onset",
    "HP:0034198": "Second trimester onset",
    "HP:0034199": "Late first trimester onset",
    "HP:0410280": "Pediatric onset",
    "HP:0003593": "Infantile onset",
    "HP:0003621": "Juvenile onset",
    "HP:0011463": "Childhood onset",
    "HP:4000040": "Puerpural onset",
    "HP:6000314": "Perimenopausal onset",
    "HP:6000315": "Postmenopausal onset",
}

_ONSET_BY_TEXT: dict[str, str] = {}
for _id, _label in ONSET_TERMS.items():
    _low = _label.lower()
    _ONSET_BY_TEXT[_low] = _id
    if _low.endswith(" onset") and _low != "onset":
        _ONSET_BY_TEXT[_low[: -len(" onset")]] = _id
_ONSET_BY_TEXT.update({"at birth": "HP:0003577", "prenatal": "HP:0030674", "puerperal onset": "HP:4000040"})
#: Everyday onset words curators write in term cells ("seizures: infancy") → the HPO onset term they name.
_ONSET_BY_TEXT.update({
    "birth": "HP:0003577", "from birth": "HP:0003577", "since birth": "HP:0003577",
    "infancy": "HP:0003593", "in infancy": "HP:0003593", "neonatal period": "HP:0003623",
    "newborn": "HP:0003623", "in childhood": "HP:0011463", "adulthood": "HP:0003581", "in adulthood": "HP:0003581",
    "adolescence": "HP:0003621", "antenatally": "HP:0030674", "in utero": "HP:0030674",
})
#: The same onset words in the other languages of the value vocabulary (German, French, Spanish, Italian,
#: Portuguese, Dutch). Words whose age range differs between languages are left out on purpose: Spanish
#: "infancia", Italian "infanzia", Portuguese "infância" (childhood or infancy) and French "petite enfance".
for _id, _words in {
    "HP:0003577": ("angeboren", "kongenital", "ab geburt", "seit geburt", "bei geburt", "congénital", "congénitale",
                   "congenital", "à la naissance", "a la naissance", "dès la naissance", "depuis la naissance",
                   "congénito", "congénita", "congenito", "congenita", "al nacer", "desde el nacimiento",
                   "alla nascita", "dalla nascita", "congênito", "congênita", "ao nascimento", "aangeboren",
                   "congenitaal", "bij geboorte", "vanaf geboorte"),
    "HP:0003623": ("neugeborenenalter", "neugeborenenperiode", "néonatal", "néonatale", "neonatale",
                   "période néonatale", "periodo neonatal", "periodo neonatale", "neonataal"),
    "HP:0003593": ("säuglingsalter", "im säuglingsalter", "nourrisson", "lactante", "lattante", "zuigeling",
                   "zuigelingenleeftijd"),
    "HP:0011463": ("kindheit", "kindesalter", "im kindesalter", "enfance", "dans l'enfance", "kindertijd",
                   "kinderleeftijd"),
    "HP:0003621": ("jugendalter", "im jugendalter", "juvénile", "juvenil", "adolescencia", "adolescenza",
                   "giovanile", "adolescência", "adolescentie", "juveniel"),
    "HP:0003581": ("erwachsenenalter", "im erwachsenenalter", "âge adulte", "à l'âge adulte", "edad adulta",
                   "età adulta", "idade adulta", "volwassenheid", "volwassen leeftijd"),
    "HP:0030674": ("pränatal", "vorgeburtlich", "prénatal", "prénatale", "anténatal", "anténatale", "antenatal",
                   "prenatale", "pré-natal", "pre-natal", "prenataal"),
    "HP:0011461": ("fetal", "fötal", "fœtal", "fœtale", "foetal", "foetale", "fetale", "foetaal"),
}.items():
    for _w in _words:
        _ONSET_BY_TEXT.setdefault(_w, _id)

_ISO = re.compile(
    r"P(?=\d)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?\Z", re.I
)
_UNIT_WORDS: dict[str, str] = {}
for _unit, _words in {
    # English, German, French, Spanish, Italian, Dutch (the languages of European clinic sheets)
    "Y": ("y", "yr", "yrs", "year", "years", "a", "j", "jahr", "jahre", "jahren", "lj", "ans", "an", "año", "años",
          "anno", "anni", "jaar", "jaren"),
    "M": ("m", "mo", "mos", "mth", "mths", "month", "months", "mon", "monat", "monate", "monaten", "mois", "mes",
          "meses", "mese", "mesi", "maand", "maanden", "mnd"),
    "W": ("w", "wk", "wks", "week", "weeks", "wo", "woche", "wochen", "sem", "semaine", "semaines", "semana",
          "semanas", "settimana", "settimane", "weken"),
    "D": ("d", "day", "days", "tag", "tage", "tagen", "jour", "jours", "día", "días", "dia", "dias", "giorno",
          "giorni", "dag", "dagen"),
}.items():
    for _w in _words:
        _UNIT_WORDS[_w] = _unit
_PART = re.compile(r"\s*(\d+(?:[.,]\d+)?)\s*([^\W\d_]+)\.?\s*(?:,|and|und|en|et|e|y|&)?", re.I)
#: "2;6": years;months, the paediatric notation (the months below 12)
_YEARS_SEMI_MONTHS = re.compile(r"(\d{1,3})\s*;\s*(\d{1,2})\Z")
_GEST_PLUS = re.compile(r"(\d{1,2})\s*\+\s*([0-6])\Z")
_GEST_WORDS = re.compile(
    r"(\d{1,2})\s*(?:w|wk|wks|weeks?)\s*(?:\+?\s*([0-6])\s*(?:d|days?))?\s*"
    r"(?:ga|gestation|gestational age|of gestation)\Z",
    re.I,
)
#: Gestational ages as German, French and Spanish clinics write them: "36 SSW", "36+2 SSW", "SSW 36+2", "36 SA"
_GEST_CLINIC = re.compile(
    r"(?:(\d{1,2})\s*(?:\+\s*([0-6]))?\s*(?:ssw|sa|sg)\.?|ssw\.?\s*(\d{1,2})\s*(?:\+\s*([0-6]))?)\Z", re.I
)
#: "4 years old", "4 Jahre alt": the age before the word
_OLD = re.compile(r"(?<=[^\W\d_])\.?\s+(?:old|alt)\Z", re.I)
#: "4 y/o", "4 y.o.", "4yo": years
_YO = re.compile(r"(?<=\d)\s*(?:y/o|y\.o\.?|yo)\Z", re.I)
#: "3 1/2 years", "3½ Jahre", "½ year": a half written as a fraction before the unit
_HALF = re.compile(r"(?:(\d+)\s+1/2|(?<![\d/])1/2|(\d*)\s*½)(?=\s*[^\W\d_])")
_LABEL_ID = re.compile(r"(.*?)\s*[(\[]\s*(HP:\d{7})\s*[)\]]\Z")
_HP_ID = re.compile(r"HP[:_]\d{7}\Z", re.I)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?\Z")


@dataclass(frozen=True)
class ParsedTime:
    """A parsed age or onset: ``kind`` is ``age`` (``iso``), ``gestational`` (``weeks``/``days``) or ``ontology``."""

    kind: str
    iso: str = ""
    weeks: int = 0
    days: int = 0
    term_id: str = ""
    label: str = ""
    #: the fraction of a decimal age that was cut to completed units (``"0.5 month"`` for ``7.5 months``)
    cut: str = field(default="", compare=False)

    def to_time_element(self) -> TimeElement:
        """The Phenopacket ``TimeElement``."""
        if self.kind == "age":
            return TimeElement(age=Age(iso8601duration=self.iso))
        if self.kind == "gestational":
            return TimeElement(gestational_age=GestationalAge(weeks=self.weeks, days=self.days))
        return TimeElement(ontology_class=OntologyClass(id=self.term_id, label=self.label))

    def cell(self) -> str:
        """The cell form :func:`format_time` writes."""
        if self.kind == "age":
            return self.iso
        if self.kind == "gestational":
            return f"{self.weeks}+{self.days}"
        return self.label or self.term_id


def _cut(amount: Fraction, unit: str) -> str:
    return f"{float(amount):.4g} {unit}"


def _iso_from_parts(parts: dict[str, Fraction]) -> tuple[str, str]:
    """ISO 8601 duration of unit amounts, and the fraction it could not carry (``""`` when exact).

    A fraction is carried down to the next unit only while it stays whole: a year is 12 months, a week 7 days, so
    ``1.5 years`` = ``P1Y6M`` and ``2.5 weeks`` = ``P2W3D``. A month has no fixed number of days and an age has no
    day fractions, so what is left is cut to completed units, as an age is counted: ``7.5 months`` → ``P7M`` (not
    ``P7M15D``: fifteen days nobody wrote), ``2.3 years`` → ``P2Y3M``, ``3.5 days`` → ``P3D``.
    """
    zero = Fraction(0)
    years, months, weeks, days = (parts.get(k, zero) for k in "YMWD")
    whole_y = int(years)
    months += (years - whole_y) * 12
    whole_m = int(months)
    whole_w = int(weeks)
    days += (weeks - whole_w) * 7
    whole_d = int(days)
    cut = []
    if months != whole_m:
        cut.append(_cut(months - whole_m, "month"))
    if days != whole_d:
        cut.append(_cut(days - whole_d, "day"))
    out = "P"
    if whole_y:
        out += f"{whole_y}Y"
    if whole_m:
        out += f"{whole_m}M"
    if whole_w:
        out += f"{whole_w}W"
    if whole_d:
        out += f"{whole_d}D"
    if out == "P":  # "0 years": no completed year — not "P0D", a day nobody wrote; zero in the smallest unit given
        smallest = next((k for k in "DWMY" if k in parts), "D")
        out = f"P0{smallest}"
    return out, " and ".join(cut)


def _number(text: str) -> Fraction:
    return Fraction(text.replace(",", "."))


def parse_duration_cut(text: str, *, unit: str | None = None) -> tuple[str | None, str]:
    """:func:`parse_duration` and the fraction it cut (``("P7M", "0.5 month")`` for ``7.5 months``)."""
    s = text.strip()
    if not s:
        return None, ""
    if _ISO.match(s):
        return s.upper(), ""
    m = _YEARS_SEMI_MONTHS.match(s)
    if m:  # "2;6" = 2 years 6 months, as paediatricians write it; "2;13" is no such age
        years, months = int(m.group(1)), int(m.group(2))
        return _iso_from_parts({"Y": Fraction(years), "M": Fraction(months)}) if months < 12 else (None, "")
    if "1/2" in s or "½" in s:
        s = _HALF.sub(lambda m: f"{m.group(1) or m.group(2) or 0}.5 ", s).strip()
    s = _YO.sub(" y", _OLD.sub("", s))
    if _NUMBER.match(s):
        if unit is None:
            return None, ""
        key = _UNIT_WORDS.get(unit.lower().rstrip("s") if unit.lower() not in _UNIT_WORDS else unit.lower())
        if key is None:
            return None, ""
        return _iso_from_parts({key: _number(s)})
    parts: dict[str, Fraction] = {}
    pos = 0
    while pos < len(s):
        m = _PART.match(s, pos)
        if m is None or m.end() == pos:
            return None, ""
        key = _UNIT_WORDS.get(m.group(2).lower())
        if key is None or key in parts:
            return None, ""
        parts[key] = _number(m.group(1))
        pos = m.end()
    return _iso_from_parts(parts) if parts else (None, "")


def parse_duration(text: str, *, unit: str | None = None) -> str | None:
    """ISO 8601 duration for ``text`` (``3y 2m`` → ``P3Y2M``), or None when it is not an age.

    Decimals are carried only while exact (``1.5 years`` → ``P1Y6M``, ``7.5 months`` → ``P7M``); use
    :func:`parse_duration_cut` to learn what was cut and report it.
    """
    return parse_duration_cut(text, unit=unit)[0]


def onset_term(text: str) -> tuple[str, str] | None:
    """(id, label) of an HPO onset term written as label, label without "onset", id, or ``label (id)``."""
    s = text.strip()
    m = _LABEL_ID.match(s)
    if m:
        curie = m.group(2).upper()
        return (curie, ONSET_TERMS[curie]) if curie in ONSET_TERMS else None
    if _HP_ID.match(s):
        curie = s.upper().replace("_", ":")
        return (curie, ONSET_TERMS[curie]) if curie in ONSET_TERMS else None
    key = " ".join(s.lower().split())
    if not key.isascii():  # "néonatal" typed as e + combining accent is the same word
        key = unicodedata.normalize("NFC", key)
    curie = _ONSET_BY_TEXT.get(key)
    return (curie, ONSET_TERMS[curie]) if curie else None


def parse_time(text: str, *, unit: str | None = None) -> ParsedTime | None:
    """Parse an age, gestational age or HPO onset label; None when ``text`` is none of them."""
    s = text.strip()
    if not s:
        return None
    m = _GEST_PLUS.match(s) or _GEST_WORDS.match(s)
    if m:
        return ParsedTime("gestational", weeks=int(m.group(1)), days=int(m.group(2) or 0))
    m = _GEST_CLINIC.match(s)
    if m:
        weeks, days = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return ParsedTime("gestational", weeks=int(weeks), days=int(days or 0))
    iso, cut = parse_duration_cut(s, unit=unit)
    if iso is not None:
        return ParsedTime("age", iso=iso, cut=cut)
    term = onset_term(s)
    if term is not None:
        return ParsedTime("ontology", term_id=term[0], label=term[1])
    return None


def format_time(element: TimeElement) -> str | None:
    """One cell string for a ``TimeElement`` that :func:`parse_time` reads back; None for kinds it cannot hold."""
    which = element.WhichOneof("element")
    if which == "age":
        return str(element.age.iso8601duration)
    if which == "gestational_age":
        return f"{element.gestational_age.weeks}+{element.gestational_age.days}"
    if which == "ontology_class":
        oc = element.ontology_class
        if oc.id in ONSET_TERMS and ONSET_TERMS[oc.id] == oc.label:
            return str(oc.label)
        return f"{oc.label} ({oc.id})" if oc.label else str(oc.id)
    return None
