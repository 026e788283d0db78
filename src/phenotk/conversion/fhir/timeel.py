"""Phenopacket ``TimeElement`` ↔ FHIR choice values (``onset[x]``, extension ``value[x]``).

age → ``Age`` (UCUM ``a``/``mo``/``wk``/``d``; compound ISO 8601 durations keep their exact text in an extension),
age range → ``Range``, gestational age → ``Age`` in days with a weeks/days extension, ontology class →
``CodeableConcept``, timestamp → ``dateTime``, interval → ``Period``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from phenotk.conversion.fhir import terms as T

_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
_UNITS = {"Y": ("a", "years"), "M": ("mo", "months"), "W": ("wk", "weeks"), "D": ("d", "days")}
_CODE_DESIGNATOR = {
    "a": "Y",
    "mo": "M",
    "wk": "W",
    "d": "D",
    "year": "Y",
    "years": "Y",
    "month": "M",
    "months": "M",
    "week": "W",
    "weeks": "W",
    "day": "D",
    "days": "D",
    "y": "Y",
    "yr": "Y",
    "h": "H",
}


def age_to_fhir(iso: str) -> dict[str, Any]:
    """FHIR ``Age`` for an ISO 8601 duration (exact text kept in an extension when not a single unit)."""
    out = _age_to_fhir(iso)
    if "extension" not in out and age_from_fhir(out) != iso:
        out = {"extension": [{"url": T.EXT_ISO_DURATION, "valueString": iso}], **out}
    return out


def _age_to_fhir(iso: str) -> dict[str, Any]:
    m = _DURATION.match(iso)
    if m:
        parts = [(d, int(v)) for d, v in zip("YMWD", m.groups(), strict=True) if v is not None]
        if len(parts) == 1:
            d, v = parts[0]
            code, unit = _UNITS[d]
            return {"value": v, "unit": unit, "system": T.UCUM, "code": code}
        if parts and all(d in "YM" for d, _ in parts):
            months = sum(v * (12 if d == "Y" else 1) for d, v in parts)
            return {
                "extension": [{"url": T.EXT_ISO_DURATION, "valueString": iso}],
                "value": months,
                "unit": "months",
                "system": T.UCUM,
                "code": "mo",
            }
        if parts:
            days = sum(v * {"Y": 365.25, "M": 30.4375, "W": 7, "D": 1}[d] for d, v in parts)
            return {
                "extension": [{"url": T.EXT_ISO_DURATION, "valueString": iso}],
                "value": round(days, 2),
                "unit": "days",
                "system": T.UCUM,
                "code": "d",
            }
    return {"extension": [{"url": T.EXT_ISO_DURATION, "valueString": iso}]}


def age_from_fhir(age: dict[str, Any]) -> str | None:
    """ISO 8601 duration for a FHIR ``Age``/``Quantity`` (exact-text extension first), None if not expressible."""
    for ext in age.get("extension") or []:
        if isinstance(ext, dict) and ext.get("url") == T.EXT_ISO_DURATION and isinstance(ext.get("valueString"), str):
            return str(ext["valueString"])
    value = age.get("value")
    unit = str(age.get("code") or age.get("unit") or "").strip().lower()
    designator = _CODE_DESIGNATOR.get(unit)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or designator is None or designator == "H":
        return None
    if float(value).is_integer():
        return f"P{int(value)}{designator}"
    return f"P{value}{designator}"


def _positive(age: dict[str, Any], iso: str) -> dict[str, Any]:
    """An ``Age`` without its value when that is 0 (``P0D``): FHIR's age-1 invariant requires a positive value.

    The unit stays and the ISO 8601 text goes to the exact-duration extension, which the reader takes first.
    """
    if age.get("value") != 0:
        return age
    out = {k: v for k, v in age.items() if k != "value"}
    if not any(e.get("url") == T.EXT_ISO_DURATION for e in out.get("extension") or []):
        out = {"extension": [{"url": T.EXT_ISO_DURATION, "valueString": iso}], **out}
    return out


def to_fhir(
    te: Any, fallback: dict[str, str] | None = None, versions: dict[str, str] | None = None
) -> tuple[str, Any] | None:
    """(choice suffix, value) for a phenopackets ``TimeElement`` message; None when it is empty."""
    kind = te.WhichOneof("element")
    if kind == "age":
        return "Age", _positive(age_to_fhir(te.age.iso8601duration), te.age.iso8601duration)
    if kind == "age_range":
        return "Range", {
            "low": age_to_fhir(te.age_range.start.iso8601duration),
            "high": age_to_fhir(te.age_range.end.iso8601duration),
        }
    if kind == "gestational_age":
        ga = te.gestational_age
        ext = [{"url": "weeks", "valueInteger": ga.weeks}]
        if ga.days:
            ext.append({"url": "days", "valueInteger": ga.days})
        age = {
            "extension": [{"url": T.EXT_GESTATIONAL, "extension": ext}],
            "value": ga.weeks * 7 + ga.days,
            "unit": "days",
            "system": T.UCUM,
            "code": "d",
        }
        if not age["value"]:  # FHIR Age values are positive (age-1); the weeks/days extension still says 0
            del age["value"]
        return "Age", age
    if kind == "ontology_class":
        oc = te.ontology_class  # the packet's prefix URLs and versions, as for every other ontology class
        return "CodeableConcept", {"coding": [T.coding(oc.id, oc.label, fallback, versions)]}
    if kind == "timestamp":
        return "DateTime", te.timestamp.ToJsonString()
    if kind == "interval":
        return "Period", {"start": te.interval.start.ToJsonString(), "end": te.interval.end.ToJsonString()}
    return None


def partial_date(value: str) -> bool:
    """True for a FHIR date of year (``1990``) or year-month (``1990-05``) precision."""
    return re.fullmatch(r"\d{4}(-(0[1-9]|1[0-2]))?", value.strip()) is not None


def timestamp(value: Any) -> str | None:
    """The RFC 3339 timestamp of a full FHIR date or dateTime; None for a partial date or a malformed value."""
    if not isinstance(value, str) or partial_date(value):
        return None
    text = _date_time(value.strip())
    try:
        Timestamp().FromJsonString(text)
    except ValueError:  # '20xx', '1990-13-01', a time without its timezone (FHIR requires one)
        return None
    return text


def _date_time(value: str) -> str:
    """RFC 3339 timestamp for a FHIR date/dateTime (dates get midnight UTC)."""
    if re.fullmatch(r"\d{4}", value):
        return f"{value}-01-01T00:00:00Z"
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return f"{value}-01T00:00:00Z"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return f"{value}T00:00:00Z"
    return value


def _from_age(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    for ext in value.get("extension") or []:
        if isinstance(ext, dict) and ext.get("url") == T.EXT_GESTATIONAL:
            parts = {
                str(e.get("url")): e.get("valueInteger") for e in ext.get("extension") or [] if isinstance(e, dict)
            }
            ga: dict[str, Any] = {"weeks": parts.get("weeks") or 0}
            if parts.get("days"):
                ga["days"] = parts["days"]
            return {"gestationalAge": ga}
    iso = age_from_fhir(value)
    return {"age": {"iso8601duration": iso}} if iso else None


def _from_range(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    low = age_from_fhir(value.get("low") or {})
    high = age_from_fhir(value.get("high") or {})
    if low and high:
        return {"ageRange": {"start": {"iso8601duration": low}, "end": {"iso8601duration": high}}}
    return None


def _from_concept(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    for cd in value.get("coding") or []:
        curie = T.curie_of(cd) if isinstance(cd, dict) else None
        if curie:
            out = {"id": curie}
            if cd.get("display"):
                out["label"] = cd["display"]
            return {"ontologyClass": out}
    return None


def _from_date_time(value: Any) -> dict[str, Any] | None:
    text = timestamp(value)  # None for "2015": a timestamp would invent month and day
    return {"timestamp": text} if text else None


def _from_period(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict) and value.get("start") and value.get("end"):
        start, end = timestamp(value["start"]), timestamp(value["end"])
        return {"interval": {"start": start, "end": end}} if start and end else None
    return None


def _from_string(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, str):
        return None
    hp = T.HPO_ONSET_LABELS.get(value.strip().lower())
    if hp:
        return {"ontologyClass": {"id": hp, "label": value.strip()}}
    if re.fullmatch(r"P[0-9YMWD.]+", value.strip()):
        return {"age": {"iso8601duration": value.strip()}}
    return None


#: Reader of each FHIR ``value[x]`` type a TimeElement can come from.
_FROM_FHIR: dict[str, Callable[[Any], dict[str, Any] | None]] = {
    "Age": _from_age,
    "Quantity": _from_age,
    "Range": _from_range,
    "CodeableConcept": _from_concept,
    "DateTime": _from_date_time,
    "Period": _from_period,
    "String": _from_string,
}


def from_fhir(suffix: str, value: Any) -> dict[str, Any] | None:
    """Phenopacket JSON ``TimeElement`` for a FHIR choice value, or None when it cannot be expressed."""
    reader = _FROM_FHIR.get(suffix)
    return reader(value) if reader is not None else None


def choice(resource: dict[str, Any], base: str) -> tuple[str, Any] | None:
    """(suffix, value) of the choice element ``base[x]`` present in ``resource``, e.g. ``onsetAge``."""
    for key, value in resource.items():
        if key.startswith(base) and len(key) > len(base) and key[len(base)].isupper():
            return key[len(base) :], value
    return None
