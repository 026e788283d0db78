"""Observation → phenotypic feature, measurement, subject age or sex; Condition → feature (HPO) or disease.

Variant and diagnostic-implication Observations are handed to :mod:`read_genomics`.
"""

from __future__ import annotations

from typing import Any

from phenotk.conversion.fhir import findings as F
from phenotk.conversion.fhir import read_genomics, timeel
from phenotk.conversion.fhir import terms as T
from phenotk.conversion.fhir.read_patient import SEX
from phenotk.conversion.fhir.walk import (
    ExtHandler,
    Packet,
    Res,
    Walk,
    as_list,
    codes,
    codings,
    d,
    first_oc,
    keys,
    notes,
    oc_strict,
    setter,
    time_into,
    unattached,
)

_PATO_SEX = {"PATO:0000384": "MALE", "PATO:0000383": "FEMALE"}
# SNOMED 373572006/373573001 "Clinical finding absent/present": the NCPI / Kids First FHIR phenotype value set.
_ABSENT = {
    ("LOINC", T.LOINC_ABSENT),
    ("SNOMEDCT", "373067005"),
    ("SNOMEDCT", "410516002"),
    ("SNOMEDCT", "2667000"),
    ("SNOMEDCT", "373572006"),
}
_PRESENT = {
    ("LOINC", T.LOINC_PRESENT),
    ("SNOMEDCT", "373066001"),
    ("SNOMEDCT", "410605003"),
    ("SNOMEDCT", "52101004"),
    ("SNOMEDCT", "373573001"),
}
_ABSENT_TEXT = ("absent", "no", "not present", "negative", "excluded")
_PRESENT_TEXT = ("present", "yes", "positive", "observed")
#: Code systems whose codes are the words Present / Absent / Unknown (NCPI FHIR IG v2 condition-assertion and
#: phenotypic-feature-assertion): their codes are read as the words they are.
_ASSERTION_SYSTEMS = ("/CodeSystem/condition-assertion", "/CodeSystem/phenotypic-feature-assertion")
_NEG_INTERP = {"NEG", "N", "ND", "NEGATIVE", "ABSENT"}
_POS_INTERP = {"POS", "A", "DET", "POSITIVE", "PRESENT", "H", "L"}
#: Interpretation codes that say the presence is not known (v3 IND = indeterminate, IE = insufficient evidence;
#: null flavors UNK, NI …).
_UNKNOWN_INTERP = {"IND", "IE", "UNK", "NI", "ASKU", "NASK", "INDETERMINATE", "UNKNOWN"}
#: Condition.verificationStatus codes that qualify the assertion (a phenopacket cannot say "not confirmed").
_UNSURE_VERIFICATION = {"unconfirmed", "provisional", "differential"}
#: Observation.status values that withdraw the observation: nothing of it is carried.
_VOID_STATUS = {"entered-in-error", "cancelled"}
_AGE_CODES = {("SNOMEDCT", "424144002"), ("LOINC", "30525-0"), ("SNOMEDCT", "397659008")}
_SEX_OBS = {("LOINC", "76689-9"), ("LOINC", "46098-0"), ("SNOMEDCT", "734000001")}
DISEASE_ORDER = ("OMIM", "MONDO", "ORPHA")


