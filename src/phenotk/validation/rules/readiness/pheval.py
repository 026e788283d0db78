"""RDY004 pheval-readiness."""

from __future__ import annotations

from typing import Any

from phenotk.io.sourcemap import join
from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.readiness import _common as C

#: the genome assemblies PhEval accepts, written exactly so
PHEVAL_ASSEMBLIES = ("GRCh37", "hg19", "GRCh38", "hg38")
#: the ``fileAttributes.fileFormat`` PhEval's ``vcf_file_data`` looks for, compared exactly (its corpora and
#: the spiked VCFs it writes say ``vcf``; releases before the polars rewrite compared ``VCF``)
PHEVAL_VCF = "vcf"
#: the findings whose message and path never vary (:func:`~phenotk.validation.rules.readiness._common.fixed`)
_NO_DISEASE = C.fixed(
    "pheval: no diseases (disease prioritisation has nothing to score)", "diseases", severity=Severity.WARNING
)
_NO_VCF = C.fixed(
    f"pheval: no file with fileAttributes.fileFormat {PHEVAL_VCF!r} (needed for variant prioritisation runs)",
    "files",
    severity=Severity.WARNING,
)


class PhevalReadiness(Rule):
    """Profile ``pheval``: what PhEval reads from a phenopacket of a benchmarking corpus.

    What it checks
    --------------
    Switched on by ``--profile pheval``, for each analysed phenopacket:

    * at least one observed phenotypic feature (**error**: the tools under test get only those);
    * each genomic interpretation's ``variationDescriptor`` has a ``vcfRecord`` with ``chrom``, ``pos``,
      ``ref``, ``alt`` and a ``genomeAssembly`` written exactly ``GRCh37``, ``hg19``, ``GRCh38`` or ``hg38``
      (**error**: the diagnosed variant a run is scored against), and a ``geneContext`` with ``symbol`` and
      ``valueId`` (**error**: the diagnosed gene);
    * a file whose ``fileAttributes.fileFormat`` is exactly ``vcf`` (**warning**: needed for variant
      prioritisation runs; phenotype-only runs do without; ``VCF`` or any other spelling is named with a
      suggested fix, as PhEval does not find it), its ``uri`` ending ``.vcf`` or ``.vcf.gz``
      (**error**) and its ``fileAttributes.genomeAssembly`` one of the four names above (**error**:
      ``IncompatibleGenomeAssemblyError``);
    * at least one disease (**warning**: disease prioritisation is scored against it).

    Source: PhEval ``src/pheval/utils/phenopacket_utils.py`` (monarch-initiative/pheval: ``PhenopacketUtil``
    ``observed_phenotypic_features``, ``causative_variants``, ``diagnosed_genes``, ``diagnosed_variants`` and
    ``vcf_file_data`` with ``compatible_genome_assembly = ["GRCh37", "hg19", "GRCh38", "hg38"]`` and
    ``file.file_attributes["fileFormat"] == "vcf"``).

    Why
    ---
    A corpus packet without its diagnosed variant or gene in this shape is scored as a miss for every tool,
    which skews a benchmark without any error.

    Anti-pattern
    ------------
    ``"vcfRecord": {"genomeAssembly": "GRCh38.p13", "chrom": "chr15", "pos": 67236719, "ref": "TG", "alt": "T"}``

    Fixed
    -----
    ``"vcfRecord": {"genomeAssembly": "GRCh38", "chrom": "chr15", "pos": 67236719, "ref": "TG", "alt": "T"}``
    """

    code = "RDY004"
    name = "pheval-readiness"
    severity = Severity.ERROR
    default_enabled = False
    targets = ("Phenopacket",)

    def check(self, node: Node, ctx: Context) -> list[Violation] | tuple[()]:
        """PhEval's requirements of one analysed phenopacket."""
        p = C.packet(node, ctx)
        if p is None:
            return ()
        out = []
        if not p.observed:
            out.append(self.violation("pheval: no observed phenotypic feature", p.features_key))
        if not p.pp.get("diseases"):  # one-word JSON names (``diseases``, ``files``): the key in both spellings
            out.append(_NO_DISEASE)
        for variant in p.variants():
            self._variant(variant, out)
        files = p.files()
        vcfs = [(path, f) for path, f in files if C.is_vcf(f, exact=PHEVAL_VCF)] if files else files
        if not vcfs:
            spelled = [(path, f) for path, f in files if C.is_vcf(f) and isinstance(_format(f), str)]
            for path, f in spelled:  # a VCF by another spelling (``VCF``): PhEval does not find it
                attrs = C.key(f, "fileAttributes")
                fix = self.replace(
                    join("", *path, attrs, "fileFormat"), PHEVAL_VCF, safe=False, description=f"use {PHEVAL_VCF!r}"
                )
                msg = (
                    f"pheval: fileFormat {_format(f)!r} is not {PHEVAL_VCF!r}: PhEval compares it exactly and "
                    "does not find this VCF"
                )
                out.append(self.violation(msg, *path, attrs, "fileFormat", fix=fix, severity=Severity.WARNING))
            if not spelled:
                out.append(_NO_VCF)
        for path, f in vcfs:
            uri = C.get(f, "uri")
            if isinstance(uri, str) and not C.VCF_NAME.search(uri):
                out.append(
                    self.violation(f"pheval: VCF uri {uri!r} does not end in .vcf or .vcf.gz", *path, C.key(f, "uri"))
                )
            asm = C.attributes(f).get("genomeAssembly")
            if asm not in PHEVAL_ASSEMBLIES:
                out.append(
                    self.violation(
                        f"pheval: VCF genomeAssembly {asm!r} is not one of {', '.join(PHEVAL_ASSEMBLIES)}",
                        *path,
                        C.key(f, "fileAttributes"),
                    )
                )
        return out

    def _variant(self, variant: C.Variant, out: list[Violation]) -> None:
        """The diagnosed variant's vcfRecord and geneContext (findings appended to ``out``)."""
        vpath, vd, vcf, complete = variant
        if vcf is None or not complete:
            out.append(
                self.violation("pheval: the diagnosed variant has no complete vcfRecord (chrom, pos, ref, alt)", *vpath)
            )
        else:
            asm = vcf["genomeAssembly"] if "genomeAssembly" in vcf else vcf.get("genome_assembly")
            if asm not in PHEVAL_ASSEMBLIES:
                out.append(
                    self.violation(
                        f"pheval: vcfRecord genomeAssembly {asm!r} is not one of " + ", ".join(PHEVAL_ASSEMBLIES),
                        *vpath,
                        C.key(vd, "vcfRecord"),
                        C.key(vcf, "genomeAssembly"),
                    )
                )
        gene = vd["geneContext"] if "geneContext" in vd else vd.get("gene_context")
        if not (
            isinstance(gene, dict)
            and gene.get("symbol")  # a one-word JSON name
            and (gene["valueId"] if "valueId" in gene else gene.get("value_id"))
        ):
            out.append(
                self.violation(
                    "pheval: the diagnosed variant has no geneContext with symbol and valueId",
                    *vpath,
                    C.key(vd, "geneContext"),
                )
            )


def _format(f: dict[str, Any]) -> Any:
    """``fileAttributes.fileFormat`` of a file (None when absent)."""
    return C.attributes(f).get("fileFormat")
