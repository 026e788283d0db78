"""Phenopacket interpretations → Genomics Reporting IG DiagnosticReport, variant and implication Observations."""

from __future__ import annotations

from typing import Any

from phenotk.conversion.fhir import terms as T
from phenotk.conversion.fhir.bundle_base import Ctx, concept, loinc_concept, mk_ext


def _vcf_components(vcf: Any) -> list[dict[str, Any]]:
    """Genomics Reporting components for a VCF record: assembly, chromosome, 1-based position range, alleles."""
    out: list[dict[str, Any]] = []
    if vcf.genome_assembly:
        code = T.ASSEMBLY_LOINC.get(vcf.genome_assembly)
        cc: dict[str, Any] = {"text": vcf.genome_assembly}
        if code:
            cc["coding"] = [{"system": T.LOINC, "code": code[0], "display": code[1]}]
        out.append(
            {
                "code": loinc_concept(T.C_ASSEMBLY, "Human reference sequence assembly version"),
                "valueCodeableConcept": cc,
            }
        )
    if vcf.chrom:
        out.append(
            {
                "code": loinc_concept(T.C_CHROMOSOME, T.LOINC_DISPLAY[T.C_CHROMOSOME]),
                "valueCodeableConcept": {"text": vcf.chrom},
            }
        )
    if vcf.pos:
        out.append(
            {
                "code": loinc_concept(T.C_COORD_SYSTEM, T.LOINC_DISPLAY[T.C_COORD_SYSTEM]),
                "valueCodeableConcept": loinc_concept(T.ONE_BASED, "1-based character counting"),
            }
        )
        out.append(
            {
                "code": loinc_concept(T.C_ALLELE_RANGE, "Genomic allele start-end"),
                "valueRange": {"low": {"value": vcf.pos}, "high": {"value": vcf.pos + max(len(vcf.ref), 1) - 1}},
            }
        )
    if vcf.ref:
        out.append({"code": loinc_concept(T.C_REF_ALLELE, T.LOINC_DISPLAY[T.C_REF_ALLELE]), "valueString": vcf.ref})
    if vcf.alt:
        out.append({"code": loinc_concept(T.C_ALT_ALLELE, T.LOINC_DISPLAY[T.C_ALT_ALLELE]), "valueString": vcf.alt})
    return out


