"""Phenopacket schema v1 (and pre-1.0) → v2.

The input tree is checked field by field against the v1 protobuf descriptors (``phenopackets.schema.v1``):
unknown fields and values of the wrong type become findings and are left out, then the cleaned tree is parsed
strictly into v1 messages. The v1 messages are converted field by field; every v1 field that is set but has no
v2 home is reported by :meth:`_Upgrader.rest`, so nothing is dropped without a finding naming it.

Genes and variants: v2 keeps them only inside ``interpretations``. With ``variants_to_interpretations`` they
become one interpretation per packet whose diagnosis is the packet's disease (or ``disease`` when it has several);
without it they are reported as not carried.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from phenopackets import (
    Age,
    AgeRange,
    Biosample,
    Cohort,
    Diagnosis,
    Disease,
    Evidence,
    Expression,
    ExternalReference,
    Family,
    File,
    GeneDescriptor,
    GenomicInterpretation,
    Individual,
    Interpretation,
    MetaData,
    OntologyClass,
    Phenopacket,
    PhenotypicFeature,
    Procedure,
    Resource,
    TimeElement,
    Update,
    VariantInterpretation,
    VariationDescriptor,
    VcfRecord,
)
from phenopackets.schema.v1 import base_pb2 as v1b
from phenopackets.schema.v1 import interpretation_pb2 as v1i
from phenopackets.schema.v1 import phenopackets_pb2 as v1p

from phenotk.errors import InputError
from phenotk.io import load_tree, read
from phenotk.io.document import Format
from phenotk.io.sniff import detect_version, sniff_format
from phenotk.io.sourcemap import SourceMap, join, split
from phenotk.issue import Issue, Severity

from .pre1 import normalise_pre1

#: Schema version written into upgraded documents (the version of the bundled ``phenopackets`` classes).
V2_SCHEMA_VERSION = "2.0.2"

PROGRESS_STATUSES = tuple(v.name for v in Interpretation.ProgressStatus.DESCRIPTOR.values)
INTERPRETATION_STATUSES = tuple(v.name for v in GenomicInterpretation.InterpretationStatus.DESCRIPTOR.values)

_V1_RESOLUTION = {
    "UNKNOWN": "UNKNOWN_PROGRESS",
    "SOLVED": "SOLVED",
    "UNSOLVED": "UNSOLVED",
    "IN_PROGRESS": "IN_PROGRESS",
}
_V1_GI_STATUS = {
    "UNKNOWN": "UNKNOWN_STATUS",
    "REJECTED": "REJECTED",
    "CANDIDATE": "CANDIDATE",
    "CAUSATIVE": "CAUSATIVE",
}

#: Field names used by v1 release candidates and pre-1.0 writers → the v1 1.0 field name.
_ALIASES: dict[tuple[str, str], str] = {
    ("org.phenopackets.schema.v1.core.Disease", "tumorStage"): "disease_stage",
    ("org.phenopackets.schema.v1.core.Disease", "tumor_stage"): "disease_stage",
    ("org.phenopackets.schema.v1.core.Variant", "genotype"): "zygosity",
}


@dataclass
class UpgradeOptions:
    """Choices the v1 → v2 upgrade cannot make from the data alone."""

    #: Turn v1 ``genes``/``variants`` into a v2 interpretation (needs a disease).
    variants_to_interpretations: bool = False
    #: Disease id for that interpretation when a packet has several diseases (or none).
    disease: str | None = None
    #: ``Interpretation.progressStatus`` of the created interpretation.
    progress_status: str = "SOLVED"
    #: ``GenomicInterpretation.interpretationStatus`` of each gene/variant in it.
    interpretation_status: str = "CAUSATIVE"

    def __post_init__(self) -> None:
        self.progress_status = self.progress_status.upper()
        self.interpretation_status = self.interpretation_status.upper()
        from phenotk.errors import UsageError

        if self.progress_status not in PROGRESS_STATUSES:
            raise UsageError(
                f"unknown progress status {self.progress_status!r}; use one of {', '.join(PROGRESS_STATUSES)}"
            )
        if self.interpretation_status not in INTERPRETATION_STATUSES:
            raise UsageError(
                f"unknown interpretation status {self.interpretation_status!r}; "
                f"use one of {', '.join(INTERPRETATION_STATUSES)}"
            )


def _issue(code: str, rule: str, severity: Severity, message: str, pointer: str, **context: Any) -> Issue:
    return Issue(code=code, rule=rule, severity=severity, message=message, pointer=pointer, context=context)


def _not_carried(message: str, pointer: str, **context: Any) -> Issue:
    return _issue("UPG002", "v1-field-not-carried", Severity.WARNING, message, pointer, **context)


# ---------------------------------------------------------------- strict v1 parse with findings


@dataclass
class _Cleaner:
    """Walks a tree against a v1 descriptor, keeping only what the descriptor allows (json names)."""

    issues: list[Issue] = field(default_factory=list)
    #: normalised pointer (json names) → pointer as written in the input
    pointers: dict[str, str] = field(default_factory=dict)

    def message(self, tree: dict[str, Any], desc: Descriptor, norm: str, orig: str) -> dict[str, Any]:
        self.pointers[norm] = orig
        by_name = {**{f.name: f for f in desc.fields}, **{f.json_name: f for f in desc.fields}}
        out: dict[str, Any] = {}
        for key, value in tree.items():
            fd = by_name.get(key)
            optr = join(orig, key)
            if fd is None:
                alias = _ALIASES.get((desc.full_name, key))
                if alias is not None:
                    fd = desc.fields_by_name[alias]
                    self.issues.append(
                        _issue(
                            "UPG003",
                            "v1-legacy-field-name",
                            Severity.INFO,
                            f"'{key}' (a pre-release name) read as '{fd.json_name}'",
                            optr,
                        )
                    )
                else:
                    empty = value in (None, "", [], {})
                    self.issues.append(
                        _issue(
                            "UPG001",
                            "v1-unknown-field",
                            Severity.INFO if empty else Severity.WARNING,
                            f"'{key}' is not a field of v1 {desc.name}; dropped" + (" (it was empty)" if empty else ""),
                            optr,
                            value=value,
                        )
                    )
                    continue
            if value is None:
                continue
            nptr = join(norm, fd.json_name)
            cleaned = self.value(value, fd, nptr, optr)
            if cleaned is not _DROP:
                out[fd.json_name] = cleaned
        return out

    def value(self, value: Any, fd: FieldDescriptor, norm: str, orig: str) -> Any:
        self.pointers[norm] = orig
        mt = fd.message_type
        if mt is not None and mt.GetOptions().map_entry:
            if not isinstance(value, dict):
                return self.bad(value, fd, orig, "an object")
            return {str(k): str(v) for k, v in value.items() if v is not None}
        if fd.is_repeated:
            if not isinstance(value, list):
                return self.bad(value, fd, orig, "a list")
            items = []
            for i, item in enumerate(value):
                cleaned = self.single(item, fd, join(norm, i), join(orig, i))
                if cleaned is not _DROP:
                    items.append(cleaned)
            return items
        return self.single(value, fd, norm, orig)

    def single(self, value: Any, fd: FieldDescriptor, norm: str, orig: str) -> Any:
        self.pointers[norm] = orig
        mt = fd.message_type
        if mt is not None:
            if mt.full_name == "google.protobuf.Timestamp":
                if not isinstance(value, str):
                    return self.bad(value, fd, orig, "an RFC 3339 timestamp string")
                try:
                    Timestamp().FromJsonString(value)
                except ValueError:
                    return self.bad(value, fd, orig, "an RFC 3339 timestamp such as 2019-11-12T13:47:51Z")
                return value
            if not isinstance(value, dict):
                return self.bad(value, fd, orig, "an object")
            return self.message(value, mt, norm, orig)
        if fd.enum_type is not None:
            names = {v.name for v in fd.enum_type.values}
            if isinstance(value, str) and value in names:
                return value
            if isinstance(value, int) and not isinstance(value, bool) and fd.enum_type.values_by_number.get(value):
                return value
            return self.bad(value, fd, orig, "one of " + ", ".join(sorted(names)))
        if fd.type == FieldDescriptor.TYPE_STRING:
            if isinstance(value, str):
                return value
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return str(value)
            return self.bad(value, fd, orig, "a string")
        if fd.type == FieldDescriptor.TYPE_BOOL:
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "false"):
                self.issues.append(
                    _issue(
                        "UPG007",
                        "v1-invalid-value",
                        Severity.INFO,
                        f"'{fd.json_name}' is the string {value!r}; read as the boolean {value.lower()}",
                        orig,
                    )
                )
                return value.lower() == "true"
            return self.bad(value, fd, orig, "true or false")
        if fd.cpp_type in (FieldDescriptor.CPPTYPE_INT32, FieldDescriptor.CPPTYPE_INT64):
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lstrip("-").isdigit():
                return int(value)
            return self.bad(value, fd, orig, "an integer")
        return value

    def bad(self, value: Any, fd: FieldDescriptor, orig: str, expected: str) -> Any:
        shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
        self.issues.append(
            _issue(
                "UPG007",
                "v1-invalid-value",
                Severity.WARNING,
                f"'{fd.json_name}' should be {expected}, found {shown[:80]}; dropped",
                orig,
                value=value,
            )
        )
        return _DROP


_DROP = object()


def _v1_class(tree: dict[str, Any]) -> type[Message]:
    if isinstance(tree.get("phenopacket"), dict) or isinstance(tree.get("family"), dict) or "diagnosis" in tree:
        return v1i.Interpretation
    if "members" in tree:
        return v1p.Cohort
    if "proband" in tree or "relatives" in tree or "pedigree" in tree:
        return v1p.Family
    return v1p.Phenopacket


# ---------------------------------------------------------------- v1 message → v2 message


def _oc(term: v1b.OntologyClass) -> OntologyClass:
    return OntologyClass(id=term.id, label=term.label)


def _age(age: v1b.Age) -> TimeElement:
    return TimeElement(age=Age(iso8601duration=age.age))


def _age_range(rng: v1b.AgeRange) -> TimeElement:
    return TimeElement(
        age_range=AgeRange(start=Age(iso8601duration=rng.start.age), end=Age(iso8601duration=rng.end.age))
    )


def _to_dict(msg: Message) -> Any:
    return json_format.MessageToDict(msg)


class _Upgrader:
    def __init__(self, options: UpgradeOptions) -> None:
        self.options = options
        self.issues: list[Issue] = []

    # -- bookkeeping

    def rest(self, msg: Message, handled: set[str], ptr: str) -> None:
        """A finding for every set field of ``msg`` that the conversion did not use."""
        for fd, value in msg.ListFields():
            if fd.name in handled:
                continue
            shown: Any
            if fd.message_type is not None:
                shown = [_to_dict(v) for v in value] if fd.is_repeated else _to_dict(value)
            else:
                shown = list(value) if fd.is_repeated else value
            self.issues.append(
                _not_carried(
                    f"v1 {msg.DESCRIPTOR.name}.{fd.json_name} has no Phenopacket v2 counterpart; dropped",
                    join(ptr, fd.json_name),
                    value=shown,
                )
            )

    # -- small types

    def evidence(self, ev: v1b.Evidence) -> Evidence:
        out = Evidence()
        if ev.HasField("evidence_code"):
            out.evidence_code.CopyFrom(_oc(ev.evidence_code))
        if ev.HasField("reference"):
            out.reference.CopyFrom(ExternalReference(id=ev.reference.id, description=ev.reference.description))
        return out

    def feature(self, f: v1b.PhenotypicFeature, ptr: str) -> PhenotypicFeature:
        out = PhenotypicFeature(description=f.description, excluded=f.negated)
        if f.HasField("type"):
            out.type.CopyFrom(_oc(f.type))
        if f.HasField("severity"):
            out.severity.CopyFrom(_oc(f.severity))
        out.modifiers.extend(_oc(m) for m in f.modifiers)
        onset = f.WhichOneof("onset")
        if onset == "age_of_onset":
            out.onset.CopyFrom(_age(f.age_of_onset))
        elif onset == "age_range_of_onset":
            out.onset.CopyFrom(_age_range(f.age_range_of_onset))
        elif onset == "class_of_onset":
            out.onset.CopyFrom(TimeElement(ontology_class=_oc(f.class_of_onset)))
        out.evidence.extend(self.evidence(e) for e in f.evidence)
        self.rest(f, {"description", "type", "negated", "severity", "modifiers", "evidence", onset or ""}, ptr)
        return out

    def individual(self, ind: v1b.Individual, ptr: str) -> Individual:
        out = Individual(id=ind.id, alternate_ids=list(ind.alternate_ids))
        if ind.HasField("date_of_birth"):
            out.date_of_birth.CopyFrom(ind.date_of_birth)
        age = ind.WhichOneof("age")
        if age is not None:
            time = (
                _age(ind.age_at_collection) if age == "age_at_collection" else _age_range(ind.age_range_at_collection)
            )
            out.time_at_last_encounter.CopyFrom(time)
            name = "ageAtCollection" if age == "age_at_collection" else "ageRangeAtCollection"
            self.issues.append(
                _issue(
                    "UPG009",
                    "v1-meaning-changed",
                    Severity.INFO,
                    f"v1 subject.{name} became subject.timeAtLastEncounter (v2 has no age at collection)",
                    join(ptr, name),
                )
            )
        out.sex = ind.sex  # same enum numbers in v1 and v2
        out.karyotypic_sex = ind.karyotypic_sex
        if ind.HasField("taxonomy"):
            out.taxonomy.CopyFrom(_oc(ind.taxonomy))
        self.rest(ind, {"id", "alternate_ids", "date_of_birth", "sex", "karyotypic_sex", "taxonomy", age or ""}, ptr)
        return out

    def disease(self, d: v1b.Disease, ptr: str) -> Disease:
        out = Disease()
        if d.HasField("term"):
            out.term.CopyFrom(_oc(d.term))
        onset = d.WhichOneof("onset")
        if onset == "age_of_onset":
            out.onset.CopyFrom(_age(d.age_of_onset))
        elif onset == "age_range_of_onset":
            out.onset.CopyFrom(_age_range(d.age_range_of_onset))
        elif onset == "class_of_onset":
            out.onset.CopyFrom(TimeElement(ontology_class=_oc(d.class_of_onset)))
        out.disease_stage.extend(_oc(s) for s in d.disease_stage)
        out.clinical_tnm_finding.extend(_oc(s) for s in d.tnm_finding)
        self.rest(d, {"term", "disease_stage", "tnm_finding", onset or ""}, ptr)
        return out

    def file(self, h: v1b.HtsFile, ptr: str) -> File:
        out = File(uri=h.uri)
        out.individual_to_file_identifiers.update(dict(h.individual_to_sample_identifiers))
        if h.genome_assembly:
            out.file_attributes["genomeAssembly"] = h.genome_assembly
        if h.hts_format:
            out.file_attributes["fileFormat"] = v1b.HtsFile.HtsFormat.Name(h.hts_format).lower()
        if h.description:
            out.file_attributes["description"] = h.description
        self.rest(h, {"uri", "individual_to_sample_identifiers", "genome_assembly", "hts_format", "description"}, ptr)
        return out

    def meta(self, m: v1b.MetaData, ptr: str) -> MetaData:
        out = MetaData(created_by=m.created_by, submitted_by=m.submitted_by)
        if m.HasField("created"):
            out.created.CopyFrom(m.created)
        for r in m.resources:
            out.resources.append(
                Resource(
                    id=r.id,
                    name=r.name,
                    url=r.url,
                    version=r.version,
                    namespace_prefix=r.namespace_prefix,
                    iri_prefix=r.iri_prefix,
                )
            )
        for u in m.updates:
            upd = Update(updated_by=u.updated_by, comment=u.comment)
            if u.HasField("timestamp"):
                upd.timestamp.CopyFrom(u.timestamp)
            out.updates.append(upd)
        out.external_references.extend(
            ExternalReference(id=e.id, description=e.description) for e in m.external_references
        )
        declared = m.phenopacket_schema_version
        out.phenopacket_schema_version = V2_SCHEMA_VERSION
        if declared and not declared.startswith(("1", "0")):
            self.issues.append(
                _issue(
                    "UPG010",
                    "v1-schema-version",
                    Severity.INFO,
                    f"declared phenopacketSchemaVersion {declared!r} is not a v1 version; "
                    f"replaced by {V2_SCHEMA_VERSION}",
                    join(ptr, "phenopacketSchemaVersion"),
                )
            )
        self.rest(
            m,
            {
                "created",
                "created_by",
                "submitted_by",
                "resources",
                "updates",
                "external_references",
                "phenopacket_schema_version",
            },
            ptr,
        )
        return out

    def gene(self, g: v1b.Gene, ptr: str) -> GeneDescriptor:
        self.rest(g, {"id", "symbol", "alternate_ids"}, ptr)
        return GeneDescriptor(value_id=g.id, symbol=g.symbol, alternate_ids=list(g.alternate_ids))

    def variant(self, v: v1b.Variant, ptr: str) -> VariationDescriptor:
        out = VariationDescriptor()
        allele = v.WhichOneof("allele")
        if allele == "hgvs_allele":
            out.id = v.hgvs_allele.id
            out.expressions.append(Expression(syntax="hgvs", value=v.hgvs_allele.hgvs))
        elif allele == "vcf_allele":
            a = v.vcf_allele
            out.id = a.id if a.id and not a.id.lower().startswith(("hg", "grch")) else ""
            assembly = a.genome_assembly or (a.id if a.id.lower().startswith(("hg", "grch")) else "")
            out.vcf_record.CopyFrom(
                VcfRecord(
                    genome_assembly=assembly,
                    chrom=a.chr,
                    pos=max(a.pos, 0),
                    id=out.id,
                    ref=a.ref,
                    alt=a.alt,
                    info=a.info,
                )
            )
            if a.id and not out.id:
                self.issues.append(
                    _issue(
                        "UPG003",
                        "v1-legacy-field-name",
                        Severity.INFO,
                        f"vcfAllele.id {a.id!r} names a genome assembly; it became vcfRecord.genomeAssembly",
                        join(ptr, "vcfAllele", "id"),
                    )
                )
            self.rest(a, {"id", "genome_assembly", "chr", "pos", "ref", "alt", "info"}, join(ptr, "vcfAllele"))
        elif allele == "spdi_allele":
            s = v.spdi_allele
            out.id = s.id
            value = f"{s.seq_id}:{s.position}:{s.deleted_sequence}:{s.inserted_sequence}"
            out.expressions.append(Expression(syntax="spdi", value=value))
        elif allele == "iscn_allele":
            out.id = v.iscn_allele.id
            out.expressions.append(Expression(syntax="iscn", value=v.iscn_allele.iscn))
        if v.HasField("zygosity"):
            out.allelic_state.CopyFrom(_oc(v.zygosity))
        self.rest(v, {"zygosity", allele or ""}, ptr)
        return out

    def procedure(self, p: v1b.Procedure, ptr: str) -> Procedure:
        out = Procedure()
        if p.HasField("code"):
            out.code.CopyFrom(_oc(p.code))
        if p.HasField("body_site"):
            out.body_site.CopyFrom(_oc(p.body_site))
        self.rest(p, {"code", "body_site"}, ptr)
        return out

    def biosample(self, b: v1b.Biosample, ptr: str, calls: list[_Call]) -> Biosample:
        out = Biosample(id=b.id, individual_id=b.individual_id, description=b.description)
        for name in ("sampled_tissue", "taxonomy", "histological_diagnosis", "tumor_progression", "tumor_grade"):
            if b.HasField(name):
                getattr(out, name).CopyFrom(_oc(getattr(b, name)))
        out.phenotypic_features.extend(
            self.feature(f, join(ptr, "phenotypicFeatures", i)) for i, f in enumerate(b.phenotypic_features)
        )
        age = b.WhichOneof("individual_age_at_collection")
        if age == "age_of_individual_at_collection":
            out.time_of_collection.CopyFrom(_age(b.age_of_individual_at_collection))
        elif age == "age_range_of_individual_at_collection":
            out.time_of_collection.CopyFrom(_age_range(b.age_range_of_individual_at_collection))
        out.diagnostic_markers.extend(_oc(m) for m in b.diagnostic_markers)
        if b.HasField("procedure"):
            out.procedure.CopyFrom(self.procedure(b.procedure, join(ptr, "procedure")))
        out.files.extend(self.file(h, join(ptr, "htsFiles", i)) for i, h in enumerate(b.hts_files))
        for i, v in enumerate(b.variants):
            calls.append(_Call(v, join(ptr, "variants", i), b.id or b.individual_id))
        handled = {
            "id",
            "individual_id",
            "description",
            "sampled_tissue",
            "taxonomy",
            "histological_diagnosis",
            "tumor_progression",
            "tumor_grade",
            "phenotypic_features",
            "diagnostic_markers",
            "procedure",
            "hts_files",
            "variants",
            age or "",
        }
        self.rest(b, handled, ptr)
        return out

    # -- elements

    def phenopacket(self, p: v1p.Phenopacket, ptr: str, *, top: bool) -> Phenopacket:
        out = Phenopacket(id=p.id)
        if p.HasField("subject"):
            out.subject.CopyFrom(self.individual(p.subject, join(ptr, "subject")))
        out.phenotypic_features.extend(
            self.feature(f, join(ptr, "phenotypicFeatures", i)) for i, f in enumerate(p.phenotypic_features)
        )
        calls: list[_Call] = [_Call(v, join(ptr, "variants", i), p.subject.id) for i, v in enumerate(p.variants)]
        out.biosamples.extend(self.biosample(b, join(ptr, "biosamples", i), calls) for i, b in enumerate(p.biosamples))
        out.diseases.extend(self.disease(d, join(ptr, "diseases", i)) for i, d in enumerate(p.diseases))
        out.files.extend(self.file(h, join(ptr, "htsFiles", i)) for i, h in enumerate(p.hts_files))
        if p.HasField("meta_data"):
            out.meta_data.CopyFrom(self.meta(p.meta_data, join(ptr, "metaData")))
        elif top:
            out.meta_data.phenopacket_schema_version = V2_SCHEMA_VERSION
            self.missing_meta(ptr)
        genes = [(g, join(ptr, "genes", i)) for i, g in enumerate(p.genes)]
        self.interpret(out, genes, calls, ptr)
        self.rest(
            p,
            {
                "id",
                "subject",
                "phenotypic_features",
                "biosamples",
                "genes",
                "variants",
                "diseases",
                "hts_files",
                "meta_data",
            },
            ptr,
        )
        return out

    def missing_meta(self, ptr: str) -> None:
        self.issues.append(
            _issue(
                "UPG011",
                "v1-metadata-missing",
                Severity.WARNING,
                f"the v1 document has no metaData; added one with only phenopacketSchemaVersion {V2_SCHEMA_VERSION} "
                "(add created, createdBy and resources)",
                join(ptr, "metaData") if ptr else "",
            )
        )

    def interpret(self, out: Phenopacket, genes: list[tuple[v1b.Gene, str]], calls: list[_Call], ptr: str) -> None:
        """v1 genes/variants → one v2 interpretation (or findings when that is not possible or not asked)."""
        if not genes and not calls:
            return
        opts = self.options
        reason = None
        term: OntologyClass | None = None
        if not opts.variants_to_interpretations:
            reason = (
                "v2 keeps genes and variants only inside interpretations; rerun with --variants-to-interpretations "
                "to keep it"
            )
        else:
            terms = [d.term for d in out.diseases if d.term.id]
            if opts.disease:
                match = [t for t in terms if t.id == opts.disease]
                term = match[0] if match else OntologyClass(id=opts.disease)
                if not match:
                    self.issues.append(
                        _issue(
                            "UPG005",
                            "v1-interpretation-made",
                            Severity.INFO,
                            f"disease {opts.disease} (from --disease) is not among this packet's diseases; used "
                            "without a label",
                            join(ptr, "diseases"),
                        )
                    )
            elif len(terms) == 1:
                term = terms[0]
            elif not terms:
                reason = "there is no disease to make an interpretation for; pass --disease ID"
            else:
                ids = ", ".join(t.id for t in terms)
                reason = f"{len(terms)} diseases ({ids}); choose the diagnosis with --disease ID"
        if reason is not None or term is None:
            code, rule = (
                ("UPG002", "v1-field-not-carried")
                if not opts.variants_to_interpretations
                else (
                    "UPG004",
                    "v1-variants-need-disease",
                )
            )
            for g, gptr in genes:
                self.issues.append(
                    _issue(
                        code,
                        rule,
                        Severity.WARNING,
                        f"v1 gene {g.id} {g.symbol} not carried: {reason}",
                        gptr,
                        value=_to_dict(g),
                    )
                )
            for call in calls:
                self.issues.append(
                    _issue(
                        code,
                        rule,
                        Severity.WARNING,
                        f"v1 variant {_describe(call.variant)} not carried: {reason}",
                        call.pointer,
                        value=_to_dict(call.variant),
                    )
                )
            return
        gis: list[GenomicInterpretation] = []
        status = GenomicInterpretation.InterpretationStatus.Value(opts.interpretation_status)
        gene_context = None
        if len(genes) == 1 and calls:
            gene_context = self.gene(*genes[0])
            genes = []
        for g, gptr in genes:
            gis.append(
                GenomicInterpretation(
                    subject_or_biosample_id=out.subject.id, interpretation_status=status, gene=self.gene(g, gptr)
                )
            )
        for call in calls:
            vd = self.variant(call.variant, call.pointer)
            if gene_context is not None:
                vd.gene_context.CopyFrom(gene_context)
            gis.append(
                GenomicInterpretation(
                    subject_or_biosample_id=call.owner,
                    interpretation_status=status,
                    variant_interpretation=VariantInterpretation(variation_descriptor=vd),
                )
            )
        interp = Interpretation(
            id=out.id or out.subject.id,
            progress_status=Interpretation.ProgressStatus.Value(opts.progress_status),
            diagnosis=Diagnosis(disease=term, genomic_interpretations=gis),
        )
        out.interpretations.append(interp)
        self.issues.append(
            _issue(
                "UPG005",
                "v1-interpretation-made",
                Severity.INFO,
                f"{len(genes) + (1 if gene_context else 0)} gene(s) and {len(calls)} variant(s) became interpretation "
                f"{interp.id!r} for {term.id}: progressStatus {opts.progress_status}, each "
                f"{opts.interpretation_status} (v1 states neither; change with --status / --interpretation-status)",
                ptr,
            )
        )

    def family(self, f: v1p.Family, ptr: str) -> Family:
        out = Family(id=f.id)
        if f.HasField("proband"):
            out.proband.CopyFrom(self.phenopacket(f.proband, join(ptr, "proband"), top=False))
        out.relatives.extend(
            self.phenopacket(r, join(ptr, "relatives", i), top=False) for i, r in enumerate(f.relatives)
        )
        if f.HasField("pedigree"):
            for person in f.pedigree.persons:
                p = out.pedigree.persons.add()
                p.family_id, p.individual_id = person.family_id, person.individual_id
                p.paternal_id, p.maternal_id = person.paternal_id, person.maternal_id
                p.sex = person.sex
                p.affected_status = person.affected_status
        out.files.extend(self.file(h, join(ptr, "htsFiles", i)) for i, h in enumerate(f.hts_files))
        if f.HasField("meta_data"):
            out.meta_data.CopyFrom(self.meta(f.meta_data, join(ptr, "metaData")))
        else:
            out.meta_data.phenopacket_schema_version = V2_SCHEMA_VERSION
            self.missing_meta(ptr)
        self.rest(f, {"id", "proband", "relatives", "pedigree", "hts_files", "meta_data"}, ptr)
        return out

    def cohort(self, c: v1p.Cohort, ptr: str) -> Cohort:
        out = Cohort(id=c.id, description=c.description)
        out.members.extend(self.phenopacket(m, join(ptr, "members", i), top=False) for i, m in enumerate(c.members))
        out.files.extend(self.file(h, join(ptr, "htsFiles", i)) for i, h in enumerate(c.hts_files))
        if c.HasField("meta_data"):
            out.meta_data.CopyFrom(self.meta(c.meta_data, join(ptr, "metaData")))
        else:
            out.meta_data.phenopacket_schema_version = V2_SCHEMA_VERSION
            self.missing_meta(ptr)
        self.rest(c, {"id", "description", "members", "hts_files", "meta_data"}, ptr)
        return out

    def wrapper(self, w: v1i.Interpretation) -> Message:
        """A v1 ``Interpretation`` wrapping a phenopacket or family → that element with v2 interpretations."""
        result: Phenopacket | Family
        if w.HasField("family"):
            result = self.family(w.family, "/family")
            target, tptr = result.proband, "/family/proband"
        else:
            result = self.phenopacket(w.phenopacket, "/phenopacket", top=False)
            target, tptr = result, "/phenopacket"
        self.issues.append(
            _issue(
                "UPG008",
                "v1-interpretation-wrapper",
                Severity.INFO,
                f"v1 Interpretation {w.id!r} wraps a {'Family' if w.HasField('family') else 'Phenopacket'}; "
                f"its {len(w.diagnosis)} diagnosis(es) became v2 interpretations of {tptr}",
                "",
            )
        )
        known = {d.term.id for d in target.diseases}
        progress = _V1_RESOLUTION[v1i.Interpretation.ResolutionStatus.Name(w.resolution_status)]
        for i, dx in enumerate(w.diagnosis):
            dptr = join("/diagnosis", i)
            interp = Interpretation(
                id=w.id if len(w.diagnosis) == 1 else f"{w.id}-{i + 1}",
                progress_status=Interpretation.ProgressStatus.Value(progress),
            )
            interp.diagnosis.disease.CopyFrom(_oc(dx.disease.term))
            for j, gi in enumerate(dx.genomic_interpretations):
                gptr = join(dptr, "genomicInterpretations", j)
                out = GenomicInterpretation(
                    subject_or_biosample_id=target.subject.id,
                    interpretation_status=GenomicInterpretation.InterpretationStatus.Value(
                        _V1_GI_STATUS[v1i.GenomicInterpretation.Status.Name(gi.status)]
                    ),
                )
                if gi.HasField("gene"):
                    out.gene.CopyFrom(self.gene(gi.gene, join(gptr, "gene")))
                elif gi.HasField("variant"):
                    vd = self.variant(gi.variant, join(gptr, "variant"))
                    out.variant_interpretation.variation_descriptor.CopyFrom(vd)
                self.rest(gi, {"status", "gene", "variant"}, gptr)
                interp.diagnosis.genomic_interpretations.append(out)
            target.interpretations.append(interp)
            if dx.disease.term.id and dx.disease.term.id not in known:
                target.diseases.append(self.disease(dx.disease, join(dptr, "disease")))
                known.add(dx.disease.term.id)
                self.issues.append(
                    _issue(
                        "UPG008",
                        "v1-interpretation-wrapper",
                        Severity.INFO,
                        f"diagnosed disease {dx.disease.term.id} was also added to {tptr}/diseases to keep its onset "
                        "and stage",
                        join(dptr, "disease"),
                    )
                )
            else:
                self.rest(dx.disease, {"term"}, join(dptr, "disease"))
            self.rest(dx, {"disease", "genomic_interpretations"}, dptr)
        if w.HasField("meta_data"):
            self.merge_meta(result.meta_data, w.meta_data)
        if not result.HasField("meta_data"):
            result.meta_data.phenopacket_schema_version = V2_SCHEMA_VERSION
            self.missing_meta("")
        self.rest(w, {"id", "resolution_status", "phenopacket", "family", "diagnosis", "meta_data"}, "")
        return result

    def merge_meta(self, into: MetaData, extra: v1b.MetaData) -> None:
        """Fold the wrapper's metaData into the element's: resources, updates, references; report the rest."""
        converted = self.meta(extra, "/metaData")
        have = {(r.id, r.namespace_prefix) for r in into.resources}
        into.resources.extend(r for r in converted.resources if (r.id, r.namespace_prefix) not in have)
        into.updates.extend(converted.updates)
        refs = {r.id for r in into.external_references}
        into.external_references.extend(r for r in converted.external_references if r.id not in refs)
        if not into.phenopacket_schema_version:
            into.CopyFrom(converted)
            return
        for name, value in (
            ("createdBy", extra.created_by),
            ("submittedBy", extra.submitted_by),
            ("created", extra.created.ToJsonString() if extra.HasField("created") else ""),
        ):
            if value:
                self.issues.append(
                    _not_carried(
                        f"the wrapping Interpretation's metaData.{name} {value!r} has no place (the wrapped "
                        "element keeps its own); dropped",
                        join("/metaData", name),
                        value=value,
                    )
                )


@dataclass
class _Call:
    variant: v1b.Variant
    pointer: str
    owner: str  # subject or biosample id


def _describe(v: v1b.Variant) -> str:
    allele = v.WhichOneof("allele")
    if allele == "hgvs_allele":
        return v.hgvs_allele.hgvs
    if allele == "vcf_allele":
        a = v.vcf_allele
        return f"{a.chr}:{a.pos}{a.ref}>{a.alt}"
    if allele == "spdi_allele":
        s = v.spdi_allele
        return f"{s.seq_id}:{s.position}:{s.deleted_sequence}:{s.inserted_sequence}"
    if allele == "iscn_allele":
        return v.iscn_allele.iscn
    return "(no allele)"


# ---------------------------------------------------------------- entry point


def _translate(pointer: str, table: dict[str, str]) -> str:
    """Map a pointer through ``table`` by its longest known prefix."""
    if pointer in table:
        return table[pointer]
    tokens = split(pointer)
    for cut in range(len(tokens) - 1, -1, -1):
        prefix = "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in tokens[:cut])
        if prefix in table:
            rest = "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in tokens[cut:])
            return table[prefix] + rest
    return pointer


def upgrade(
    source: dict[str, Any] | str | os.PathLike[str] | bytes,
    options: UpgradeOptions | None = None,
    *,
    path: str | None = None,
    **choices: Any,
) -> tuple[Message, list[Issue]]:
    """Upgrade one v1 (or pre-1.0) Phenopacket, Family, Cohort or v1 Interpretation document to v2.

    ``source`` is a parsed tree, a path (JSON or YAML) or bytes. Choices go in ``options`` or as keywords
    (``variants_to_interpretations=True, disease="OMIM:101600", progress_status="SOLVED"``). Returns the v2
    message and the findings (each with a pointer into the input and, for files, line and column). v2 input is
    returned as is with an info finding. Raises :class:`~phenotk.errors.InputError` for documents that cannot
    be upgraded, saying why.
    """
    if options is None:
        options = UpgradeOptions(**choices)
    elif choices:
        from phenotk.errors import UsageError

        raise UsageError("pass either options= or keyword choices to upgrade(), not both")
    text: str | None = None
    fmt: Format | None = None
    if isinstance(source, dict):
        tree: Any = source
        display = path or "<object>"
    else:
        if isinstance(source, bytes):
            raw, display = source, path or "<bytes>"
        else:
            display = os.fspath(source)
            if not os.path.isfile(display):
                raise InputError("no such file", path=display, kind="missing")
            raw = Path(display).read_bytes()
        tree = load_tree(raw, name=display)
        fmt = sniff_format(raw[:4096], display)
        text = raw.decode("utf-8", errors="replace")
    if not isinstance(tree, dict):
        kind = "a JSON array" if isinstance(tree, list) else type(tree).__name__
        raise InputError(
            f"expected a Phenopacket, Family or Cohort object at the top level, found {kind}",
            path=display,
            line=1,
            column=1,
        )
    if not tree:
        raise InputError("empty document: nothing to upgrade", path=display, line=1, column=1)
    version = detect_version(tree)
    if version == "2" and ("resolutionStatus" in tree or "resolution_status" in tree):
        version = "1"  # a v1 Interpretation wrapper whose phenopacket/family is missing or malformed
    if version == "2":
        return read(tree), [
            _issue("UPG000", "already-v2", Severity.INFO, "already a Phenopacket v2 document; nothing to upgrade", "")
        ]
    issues: list[Issue] = []
    moves: dict[str, str] = {}
    if version == "pre-1":
        pre = normalise_pre1(tree, display)
        issues.extend(pre.issues)
        moves = pre.moves
        tree = pre.tree
    cls = _v1_class(tree)
    cleaner = _Cleaner()
    cleaned = cleaner.message(tree, cls.DESCRIPTOR, "", "")  # type: ignore[arg-type]
    v1msg = cls()
    try:
        json_format.ParseDict(cleaned, v1msg)
    except (json_format.ParseError, ValueError, TypeError) as exc:
        raise InputError(f"cannot read this as a Phenopacket v1 {cls.DESCRIPTOR.name}: {exc}", path=display) from None
    up = _Upgrader(options)
    message: Message
    if isinstance(v1msg, v1i.Interpretation):
        if not (v1msg.HasField("phenopacket") or v1msg.HasField("family")):
            raise InputError(
                "v1 Interpretation without a phenopacket or family: there is nothing to upgrade",
                path=display,
                line=1,
                column=1,
                kind="v1",
            )
        message = up.wrapper(v1msg)
    elif isinstance(v1msg, v1p.Cohort):
        message = up.cohort(v1msg, "")
    elif isinstance(v1msg, v1p.Family):
        message = up.family(v1msg, "")
    else:
        assert isinstance(v1msg, v1p.Phenopacket)
        message = up.phenopacket(v1msg, "", top=True)
    declared = ""
    meta = tree.get("metaData") or tree.get("meta_data") or {}
    if isinstance(meta, dict):
        declared = str(meta.get("phenopacketSchemaVersion", meta.get("phenopacket_schema_version", "")))
    label = "pre-1.0" if version == "pre-1" else "v1"
    summary = _issue(
        "UPG000",
        "upgraded",
        Severity.INFO,
        f"upgraded a Phenopacket {label} {type(message).__name__}"
        + (f" (declared schema {declared})" if declared else "")
        + f" to schema {V2_SCHEMA_VERSION}",
        "",
    )
    for issue in up.issues:
        issue.pointer = _translate(issue.pointer, cleaner.pointers)
    walked = [*cleaner.issues, *up.issues]  # pointers into the walked tree (the pre-1.0 result, if any)
    if moves:
        for issue in walked:
            issue.pointer = _translate(issue.pointer, moves)
    issues = [summary, *issues, *walked]
    if text is not None:
        smap = SourceMap.from_yaml(text) if fmt is Format.YAML else SourceMap.from_json(text)
        for issue in issues:
            if issue.pointer:
                issue.line, issue.column = smap.locate(issue.pointer)
    return message, issues
