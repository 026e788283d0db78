"""RDY004 pheval-readiness."""

from __future__ import annotations

from collections.abc import Iterator

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.readiness import _common as C

#: the genome assemblies PhEval accepts, written exactly so
PHEVAL_ASSEMBLIES = ("GRCh37", "hg19", "GRCh38", "hg38")


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
    * a file whose ``fileAttributes.fileFormat`` is exactly ``VCF`` (**warning**: needed for variant
      prioritisation runs; phenotype-only runs do without), its ``uri`` ending ``.vcf`` or ``.vcf.gz``
      (**error**) and its ``fileAttributes.genomeAssembly`` one of the four names above (**error**:
      ``IncompatibleGenomeAssemblyError``);
    * at least one disease (**warning**: disease prioritisation is scored against it).

    Source: PhEval ``src/pheval/utils/phenopacket_utils.py`` (monarch-initiative/pheval: ``PhenopacketUtil``
    ``observed_phenotypic_features``, ``causative_variants``, ``diagnosed_genes``, ``diagnosed_variants`` and
    ``vcf_file_data`` with ``compatible_genome_assembly = ["GRCh37", "hg19", "GRCh38", "hg38"]``).

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

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        """PhEval's requirements of one analysed phenopacket."""
        if not C.analysed(node):
            return
        pp = node.value
        p = C.packet(node, ctx.state)
        if not p.observed:
            yield self.violation("pheval: no observed phenotypic feature", p.features_key)
        if not C.get(pp, "diseases"):
            yield self.violation(
                "pheval: no diseases (disease prioritisation has nothing to score)",
                C.key(pp, "diseases"),
                severity=Severity.WARNING,
            )
        for vpath, vd in p.variants():
            vcf = C.get(vd, "vcfRecord")
            if not isinstance(vcf, dict) or C.incomplete_vcf(vcf):
                yield self.violation(
                    "pheval: the diagnosed variant has no complete vcfRecord (chrom, pos, ref, alt)", *vpath
                )
            elif C.get(vcf, "genomeAssembly") not in PHEVAL_ASSEMBLIES:
                yield self.violation(
                    f"pheval: vcfRecord genomeAssembly {C.get(vcf, 'genomeAssembly')!r} is not one of "
                    + ", ".join(PHEVAL_ASSEMBLIES),
                    *vpath,
                    C.key(vd, "vcfRecord"),
                    C.key(vcf, "genomeAssembly"),
                )
            gene = C.get(vd, "geneContext")
            if not (C.get(gene, "symbol") and C.get(gene, "valueId")):
                yield self.violation(
                    "pheval: the diagnosed variant has no geneContext with symbol and valueId",
                    *vpath,
                    C.key(vd, "geneContext"),
                )
        vcfs = [(path, f) for path, f in p.files(node) if C.is_vcf(f, exact="VCF")]
        if not vcfs:
            yield self.violation(
                "pheval: no file with fileAttributes.fileFormat 'VCF' (needed for variant prioritisation runs)",
                C.key(pp, "files"),
                severity=Severity.WARNING,
            )
        for path, f in vcfs:
            uri = C.get(f, "uri")
            if isinstance(uri, str) and not C.VCF_NAME.search(uri):
                yield self.violation(f"pheval: VCF uri {uri!r} does not end in .vcf or .vcf.gz", *path, C.key(f, "uri"))
            asm = C.attributes(f).get("genomeAssembly")
            if asm not in PHEVAL_ASSEMBLIES:
                yield self.violation(
                    f"pheval: VCF genomeAssembly {asm!r} is not one of {', '.join(PHEVAL_ASSEMBLIES)}",
                    *path,
                    C.key(f, "fileAttributes"),
                )
