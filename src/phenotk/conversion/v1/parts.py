"""v1 parts → v2 parts: terms, features, individuals, diseases, files, metaData, genes, variants, biosamples.

:class:`PartUpgrader` converts v1 messages field by field; every v1 field that is set but has no v2 home is
reported by :meth:`PartUpgrader.rest`, so nothing is dropped without a finding naming it. The documents that hold
these parts (Phenopacket, Family, Cohort, the v1 Interpretation wrapper) are in :mod:`.documents`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format
from google.protobuf.message import Message
from phenopackets import (
    Age,
    AgeRange,
    Biosample,
    Disease,
    Evidence,
    Expression,
    ExternalReference,
    File,
    GeneDescriptor,
    Individual,
    MetaData,
    OntologyClass,
    PhenotypicFeature,
    Procedure,
    Resource,
    TimeElement,
    Update,
    VariationDescriptor,
    VcfRecord,
)
from phenopackets.schema.v1 import base_pb2 as v1b

from phenotk.io.sourcemap import join
from phenotk.issue import Issue
from phenotk.model.ids import safe_id

from . import findings as F
from .options import V2_SCHEMA_VERSION, UpgradeOptions


def to_term(term: v1b.OntologyClass) -> OntologyClass:
    """A v2 term for a v1 term."""
    return OntologyClass(id=term.id, label=term.label)


def _stated(msg: Message, oneof: str) -> str | None:
    """The set field of ``oneof`` when it holds a value: ``"ageOfOnset": {}`` (or only unknown keys) states none."""
    name = msg.WhichOneof(oneof)
    return name if name and getattr(msg, name).ByteSize() else None


def to_age(age: v1b.Age) -> TimeElement:
    """A v2 age time element for a v1 age."""
    return TimeElement(age=Age(iso8601duration=age.age))


def to_age_range(rng: v1b.AgeRange) -> TimeElement:
    """A v2 age-range time element for a v1 age range."""
    return TimeElement(
        age_range=AgeRange(start=Age(iso8601duration=rng.start.age), end=Age(iso8601duration=rng.end.age))
    )


def to_dict(msg: Message) -> Any:
    """A message as its JSON dict (the value a not-carried finding keeps)."""
    return json_format.MessageToDict(msg)


@dataclass
class Call:
    """A v1 variant call waiting for its interpretation: where it was and whose it is."""

    variant: v1b.Variant
    pointer: str
    owner: str  # subject or biosample id


def describe(v: v1b.Variant) -> str:
    """A v1 variant in one short string (its HGVS, VCF, SPDI or ISCN form) for messages."""
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


class PartUpgrader:
    """Converts v1 parts to v2, collecting findings (pointers into the walked v1 tree) in :attr:`issues`."""

    def __init__(self, options: UpgradeOptions) -> None:
        self.options = options
        self.issues: list[Issue] = []

    def rest(self, msg: Message, handled: set[str], ptr: str) -> None:
        """A finding for every set field of ``msg`` that the conversion did not use."""
        for fd, value in msg.ListFields():
            if fd.name in handled:
                continue
            shown: Any
            if fd.message_type is not None:
                shown = [to_dict(v) for v in value] if fd.is_repeated else to_dict(value)
            else:
                shown = list(value) if fd.is_repeated else value
            self.issues.append(
                F.FIELD_NOT_CARRIED(
                    f"v1 {msg.DESCRIPTOR.name}.{fd.json_name} has no Phenopacket v2 counterpart; dropped",
                    pointer=join(ptr, fd.json_name),
                    value=shown,
                )
            )

    def evidence(self, ev: v1b.Evidence) -> Evidence:
        """A v2 evidence for a v1 one."""
        out = Evidence()
        if ev.HasField("evidence_code"):
            out.evidence_code.CopyFrom(to_term(ev.evidence_code))
        if ev.HasField("reference"):
            out.reference.CopyFrom(ExternalReference(id=ev.reference.id, description=ev.reference.description))
        return out

    def feature(self, f: v1b.PhenotypicFeature, ptr: str) -> PhenotypicFeature:
        """A v2 phenotypic feature (``negated`` → ``excluded``, the onset choice → ``onset``)."""
        out = PhenotypicFeature(description=f.description, excluded=f.negated)
        if f.HasField("type"):
            out.type.CopyFrom(to_term(f.type))
        if f.HasField("severity"):
            out.severity.CopyFrom(to_term(f.severity))
        out.modifiers.extend(to_term(m) for m in f.modifiers)
        onset = _stated(f, "onset")
        if onset == "age_of_onset":
            out.onset.CopyFrom(to_age(f.age_of_onset))
        elif onset == "age_range_of_onset":
            out.onset.CopyFrom(to_age_range(f.age_range_of_onset))
        elif onset == "class_of_onset":
            out.onset.CopyFrom(TimeElement(ontology_class=to_term(f.class_of_onset)))
        out.evidence.extend(self.evidence(e) for e in f.evidence)
        self.rest(f, {"description", "type", "negated", "severity", "modifiers", "evidence", onset or ""}, ptr)
        return out

    def individual(self, ind: v1b.Individual, ptr: str) -> Individual:
        """A v2 subject; a v1 age at collection becomes ``timeAtLastEncounter`` (reported)."""
        out = Individual(id=ind.id, alternate_ids=list(ind.alternate_ids))
        if ind.HasField("date_of_birth"):
            out.date_of_birth.CopyFrom(ind.date_of_birth)
        age = _stated(ind, "age")
        if age is not None:
            time = (
                to_age(ind.age_at_collection)
                if age == "age_at_collection"
                else to_age_range(ind.age_range_at_collection)
            )
            out.time_at_last_encounter.CopyFrom(time)
            name = "ageAtCollection" if age == "age_at_collection" else "ageRangeAtCollection"
            self.issues.append(
                F.MEANING_CHANGED(
                    f"v1 subject.{name} became subject.timeAtLastEncounter (v2 has no age at collection)",
                    pointer=join(ptr, name),
                )
            )
        out.sex = ind.sex  # same enum numbers in v1 and v2
        out.karyotypic_sex = ind.karyotypic_sex
        if ind.HasField("taxonomy"):
            out.taxonomy.CopyFrom(to_term(ind.taxonomy))
        self.rest(ind, {"id", "alternate_ids", "date_of_birth", "sex", "karyotypic_sex", "taxonomy", age or ""}, ptr)
        return out

    def disease(self, d: v1b.Disease, ptr: str) -> Disease:
        """A v2 disease (``tnmFinding`` → ``clinicalTnmFinding``)."""
        out = Disease()
        if d.HasField("term"):
            out.term.CopyFrom(to_term(d.term))
        onset = _stated(d, "onset")
        if onset == "age_of_onset":
            out.onset.CopyFrom(to_age(d.age_of_onset))
        elif onset == "age_range_of_onset":
            out.onset.CopyFrom(to_age_range(d.age_range_of_onset))
        elif onset == "class_of_onset":
            out.onset.CopyFrom(TimeElement(ontology_class=to_term(d.class_of_onset)))
        out.disease_stage.extend(to_term(s) for s in d.disease_stage)
        out.clinical_tnm_finding.extend(to_term(s) for s in d.tnm_finding)
        self.rest(d, {"term", "disease_stage", "tnm_finding", onset or ""}, ptr)
        return out

    def file(self, h: v1b.HtsFile, ptr: str) -> File:
        """A v2 file for a v1 HTS file (assembly, format and description become file attributes)."""
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
        """A v2 metaData with the bundled v2 schema version."""
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
                F.SCHEMA_VERSION(
                    f"declared phenopacketSchemaVersion {declared!r} is not a v1 version; "
                    f"replaced by {V2_SCHEMA_VERSION}",
                    pointer=join(ptr, "phenopacketSchemaVersion"),
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
        """A v2 gene descriptor for a v1 gene."""
        self.rest(g, {"id", "symbol", "alternate_ids"}, ptr)
        return GeneDescriptor(value_id=g.id, symbol=g.symbol, alternate_ids=list(g.alternate_ids))

    def variant(self, v: v1b.Variant, ptr: str) -> VariationDescriptor:
        """A v2 variation descriptor for a v1 variant (HGVS, VCF, SPDI or ISCN allele; zygosity)."""
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
                    F.LEGACY_FIELD_NAME(
                        f"vcfAllele.id {a.id!r} names a genome assembly; it became vcfRecord.genomeAssembly",
                        pointer=join(ptr, "vcfAllele", "id"),
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
            out.allelic_state.CopyFrom(to_term(v.zygosity))
        if not out.id:  # v2 requires an id; v1 alleles rarely have one: derive it from the allele, every run alike
            out.id = _variant_id(out)
        self.rest(v, {"zygosity", allele or ""}, ptr)
        return out

    def procedure(self, p: v1b.Procedure, ptr: str) -> Procedure:
        """A v2 procedure for a v1 one."""
        out = Procedure()
        if p.HasField("code"):
            out.code.CopyFrom(to_term(p.code))
        if p.HasField("body_site"):
            out.body_site.CopyFrom(to_term(p.body_site))
        self.rest(p, {"code", "body_site"}, ptr)
        return out

    def biosample(self, b: v1b.Biosample, ptr: str, calls: list[Call]) -> Biosample:
        """A v2 biosample; its v1 variants are added to ``calls`` for the interpretation."""
        out = Biosample(id=b.id, individual_id=b.individual_id, description=b.description)
        for name in ("sampled_tissue", "taxonomy", "histological_diagnosis", "tumor_progression", "tumor_grade"):
            if b.HasField(name):
                getattr(out, name).CopyFrom(to_term(getattr(b, name)))
        out.phenotypic_features.extend(
            self.feature(f, join(ptr, "phenotypicFeatures", i)) for i, f in enumerate(b.phenotypic_features)
        )
        age = _stated(b, "individual_age_at_collection")
        if age == "age_of_individual_at_collection":
            out.time_of_collection.CopyFrom(to_age(b.age_of_individual_at_collection))
        elif age == "age_range_of_individual_at_collection":
            out.time_of_collection.CopyFrom(to_age_range(b.age_range_of_individual_at_collection))
        out.diagnostic_markers.extend(to_term(m) for m in b.diagnostic_markers)
        if b.HasField("procedure"):
            out.procedure.CopyFrom(self.procedure(b.procedure, join(ptr, "procedure")))
        out.files.extend(self.file(h, join(ptr, "htsFiles", i)) for i, h in enumerate(b.hts_files))
        for i, v in enumerate(b.variants):
            calls.append(Call(v, join(ptr, "variants", i), b.id or b.individual_id))
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

    def missing_meta(self, ptr: str) -> None:
        """Report a v1 document without metaData."""
        self.issues.append(
            F.METADATA_MISSING(
                f"the v1 document has no metaData; added one with only phenopacketSchemaVersion {V2_SCHEMA_VERSION} "
                "(add created, createdBy and resources)",
                pointer=join(ptr, "metaData") if ptr else "",
            )
        )


def _variant_id(vd: VariationDescriptor) -> str:
    """An id-safe variant id from the allele itself (``NM_000141_4_c_1A_G``, ``GRCh37_10_123256215_T_G``)."""
    if vd.expressions:
        name = vd.expressions[0].value
    elif vd.HasField("vcf_record"):
        r = vd.vcf_record
        name = "_".join(str(x) for x in (r.genome_assembly, r.chrom, r.pos, r.ref, r.alt) if x)
    else:
        name = ""
    return safe_id(name)[:64] or "variant"