# ---------------------------------------------------------------------- Observation (routing)
def observation(w: Walk, res: Res) -> None:
    """Route an Observation by what it codes: variant, implication, phenotype, age, sex, measurement."""
    data = res.data
    code = data.get("code")
    ks = keys(code)
    profiles = as_list(d(data.get("meta")).get("profile"))
    pk = w.packet_for(res)
    if ("LOINC", T.LOINC_VARIANT) in ks or T.PROFILE_VARIANT in profiles:
        read_genomics.lone_genomic(w, res, pk, as_implication=False)
        return
    if any(k[1] == "diagnostic-implication" for k in ks):
        read_genomics.lone_genomic(w, res, pk, as_implication=True)
        return
    if any(T.is_hpo(cd) for cd in codings(code)) or T.PROFILE_FEATURE in profiles:
        if pk is None:
            w.unmapped_resource(res, None, unattached(res))
        elif isinstance(data.get("status"), str) and data["status"] in _VOID_STATUS:
            w.unmapped_resource(res, pk, f"its status is {data['status']!r} (withdrawn, not an observation)")
        elif "dataAbsentReason" in data and not _has_value(data):
            w.unmapped_resource(res, pk, "it has a dataAbsentReason and no value: presence or absence is not known")
        else:
            feature_from_observation(w, res, pk)
        return
    if pk is not None and _is_disease_observation(data, profiles):
        disease_from_observation(w, res, pk)
        return
    if pk is not None and (_age(w, res, pk, ks) or _sex(w, res, pk, ks)):
        return
    if pk is not None and _is_measurement(data, ks, profiles):
        measurement(w, res, pk)
        return
    w.unmapped_resource(res, pk, "not a phenotype (no HPO code), measurement, variant or genomic implication")


def _age(w: Walk, res: Res, pk: Packet, ks: set[tuple[str, str]]) -> bool:
    """An age Observation → subject.timeAtLastEncounter; False when it is not one (or its value is unreadable)."""
    if not ks & _AGE_CODES:
        return False
    val = timeel.choice(res.data, "value")
    te = timeel.from_fhir(*val) if val else None
    if not te or not val:
        return False
    pk.data.setdefault("subject", {})["timeAtLastEncounter"] = te
    w.leftovers(res, {"code", "subject", "status", "category", f"value{val[0]}"}, pk)
    return True


def _sex(w: Walk, res: Res, pk: Packet, ks: set[tuple[str, str]]) -> bool:
    """A sex Observation (or a PATO sex code) → subject.sex; a finding when Patient.gender says otherwise."""
    data = res.data
    sex = None
    if ks & _SEX_OBS:
        for cd in codings(data.get("valueCodeableConcept")):
            sex = SEX.get(str(cd.get("code", "")).lower()) or _PATO_SEX.get(T.curie_of(cd) or "")
    else:
        for cd in codings(data.get("code")):
            sex = sex or _PATO_SEX.get(T.curie_of(cd) or "")
    if not sex:
        return False
    subject = pk.data.setdefault("subject", {})
    if subject.get("sex", "UNKNOWN_SEX") not in ("UNKNOWN_SEX", sex):
        w.issue(
            F.CONFLICTING_SEX,
            f"{res.label} says {sex} but Patient.gender says {subject['sex']}; kept the latter",
            res.pointer,
            pk=pk,
        )
    else:
        subject["sex"] = sex
    w.leftovers(res, {"code", "subject", "status", "category", "valueCodeableConcept"}, pk)
    return True


def _is_measurement(data: dict[str, Any], ks: set[tuple[str, str]], profiles: list[Any]) -> bool:
    if T.PROFILE_MEASUREMENT in profiles or "valueQuantity" in data:
        return True
    if "valueCodeableConcept" not in data or any(isinstance(p, str) and T.GR in p for p in profiles):
        return False
    is_lab = any(k[1] in ("laboratory", "vital-signs") for cc in as_list(data.get("category")) for k in keys(cc))
    return is_lab or any(k[0] == "LOINC" for k in ks)


def _is_disease_observation(data: dict[str, Any], profiles: list[Any]) -> bool:
    """An Observation that asserts a disease (NCPI ncpi-condition: category Disease, a MONDO/OMIM/ORPHA code)."""
    ncpi = any(isinstance(p, str) and p.endswith("/ncpi-condition") for p in profiles)
    disease_category = any(k[1].lower() == "disease" for cc in as_list(data.get("category")) for k in keys(cc))
    return (ncpi or disease_category) and first_oc(data.get("code"), DISEASE_ORDER)[0] is not None and not any(
        T.is_hpo(cd) for cd in codings(data.get("code")))


