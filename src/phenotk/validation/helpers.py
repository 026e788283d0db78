"""Small parsers shared by rules: CURIEs, ISO 8601 durations, RFC 3339 timestamps, time elements."""

from __future__ import annotations

import datetime as _dt
import functools
import re
from typing import Any

from phenotk.model.durations import DURATION, duration_days  # noqa: F401  (used by the time rules)

# ------------------------------------------------------------------------------- CURIEs

#: prefix:local with a prefix that starts with a letter and no whitespace anywhere
CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_.\-]*):([^\s:][^\s]*)$")

#: well-known prefixes → regex of the local part, and a description for messages
ID_SHAPES: dict[str, tuple[re.Pattern[str], str]] = {
    "HP": (re.compile(r"^\d{7}$"), "HP: + 7 digits (HP:0001250)"),
    "OMIM": (re.compile(r"^(PS)?\d{6}(\.\d{4})?$"), "OMIM: + 6 digits (OMIM:154700)"),
    "MONDO": (re.compile(r"^\d{7}$"), "MONDO: + 7 digits (MONDO:0007947)"),
    "ORPHA": (re.compile(r"^\d{1,7}$"), "ORPHA: + up to 7 digits (ORPHA:558)"),
    "GENO": (re.compile(r"^\d{7}$"), "GENO: + 7 digits (GENO:0000135)"),
    "NCIT": (re.compile(r"^C\d{1,7}$"), "NCIT: + C and digits (NCIT:C46113)"),
    "HGNC": (re.compile(r"^\d{1,6}$"), "HGNC: + digits (HGNC:3603)"),
    "SO": (re.compile(r"^\d{7}$"), "SO: + 7 digits (SO:0001583)"),
    "UBERON": (re.compile(r"^\d{7}$"), "UBERON: + 7 digits (UBERON:0002107)"),
    "ECO": (re.compile(r"^\d{7}$"), "ECO: + 7 digits (ECO:0000033)"),
    "MAXO": (re.compile(r"^\d{7}$"), "MAXO: + 7 digits (MAXO:0000004)"),
    "NCBITaxon": (re.compile(r"^\d+$"), "NCBITaxon: + digits (NCBITaxon:9606)"),
    "LOINC": (re.compile(r"^\d{1,7}-\d$|^LA\d+-\d$|^LP\d+-\d$"), "LOINC: code-checkdigit (LOINC:26515-7)"),
}

#: wrong spellings of prefixes → the canonical one
PREFIX_ALIASES = {
    "HPO": "HP",
    "hp": "HP",
    "Hp": "HP",
    "MIM": "OMIM",
    "omim": "OMIM",
    "Orphanet": "ORPHA",
    "ORPHANET": "ORPHA",
    "orpha": "ORPHA",
    "mondo": "MONDO",
    "ncit": "NCIT",
    "NCI": "NCIT",
}


def curie_prefix(value: str) -> str | None:
    """Prefix of a well-formed CURIE (None for anything ``curie-syntax`` rejects as not a CURIE)."""
    m = CURIE.match(value)
    return m.group(1) if m else None


#: well-known prefix → the lengths of an all-digit local part its :data:`ID_SHAPES` entry accepts
_DIGIT_LOCALS: dict[str, tuple[int, ...]] = {
    **dict.fromkeys(("HP", "MONDO", "GENO", "SO", "UBERON", "ECO", "MAXO"), (7,)),
    "OMIM": (6,),
    "HGNC": (1, 2, 3, 4, 5, 6),
    "ORPHA": (1, 2, 3, 4, 5, 6, 7),
}


def plain_curie_prefix(value: str) -> str | None:
    """The prefix of a usual id, decided without a regex; None: not such an id (ask :func:`curie_prefix`).

    A usual id is a well-known prefix and a local part of the ASCII digits its :data:`ID_SHAPES` entry wants
    (``HP:0001250``, ``OMIM:154700``, ``HGNC:3603``): a well-formed CURIE, of the right shape, with no
    :data:`PREFIX_ALIASES` prefix — what the id rules meet for most ids not seen before.
    """
    prefix, _, local = value.partition(":")
    if local.isdigit() and local.isascii() and len(local) in _DIGIT_LOCALS.get(prefix, ()):
        return prefix
    return None


# ------------------------------------------------------------------------------- timestamps

TIMESTAMP = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")


@functools.lru_cache(maxsize=4096)
def parse_timestamp(value: str) -> _dt.datetime | None:
    """An RFC 3339 timestamp as protobuf JSON writes it (``T``, seconds, ``Z`` or offset); None if not."""
    m = TIMESTAMP.match(value)
    if m is None:
        return None
    frac, tz = m.group(7), m.group(8)
    if frac is None or len(frac) <= 7:
        try:  # C parser; the regex above already enforced the RFC 3339 shape
            return _dt.datetime.fromisoformat(value[:-1] + "+00:00" if tz == "Z" else value)
        except ValueError:
            pass  # impossible date, or a fraction this Python's parser does not take: decide below
    y, mo, d, h, mi, s = (int(x) for x in m.groups()[:6])
    try:
        if tz == "Z":
            tzinfo = _dt.timezone.utc
        else:
            sign = 1 if tz[0] == "+" else -1
            tzinfo = _dt.timezone(sign * _dt.timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6])))
        micro = int((frac[1:] + "000000")[:6]) if frac else 0
        return _dt.datetime(y, mo, d, h, mi, s, micro, tzinfo=tzinfo)
    except ValueError:
        return None


