"""VAR002 variant-vcf-record."""

from __future__ import annotations

import re
from typing import Any

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.variant._common import CONTIG, Finding, Memo, Record, chrom_name, records

_REF = re.compile(r"[ACGTN]+\Z", re.I)
#: one ALT allele: bases, a symbolic allele <DEL>, the overlapping deletion *, no ALT ., or a breakend
_ALT = re.compile(
    r"[ACGTN]+\Z|<[^<>,\s]+>\Z|\*\Z|\.\Z|[ACGTN]*[\[\]][^\[\]\s]+[\[\]][ACGTN]*\Z|\.[ACGTN]+\Z|[ACGTN]+\.\Z", re.I
)


class VariantVcfRecord(Rule):
    """A VCF record with an unknown chromosome name, bases outside ACGTN, or REF equal to ALT.

    What it checks
    --------------
    ``VcfRecord`` (``variationDescriptor.vcfRecord``):

    * ``chrom`` is a human chromosome (``1`` … ``22``, ``X``, ``Y``, ``M``/``MT``, with or without ``chr``) or
      a known contig name (``GL000192.1``, ``chrUn_KI270302v1``, ``NC_000001.11``) — otherwise a **warning**;
    * ``ref`` is bases ``A C G T N`` (an **error** otherwise);
    * each comma-separated ``alt`` is bases, a symbolic allele (``<DEL>``, ``<DUP:TANDEM>``), ``*``, ``.`` or a
      breakend (``G]17:198982]``) — an **error** otherwise;
    * ``alt`` differs from ``ref`` (an **error**: that is no variant).

    The position is checked by ``value-out-of-range``; assembly by ``variant-genome-assembly``.

    Why
    ---
    Exomiser, PhEval and every VCF tool read these fields as the VCF 4.x specification defines them; a
    lower-case ``chr1`` vs ``1`` mismatch is tolerated by most, but ``ref: "c.123A"`` or ``alt: "A/G"`` makes
    the record unusable without a word.

    Anti-pattern
    ------------
    ``"vcfRecord": {"genomeAssembly": "GRCh38", "chrom": "chromosome 1", "pos": "1000", "ref": "A", "alt": "A/G"}``

    Fixed
    -----
    ``"vcfRecord": {"genomeAssembly": "GRCh38", "chrom": "chr1", "pos": "1000", "ref": "A", "alt": "G"}``
    """

    code = "VAR002"
    name = "variant-vcf-record"
    severity = Severity.ERROR
    targets = ("Phenopacket",)

    def check(self, node: Node, ctx: Context) -> list[Violation] | tuple[()]:
        """Check the VCF record of each of the phenopacket's variation descriptors (``()`` when all are fine)."""
        out: list[Violation] | None = None  # no list made in the common case (no finding)
        for rec in records(node, ctx):
            if rec.vcf is not None:
                found = _MEMO.of(rec)
                if found:
                    path = rec.path
                    if out is None:  # one list, extended: not copied at each finding (quadratic)
                        out = []
                    out.extend(self.violation(m, *path, *at, severity=sev) for m, at, sev in found)
        return out if out is not None else ()


def _descriptor(rec: Record) -> tuple[Finding, ...]:
    """The findings of a descriptor's VCF record (chromosome, REF, ALT), relative to the descriptor."""
    vcf, vk = rec.vcf, rec.vcf_key
    if vcf is None or vk is None:  # pragma: no cover - check() hands descriptors with a record only
        return ()
    if _plain(vcf):
        return ()
    found: list[Finding] = []
    # one-word fields: the snake_case key is the JSON name
    ck = "chrom" if "chrom" in vcf else None
    chrom = vcf[ck] if ck else None
    if isinstance(chrom, str) and chrom and chrom_name(chrom) is None and not CONTIG.match(chrom.strip()):
        msg = f"chromosome {chrom!r} is not a human chromosome name (1-22, X, Y, MT, with or without 'chr')"
        found.append((msg, (vk, ck), Severity.WARNING))  # type: ignore[arg-type]  # ck is set with a chrom
    rk = "ref" if "ref" in vcf else None
    ak = "alt" if "alt" in vcf else None
    ref = vcf[rk] if rk else None
    alt = vcf[ak] if ak else None
    if isinstance(ref, str) and ref and not _bases(ref):
        found.append((f"REF {ref!r} is not a sequence of A, C, G, T, N", (vk, rk), None))  # type: ignore[arg-type]
    if isinstance(alt, str) and alt:
        bad = [] if _bases(alt) else [a for a in alt.split(",") if not _ALT.match(a)]
        if bad:
            msg = (
                f"ALT {alt!r}: {bad[0]!r} is not bases, a symbolic allele <…>, '*', '.' or a breakend "
                "(several ALT alleles are separated by commas)"
            )
            found.append((msg, (vk, ak), None))  # type: ignore[arg-type]
        elif isinstance(ref, str) and alt.upper() == ref.upper():
            found.append((f"ALT {alt!r} equals REF: that is no variant", (vk, ak), None))  # type: ignore[arg-type]
    return tuple(found)


#: descriptor signature → its findings (a cohort repeats its variants)
_MEMO = Memo(_descriptor)


def _bases(text: str) -> bool:
    """``_REF.match(text)``: a non-empty run of A, C, G, T, N in either case (ASCII decided without the regex)."""
    if text.isascii():
        return bool(text) and not text.strip("ACGTNacgtn")
    return _REF.match(text) is not None


def _plain(vcf: dict[str, Any]) -> bool:
    """True for the usual record, which has nothing to report (decided without a regex).

    A common chromosome name, and REF and ALT different runs of upper-case bases; anything else takes
    :func:`_descriptor`.
    """
    chrom, ref, alt = vcf.get("chrom"), vcf.get("ref"), vcf.get("alt")
    return (
        type(chrom) is str
        and chrom in _COMMON_CHROMS
        and type(ref) is str
        and type(alt) is str
        and ref != alt
        and ref.isascii()
        and alt.isascii()
        and bool(ref)
        and bool(alt)
        and not ref.strip("ACGTN")
        and not alt.strip("ACGTN")
    )


#: chromosome names :func:`chrom_name` knows as written (1-22, X, Y, M/MT, with or without chr)
_COMMON_CHROMS = frozenset(
    [*map(str, range(1, 23)), "X", "Y", "M", "MT"] + ["chr" + c for c in [*map(str, range(1, 23)), "X", "Y", "M", "MT"]]
)