def disease_from_observation(w: Walk, res: Res, pk: Packet) -> None:
    """A disease asserted by an Observation: term from the code, excluded from the value (Present/Absent)."""
    data = res.data
    if isinstance(data.get("status"), str) and data["status"] in _VOID_STATUS:
        w.unmapped_resource(res, pk, f"its status is {data['status']!r} (withdrawn, not an observation)")
        return
    oc, rest = first_oc(data.get("code"), DISEASE_ORDER)
    consumed = {"code", "subject", "status", "category", "meta"}
    excluded = _presence(w, res, pk, consumed)
    if excluded is None:
        w.unmapped_resource(res, pk, "its value or interpretation says presence is unknown or indeterminate")
        return
    item: dict[str, Any] = {"term": oc}
    w.note_versions(pk, data.get("code"))
    if rest:
        w.unmapped_element(res, "code/coding", pk, f"{len(rest)} further coding(s) besides {oc and oc['id']}")
    if excluded:
        item["excluded"] = True
    for key in [k for k in data if k.startswith(("effective", "_effective"))]:
        consumed.add(key)
        w.unmapped_element(res, key, pk, "a phenopacket disease has no observation time (onset is not implied)")
    w.leftovers(res, consumed, pk)
    pk.append("diseases", item)


# ---------------------------------------------------------------------- Observation → Measurement
def _unit(q: dict[str, Any]) -> dict[str, str]:
    code, system = q.get("code"), q.get("system")
    label = q.get("unit") if isinstance(q.get("unit"), str) else None
    uid = T.curie_of({"system": system, "code": code}) if isinstance(code, str) else None
    if uid is None and isinstance(code, str):
        uid = f"UCUM:{code}" if system == T.UCUM or system is None else code
    return {"id": uid or (label or ""), "label": label or str(code or "")}


def measurement(w: Walk, res: Res, pk: Packet) -> None:
    """A measurement: assay from the code, value from valueQuantity or valueCodeableConcept."""
    data = res.data
    oc, rest = first_oc(data.get("code"), ("LOINC",))
    if oc is None:
        w.unmapped_resource(res, pk, "Observation.code has no coding with a known system or CURIE code")
        return
    m: dict[str, Any] = {"assay": oc}
    consumed = {"code", "subject", "status", "category", "note", "extension"}
    if rest:
        w.unmapped_element(res, "code/coding", pk, f"{len(rest)} further coding(s) besides {oc['id']}")
    if isinstance(data.get("valueQuantity"), dict) and isinstance(data["valueQuantity"].get("value"), (int, float)):
        consumed.add("valueQuantity")
        m["value"] = {"quantity": _quantity(w, res, pk, consumed)}
    elif "valueCodeableConcept" in data:
        voc, _ = first_oc(data["valueCodeableConcept"])
        if voc:
            consumed.add("valueCodeableConcept")
            m["value"] = {"ontologyClass": voc}
    for base in ("effectiveDateTime", "effectivePeriod", "effectiveInstant"):
        if base in data:
            te = timeel.from_fhir("DateTime" if base != "effectivePeriod" else "Period", data[base])
            if te:
                consumed.add(base)
                m["timeObserved"] = te
    texts = notes(data.get("note"))
    if texts:
        m["description"] = "\n".join(texts)
    w.extensions(res, {T.EXT_TIME_OBSERVED: time_into(m, "timeObserved")}, pk)
    w.leftovers(res, consumed, pk)
    pk.append("measurements", m)


def _quantity(w: Walk, res: Res, pk: Packet, consumed: set[str]) -> dict[str, Any]:
    q = res.data["valueQuantity"]
    quantity: dict[str, Any] = {"unit": _unit(q), "value": q["value"]}
    ranges = as_list(res.data.get("referenceRange"))
    if ranges:
        consumed.add("referenceRange")
        low, high = d(d(ranges[0]).get("low")), d(d(ranges[0]).get("high"))
        if isinstance(low.get("value"), (int, float)) and isinstance(high.get("value"), (int, float)):
            quantity["referenceRange"] = {"unit": _unit(low), "low": low["value"], "high": high["value"]}
        else:
            w.unmapped_element(res, "referenceRange/0", pk, "a phenopacket range needs low and high")
        for i in range(1, len(ranges)):
            w.unmapped_element(res, f"referenceRange/{i}", pk, "one reference range per value")
    return quantity


