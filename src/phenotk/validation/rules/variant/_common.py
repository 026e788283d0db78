"""Shared helpers of the variant rules: chromosome names, assemblies and RefSeq chromosome accessions."""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import chain
from typing import TYPE_CHECKING, Any

import orjson

from phenotk.io import Format
from phenotk.validation.rule import Context, Node, Token

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.issue import Severity

#: assembly names as written → the build they mean
ASSEMBLIES = {
    "grch38": "GRCh38",
    "hg38": "GRCh38",
    "grch37": "GRCh37",
    "hg19": "GRCh37",
    "ncbi36": "NCBI36",
    "hg18": "NCBI36",
    "t2t-chm13": "T2T-CHM13",
    "chm13": "T2T-CHM13",
    "t2t-chm13v2.0": "T2T-CHM13",
    "chm13v2.0": "T2T-CHM13",
    "b37": "GRCh37",
    "hs37d5": "GRCh37",
}
_PATCH = re.compile(r"(grch3[78])\.p\d+\Z")
#: chromosome name (``1`` … ``22``, ``X``, ``Y``, ``M``/``MT``, with or without ``chr``)
CHROM = re.compile(r"(?:chr)?(?P<c>[1-9]|1\d|2[0-2]|X|Y|M|MT)\Z", re.I)
#: other contig names a VCF may carry (unplaced/alt contigs, decoys)
CONTIG = re.compile(
    r"(?:chr)?(?:Un_|\d{1,2}_|[XY]_)?(?:GL|KI|JH|KN|KQ|KZ|ML|MU|KV)\d+(?:\.\d+|v\d+)?(?:_(?:alt|random|fix|decoy))?\Z|hs37d5|chrEBV|NC_\d{6}\.\d+",
    re.I,
)
#: RefSeq chromosome accession: NC_0000NN (NN 01-24) or NC_012920 (mitochondrion)
NC_CHROM = re.compile(r"NC_0000(?P<n>0[1-9]|1\d|2[0-4])\.(?P<v>\d+)\Z|NC_012920\.1\Z")
#: GRCh38 accession version per chromosome (1-22, X, Y); GRCh37 is one less for every chromosome
GRCH38_VERSION = {
    "1": 11,
    "2": 12,
    "3": 12,
    "4": 12,
    "5": 10,
    "6": 12,
    "7": 14,
    "8": 11,
    "9": 12,
    "10": 11,
    "11": 10,
    "12": 12,
    "13": 11,
    "14": 9,
    "15": 10,
    "16": 10,
    "17": 11,
    "18": 10,
    "19": 10,
    "20": 11,
    "21": 9,
    "22": 11,
    "X": 11,
    "Y": 10,
}


def build_of(assembly: Any) -> str | None:
    """The build an assembly name means (``hg19`` → ``GRCh37``), or None when it is not known."""
    known = _BUILD_AS_WRITTEN.get(assembly) if type(assembly) is str else None
    if known is not None:
        return known
    if not isinstance(assembly, str):
        return None
    a = assembly.strip().lower()
    m = _PATCH.match(a)
    return ASSEMBLIES.get(m.group(1) if m else a)


def chrom_name(chrom: Any) -> str | None:
    """``chr1`` / ``1`` → ``1``; ``chrM`` / ``MT`` → ``MT``; None for anything else."""
    if type(chrom) is str and chrom in _CHROM_AS_WRITTEN:
        return _CHROM_AS_WRITTEN[chrom]
    if not isinstance(chrom, str):
        return None
    m = CHROM.match(chrom.strip())
    if not m:
        return None
    c = m.group("c").upper()
    return "MT" if c in ("M", "MT") else c


def nc_chrom(accession: str) -> tuple[str, int] | None:
    """(chromosome, version) of a RefSeq chromosome accession, or None."""
    known = _NC_AS_WRITTEN.get(accession)
    if known is not None:
        return known
    m = NC_CHROM.match(accession)
    if not m:
        return None
    if m.group("n") is None:
        return "MT", 1
    n = int(m.group("n"))
    return {23: "X", 24: "Y"}.get(n, str(n)), int(m.group("v"))