# ------------------------------------------------------------------------------- time elements

#: HPO onset terms → (earliest, latest) age in days (negative = before birth); ranges from the HPO
#: term definitions, kept generous so only clear contradictions are reported
ONSET_DAYS: dict[str, tuple[float, float]] = {
    "HP:0030674": (-280.0, 0.0),  # Antenatal onset
    "HP:0011460": (-280.0, -196.0),  # Embryonal onset
    "HP:0011461": (-196.0, 0.0),  # Fetal onset
    "HP:0003577": (-280.0, 0.0),  # Congenital onset
    "HP:0003623": (0.0, 28.0),  # Neonatal onset
    "HP:0003593": (28.0, 365.25),  # Infantile onset
    "HP:0410280": (0.0, 16 * 365.25),  # Pediatric onset
    "HP:0011463": (365.25, 5 * 365.25),  # Childhood onset
    "HP:0003621": (5 * 365.25, 16 * 365.25),  # Juvenile onset
    "HP:0003581": (16 * 365.25, 150 * 365.25),  # Adult onset
    "HP:0011462": (16 * 365.25, 40 * 365.25),  # Young adult onset
    "HP:0003596": (40 * 365.25, 60 * 365.25),  # Middle age onset
    "HP:0003584": (60 * 365.25, 150 * 365.25),  # Late onset
}


class When:
    """A time element as an interval: ``kind`` ``age`` (days since birth) or ``abs`` (days since epoch)."""

    __slots__ = ("hi", "kind", "lo", "text")

    def __init__(self, kind: str, lo: float, hi: float, text: str) -> None:
        self.kind, self.lo, self.hi, self.text = kind, lo, hi, text


def _get(d: dict[str, Any], name: str, snake: str | None = None) -> Any:
    v = d.get(name)
    if v is None and snake:
        v = d.get(snake)
    return v


def _abs_days(ts: _dt.datetime) -> float:
    return ts.timestamp() / 86400.0


def time_element(value: Any, birth: _dt.datetime | None = None) -> When | None:
    """Interpret a TimeElement (or a bare Age / Timestamp) for ordering checks; None when not comparable."""
    if isinstance(value, str):
        ts = parse_timestamp(value)
        return None if ts is None else _abs_or_age(ts, birth, value)
    if not isinstance(value, dict):
        return None
    if "iso8601duration" in value:
        return _age(value)
    age = value.get("age")
    if isinstance(age, dict):
        return _age(age)
    rng = _get(value, "ageRange", "age_range")
    if isinstance(rng, dict):
        return _age_range(rng)
    ga = _get(value, "gestationalAge", "gestational_age")
    if isinstance(ga, dict):
        return _gestational(ga)
    oc = _get(value, "ontologyClass", "ontology_class")
    if isinstance(oc, dict):
        rng2 = ONSET_DAYS.get(str(oc.get("id")))
        if rng2 is None:
            return None
        return When("age", rng2[0], rng2[1], f"{oc.get('label') or oc.get('id')}")
    ts_text = value.get("timestamp")
    if isinstance(ts_text, str):
        ts = parse_timestamp(ts_text)
        return None if ts is None else _abs_or_age(ts, birth, ts_text)
    interval = value.get("interval")
    if isinstance(interval, dict):
        return _interval(interval, birth)
    return None


def _age_range(rng: dict[str, Any]) -> When | None:
    start, end = rng.get("start"), rng.get("end")
    lo = duration_days(start.get("iso8601duration", "")) if isinstance(start, dict) else None
    hi = duration_days(end.get("iso8601duration", "")) if isinstance(end, dict) else None
    if lo is None and hi is None:
        return None
    return When("age", lo if lo is not None else 0.0, hi if hi is not None else float("inf"), "age range")


def _gestational(ga: dict[str, Any]) -> When | None:
    try:
        days = float(int(ga.get("weeks") or 0) * 7 + int(ga.get("days") or 0))
    except (TypeError, ValueError, OverflowError):  # 1e308 weeks: no float holds that many days
        return None
    return When("age", days - 280.0 - 14, days - 280.0 + 14, f"gestational age {ga.get('weeks')}w")


def _interval(interval: dict[str, Any], birth: _dt.datetime | None) -> When | None:
    s, e = interval.get("start"), interval.get("end")
    ts_s = parse_timestamp(s) if isinstance(s, str) else None
    ts_e = parse_timestamp(e) if isinstance(e, str) else None
    if ts_s is None and ts_e is None:
        return None
    lo = _abs_days(ts_s) if ts_s else float("-inf")
    hi = _abs_days(ts_e) if ts_e else float("inf")
    if birth is not None:
        b = _abs_days(birth)
        return When("age", lo - b, hi - b, "interval")
    return When("abs", lo, hi, "interval")


def _age(age: dict[str, Any]) -> When | None:
    text = age.get("iso8601duration")
    if not isinstance(text, str):
        return None
    days = duration_days(text)
    if days is None:
        return None
    return When("age", days, days, text)


def _abs_or_age(ts: _dt.datetime, birth: _dt.datetime | None, text: str) -> When:
    d = _abs_days(ts)
    if birth is not None:
        d -= _abs_days(birth)
        return When("age", d, d, text)
    return When("abs", d, d, text)


def definitely_after(a: When, b: When, tolerance_days: float = 0.0) -> bool:
    """True when ``a`` is certainly later than ``b`` (comparable kinds, no overlap beyond tolerance)."""
    return a.kind == b.kind and a.lo > b.hi + tolerance_days