# ---------------------------------------------------------------------- Observation → PhenotypicFeature
def _has_value(data: dict[str, Any]) -> bool:
    return any(k.startswith("value") and k[5:6].isupper() for k in data)


def _presence(w: Walk, res: Res, pk: Packet, consumed: set[str]) -> bool | None:
    """True when the observation says the feature is absent, None when it says presence is unknown."""
    data = res.data
    excluded = None
    if "valueCodeableConcept" in data:
        consumed.add("valueCodeableConcept")
        cc = data["valueCodeableConcept"]
        ks = keys(cc)
        text = str(cc.get("text", "")).strip().lower() if isinstance(cc, dict) else ""
        words = _assertion_words(cc)
        if ks & _ABSENT or text in _ABSENT_TEXT or words == {"absent"}:
            excluded = True
        elif ks & _PRESENT or text in _PRESENT_TEXT or words == {"present"}:
            excluded = False
        elif words == {"unknown"}:
            return None
        else:
            w.unmapped_element(res, "valueCodeableConcept", pk, "not a presence/absence code; read as present")
    if isinstance(data.get("valueBoolean"), bool):
        consumed.add("valueBoolean")
        excluded = not data["valueBoolean"]
    if isinstance(data.get("valueString"), str):
        text = data["valueString"].strip().lower()
        if text in _ABSENT_TEXT or text in _PRESENT_TEXT:
            consumed.add("valueString")
            excluded = text in _ABSENT_TEXT
    if "interpretation" in data:
        consumed.add("interpretation")
        for i, cc in enumerate(as_list(data["interpretation"])):
            said = _interpretation_excluded(cc)
            if excluded is None and said == "unknown":
                return None
            if excluded is None and isinstance(said, bool):
                excluded = said
            elif said is None:
                w.unmapped_element(res, f"interpretation/{i}", pk, "not a presence/absence interpretation")
            elif said != excluded:  # "unknown", or the other answer, after the presence was read
                kept = "absent" if excluded else "present"
                w.unmapped_element(res, f"interpretation/{i}", pk,
                                   f"it contradicts the presence already read ({kept}); {kept} is kept")
    return bool(excluded)


def _assertion_words(cc: Any) -> set[str]:
    """The lower-cased codes of a value's codings from an assertion code system (Present / Absent / Unknown)."""
    return {
        str(cd.get("code", "")).strip().lower()
        for cd in codings(cc)
        if isinstance(cd.get("system"), str) and cd["system"].rstrip("/").endswith(_ASSERTION_SYSTEMS)
    }


def _interpretation_excluded(cc: Any) -> bool | str | None:
    """True (absent), False (present), "unknown" (indeterminate) or None (not about presence)."""
    upper = {str(c).upper() for c in codes(cc)}
    text = str(cc.get("text", "")).strip().lower() if isinstance(cc, dict) else ""
    if upper & _NEG_INTERP or text in ("not present", "absent", "negative"):
        return True
    if upper & _POS_INTERP or text in ("present", "positive"):
        return False
    if upper & _UNKNOWN_INTERP or text in ("unknown", "indeterminate"):
        return "unknown"
    return None


def _evidence(target: dict[str, Any]) -> ExtHandler:
    def apply(ext: dict[str, Any]) -> None:
        ev: dict[str, Any] = {}
        ref: dict[str, Any] = {}
        for sub in as_list(ext.get("extension")):
            url = sub.get("url")
            if url == "code":
                ev["evidenceCode"] = oc_strict(sub["valueCodeableConcept"])
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


