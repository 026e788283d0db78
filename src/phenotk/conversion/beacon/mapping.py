"""Phenopacket v2 ↔ Beacon v2 ``individuals`` entry (the default model, "BFF").

Field map (phenopacket → Beacon individual)::

    subject.id                      id
    subject.sex (enum)              sex (NCIT term: C16576 female, C20197 male, C17998 unknown, C17649 other)
    subject.karyotypicSex           karyotypicSex
    phenotypicFeatures[]            phenotypicFeatures[]: type→featureType, excluded, severity, modifiers, onset,
                                    resolution, evidence[0]→evidence, description→notes
    diseases[]                      diseases[]: term→diseaseCode, onset→ageOfOnset, diseaseStage[0]→stage,
                                    excluded, primarySite, laterality, clinicalTnmFinding (extra properties,
                                    as Convert-Pheno writes them)
    measurements[]                  measures[]: assay→assayCode, value/complexValue→measurementValue,
                                    timeObserved→observationMoment, description→notes, procedure
    medicalActions[].procedure      interventionsOrProcedures[]: code→procedureCode, bodySite, performed→ageAtProcedure
    medicalActions[].treatment      treatments[]: agent→treatmentCode, routeOfAdministration, doseIntervals,
                                    cumulativeDose
    everything else                 info.phenopacket (packet id, other subject fields, interpretations, biosamples,
                                    files, metaData, and the complete list of any element that lost a part above)

Time elements are written in the Beacon schema's flat form (``{"iso8601duration": …}``, an ontology term, a
timestamp string, ``{"start", "end"}``, ``{"weeks", "days"}``); the reader also accepts the phenopacket-style
wrapped form (``{"age": {…}}``, ``{"ageGroup": …}``, ``{"ontologyClass": …}``) seen in the official examples.

Beacon → phenopacket carries the same fields back. Beacon fields without a phenopacket home (``ethnicity``,
``geographicOrigin``, ``exposures``, ``pedigrees``, disease ``familyHistory``/``severity``/``notes`` …) become
findings whose ``context.value`` holds the value, so ``--report FILE`` keeps them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp
from phenopackets import (
    Age,
    AgeRange,
    ComplexValue,
    DoseInterval,
    DrugType,
    Evidence,
    ExternalReference,
    GestationalAge,
    Individual,
    Measurement,
    MedicalAction,
    MetaData,
    OntologyClass,
    Phenopacket,
    PhenotypicFeature,
    Procedure,
    Quantity,
    ReferenceRange,
    Resource,
    TimeElement,
    TimeInterval,
    Treatment,
    TypedQuantity,
    Value,
)
from phenopackets import Disease as PxDisease

from phenotk.io.sourcemap import join
from phenotk.issue import Issue, Severity
from phenotk.model.metadata import RESOURCES as STORE_RESOURCES
from phenotk.model.metadata import resource as store_resource

#: Schema version written into phenopackets made from Beacon individuals.
SCHEMA_VERSION = "2.0.2"

#: Phenopacket Sex enum → the Beacon NCIT term written for it.
SEX_TO_NCIT: dict[str, tuple[str, str]] = {
    "FEMALE": ("NCIT:C16576", "female"),
    "MALE": ("NCIT:C20197", "male"),
    "UNKNOWN_SEX": ("NCIT:C17998", "unknown"),
    "OTHER_SEX": ("NCIT:C17649", "other"),
}
#: Beacon sex terms read (the spec's NCIT General Qualifier codes plus the "Female"/"Male" codes EGA writes).
NCIT_TO_SEX: dict[str, str] = {
    "NCIT:C16576": "FEMALE",
    "NCIT:C46113": "FEMALE",
    "NCIT:C20197": "MALE",
    "NCIT:C46112": "MALE",
    "NCIT:C17998": "UNKNOWN_SEX",
    "NCIT:C124294": "UNKNOWN_SEX",  # Unknown sex
    "NCIT:C17649": "OTHER_SEX",
    "NCIT:C45908": "OTHER_SEX",  # Intersex
}
_SEX_LABELS = {"female": "FEMALE", "male": "MALE", "unknown": "UNKNOWN_SEX", "other": "OTHER_SEX"}
KARYOTYPES = tuple(v.name for v in Individual.DESCRIPTOR.fields_by_name["karyotypic_sex"].enum_type.values)

#: Prefix → (id, name, url, IRI prefix) for prefixes common in Beacon data that phenotk.model.metadata lacks.
_RESOURCES: dict[str, tuple[str, str, str, str]] = {
    "UBERON": (
        "uberon",
        "Uber-anatomy ontology",
        "http://purl.obolibrary.org/obo/uberon.owl",
        "http://purl.obolibrary.org/obo/UBERON_",
    ),
    "ECO": (
        "eco",
        "Evidence and Conclusion Ontology",
        "http://purl.obolibrary.org/obo/eco.owl",
        "http://purl.obolibrary.org/obo/ECO_",
    ),
    "DOID": (
        "doid",
        "Human Disease Ontology",
        "http://purl.obolibrary.org/obo/doid.owl",
        "http://purl.obolibrary.org/obo/DOID_",
    ),
}

#: Beacon individual keys that mark a document as one (used by the reader's sniffing and type checks).
INDIVIDUAL_KEYS = frozenset(
    {
        "sex",
        "ethnicity",
        "geographicOrigin",
        "phenotypicFeatures",
        "diseases",
        "measures",
        "interventionsOrProcedures",
        "treatments",
        "exposures",
        "pedigrees",
        "karyotypicSex",
        "info",
    }
)


def _issue(code: str, rule: str, severity: Severity, message: str, pointer: str, **context: Any) -> Issue:
    return Issue(code=code, rule=rule, severity=severity, message=message, pointer=pointer, context=context)


def _d(msg: Any) -> Any:
    return json_format.MessageToDict(msg)


# ================================================================ phenopacket → Beacon


@dataclass
class _Out:
    issues: list[Issue] = field(default_factory=list)
    lossy: set[str] = field(default_factory=set)  # phenopacket top-level fields kept whole in info.phenopacket

    def lost(self, what: str, pointer: str, top: str, value: Any) -> None:
        self.lossy.add(top)
        self.issues.append(
            _issue(
                "BCN002",
                "beacon-field-not-carried",
                Severity.WARNING,
                f"Beacon individuals have no place for {what}; kept only in info.phenopacket.{top} "
                "(phenotk reads it back)",
                pointer,
                value=value,
            )
        )


def _term(oc: OntologyClass) -> dict[str, Any]:
    out: dict[str, Any] = {"id": oc.id}
    if oc.label:
        out["label"] = oc.label
    return out


def time_to_beacon(t: TimeElement) -> Any:
    """A phenopacket TimeElement in the Beacon schema's flat form."""
    kind = t.WhichOneof("element")
    if kind == "age":
        return {"iso8601duration": t.age.iso8601duration}
    if kind == "age_range":
        return {
            "start": {"iso8601duration": t.age_range.start.iso8601duration},
            "end": {"iso8601duration": t.age_range.end.iso8601duration},
        }
    if kind == "ontology_class":
        return _term(t.ontology_class)
    if kind == "timestamp":
        return t.timestamp.ToJsonString()
    if kind == "interval":
        return {"start": t.interval.start.ToJsonString(), "end": t.interval.end.ToJsonString()}
    if kind == "gestational_age":
        out: dict[str, Any] = {"weeks": t.gestational_age.weeks}
        if t.gestational_age.days:
            out["days"] = t.gestational_age.days
        return out
    return None


