"""FHIR R4 (JSON tree) → Phenopackets: one packet per Patient, a finding for everything not carried.

Tolerant by design: resources are read from the raw JSON tree (so a resource the FHIR model rejects is still
read), known variants of code-system URIs and of presence/absence encodings are accepted, and every resource or
element that has no place in a phenopacket becomes an ``fhir-unmapped-resource`` / ``fhir-unmapped-element``
finding whose pointer is the element's JSON pointer in the input and whose message names its FHIR path.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from google.protobuf import json_format

from phenotk.conversion.base import Converted, ConvertOptions
from phenotk.conversion.fhir import terms as T
from phenotk.conversion.fhir import timeel
from phenotk.issue import Issue, Severity

CODE_UNMAPPED_RESOURCE = "FHIR001"
CODE_UNMAPPED_ELEMENT = "FHIR002"
CODE_INVALID = "FHIR003"
CODE_NO_PATIENT = "FHIR004"
CODE_BAD_VALUE = "FHIR005"

#: Stable finding codes of the FHIR reader and writer, by rule name (docs/fhir-mapping.md, "Findings").
RULES = {
    "fhir-unmapped-resource": "FHIR001",
    "fhir-unmapped-element": "FHIR002",
    "fhir-invalid": "FHIR003",
    "fhir-no-patient": "FHIR004",
    "fhir-bad-value": "FHIR005",
    "fhir-missing-patient": "FHIR006",
    "fhir-conflicting-sex": "FHIR007",
    "fhir-embedded-phenopacket": "FHIR008",
    "fhir-variant-without-report": "FHIR009",
    "fhir-unmapped-field": "FHIR010",
    "fhir-unsupported-element": "FHIR011",
}

_SEX = {"male": "MALE", "female": "FEMALE", "other": "OTHER_SEX", "unknown": "UNKNOWN_SEX"}
_PATO_SEX = {"PATO:0000384": "MALE", "PATO:0000383": "FEMALE"}
_ABSENT = {("LOINC", T.LOINC_ABSENT), ("SNOMEDCT", "373067005"), ("SNOMEDCT", "410516002"), ("SNOMEDCT", "2667000")}
_PRESENT = {("LOINC", T.LOINC_PRESENT), ("SNOMEDCT", "373066001"), ("SNOMEDCT", "410605003"), ("SNOMEDCT", "52101004")}
_NEG_INTERP = {"NEG", "N", "ND", "NEGATIVE", "ABSENT"}
_POS_INTERP = {"POS", "A", "DET", "POSITIVE", "PRESENT", "H", "L"}
_AGE_CODES = {("SNOMEDCT", "424144002"), ("LOINC", "30525-0"), ("SNOMEDCT", "397659008")}
_SEX_OBS = {("LOINC", "76689-9"), ("LOINC", "46098-0"), ("SNOMEDCT", "734000001")}
_DISEASE_ORDER = ("OMIM", "MONDO", "ORPHA")
_SILENT = {"resourceType", "id", "meta", "text"}


def _d(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _codings(cc: Any) -> list[dict[str, Any]]:
    if not isinstance(cc, dict):
        return []
    return [c for c in _as_list(cc.get("coding")) if isinstance(c, dict)]


def _keys(cc: Any) -> set[tuple[str, str]]:
    """(prefix or system, code) pairs of a CodeableConcept."""
    out = set()
    for c in _codings(cc):
        code = c.get("code")
        if not isinstance(code, str):
            continue
        system = str(c.get("system") or "").rstrip("/").lower()
        out.add((T.SYSTEM_PREFIX.get(system, system), code))
    return out


def _oc(cd: dict[str, Any]) -> dict[str, str] | None:
    curie = T.curie_of(cd)
    if not curie:
        return None
    out = {"id": curie}
    label = cd.get("display")
    if isinstance(label, str) and label:
        out["label"] = label
    return out


def _first_oc(cc: Any, prefer: tuple[str, ...] = ()) -> tuple[dict[str, str] | None, list[dict[str, Any]]]:
    """The ontology class of a CodeableConcept (preferred prefixes first) and the codings left over."""
    cds = _codings(cc)
    ranked: list[tuple[int, int, dict[str, str]]] = []
    for i, cd in enumerate(cds):
        oc = _oc(cd)
        if oc:
            prefix = oc["id"].split(":", 1)[0].upper()
            rank = prefer.index(prefix) if prefix in prefer else len(prefer)
            ranked.append((rank, i, oc))
    if not ranked:
        return None, cds
    ranked.sort(key=lambda t: (t[0], t[1]))
    best_i = ranked[0][1]
    oc = ranked[0][2]
    if "label" not in oc and isinstance(cc, dict) and isinstance(cc.get("text"), str) and cc["text"]:
        oc["label"] = cc["text"]
    return oc, [cd for i, cd in enumerate(cds) if i != best_i]


def _ref_key(ref: Any) -> str | None:
    if isinstance(ref, dict):
        ref = ref.get("reference")
    return ref if isinstance(ref, str) and ref else None


@dataclass
class _Res:
    """One resource of the input with where it is."""

    data: dict[str, Any]
    pointer: str
    full_url: str | None = None

    @property
    def type(self) -> str:
        return str(self.data.get("resourceType", ""))

    @property
    def label(self) -> str:
        rid = self.data.get("id")
        return f"{self.type}/{rid}" if rid else self.type


@dataclass
class _Packet:
    """A phenopacket being assembled (camelCase JSON) for one Patient."""

    key: str
    data: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    has_meta: bool = False
    source: str = ""


class _Reader:
    def __init__(self, tree: dict[str, Any], source: str, options: ConvertOptions) -> None:
        self.tree = tree
        self.source = source
        self.options = options
        self.sev = options.severity(Severity.WARNING)
        self.resources: list[_Res] = []
        self.by_ref: dict[str, _Res] = {}
        self.loose: list[Issue] = []
        self.packets: dict[str, _Packet] = {}
        self.patient_of: dict[int, str] = {}  # id(_Res of Patient) → packet key
        self.used: set[int] = set()  # id(_Res) of resources consumed through another (variants, implications)
        self.extra: list[Converted] = []
        self.phenotk_made = False  # a Bundle phenotk wrote: no guessing of values it would have written

    # ------------------------------------------------------------------ findings
    def issue(
        self,
        code: str,
        rule: str,
        message: str,
        pointer: str,
        sev: Severity | None = None,
        pk: _Packet | None = None,
        **context: Any,
    ) -> None:
        item = Issue(
            code=RULES.get(rule, code),
            rule=rule,
            severity=sev or self.sev,
            message=message,
            pointer=pointer,
            context=context,
        )
        (pk.issues if pk else self.loose).append(item)

    def unmapped_element(self, res: _Res, key: str, pk: _Packet | None, why: str = "") -> None:
        path = res.type + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in key.split("/"))
        ptr = f"{res.pointer}/{key}"
        self.issue(
            CODE_UNMAPPED_ELEMENT,
            "fhir-unmapped-element",
            f"{path} ({res.label}) is not carried into the phenopacket{': ' + why if why else ''}",
            ptr,
            pk=pk,
            fhir_path=path,
        )

    def leftovers(self, res: _Res, consumed: set[str], pk: _Packet | None) -> None:
        for key in res.data:
            if key not in consumed and key not in _SILENT and not key.startswith("_"):
                self.unmapped_element(res, key, pk)

    def extensions(self, res: _Res, known: dict[str, Any], pk: _Packet | None, key: str = "extension") -> None:
        for i, ext in enumerate(_as_list(res.data.get(key))):
            url = ext.get("url") if isinstance(ext, dict) else None
            if isinstance(url, str) and url in known:
                try:
                    known[url](ext)
                    continue
                except (KeyError, TypeError, ValueError, AttributeError):
                    pass
            path = f"{res.type}.{key}[{i}]"
            self.issue(
                CODE_UNMAPPED_ELEMENT,
                "fhir-unmapped-element",
                f"{path} ({res.label}) with url {url!r} is not carried into the phenopacket",
                f"{res.pointer}/{key}/{i}",
                pk=pk,
                fhir_path=path,
            )

    # ------------------------------------------------------------------ indexing
    def collect(self) -> None:
        rt = self.tree.get("resourceType")
        if rt == "Bundle":
            for i, entry in enumerate(_as_list(self.tree.get("entry"))):
                if not isinstance(entry, dict) or not isinstance(entry.get("resource"), dict):
                    self.issue(
                        CODE_UNMAPPED_ELEMENT,
                        "fhir-unmapped-element",
                        f"Bundle.entry[{i}] has no resource",
                        f"/entry/{i}",
                    )
                    continue
                full = entry.get("fullUrl") if isinstance(entry.get("fullUrl"), str) else None
                self.resources.append(_Res(entry["resource"], f"/entry/{i}/resource", full))
        else:
            self.resources.append(_Res(self.tree, ""))
        for res in self.resources:
            rid = res.data.get("id")
            if res.full_url:
                self.by_ref[res.full_url] = res
            if isinstance(rid, str):
                self.by_ref.setdefault(f"{res.type}/{rid}", res)
                self.by_ref.setdefault(f"urn:uuid:{rid}", res)
                self.by_ref.setdefault(rid, res)

    def resolve(self, ref: Any) -> _Res | None:
        key = _ref_key(ref)
        if key is None:
            return None
        hit = self.by_ref.get(key)
        if hit is None and "/" in key:
            parts = key.rstrip("/").split("/")
            if len(parts) >= 2:
                hit = self.by_ref.get(f"{parts[-2]}/{parts[-1]}")
        if hit is None and key.startswith("#"):
            hit = None  # contained resources are not followed
        return hit

    def packet_for(self, res: _Res, ref_key: str = "subject") -> _Packet | None:
        """The packet of the Patient a resource is about (created for a referenced but absent Patient)."""
        ref = res.data.get(ref_key)
        target = self.resolve(ref)
        if target is not None and target.type == "Patient":
            return self.packets.get(self.patient_of.get(id(target), ""))
        key = _ref_key(ref)
        if key and (key.startswith("Patient/") or "/Patient/" in key or key.startswith("urn:uuid:")):
            pid = key.rstrip("/").split("/")[-1].split(":")[-1]
            pk_key = f"ref:{key}"
            if pk_key not in self.packets:
                pk = _Packet(pk_key, {"id": pid, "subject": {"id": pid}}, source=f"{self.source}#{key}")
                self.packets[pk_key] = pk
                self.issue(
                    CODE_NO_PATIENT,
                    "fhir-missing-patient",
                    f"{key} is referenced but not in the input; its phenopacket only has the subject id",
                    f"{res.pointer}/{ref_key}",
                    sev=Severity.INFO,
                    pk=pk,
                )
            return self.packets[pk_key]
        if key is None and len(self.packets) == 1:
            return next(iter(self.packets.values()))
        return None

    def patients(self) -> list[str]:
        return [k for k in self.packets if not k.startswith("ref:")]

    # ------------------------------------------------------------------ run
    def run(self) -> list[Converted]:
        self.collect()
        ident = self.tree.get("identifier") if self.tree.get("resourceType") == "Bundle" else None
        self.phenotk_made = isinstance(ident, dict) and ident.get("system") in (T.ID_PHENOPACKET, T.ID_FAMILY)
        for res in self.resources:
            if res.type == "Patient":
                self.patient(res)
        bundle_id = None
        if self.tree.get("resourceType") == "Bundle":
            ident = self.tree.get("identifier")
            if isinstance(ident, dict) and ident.get("system") == T.ID_PHENOPACKET and len(self.packets) == 1:
                bundle_id = ident.get("value")
        if bundle_id:
            next(iter(self.packets.values())).data["id"] = bundle_id
        handlers = {
            "Observation": self.observation,
            "Condition": self.condition,
            "DiagnosticReport": self.report,
            "Provenance": self.provenance,
            "DocumentReference": self.document_reference,
            "Specimen": self.specimen,
            "FamilyMemberHistory": self.family_member_history,
        }
        # reports first, so variant/implication observations they use are not read twice
        order = sorted(self.resources, key=lambda r: 0 if r.type == "DiagnosticReport" else 1)
        for res in order:
            if res.type == "Patient" or id(res) in self.used:
                continue
            handler = handlers.get(res.type)
            if handler is None:
                self.unmapped_resource(res, self.packet_for(res) if "subject" in res.data else None)
            else:
                handler(res)
        return self.finish()

    def unmapped_resource(self, res: _Res, pk: _Packet | None, why: str = "") -> None:
        self.issue(
            CODE_UNMAPPED_RESOURCE,
            "fhir-unmapped-resource",
            f"{res.label} is not carried into the phenopacket{': ' + why if why else ''}",
            res.pointer,
            pk=pk,
            fhir_path=res.type,
        )

    # ------------------------------------------------------------------ Patient
    def patient(self, res: _Res) -> None:
        d = res.data
        rid = d.get("id") if isinstance(d.get("id"), str) else None
        subject: dict[str, Any] = {}
        key = f"patient:{len(self.packets)}"
        pk = _Packet(key, {"subject": subject}, source=f"{self.source}#{res.label}")
        self.packets[key] = pk
        self.patient_of[id(res)] = key
        alt = []
        others: list[tuple[int, dict[str, Any]]] = []
        for i, ident in enumerate(_as_list(d.get("identifier"))):
            if not isinstance(ident, dict):
                continue
            if ident.get("system") == T.ID_INDIVIDUAL and ident.get("value"):
                subject["id"] = ident["value"]
            elif ident.get("system") == T.ID_ALTERNATE and ident.get("value"):
                alt.append(ident["value"])
            else:
                others.append((i, ident))
        if "id" not in subject and rid:
            subject["id"] = rid
        for i, ident in others:
            if "id" not in subject and isinstance(ident.get("value"), str) and ident["value"]:
                subject["id"] = ident["value"]  # a Patient without id: its first identifier names the subject
            else:
                self.unmapped_element(res, f"identifier/{i}", pk, "the subject is named by one id only")
        if alt:
            subject["alternateIds"] = alt
        if "id" not in subject:
            subject["id"] = f"patient-{len(self.packets)}"
        pk.data["id"] = subject["id"]
        gender = d.get("gender")
        if isinstance(gender, str):
            if gender in _SEX:
                subject["sex"] = _SEX[gender]
            else:
                self.issue(
                    CODE_BAD_VALUE,
                    "fhir-bad-value",
                    f"Patient.gender {gender!r} is not a FHIR gender code",
                    f"{res.pointer}/gender",
                    pk=pk,
                )
        birth = d.get("birthDate")
        if isinstance(birth, str):
            subject["dateOfBirth"] = timeel._date_time(birth)
        for ext in _as_list(
            (d.get("_birthDate") or {}).get("extension") if isinstance(d.get("_birthDate"), dict) else None
        ):
            if isinstance(ext, dict) and ext.get("url") == T.EXT_BIRTH_TIME and ext.get("valueDateTime"):
                subject["dateOfBirth"] = ext["valueDateTime"]
        vital: dict[str, Any] = {}
        if isinstance(d.get("deceasedBoolean"), bool):
            vital["status"] = "DECEASED" if d["deceasedBoolean"] else "ALIVE"
        if isinstance(d.get("deceasedDateTime"), str):
            vital["status"] = "DECEASED"
            vital["timeOfDeath"] = {"timestamp": timeel._date_time(d["deceasedDateTime"])}

        def time_ext(target: dict[str, Any], name: str) -> Any:
            def apply(ext: dict[str, Any]) -> None:
                val = timeel.choice(ext, "value")
                te = timeel.from_fhir(*val) if val else None
                if te is None:
                    raise ValueError
                target[name] = te

            return apply

        def set_vs(name: str, value: Any) -> None:
            vital[name] = value

        known = {
            T.EXT_TIME_AT_LAST_ENCOUNTER: time_ext(subject, "timeAtLastEncounter"),
            T.EXT_TIME_OF_DEATH: time_ext(vital, "timeOfDeath"),
            T.EXT_GENDER_IDENTITY: lambda e: subject.__setitem__("gender", self.oc_strict(e["valueCodeableConcept"])),
            T.EXT_CAUSE_OF_DEATH: lambda e: set_vs("causeOfDeath", self.oc_strict(e["valueCodeableConcept"])),
            T.EXT_SURVIVAL_DAYS: lambda e: set_vs("survivalTimeInDays", int(e["valueUnsignedInt"])),
            T.EXT_VITAL_STATUS_UNKNOWN: lambda e: set_vs("status", "UNKNOWN_STATUS"),
            T.EXT_KARYOTYPIC_SEX: lambda e: subject.__setitem__("karyotypicSex", str(e["valueCode"])),
            T.EXT_TAXONOMY: lambda e: subject.__setitem__("taxonomy", self.oc_strict(e["valueCodeableConcept"])),
        }
        self.extensions(res, known, pk)
        if vital:
            subject["vitalStatus"] = vital
        self.leftovers(
            res, {"identifier", "gender", "birthDate", "deceasedBoolean", "deceasedDateTime", "extension"}, pk
        )

    def oc_strict(self, cc: Any) -> dict[str, str]:
        oc, _ = _first_oc(cc)
        if oc is None:
            raise ValueError("no code")
        return oc

    # ------------------------------------------------------------------ Observation
    def observation(self, res: _Res) -> None:
        d = res.data
        code = d.get("code")
        keys = _keys(code)
        profiles = _as_list((d.get("meta") or {}).get("profile")) if isinstance(d.get("meta"), dict) else []
        pk = self.packet_for(res)
        if ("LOINC", T.LOINC_VARIANT) in keys or T.PROFILE_VARIANT in profiles:
            self.lone_genomic(res, pk, variant=res)
            return
        if ("gr_tbd", "diagnostic-implication") in keys or any(k[1] == "diagnostic-implication" for k in keys):
            self.lone_genomic(res, pk, implication=res)
            return
        hpo = [cd for cd in _codings(code) if T.is_hpo(cd)]
        if hpo or T.PROFILE_FEATURE in profiles:
            if pk is None:
                self.unmapped_resource(res, None, "no Patient to attach it to")
                return
            self.feature_from_observation(res, pk)
            return
        if pk is not None and keys & _AGE_CODES:
            val = timeel.choice(d, "value")
            te = timeel.from_fhir(*val) if val else None
            if te:
                pk.data.setdefault("subject", {})["timeAtLastEncounter"] = te
                self.leftovers(
                    res, {"code", "subject", "status", "category"} | {f"value{val[0]}"} if val else set(), pk
                )
                return
        if pk is not None:
            sex = None
            if keys & _SEX_OBS:
                val = d.get("valueCodeableConcept")
                for cd in _codings(val):
                    sex = _SEX.get(str(cd.get("code", "")).lower()) or _PATO_SEX.get(T.curie_of(cd) or "")
            else:
                for cd in _codings(code):
                    sex = sex or _PATO_SEX.get(T.curie_of(cd) or "")
            if sex:
                subject = pk.data.setdefault("subject", {})
                if subject.get("sex", "UNKNOWN_SEX") not in ("UNKNOWN_SEX", sex):
                    self.issue(
                        CODE_BAD_VALUE,
                        "fhir-conflicting-sex",
                        f"{res.label} says {sex} but Patient.gender says {subject['sex']}; kept the latter",
                        res.pointer,
                        pk=pk,
                    )
                else:
                    subject["sex"] = sex
                self.leftovers(res, {"code", "subject", "status", "category", "valueCodeableConcept"}, pk)
                return
        is_lab = any(k[1] in ("laboratory", "vital-signs") for cc in _as_list(d.get("category")) for k in _keys(cc))
        gr = any(isinstance(p, str) and T.GR in p for p in profiles)
        if pk is not None and (
            T.PROFILE_MEASUREMENT in profiles
            or "valueQuantity" in d
            or (not gr and "valueCodeableConcept" in d and (is_lab or any(k[0] == "LOINC" for k in keys)))
        ):
            self.measurement(res, pk)
            return
        self.unmapped_resource(res, pk, "not a phenotype (no HPO code), measurement, variant or genomic implication")

    def measurement(self, res: _Res, pk: _Packet) -> None:
        d = res.data
        oc, rest = _first_oc(d.get("code"), ("LOINC",))
        if oc is None:
            self.unmapped_resource(res, pk, "Observation.code has no coding with a known system or CURIE code")
            return
        m: dict[str, Any] = {"assay": oc}
        consumed = {"code", "subject", "status", "category", "note", "extension"}
        if rest:
            self.unmapped_element(res, "code/coding", pk, f"{len(rest)} further coding(s) besides {oc['id']}")

        def unit_of(q: dict[str, Any]) -> dict[str, str]:
            code, system = q.get("code"), q.get("system")
            label = q.get("unit") if isinstance(q.get("unit"), str) else None
            uid = T.curie_of({"system": system, "code": code}) if isinstance(code, str) else None
            if uid is None and isinstance(code, str):
                uid = f"UCUM:{code}" if system == T.UCUM or system is None else code
            return {"id": uid or (label or ""), "label": label or str(code or "")}

        if isinstance(d.get("valueQuantity"), dict) and isinstance(d["valueQuantity"].get("value"), (int, float)):
            consumed.add("valueQuantity")
            q = d["valueQuantity"]
            quantity: dict[str, Any] = {"unit": unit_of(q), "value": q["value"]}
            ranges = _as_list(d.get("referenceRange"))
            if ranges:
                consumed.add("referenceRange")
                low, high = _d(_d(ranges[0]).get("low")), _d(_d(ranges[0]).get("high"))
                if isinstance(low.get("value"), (int, float)) and isinstance(high.get("value"), (int, float)):
                    quantity["referenceRange"] = {"unit": unit_of(low), "low": low["value"], "high": high["value"]}
                else:
                    self.unmapped_element(res, "referenceRange/0", pk, "a phenopacket range needs low and high")
                for i in range(1, len(ranges)):
                    self.unmapped_element(res, f"referenceRange/{i}", pk, "one reference range per value")
            m["value"] = {"quantity": quantity}
        elif "valueCodeableConcept" in d:
            voc, _ = _first_oc(d["valueCodeableConcept"])
            if voc:
                consumed.add("valueCodeableConcept")
                m["value"] = {"ontologyClass": voc}
        for base in ("effectiveDateTime", "effectivePeriod", "effectiveInstant"):
            if base in d:
                te = timeel.from_fhir("DateTime" if base != "effectivePeriod" else "Period", d[base])
                if te:
                    consumed.add(base)
                    m["timeObserved"] = te
        notes = [str(n["text"]) for n in _as_list(d.get("note")) if isinstance(n, dict) and n.get("text")]
        if notes:
            m["description"] = "\n".join(notes)
        self.extensions(res, {T.EXT_TIME_OBSERVED: self.time_into(m, "timeObserved")}, pk)
        self.leftovers(res, consumed, pk)
        pk.data.setdefault("measurements", []).append(m)

    def presence(self, res: _Res, pk: _Packet, consumed: set[str]) -> bool:
        """True when the observation says the feature is absent (value or interpretation)."""
        d = res.data
        excluded = None
        if "valueCodeableConcept" in d:
            consumed.add("valueCodeableConcept")
            cc = d["valueCodeableConcept"]
            keys = _keys(cc)
            text = str(cc.get("text", "")).strip().lower() if isinstance(cc, dict) else ""
            if keys & _ABSENT or text in ("absent", "no", "not present", "negative", "excluded"):
                excluded = True
            elif keys & _PRESENT or text in ("present", "yes", "positive", "observed"):
                excluded = False
            else:
                self.unmapped_element(res, "valueCodeableConcept", pk, "not a presence/absence code; read as present")
        if isinstance(d.get("valueBoolean"), bool):
            consumed.add("valueBoolean")
            excluded = not d["valueBoolean"]
        if "interpretation" in d:
            consumed.add("interpretation")
            for cc in _as_list(d["interpretation"]):
                codes = {str(c).upper() for _, c in _keys(cc)}
                text = str(cc.get("text", "")).strip().lower() if isinstance(cc, dict) else ""
                if codes & _NEG_INTERP or text in ("not present", "absent", "negative"):
                    excluded = True if excluded is None else excluded
                elif codes & _POS_INTERP or text in ("present", "positive"):
                    excluded = False if excluded is None else excluded
        return bool(excluded)

    def evidence_ext(self, target: dict[str, Any]) -> Any:
        def apply(ext: dict[str, Any]) -> None:
            ev: dict[str, Any] = {}
            ref: dict[str, Any] = {}
            for sub in _as_list(ext.get("extension")):
                url = sub.get("url")
                if url == "code":
                    ev["evidenceCode"] = self.oc_strict(sub["valueCodeableConcept"])
                elif url == "referenceId":
                    ref["id"] = sub["valueString"]
                elif url == "reference":
                    ref["reference"] = sub["valueUri"]
                elif url == "description":
                    ref["description"] = sub["valueString"]
            if ref:
                ev["reference"] = ref
            target.setdefault("evidence", []).append(ev)

        return apply

    def time_into(self, target: dict[str, Any], name: str) -> Any:
        def apply(ext: dict[str, Any]) -> None:
            val = timeel.choice(ext, "value")
            te = timeel.from_fhir(*val) if val else None
            if te is None:
                raise ValueError
            target[name] = te

        return apply

    def feature_from_observation(self, res: _Res, pk: _Packet) -> None:
        d = res.data
        feat: dict[str, Any] = {}
        oc, rest = _first_oc(d.get("code"), ("HP",))
        if oc is None:
            self.unmapped_resource(res, pk, "Observation.code has no coding with a known system or CURIE code")
            return
        feat["type"] = oc
        self.note_versions(pk, d.get("code"))
        consumed = {"code", "subject", "status", "category", "extension", "note", "component"}
        if rest:
            self.unmapped_element(res, "code/coding", pk, f"{len(rest)} further coding(s) besides {oc and oc['id']}")
        if self.presence(res, pk, consumed):
            feat["excluded"] = True
        self.extensions(
            res,
            {
                T.EXT_ONSET: self.time_into(feat, "onset"),
                T.EXT_RESOLUTION: self.time_into(feat, "resolution"),
                T.EXT_EVIDENCE: self.evidence_ext(feat),
            },
            pk,
        )
        notes = [str(n["text"]) for n in _as_list(d.get("note")) if isinstance(n, dict) and n.get("text")]
        if notes:
            feat["description"] = "\n".join(notes)
        for i, comp in enumerate(_as_list(d.get("component"))):
            ckeys = _keys(comp.get("code")) if isinstance(comp, dict) else set()
            codes = {c for _, c in ckeys}
            val = comp.get("valueCodeableConcept") if isinstance(comp, dict) else None
            voc, _ = _first_oc(val)
            if T.HP_SEVERITY in codes and voc:
                feat["severity"] = voc
            elif T.HP_MODIFIER in codes and voc:
                feat.setdefault("modifiers", []).append(voc)
            else:
                self.unmapped_element(res, f"component/{i}", pk, "only severity and modifier components are read")
        if "effectiveDateTime" in d or "effectivePeriod" in d:
            key = "effectiveDateTime" if "effectiveDateTime" in d else "effectivePeriod"
            consumed.add(key)
            self.unmapped_element(res, key, pk, "a phenopacket feature has no observation time (onset is not implied)")
        self.leftovers(res, consumed, pk)
        pk.data.setdefault("phenotypicFeatures", []).append(feat)

    # ------------------------------------------------------------------ Condition
    def condition(self, res: _Res) -> None:
        d = res.data
        pk = self.packet_for(res)
        if pk is None:
            self.unmapped_resource(res, None, "no Patient to attach it to")
            return
        consumed = {"code", "subject", "verificationStatus", "extension", "meta"}
        ver = {c for _, c in _keys(d.get("verificationStatus"))}
        if "entered-in-error" in ver:
            self.unmapped_resource(res, pk, "verificationStatus is entered-in-error")
            return
        excluded = "refuted" in ver
        hpo = any(T.is_hpo(cd) for cd in _codings(d.get("code")))
        item: dict[str, Any] = {}
        self.note_versions(pk, d.get("code"))
        if hpo:
            oc, rest = _first_oc(d.get("code"), ("HP",))
            item["type"] = oc
            if "severity" in d:
                consumed.add("severity")
                sev, _ = _first_oc(d["severity"])
                if sev:
                    item["severity"] = sev
                else:
                    self.unmapped_element(res, "severity", pk, "no coded severity")
            if "note" in d:
                consumed.add("note")
                notes = [str(n["text"]) for n in _as_list(d["note"]) if isinstance(n, dict) and n.get("text")]
                if notes:
                    item["description"] = "\n".join(notes)
        else:
            oc, rest = _first_oc(d.get("code"), _DISEASE_ORDER)
            if oc is None:
                self.unmapped_resource(res, pk, "Condition.code has no coding with a known system or CURIE code")
                return
            item["term"] = oc
            if "stage" in d:
                consumed.add("stage")
                for i, st in enumerate(_as_list(d["stage"])):
                    soc, _ = _first_oc(st.get("summary") if isinstance(st, dict) else None)
                    tnm = ("SNOMEDCT", T.TNM_STAGE[0]) in _keys(_d(st).get("type"))
                    if soc:
                        item.setdefault("clinicalTnmFinding" if tnm else "diseaseStage", []).append(soc)
                    else:
                        self.unmapped_element(res, f"stage/{i}", pk, "no coded stage summary")
            sites = _as_list(d.get("bodySite"))
            if sites:
                consumed.add("bodySite")
                soc, _ = _first_oc(sites[0])
                if soc:
                    item["primarySite"] = soc
                for i in range(1 if soc else 0, len(sites)):
                    self.unmapped_element(res, f"bodySite/{i}", pk, "a disease has one primary site")
        if rest:
            self.unmapped_element(res, "code/coding", pk, f"{len(rest)} further coding(s) besides {oc and oc['id']}")
        if excluded:
            item["excluded"] = True
        for base, name in (("onset", "onset"), ("abatement", "resolution")):
            val = timeel.choice(d, base)
            if val:
                consumed.add(base + val[0])
                te = timeel.from_fhir(*val)
                if te:
                    item[name] = te
                else:
                    self.unmapped_element(res, base + val[0], pk, "not expressible as a phenopacket time element")
        known: dict[str, Any] = {
            T.EXT_ONSET: self.time_into(item, "onset"),
            T.EXT_RESOLUTION: self.time_into(item, "resolution"),
        }
        if not hpo:
            known[T.EXT_LATERALITY] = lambda e: item.__setitem__(
                "laterality", self.oc_strict(e["valueCodeableConcept"])
            )
        self.extensions(res, known, pk)
        self.leftovers(res, consumed, pk)
        pk.data.setdefault("phenotypicFeatures" if hpo else "diseases", []).append(item)

    # ------------------------------------------------------------------ genomics
    def variant(self, res: _Res, pk: _Packet | None) -> dict[str, Any]:
        d = res.data
        self.used.add(id(res))
        vd: dict[str, Any] = {}
        for ident in _as_list(d.get("identifier")):
            if isinstance(ident, dict) and ident.get("system") == T.ID_VARIATION and ident.get("value"):
                vd["id"] = ident["value"]
        if "id" not in vd and not self.phenotk_made:  # phenotk writes the id when the packet has one
            vd["id"] = str(d.get("id") or f"variant-{len(self.used)}")
        exprs: list[dict[str, Any]] = []
        vcf: dict[str, Any] = {}
        zero_based = False

        def set_label(e: dict[str, Any]) -> None:
            vd["label"] = e["valueString"]

        def set_ctx(e: dict[str, Any]) -> None:
            vd["moleculeContext"] = e["valueCode"]

        placed: list[tuple[int, dict[str, Any]]] = []

        def add_expr(e: dict[str, Any]) -> None:
            subs = [s for s in _as_list(e.get("extension")) if isinstance(s, dict)]
            parts = {str(s.get("url")): s.get("valueString") for s in subs}
            ex = {"syntax": parts["syntax"], "value": parts["value"]}
            if parts.get("version"):
                ex["version"] = parts["version"]
            pos = next((s.get("valueInteger") for s in subs if s.get("url") == "position"), None)
            placed.append((pos if isinstance(pos, int) else 1 << 30, ex))

        self.extensions(
            res, {T.EXT_VARIATION_LABEL: set_label, T.EXT_MOLECULE_CONTEXT: set_ctx, T.EXT_EXPRESSION: add_expr}, pk
        )
        for i, comp in enumerate(_as_list(d.get("component"))):
            if not isinstance(comp, dict):
                continue
            codes = {c for _, c in _keys(comp.get("code"))}
            cc = comp.get("valueCodeableConcept")
            cds = _codings(cc)
            text = cc.get("text") if isinstance(cc, dict) else None
            handled = True
            if codes & set(T.LOINC_HGVS):
                syntax = T.LOINC_HGVS[next(iter(codes & set(T.LOINC_HGVS)))]
                for cd in cds[:1]:
                    ex = {"syntax": syntax, "value": cd.get("code")}
                    if cd.get("version"):
                        ex["version"] = cd["version"]
                    exprs.append(ex)
                if not cds and isinstance(comp.get("valueString"), str):
                    exprs.append({"syntax": syntax, "value": comp["valueString"]})
            elif T.C_GENE in codes and cds:
                gene: dict[str, Any] = {"valueId": T.curie_of(cds[0]) or ""}
                if cds[0].get("display"):
                    gene["symbol"] = cds[0]["display"]
                vd["geneContext"] = gene
            elif T.C_ALLELIC_STATE in codes and cds:
                state = None
                for cd in cds:
                    curie = T.curie_of(cd)
                    if curie and curie.startswith("GENO:"):
                        state = {"id": curie, **({"label": cd["display"]} if cd.get("display") else {})}
                        break
                if state is None:
                    for cd in cds:
                        if isinstance(cd.get("code"), str) and cd["code"] in T.LOINC_GENO:
                            geno, label = T.LOINC_GENO[cd["code"]]
                            state = {"id": geno, "label": label}
                if state:
                    vd["allelicState"] = state
                else:
                    handled = False
            elif T.C_ASSEMBLY in codes:
                names = {c: n for c, n in ((v[0], v[1]) for v in T.ASSEMBLY_LOINC.values())}
                vcf["genomeAssembly"] = text or next((names.get(str(cd.get("code")), "") for cd in cds), "")
            elif T.C_CHROMOSOME in codes:
                vcf["chrom"] = text or next((cd.get("display") or cd.get("code") for cd in cds), "")
            elif T.C_COORD_SYSTEM in codes:
                zero_based = any(cd.get("code") == "LA30100-4" for cd in cds)
            elif T.C_ALLELE_RANGE in codes and isinstance(comp.get("valueRange"), dict):
                low = _d(_d(comp["valueRange"]).get("low")).get("value")
                if isinstance(low, (int, float)):
                    vcf["pos"] = int(low)
            elif T.C_REF_ALLELE in codes:
                vcf["ref"] = comp.get("valueString") or text or ""
            elif T.C_ALT_ALLELE in codes:
                vcf["alt"] = comp.get("valueString") or text or ""
            elif T.C_CHANGE_TYPE in codes:
                soc, _ = _first_oc(cc)
                if soc:
                    vd["structuralType"] = soc
                else:
                    handled = False
            else:
                handled = False
            if not handled:
                label = str(next((cd.get("display") or cd.get("code") for cd in _codings(comp.get("code"))), "?"))
                self.unmapped_element(res, f"component/{i}", pk, f"component {label!r} has no phenopacket field")
        for pos, ex in sorted(placed, key=lambda t: t[0]):
            exprs.insert(min(pos, len(exprs)), ex)
        if zero_based and "pos" in vcf:
            vcf["pos"] += 1
        if exprs:
            vd["expressions"] = exprs
        if vcf:
            vd["vcfRecord"] = vcf
        self.leftovers(
            res,
            {"identifier", "extension", "component", "code", "subject", "status", "category", "valueCodeableConcept"},
            pk,
        )
        return vd

    def implication(self, res: _Res, pk: _Packet | None, subject_id: str) -> dict[str, Any]:
        d = res.data
        self.used.add(id(res))
        gi: dict[str, Any] = {"subjectOrBiosampleId": subject_id, "interpretationStatus": "UNKNOWN_STATUS"}
        vi: dict[str, Any] = {}

        def set_status(e: dict[str, Any]) -> None:
            gi["interpretationStatus"] = e["valueCode"]

        def set_sob(e: dict[str, Any]) -> None:
            gi["subjectOrBiosampleId"] = e["valueString"]

        def set_ta(e: dict[str, Any]) -> None:
            vi["therapeuticActionability"] = e["valueCode"]

        self.extensions(
            res,
            {T.EXT_INTERPRETATION_STATUS: set_status, T.EXT_SUBJECT_OR_BIOSAMPLE: set_sob, T.EXT_THERAPEUTIC: set_ta},
            pk,
        )
        for i, comp in enumerate(_as_list(d.get("component"))):
            codes = {c for _, c in _keys(comp.get("code"))} if isinstance(comp, dict) else set()
            if T.C_ACMG in codes:
                vcodes = [c for _, c in _keys(comp.get("valueCodeableConcept"))]
                acmg = next((T.LOINC_ACMG[c] for c in vcodes if c in T.LOINC_ACMG), None)
                if acmg is None:
                    text = str(_d(comp.get("valueCodeableConcept")).get("text", "")).upper().replace(" ", "_")
                    acmg = text if text in T.ACMG_LOINC else None
                if acmg:
                    vi["acmgPathogenicityClassification"] = acmg
                    continue
            elif T.C_PHENOTYPE in codes:
                continue  # the report's conclusionCode carries the diagnosis
            elif T.C_GENE in codes:
                cds = _codings(comp.get("valueCodeableConcept"))
                if cds and T.curie_of(cds[0]):
                    gi["gene"] = {
                        "valueId": T.curie_of(cds[0]),
                        **({"symbol": cds[0]["display"]} if cds[0].get("display") else {}),
                    }
                    continue
            self.unmapped_element(res, f"component/{i}", pk, "only the ACMG class component is read")
        for i, ref in enumerate(_as_list(d.get("derivedFrom"))):
            target = self.resolve(ref)
            if target is not None and target.type == "Observation" and "variationDescriptor" not in vi:
                vi["variationDescriptor"] = self.variant(target, pk)
            else:
                self.unmapped_element(res, f"derivedFrom/{i}", pk, "not a variant Observation in this input")
        if vi:
            vi.setdefault("acmgPathogenicityClassification", "NOT_PROVIDED")
            gi["variantInterpretation"] = vi
            if gi.pop("gene", None) is not None:  # a genomic interpretation calls a gene or a variant, not both
                self.unmapped_element(res, "component", pk, "gene studied kept on the variant only")
        self.leftovers(res, {"extension", "component", "derivedFrom", "code", "subject", "status", "category"}, pk)
        return gi

    def lone_genomic(
        self, res: _Res, pk: _Packet | None, variant: _Res | None = None, implication: _Res | None = None
    ) -> None:
        if pk is None:
            self.unmapped_resource(res, None, "no Patient to attach it to")
            return
        sid = pk.data.get("subject", {}).get("id", "")
        if implication is not None:
            gi = self.implication(implication, pk, sid)
        else:
            assert variant is not None
            gi = {
                "subjectOrBiosampleId": sid,
                "interpretationStatus": "UNKNOWN_STATUS",
                "variantInterpretation": {"variationDescriptor": self.variant(variant, pk)},
            }
        self.issue(
            CODE_UNMAPPED_ELEMENT,
            "fhir-variant-without-report",
            f"{res.label} is not part of a DiagnosticReport; read as an interpretation without diagnosis",
            res.pointer,
            sev=Severity.INFO,
            pk=pk,
        )
        interp = {
            "id": str(res.data.get("id") or f"interpretation-{len(pk.data.get('interpretations', [])) + 1}"),
            "progressStatus": "UNKNOWN_PROGRESS",
            "diagnosis": {"genomicInterpretations": [gi]},
        }
        pk.data.setdefault("interpretations", []).append(interp)

    def report(self, res: _Res) -> None:
        d = res.data
        pk = self.packet_for(res)
        if pk is None:
            self.unmapped_resource(res, None, "no Patient to attach it to")
            return
        sid = pk.data.get("subject", {}).get("id", "")
        interp: dict[str, Any] = {"progressStatus": "UNKNOWN_PROGRESS"}
        for ident in _as_list(d.get("identifier")):
            if isinstance(ident, dict) and ident.get("system") == T.ID_INTERPRETATION and ident.get("value"):
                interp["id"] = ident["value"]
        interp.setdefault("id", str(d.get("id") or f"interpretation-{len(pk.data.get('interpretations', [])) + 1}"))

        def set_progress(e: dict[str, Any]) -> None:
            interp["progressStatus"] = e["valueCode"]

        self.extensions(res, {T.EXT_PROGRESS_STATUS: set_progress}, pk)
        diagnosis: dict[str, Any] = {}
        codes = _as_list(d.get("conclusionCode"))
        if codes:
            oc, _ = _first_oc(codes[0], _DISEASE_ORDER)
            if oc:
                diagnosis["disease"] = oc
            for i in range(1 if oc else 0, len(codes)):
                self.unmapped_element(res, f"conclusionCode/{i}", pk, "an interpretation has one diagnosis")
        gis: list[dict[str, Any]] = []
        results = [(i, self.resolve(r)) for i, r in enumerate(_as_list(d.get("result")))]
        implied: set[int] = set()
        for _i, target in results:
            if target is not None and self.is_implication(target):
                for ref in _as_list(target.data.get("derivedFrom")):
                    t = self.resolve(ref)
                    if t is not None:
                        implied.add(id(t))
        for i, target in results:
            if target is None:
                self.unmapped_element(res, f"result/{i}", pk, "the referenced resource is not in this input")
            elif self.is_implication(target):
                gis.append(self.implication(target, pk, sid))
            elif self.is_variant(target) and id(target) not in implied:
                gis.append(
                    {
                        "subjectOrBiosampleId": sid,
                        "interpretationStatus": "UNKNOWN_STATUS",
                        "variantInterpretation": {"variationDescriptor": self.variant(target, pk)},
                    }
                )
            # other results (PGx, HLA, region studied, …) are reported when their turn comes
        if gis:
            diagnosis["genomicInterpretations"] = gis
        if not diagnosis and not gis:
            self.unmapped_resource(res, pk, "no diagnosis (conclusionCode) and no variant results")
            return
        interp["diagnosis"] = diagnosis
        if isinstance(d.get("conclusion"), str):
            interp["summary"] = d["conclusion"]
        self.leftovers(
            res,
            {
                "identifier",
                "extension",
                "conclusionCode",
                "result",
                "conclusion",
                "code",
                "subject",
                "status",
                "category",
            },
            pk,
        )
        pk.data.setdefault("interpretations", []).append(interp)

    def is_variant(self, res: _Res) -> bool:
        return res.type == "Observation" and (("LOINC", T.LOINC_VARIANT) in _keys(res.data.get("code")))

    def is_implication(self, res: _Res) -> bool:
        return res.type == "Observation" and any(c == "diagnostic-implication" for _, c in _keys(res.data.get("code")))

    # ------------------------------------------------------------------ Provenance → metaData
    def provenance(self, res: _Res) -> None:
        d = res.data
        targets = [self.resolve(t) for t in _as_list(d.get("target"))]
        pks = {self.patient_of[id(t)] for t in targets if t is not None and t.type == "Patient"}
        pk = (
            self.packets.get(next(iter(pks)))
            if len(pks) == 1
            else (self.packets[self.patients()[0]] if len(self.patients()) == 1 else None)
        )
        if pk is None:
            self.unmapped_resource(res, None, "cannot tell which Patient it is about")
            return
        meta: dict[str, Any] = {}
        if isinstance(d.get("occurredDateTime"), str):
            meta["created"] = timeel._date_time(d["occurredDateTime"])
        for agent in _as_list(d.get("agent")):
            if not isinstance(agent, dict):
                continue
            role = {c for _, c in _keys(agent.get("type"))}
            who = (agent.get("who") or {}).get("display") if isinstance(agent.get("who"), dict) else None
            if "author" in role and who:
                meta["createdBy"] = who
            elif "enterer" in role and who:
                meta["submittedBy"] = who
        resources, refs = [], []
        for i, ent in enumerate(_as_list(d.get("entity"))):
            if not isinstance(ent, dict):
                continue
            rext = [e for e in _as_list(ent.get("extension")) if isinstance(e, dict) and e.get("url") == T.EXT_RESOURCE]
            what = ent.get("what") if isinstance(ent.get("what"), dict) else {}
            if rext:
                parts = {
                    str(s.get("url")): s.get("valueString")
                    for s in _as_list(rext[0].get("extension"))
                    if isinstance(s, dict)
                }
                resources.append({k: v for k, v in parts.items() if k and v})
            elif what:
                ref: dict[str, Any] = {}
                ident = what.get("identifier")
                if isinstance(ident, dict) and ident.get("value"):
                    ref["id"] = ident["value"]
                if isinstance(what.get("reference"), str):
                    ref["reference"] = what["reference"]
                if what.get("display"):
                    ref["description"] = what["display"]
                refs.append(ref)
            else:
                self.unmapped_element(res, f"entity/{i}", pk)
        if resources:
            meta["resources"] = resources
        if refs:
            meta["externalReferences"] = refs

        def set_version(e: dict[str, Any]) -> None:
            meta["phenopacketSchemaVersion"] = e["valueString"]

        self.extensions(res, {T.EXT_SCHEMA_VERSION: set_version}, pk)
        pk.data["metaData"] = meta
        pk.has_meta = True
        self.leftovers(res, {"target", "occurredDateTime", "recorded", "agent", "entity", "extension"}, pk)

    # ------------------------------------------------------------------ Specimen → Biosample
    def specimen(self, res: _Res) -> None:
        d = res.data
        pk = self.packet_for(res)
        if pk is None:
            self.unmapped_resource(res, None, "no Patient to attach it to")
            return
        bs: dict[str, Any] = {}
        for ident in _as_list(d.get("identifier")):
            if isinstance(ident, dict) and ident.get("system") == T.ID_BIOSAMPLE and ident.get("value"):
                bs["id"] = ident["value"]
        consumed = {"identifier", "type", "subject", "collection", "note", "extension", "status"}
        if "id" not in bs:
            bs["id"] = str(d.get("id") or f"biosample-{len(pk.data.get('biosamples', [])) + 1}")
            if isinstance(d.get("identifier"), list) and not self.phenotk_made:
                consumed.discard("identifier")
        if "subject" in d:
            bs["individualId"] = pk.data.get("subject", {}).get("id", "")
        if "type" in d:
            oc, _ = _first_oc(d["type"])
            if oc:
                bs["sampleType"] = oc
            else:
                self.unmapped_element(res, "type", pk, "no coding with a known system")
        coll = _d(d.get("collection"))
        for key in coll:
            if key == "bodySite":
                oc, _ = _first_oc(coll[key])
                if oc:
                    bs["sampledTissue"] = oc
                    continue
            elif key.startswith("collected"):
                te = timeel.from_fhir(key[len("collected") :], coll[key])
                if te:
                    bs["timeOfCollection"] = te
                    continue
            self.unmapped_element(res, f"collection/{key}", pk)
        notes = [str(n["text"]) for n in _as_list(d.get("note")) if isinstance(n, dict) and n.get("text")]
        if notes:
            bs["description"] = "\n".join(notes)

        def set_individual(e: dict[str, Any]) -> None:
            bs["individualId"] = str(e["valueString"])

        def set_material(e: dict[str, Any]) -> None:
            bs["materialSample"] = self.oc_strict(e["valueCodeableConcept"])

        self.extensions(
            res,
            {
                T.EXT_TIME_OF_COLLECTION: self.time_into(bs, "timeOfCollection"),
                T.EXT_INDIVIDUAL_ID: set_individual,
                T.EXT_MATERIAL_SAMPLE: set_material,
            },
            pk,
        )
        self.leftovers(res, consumed, pk)
        pk.data.setdefault("biosamples", []).append(bs)

    # ------------------------------------------------------------------ others
    def family_member_history(self, res: _Res) -> None:
        pk = self.packet_for(res, "patient")
        rel = ", ".join(sorted(c for _, c in _keys(res.data.get("relationship")))) or "?"
        self.unmapped_resource(
            res,
            pk,
            f"relationship {rel} between two Patients needs a Family (each Patient becomes its own phenopacket)",
        )

    def document_reference(self, res: _Res) -> None:
        found = False
        for i, content in enumerate(_as_list(res.data.get("content"))):
            att = content.get("attachment") if isinstance(content, dict) else None
            if not isinstance(att, dict) or not isinstance(att.get("data"), str):
                continue
            ptr = f"{res.pointer}/content/{i}/attachment/data"
            try:
                tree = json.loads(base64.b64decode(att["data"], validate=False))
            except (binascii.Error, ValueError, UnicodeDecodeError):
                continue
            if not isinstance(tree, dict) or not (
                {"subject", "phenotypicFeatures", "phenotypic_features", "metaData", "meta_data"} & tree.keys()
            ):
                continue
            found = True
            self.embedded(tree, ptr, f"{self.source}#{res.label}.content[{i}]")
        if not found:
            self.unmapped_resource(
                res,
                self.packet_for(res) if "subject" in res.data else None,
                "no embedded phenopacket in its attachments",
            )

    def embedded(self, tree: dict[str, Any], ptr: str, source: str) -> None:
        from phenotk.errors import InputError
        from phenotk.io.readers import document_from_tree

        issues = [
            Issue(
                RULES["fhir-embedded-phenopacket"],
                "fhir-embedded-phenopacket",
                Severity.INFO,
                "DocumentReference carries a base64 phenopacket; read as is",
                ptr,
            )
        ]
        try:
            doc = document_from_tree(tree, path=source)
        except InputError as exc:
            issues.append(
                Issue(RULES["fhir-embedded-phenopacket"], "fhir-embedded-phenopacket", Severity.ERROR, exc.message, ptr)
            )
            self.extra.append(Converted(None, source, issues))
            return
        strict = doc.strict_error()
        if strict:
            issues.append(
                Issue(
                    RULES["fhir-unmapped-element"],
                    "fhir-unmapped-element",
                    self.sev,
                    f"embedded phenopacket has fields Phenopackets v2 does not know, not carried: {strict}",
                    ptr,
                )
            )
        if doc.message is None:
            issues.append(
                Issue(
                    RULES["fhir-embedded-phenopacket"],
                    "fhir-embedded-phenopacket",
                    Severity.ERROR,
                    f"embedded phenopacket cannot be parsed: {doc.parse_error}",
                    ptr,
                )
            )
        self.extra.append(Converted(doc.message, source, issues, name=doc.id))

    def note_versions(self, pk: _Packet, cc: Any) -> None:
        for cd in _codings(cc):
            curie = T.curie_of(cd)
            if curie and isinstance(cd.get("version"), str):
                pk.versions.setdefault(curie.split(":", 1)[0], cd["version"])

    # ------------------------------------------------------------------ assembly
    def finish(self) -> list[Converted]:
        from phenopackets import Phenopacket

        out: list[Converted] = []
        for pk in self.packets.values():
            if not pk.has_meta:
                pk.data["metaData"] = self.default_meta(pk)
            msg: Any = Phenopacket()
            try:
                json_format.ParseDict(pk.data, msg)
            except json_format.ParseError as exc:
                pk.issues.append(
                    Issue(
                        RULES["fhir-bad-value"],
                        "fhir-bad-value",
                        Severity.ERROR,
                        f"values read from FHIR do not form a valid phenopacket: {exc}",
                        "",
                    )
                )
                msg = None
            out.append(Converted(msg, pk.source or self.source, pk.issues, name=str(pk.data.get("id") or "")))
        out += self.extra
        if not out:
            kinds = ", ".join(sorted({r.type for r in self.resources})) or "nothing"
            self.loose.insert(
                0,
                Issue(
                    RULES["fhir-no-patient"],
                    "fhir-no-patient",
                    Severity.ERROR,
                    f"no Patient (or resource about a patient) to make a phenopacket from; found {kinds}",
                    "",
                ),
            )
            out.append(Converted(None, self.source, self.loose))
        else:
            out[0].issues[:0] = self.loose
        return out

    def default_meta(self, pk: _Packet) -> dict[str, Any]:
        created = self.options.created or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        prefixes: set[str] = set()

        def scan(x: Any) -> None:
            if isinstance(x, dict):
                v = x.get("id")
                if isinstance(v, str) and ":" in v and ("label" in x or len(x) == 1):
                    prefixes.add(v.split(":", 1)[0])
                for y in x.values():
                    scan(y)
            elif isinstance(x, list):
                for y in x:
                    scan(y)

        scan({k: v for k, v in pk.data.items() if k != "subject"})
        resources = []
        for p in sorted(prefixes):
            rid, name, url, iri = T.RESOURCES.get(p, (p.lower(), p, T.system_for(p) or "", ""))
            resources.append(
                {
                    "id": rid,
                    "name": name,
                    "namespacePrefix": p,
                    "url": url,
                    "version": pk.versions.get(p, "unknown"),
                    "iriPrefix": iri,
                }
            )
        return {
            "created": created,
            "createdBy": self.options.created_by,
            "resources": resources,
            "phenopacketSchemaVersion": "2.0",
        }


def read_tree(tree: dict[str, Any], source: str, options: ConvertOptions | None = None) -> list[Converted]:
    """Phenopackets (one per Patient) with findings, from a FHIR resource or Bundle JSON tree."""
    return _Reader(tree, source, options or ConvertOptions()).run()