def feature_from_observation(w: Walk, res: Res, pk: Packet) -> None:
    """A phenotypic feature: type from the HPO code, excluded from the value or interpretation."""
    data = res.data
    feat: dict[str, Any] = {}
    oc, rest = first_oc(data.get("code"), ("HP",))
    if oc is None:
        w.unmapped_resource(res, pk, "Observation.code has no coding with a known system or CURIE code")
        return
    feat["type"] = oc
    w.note_versions(pk, data.get("code"))
    consumed = {"code", "subject", "status", "category", "extension", "note", "component"}
    if rest:
        w.unmapped_element(res, "code/coding", pk, f"{len(rest)} further coding(s) besides {oc and oc['id']}")
    excluded = _presence(w, res, pk, consumed)
    if excluded is None:
        w.unmapped_resource(res, pk, "its value or interpretation says presence is unknown or indeterminate")
        return
    if excluded:
        feat["excluded"] = True
    w.extensions(
        res,
        {
            T.EXT_ONSET: time_into(feat, "onset"),
            T.EXT_RESOLUTION: time_into(feat, "resolution"),
            T.EXT_EVIDENCE: _evidence(feat),
        },
        pk,
    )
    texts = notes(data.get("note"))
    if texts:
        feat["description"] = "\n".join(texts)
    _feature_components(w, res, pk, feat)
    if "effectiveDateTime" in data or "effectivePeriod" in data:
        key = "effectiveDateTime" if "effectiveDateTime" in data else "effectivePeriod"
        consumed.add(key)
        w.unmapped_element(res, key, pk, "a phenopacket feature has no observation time (onset is not implied)")
    w.leftovers(res, consumed, pk)
    pk.append("phenotypicFeatures", feat)


def _feature_components(w: Walk, res: Res, pk: Packet, feat: dict[str, Any]) -> None:
    """Severity and modifier components; a finding for any other component."""
    for i, comp in enumerate(as_list(res.data.get("component"))):
        ccodes = codes(comp.get("code")) if isinstance(comp, dict) else set()
        val = comp.get("valueCodeableConcept") if isinstance(comp, dict) else None
        voc, _ = first_oc(val)
        onset_code = T.HP_ONSET in ccodes or T.NCPI_AGE_AT_ONSET in ccodes
        if isinstance(comp, dict) and set(comp) == {"code"}:
            continue  # a component with nothing but its code (NCPI examples): no value to carry
        if T.HP_SEVERITY in ccodes and voc:
            feat["severity"] = voc
        elif (T.HP_MODIFIER in ccodes or T.NCPI_OTHER_MODIFIERS in ccodes) and voc:
            feat.setdefault("modifiers", []).append(voc)
        elif onset_code and "onset" not in feat and isinstance(comp, dict):
            val = timeel.choice(comp, "value")
            onset = timeel.from_fhir(*val) if val else None
            if onset:
                feat["onset"] = onset
            else:
                w.unmapped_element(res, f"component/{i}", pk, "an onset component needs an HPO onset term or an age")
        else:
            why = "a second onset" if onset_code else "only severity, modifier and onset components are read"
            w.unmapped_element(res, f"component/{i}", pk, why)


# ---------------------------------------------------------------------- Condition
def condition(w: Walk, res: Res) -> None:
    """An HPO-coded Condition → phenotypic feature; any other coded Condition → disease."""
    data = res.data
    pk = w.attached(res)
    if pk is None:
        return
    consumed = {"code", "subject", "verificationStatus", "extension", "meta"}
    status = data.get("verificationStatus")
    ver = {status.strip().lower()} if isinstance(status, str) else codes(status)  # a bare code: malformed, but clear
    if "entered-in-error" in ver:
        w.unmapped_resource(res, pk, "verificationStatus is entered-in-error")
        return
    hpo = any(T.is_hpo(cd) for cd in codings(data.get("code")))
    item: dict[str, Any] = {}
    w.note_versions(pk, data.get("code"))
    if hpo:
        oc, rest = _condition_feature(w, res, pk, item, consumed)
    else:
        oc, rest = first_oc(data.get("code"), DISEASE_ORDER)
        if oc is None:
            w.unmapped_resource(res, pk, "Condition.code has no coding with a known system or CURIE code")
            return
        _condition_disease(w, res, pk, item, consumed, oc)
    if rest:
        w.unmapped_element(res, "code/coding", pk, f"{len(rest)} further coding(s) besides {oc and oc['id']}")
    if "refuted" in ver:
        item["excluded"] = True
    unsure = sorted(ver & _UNSURE_VERIFICATION)
    if unsure:
        what = "feature" if hpo else "disease"
        w.unmapped_element(
            res,
            "verificationStatus",
            pk,
            f"{unsure[0]!r} (not confirmed) has no phenopacket equivalent; the {what} is carried without it",
        )
    _condition_times(w, res, pk, item, consumed)
    known: dict[str, ExtHandler] = {
        T.EXT_CONDITION_ONSET: time_into(item, "onset"),
        T.EXT_ONSET: time_into(item, "onset"),  # others' Conditions, and phenotk bundles before EXT_CONDITION_ONSET
        T.EXT_RESOLUTION: time_into(item, "resolution"),
    }
    if not hpo:
        known[T.EXT_LATERALITY] = setter(item, "laterality", "valueCodeableConcept", oc_strict)
    else:
        known[T.EXT_NCPI_OTHER_MODIFIERS] = _append_modifier(item)
    w.extensions(res, known, pk)
    w.leftovers(res, consumed, pk)
    pk.append("phenotypicFeatures" if hpo else "diseases", item)