def _quantity(q: Quantity) -> dict[str, Any]:
    out: dict[str, Any] = {"unit": _term(q.unit), "value": q.value}
    if q.HasField("reference_range"):
        r = q.reference_range
        out["referenceRange"] = {"unit": _term(r.unit), "low": r.low, "high": r.high}
    return out


def _feature_to_beacon(f: PhenotypicFeature, ptr: str, out: _Out) -> dict[str, Any]:
    b: dict[str, Any] = {"featureType": _term(f.type)}
    if f.excluded:
        b["excluded"] = True
    if f.HasField("severity"):
        b["severity"] = _term(f.severity)
    if f.modifiers:
        b["modifiers"] = [_term(m) for m in f.modifiers]
    if f.HasField("onset"):
        b["onset"] = time_to_beacon(f.onset)
    if f.HasField("resolution"):
        b["resolution"] = time_to_beacon(f.resolution)
    if f.evidence:
        ev = f.evidence[0]
        e: dict[str, Any] = {"evidenceCode": _term(ev.evidence_code)}
        if ev.HasField("reference"):
            ref: dict[str, Any] = {"id": ev.reference.id}
            if ev.reference.reference:
                ref["reference"] = ev.reference.reference
            if ev.reference.description:
                ref["notes"] = ev.reference.description
            e["reference"] = ref
        b["evidence"] = e
        if len(f.evidence) > 1:
            out.lost(
                f"more than one evidence ({len(f.evidence)})",
                join(ptr, "evidence", 1),
                "phenotypicFeatures",
                [_d(x) for x in f.evidence[1:]],
            )
    if f.description:
        b["notes"] = f.description
    return b


def _disease_to_beacon(d: PxDisease, ptr: str, out: _Out) -> dict[str, Any]:
    b: dict[str, Any] = {"diseaseCode": _term(d.term)}
    if d.HasField("onset"):
        b["ageOfOnset"] = time_to_beacon(d.onset)
    if d.disease_stage:
        b["stage"] = _term(d.disease_stage[0])
        if len(d.disease_stage) > 1:
            out.lost(
                "a second disease stage", join(ptr, "diseaseStage", 1), "diseases", [_d(x) for x in d.disease_stage[1:]]
            )
    if d.excluded:
        b["excluded"] = True
    for name, json_name in (("primary_site", "primarySite"), ("laterality", "laterality")):
        if d.HasField(name):  # extra properties, as Convert-Pheno writes them (read back by phenotk)
            b[json_name] = _term(getattr(d, name))
    if d.HasField("resolution"):
        out.lost("disease resolution", join(ptr, "resolution"), "diseases", _d(d.resolution))
    if d.clinical_tnm_finding:  # an extra property, as Convert-Pheno writes it
        b["clinicalTnmFinding"] = [_term(x) for x in d.clinical_tnm_finding]
    return b


def _procedure_to_beacon(p: Procedure) -> dict[str, Any]:
    b: dict[str, Any] = {"procedureCode": _term(p.code)}
    if p.HasField("body_site"):
        b["bodySite"] = _term(p.body_site)
    if p.HasField("performed"):
        b["ageAtProcedure"] = time_to_beacon(p.performed)
    return b


