"""RDY003 gpsea-readiness."""

from __future__ import annotations

from collections.abc import Iterator
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
      copy-number ``variation``, an ``hgvs.c`` expression, or a ``structuralType`` with a ``geneContext``
      (**error**: "Unable to find variant coordinates");
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

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        """GPSEA's requirements of one analysed phenopacket."""
        if not C.analysed(node):
            return
        pp = node.value
        sk = C.key(pp, "subject")
        if C.subject_id(pp) is None:
            yield self.violation("gpsea: no subject.id (the sample label)", sk, "id")
        if not C.sex(pp) or C.sex(pp) == "UNKNOWN_SEX":
            yield self.violation("gpsea: subject.sex is not set", sk, "sex", severity=Severity.WARNING)
        if not (C.get(pp, "phenotypicFeatures") or C.get(pp, "diseases") or C.get(pp, "measurements")):
            yield self.violation(
                "gpsea: no phenotype data (HPO terms, a disease or a measurement)", C.key(pp, "phenotypicFeatures")
            )
        if not C.get(pp, "diseases"):
            yield self.violation("gpsea: no diseases", C.key(pp, "diseases"), severity=Severity.WARNING)
        variants = 0
        for path, gi in C.genomic_interpretations(pp):
            found = C.descriptor(gi)
            if found is None:
                continue
            variants += 1
            yield from self._variant((*path, *found[0]), found[1])
        if variants == 0:
            yield self.violation(
                "gpsea: no genotype data (no variant in any genomic interpretation)", C.key(pp, "interpretations")
            )

    def _variant(self, path: tuple[Any, ...], vd: dict[str, Any]) -> Iterator[Violation]:
        state = C.get(vd, "allelicState")
        label = C.get(state, "label")
        if label not in GENOTYPE_LABELS:
            yield self.violation(
                f"gpsea: allelic state {label!r} is not a genotype GPSEA knows (heterozygous, homozygous, …)",
                *path,
                C.key(vd, "allelicState"),
            )
        if not _has_coordinates(vd):
            yield self.violation(
                "gpsea: no usable coordinates (a complete vcfRecord on GRCh37/GRCh38, a copy number, an hgvs.c "
                "expression, or structuralType with geneContext)",
                *path,
            )


def _has_coordinates(vd: dict[str, Any]) -> bool:
    vcf = C.get(vd, "vcfRecord")
    if isinstance(vcf, dict) and all(
        C.get(vcf, k) not in (None, "") for k in ("genomeAssembly", "chrom", "pos", "ref", "alt")
    ):
        asm = str(C.get(vcf, "genomeAssembly"))
        return "38" in asm or "37" in asm or "19" in asm
    if C.get(C.get(vd, "variation"), "copyNumber"):
        return True
    exprs = C.get(vd, "expressions")
    if isinstance(exprs, list) and any(C.get(e, "syntax") == "hgvs.c" for e in exprs):
        return True
    return bool(C.get(vd, "structuralType") and C.get(vd, "geneContext"))