def nc_build(accession: str) -> str | None:
    """GRCh38 / GRCh37 for a chromosome accession whose version tells (None: mitochondrion, other versions)."""
    got = nc_chrom(accession)
    if got is None or got[0] == "MT":
        return None
    chrom, version = got
    v38 = GRCH38_VERSION[chrom]
    return "GRCh38" if version == v38 else "GRCh37" if version == v38 - 1 else None


#: the ``syntax`` of the expressions :func:`genomic_expression` splits (a tuple: an unhashable syntax is compared)
_GENOMIC_SYNTAX = ("hgvs.g", "hgvs.m")


def genomic_expression(expr: dict[str, Any]) -> tuple[str, str, str] | None:
    """(accession, kind, description) of an ``hgvs.g``/``hgvs.m`` expression on a RefSeq chromosome, else None.

    A cheap split, no full parse: the variant rules that compare g. expressions with a VCF record only need
    these three parts (``variant-hgvs-syntax`` reports malformed expressions).
    """
    if expr.get("syntax") not in _GENOMIC_SYNTAX:
        return None
    value = expr.get("value")
    if not isinstance(value, str) or not value.startswith("NC_"):
        return None
    ref, _, rest = value.partition(":")
    if rest[:2] not in ("g.", "m."):
        return None
    return ref, rest[0], rest[2:]


def descriptors(node: Node, ctx: Context) -> list[tuple[tuple[Token, ...], dict[str, Any]]]:
    """(path relative to the phenopacket ``node``, variation descriptor) of its genomic interpretations.

    The variant rules target the phenopacket (a node the walk makes anyway) instead of each descriptor and
    share this list through ``ctx.state``: one traversal per phenopacket, however many rules read it.
    """
    return interpretation_tree(node, ctx)[1]


#: (message type, path relative to the phenopacket, object) of an object in the interpretations
Level = tuple[str, tuple["Token", ...], dict[str, Any]]


def interpretation_tree(node: Node, ctx: Context) -> tuple[list[Level], list[tuple[tuple[Token, ...], dict[str, Any]]]]:
    """The phenopacket's interpretation objects, and its variation descriptors with their paths.

    The first list holds each ``Interpretation``, ``GenomicInterpretation``, ``VariantInterpretation`` and
    ``VariationDescriptor`` object as (type, path, object), outer before inner, in document order
    (``required-default`` reads them); the second (path, descriptor) of the descriptors. Made once per
    phenopacket and shared through ``ctx.state``.
    """
    key = "interpretation-tree" + node[2]  # node.pointer (tuple access: hot path)
    found = ctx.state.get(key)
    if found is None:
        found = ctx.state[key] = _walk_interpretations(node[0])
    return found  # type: ignore[no-any-return]


class Record:
    """What the variant rules read of one variation descriptor, made once per phenopacket (``ctx.state``).

    ``path`` is the descriptor's path relative to the phenopacket, ``vcf_key`` the key of its VCF record
    (``vcfRecord``/``vcf_record``, None when absent) and ``vcf`` the record when it is an object.
    ``signature`` is the JSON text of everything the variant rules read of the descriptor (the VCF record key
    and value, the ``expressions``), or None (:func:`_signature`; ``parsed``: the tree was parsed from JSON
    text, its values need no type check): a descriptor's findings, relative
    to the descriptor, are a function of it, so each rule keeps them per signature (:class:`Memo`) — a run
    meets the same variant in every patient of a family or cohort. The expressions are split on first use
    (:meth:`parts`): a run that has seen the descriptor before does not need them.
    """

    __slots__ = ("_parts", "descriptor", "path", "signature", "vcf", "vcf_key")

    expressions_key = "expressions"  # one-word field: the snake_case key is the same

    def __init__(self, path: tuple[Token, ...], descriptor: dict[str, Any], parsed: bool) -> None:
        self.path = path
        self.descriptor = descriptor
        vk = "vcfRecord" if "vcfRecord" in descriptor else ("vcf_record" if "vcf_record" in descriptor else None)
        vcf = descriptor[vk] if vk is not None else None
        self.vcf_key = vk
        self.vcf: dict[str, Any] | None = vcf if isinstance(vcf, dict) else None
        self.signature = _signature(vk, vcf, descriptor.get("expressions"), parsed)
        self._parts: tuple[list[tuple[int, dict[str, Any]]], list[Genomic]] | None = None

    def parts(self) -> tuple[list[tuple[int, dict[str, Any]]], list[Genomic]]:
        """The descriptor's expressions: (index, expression) objects, and the genomic ones split.

        The second list holds (index, expression, (accession, kind, description)) (:func:`genomic_expression`).
        """
        got = self._parts
        if got is None:
            listed: list[tuple[int, dict[str, Any]]] = []
            genomic: list[Genomic] = []
            exprs = self.descriptor.get("expressions")
            if isinstance(exprs, list):
                for i, e in enumerate(exprs):  # one pass; only hgvs.g/hgvs.m expressions are split
                    if isinstance(e, dict):
                        listed.append((i, e))
                        if e.get("syntax") in _GENOMIC_SYNTAX:
                            split = genomic_expression(e)
                            if split is not None:
                                genomic.append((i, e, split))
            got = self._parts = (listed, genomic)
        return got