def _measurement_to_beacon(m: Measurement, ptr: str, out: _Out) -> dict[str, Any]:
    b: dict[str, Any] = {"assayCode": _term(m.assay)}
    kind = m.WhichOneof("measurement_value")
    if kind == "value":
        if m.value.WhichOneof("value") == "quantity":
            b["measurementValue"] = _quantity(m.value.quantity)
        else:
            b["measurementValue"] = _term(m.value.ontology_class)
    elif kind == "complex_value":
        b["measurementValue"] = {
            "typedQuantities": [
                {"quantityType": _term(tq.type), "quantity": _quantity(tq.quantity)}
                for tq in m.complex_value.typed_quantities
            ]
        }
    if m.HasField("time_observed"):
        b["observationMoment"] = time_to_beacon(m.time_observed)
    if m.description:
        b["notes"] = m.description
    if m.HasField("procedure"):
        b["procedure"] = _procedure_to_beacon(m.procedure)
    return b


def _treatment_to_beacon(t: Treatment, ptr: str, out: _Out) -> dict[str, Any]:
    b: dict[str, Any] = {"treatmentCode": _term(t.agent)}
    if t.HasField("route_of_administration"):
        b["routeOfAdministration"] = _term(t.route_of_administration)
    if t.dose_intervals:
        b["doseIntervals"] = []
        for di in t.dose_intervals:
            item: dict[str, Any] = {}
            if di.HasField("quantity"):
                item["quantity"] = _quantity(di.quantity)
            if di.HasField("schedule_frequency"):
                item["scheduleFrequency"] = _term(di.schedule_frequency)
            if di.HasField("interval"):
                item["interval"] = {"start": di.interval.start.ToJsonString(), "end": di.interval.end.ToJsonString()}
            b["doseIntervals"].append(item)
    if t.HasField("cumulative_dose"):
        b["cumulativeDose"] = _quantity(t.cumulative_dose)
    if t.drug_type:
        b["drugType"] = DrugType.Name(t.drug_type)  # an extra property, as Convert-Pheno writes it
    return b


_ACTION_EXTRAS = (
    ("treatment_target", "treatmentTarget"),
    ("treatment_intent", "treatmentIntent"),
    ("response_to_treatment", "responseToTreatment"),
    ("treatment_termination_reason", "treatmentTerminationReason"),
)


def to_beacon(packet: Phenopacket, *, keep_info: bool = True) -> tuple[dict[str, Any], list[Issue]]:
    """One Beacon v2 individual for ``packet`` and the findings about what only ``info`` could keep.

    With ``keep_info=False`` nothing goes to ``info.phenopacket`` (a plain Beacon document); the findings then
    say the values were dropped.
    """
    out = _Out()
    s = packet.subject
    ind: dict[str, Any] = {"id": s.id or packet.id}
    if not s.id:
        out.issues.append(
            _issue(
                "BCN003",
                "beacon-id-missing",
                Severity.WARNING,
                f"the phenopacket has no subject.id; the Beacon individual takes the packet id {packet.id!r}",
                "/subject/id",
            )
        )
    sex = Individual.DESCRIPTOR.fields_by_name["sex"].enum_type.values_by_number[s.sex].name
    sid, slabel = SEX_TO_NCIT[sex]
    ind["sex"] = {"id": sid, "label": slabel}
    if s.karyotypic_sex:
        ind["karyotypicSex"] = KARYOTYPES[s.karyotypic_sex]
    feats = [
        _feature_to_beacon(f, join("/phenotypicFeatures", i), out) for i, f in enumerate(packet.phenotypic_features)
    ]
    if feats:
        ind["phenotypicFeatures"] = feats
    diseases = [_disease_to_beacon(d, join("/diseases", i), out) for i, d in enumerate(packet.diseases)]
    if diseases:
        ind["diseases"] = diseases
    measures = [_measurement_to_beacon(m, join("/measurements", i), out) for i, m in enumerate(packet.measurements)]
    if measures:
        ind["measures"] = measures
    procedures, treatments = [], []
    for i, action in enumerate(packet.medical_actions):
        ptr = join("/medicalActions", i)
        kind = action.WhichOneof("action")
        if kind == "procedure":
            procedures.append(_procedure_to_beacon(action.procedure))
        elif kind == "treatment":
            treatments.append(_treatment_to_beacon(action.treatment, join(ptr, "treatment"), out))
        elif kind is not None:
            name = MedicalAction.DESCRIPTOR.fields_by_name[kind].json_name
            out.lost(f"a {name} medical action", join(ptr, name), "medicalActions", _d(getattr(action, kind)))
        for name, json_name in _ACTION_EXTRAS:
            if action.HasField(name):
                out.lost(
                    f"medicalAction {json_name}", join(ptr, json_name), "medicalActions", _d(getattr(action, name))
                )
        if action.adverse_events:
            out.lost(
                "medicalAction adverseEvents",
                join(ptr, "adverseEvents"),
                "medicalActions",
                [_d(x) for x in action.adverse_events],
            )
    kinds = [a.WhichOneof("action") for a in packet.medical_actions]
    if kinds != sorted(kinds, key=lambda k: k != "procedure"):
        out.lossy.add("medicalActions")  # Beacon lists procedures and treatments apart: keep the order in info
    if procedures:
        ind["interventionsOrProcedures"] = procedures
    if treatments:
        ind["treatments"] = treatments

    if not keep_info:
        return ind, _dropped(packet, out.issues)
    # everything Beacon has no field for goes to info.phenopacket, so phenotk can read it back
    keep: dict[str, Any] = {}
    if packet.id and packet.id != ind["id"]:
        keep["id"] = packet.id
    subject = _d(s)
    for key in ("id", "sex", "karyotypicSex"):
        subject.pop(key, None)
    if subject:
        keep["subject"] = subject
    for fd, value in packet.ListFields():
        if fd.name in ("interpretations", "biosamples", "files", "meta_data") or fd.json_name in out.lossy:
            keep[fd.json_name] = [_d(v) for v in value] if fd.is_repeated else _d(value)
    if keep:
        ind["info"] = {"phenopacket": keep}
    return ind, out.issues


