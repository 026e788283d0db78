"""VAR003 variant-genome-assembly."""

from __future__ import annotations

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.variant._common import Record, build_of, nc_build, records

_STATE = "variant-genome-assembly"


class VariantGenomeAssembly(Rule):
    """A genome assembly that is not recognised, or assemblies that disagree within a document.

    What it checks
    --------------
    * ``vcfRecord.genomeAssembly`` is a known build name: ``GRCh38``/``hg38``, ``GRCh37``/``hg19``/``b37``
      (patch releases such as ``GRCh38.p13`` too), ``NCBI36``/``hg18``, ``T2T-CHM13`` — otherwise a
      **warning** (e.g. ``"38"``, ``"human"``);
    * an ``hgvs.g`` expression on a RefSeq chromosome names the build by its accession version
      (``NC_000015.10`` is GRCh38, ``NC_000015.9`` GRCh37): it must be the build of the descriptor's VCF record
      (**error**: one of them is on the wrong coordinates);
    * all VCF records of a document use one build (**warning** at each record that differs from the first).

    Why
    ---
    Coordinates are meaningless without their build; Exomiser and PhEval take the assembly from the
    phenopacket's VCF file or record and score nothing when it does not match the data, and GRCh37 vs
    GRCh38 positions of the same variant differ by up to megabases.

    Anti-pattern
    ------------
    ``"expressions": [{"syntax": "hgvs.g", "value": "NC_000015.9:g.67528965del"}]`` with
    ``"vcfRecord": {"genomeAssembly": "hg38", …}``

    Fixed
    -----
    ``"expressions": [{"syntax": "hgvs.g", "value": "NC_000015.10:g.67236720del"}]`` with
    ``"vcfRecord": {"genomeAssembly": "hg38", …}``
    """

    code = "VAR003"
    name = "variant-genome-assembly"
    severity = Severity.ERROR
    targets = ("Phenopacket",)

    def check(self, node: Node, ctx: Context) -> list[Violation] | tuple[()]:
        """Each of the phenopacket's variation descriptors (see :meth:`_descriptor`); ``()`` when all agree."""
        out: list[Violation] | tuple[()] = ()
        for rec in records(node, ctx):
            if rec[3] is not None:  # a VCF record
                found = self._descriptor(rec, ctx, node[2])
                if found:
                    out = [*out, *found]
        return out

    def _descriptor(self, rec: Record, ctx: Context, base: str) -> list[Violation]:
        """Assembly of one descriptor's VCF record against its g. expressions and the document's first build."""
        path, _vd, vk, vcf, ek, _exprs, genomic = rec
        if vcf is None or vk is None:  # pragma: no cover - check() hands descriptors with a record only
            return []
        ak = "genomeAssembly" if "genomeAssembly" in vcf else "genome_assembly"
        assembly = vcf.get(ak)
        if not isinstance(assembly, str) or not assembly:
            return []  # schema-required
        build = build_of(assembly)
        if build is None:
            return [
                self.violation(
                    f"genome assembly {assembly!r} is not a known build (GRCh38/hg38, GRCh37/hg19, T2T-CHM13 …)",
                    *path,
                    vk,
                    ak,
                    severity=Severity.WARNING,
                )
            ]
        found: list[Violation] = []
        first = ctx.state.get(_STATE)
        if (
            first is None
        ):  # where it is, as a pointer, is spelled out only for a finding (most documents have one build)
            first = ctx.state[_STATE] = (build, assembly, base, (*path, vk, ak))
        if first[0] != build:
            where = first[2] + "".join(f"/{t}" for t in first[3])
            found.append(
                self.violation(
                    f"genome assembly {assembly!r} ({build}) differs from {first[1]!r} ({first[0]}) at {where}",
                    *path,
                    vk,
                    ak,
                    severity=Severity.WARNING,
                )
            )
        for i, expr, parts in genomic:
            ref, value = parts[0], expr["value"]
            said = nc_build(ref)
            if said is not None and said != build:
                found.append(
                    self.violation(
                        f"{value!r} is on {said} ({ref}) but the VCF record says {assembly!r} ({build})",
                        *path,
                        ek,
                        i,
                        "value",
                    )
                )
        return found
