"""Patient → subject (one phenopacket each), Specimen → biosample, FamilyMemberHistory → a finding."""

from __future__ import annotations

from typing import Any

from phenotk.conversion.fhir import findings as F
from phenotk.conversion.fhir import terms as T
from phenotk.conversion.fhir import timeel
from phenotk.conversion.fhir.walk import (
    ExtHandler,
    Packet,
    Res,
    Walk,
    as_list,
    codings,
    d,
    first_oc,
    keys,
    notes,
    oc_strict,
    setter,
    time_into,
)
from phenotk.issue import Severity

_PATIENT_RECORD = "http://hl7.org/fhir/StructureDefinition/familymemberhistory-patient-record"
SEX = {"male": "MALE", "female": "FEMALE", "other": "OTHER_SEX", "unknown": "UNKNOWN_SEX"}


# ---------------------------------------------------------------------- Patient
def patient(w: Walk, res: Res) -> None:
    """A new packet whose subject is this Patient."""
    data = res.data
    subject: dict[str, Any] = {}
    key = f"patient:{len(w.packets)}"
    pk = Packet(key, {"subject": subject}, source=f"{w.source}#{res.label}")
    w.packets[key] = pk
    w.patient_of[id(res)] = key
    _identifiers(w, res, pk, subject)
    pk.data["id"] = subject["id"]
    gender = data.get("gender")
    if isinstance(gender, str):
        if gender in SEX:
            subject["sex"] = SEX[gender]
        else:
            w.issue(F.BAD_VALUE, f"Patient.gender {gender!r} is not a FHIR gender code", f"{res.pointer}/gender", pk=pk)
    _birth(w, res, pk, subject)
    vital = _vital_status(w, res, pk)
    w.extensions(res, _patient_extensions(subject, vital), pk)
    if vital:
        subject["vitalStatus"] = vital
    w.leftovers(res, {"identifier", "gender", "birthDate", "deceasedBoolean", "deceasedDateTime", "extension"}, pk)


def _identifiers(w: Walk, res: Res, pk: Packet, subject: dict[str, Any]) -> None:
    """subject.id (phenotk identifier, else Patient.id, else the first other identifier) and alternateIds."""
    data = res.data
    rid = data.get("id") if isinstance(data.get("id"), str) else None
    alt = []
    others: list[tuple[int, dict[str, Any]]] = []
    for i, ident in enumerate(as_list(data.get("identifier"))):
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
            w.unmapped_element(res, f"identifier/{i}", pk, "the subject is named by one id only")
    if alt:
        subject["alternateIds"] = alt
    if "id" not in subject:
        subject["id"] = f"patient-{len(w.packets)}"
        w.issue(F.ASSUMED_SUBJECT, f"{res.label} has neither an id nor an identifier; its phenopacket and subject "
                f"are named {subject['id']!r}, an id made up here", res.pointer or "/", sev=Severity.WARNING, pk=pk)


def _full_date(w: Walk, res: Res, pk: Packet, key: str) -> str | None:
    """The RFC 3339 timestamp of a FHIR date; None (with a finding) for a year or year-month only.

    A phenopacket timestamp is a full date: writing ``1990`` as ``1990-01-01`` would invent a month and a day.
    """
    value = res.data.get(key)
    if not isinstance(value, str):
        return None
    if timeel.partial_date(value):
        w.unmapped_element(
            res, key, pk, f"{value!r} gives only a year or month; a phenopacket timestamp would invent the day"
        )
        return None
    text = timeel.timestamp(value)
    if text is None:
        w.issue(
            F.BAD_VALUE,
            f"Patient.{key} {value!r} is not a FHIR date or dateTime; not carried",
            f"{res.pointer}/{key}",
            pk=pk,
        )
    return text


def _birth(w: Walk, res: Res, pk: Packet, subject: dict[str, Any]) -> None:
    data = res.data
    birth = _full_date(w, res, pk, "birthDate")
    if birth:
        subject["dateOfBirth"] = birth
    for ext in as_list(d(data.get("_birthDate")).get("extension")):
        if isinstance(ext, dict) and ext.get("url") == T.EXT_BIRTH_TIME and ext.get("valueDateTime"):
            subject["dateOfBirth"] = ext["valueDateTime"]


def _vital_status(w: Walk, res: Res, pk: Packet) -> dict[str, Any]:
    data = res.data
    vital: dict[str, Any] = {}
    if isinstance(data.get("deceasedBoolean"), bool):
        vital["status"] = "DECEASED" if data["deceasedBoolean"] else "ALIVE"
    if isinstance(data.get("deceasedDateTime"), str):
        vital["status"] = "DECEASED"
        death = _full_date(w, res, pk, "deceasedDateTime")
        if death:
            vital["timeOfDeath"] = {"timestamp": death}
    return vital