def _dropped(packet: Phenopacket, issues: list[Issue]) -> list[Issue]:
    """Findings for a plain Beacon document: element losses become drops, unmapped top-level fields too."""
    for issue in issues:
        if issue.code == "BCN002":
            issue.message = issue.message.split("; kept only in")[0] + "; dropped (info output is off)"
    if packet.id and packet.id != (packet.subject.id or packet.id):
        issues.append(
            _issue(
                "BCN002",
                "beacon-field-not-carried",
                Severity.WARNING,
                f"the packet id {packet.id!r} differs from subject.id; dropped (info output is off)",
                "/id",
                value=packet.id,
            )
        )
    for fd, _ in packet.subject.ListFields():
        if fd.name not in ("id", "sex", "karyotypic_sex"):
            issues.append(
                _issue(
                    "BCN002",
                    "beacon-field-not-carried",
                    Severity.WARNING,
                    f"Beacon individuals have no subject.{fd.json_name}; dropped (info output is off)",
                    join("/subject", fd.json_name),
                )
            )
    for fd, _ in packet.ListFields():
        if fd.name in ("interpretations", "biosamples", "files", "meta_data"):
            issues.append(
                _issue(
                    "BCN002",
                    "beacon-field-not-carried",
                    Severity.WARNING,
                    f"Beacon individuals have no {fd.json_name}; dropped (info output is off)",
                    "/" + fd.json_name,
                )
            )
    return issues


# ================================================================ Beacon → phenopacket


