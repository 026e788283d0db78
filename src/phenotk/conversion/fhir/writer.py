"""Phenopacket → FHIR R4 Bundle (plain JSON dict), following the Phenomics Exchange and Genomics Reporting IGs.

The field-by-field table is docs/fhir-mapping.md. Everything the table does not cover is reported by
:func:`phenotk.conversion.fhir.coverage.uncovered` as a finding, never dropped silently.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone
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


def _ext(url: str, suffix: str, value: Any) -> dict[str, Any]:
    return {"url": url, f"value{suffix}": value}


def _cc(oc: Any, ctx: _Ctx | None = None) -> dict[str, Any]:
    cd = T.coding(oc.id, oc.label, ctx.fallback if ctx else None, ctx.versions if ctx else None)
    return {"coding": [cd]}


def _loinc_cc(code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": T.LOINC, "code": code, "display": display}]}


def _time_ext(url: str, te: Any) -> dict[str, Any] | None:
    val = timeel.to_fhir(te)
    return _ext(url, *val) if val else None


class _Ctx:
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
        n = self.counter.get(kind, 0) + 1
        self.counter[kind] = n
        rid = f"{self.prefix}{kind}-{n}"
        self.seq += 1
        full = f"urn:uuid:{self.base}{self.seq:012x}"
        self.entries.append(
            {"fullUrl": full, "resource": {"resourceType": resource.pop("resourceType"), "id": rid, **resource}}
        )
        return full


def _patient(ind: Any, ctx: _Ctx) -> dict[str, Any]:
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
            pat["_birthDate"] = {"extension": [_ext(T.EXT_BIRTH_TIME, "DateTime", ts)]}
    if ind.HasField("time_at_last_encounter"):
        e = _time_ext(T.EXT_TIME_AT_LAST_ENCOUNTER, ind.time_at_last_encounter)
        if e:
            ext.append(e)
    if ind.HasField("gender"):
        ext.append(_ext(T.EXT_GENDER_IDENTITY, "CodeableConcept", _cc(ind.gender, ctx)))
    if ind.karyotypic_sex:
        names = type(ind).DESCRIPTOR.fields_by_name["karyotypic_sex"].enum_type.values_by_number
        ext.append(_ext(T.EXT_KARYOTYPIC_SEX, "Code", names[ind.karyotypic_sex].name))
    if ind.HasField("taxonomy"):
        ext.append(_ext(T.EXT_TAXONOMY, "CodeableConcept", _cc(ind.taxonomy, ctx)))
    if ind.HasField("vital_status"):
        vs = ind.vital_status
        status = vs.Status.Name(vs.status)
        if status == "DECEASED":
            if vs.time_of_death.WhichOneof("element") == "timestamp":
                pat["deceasedDateTime"] = vs.time_of_death.timestamp.ToJsonString()
            else:
                pat["deceasedBoolean"] = True
                if vs.HasField("time_of_death"):
                    e = _time_ext(T.EXT_TIME_OF_DEATH, vs.time_of_death)
                    if e:
                        ext.append(e)
        elif status == "ALIVE":
            pat["deceasedBoolean"] = False
        else:
            ext.append(_ext(T.EXT_VITAL_STATUS_UNKNOWN, "Boolean", True))
        if vs.HasField("cause_of_death"):
            ext.append(_ext(T.EXT_CAUSE_OF_DEATH, "CodeableConcept", _cc(vs.cause_of_death, ctx)))
        if vs.survival_time_in_days:
            ext.append(_ext(T.EXT_SURVIVAL_DAYS, "UnsignedInt", vs.survival_time_in_days))
    if ext:
        pat["extension"] = ext
    return pat


def _evidence(ev: Any, ctx: _Ctx) -> dict[str, Any]:
    sub: list[dict[str, Any]] = []
    if ev.HasField("evidence_code"):
        sub.append(_ext("code", "CodeableConcept", _cc(ev.evidence_code, ctx)))
    ref = ev.reference
    if ref.id:
        sub.append(_ext("referenceId", "String", ref.id))
    if ref.reference:
        sub.append(_ext("reference", "Uri", ref.reference))
    if ref.description:
        sub.append(_ext("description", "String", ref.description))
    return {"url": T.EXT_EVIDENCE, "extension": sub}


def _feature(pf: Any, subject: str, ctx: _Ctx) -> None:
    obs: dict[str, Any] = {"resourceType": "Observation", "meta": {"profile": [T.PROFILE_FEATURE]}, "status": "final"}
    ext: list[dict[str, Any]] = []
    if pf.HasField("onset"):
        e = _time_ext(T.EXT_ONSET, pf.onset)
        if e:
            ext.append(e)
    if pf.HasField("resolution"):
        e = _time_ext(T.EXT_RESOLUTION, pf.resolution)
        if e:
            ext.append(e)
    ext += [_evidence(ev, ctx) for ev in pf.evidence]
    if ext:
        obs["extension"] = ext
    obs["code"] = _cc(pf.type, ctx)
    obs["subject"] = {"reference": subject}
    obs["valueCodeableConcept"] = (
        _loinc_cc(T.LOINC_ABSENT, "Absent") if pf.excluded else _loinc_cc(T.LOINC_PRESENT, "Present")
    )
    if pf.description:
        obs["note"] = [{"text": pf.description}]
    comps = []
    if pf.HasField("severity"):
        comps.append(
            {"code": {"coding": [T.coding(T.HP_SEVERITY, "Severity")]}, "valueCodeableConcept": _cc(pf.severity, ctx)}
        )
    for mod in pf.modifiers:
        comps.append(
            {"code": {"coding": [T.coding(T.HP_MODIFIER, "Clinical modifier")]}, "valueCodeableConcept": _cc(mod, ctx)}
        )
    if comps:
        obs["component"] = comps
    ctx.add(obs, "feature")


def _disease(d: Any, subject: str, ctx: _Ctx) -> None:
    cond: dict[str, Any] = {"resourceType": "Condition", "meta": {"profile": [T.PROFILE_DISEASE]}}
    if d.excluded:
        cond["verificationStatus"] = {"coding": [{"system": T.CONDITION_VER, "code": "refuted"}]}
    else:
        cond["verificationStatus"] = {"coding": [{"system": T.CONDITION_VER, "code": "confirmed"}]}
    cond["code"] = _cc(d.term, ctx)
    if d.HasField("primary_site"):
        cond["bodySite"] = [_cc(d.primary_site, ctx)]
    cond["subject"] = {"reference": subject}
    ext: list[dict[str, Any]] = []
    if d.HasField("onset"):
        val = timeel.to_fhir(d.onset)
        if val and val[0] == "CodeableConcept":
            ext.append(_ext(T.EXT_ONSET, *val))  # Condition.onset[x] has no CodeableConcept choice
        elif val:
            cond[f"onset{val[0]}"] = val[1]
    if d.HasField("resolution"):
        val = timeel.to_fhir(d.resolution)
        if val and val[0] == "CodeableConcept":
            ext.append(_ext(T.EXT_RESOLUTION, *val))
        elif val:
            cond[f"abatement{val[0]}"] = val[1]
    if ext:
        cond["extension"] = ext
    stages = [{"summary": _cc(s, ctx)} for s in d.disease_stage]
    tnm_type = {"coding": [{"system": T.SNOMED, "code": T.TNM_STAGE[0], "display": T.TNM_STAGE[1]}]}
    stages += [{"summary": _cc(s, ctx), "type": tnm_type} for s in d.clinical_tnm_finding]
    if stages:
        cond["stage"] = stages
    if d.HasField("laterality"):
        cond.setdefault("extension", []).append(_ext(T.EXT_LATERALITY, "CodeableConcept", _cc(d.laterality, ctx)))
    ctx.add(cond, "disease")


def _variant(gi: Any, subject: str, ctx: _Ctx) -> str:
    vi = gi.variant_interpretation
    vd = vi.variation_descriptor
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "meta": {"profile": [T.PROFILE_VARIANT]},
        "status": "final",
        "category": [{"coding": [{"system": T.OBS_CATEGORY, "code": "laboratory"}]}],
        "code": _loinc_cc(T.LOINC_VARIANT, "Genetic variant assessment"),
        "subject": {"reference": subject},
        "valueCodeableConcept": _loinc_cc(T.LOINC_PRESENT, "Present"),
    }
    ext: list[dict[str, Any]] = []
    if vd.label:
        ext.append(_ext(T.EXT_VARIATION_LABEL, "String", vd.label))
    if vd.molecule_context:
        ext.append(
            _ext(
                T.EXT_MOLECULE_CONTEXT,
                "Code",
                type(vd)
                .DESCRIPTOR.fields_by_name["molecule_context"]
                .enum_type.values_by_number[vd.molecule_context]
                .name,
            )
        )
    comps: list[dict[str, Any]] = []
    for pos, ex in enumerate(vd.expressions):
        loinc = T.HGVS_LOINC.get(ex.syntax)
        if loinc:
            cd: dict[str, Any] = {"system": T.HGVS, "code": ex.value}
            if ex.version:
                cd["version"] = ex.version
            comps.append({"code": _loinc_cc(loinc, ex.syntax), "valueCodeableConcept": {"coding": [cd]}})
        else:
            sub = [
                _ext("syntax", "String", ex.syntax),
                _ext("value", "String", ex.value),
                _ext("position", "Integer", pos),
            ]
            if ex.version:
                sub.append(_ext("version", "String", ex.version))
            ext.append({"url": T.EXT_EXPRESSION, "extension": sub})
    if vd.HasField("gene_context"):
        gc = vd.gene_context
        comps.append(
            {
                "code": _loinc_cc(T.C_GENE, "Gene studied [ID]"),
                "valueCodeableConcept": {"coding": [T.coding(gc.value_id, gc.symbol)]},
            }
        )
    if vd.HasField("vcf_record"):
        vcf = vd.vcf_record
        if vcf.genome_assembly:
            code = T.ASSEMBLY_LOINC.get(vcf.genome_assembly)
            cc: dict[str, Any] = {"text": vcf.genome_assembly}
            if code:
                cc["coding"] = [{"system": T.LOINC, "code": code[0], "display": code[1]}]
            comps.append(
                {
                    "code": _loinc_cc(T.C_ASSEMBLY, "Human reference sequence assembly version"),
                    "valueCodeableConcept": cc,
                }
            )
        if vcf.chrom:
            comps.append({"code": _loinc_cc(T.C_CHROMOSOME, "Chromosome"), "valueCodeableConcept": {"text": vcf.chrom}})
        if vcf.pos:
            comps.append(
                {
                    "code": _loinc_cc(T.C_COORD_SYSTEM, "Genomic coordinate system"),
                    "valueCodeableConcept": _loinc_cc(T.ONE_BASED, "1-based character counting"),
                }
            )
            comps.append(
                {
                    "code": _loinc_cc(T.C_ALLELE_RANGE, "Genomic allele start-end"),
                    "valueRange": {"low": {"value": vcf.pos}, "high": {"value": vcf.pos + max(len(vcf.ref), 1) - 1}},
                }
            )
        if vcf.ref:
            comps.append({"code": _loinc_cc(T.C_REF_ALLELE, "Genomic ref allele"), "valueString": vcf.ref})
        if vcf.alt:
            comps.append({"code": _loinc_cc(T.C_ALT_ALLELE, "Genomic alt allele"), "valueString": vcf.alt})
    if vd.HasField("structural_type"):
        comps.append(
            {
                "code": _loinc_cc(T.C_CHANGE_TYPE, "DNA change type"),
                "valueCodeableConcept": _cc(vd.structural_type, ctx),
            }
        )
    if vd.HasField("allelic_state"):
        st = vd.allelic_state
        cds = [T.coding(st.id, st.label, ctx.fallback, ctx.versions)]
        if st.id in T.GENO_LOINC:
            lcode, ldisp = T.GENO_LOINC[st.id]
            cds.append({"system": T.LOINC, "code": lcode, "display": ldisp})
        comps.append({"code": _loinc_cc(T.C_ALLELIC_STATE, "Allelic state"), "valueCodeableConcept": {"coding": cds}})
    if vd.id:
        obs["identifier"] = [{"system": T.ID_VARIATION, "value": vd.id}]
    if ext:
        obs["extension"] = ext
    if comps:
        obs["component"] = comps
    return ctx.add(obs, "variant")


def _implication(gi: Any, variant_ref: str | None, disease: Any, subject: str, ctx: _Ctx) -> str:
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "meta": {"profile": [T.PROFILE_IMPLICATION]},
        "status": "final",
        "category": [{"coding": [{"system": T.OBS_CATEGORY, "code": "laboratory"}]}],
        "code": {
            "coding": [{"system": T.GR_TBD, "code": "diagnostic-implication", "display": "Diagnostic Implication"}]
        },
        "subject": {"reference": subject},
    }
    ext = [_ext(T.EXT_INTERPRETATION_STATUS, "Code", gi.InterpretationStatus.Name(gi.interpretation_status))]
    if gi.subject_or_biosample_id and gi.subject_or_biosample_id != ctx.subject_id:
        ext.append(_ext(T.EXT_SUBJECT_OR_BIOSAMPLE, "String", gi.subject_or_biosample_id))
    comps: list[dict[str, Any]] = []
    if gi.HasField("variant_interpretation"):
        vi = gi.variant_interpretation
        acmg = type(vi).DESCRIPTOR.fields_by_name["acmg_pathogenicity_classification"].enum_type
        name = acmg.values_by_number[vi.acmg_pathogenicity_classification].name
        if name in T.ACMG_LOINC:
            code, disp = T.ACMG_LOINC[name]
            comps.append(
                {
                    "code": _loinc_cc(T.C_ACMG, "Genetic variation clinical significance"),
                    "valueCodeableConcept": _loinc_cc(code, disp),
                }
            )
        if vi.therapeutic_actionability:
            ta = type(vi).DESCRIPTOR.fields_by_name["therapeutic_actionability"].enum_type
            ext.append(_ext(T.EXT_THERAPEUTIC, "Code", ta.values_by_number[vi.therapeutic_actionability].name))
    if gi.HasField("gene"):
        comps.append(
            {
                "code": _loinc_cc(T.C_GENE, "Gene studied [ID]"),
                "valueCodeableConcept": {"coding": [T.coding(gi.gene.value_id, gi.gene.symbol)]},
            }
        )
    if disease is not None:
        comps.append(
            {"code": _loinc_cc(T.C_PHENOTYPE, "Associated phenotype"), "valueCodeableConcept": _cc(disease, ctx)}
        )
    obs["extension"] = ext
    if variant_ref:
        obs["derivedFrom"] = [{"reference": variant_ref}]
    if comps:
        obs["component"] = comps
    return ctx.add(obs, "implication")


def _quantity(value: float, unit: Any) -> dict[str, Any]:
    """A FHIR Quantity: value, unit label, and the unit's code/system (UCUM when the unit is a UCUM CURIE)."""
    out: dict[str, Any] = {"value": value}
    if unit.label:
        out["unit"] = unit.label
    cd = T.coding(unit.id) if unit.id else {}
    if "system" in cd:
        out["system"] = cd["system"]
    if unit.id:
        out["code"] = cd.get("code", unit.id)
    return out