#: (index, expression, (accession, kind, description)) of a genomic expression
Genomic = tuple[int, dict[str, Any], tuple[str, str, str]]
#: one finding of a rule, relative to the descriptor: (message, path below the descriptor, severity or None)
Finding = tuple[str, tuple[Token, ...], "Severity | None"]


def records(node: Node, ctx: Context) -> list[Record]:
    """The phenopacket's variation descriptors with the keys, VCF record and signature the rules read.

    Made once per phenopacket (``ctx.state``) for the four variant rules and ``value-out-of-range``: each
    used to look the same keys up and split the same expressions again.
    """
    key = "variant-records" + node[2]  # node.pointer (tuple access: hot path)
    found = ctx.state.get(key)
    if found is None:
        parsed = _parsed_json(ctx)
        found = ctx.state[key] = [Record(path, vd, parsed) for path, vd in interpretation_tree(node, ctx)[1]]
    return found  # type: ignore[no-any-return]


#: the types of JSON values as a JSON parser makes them (exactly: no subclass, no enum, no UUID, no date)
_JSON_SCALARS = frozenset({str, int, float, bool, type(None)})


def _signature(vk: str | None, vcf: Any, exprs: Any, parsed: bool) -> bytes | None:
    """The JSON text of a descriptor's VCF record key and value and its expressions, or None.

    JSON text tells ``1`` from ``1.0`` and ``true`` (equal as dict keys) and is hashed once. None — no memo,
    each rule looks at the descriptor itself — for what JSON text would make look like something else: a NaN or
    infinity (written as null, like a null: a descriptor with a null is rare) and, in a tree not ``parsed``
    from JSON text (YAML, a dict handed to the API), a value that is no plain JSON scalar (a date, an enum, a
    UUID, a nested object, a tuple, a subclass).
    """
    if not parsed:
        if (vcf is not None and type(vcf) is not dict) or (exprs is not None and type(exprs) is not list):
            return None  # a tuple would be written as a list
        try:
            if vcf is not None and not _JSON_SCALARS.issuperset(map(type, vcf.values())):
                return None
            if exprs and not _JSON_SCALARS.issuperset(map(type, chain.from_iterable(map(dict.values, exprs)))):
                return None
        except TypeError:  # an expression that is no object
            return None
    try:
        sig = orjson.dumps((vk, vcf, exprs))
    except TypeError:  # no JSON at all (a non-string key, an integer past 64 bits …)
        return None
    return None if b"null" in sig else sig


def _parsed_json(ctx: Context) -> bool:
    """True when the document's tree was parsed from JSON text (plain JSON values only; NaN aside)."""
    doc = ctx.document
    return doc is not None and doc.format in (Format.JSON, Format.JSONL) and doc.utf8() is not None