class _In:
    """Reads one Beacon individual tree into a Phenopacket, collecting findings with pointers."""

    def __init__(self, base: str, severity: Severity) -> None:
        self.base = base
        self.severity = severity
        self.issues: list[Issue] = []
        self.prefixes: set[str] = set()

    def note(
        self, code: str, rule: str, message: str, pointer: str, severity: Severity | None = None, **context: Any
    ) -> None:
        self.issues.append(_issue(code, rule, severity or self.severity, message, pointer, **context))

    def not_carried(self, what: str, pointer: str, value: Any) -> None:
        internal = pointer.rsplit("/", 1)[-1].startswith("_")  # tool bookkeeping such as Convert-Pheno's _visit
        self.note(
            "BCN002",
            "beacon-field-not-carried",
            f"phenopackets have no place for Beacon {what}; not carried (its value is kept in this finding)",
            pointer,
            severity=Severity.INFO if internal else None,
            value=value,
        )

    def bad(self, what: str, pointer: str, value: Any) -> None:
        shown = value if isinstance(value, (str, int, float, bool)) else type(value).__name__
        self.note("BCN004", "beacon-invalid-value", f"{what}, found {str(shown)[:80]!r}; dropped", pointer, value=value)

    # -- small types

    def term(self, value: Any, ptr: str, what: str = "an ontology term {id, label}") -> OntologyClass | None:
        if isinstance(value, dict) and isinstance(value.get("id"), str) and value["id"]:
            label = value.get("label")
            oc = OntologyClass(id=value["id"], label=label if isinstance(label, str) else "")
            if ":" in oc.id:
                self.prefixes.add(oc.id.split(":", 1)[0])
            return oc
        self.bad(f"expected {what}", ptr, value)
        return None

    def timestamp(self, value: Any, ptr: str) -> Timestamp | None:
        if isinstance(value, str):
            text = value if "T" in value else value + "T00:00:00Z"
            ts = Timestamp()
            try:
                ts.FromJsonString(text)
                return ts
            except ValueError:
                pass
        self.bad("expected an RFC 3339 timestamp", ptr, value)
        return None

    def time(self, value: Any, ptr: str) -> TimeElement | None:
        """Beacon time element: flat form (schema) or phenopacket-style wrapped form (examples)."""
        if isinstance(value, str):
            ts = self.timestamp(value, ptr)
            return TimeElement(timestamp=ts) if ts else None
        if not isinstance(value, dict):
            self.bad("expected a time element", ptr, value)
            return None
        if "iso8601duration" in value:
            return TimeElement(age=Age(iso8601duration=str(value["iso8601duration"])))
        if "weeks" in value:
            try:
                return TimeElement(
                    gestational_age=GestationalAge(weeks=int(value["weeks"]), days=int(value.get("days", 0) or 0))
                )
            except (TypeError, ValueError):
                self.bad("expected integer weeks/days", ptr, value)
                return None
        if "start" in value and "end" in value:
            start, end = value["start"], value["end"]
            if isinstance(start, dict) or isinstance(end, dict):
                return TimeElement(
                    age_range=AgeRange(
                        start=Age(iso8601duration=str((start or {}).get("iso8601duration", ""))),
                        end=Age(iso8601duration=str((end or {}).get("iso8601duration", ""))),
                    )
                )
            s, e = self.timestamp(start, join(ptr, "start")), self.timestamp(end, join(ptr, "end"))
            if s is None or e is None:
                return None
            return TimeElement(interval=TimeInterval(start=s, end=e))
        if "id" in value:
            oc = self.term(value, ptr)
            return TimeElement(ontology_class=oc) if oc else None
        # wrapped forms
        for key in ("age", "ageRange", "gestationalAge", "interval"):
            if key in value:
                inner = value[key]
                if key == "interval" and isinstance(inner, dict):
                    return self.time({"start": inner.get("start"), "end": inner.get("end")}, join(ptr, key))
                return self.time(inner, join(ptr, key))
        for key in ("ageGroup", "ontologyClass"):
            if key in value:
                oc = self.term(value[key], join(ptr, key))
                return TimeElement(ontology_class=oc) if oc else None
        if "timestamp" in value:
            return self.time(value["timestamp"], join(ptr, "timestamp"))
        self.bad("not a recognised time element", ptr, value)
        return None

    def quantity(self, value: Any, ptr: str) -> Quantity | None:
        if isinstance(value, dict) and "quantity" in value and "value" not in value:
            value, ptr = value["quantity"], join(ptr, "quantity")
        if not isinstance(value, dict) or not isinstance(value.get("value"), (int, float)):
            self.bad("expected a quantity {unit, value}", ptr, value)
            return None
        q = Quantity(value=float(value["value"]))
        unit = value.get("unit", value.get("units"))
        if unit is not None:
            oc = self.term(unit, join(ptr, "unit"))
            if oc:
                q.unit.CopyFrom(oc)
        rr = value.get("referenceRange")
        if isinstance(rr, dict):
            r = ReferenceRange(low=float(rr.get("low", 0) or 0), high=float(rr.get("high", 0) or 0))
            if rr.get("unit") is not None:
                oc = self.term(rr["unit"], join(ptr, "referenceRange", "unit"))
                if oc:
                    r.unit.CopyFrom(oc)
            q.reference_range.CopyFrom(r)
        return q

    def rest(self, obj: dict[str, Any], known: set[str], ptr: str, what: str) -> None:
        for key, value in obj.items():
            if key not in known and value not in (None, "", [], {}):
                self.not_carried(f"{what}.{key}", join(ptr, key), value)

    # -- elements

    def feature(self, f: Any, ptr: str) -> PhenotypicFeature | None:
        if not isinstance(f, dict):
            self.bad("expected a phenotypic feature object", ptr, f)
            return None
        code = f.get("featureType", f.get("type"))
        oc = self.term(code, join(ptr, "featureType"))
        if oc is None:
            return None
        out = PhenotypicFeature(type=oc, excluded=f.get("excluded") is True)
        if f.get("severity") is not None:
            sev = self.term(f["severity"], join(ptr, "severity"))
            if sev:
                out.severity.CopyFrom(sev)
        for i, m in enumerate(f.get("modifiers") or []):
            mo = self.term(m, join(ptr, "modifiers", i))
            if mo:
                out.modifiers.append(mo)
        for key, target in (("onset", out.onset), ("resolution", out.resolution)):
            if f.get(key) is not None:
                t = self.time(f[key], join(ptr, key))
                if t:
                    target.CopyFrom(t)
        evidence = f.get("evidence")
        items = evidence if isinstance(evidence, list) else ([evidence] if evidence is not None else [])
        for i, ev in enumerate(items):
            eptr = join(ptr, "evidence", i) if isinstance(evidence, list) else join(ptr, "evidence")
            if not isinstance(ev, dict):
                self.bad("expected an evidence object", eptr, ev)
                continue
            e = Evidence()
            code_ = self.term(ev.get("evidenceCode"), join(eptr, "evidenceCode"))
            if code_:
                e.evidence_code.CopyFrom(code_)
            ref = ev.get("reference")
            if isinstance(ref, dict):
                e.reference.CopyFrom(
                    ExternalReference(
                        id=str(ref.get("id", "")),
                        reference=str(ref.get("reference", "")),
                        description=str(ref.get("notes", ref.get("description", ""))),
                    )
                )
            out.evidence.append(e)
        if isinstance(f.get("notes"), str):
            out.description = f["notes"]
        known = {"featureType", "type", "excluded", "severity", "modifiers", "onset", "resolution", "evidence", "notes"}
        self.rest(f, known, ptr, "phenotypicFeature")
        return out

    def disease(self, d: Any, ptr: str) -> PxDisease | None:
        if not isinstance(d, dict):
            self.bad("expected a disease object", ptr, d)
            return None
        oc = self.term(d.get("diseaseCode", d.get("term")), join(ptr, "diseaseCode"))
        if oc is None:
            return None
        out = PxDisease(term=oc, excluded=d.get("excluded") is True)
        onset = d.get("ageOfOnset", d.get("onset"))
        if onset is not None:
            t = self.time(onset, join(ptr, "ageOfOnset"))
            if t:
                out.onset.CopyFrom(t)
        if d.get("stage") is not None:
            st = self.term(d["stage"], join(ptr, "stage"))
            if st:
                out.disease_stage.append(st)
        for key, many in (("diseaseStage", out.disease_stage), ("clinicalTnmFinding", out.clinical_tnm_finding)):
            items = d.get(key)  # phenopacket-named lists (Convert-Pheno, phenotk)
            for i, item in enumerate(items if isinstance(items, list) else []):
                term = self.term(item, join(ptr, key, i))
                if term and term not in many:
                    many.append(term)
        for key, target in (("primarySite", out.primary_site), ("laterality", out.laterality)):
            if d.get(key) is not None:
                term = self.term(d[key], join(ptr, key))
                if term:
                    target.CopyFrom(term)
        known = {
            "diseaseCode",
            "term",
            "excluded",
            "ageOfOnset",
            "onset",
            "stage",
            "primarySite",
            "laterality",
            "diseaseStage",
            "clinicalTnmFinding",
        }
        self.rest(d, known, ptr, "disease")
        return out

    def procedure(self, p: Any, ptr: str) -> Procedure | None:
        if not isinstance(p, dict):
            self.bad("expected a procedure object", ptr, p)
            return None
        oc = self.term(p.get("procedureCode"), join(ptr, "procedureCode"))
        if oc is None:
            return None
        out = Procedure(code=oc)
        if p.get("bodySite") is not None:
            bs = self.term(p["bodySite"], join(ptr, "bodySite"))
            if bs:
                out.body_site.CopyFrom(bs)
        if p.get("ageAtProcedure") is not None:
            t = self.time(p["ageAtProcedure"], join(ptr, "ageAtProcedure"))
            if t:
                out.performed.CopyFrom(t)
        elif p.get("dateOfProcedure") is not None:
            t = self.time(str(p["dateOfProcedure"]), join(ptr, "dateOfProcedure"))
            if t:
                out.performed.CopyFrom(t)
        self.rest(p, {"procedureCode", "bodySite", "ageAtProcedure", "dateOfProcedure"}, ptr, "procedure")
        return out

    def measure(self, m: Any, ptr: str) -> Measurement | None:
        if not isinstance(m, dict):
            self.bad("expected a measure object", ptr, m)
            return None
        oc = self.term(m.get("assayCode"), join(ptr, "assayCode"))
        if oc is None:
            return None
        out = Measurement(assay=oc)
        mv = m.get("measurementValue")
        vptr = join(ptr, "measurementValue")
        if isinstance(mv, dict) and isinstance(mv.get("typedQuantities"), list):
            cv = ComplexValue()
            for i, tq in enumerate(mv["typedQuantities"]):
                tptr = join(vptr, "typedQuantities", i)
                if not isinstance(tq, dict):
                    self.bad("expected a typed quantity", tptr, tq)
                    continue
                kind = self.term(tq.get("quantityType"), join(tptr, "quantityType"))
                q = self.quantity(tq.get("quantity"), join(tptr, "quantity"))
                if kind and q:
                    cv.typed_quantities.append(TypedQuantity(type=kind, quantity=q))
            out.complex_value.CopyFrom(cv)
        elif isinstance(mv, dict) and "id" in mv:
            term = self.term(mv, vptr)
            if term:
                out.value.CopyFrom(Value(ontology_class=term))
        elif isinstance(mv, dict) and isinstance(mv.get("ontologyClass"), dict):
            term = self.term(mv["ontologyClass"], join(vptr, "ontologyClass"))
            if term:
                out.value.CopyFrom(Value(ontology_class=term))
        elif mv is not None:
            q = self.quantity(mv, vptr)
            if q:
                out.value.CopyFrom(Value(quantity=q))
        moment_key = "observationMoment" if m.get("observationMoment") is not None else "timeObserved"
        if m.get(moment_key) is not None:
            if moment_key == "timeObserved":
                self.note(
                    "BCN003",
                    "beacon-legacy-field",
                    "phenopacket-style 'timeObserved' read as observationMoment",
                    join(ptr, moment_key),
                    severity=Severity.INFO,
                )
            elif m.get("timeObserved") not in (None, m["observationMoment"]):
                self.note(
                    "BCN003",
                    "beacon-legacy-field",
                    "'timeObserved' (a phenopacket-style copy) ignored next to observationMoment",
                    join(ptr, "timeObserved"),
                    severity=Severity.INFO,
                    value=m["timeObserved"],
                )
            t = self.time(m[moment_key], join(ptr, moment_key))
            if t:
                out.time_observed.CopyFrom(t)
            if m.get("date") is not None:
                self.not_carried("measure.date next to observationMoment", join(ptr, "date"), m["date"])
        elif m.get("date") is not None:
            t = self.time(str(m["date"]), join(ptr, "date"))
            if t:
                out.time_observed.CopyFrom(t)
        if isinstance(m.get("notes"), str):
            out.description = m["notes"]
        if m.get("procedure") is not None:
            p = self.procedure(m["procedure"], join(ptr, "procedure"))
            if p:
                out.procedure.CopyFrom(p)
        known = {"assayCode", "measurementValue", "observationMoment", "timeObserved", "date", "notes", "procedure"}
        self.rest(m, known, ptr, "measure")
        return out

    def treatment(self, t: Any, ptr: str) -> Treatment | None:
        if not isinstance(t, dict):
            self.bad("expected a treatment object", ptr, t)
            return None
        oc = self.term(t.get("treatmentCode"), join(ptr, "treatmentCode"))
        if oc is None:
            return None
        out = Treatment(agent=oc)
        if t.get("routeOfAdministration") is not None:
            r = self.term(t["routeOfAdministration"], join(ptr, "routeOfAdministration"))
            if r:
                out.route_of_administration.CopyFrom(r)
        for i, di in enumerate(t.get("doseIntervals") or []):
            dptr = join(ptr, "doseIntervals", i)
            if not isinstance(di, dict):
                self.bad("expected a dose interval", dptr, di)
                continue
            item = DoseInterval()
            if di.get("quantity") is not None:
                q = self.quantity(di["quantity"], join(dptr, "quantity"))
                if q:
                    item.quantity.CopyFrom(q)
            if di.get("scheduleFrequency") is not None:
                f = self.term(di["scheduleFrequency"], join(dptr, "scheduleFrequency"))
                if f:
                    item.schedule_frequency.CopyFrom(f)
            iv = di.get("interval")
            if isinstance(iv, dict):
                s = self.timestamp(iv.get("start"), join(dptr, "interval", "start"))
                e = self.timestamp(iv.get("end"), join(dptr, "interval", "end"))
                if s and e:
                    item.interval.CopyFrom(TimeInterval(start=s, end=e))
            out.dose_intervals.append(item)
        if t.get("cumulativeDose") is not None:
            q = self.quantity(t["cumulativeDose"], join(ptr, "cumulativeDose"))
            if q:
                out.cumulative_dose.CopyFrom(q)
        drug = t.get("drugType")
        if drug is not None:
            if isinstance(drug, str) and drug in DrugType.DESCRIPTOR.values_by_name:
                out.drug_type = DrugType.Value(drug)  # type: ignore[assignment]
            else:
                self.bad(f"expected a drug type ({', '.join(DrugType.keys())})", join(ptr, "drugType"), drug)
        known = {"treatmentCode", "routeOfAdministration", "doseIntervals", "cumulativeDose", "drugType"}
        self.rest(t, known, ptr, "treatment")
        return out

    def sex(self, value: Any, ptr: str) -> int:
        enum = Individual.DESCRIPTOR.fields_by_name["sex"].enum_type
        if isinstance(value, str) and value in enum.values_by_name:
            return int(enum.values_by_name[value].number)  # a phenopacket-style enum name
        if isinstance(value, dict):
            sid = str(value.get("id", ""))
            label = str(value.get("label", "")).strip().lower()
            name = NCIT_TO_SEX.get(sid) or _SEX_LABELS.get(label)
            if name:
                if sid not in NCIT_TO_SEX:
                    self.note(
                        "BCN005",
                        "beacon-sex-term",
                        f"sex {sid!r} read by its label {label!r} as {name}",
                        ptr,
                        severity=Severity.INFO,
                    )
                return int(enum.values_by_name[name].number)
        self.bad("expected a sex term (NCIT:C16576 female, NCIT:C20197 male, NCIT:C17998 unknown)", ptr, value)
        return 0


