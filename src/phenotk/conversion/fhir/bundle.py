"""Phenopacket → FHIR R4 Bundle (plain JSON dict), following the Phenomics Exchange and Genomics Reporting IGs.

The field-by-field table is docs/fhir-mapping.md. Everything the table does not cover is reported by
:func:`phenotk.conversion.fhir.coverage.uncovered` as a finding, never dropped silently. Interpretations are
built in :mod:`bundle_genomics`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from phenotk.conversion.fhir import terms as T
from phenotk.conversion.fhir import timeel
from phenotk.conversion.fhir.bundle_base import SEX_GENDER, Ctx, concept, fhir_id, loinc_concept, mk_ext, time_ext
from phenotk.conversion.fhir.bundle_genomics import interpretation

__all__ = ["SEX_GENDER", "family_to_bundle", "fhir_id", "packet_to_bundle"]


def _patient(ind: Any, ctx: Ctx) -> dict[str, Any]:
    pat: dict[str, Any] = {"resourceType": "Patient", "meta": {"profile": [T.PROFILE_INDIVIDUAL]}}
    ext: list[dict[str, Any]] = []
    ids = []
    if ind.id:
        ids.append({"system": T.ID_INDIVIDUAL, "value": ind.id})
    ids += [{"system": T.ID_ALTERNATE, "value": a} for a in ind.alternate_ids]
    if ids:
        pat["identifier"] = ids
    pat["gender"] = SEX_GENDER[type(ind).DESCRIPTOR.fields_by_name["sex"].enum_type.values_by_number[ind.sex].name]
    if ind.HasField("date_of_birth"):
        ts = ind.date_of_birth.ToJsonString()
        pat["birthDate"] = ts[:10]
        if ts[10:] != "T00:00:00Z":
            pat["_birthDate"] = {"extension": [mk_ext(T.EXT_BIRTH_TIME, "DateTime", ts)]}
    if ind.HasField("time_at_last_encounter"):
        e = time_ext(T.EXT_TIME_AT_LAST_ENCOUNTER, ind.time_at_last_encounter, ctx)
        if e:
            ext.append(e)
    if ind.HasField("gender"):
        ext.append(mk_ext(T.EXT_GENDER_IDENTITY, "CodeableConcept", concept(ind.gender, ctx)))
    if ind.karyotypic_sex:
        names = type(ind).DESCRIPTOR.fields_by_name["karyotypic_sex"].enum_type.values_by_number
        ext.append(mk_ext(T.EXT_KARYOTYPIC_SEX, "Code", names[ind.karyotypic_sex].name))
    if ind.HasField("taxonomy"):
        ext.append(mk_ext(T.EXT_TAXONOMY, "CodeableConcept", concept(ind.taxonomy, ctx)))
    if ind.HasField("vital_status"):
        vs = ind.vital_status
        status = vs.Status.Name(vs.status)
        if status == "DECEASED":
            if vs.time_of_death.WhichOneof("element") == "timestamp":
                pat["deceasedDateTime"] = vs.time_of_death.timestamp.ToJsonString()
            else:
                pat["deceasedBoolean"] = True
                if vs.HasField("time_of_death"):
                    e = time_ext(T.EXT_TIME_OF_DEATH, vs.time_of_death, ctx)
                    if e:
                        ext.append(e)
        elif status == "ALIVE":
            pat["deceasedBoolean"] = False
        else:
            ext.append(mk_ext(T.EXT_VITAL_STATUS_UNKNOWN, "Boolean", True))
        if vs.HasField("cause_of_death"):
            ext.append(mk_ext(T.EXT_CAUSE_OF_DEATH, "CodeableConcept", concept(vs.cause_of_death, ctx)))
        if vs.survival_time_in_days:
            ext.append(mk_ext(T.EXT_SURVIVAL_DAYS, "UnsignedInt", vs.survival_time_in_days))
    if ext:
        pat["extension"] = ext
    return pat


def _evidence(ev: Any, ctx: Ctx) -> dict[str, Any]:
    sub: list[dict[str, Any]] = []
    if ev.HasField("evidence_code"):
        sub.append(mk_ext("code", "CodeableConcept", concept(ev.evidence_code, ctx)))
    ref = ev.reference
    if ref.id:
        sub.append(mk_ext("referenceId", "String", ref.id))
    if ref.reference:
        sub.append(mk_ext("reference", "Uri", ref.reference))
    if ref.description:
        sub.append(mk_ext("description", "String", ref.description))
    return {"url": T.EXT_EVIDENCE, "extension": sub}


def _feature(pf: Any, subject: str, ctx: Ctx) -> None:
    obs: dict[str, Any] = {"resourceType": "Observation", "meta": {"profile": [T.PROFILE_FEATURE]}, "status": "final"}
    ext: list[dict[str, Any]] = []
    if pf.HasField("onset"):
        e = time_ext(T.EXT_ONSET, pf.onset, ctx)
        if e:
            ext.append(e)
    if pf.HasField("resolution"):
        e = time_ext(T.EXT_RESOLUTION, pf.resolution, ctx)
        if e:
            ext.append(e)
    ext += [_evidence(ev, ctx) for ev in pf.evidence]
    if ext:
        obs["extension"] = ext
    obs["code"] = concept(pf.type, ctx)
    obs["subject"] = {"reference": subject}
    obs["valueCodeableConcept"] = (
        loinc_concept(T.LOINC_ABSENT, "Absent") if pf.excluded else loinc_concept(T.LOINC_PRESENT, "Present")
    )
    if pf.description:
        obs["note"] = [{"text": pf.description}]
    comps = []
    if pf.HasField("severity"):
        comps.append(
            {
                "code": {"coding": [T.coding(T.HP_SEVERITY, "Severity")]},
                "valueCodeableConcept": concept(pf.severity, ctx),
            }
        )
    for mod in pf.modifiers:
        comps.append(
            {
                "code": {"coding": [T.coding(T.HP_MODIFIER, "Clinical modifier")]},
                "valueCodeableConcept": concept(mod, ctx),
            }
        )
    if comps:
        obs["component"] = comps
    ctx.add(obs, "feature")


def _disease(d: Any, subject: str, ctx: Ctx) -> None:
    cond: dict[str, Any] = {"resourceType": "Condition", "meta": {"profile": [T.PROFILE_DISEASE]}}
    if d.excluded:
        cond["verificationStatus"] = {"coding": [{"system": T.CONDITION_VER, "code": "refuted"}]}
    else:
        cond["verificationStatus"] = {"coding": [{"system": T.CONDITION_VER, "code": "confirmed"}]}
    cond["code"] = concept(d.term, ctx)
    if d.HasField("primary_site"):
        cond["bodySite"] = [concept(d.primary_site, ctx)]
    cond["subject"] = {"reference": subject}
    ext: list[dict[str, Any]] = []
    if d.HasField("onset"):
        val = timeel.to_fhir(d.onset, ctx.fallback, ctx.versions)
        if val and val[0] == "CodeableConcept":
            ext.append(mk_ext(T.EXT_CONDITION_ONSET, *val))  # Condition.onset[x] has no CodeableConcept choice
        elif val:
            cond[f"onset{val[0]}"] = val[1]
    if d.HasField("resolution"):
        val = timeel.to_fhir(d.resolution, ctx.fallback, ctx.versions)
        if val and val[0] == "CodeableConcept":
            ext.append(mk_ext(T.EXT_RESOLUTION, *val))
        elif val:
            cond[f"abatement{val[0]}"] = val[1]
            # FHIR con-4: a Condition with an abatement has clinicalStatus resolved, remission or inactive; the
            # phenopacket's resolution is the time the disease resolved
            cond["clinicalStatus"] = {"coding": [{"system": T.CONDITION_CLINICAL, "code": "resolved"}]}
    if ext:
        cond["extension"] = ext
    stages = [{"summary": concept(s, ctx)} for s in d.disease_stage]
    tnm_type = {"coding": [{"system": T.SNOMED, "code": T.TNM_STAGE[0], "display": T.TNM_STAGE[1]}]}
    stages += [{"summary": concept(s, ctx), "type": tnm_type} for s in d.clinical_tnm_finding]
    if stages:
        cond["stage"] = stages
    if d.HasField("laterality"):
        cond.setdefault("extension", []).append(mk_ext(T.EXT_LATERALITY, "CodeableConcept", concept(d.laterality, ctx)))
    ctx.add(cond, "disease")


def _quantity(value: float, unit: Any, ctx: Ctx) -> dict[str, Any]:
    """A FHIR Quantity: value, unit label, and the unit's code/system (UCUM when the unit is a UCUM CURIE).

    A prefix phenotk does not know gets the packet's metaData.resources URL, as every other ontology class does.
    """
    out: dict[str, Any] = {"value": value}
    if unit.label:
        out["unit"] = unit.label
    cd = T.coding(unit.id, "", ctx.fallback) if unit.id else {}
    if "system" in cd:
        out["system"] = cd["system"]
    if unit.id:
        out["code"] = cd.get("code", unit.id)
    return out


def _measurement(m: Any, subject: str, ctx: Ctx) -> None:
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "meta": {"profile": [T.PROFILE_MEASUREMENT]},
        "status": "final",
        "code": concept(m.assay, ctx),
        "subject": {"reference": subject},
    }
    if m.HasField("time_observed"):
        val = timeel.to_fhir(m.time_observed, ctx.fallback, ctx.versions)
        if val and val[0] in ("DateTime", "Period"):
            obs[f"effective{val[0]}"] = val[1]
        elif val:
            obs["extension"] = [mk_ext(T.EXT_TIME_OBSERVED, *val)]
    kind = m.value.WhichOneof("value") if m.HasField("value") else None
    if kind == "quantity":
        q = m.value.quantity
        obs["valueQuantity"] = _quantity(q.value, q.unit, ctx)
        if q.HasField("reference_range"):
            rr = q.reference_range
            obs["referenceRange"] = [{"low": _quantity(rr.low, rr.unit, ctx), "high": _quantity(rr.high, rr.unit, ctx)}]
    elif kind == "ontology_class":
        obs["valueCodeableConcept"] = concept(m.value.ontology_class, ctx)
    if m.description:
        obs["note"] = [{"text": m.description}]
    ctx.add(obs, "measurement")


def _biosample(bs: Any, subject: str, ctx: Ctx) -> None:
    spec: dict[str, Any] = {"resourceType": "Specimen"}
    ext: list[dict[str, Any]] = []
    if bs.id:
        spec["identifier"] = [{"system": T.ID_BIOSAMPLE, "value": bs.id}]
    if bs.HasField("sample_type"):
        spec["type"] = concept(bs.sample_type, ctx)
    if bs.individual_id and bs.individual_id != ctx.subject_id:
        ext.append(mk_ext(T.EXT_INDIVIDUAL_ID, "String", bs.individual_id))
    elif bs.individual_id:
        spec["subject"] = {"reference": subject}
    if bs.HasField("material_sample"):
        ext.append(mk_ext(T.EXT_MATERIAL_SAMPLE, "CodeableConcept", concept(bs.material_sample, ctx)))
    collection: dict[str, Any] = {}
    if bs.HasField("time_of_collection"):
        val = timeel.to_fhir(bs.time_of_collection, ctx.fallback, ctx.versions)
        if val and val[0] in ("DateTime", "Period"):
            collection[f"collected{val[0]}"] = val[1]
        elif val:
            ext.append(mk_ext(T.EXT_TIME_OF_COLLECTION, *val))
    if bs.HasField("sampled_tissue"):
        collection["bodySite"] = concept(bs.sampled_tissue, ctx)
    if collection:
        spec["collection"] = collection
    if bs.description:
        spec["note"] = [{"text": bs.description}]
    if ext:
        spec["extension"] = ext
    ctx.add(spec, "biosample")


def _provenance(meta: Any, targets: list[str], recorded: str, ctx: Ctx) -> None:
    prov: dict[str, Any] = {"resourceType": "Provenance", "target": [{"reference": t} for t in targets]}
    if meta.HasField("created"):
        prov["occurredDateTime"] = meta.created.ToJsonString()
    prov["recorded"] = recorded
    agents = [
        {"type": {"coding": [{"system": T.PROVENANCE_AGENT, "code": "assembler"}]}, "who": {"display": "phenotk"}}
    ]
    if meta.created_by:
        agents.insert(
            0,
            {
                "type": {"coding": [{"system": T.PROVENANCE_AGENT, "code": "author"}]},
                "who": {"display": meta.created_by},
            },
        )
    if meta.submitted_by:
        agents.insert(
            1 if meta.created_by else 0,
            {
                "type": {"coding": [{"system": T.PROVENANCE_AGENT, "code": "enterer"}]},
                "who": {"display": meta.submitted_by},
            },
        )
    prov["agent"] = agents
    entities = []
    for r in meta.resources:
        sub = [
            mk_ext(k, "String", v)
            for k, v in (
                ("id", r.id),
                ("name", r.name),
                ("url", r.url),
                ("version", r.version),
                ("namespacePrefix", r.namespace_prefix),
                ("iriPrefix", r.iri_prefix),
            )
            if v
        ]
        what: dict[str, Any] = {"display": r.name or r.id}
        entities.append({"extension": [{"url": T.EXT_RESOURCE, "extension": sub}], "role": "source", "what": what})
    for ref in meta.external_references:
        what = {}
        if ref.reference:  # a URL or CURIE outside FHIR: an extension, never a Reference.reference to resolve
            kind = "String" if any(c.isspace() for c in ref.reference) else "Uri"  # FHIR uri has no whitespace
            what["extension"] = [mk_ext(T.EXT_EXTERNAL_REF, kind, ref.reference)]
        if ref.id:
            what["identifier"] = {"value": ref.id}
        if ref.description:
            what["display"] = ref.description
        entities.append({"role": "derivation", "what": what or {"display": ""}})
    if entities:
        prov["entity"] = entities
    if meta.phenopacket_schema_version:
        prov["extension"] = [mk_ext(T.EXT_SCHEMA_VERSION, "String", meta.phenopacket_schema_version)]
    ctx.add(prov, "provenance")


def _packet_entries(packet: Any, ctx: Ctx, recorded: str) -> str:
    """Add the resources of one packet to ``ctx``; return the fullUrl of its Patient."""
    subject = ctx.add(_patient(packet.subject, ctx), "patient")
    for pf in packet.phenotypic_features:
        _feature(pf, subject, ctx)
    for d in packet.diseases:
        _disease(d, subject, ctx)
    for interp in packet.interpretations:
        interpretation(interp, subject, ctx)
    for bs in packet.biosamples:
        _biosample(bs, subject, ctx)
    for m in packet.measurements:
        _measurement(m, subject, ctx)
    if packet.HasField("meta_data"):
        _provenance(packet.meta_data, [e["fullUrl"] for e in ctx.entries], recorded, ctx)
    return subject


def _bundle(entries: list[dict[str, Any]], bundle_type: str, ident: str, system: str) -> dict[str, Any]:
    if bundle_type not in ("collection", "transaction"):
        raise ValueError(f"bundle type {bundle_type!r} is not supported; use collection or transaction")
    bundle: dict[str, Any] = {"resourceType": "Bundle"}
    if ident:
        bundle["id"] = fhir_id(ident)
        bundle["identifier"] = {"system": system, "value": ident}
    bundle["type"] = bundle_type
    if bundle_type == "transaction":
        for e in entries:
            e["request"] = {"method": "POST", "url": e["resource"]["resourceType"]}
    bundle["entry"] = entries
    return bundle


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def packet_to_bundle(packet: Any, *, bundle_type: str = "collection", created: str | None = None) -> dict[str, Any]:
    """One FHIR R4 Bundle (JSON dict) for one Phenopacket message. ``created``: Provenance.recorded (RFC 3339)."""
    ctx = Ctx(packet)
    _packet_entries(packet, ctx, created or _now())
    return _bundle(ctx.entries, bundle_type, packet.id, T.ID_PHENOPACKET)


_ROLE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
_ROLE_NAMES = {
    "NMTH": "natural mother",
    "NFTH": "natural father",
    "NSON": "natural son",
    "NDAU": "natural daughter",
    "NCHILD": "natural child",
    "NSIB": "natural sibling",
    "FAMMEMB": "family member",
}


def _relationship(proband: str, relative: Any, persons: dict[str, Any]) -> str:
    """v3-RoleCode of ``relative`` seen from the proband, from the pedigree (FAMMEMB when it does not say)."""
    p = persons.get(proband)
    r = persons.get(relative.subject.id)
    if p is not None and relative.subject.id and relative.subject.id == p.maternal_id:
        return "NMTH"
    if p is not None and relative.subject.id and relative.subject.id == p.paternal_id:
        return "NFTH"
    if r is not None and proband and proband in (r.maternal_id, r.paternal_id):
        return {1: "NDAU", 2: "NSON"}.get(relative.subject.sex, "NCHILD")
    if (
        p is not None
        and r is not None
        and p.maternal_id
        and p.paternal_id
        and (p.maternal_id, p.paternal_id) == (r.maternal_id, r.paternal_id)
    ):
        return "NSIB"
    return "FAMMEMB"


def family_to_bundle(family: Any, *, bundle_type: str = "collection", created: str | None = None) -> dict[str, Any]:
    """One Bundle for a Family: every member's resources, and a FamilyMemberHistory per relative.

    Each relative is a full Patient (with its own Observations, Conditions, …) linked from a FamilyMemberHistory
    about the proband through the core ``familymemberhistory-patient-record`` extension; the relationship code
    (v3-RoleCode) comes from the pedigree.
    """
    recorded = created or _now()
    entries: list[dict[str, Any]] = []
    proband_ctx = Ctx(family.proband, key=f"{family.id}/proband")
    proband_url = _packet_entries(family.proband, proband_ctx, recorded)
    entries += proband_ctx.entries
    persons = {p.individual_id: p for p in family.pedigree.persons}
    fmh_ctx = Ctx(family.proband, prefix="family-", key=f"{family.id}/family")
    for i, rel in enumerate(family.relatives, start=1):
        ctx = Ctx(rel, prefix=f"r{i}-", key=f"{family.id}/relative/{i}")
        rel_url = _packet_entries(rel, ctx, recorded)
        entries += ctx.entries
        code = _relationship(family.proband.subject.id, rel, persons)
        fmh: dict[str, Any] = {
            "resourceType": "FamilyMemberHistory",
            "extension": [{"url": T.FMH_PATIENT_RECORD, "valueReference": {"reference": rel_url}}],
            "status": "completed",
            "patient": {"reference": proband_url},
            "relationship": {"coding": [{"system": _ROLE, "code": code, "display": _ROLE_NAMES[code]}]},
        }
        gender = ctx.entries[0]["resource"].get("gender")  # the relative's Patient
        if gender:
            fmh["sex"] = {"coding": [{"system": "http://hl7.org/fhir/administrative-gender", "code": gender}]}
        fmh_ctx.add(fmh, "member-history")
    entries += fmh_ctx.entries
    return _bundle(entries, bundle_type, family.id, T.ID_FAMILY)
