"""VAR003 variant-genome-assembly."""

from __future__ import annotations

from typing import Any

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.variant._common import Finding, Memo, Record, build_of, nc_build, records

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
        """Each of the phenopacket's variation descriptors (see :func:`_descriptor`); ``()`` when all agree."""
        out: list[Violation] | None = None  # no list made in the common case (no finding)
        for rec in records(node, ctx):
            if rec.vcf is not None:  # a VCF record
                build, assembly, ak, found = _MEMO.of(rec)
                if build is not None:
                    first = ctx.state.get(_STATE)
                    if first is None:  # its pointer is spelled out only for a finding (most documents have one build)
                        first = ctx.state[_STATE] = (build, assembly, node[2], (*rec.path, rec.vcf_key, ak))
                    if first[0] != build:
                        if out is None:  # one list, extended: not copied at each finding (quadratic)
                            out = []
                        out.append(self._differs(rec, build, assembly, ak, first))
                if found:
                    path = rec.path
                    if out is None:
                        out = []
                    out.extend(self.violation(m, *path, *at, severity=sev) for m, at, sev in found)
        return out if out is not None else ()

    def _differs(self, rec: Record, build: str, assembly: str, ak: str, first: tuple[Any, ...]) -> Violation:
        """The warning at a record whose build is not the document's first (``first``: build, as written, where)."""
        where = first[2] + "".join(f"/{t}" for t in first[3])
        return self.violation(
            f"genome assembly {assembly!r} ({build}) differs from {first[1]!r} ({first[0]}) at {where}",
            *rec.path,
            rec.vcf_key,  # type: ignore[arg-type]  # set with a record
            ak,
            severity=Severity.WARNING,
        )


def _descriptor(rec: Record) -> tuple[str | None, str, str, tuple[Finding, ...]]:
    """(build, assembly as written, its key, findings) of a descriptor with a VCF record.

    The build is None when the assembly is absent or unknown: the document's first build is then not compared.
    """
    vk, vcf = rec.vcf_key, rec.vcf
    if vcf is None or vk is None:  # pragma: no cover - check() hands descriptors with a record only
        return None, "", "", ()
    ak = "genomeAssembly" if "genomeAssembly" in vcf else "genome_assembly"
    assembly = vcf.get(ak)
    if not isinstance(assembly, str) or not assembly:
        return None, "", ak, ()  # schema-required
    build = build_of(assembly)
    if build is None:
        msg = f"genome assembly {assembly!r} is not a known build (GRCh38/hg38, GRCh37/hg19, T2T-CHM13 …)"
        return None, assembly, ak, ((msg, (vk, ak), Severity.WARNING),)
    found: list[Finding] = []
    ek = rec.expressions_key
    for i, expr, parts in rec.parts()[1]:
        ref, value = parts[0], expr["value"]
        said = nc_build(ref)
        if said is not None and said != build:
            msg = f"{value!r} is on {said} ({ref}) but the VCF record says {assembly!r} ({build})"
            found.append((msg, (ek, i, "value"), None))
    return build, assembly, ak, tuple(found)


#: descriptor signature → (build, assembly, key, findings): a cohort repeats its variants
_MEMO = Memo(_descriptor)