def _metadata(prefixes: set[str], created: str | None, created_by: str) -> tuple[MetaData, list[str]]:
    """MetaData for a packet made from a Beacon individual, and the prefixes whose resource entry is incomplete.

    Entries come from the project's resource table (:mod:`phenotk.model.metadata`, the store's names, URLs and
    default versions), then from this module's table (name, URL, IRI prefix; no version: a Beacon document does
    not say which release it used), else a minimal entry.
    """
    ts = Timestamp()
    if created:
        ts.FromJsonString(created)
    else:
        ts.FromDatetime(datetime.now(timezone.utc).replace(microsecond=0))
    meta = MetaData(created=ts, created_by=created_by, phenopacket_schema_version=SCHEMA_VERSION)
    incomplete = []
    for prefix in sorted(prefixes):
        if prefix.upper() in STORE_RESOURCES:
            res = store_resource(prefix)
        elif prefix in _RESOURCES:
            rid, name, url, iri = _RESOURCES[prefix]
            res = Resource(id=rid, name=name, url=url, iri_prefix=iri, namespace_prefix=prefix)
        else:
            res = store_resource(prefix)
        if not (res.version and res.url and res.iri_prefix):
            incomplete.append(prefix)
        meta.resources.append(res)
    return meta, incomplete


_HANDLED = {
    "id",
    "sex",
    "karyotypicSex",
    "phenotypicFeatures",
    "diseases",
    "measures",
    "interventionsOrProcedures",
    "treatments",
    "info",
    "$schema",
}
_NO_HOME = {
    "ethnicity": "ethnicity",
    "geographicOrigin": "geographicOrigin",
    "exposures": "exposures",
    "pedigrees": "pedigrees",
}