def _patient_extensions(subject: dict[str, Any], vital: dict[str, Any]) -> dict[str, ExtHandler]:
    def status_unknown(_ext: dict[str, Any]) -> None:
        vital["status"] = "UNKNOWN_STATUS"

    return {
        T.EXT_TIME_AT_LAST_ENCOUNTER: time_into(subject, "timeAtLastEncounter"),
        T.EXT_TIME_OF_DEATH: time_into(vital, "timeOfDeath"),
        T.EXT_GENDER_IDENTITY: setter(subject, "gender", "valueCodeableConcept", oc_strict),
        T.EXT_CAUSE_OF_DEATH: setter(vital, "causeOfDeath", "valueCodeableConcept", oc_strict),
        T.EXT_SURVIVAL_DAYS: setter(vital, "survivalTimeInDays", "valueUnsignedInt", int),
        T.EXT_VITAL_STATUS_UNKNOWN: status_unknown,
        T.EXT_KARYOTYPIC_SEX: setter(subject, "karyotypicSex", "valueCode", str),
        T.EXT_TAXONOMY: setter(subject, "taxonomy", "valueCodeableConcept", oc_strict),
    }


# ---------------------------------------------------------------------- Specimen → Biosample
def specimen(w: Walk, res: Res) -> None:
    """A biosample of the subject's packet."""
    data = res.data
    pk = w.attached(res)
    if pk is None:
        return
    bs: dict[str, Any] = {}
    for ident in as_list(data.get("identifier")):
        if isinstance(ident, dict) and ident.get("system") == T.ID_BIOSAMPLE and ident.get("value"):
            bs["id"] = ident["value"]
    consumed = {"identifier", "type", "subject", "collection", "note", "extension", "status"}
    if "id" not in bs:
        bs["id"] = str(data.get("id") or f"biosample-{pk.count('biosamples') + 1}")
        if isinstance(data.get("identifier"), list) and not w.phenotk_made:
            consumed.discard("identifier")
    if "subject" in data:
        bs["individualId"] = pk.subject_id
    if "type" in data:
        oc, _ = first_oc(data["type"])
        if oc:
            bs["sampleType"] = oc
        else:
            w.unmapped_element(res, "type", pk, "no coding with a known system")
    _collection(w, res, pk, bs)
    texts = notes(data.get("note"))
    if texts:
        bs["description"] = "\n".join(texts)
    w.extensions(
        res,
        {
            T.EXT_TIME_OF_COLLECTION: time_into(bs, "timeOfCollection"),
            T.EXT_INDIVIDUAL_ID: setter(bs, "individualId", "valueString", str),
            T.EXT_MATERIAL_SAMPLE: setter(bs, "materialSample", "valueCodeableConcept", oc_strict),
        },
        pk,
    )
    w.leftovers(res, consumed, pk)
    pk.append("biosamples", bs)


def _collection(w: Walk, res: Res, pk: Packet, bs: dict[str, Any]) -> None:
    coll = d(res.data.get("collection"))
    for key in coll:
        if key == "bodySite":
            oc, _ = first_oc(coll[key])
            if oc:
                bs["sampledTissue"] = oc
                continue
        elif key.startswith("collected"):
            te = timeel.from_fhir(key[len("collected") :], coll[key])
            if te:
                bs["timeOfCollection"] = te
                continue
        w.unmapped_element(res, f"collection/{key}", pk)


# ---------------------------------------------------------------------- FamilyMemberHistory
def family_member_history(w: Walk, res: Res) -> None:
    """Not carried: a phenopacket has no family history, and a Family needs each relative as a Patient."""
    pk = w.packet_for(res, "patient")
    rel = ", ".join(sorted(c for _, c in keys(res.data.get("relationship")))) or "?"
    conditions = [
        c
        for cond in as_list(res.data.get("condition"))
        for c in ([T.curie_of(cd) or cd.get("display") or cd.get("code") for cd in codings(d(cond).get("code"))][:1])
        if c
    ]
    linked = [
        str(d(ext.get("valueReference")).get("reference", "?"))
        for ext in as_list(res.data.get("extension"))
        if isinstance(ext, dict) and ext.get("url") == _PATIENT_RECORD and ext.get("valueReference")
    ]
    if linked:
        why = (
            f"relationship {rel} to {linked[0]}: each Patient becomes its own phenopacket (a Family is not rebuilt "
            "from FamilyMemberHistory)"
        )
    else:
        what = f" with condition(s) {', '.join(map(str, conditions))}" if conditions else ""
        why = (
            f"family history of a relative ({rel}){what}: a phenopacket has no family history, and a Family needs "
            "the relative as a Patient of their own"
        )
    w.unmapped_resource(res, pk, why)
