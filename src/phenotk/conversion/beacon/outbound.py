"""Phenopacket v2 → Beacon v2 ``individuals`` entry: :func:`to_beacon` (the field map is in the package doc).

Time elements are written in the Beacon schema's flat form (``{"iso8601duration": …}``, an ontology term, a
timestamp string, ``{"start", "end"}``, ``{"weeks", "days"}``). Everything a Beacon individual has no field for
goes to ``info.phenopacket`` (or is dropped with ``keep_info=False``), with a finding either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from google.protobuf import json_format
from phenopackets import Disease as PxDisease
from phenopackets import (
    DrugType,
    Individual,
    Measurement,
    MedicalAction,
    OntologyClass,
    Phenopacket,
    PhenotypicFeature,
    Procedure,
    Quantity,
    TimeElement,
    Treatment,
)

from phenotk.io.sourcemap import join
from phenotk.issue import Issue

from . import findings as F
from .vocab import KARYOTYPES, SEX_TO_NCIT


def _d(msg: Any) -> Any:
    return json_format.MessageToDict(msg)


@dataclass
class _Out:
    """Findings of one packet, and the top-level fields that must be kept whole in ``info.phenopacket``."""

    issues: list[Issue] = field(default_factory=list)
    lossy: set[str] = field(default_factory=set)  # phenopacket top-level fields kept whole in info.phenopacket

    def lost(self, what: str, pointer: str, top: str, value: Any) -> None:
        """Report ``what`` as kept only in ``info.phenopacket.<top>`` (which then keeps ``top`` whole)."""
        self.lossy.add(top)
        self.issues.append(
            F.FIELD_NOT_CARRIED(
                f"Beacon individuals have no place for {what}; kept only in info.phenopacket.{top} "
                "(phenotk reads it back)",
                pointer=pointer,
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
    ind = _subject(packet, out)
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
    procedures, treatments = _actions(packet, out)
    if procedures:
        ind["interventionsOrProcedures"] = procedures
    if treatments:
        ind["treatments"] = treatments

    if not keep_info:
        return ind, _dropped(packet, out.issues)
    keep = _kept(packet, ind["id"], out)
    if keep:
        ind["info"] = {"phenopacket": keep}
    return ind, out.issues


def _subject(packet: Phenopacket, out: _Out) -> dict[str, Any]:
    """The individual's id, sex and karyotypic sex."""
    s = packet.subject
    ind: dict[str, Any] = {"id": s.id or packet.id}
    if not s.id:
        out.issues.append(
            F.ID_MISSING(
                f"the phenopacket has no subject.id; the Beacon individual takes the packet id {packet.id!r}",
                pointer="/subject/id",
            )
        )
    sex = Individual.DESCRIPTOR.fields_by_name["sex"].enum_type.values_by_number[s.sex].name
    sid, slabel = SEX_TO_NCIT[sex]
    ind["sex"] = {"id": sid, "label": slabel}
    if s.karyotypic_sex:
        ind["karyotypicSex"] = KARYOTYPES[s.karyotypic_sex]
    return ind


def _actions(packet: Phenopacket, out: _Out) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Procedures and treatments of the medical actions; the other kinds and the action extras are reported."""
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
    return procedures, treatments


def _kept(packet: Phenopacket, individual_id: str, out: _Out) -> dict[str, Any]:
    """What goes to ``info.phenopacket``: everything Beacon has no field for, so phenotk can read it back."""
    keep: dict[str, Any] = {}
    if packet.id and packet.id != individual_id:
        keep["id"] = packet.id
    subject = _d(packet.subject)
    for key in ("id", "sex", "karyotypicSex"):
        subject.pop(key, None)
    if subject:
        keep["subject"] = subject
    for fd, value in packet.ListFields():
        if fd.name in ("interpretations", "biosamples", "files", "meta_data") or fd.json_name in out.lossy:
            keep[fd.json_name] = [_d(v) for v in value] if fd.is_repeated else _d(value)
    return keep


def _dropped(packet: Phenopacket, issues: list[Issue]) -> list[Issue]:
    """Findings for a plain Beacon document: element losses become drops, unmapped top-level fields too."""
    for issue in issues:
        if issue.code == F.FIELD_NOT_CARRIED.code:
            issue.message = issue.message.split("; kept only in")[0] + "; dropped (info output is off)"
    if packet.id and packet.id != (packet.subject.id or packet.id):
        issues.append(
            F.FIELD_NOT_CARRIED(
                f"the packet id {packet.id!r} differs from subject.id; dropped (info output is off)",
                pointer="/id",
                value=packet.id,
            )
        )
    for fd, _ in packet.subject.ListFields():
        if fd.name not in ("id", "sex", "karyotypic_sex"):
            issues.append(
                F.FIELD_NOT_CARRIED(
                    f"Beacon individuals have no subject.{fd.json_name}; dropped (info output is off)",
                    pointer=join("/subject", fd.json_name),
                )
            )
    for fd, _ in packet.ListFields():
        if fd.name in ("interpretations", "biosamples", "files", "meta_data"):
            issues.append(
                F.FIELD_NOT_CARRIED(
                    f"Beacon individuals have no {fd.json_name}; dropped (info output is off)",
                    pointer="/" + fd.json_name,
                )
            )
    return issues