def from_beacon(
    tree: dict[str, Any],
    pointer: str = "",
    *,
    created: str | None = None,
    created_by: str = "phenotk",
    severity: Severity = Severity.WARNING,
) -> tuple[Phenopacket, list[Issue]]:
    """A phenopacket for one Beacon v2 individual, and findings for what phenopackets cannot hold."""
    r = _In(pointer, severity)
    packet = Phenopacket()
    ident = tree.get("id")
    if not isinstance(ident, str) or not ident:
        r.bad("expected a non-empty individual id", join(pointer, "id"), ident)
        ident = ""
    packet.id = ident
    packet.subject.id = ident
    if "sex" in tree:
        packet.subject.sex = r.sex(tree["sex"], join(pointer, "sex"))  # type: ignore[assignment]
    else:
        r.note(
            "BCN006",
            "beacon-sex-missing",
            "the Beacon individual has no sex (required by the schema); UNKNOWN_SEX",
            join(pointer, "sex"),
            severity=Severity.INFO,
        )
    ks = tree.get("karyotypicSex")
    if ks is not None:
        if ks in KARYOTYPES:
            packet.subject.karyotypic_sex = KARYOTYPES.index(ks)  # type: ignore[assignment]
        else:
            r.bad(f"expected a karyotypic sex ({', '.join(KARYOTYPES)})", join(pointer, "karyotypicSex"), ks)
    for key, reader, target in (
        ("phenotypicFeatures", r.feature, packet.phenotypic_features),
        ("diseases", r.disease, packet.diseases),
        ("measures", r.measure, packet.measurements),
    ):
        items = tree.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            r.bad(f"expected a list of {key}", join(pointer, key), items)
            continue
        for i, item in enumerate(items):
            made = reader(item, join(pointer, key, i))  # type: ignore[operator]
            if made is not None:
                target.append(made)
    for key in ("interventionsOrProcedures", "treatments"):
        items = tree.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            r.bad(f"expected a list of {key}", join(pointer, key), items)
            continue
        for i, item in enumerate(items):
            ptr = join(pointer, key, i)
            if key == "treatments":
                tr = r.treatment(item, ptr)
                if tr:
                    packet.medical_actions.append(MedicalAction(treatment=tr))
            else:
                pr = r.procedure(item, ptr)
                if pr:
                    packet.medical_actions.append(MedicalAction(procedure=pr))
    for key, value in tree.items():
        if key in _HANDLED or value in (None, "", [], {}):
            continue
        if key in _NO_HOME:
            r.not_carried(key, join(pointer, key), value)
        elif key == "_id":
            r.note(
                "BCN007",
                "beacon-database-id",
                "database-internal '_id' not carried",
                join(pointer, key),
                severity=Severity.INFO,
                value=value,
            )
        else:
            r.not_carried(f"individual.{key}", join(pointer, key), value)
    meta, incomplete = _metadata(r.prefixes, created, created_by)
    packet.meta_data.CopyFrom(meta)
    info = tree.get("info")
    restored = _restore(packet, info, join(pointer, "info"), r) if info is not None else set()
    if incomplete and "meta_data" not in restored:
        r.note(
            "BCN008",
            "beacon-resource-unknown",
            f"metaData.resources for {', '.join(incomplete)} lack a version, URL or IRI prefix (a Beacon document "
            "does not name ontology releases); complete them",
            join(pointer, "id"),
            severity=Severity.INFO,
        )
    return packet, r.issues