def _variant(gi: Any, subject: str, ctx: Ctx) -> str:
    vi = gi.variant_interpretation
    vd = vi.variation_descriptor
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "meta": {"profile": [T.PROFILE_VARIANT]},
        "status": "final",
        "category": [{"coding": [{"system": T.OBS_CATEGORY, "code": "laboratory"}]}],
        "code": loinc_concept(T.LOINC_VARIANT, "Genetic variant assessment"),
        "subject": {"reference": subject},
        "valueCodeableConcept": loinc_concept(T.LOINC_PRESENT, "Present"),
    }
    ext: list[dict[str, Any]] = []
    if vd.label:
        ext.append(mk_ext(T.EXT_VARIATION_LABEL, "String", vd.label))
    if vd.molecule_context:
        ext.append(
            mk_ext(
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
            comps.append(
                {"code": loinc_concept(loinc, T.LOINC_DISPLAY[loinc]), "valueCodeableConcept": {"coding": [cd]}}
            )
        else:
            sub = [
                mk_ext("syntax", "String", ex.syntax),
                mk_ext("value", "String", ex.value),
                mk_ext("position", "Integer", pos),
            ]
            if ex.version:
                sub.append(mk_ext("version", "String", ex.version))
            ext.append({"url": T.EXT_EXPRESSION, "extension": sub})
    if vd.HasField("gene_context"):
        gc = vd.gene_context
        comps.append(
            {
                "code": loinc_concept(T.C_GENE, "Gene studied [ID]"),
                "valueCodeableConcept": {"coding": [T.coding(gc.value_id, gc.symbol)]},
            }
        )
    if vd.HasField("vcf_record"):
        comps += _vcf_components(vd.vcf_record)
    if vd.HasField("structural_type"):
        comps.append(
            {
                "code": loinc_concept(T.C_CHANGE_TYPE, "DNA change type"),
                "valueCodeableConcept": concept(vd.structural_type, ctx),
            }
        )
    if vd.HasField("allelic_state"):
        st = vd.allelic_state
        cds = [T.coding(st.id, st.label, ctx.fallback, ctx.versions)]
        if st.id in T.GENO_LOINC:
            lcode, ldisp = T.GENO_LOINC[st.id]
            cds.append({"system": T.LOINC, "code": lcode, "display": ldisp})
        comps.append(
            {"code": loinc_concept(T.C_ALLELIC_STATE, "Allelic state"), "valueCodeableConcept": {"coding": cds}}
        )
    if vd.id:
        obs["identifier"] = [{"system": T.ID_VARIATION, "value": vd.id}]
    if ext:
        obs["extension"] = ext
    if comps:
        obs["component"] = comps
    return ctx.add(obs, "variant")


def _implication(gi: Any, variant_ref: str | None, disease: Any, subject: str, ctx: Ctx) -> str:
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
    ext = [mk_ext(T.EXT_INTERPRETATION_STATUS, "Code", gi.InterpretationStatus.Name(gi.interpretation_status))]
    if gi.subject_or_biosample_id and gi.subject_or_biosample_id != ctx.subject_id:
        ext.append(mk_ext(T.EXT_SUBJECT_OR_BIOSAMPLE, "String", gi.subject_or_biosample_id))
    comps: list[dict[str, Any]] = []
    if gi.HasField("variant_interpretation"):
        vi = gi.variant_interpretation
        acmg = type(vi).DESCRIPTOR.fields_by_name["acmg_pathogenicity_classification"].enum_type
        name = acmg.values_by_number[vi.acmg_pathogenicity_classification].name
        if name in T.ACMG_LOINC:
            code, disp = T.ACMG_LOINC[name]
            comps.append(
                {
                    "code": loinc_concept(T.C_ACMG, T.LOINC_DISPLAY[T.C_ACMG]),
                    "valueCodeableConcept": loinc_concept(code, disp),
                }
            )
        if vi.therapeutic_actionability:
            ta = type(vi).DESCRIPTOR.fields_by_name["therapeutic_actionability"].enum_type
            ext.append(mk_ext(T.EXT_THERAPEUTIC, "Code", ta.values_by_number[vi.therapeutic_actionability].name))
    if gi.HasField("gene"):
        comps.append(
            {
                "code": loinc_concept(T.C_GENE, "Gene studied [ID]"),
                "valueCodeableConcept": {"coding": [T.coding(gi.gene.value_id, gi.gene.symbol)]},
            }
        )
    if disease is not None:
        comps.append(
            {
                "code": loinc_concept(T.C_PHENOTYPE, "Associated phenotype"),
                "valueCodeableConcept": concept(disease, ctx),
            }
        )
    obs["extension"] = ext
    if variant_ref:
        obs["derivedFrom"] = [{"reference": variant_ref}]
    if comps:
        obs["component"] = comps
    return ctx.add(obs, "implication")


def interpretation(interp: Any, subject: str, ctx: Ctx) -> None:
    """A DiagnosticReport with a variant and an implication Observation per genomic interpretation."""
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
        "extension": [mk_ext(T.EXT_PROGRESS_STATUS, "Code", interp.ProgressStatus.Name(interp.progress_status))],
        "status": "final",
        "category": [{"coding": [{"system": T.DIAGNOSTIC_SERVICE, "code": "GE", "display": "Genetics"}]}],
        "code": loinc_concept(T.LOINC_REPORT, "Genetic analysis report"),
        "subject": {"reference": subject},
    }
    if interp.id:
        rep["identifier"] = [{"system": T.ID_INTERPRETATION, "value": interp.id}]
    if results:
        rep["result"] = results
    if interp.summary:
        rep["conclusion"] = interp.summary
    if disease is not None:
        rep["conclusionCode"] = [concept(disease, ctx)]
    ctx.add(rep, "report")