def _measurement(m: Any, subject: str, ctx: _Ctx) -> None:
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "meta": {"profile": [T.PROFILE_MEASUREMENT]},
        "status": "final",
        "code": _cc(m.assay, ctx),
        "subject": {"reference": subject},
    }
    if m.HasField("time_observed"):
        val = timeel.to_fhir(m.time_observed)
        if val and val[0] in ("DateTime", "Period"):
            obs[f"effective{val[0]}"] = val[1]
        elif val:
            obs["extension"] = [_ext(T.EXT_TIME_OBSERVED, *val)]
    kind = m.value.WhichOneof("value") if m.HasField("value") else None
    if kind == "quantity":
        q = m.value.quantity
        obs["valueQuantity"] = _quantity(q.value, q.unit)
        if q.HasField("reference_range"):
            rr = q.reference_range
            obs["referenceRange"] = [{"low": _quantity(rr.low, rr.unit), "high": _quantity(rr.high, rr.unit)}]
    elif kind == "ontology_class":
        obs["valueCodeableConcept"] = _cc(m.value.ontology_class, ctx)
    if m.description:
        obs["note"] = [{"text": m.description}]
    ctx.add(obs, "measurement")


def _biosample(bs: Any, subject: str, ctx: _Ctx) -> None:
    spec: dict[str, Any] = {"resourceType": "Specimen"}
    ext: list[dict[str, Any]] = []
    if bs.id:
        spec["identifier"] = [{"system": T.ID_BIOSAMPLE, "value": bs.id}]
    if bs.HasField("sample_type"):
        spec["type"] = _cc(bs.sample_type, ctx)
    if bs.individual_id and bs.individual_id != ctx.subject_id:
        ext.append(_ext(T.EXT_INDIVIDUAL_ID, "String", bs.individual_id))
    elif bs.individual_id:
        spec["subject"] = {"reference": subject}
    if bs.HasField("material_sample"):
        ext.append(_ext(T.EXT_MATERIAL_SAMPLE, "CodeableConcept", _cc(bs.material_sample, ctx)))
    collection: dict[str, Any] = {}
    if bs.HasField("time_of_collection"):
        val = timeel.to_fhir(bs.time_of_collection)
        if val and val[0] in ("DateTime", "Period"):
            collection[f"collected{val[0]}"] = val[1]
        elif val:
            ext.append(_ext(T.EXT_TIME_OF_COLLECTION, *val))
    if bs.HasField("sampled_tissue"):
        collection["bodySite"] = _cc(bs.sampled_tissue, ctx)
    if collection:
        spec["collection"] = collection
    if bs.description:
        spec["note"] = [{"text": bs.description}]
    if ext:
        spec["extension"] = ext
    ctx.add(spec, "biosample")