class Memo:
    """A rule's per-run memo: descriptor signature → its findings relative to the descriptor (bounded).

    ``findings`` is the rule's own check of one descriptor; it is asked once per distinct signature (every
    time for a descriptor without one).
    """

    __slots__ = ("_findings", "_found")

    #: at most this many distinct descriptors are remembered (a run over the whole store meets ~4,300)
    LIMIT = 50_000

    def __init__(self, findings: Callable[[Record], tuple[Any, ...]]) -> None:
        self._found: dict[bytes, tuple[Any, ...]] = {}
        self._findings = findings

    def of(self, rec: Record) -> tuple[Any, ...]:
        """The findings of ``rec``'s descriptor: remembered, or worked out by the rule.

        A method, not ``__call__``: calling an instance costs twice a method call, on every descriptor.
        """
        sig = rec.signature
        if sig is None:
            return self._findings(rec)
        found = self._found.get(sig)
        if found is None:
            found = self._findings(rec)
            if len(self._found) < self.LIMIT:
                # a copy of the key: orjson's bytes keep its 4 KB write buffer (18 MB for the store's ~4,300)
                self._found[bytes(memoryview(sig))] = found
        return found


def pick(d: dict[str, Any], camel: str, snake: str) -> tuple[str, Any]:
    """(key, value) of a field written camelCase or snake_case (the camelCase key when absent)."""
    v = d.get(camel)
    if v is not None:
        return camel, v
    v = d.get(snake)
    return (snake, v) if v is not None else (camel, None)


def _walk_interpretations(
    pp: dict[str, Any],
) -> tuple[list[Level], list[tuple[tuple[Token, ...], dict[str, Any]]]]:
    """:func:`interpretation_tree` of a phenopacket (plain dict look-ups, :func:`pick` inlined: once per document)."""
    levels: list[Level] = []
    found: list[tuple[tuple[Token, ...], dict[str, Any]]] = []
    interps = pp.get("interpretations")
    if type(interps) is not list:
        return levels, found
    for i, it in enumerate(interps):
        if type(it) is not dict:
            continue
        levels.append(("Interpretation", ("interpretations", i), it))
        diag = it.get("diagnosis")
        if type(diag) is not dict:
            continue
        gk = "genomicInterpretations"
        gis = diag.get(gk)
        if gis is None:
            gk = "genomic_interpretations"
            gis = diag.get(gk)
        if type(gis) is not list:
            continue
        for j, gi in enumerate(gis):
            if type(gi) is not dict:
                continue
            at: tuple[Token, ...] = ("interpretations", i, "diagnosis", gk, j)
            levels.append(("GenomicInterpretation", at, gi))
            vk = "variantInterpretation"
            vi = gi.get(vk)
            if vi is None:
                vk = "variant_interpretation"
                vi = gi.get(vk)
            if type(vi) is not dict:
                continue
            levels.append(("VariantInterpretation", (*at, vk), vi))
            dk = "variationDescriptor"
            vd = vi.get(dk)
            if vd is None:
                dk = "variation_descriptor"
                vd = vi.get(dk)
            if type(vd) is dict:
                path = (*at, vk, dk)
                levels.append(("VariationDescriptor", path, vd))
                found.append((path, vd))
    return levels, found


_CHROMS = (*map(str, range(1, 23)), "X", "Y")
#: the common spellings, looked up before any regex (the rules run on every variant of every document)
_CHROM_AS_WRITTEN = {
    **{c: c for c in _CHROMS},
    **{"chr" + c: c for c in _CHROMS},
    "M": "MT",
    "MT": "MT",
    "chrM": "MT",
    "chrMT": "MT",
}
_NC_AS_WRITTEN = {
    **{
        f"NC_0000{n:02d}.{GRCH38_VERSION[c] - d}": (c, GRCH38_VERSION[c] - d)
        for n, c in enumerate(_CHROMS, 1)
        for d in (0, 1)
    },
    "NC_012920.1": ("MT", 1),
}
_BUILD_AS_WRITTEN = {"GRCh38": "GRCh38", "hg38": "GRCh38", "GRCh37": "GRCh37", "hg19": "GRCh37"}
