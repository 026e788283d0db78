"""Genomics Reporting shapes: DiagnosticReport, implication and variant Observations.

DiagnosticReport → interpretation, diagnostic-implication Observation → genomic interpretation, variant
Observation → variation descriptor (components → expressions, gene, allelic state, VCF record).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from phenotk.conversion.fhir import findings as F
from phenotk.conversion.fhir import terms as T
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
    setter,
    unattached,
)
from phenotk.issue import Severity

_DISEASE_ORDER = ("OMIM", "MONDO", "ORPHA")
_ASSEMBLY_NAMES = {v[0]: v[1] for v in T.ASSEMBLY_LOINC.values()}


def is_variant(res: Res) -> bool:
    """A Genomics Reporting variant Observation (LOINC 69548-6)."""
    return res.type == "Observation" and (("LOINC", T.LOINC_VARIANT) in keys(res.data.get("code")))


#: Variant Observation values that say the variant was not found (Genomics Reporting: LOINC LL1971-2 answers).
_NOT_FOUND = {"LA9634-2": "Absent", "LA11884-6": "Indeterminate", "LA18198-4": "No call"}


def not_found(res: Res) -> str | None:
    """Why a variant Observation states no variant of the subject (its value is Absent, Indeterminate or No call)."""
    for system, code in keys(res.data.get("valueCodeableConcept")):
        if system == "LOINC" and code in _NOT_FOUND:
            return (
                f"its value is {_NOT_FOUND[code]} (LOINC {code}): the variant was not found in the subject, and "
                "a phenopacket lists found variants only"
            )
    return None


def is_implication(res: Res) -> bool:
    """A diagnostic-implication Observation."""
    return res.type == "Observation" and any(c == "diagnostic-implication" for _, c in keys(res.data.get("code")))


# ---------------------------------------------------------------------- variant Observation
@dataclass
class _Variant:
    """A variation descriptor being assembled from one Observation."""

    vd: dict[str, Any] = field(default_factory=dict)
    exprs: list[dict[str, Any]] = field(default_factory=list)
    placed: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # expressions from extensions
    vcf: dict[str, Any] = field(default_factory=dict)
    zero_based: bool = False


@dataclass
class _Comp:
    """One Observation.component with its codes and value read out."""

    data: dict[str, Any]
    codes: set[str]
    cc: Any
    cds: list[dict[str, Any]]
    text: Any

    @classmethod
    def of(cls, comp: dict[str, Any]) -> _Comp:
        cc = comp.get("valueCodeableConcept")
        return cls(comp, codes(comp.get("code")), cc, codings(cc), cc.get("text") if isinstance(cc, dict) else None)


#: A component reader: None when the component is not its kind, else whether it was carried.
_CompReader = Callable[[_Variant, _Comp], "bool | None"]


def _hgvs(v: _Variant, c: _Comp) -> bool | None:
    hits = c.codes & set(T.LOINC_HGVS)
    if not hits:
        return None
    syntax = T.LOINC_HGVS[next(iter(hits))]
    for cd in c.cds[:1]:
        ex = {"syntax": syntax, "value": cd.get("code")}
        if cd.get("version"):
            ex["version"] = cd["version"]
        v.exprs.append(ex)
    if not c.cds and isinstance(c.data.get("valueString"), str):
        v.exprs.append({"syntax": syntax, "value": c.data["valueString"]})
    return True


_HGNC_ID = re.compile(r"HGNC:\d+\Z")
_SYMBOL = re.compile(r"[A-Za-z][A-Za-z0-9-]*(orf\d+)?\Z")


def gene_descriptor(cd: dict[str, Any]) -> dict[str, Any]:
    """ValueId and symbol of a gene coding: the CURIE of code + system and the display.

    NCPI's variant example writes the symbol as the code and the HGNC id as the display (system NCBI gene,
    code ``LBR``, display ``HGNC:6518``): there the display is the id and the code the symbol, not the other way.
    """
    curie, display, code = T.curie_of(cd), cd.get("display"), cd.get("code")
    if curie is None and isinstance(display, str) and _HGNC_ID.match(display.strip()):
        gene: dict[str, Any] = {"valueId": display.strip()}
        if isinstance(code, str) and _SYMBOL.match(code.strip()):
            gene["symbol"] = code.strip()
        return gene
    return {"valueId": curie or "", **({"symbol": display} if display else {})}


def _gene(v: _Variant, c: _Comp) -> bool | None:
    if T.C_GENE not in c.codes or not c.cds:
        return None
    v.vd["geneContext"] = gene_descriptor(c.cds[0])
    return True


def _allelic_state(v: _Variant, c: _Comp) -> bool | None:
    if T.C_ALLELIC_STATE not in c.codes or not c.cds:
        return None
    state = None
    for cd in c.cds:
        curie = T.curie_of(cd)
        if curie and curie.startswith("GENO:"):
            state = {"id": curie, **({"label": cd["display"]} if cd.get("display") else {})}
            break
    if state is None:
        for cd in c.cds:
            if isinstance(cd.get("code"), str) and cd["code"] in T.LOINC_GENO:
                geno, label = T.LOINC_GENO[cd["code"]]
                state = {"id": geno, "label": label}
    if state:
        v.vd["allelicState"] = state
    return bool(state)


def _assembly(v: _Variant, c: _Comp) -> bool | None:
    if T.C_ASSEMBLY not in c.codes:
        return None
    v.vcf["genomeAssembly"] = c.text or next((_ASSEMBLY_NAMES.get(str(cd.get("code")), "") for cd in c.cds), "")
    return True


def _chromosome(v: _Variant, c: _Comp) -> bool | None:
    if T.C_CHROMOSOME not in c.codes:
        return None
    v.vcf["chrom"] = c.text or next((cd.get("display") or cd.get("code") for cd in c.cds), "")
    return True


def _coordinates(v: _Variant, c: _Comp) -> bool | None:
    if T.C_COORD_SYSTEM not in c.codes:
        return None
    v.zero_based = any(cd.get("code") == "LA30100-4" for cd in c.cds)
    return True


def _allele_range(v: _Variant, c: _Comp) -> bool | None:
    if T.C_ALLELE_RANGE not in c.codes or not isinstance(c.data.get("valueRange"), dict):
        return None
    low = d(d(c.data["valueRange"]).get("low")).get("value")
    if isinstance(low, (int, float)):
        v.vcf["pos"] = int(low)
    return True


def _alleles(v: _Variant, c: _Comp) -> bool | None:
    for code, name in ((T.C_REF_ALLELE, "ref"), (T.C_ALT_ALLELE, "alt")):
        if code in c.codes:
            v.vcf[name] = c.data.get("valueString") or c.text or ""
            return True
    return None


def _change_type(v: _Variant, c: _Comp) -> bool | None:
    if T.C_CHANGE_TYPE not in c.codes:
        return None
    soc, _ = first_oc(c.cc)
    if soc:
        v.vd["structuralType"] = soc
    return bool(soc)


#: Component readers in the order they are tried (the first that knows the component decides).
_COMPONENT_READERS: tuple[_CompReader, ...] = (
    _hgvs,
    _gene,
    _allelic_state,
    _assembly,
    _chromosome,
    _coordinates,
    _allele_range,
    _alleles,
    _change_type,
)


def _read_component(v: _Variant, c: _Comp) -> bool:
    for reader in _COMPONENT_READERS:
        handled = reader(v, c)
        if handled is not None:
            return handled
    return False


def _variant_extensions(v: _Variant) -> dict[str, ExtHandler]:
    def add_expr(e: dict[str, Any]) -> None:
        subs = [s for s in as_list(e.get("extension")) if isinstance(s, dict)]
        parts = {str(s.get("url")): s.get("valueString") for s in subs}
        ex = {"syntax": parts["syntax"], "value": parts["value"]}
        if parts.get("version"):
            ex["version"] = parts["version"]
        pos = next((s.get("valueInteger") for s in subs if s.get("url") == "position"), None)
        v.placed.append((pos if isinstance(pos, int) else 1 << 30, ex))

    return {
        T.EXT_VARIATION_LABEL: setter(v.vd, "label", "valueString"),
        T.EXT_MOLECULE_CONTEXT: setter(v.vd, "moleculeContext", "valueCode"),
        T.EXT_EXPRESSION: add_expr,
    }


def variant(w: Walk, res: Res, pk: Packet | None) -> dict[str, Any]:
    """The variation descriptor (camelCase JSON) of a variant Observation; marks it used."""
    data = res.data
    w.used.add(id(res))
    v = _Variant()
    for ident in as_list(data.get("identifier")):
        if isinstance(ident, dict) and ident.get("system") == T.ID_VARIATION and ident.get("value"):
            v.vd["id"] = ident["value"]
    if "id" not in v.vd and not w.phenotk_made:  # phenotk writes the id when the packet has one
        v.vd["id"] = str(data.get("id") or f"variant-{len(w.used)}")
    w.extensions(res, _variant_extensions(v), pk)
    for i, comp in enumerate(as_list(data.get("component"))):
        if not isinstance(comp, dict):
            continue
        if not _read_component(v, _Comp.of(comp)):
            label = str(next((cd.get("display") or cd.get("code") for cd in codings(comp.get("code"))), "?"))
            w.unmapped_element(res, f"component/{i}", pk, f"component {label!r} has no phenopacket field")
    for pos, ex in sorted(v.placed, key=lambda t: t[0]):
        v.exprs.insert(min(pos, len(v.exprs)), ex)
    if v.zero_based and "pos" in v.vcf:
        v.vcf["pos"] += 1
    if v.exprs:
        v.vd["expressions"] = v.exprs
    if v.vcf:
        v.vd["vcfRecord"] = v.vcf
    w.leftovers(
        res,
        {"identifier", "extension", "component", "code", "subject", "status", "category", "valueCodeableConcept"},
        pk,
    )
    return v.vd


# ---------------------------------------------------------------------- implication Observation
def implication(w: Walk, res: Res, pk: Packet | None, subject_id: str) -> dict[str, Any]:
    """The genomic interpretation of a diagnostic-implication Observation; marks it used."""
    data = res.data
    w.used.add(id(res))
    gi: dict[str, Any] = {"subjectOrBiosampleId": subject_id, "interpretationStatus": "UNKNOWN_STATUS"}
    vi: dict[str, Any] = {}
    w.extensions(
        res,
        {
            T.EXT_INTERPRETATION_STATUS: setter(gi, "interpretationStatus", "valueCode"),
            T.EXT_SUBJECT_OR_BIOSAMPLE: setter(gi, "subjectOrBiosampleId", "valueString"),
            T.EXT_THERAPEUTIC: setter(vi, "therapeuticActionability", "valueCode"),
        },
        pk,
    )
    for i, comp in enumerate(as_list(data.get("component"))):
        if not _implication_component(comp, gi, vi):
            w.unmapped_element(res, f"component/{i}", pk, "only the ACMG class component is read")
    for i, ref in enumerate(as_list(data.get("derivedFrom"))):
        target = w.resolve(ref)
        if target is not None and target.type == "Observation" and "variationDescriptor" not in vi:
            vi["variationDescriptor"] = variant(w, target, pk)
        else:
            w.unmapped_element(res, f"derivedFrom/{i}", pk, "not a variant Observation in this input")
    if vi:
        vi.setdefault("acmgPathogenicityClassification", "NOT_PROVIDED")
        gi["variantInterpretation"] = vi
        if gi.pop("gene", None) is not None:  # a genomic interpretation calls a gene or a variant, not both
            w.unmapped_element(res, "component", pk, "gene studied kept on the variant only")
    w.leftovers(res, {"extension", "component", "derivedFrom", "code", "subject", "status", "category"}, pk)
    return gi


def _implication_component(comp: Any, gi: dict[str, Any], vi: dict[str, Any]) -> bool:
    """Read an implication component (ACMG class, gene studied; the phenotype is the report's); False if not."""
    ccodes = codes(comp.get("code")) if isinstance(comp, dict) else set()
    if T.C_ACMG in ccodes:
        vcodes = [c for _, c in keys(comp.get("valueCodeableConcept"))]
        acmg = next((T.LOINC_ACMG[c] for c in vcodes if c in T.LOINC_ACMG), None)
        if acmg is None:
            text = str(d(comp.get("valueCodeableConcept")).get("text", "")).upper().replace(" ", "_")
            acmg = text if text in T.ACMG_LOINC else None
        if acmg:
            vi["acmgPathogenicityClassification"] = acmg
            return True
    elif T.C_PHENOTYPE in ccodes:
        return True  # the report's conclusionCode carries the diagnosis
    elif T.C_GENE in ccodes:
        cds = codings(comp.get("valueCodeableConcept"))
        gene = gene_descriptor(cds[0]) if cds else {}
        if gene.get("valueId"):
            gi["gene"] = gene
            return True
    return False


def _variant_only(w: Walk, res: Res, pk: Packet | None, sid: str) -> dict[str, Any]:
    return {
        "subjectOrBiosampleId": sid,
        "interpretationStatus": "UNKNOWN_STATUS",
        "variantInterpretation": {"variationDescriptor": variant(w, res, pk)},
    }


def lone_genomic(w: Walk, res: Res, pk: Packet | None, *, as_implication: bool) -> None:
    """A variant or implication Observation outside any report: an interpretation without diagnosis."""
    if pk is None:
        w.unmapped_resource(res, None, unattached(res))
        return
    sid = pk.subject_id
    why = None if as_implication else not_found(res)
    if why:
        w.used.add(id(res))
        w.unmapped_resource(res, pk, why)
        return
    gi = implication(w, res, pk, sid) if as_implication else _variant_only(w, res, pk, sid)
    w.issue(
        F.VARIANT_WITHOUT_REPORT,
        f"{res.label} is not part of a DiagnosticReport; read as an interpretation without diagnosis",
        res.pointer,
        sev=Severity.INFO,
        pk=pk,
    )
    pk.append(
        "interpretations",
        {
            "id": str(res.data.get("id") or f"interpretation-{pk.count('interpretations') + 1}"),
            "progressStatus": "UNKNOWN_PROGRESS",
            "diagnosis": {"genomicInterpretations": [gi]},
        },
    )


# ---------------------------------------------------------------------- DiagnosticReport
def report(w: Walk, res: Res) -> None:
    """An interpretation: diagnosis from conclusionCode, genomic interpretations from the results."""
    data = res.data
    pk = w.attached(res)
    if pk is None:
        return
    interp: dict[str, Any] = {"progressStatus": "UNKNOWN_PROGRESS"}
    for ident in as_list(data.get("identifier")):
        if isinstance(ident, dict) and ident.get("system") == T.ID_INTERPRETATION and ident.get("value"):
            interp["id"] = ident["value"]
    interp.setdefault("id", str(data.get("id") or f"interpretation-{pk.count('interpretations') + 1}"))
    w.extensions(res, {T.EXT_PROGRESS_STATUS: setter(interp, "progressStatus", "valueCode")}, pk)
    diagnosis: dict[str, Any] = {}
    conclusions = as_list(data.get("conclusionCode"))
    if conclusions:
        oc, _ = first_oc(conclusions[0], _DISEASE_ORDER)
        if oc:
            diagnosis["disease"] = oc
        for i in range(1 if oc else 0, len(conclusions)):
            w.unmapped_element(res, f"conclusionCode/{i}", pk, "an interpretation has one diagnosis")
    gis = _report_results(w, res, pk)
    if gis:
        diagnosis["genomicInterpretations"] = gis
    if not diagnosis:
        w.unmapped_resource(res, pk, "no diagnosis (conclusionCode) and no variant results")
        return
    interp["diagnosis"] = diagnosis
    if isinstance(data.get("conclusion"), str):
        interp["summary"] = data["conclusion"]
    w.leftovers(
        res,
        {"identifier", "extension", "conclusionCode", "result", "conclusion", "code", "subject", "status", "category"},
        pk,
    )
    pk.append("interpretations", interp)


def _report_results(w: Walk, res: Res, pk: Packet) -> list[dict[str, Any]]:
    """Genomic interpretations of the report's implication and variant results.

    A variant that an implication derives from is read through the implication, not twice.
    """
    sid = pk.subject_id
    results = [(i, w.resolve(r)) for i, r in enumerate(as_list(res.data.get("result")))]
    implied: set[int] = set()
    for _i, target in results:
        if target is not None and is_implication(target):
            for ref in as_list(target.data.get("derivedFrom")):
                t = w.resolve(ref)
                if t is not None:
                    implied.add(id(t))
    gis: list[dict[str, Any]] = []
    for i, target in results:
        if target is None:
            w.unmapped_element(res, f"result/{i}", pk, "the referenced resource is not in this input")
        elif is_implication(target):
            gis.append(implication(w, target, pk, sid))
        elif is_variant(target) and id(target) not in implied:
            why = not_found(target)
            if why:
                w.used.add(id(target))
                w.unmapped_resource(target, pk, why)
            else:
                gis.append(_variant_only(w, target, pk, sid))
        # other results (PGx, HLA, region studied, …) are reported when their turn comes
    return gis
