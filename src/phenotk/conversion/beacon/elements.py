"""Beacon element parsers: one Beacon individual's parts → phenopacket parts, with findings and pointers.

:class:`ElementParser` reads terms, time elements (the schema's flat form and the phenopacket-style wrapped
form of the official examples), quantities, phenotypic features, diseases, procedures, measures, treatments and
sex. A value of the wrong shape is a ``beacon-invalid-value`` finding and is left out; a key with no phenopacket
home is a ``beacon-field-not-carried`` finding that keeps the value.
"""

from __future__ import annotations

import math
import re
from typing import Any

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
    OntologyClass,
    PhenotypicFeature,
    Procedure,
    Quantity,
    ReferenceRange,
    TimeElement,
    TimeInterval,
    Treatment,
    TypedQuantity,
    Value,
)
from phenopackets import Disease as PxDisease

from phenotk.io.sourcemap import join
from phenotk.issue import FindingType, Issue, Severity

from . import findings as F
from .vocab import NCIT_TO_SEX, PATO_TO_SEX, SEX_LABELS

#: An ISO 8601 duration such as P56Y, P3Y6M, P2W, P10D, PT12H (at least one part).
_DURATION = re.compile(r"P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?")


class ElementParser:
    """Reads the parts of one Beacon individual tree, collecting findings (with pointers) and ontology prefixes."""

    def __init__(self, base: str, severity: Severity) -> None:
        self.base = base
        self.severity = severity
        self.issues: list[Issue] = []
        self.prefixes: set[str] = set()

    def note(
        self, kind: FindingType, message: str, pointer: str, severity: Severity | None = None, **context: Any
    ) -> None:
        """Add a finding of ``kind``; its severity is the conversion's unless ``severity`` is given."""
        self.issues.append(kind(message, pointer=pointer, severity=severity or self.severity, **context))

    def not_carried(self, what: str, pointer: str, value: Any) -> None:
        """Report a Beacon value with no phenopacket home (info for tool bookkeeping keys starting with "_")."""
        internal = pointer.rsplit("/", 1)[-1].startswith("_")  # tool bookkeeping such as Convert-Pheno's _visit
        self.note(
            F.FIELD_NOT_CARRIED,
            f"phenopackets have no place for Beacon {what}; not carried (its value is kept in this finding)",
            pointer,
            severity=Severity.INFO if internal else None,
            value=value,
        )

    def bad(self, what: str, pointer: str, value: Any) -> None:
        """Report a value of the wrong shape; it is left out."""
        shown = value if isinstance(value, (str, int, float, bool)) else type(value).__name__
        self.note(F.INVALID_VALUE, f"{what}, found {str(shown)[:80]!r}; dropped", pointer, value=value)

    def items(self, value: Any, ptr: str, what: str) -> list[Any]:
        """``value`` when it is a list; a finding (and no items) for anything else but None."""
        if value is None or isinstance(value, list):
            return value or []
        self.bad(f"expected a list of {what}", ptr, value)
        return []

    def number(self, value: Any, ptr: str) -> float | None:
        """A finite number (not a boolean), else a finding."""
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
        self.bad("expected a finite number", ptr, value)
        return None

    # -- small types

    def term(self, value: Any, ptr: str, what: str = "an ontology term {id, label}") -> OntologyClass | None:
        """An ontology term for ``{id, label}`` (its prefix is remembered for metaData), else a finding."""
        if isinstance(value, dict) and isinstance(value.get("id"), str) and value["id"]:
            label = value.get("label")
            oc = OntologyClass(id=value["id"], label=label if isinstance(label, str) else "")
            if ":" in oc.id:
                self.prefixes.add(oc.id.split(":", 1)[0])
            return oc
        self.bad(f"expected {what}", ptr, value)
        return None

    def timestamp(self, value: Any, ptr: str) -> Timestamp | None:
        """A timestamp for an RFC 3339 string (a date alone is read as midnight UTC), else a finding."""
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
            if _DURATION.fullmatch(value.strip()):  # a bare ISO 8601 age ("P56Y": Progenetix, collectionMoment)
                return TimeElement(age=Age(iso8601duration=value.strip()))
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
            except (TypeError, ValueError, OverflowError):
                self.bad("expected integer weeks/days", ptr, value)
                return None
        if "start" in value and "end" in value:
            return self.span(value["start"], value["end"], ptr)
        if "id" in value:
            oc = self.term(value, ptr)
            return TimeElement(ontology_class=oc) if oc else None
        return self.wrapped_time(value, ptr)

    def span(self, start: Any, end: Any, ptr: str) -> TimeElement | None:
        """``{"start", "end"}``: an age range when the ends are ages, else a timestamp interval."""
        if isinstance(start, dict) or isinstance(end, dict):
            ends = []
            for key, end_ in (("start", start), ("end", end)):
                if end_ is not None and not isinstance(end_, dict):
                    self.bad("expected an age {iso8601duration} (the other end is one)", join(ptr, key), end_)
                    return None
                ends.append(Age(iso8601duration=str((end_ or {}).get("iso8601duration", ""))))
            return TimeElement(age_range=AgeRange(start=ends[0], end=ends[1]))
        s, e = self.timestamp(start, join(ptr, "start")), self.timestamp(end, join(ptr, "end"))
        if s is None or e is None:
            return None
        return TimeElement(interval=TimeInterval(start=s, end=e))

    def wrapped_time(self, value: dict[str, Any], ptr: str) -> TimeElement | None:
        """The phenopacket-style wrapped forms (``{"age": {…}}``, ``{"ageGroup": …}``, ``{"ontologyClass": …}``)."""
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
        """A quantity for ``{unit, value, referenceRange}`` (or one wrapped in ``quantity``), else a finding."""
        if isinstance(value, dict) and "quantity" in value and "value" not in value:
            value, ptr = value["quantity"], join(ptr, "quantity")
        number = value.get("value") if isinstance(value, dict) else None
        if (
            not isinstance(number, (int, float))
            or isinstance(number, bool)
            or not math.isfinite(number)
        ):
            self.bad("expected a quantity {unit, value} with a finite number", ptr, value)
            return None
        q = Quantity(value=float(number))
        unit = value.get("unit", value.get("units"))
        if unit is not None:
            oc = self.term(unit, join(ptr, "unit"))
            if oc:
                q.unit.CopyFrom(oc)
        rr = value.get("referenceRange")
        if isinstance(rr, dict):
            r = ReferenceRange()
            for key in ("low", "high"):
                if rr.get(key) is not None:
                    bound = self.number(rr[key], join(ptr, "referenceRange", key))
                    if bound is not None:
                        setattr(r, key, bound)
            if rr.get("unit") is not None:
                oc = self.term(rr["unit"], join(ptr, "referenceRange", "unit"))
                if oc:
                    r.unit.CopyFrom(oc)
            q.reference_range.CopyFrom(r)
        elif rr is not None:
            self.bad("expected a reference range {unit, low, high}", join(ptr, "referenceRange"), rr)
        return q

    def rest(self, obj: dict[str, Any], known: set[str], ptr: str, what: str) -> None:
        """Report every non-empty key of ``obj`` that is not in ``known``."""
        for key, value in obj.items():
            if key not in known and value not in (None, "", [], {}):
                self.not_carried(f"{what}.{key}", join(ptr, key), value)

    # -- elements

    def feature(self, f: Any, ptr: str) -> PhenotypicFeature | None:
        """A phenotypic feature for a Beacon one (``featureType``; evidence as an object or a list)."""
        if not isinstance(f, dict):
            self.bad("expected a phenotypic feature object", ptr, f)
            return None
        code = f.get("featureType", f.get("type"))
        oc = self.term(code, join(ptr, "featureType"))
        if oc is None:
            return None
        excluded = self.excluded(f, ptr)
        if excluded is None:
            return None
        out = PhenotypicFeature(type=oc, excluded=excluded)
        if f.get("severity") is not None:
            sev = self.term(f["severity"], join(ptr, "severity"))
            if sev:
                out.severity.CopyFrom(sev)
        for i, m in enumerate(self.items(f.get("modifiers"), join(ptr, "modifiers"), "modifier terms")):
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
        """A disease for a Beacon one (``diseaseCode``, ``ageOfOnset``, ``stage`` and the extra properties)."""
        if not isinstance(d, dict):
            self.bad("expected a disease object", ptr, d)
            return None
        oc = self.term(d.get("diseaseCode", d.get("term")), join(ptr, "diseaseCode"))
        if oc is None:
            return None
        excluded = self.excluded(d, ptr)
        if excluded is None:
            return None
        out = PxDisease(term=oc, excluded=excluded)
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
        """A procedure for a Beacon intervention or procedure."""
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
        if p.get("dateOfProcedure") is not None:
            if out.HasField("performed"):  # one performed time: the age is kept, the date goes to a finding
                what = "procedure.dateOfProcedure next to ageAtProcedure (a procedure has one performed time)"
                self.not_carried(what, join(ptr, "dateOfProcedure"), p["dateOfProcedure"])
            else:
                t = self.time(str(p["dateOfProcedure"]), join(ptr, "dateOfProcedure"))
                if t:
                    out.performed.CopyFrom(t)
        self.rest(p, {"procedureCode", "bodySite", "ageAtProcedure", "dateOfProcedure"}, ptr, "procedure")
        return out

    def measure(self, m: Any, ptr: str) -> Measurement | None:
        """A measurement for a Beacon measure."""
        if not isinstance(m, dict):
            self.bad("expected a measure object", ptr, m)
            return None
        oc = self.term(m.get("assayCode"), join(ptr, "assayCode"))
        if oc is None:
            return None
        out = Measurement(assay=oc)
        self.measurement_value(m.get("measurementValue"), join(ptr, "measurementValue"), out)
        self.observation(m, ptr, out)
        if isinstance(m.get("notes"), str):
            out.description = m["notes"]
        if m.get("procedure") is not None:
            p = self.procedure(m["procedure"], join(ptr, "procedure"))
            if p:
                out.procedure.CopyFrom(p)
        known = {"assayCode", "measurementValue", "observationMoment", "timeObserved", "date", "notes", "procedure"}
        self.rest(m, known, ptr, "measure")
        return out

    def measurement_value(self, mv: Any, vptr: str, out: Measurement) -> None:
        """Typed quantities, a term (plain or wrapped in ``ontologyClass``) or a quantity, into ``out``.

        A list of values (EGA beacon2-pi-api test data writes ``measurementValue: [{unit, value, …}]``): its first
        item is the value; a phenopacket measurement has one, so further items are reported, not carried.
        """
        if isinstance(mv, list) and mv:
            self.note(F.LEGACY_FIELD, f"measurementValue is a list of {len(mv)}; its first item read as the value",
                      vptr, severity=Severity.INFO)
            for i in range(1, len(mv)):
                self.not_carried("measure.measurementValue (a measurement has one value)", join(vptr, i), mv[i])
            self.measurement_value(mv[0], join(vptr, 0), out)
            return
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

    def observation(self, m: dict[str, Any], ptr: str, out: Measurement) -> None:
        """``observationMoment`` (or a phenopacket-style ``timeObserved``, or a ``date``) → ``timeObserved``."""
        moment_key = "observationMoment" if m.get("observationMoment") is not None else "timeObserved"
        if m.get(moment_key) is not None:
            if moment_key == "timeObserved":
                self.note(
                    F.LEGACY_FIELD,
                    "phenopacket-style 'timeObserved' read as observationMoment",
                    join(ptr, moment_key),
                    severity=Severity.INFO,
                )
            elif m.get("timeObserved") not in (None, m["observationMoment"]):
                self.note(
                    F.LEGACY_FIELD,
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

    def treatment(self, t: Any, ptr: str) -> Treatment | None:
        """A treatment for a Beacon one."""
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
        for i, di in enumerate(self.items(t.get("doseIntervals"), join(ptr, "doseIntervals"), "dose intervals")):
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
        """The Sex enum number for a Beacon sex term (or a phenopacket-style enum name)."""
        enum = Individual.DESCRIPTOR.fields_by_name["sex"].enum_type
        if isinstance(value, str) and value in enum.values_by_name:
            return int(enum.values_by_name[value].number)  # a phenopacket-style enum name
        if isinstance(value, str) and value.strip().lower() in SEX_LABELS:
            word = SEX_LABELS[value.strip().lower()]
            self.note(F.SEX_TERM, f"sex is the word {value!r}, not a term; read as {word}", ptr, severity=Severity.INFO)
            return int(enum.values_by_name[word].number)
        if isinstance(value, dict):
            sid = str(value.get("id", ""))
            label = str(value.get("label", "")).strip().lower()
            name = NCIT_TO_SEX.get(sid) or PATO_TO_SEX.get(sid) or SEX_LABELS.get(label)
            if name:
                if sid not in NCIT_TO_SEX:
                    how = f"read by its label {label!r}" if sid not in PATO_TO_SEX else f"({label or 'PATO'}) read"
                    self.note(F.SEX_TERM, f"sex {sid!r} {how} as {name}", ptr, severity=Severity.INFO)
                return int(enum.values_by_name[name].number)
            what = f"{sid} {label!r}".strip() if sid or label else "a term without id or label"
            self.note(
                F.INVALID_VALUE,
                f"sex {what} is not a known sex term (NCIT:C16576 female, NCIT:C20197 male, NCIT:C17998 "
                "unknown); dropped",
                ptr,
                value=value,
            )
            return 0
        self.bad("expected a sex term (NCIT:C16576 female, NCIT:C20197 male, NCIT:C17998 unknown)", ptr, value)
        return 0

    def excluded(self, item: dict[str, Any], ptr: str) -> bool | None:
        """``excluded`` as a bool; "true"/"false" strings are read with a finding; None when it is unreadable."""
        value = item.get("excluded")
        if value is None or isinstance(value, bool):
            return bool(value)
        text = str(value).strip().lower()
        if text in ("true", "false", "yes", "no"):
            read = text in ("true", "yes")
            self.note(
                F.INVALID_VALUE,
                f"excluded is the string {value!r}, not a boolean; read as {str(read).lower()}",
                join(ptr, "excluded"),
                severity=Severity.INFO,
                value=value,
            )
            return read
        self.bad(
            "expected excluded to be true or false (presence unknown: the item is left out)",
            join(ptr, "excluded"),
            value,
        )
        return None
