"""VAR004 variant-hgvs-vcf-mismatch."""

from __future__ import annotations

import re
from typing import Any

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.variant._common import Finding, Memo, Record, chrom_name, nc_chrom, records

_BASES = re.compile(r"[ACGTN]+\Z", re.I)
_SUB = re.compile(r"(\d+)([ACGT])>([ACGT])\Z")
_DEL = re.compile(r"(\d+)(?:_(\d+))?del([ACGT]*)\Z")


class VariantHgvsVcfMismatch(Rule):
    """An ``hgvs.g`` expression and the VCF record of the same variant disagree on chromosome, position or bases.

    What it checks
    --------------
    For a variation descriptor with both an ``hgvs.g`` expression on a RefSeq chromosome accession
    (``NC_000015.10:g.…``) and a ``vcfRecord``, without a reference genome:

    * the accession's chromosome is the record's ``chrom`` (``NC_000015`` ↔ ``chr15``/``15``);
    * a substitution ``g.123A>G`` is ``pos`` 123, ``ref`` A, ``alt`` G;
    * a deletion ``g.123del`` / ``g.123_125del`` is, VCF-style with the preceding base, a ``ref`` one base
      longer than the deleted stretch, ``alt`` its first base, at ``pos`` 122 or left of it (in a repeat, VCF
      normalisation shifts a deletion 5' and HGVS shifts it 3': ``NC_000015.10:g.67231877del`` is
      ``pos 67231875 TC>T`` when base 67231876 is also a C).

    Other edits (duplications, insertions, delins) depend on left/right normalisation and are not compared.

    Why
    ---
    The two notations are written by different tools (VariantValidator, a VCF); when they disagree one of
    them is about another variant, and a consumer that reads only one of them silently analyses it.

    Anti-pattern
    ------------
    ``"value": "NC_000015.10:g.67236720del"`` with ``"vcfRecord": {"chrom": "chr15", "pos": 67236720, "ref": "TG",
    "alt": "T"}``

    Fixed
    -----
    ``"vcfRecord": {"chrom": "chr15", "pos": 67236719, "ref": "TG", "alt": "T"}``
    """

    code = "VAR004"
    name = "variant-hgvs-vcf-mismatch"
    severity = Severity.ERROR
    targets = ("Phenopacket",)

    def check(self, node: Node, ctx: Context) -> list[Violation] | tuple[()]:
        """Each of the phenopacket's variation descriptors (see :func:`_descriptor`); ``()`` when all agree."""
        out: list[Violation] | None = None  # no list made in the common case (no finding)
        for rec in records(node, ctx):
            if rec.vcf is not None:  # a VCF record (and, for a finding, a genomic expression)
                found = _MEMO.of(rec)
                if found:
                    path = rec.path
                    if out is None:  # one list, extended: not copied at each finding (quadratic)
                        out = []
                    out.extend(self.violation(m, *path, *at, severity=sev) for m, at, sev in found)
        return out if out is not None else ()


def _descriptor(rec: Record) -> tuple[Finding, ...]:
    """Compare each g. expression with the descriptor's VCF record (findings relative to the descriptor)."""
    vcf = rec.vcf
    if vcf is None:  # pragma: no cover - check() hands descriptors with a record only
        return ()
    genomic = rec.parts()[1]
    if not genomic:
        return ()
    found: list[Finding] = []
    ek = rec.expressions_key
    chrom = chrom_name(vcf.get("chrom"))
    pos = _int(vcf.get("pos"))
    ref, alt = vcf.get("ref"), vcf.get("alt")
    for i, expr, parts in genomic:
        ref_seq, _, description = parts
        value = expr["value"]
        nc = nc_chrom(ref_seq)
        if nc is None:
            continue
        if chrom is not None and nc[0] != chrom:
            msg = f"{value!r} is on chromosome {nc[0]} but the VCF record is on {vcf.get('chrom')!r}"
            found.append((msg, (ek, i, "value"), None))
            continue
        if pos is None or not isinstance(ref, str) or not isinstance(alt, str) or not _bases(ref + alt):
            continue  # symbolic ALT (<DEL>) or missing fields: nothing to compare
        problem = _disagreement(description, pos, ref, alt)
        if problem:
            found.append((f"{value!r} vs VCF record pos {pos} {ref}>{alt}: {problem}", (ek, i, "value"), None))
    return tuple(found)


#: descriptor signature → its findings (a cohort repeats its variants)
_MEMO = Memo(_descriptor)


def _disagreement(desc: str, pos: int, ref: str, alt: str) -> str | None:
    """Why a g. substitution or deletion cannot be the VCF record (None: they agree, or it is not compared).

    A deletion in a repeat is shifted 3' by HGVS and 5' by VCF normalisation, so only its length, the
    anchor base and that the VCF position is not right of the HGVS one are checked.
    """
    m = _SUB.match(desc)
    if m:
        want = (int(m.group(1)), m.group(2), m.group(3))
        if want != (pos, ref.upper(), alt.upper()):
            return f"the substitution {desc} is pos {want[0]} {want[1]}>{want[2]} in VCF"
        return None
    m = _DEL.match(desc)
    if m:
        start = int(m.group(1))
        length = int(m.group(2) or start) - start + 1
        if m.group(3) and len(m.group(3)) != length:
            return None  # the HGVS itself is inconsistent: not this rule's business
        if len(ref) != length + 1 or alt.upper() != ref[:1].upper():
            return f"deleting {length} base(s) is REF of {length + 1} bases and ALT its first base in VCF"
        if pos > start - 1:
            return f"the VCF anchor base must be at or left of {start - 1} (VCF left-aligns, HGVS right-aligns)"
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():  # "²" is a digit to isdigit
        try:
            return int(value)
        except ValueError:  # past Python's 4,300-digit limit
            return None
    return None


def _bases(text: str) -> bool:
    """``_BASES.match(text)``: a non-empty run of A, C, G, T, N in either case (ASCII decided without the regex)."""
    if text.isascii():
        return bool(text) and not text.strip("ACGTNacgtn")
    return _BASES.match(text) is not None