def _append_modifier(item: dict[str, Any]) -> ExtHandler:
    def apply(ext: dict[str, Any]) -> None:
        item.setdefault("modifiers", []).append(oc_strict(ext["valueCodeableConcept"]))

    return apply


def _condition_feature(
    w: Walk, res: Res, pk: Packet, item: dict[str, Any], consumed: set[str]
) -> tuple[dict[str, str] | None, list[dict[str, Any]]]:
    data = res.data
    oc, rest = first_oc(data.get("code"), ("HP",))
    item["type"] = oc
    if "severity" in data:
        consumed.add("severity")
        sev, _ = first_oc(data["severity"])
        if sev:
            item["severity"] = sev
        else:
            w.unmapped_element(res, "severity", pk, "no coded severity")
    if "note" in data:
        consumed.add("note")
        texts = notes(data["note"])
        if texts:
            item["description"] = "\n".join(texts)
    return oc, rest


def _condition_disease(
    w: Walk, res: Res, pk: Packet, item: dict[str, Any], consumed: set[str], oc: dict[str, str]
) -> None:
    data = res.data
    item["term"] = oc
    if "stage" in data:
        consumed.add("stage")
        for i, st in enumerate(as_list(data["stage"])):
            soc, _ = first_oc(st.get("summary") if isinstance(st, dict) else None)
            tnm = ("SNOMEDCT", T.TNM_STAGE[0]) in keys(d(st).get("type"))
            if soc:
                item.setdefault("clinicalTnmFinding" if tnm else "diseaseStage", []).append(soc)
            else:
                w.unmapped_element(res, f"stage/{i}", pk, "no coded stage summary")
    sites = as_list(data.get("bodySite"))
    if sites:
        consumed.add("bodySite")
        soc, _ = first_oc(sites[0])
        if soc:
            item["primarySite"] = soc
        for i in range(1 if soc else 0, len(sites)):
            w.unmapped_element(res, f"bodySite/{i}", pk, "a disease has one primary site")


def _condition_times(w: Walk, res: Res, pk: Packet, item: dict[str, Any], consumed: set[str]) -> None:
    for base, name in (("onset", "onset"), ("abatement", "resolution")):
        val = timeel.choice(res.data, base)
        if val:
            consumed.add(base + val[0])
            te = timeel.from_fhir(*val)
            if te:
                item[name] = te
            else:
                w.unmapped_element(res, base + val[0], pk, "not expressible as a phenopacket time element")
    # a resolved/remission/inactive clinicalStatus beside an abatement says no more than the resolution read from it
    # (FHIR's con-4 requires it there); any other clinicalStatus stays reported
    status = {code for system, code in keys(res.data.get("clinicalStatus")) if system == T.CONDITION_CLINICAL.lower()}
    if status and status <= T.ABATED_STATUSES and any(k.startswith("abatement") for k in consumed):
        consumed.add("clinicalStatus")