def _restore(packet: Phenopacket, info: Any, ptr: str, r: _In) -> set[str]:
    """Take back what a phenotk (or Convert-Pheno) writer kept in ``info.phenopacket``; the fields restored."""
    if not isinstance(info, dict):
        r.not_carried("info", ptr, info)
        return set()
    kept = info.get("phenopacket")
    for key, value in info.items():
        if key != "phenopacket" and value not in (None, "", [], {}):
            r.not_carried(f"info.{key}", join(ptr, key), value)
    if kept is None:
        return set()
    if not isinstance(kept, dict):
        r.bad("expected info.phenopacket to be an object", join(ptr, "phenopacket"), kept)
        return set()
    kept = copy.deepcopy(kept)
    subject = kept.pop("subject", None)
    restored = Phenopacket()
    try:
        json_format.ParseDict(kept, restored, ignore_unknown_fields=True)
        if isinstance(subject, dict):
            extra = Individual()
            json_format.ParseDict(subject, extra, ignore_unknown_fields=True)
            for fd, value in extra.ListFields():
                if fd.name not in ("id", "sex", "karyotypic_sex"):
                    if fd.is_repeated:
                        getattr(packet.subject, fd.name).extend(value)
                    elif fd.message_type is not None:
                        getattr(packet.subject, fd.name).CopyFrom(value)
                    else:
                        setattr(packet.subject, fd.name, value)
    except (json_format.ParseError, ValueError, TypeError) as exc:
        r.bad(f"info.phenopacket is not a phenopacket fragment ({exc})", join(ptr, "phenopacket"), "…")
        return set()
    for fd, value in restored.ListFields():
        if fd.name == "id":
            packet.id = value
        elif fd.name == "meta_data":
            packet.meta_data.CopyFrom(value)
        elif fd.is_repeated:
            target = getattr(packet, fd.name)
            del target[:]  # info holds the complete list when a mapped list lost parts
            target.extend(value)
        else:
            getattr(packet, fd.name).CopyFrom(value)
    names = sorted(fd.json_name for fd, _ in restored.ListFields()) + (["subject"] if subject else [])
    r.note(
        "BCN009",
        "beacon-info-restored",
        f"restored {', '.join(names)} from info.phenopacket",
        join(ptr, "phenopacket"),
        severity=Severity.INFO,
    )
    return {fd.name for fd, _ in restored.ListFields()}
