"""v1 documents → v2: Phenopacket, Family, Cohort, and the v1 Interpretation wrapper.

Genes and variants: v2 keeps them only inside ``interpretations``. With ``variants_to_interpretations`` they
become one interpretation per packet whose diagnosis is the packet's disease (or ``disease`` when it has several);
without it they are reported as not carried.
"""

from __future__ import annotations

from google.protobuf.message import Message
from phenopackets import (
    Cohort,
    Diagnosis,
    Family,
    GenomicInterpretation,
    Interpretation,
    MetaData,
    OntologyClass,
    Phenopacket,
    VariantInterpretation,
)
from phenopackets.schema.v1 import base_pb2 as v1b
from phenopackets.schema.v1 import interpretation_pb2 as v1i
from phenopackets.schema.v1 import phenopackets_pb2 as v1p

from phenotk.io.sourcemap import join

from . import findings as F
from .options import V2_SCHEMA_VERSION
from .parts import Call, PartUpgrader, describe, to_dict, to_term

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


class Upgrader(PartUpgrader):
    """Converts one v1 document to v2; findings collect in :attr:`issues`."""

    def phenopacket(self, p: v1p.Phenopacket, ptr: str, *, top: bool) -> Phenopacket:
        """A v2 Phenopacket for a v1 one (``top``: a document of its own, so metaData is required)."""
        out = Phenopacket(id=p.id)
        if p.HasField("subject"):
            out.subject.CopyFrom(self.individual(p.subject, join(ptr, "subject")))
        out.phenotypic_features.extend(
            self.feature(f, join(ptr, "phenotypicFeatures", i)) for i, f in enumerate(p.phenotypic_features)
        )
        calls: list[Call] = [Call(v, join(ptr, "variants", i), p.subject.id) for i, v in enumerate(p.variants)]
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

    def family(self, f: v1p.Family, ptr: str) -> Family:
        """A v2 Family for a v1 one."""
        out = Family(id=f.id)
        if f.HasField("proband"):
            out.proband.CopyFrom(self.phenopacket(f.proband, join(ptr, "proband"), top=False))
        out.relatives.extend(
            self.phenopacket(r, join(ptr, "relatives", i), top=False) for i, r in enumerate(f.relatives)
        )
        if f.HasField("pedigree"):
            filled = 0
            for person in f.pedigree.persons:
                p = out.pedigree.persons.add()
                p.family_id, p.individual_id = person.family_id or f.id, person.individual_id
                filled += bool(f.id) and not person.family_id
                p.paternal_id, p.maternal_id = person.paternal_id, person.maternal_id
                p.sex = person.sex
                p.affected_status = person.affected_status
            if filled:
                self.issues.append(F.FAMILY_ID_FILLED(
                    f"{filled} pedigree person(s) without familyId (REQUIRED in v2) got the Family's id {f.id!r}",
                    pointer=join(ptr, "pedigree", "persons"),
                ))  # fmt: skip
        out.files.extend(self.file(h, join(ptr, "htsFiles", i)) for i, h in enumerate(f.hts_files))
        if f.HasField("meta_data"):
            out.meta_data.CopyFrom(self.meta(f.meta_data, join(ptr, "metaData")))
        else:
            out.meta_data.phenopacket_schema_version = V2_SCHEMA_VERSION
            self.missing_meta(ptr)
        self.rest(f, {"id", "proband", "relatives", "pedigree", "hts_files", "meta_data"}, ptr)
        return out

    def cohort(self, c: v1p.Cohort, ptr: str) -> Cohort:
        """A v2 Cohort for a v1 one."""
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
            F.INTERPRETATION_WRAPPER(
                f"v1 Interpretation {w.id!r} wraps a {'Family' if w.HasField('family') else 'Phenopacket'}; "
                f"its {len(w.diagnosis)} diagnosis(es) became v2 interpretations of {tptr}"
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
            interp.diagnosis.disease.CopyFrom(to_term(dx.disease.term))
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
                    F.INTERPRETATION_WRAPPER(
                        f"diagnosed disease {dx.disease.term.id} was also added to {tptr}/diseases to keep its onset "
                        "and stage",
                        pointer=join(dptr, "disease"),
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
                    F.FIELD_NOT_CARRIED(
                        f"the wrapping Interpretation's metaData.{name} {value!r} has no place (the wrapped "
                        "element keeps its own); dropped",
                        pointer=join("/metaData", name),
                        value=value,
                    )
                )

    def interpret(self, out: Phenopacket, genes: list[tuple[v1b.Gene, str]], calls: list[Call], ptr: str) -> None:
        """v1 genes/variants → one v2 interpretation (or findings when that is not possible or not asked)."""
        if not genes and not calls:
            return
        term, reason = self.diagnosis(out, ptr)
        if term is None:
            self.not_interpreted(genes, calls, reason)
            return
        opts = self.options
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
            F.INTERPRETATION_MADE(
                f"{len(genes) + (1 if gene_context else 0)} gene(s) and {len(calls)} variant(s) became interpretation "
                f"{interp.id!r} for {term.id}: progressStatus {opts.progress_status}, each "
                f"{opts.interpretation_status} (v1 states neither; change with --status / --interpretation-status)",
                pointer=ptr,
            )
        )

    def diagnosis(self, out: Phenopacket, ptr: str) -> tuple[OntologyClass | None, str]:
        """The disease the interpretation is for, or None and the reason there is none."""
        opts = self.options
        if not opts.variants_to_interpretations:
            return None, (
                "v2 keeps genes and variants only inside interpretations; rerun with --variants-to-interpretations "
                "to keep it"
            )
        terms = [d.term for d in out.diseases if d.term.id]
        if opts.disease:
            match = [t for t in terms if t.id == opts.disease]
            if not match:
                self.issues.append(
                    F.INTERPRETATION_MADE(
                        f"disease {opts.disease} (from --disease) is not among this packet's diseases; used "
                        "without a label",
                        pointer=join(ptr, "diseases"),
                    )
                )
            return (match[0] if match else OntologyClass(id=opts.disease)), ""
        if len(terms) == 1:
            return terms[0], ""
        if not terms:
            return None, "there is no disease to make an interpretation for; pass --disease ID"
        ids = ", ".join(t.id for t in terms)
        return None, f"{len(terms)} diseases ({ids}); choose the diagnosis with --disease ID"

    def not_interpreted(self, genes: list[tuple[v1b.Gene, str]], calls: list[Call], reason: str) -> None:
        """One finding per gene and variant that could not go into an interpretation, with its value."""
        kind = F.FIELD_NOT_CARRIED if not self.options.variants_to_interpretations else F.VARIANTS_NEED_DISEASE
        for g, gptr in genes:
            self.issues.append(kind(f"v1 gene {g.id} {g.symbol} not carried: {reason}", pointer=gptr, value=to_dict(g)))
        for call in calls:
            self.issues.append(
                kind(
                    f"v1 variant {describe(call.variant)} not carried: {reason}",
                    pointer=call.pointer,
                    value=to_dict(call.variant),
                )
            )
