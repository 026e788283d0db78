"""Shared by the phenopacket → FHIR Bundle build: deterministic ids, the per-packet context, element builders."""

from __future__ import annotations

import re
import uuid
from typing import Any

from phenotk.conversion.fhir import terms as T
from phenotk.conversion.fhir import timeel

_NS = uuid.UUID("0b6a52c2-3f5e-4d8e-9d51-6a2c7b7f1e10")
_ID_BAD = re.compile(r"[^A-Za-z0-9\-.]")

SEX_GENDER = {"MALE": "male", "FEMALE": "female", "OTHER_SEX": "other", "UNKNOWN_SEX": "unknown"}
GENDER_SEX = {v: k for k, v in SEX_GENDER.items()}


def fhir_id(value: str) -> str:
    """A valid FHIR id (``[A-Za-z0-9-.]{1,64}``) derived from ``value``; deterministic."""
    clean = _ID_BAD.sub("-", value).strip("-") or "x"
    if len(clean) > 64 or clean != value:
        digest = uuid.uuid5(_NS, value).hex[:8]
        clean = f"{clean[:55]}-{digest}"
    return clean


def mk_ext(url: str, suffix: str, value: Any) -> dict[str, Any]:
    """An extension with ``value<suffix>``."""
    return {"url": url, f"value{suffix}": value}


def concept(oc: Any, ctx: Ctx | None = None) -> dict[str, Any]:
    """CodeableConcept of an OntologyClass (the packet's own prefix URLs and versions through ``ctx``)."""
    cd = T.coding(oc.id, oc.label, ctx.fallback if ctx else None, ctx.versions if ctx else None)
    return {"coding": [cd]}


def loinc_concept(code: str, display: str) -> dict[str, Any]:
    """CodeableConcept of one LOINC code."""
    return {"coding": [{"system": T.LOINC, "code": code, "display": display}]}


def time_ext(url: str, te: Any, ctx: Ctx) -> dict[str, Any] | None:
    """Extension ``url`` holding a TimeElement as FHIR ``value[x]`` (None when it has no FHIR form)."""
    val = timeel.to_fhir(te, ctx.fallback, ctx.versions)
    return mk_ext(url, *val) if val else None


class Ctx:
    """Per-packet state: deterministic ids and the packet's own prefix → URL table."""

    def __init__(self, packet: Any, prefix: str = "", key: str | None = None) -> None:
        self.key = key or packet.id or packet.subject.id or "phenopacket"
        self.prefix = prefix
        self.counter: dict[str, int] = {}
        self.fallback = {r.namespace_prefix: r.url for r in packet.meta_data.resources if r.namespace_prefix and r.url}
        self.versions = {
            r.namespace_prefix: r.version for r in packet.meta_data.resources if r.namespace_prefix and r.version
        }
        self.entries: list[dict[str, Any]] = []
        self.subject_id = packet.subject.id
        # one name-based UUID per packet; entries vary its last 12 hex digits (deterministic, valid UUIDs)
        self.base = str(uuid.uuid5(_NS, self.key))[:24]
        self.seq = 0

    def add(self, resource: dict[str, Any], kind: str) -> str:
        """Add ``resource`` as a Bundle entry with a deterministic id and fullUrl; return the fullUrl."""
        n = self.counter.get(kind, 0) + 1
        self.counter[kind] = n
        rid = f"{self.prefix}{kind}-{n}"
        self.seq += 1
        full = f"urn:uuid:{self.base}{self.seq:012x}"
        self.entries.append(
            {"fullUrl": full, "resource": {"resourceType": resource.pop("resourceType"), "id": rid, **resource}}
        )
        return full