def _interpretation(interp: Any, subject: str, ctx: _Ctx) -> None:
    results = []
    disease = interp.diagnosis.disease if interp.diagnosis.HasField("disease") else None
    for gi in interp.diagnosis.genomic_interpretations:
        vref = _variant(gi, subject, ctx) if gi.HasField("variant_interpretation") else None
        iref = _implication(gi, vref, disease, subject, ctx)
        if vref:
            results.append({"reference": vref})
        results.append({"reference": iref})
    rep: dict[str, Any] = {
        "resourceType": "DiagnosticReport",
        "meta": {"profile": [T.PROFILE_REPORT]},
        "extension": [_ext(T.EXT_PROGRESS_STATUS, "Code", interp.ProgressStatus.Name(interp.progress_status))],
        "status": "final",
        "code": _loinc_cc(T.LOINC_REPORT, "Genetic analysis report"),
        "subject": {"reference": subject},
    }
    if interp.id:
        rep["identifier"] = [{"system": T.ID_INTERPRETATION, "value": interp.id}]
    if results:
        rep["result"] = results
    if interp.summary:
        rep["conclusion"] = interp.summary
    if disease is not None:
        rep["conclusionCode"] = [_cc(disease, ctx)]
    ctx.add(rep, "report")


def _provenance(meta: Any, targets: list[str], recorded: str, ctx: _Ctx) -> None:
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
            _ext(k, "String", v)
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
        if ref.reference:
            what["reference"] = ref.reference
        if ref.id:
            what["identifier"] = {"value": ref.id}
        if ref.description:
            what["display"] = ref.description
        entities.append({"role": "derivation", "what": what or {"display": ""}})
    if entities:
        prov["entity"] = entities
    if meta.phenopacket_schema_version:
        prov["extension"] = [_ext(T.EXT_SCHEMA_VERSION, "String", meta.phenopacket_schema_version)]
    ctx.add(prov, "provenance")


def _packet_entries(packet: Any, ctx: _Ctx, recorded: str) -> str:
    """Add the resources of one packet to ``ctx``; return the fullUrl of its Patient."""
    subject = ctx.add(_patient(packet.subject, ctx), "patient")
    for pf in packet.phenotypic_features:
        _feature(pf, subject, ctx)
    for d in packet.diseases:
        _disease(d, subject, ctx)
    for interp in packet.interpretations:
        _interpretation(interp, subject, ctx)
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
    ctx = _Ctx(packet)
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
    proband_ctx = _Ctx(family.proband, key=f"{family.id}/proband")
    proband_url = _packet_entries(family.proband, proband_ctx, recorded)
    entries += proband_ctx.entries
    persons = {p.individual_id: p for p in family.pedigree.persons}
    fmh_ctx = _Ctx(family.proband, prefix="family-", key=f"{family.id}/family")
    for i, rel in enumerate(family.relatives, start=1):
        ctx = _Ctx(rel, prefix=f"r{i}-", key=f"{family.id}/relative/{i}")
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
