"""RDY003 gpsea-readiness."""

from __future__ import annotations

from typing import Any

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.readiness import _common as C

#: allelic-state labels GPSEA maps to a genotype (anything else raises "Unknown genotype")
GENOTYPE_LABELS = frozenset(
    {
        "heterozygous",
        "compound heterozygous",
        "simple heterozygous",
        "homozygous",
        "hemizygous",
        "hemizygous X-linked",
        "hemizygous Y-linked",
    }
)

#: the findings whose message and path never vary (:func:`~phenotk.validation.rules.readiness._common.fixed`)
_NO_ID = C.fixed("gpsea: no subject.id (the sample label)", "subject", "id")
_NO_SEX = C.fixed("gpsea: subject.sex is not set", "subject", "sex", severity=Severity.WARNING)
_NO_DISEASE = C.fixed("gpsea: no diseases", "diseases", severity=Severity.WARNING)
_NO_VARIANT = C.fixed("gpsea: no genotype data (no variant in any genomic interpretation)", "interpretations")


class GpseaReadiness(Rule):
    """Profile ``gpsea``: what GPSEA's phenopacket ingest needs to place each individual in a cohort.

    What it checks
    --------------
    Switched on by ``--profile gpsea``, for each analysed phenopacket:

    * ``subject.id`` (**error**: the sample label);
    * at least one variant (a genomic interpretation with a ``variationDescriptor``) (**error**: "no genotype
      data (variants) to work with");
    * at least one observed or excluded HPO feature, disease or measurement (**error**);
    * each variant has an ``allelicState`` whose label GPSEA maps to a genotype — ``heterozygous``,
      ``homozygous``, ``hemizygous`` … (**error**: "Unknown genotype");
    * each variant has coordinates GPSEA can use: a complete ``vcfRecord`` on GRCh37/hg19 or GRCh38/hg38, a
      copy-number ``variation`` with ``allele.sequenceLocation.sequenceId`` and a ``number`` of 1 or 3 (GPSEA
      reads no other copy number: "The copy number of N is not supported"), an ``hgvs.c`` expression, or a
      ``structuralType`` with a ``geneContext`` (**error**: "Unable to find variant coordinates");
    * at least one ``diseases`` entry (**warning**: "No diseases found");
    * ``subject.sex`` (**warning**: sex-stratified analyses and X-linked genotypes need it).

    Source: GPSEA ``src/gpsea/preprocessing/_phenopacket.py`` (monarch-initiative/gpsea:
    ``PhenopacketPatientCreator.process``, ``PhenopacketGenotypeParser``, ``PhenopacketVariantCoordinateFinder``)
    and the user guide, *Input data* (https://monarch-initiative.github.io/gpsea/stable/user-guide/input-data.html).

    Why
    ---
    GPSEA's Q/C drops or fails on such individuals; checking before the cohort is built saves a round trip
    (gpsea #84 and #261 asked for it).

    Anti-pattern
    ------------
    ``"variationDescriptor": {"id": "v1", "expressions": [{"syntax": "hgvs.p", "value": "NP_000129.3:p.(Arg946Cys)"}]}``

    Fixed
    -----
    ``"variationDescriptor": {"id": "v1", "expressions": [{"syntax": "hgvs.c", "value": "NM_000138.5:c.2836C>T"}],
    "allelicState": {"id": "GENO:0000135", "label": "heterozygous"}}``
    """

    code = "RDY003"
    name = "gpsea-readiness"
    severity = Severity.ERROR
    default_enabled = False
    targets = ("Phenopacket",)

    def check(self, node: Node, ctx: Context) -> list[Violation] | tuple[()]:
        """GPSEA's requirements of one analysed phenopacket."""
        p = C.packet(node, ctx)
        if p is None:
            return ()
        pp = p.pp
        out = []
        if p.sid is None:
            out.append(C.on_subject(_NO_ID, p))
        if p.no_sex:
            out.append(C.on_subject(_NO_SEX, p))
        diseases = pp.get("diseases")  # one-word JSON names: ``diseases``, ``measurements``
        if not (p.features or diseases or pp.get("measurements")):
            out.append(
                self.violation("gpsea: no phenotype data (HPO terms, a disease or a measurement)", p.features_key)
            )
        if not diseases:
            out.append(_NO_DISEASE)
        variants = p.variants()
        for variant in variants:
            self._variant(variant, out)
        if not variants:
            out.append(_NO_VARIANT)
        return out

    def _variant(self, variant: C.Variant, out: list[Violation]) -> None:
        """The allelic state and the coordinates of one variation descriptor (findings appended to ``out``)."""
        path, vd, vcf, complete = variant
        state = vd["allelicState"] if "allelicState" in vd else vd.get("allelic_state")
        label = state.get("label") if isinstance(state, dict) else None  # ``label``: a one-word JSON name
        if not isinstance(label, str) or label not in GENOTYPE_LABELS:  # a dict or list label: no crash
            out.append(
                self.violation(
                    f"gpsea: allelic state {label!r} is not a genotype GPSEA knows (heterozygous, homozygous, …)",
                    *path,
                    C.key(vd, "allelicState"),
                )
            )
        copies = _copies(vd) if not complete else None
        if copies is not None and copies not in ("1", "3"):
            what = f"copy number {copies}" if copies else "a copy number without number.value (a range?)"
            out.append(self.violation(f"gpsea: {what} is not one GPSEA reads (1: a deletion, 3: a duplication)", *path))
        elif not _has_coordinates(vd, vcf, complete):
            out.append(
                self.violation(
                    "gpsea: no usable coordinates (a complete vcfRecord on GRCh37/GRCh38, a copy number, an hgvs.c "
                    "expression, or structuralType with geneContext)",
                    *path,
                )
            )


def _copies(vd: dict[str, Any]) -> str | None:
    """The ``number.value`` of a copy number GPSEA reads (one with ``allele.sequenceLocation.sequenceId``), else None.

    GPSEA takes such a copy number before any expression, and refuses every number but 1 and 3.
    """
    cn = C.get(C.get(vd, "variation"), "copyNumber")
    if not isinstance(cn, dict) or not C.get(C.get(C.get(cn, "allele"), "sequenceLocation"), "sequenceId"):
        return None
    number = C.get(C.get(cn, "number"), "value")
    return str(number) if number is not None else ""


def _has_coordinates(vd: dict[str, Any], vcf: dict[str, Any] | None, complete: bool) -> bool:
    """A complete ``vcfRecord`` (``complete``) on a known build, a copy number, an hgvs.c expression, or a typed SV."""
    if complete and vcf is not None:
        asm = vcf["genomeAssembly"] if "genomeAssembly" in vcf else vcf.get("genome_assembly")
        if asm is not None and asm != "":
            asm = str(asm)
            return "38" in asm or "37" in asm or "19" in asm
    if _copies(vd) is not None:  # 1 or 3: the caller reported any other number
        return True
    exprs = vd.get("expressions")  # one-word JSON names: ``expressions``, ``syntax``
    if isinstance(exprs, list) and any(isinstance(e, dict) and e.get("syntax") == "hgvs.c" for e in exprs):
        return True
    return bool(C.get(vd, "structuralType") and C.get(vd, "geneContext"))
