"""HGVS variant descriptions: a syntax check and a small parser (no sequence look-ups, no network).

:func:`parse_hgvs` reads one expression such as ``NM_001165963.4:c.2836C>T``, ``NM_004006.2(DMD):c.123+1G>A``,
``c.-14C>T``, ``c.*5del``, ``NC_000023.11:g.(?_31000)_(32000_?)del``, ``m.3243A>G``, ``NR_002757.3:n.24G>C``,
``NP_000129.3:p.(Arg946Cys)``, ``p.Ser1516*``, ``p.R97Pfs*23`` or ``p.?`` and returns an :class:`Hgvs`: the
reference sequence (or None), the gene named in brackets after it, the kind (``c`` ``g`` ``m`` ``n`` ``r``
``p``) and the description. Anything else raises :class:`HgvsError` with the reason (``c.2836C>X``: "'X' is not
a nucleotide").

What is checked: reference accessions (RefSeq ``NM_ NR_ NC_ NG_ NT_ NW_ XM_ XR_ NP_ XP_``, Ensembl ``ENST ENSG
ENSP``, ``LRG_n`` / ``LRG_ntn`` / ``LRG_npn``; protein references only with ``p.``), positions (c./n./r.
intronic offsets ``123+1`` ``-14-2``, UTR ``-14`` ``*5``, ``?``, uncertain ``(123_456)``; g./m. plain positions,
``pter`` ``qter`` ``cen``), bases (``ACGT`` for DNA, ``acgu`` for RNA), edits (substitution, ``=``, ``del``,
``dup``, ``ins``, ``delins``, ``inv``, repeats ``CAG[23]``, cis alleles ``[…;…]`` and trans alleles
``[…];[…]``) and protein changes (1- or 3-letter amino acids, ``*``/``Ter``, ``fs``, ``ext``, ``del``, ``dup``,
``ins``, ``delins``, ``=``, ``?``, ``0``, predicted changes in brackets). What is not checked: that the
reference base is the one in the sequence, or that the position exists.

``moleculeContext`` follows the kind: ``c.`` ``n.`` ``r.`` → transcript, ``g.`` ``m.`` → genomic, ``p.`` →
protein.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from phenopackets import MoleculeContext

__all__ = [
    "KINDS",
    "Hgvs",
    "HgvsError",
    "accession_kinds",
    "is_accession",
    "is_hgvs",
    "parse_hgvs",
]

#: HGVS kind → phenopacket ``moleculeContext``.
KINDS: dict[str, int] = {
    "c": MoleculeContext.transcript,
    "n": MoleculeContext.transcript,
    "r": MoleculeContext.transcript,
    "g": MoleculeContext.genomic,
    "m": MoleculeContext.genomic,
    "p": MoleculeContext.protein,
}

_VERSION = r"(?:\.\d+)?"
_NUC_ACCESSION = rf"(?:(?:NM|NR|NC|NG|NT|NW|XM|XR)_\d+{_VERSION}|ENS[A-Z]*[TG]\d+{_VERSION}|LRG_\d+(?:t\d+)?)"
_PROT_ACCESSION = rf"(?:(?:NP|XP|YP)_\d+{_VERSION}|ENS[A-Z]*P\d+{_VERSION}|LRG_\d+p\d+)"
_ACCESSION = re.compile(rf"(?:{_NUC_ACCESSION}|{_PROT_ACCESSION})\Z")
_PROTEIN_ACCESSION = re.compile(rf"{_PROT_ACCESSION}\Z")
#: ``REF``, ``REF(GENE)``, ``REF(REF2)`` — then ``:`` and the kind.
_HEAD = re.compile(
    r"\s*(?:(?P<ref>[A-Za-z][A-Za-z0-9_.]*?)\s*(?:\(\s*(?P<inner>[A-Za-z0-9_.\-]+)\s*\))?\s*:\s*)?"
    r"(?P<kind>[cgmnrpo])\.(?P<desc>.*?)\s*\Z",
    re.S,
)

# ---------------------------------------------------------------------------- nucleotide grammar
_OFFSET = r"(?:[+-](?:\d+|\?))"
_TX_POS = rf"(?:(?:[-*]?\d+|\?){_OFFSET}?)"  # c. r. n.: 123, -14, *5, 123+1, -14-2, *5+1, ?
_G_POS = r"(?:\d+|\?|pter|qter|cen)"


def _nucleotide_pattern(pos: str, base: str) -> re.Pattern[str]:
    uncertain = rf"\({pos}(?:_{pos})?\)"
    point = rf"(?:{pos}|{uncertain})"
    rng = rf"{point}(?:_{point})?"
    seq = rf"{base}+"
    payload = rf"(?:{seq}|N\[\d+\]|\(\d+(?:_\d+)?\)|{seq}\[\d+\]|\d+_\d+(?:inv)?|{pos}_{pos}(?:inv)?)"
    repeat_count = r"\[(?:\d+|\(\d+_\d+\)|\?)\]"
    after_range = (  # what follows a position or range (written once after it: a smaller pattern compiles faster)
        rf"{base}*=",  # no change
        rf"del(?:{seq})?ins{payload}",  # deletion-insertion (legacy delAGinsT too)
        rf"del(?:{seq}|\d+)?",
        rf"dup(?:{seq}|\d+)?",
        rf"ins{payload}",
        rf"inv(?:{seq}|\d+)?",
        rf"(?:{seq}{repeat_count})+",  # repeats: c.123_125CAG[23], g.123CAG[19]CAA[4]
        repeat_count,
    )
    edits = (
        rf"{point}{base}>{base}",  # substitution
        rf"{rng}(?:{'|'.join(after_range)})",
        r"=",
        r"\?",
        r"0\??",
    )
    return re.compile(rf"(?:{'|'.join(edits)})\Z")


#: kind → (position, base) of its edit grammar; the patterns are large, so each is compiled on first use (a run
#: that meets no HGVS expression, e.g. ``phenotk validate one.json``, compiles none: ~40 ms of start-up)
_NUC_GRAMMAR = {
    "c": (_TX_POS, "[ACGT]"),
    "n": (r"(?:(?:-?\d+|\?)" + _OFFSET + r"?)", "[ACGT]"),
    "r": (_TX_POS, "[acgun]"),
    "g": (_G_POS, "[ACGT]"),
    "m": (_G_POS, "[ACGT]"),
    "o": (_G_POS, "[ACGT]"),
}


class _LazyPatterns(dict[str, "re.Pattern[str]"]):
    """kind → compiled edit pattern, compiled when a kind is first looked up."""

    def __missing__(self, kind: str) -> re.Pattern[str]:
        grammar = _NUC_GRAMMAR[kind]
        same = next((p for k, p in self.items() if _NUC_GRAMMAR[k] == grammar), None)
        pattern = self[kind] = same if same is not None else _nucleotide_pattern(*grammar)
        return pattern


_NUC_EDIT = _LazyPatterns()

#: characters the fast edit pattern's positions may hold that a kind's positions may not (``r``: other bases)
_FAST_EXCLUDED = {"c": "", "n": "*", "g": "-*+", "m": "-*+", "o": "-*+"}


@functools.cache
def _fast_nucleotide_edit() -> re.Pattern[str]:
    """The edits nearly every expression has — substitution, del, dup, ins, delins, inv — on plain positions.

    One pattern for every kind, compiled on first use: ``c.`` positions (``123``, ``-14``, ``*5``, ``123+1``),
    ``ACGT`` bases; a kind's positions are the strings of it without its :data:`_FAST_EXCLUDED` characters
    (``g.``: plain numbers). What it matches, with that, the full grammar of the kind matches too
    (``tests/model/test_hgvs.py`` checks it on real and hostile strings); it compiles in ~1.6M instructions,
    the full grammars in ~12M each: a run whose expressions all have these shapes compiles none of them.
    """
    pos = r"[-*]?\d+(?:[+-]\d+)?"
    edits = rf"{pos}[ACGT]>[ACGT]|{pos}(?:_{pos})?(?:(?:del|dup)[ACGT]*|(?:del[ACGT]*)?ins[ACGT]+|inv)"
    return re.compile(rf"(?:{edits})\Z")


def _fast_nucleotide(kind: str, desc: str) -> bool:
    """True when ``desc`` is a ``kind`` edit :func:`_fast_nucleotide_edit` proves valid (False: not decided)."""
    excluded = _FAST_EXCLUDED.get(kind)
    if excluded is None or _fast_nucleotide_edit().match(desc) is None:
        return False
    return not excluded or not any(ch in desc for ch in excluded)


# ---------------------------------------------------------------------------- protein grammar
_AA3 = "(?:Ala|Arg|Asn|Asp|Cys|Gln|Glu|Gly|His|Ile|Leu|Lys|Met|Phe|Pro|Ser|Thr|Trp|Tyr|Val|Sec|Pyl|Xaa)"
_AA1 = "[ACDEFGHIKLMNPQRSTVWYUOX]"


def _protein_pattern(aa: str, ter: str) -> re.Pattern[str]:
    any_aa = rf"(?:{aa}|{ter})"
    pos = rf"{any_aa}\d+"
    rng = rf"{pos}(?:_{pos})?"
    seq = rf"(?:{aa})+{ter}?"
    count = r"(?:\d+|\?)"
    after_pos = (  # what follows one position (written once after it: a smaller pattern compiles faster)
        rf"(?:{aa}|{ter}|=|\?)",  # missense, nonsense, silent, unknown
        rf"(?:{aa})?fs(?:{ter}{count})?",  # frameshift: Arg97ProfsTer23, Arg97fs, R97Pfs*23
        rf"(?:{aa})?ext(?:{ter}?{count}|-\d+)?",  # extension: Met1ext-5, Ter110GlnextTer17
        rf"_{pos}ins(?:{seq}|\d+|X\[\d+\])",
    )
    after_range = (
        r"del",
        r"dup",
        rf"delins{seq}",
        r"\[(?:\d+|\(\d+_\d+\))\]",  # repeats: Gln18[23]
    )
    edits = (
        rf"{pos}(?:{'|'.join(after_pos)})",
        rf"{rng}(?:{'|'.join(after_range)})",
    )
    return re.compile(rf"(?:{'|'.join(edits)})\Z")


_AA3_NAMES = frozenset(_AA3[3:-1].split("|"))
#: an amino acid of the fast protein pattern: the shape of a 3-letter one (its name is checked in Python)
_AA_SHAPE = "(?!Ter)[A-Z][a-z][a-z]"


@functools.cache
def _fast_protein_edit() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The protein changes nearly every expression has, in 3-letter amino acids, and the amino-acid finder.

    Missense, nonsense, silent, unknown, frameshift, extension, del, dup, ins and delins, with any three
    letters ``Xyz`` (not ``Ter``) for an amino acid; :func:`_fast_protein` then checks that each of them is
    one. A subset of the full 3-letter grammar, compiled on first use in ~3.5M instructions where the two full
    protein patterns take ~19M (written with the 23 names, each alternation of them costs ~1.5M).
    """
    aa, ter = _AA_SHAPE, r"(?:Ter|\*)"
    edits = (
        rf"{aa}\d+(?:{aa}|{ter}|=|\?|(?:{aa})?fs(?:{ter}\d+)?|_{aa}\d+ins(?:{aa})+)",
        rf"{aa}\d+(?:_{aa}\d+)?(?:del|dup|delins(?:{aa})+{ter}?)",
        rf"{ter}\d+{aa}ext{ter}\d+",
    )
    return re.compile(rf"(?:{'|'.join(edits)})\Z"), re.compile(_AA_SHAPE)


def _fast_protein(inner: str) -> bool:
    """True when ``inner`` is a protein change :func:`_fast_protein_edit` proves valid (False: not decided)."""
    shape, names = _fast_protein_edit()
    return shape.match(inner) is not None and _AA3_NAMES.issuperset(names.findall(inner))


@functools.cache
def _protein_edits() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The 3-letter and 1-letter protein edit patterns (compiled on first use, as the nucleotide ones)."""
    return _protein_pattern(_AA3, "(?:Ter|\\*)"), _protein_pattern(_AA1, "\\*")


_P_WHOLE = re.compile(r"(?:\?|=|0\??|\(=\)|\(0\))\Z")

_SUBSTITUTION = re.compile(r"(?:[-*]?\d+(?:[+-]\d+)?)\s*([A-Za-z]+)\s*>\s*([A-Za-z]+)\Z")


class HgvsError(ValueError):
    """``text`` is not an HGVS expression; ``reason`` says why."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"{text!r} is not valid HGVS: {reason}")
        self.text = text
        self.reason = reason


@dataclass(frozen=True)
class Hgvs:
    """One parsed HGVS expression."""

    kind: str
    """``c`` ``g`` ``m`` ``n`` ``r`` ``p`` (``o`` circular genomic)."""
    description: str
    """What follows ``<kind>.``: ``2836C>T``, ``(Arg946Cys)``."""
    reference: str | None = None
    """Reference sequence accession (``NM_001165963.4``), or None when the expression has none."""
    gene: str | None = None
    """A gene symbol written in brackets after the reference (``NM_004006.2(DMD):c.…``)."""
    outer_reference: str | None = None
    """The genomic reference of ``NC_000023.11(NM_004006.2):c.…`` (the transcript is ``reference``)."""

    @property
    def syntax(self) -> str:
        """Phenopacket ``Expression.syntax``: ``hgvs.c`` … ``hgvs.p``."""
        return f"hgvs.{self.kind}"

    @property
    def molecule_context(self) -> int:
        """``MoleculeContext`` value for this kind."""
        return KINDS.get(self.kind, MoleculeContext.genomic)

    @property
    def local(self) -> str:
        """The expression without its reference: ``c.2836C>T``."""
        return f"{self.kind}.{self.description}"

    @property
    def text(self) -> str:
        """``<reference>:<kind>.<description>`` (the gene in brackets is left out), or :attr:`local`."""
        return f"{self.reference}:{self.local}" if self.reference else self.local

    def with_reference(self, reference: str) -> Hgvs:
        """A copy with ``reference`` as its reference sequence."""
        return replace(self, reference=reference)

    def trans_alleles(self) -> list[Hgvs]:
        """The two alleles of a trans expression ``c.[123A>G];[456C>T]`` (each a copy), or ``[self]``."""
        m = re.fullmatch(r"\[([^\[\]]+)\];\[([^\[\]]+)\]", self.description)
        if not m:
            return [self]
        return [replace(self, description=m.group(1)), replace(self, description=m.group(2))]

    def __str__(self) -> str:
        return self.text


def is_accession(text: str) -> bool:
    """True for a reference-sequence accession (``NM_000001.2``, ``ENST00000357033.9``, ``LRG_199t1``)."""
    return _ACCESSION.match(text) is not None


def accession_kinds(accession: str) -> frozenset[str]:
    """The HGVS kinds an accession can be the reference of (empty for anything else)."""
    if not is_accession(accession):
        return frozenset()
    if _PROTEIN_ACCESSION.match(accession):
        return frozenset("p")
    prefix = accession[:3]
    if prefix in ("NM_", "XM_") or re.match(r"ENS[A-Z]*T|LRG_\d+t", accession):
        return frozenset("cnr")
    if prefix in ("NR_", "XR_"):
        return frozenset("nr")
    if prefix == "NC_":
        return frozenset("gmo")
    return frozenset("g")  # NG_ NT_ NW_ ENSG LRG_n


def _check_nucleotide(kind: str, desc: str, text: str) -> None:
    if _fast_nucleotide(kind, desc) or _NUC_EDIT[kind].match(desc):
        _check_positions(kind, desc, text)
        return
    allele = re.fullmatch(r"\[([^\[\]]+)\](?:;\[([^\[\]]+)\])?", desc)
    if allele:
        parts = [p for g in allele.groups() if g for p in g.split(";")]
        if all(_NUC_EDIT[kind].match(p) for p in parts):
            for part in parts:
                _check_positions(kind, part, text)
            return
    m = _SUBSTITUTION.match(desc)
    if m:
        bases = "acgu" if kind == "r" else "ACGT"
        for b in (m.group(1), m.group(2)):
            bad = next((ch for ch in b if ch not in bases), None)
            if bad is not None:
                raise HgvsError(text, f"{bad!r} is not a nucleotide ({', '.join(bases)})")
        raise HgvsError(text, "a substitution changes one nucleotide (use delins for more)")
    raise HgvsError(text, f"{kind}.{desc} is not a {kind}. variant (position and change)")


#: an edit at plain positions (no intron offset, no uncertainty): ``2304insG``, ``-14_-13insT``, ``100_99del``
#: (a position followed by ``+``/``-`` has an offset and is not matched: the edit must follow its digits)
_PLAIN_EDIT = re.compile(r"([-*]?)(\d+)(?:_([-*]?)(\d+))?(delins|ins|del|dup|inv)")


def position_problem(kind: str, desc: str) -> str | None:
    """What the grammar cannot see at plain positions: an insertion between two neighbours, ranges in order.

    ``c.2304insG`` (an insertion needs the two positions it lies between: ``c.2304_2305insG``),
    ``c.2304_2306insG`` (not neighbours) and ``c.100_99del`` (reversed) passed. ``c.324_324del`` (one position
    written twice) is left alone: unusual, not wrong in meaning. Positions with an intron offset or another
    sign (``c.*5``, ``c.-14``, ``c.88+1``) are compared only with their own kind. None when nothing is wrong.
    """
    m = _PLAIN_EDIT.match(desc)
    if m is None:
        return None
    sign_a, a, sign_b, b, edit = m.groups()
    if b is None:
        if edit == "ins":
            example = f" ({kind}.{a}_{int(a) + 1}ins…)" if not sign_a else ""
            return f"an insertion names the two positions it lies between{example}"
        return None
    if sign_a != sign_b:  # c.-1_1insA, c.1000_*1del: comparing them needs the transcript's length
        return None
    first, second = (-int(a), -int(b)) if sign_a == "-" else (int(a), int(b))
    if first > second:
        return f"positions in reverse order ({kind}.{sign_a}{a}_{sign_b}{b}: the lower one first)"
    if edit == "ins" and second != first + 1:
        return f"an insertion lies between two neighbouring positions, not {sign_a}{a} and {sign_b}{b}"
    return None


def _check_positions(kind: str, desc: str, text: str) -> None:
    problem = position_problem(kind, desc)
    if problem is not None:
        raise HgvsError(text, problem)


def _check_protein(desc: str, text: str) -> None:
    if _P_WHOLE.match(desc):
        return
    inner = desc[1:-1] if desc.startswith("(") and desc.endswith(")") else desc
    if _fast_protein(inner):
        return
    p3, p1 = _protein_edits()
    if p3.match(inner) or p1.match(inner):
        return
    raise HgvsError(text, f"p.{desc} is not a protein change (e.g. p.(Arg946Cys), p.R946C, p.Ser1516*)")


def parse_hgvs(text: str) -> Hgvs:
    """Parse one HGVS expression; :class:`HgvsError` when it is not valid (see the module doc)."""
    m = _HEAD.match(text)
    if m is None:
        raise HgvsError(text, "no 'c.', 'g.', 'm.', 'n.', 'r.' or 'p.' part")
    kind, desc = m.group("kind"), m.group("desc")
    ref, inner = m.group("ref"), m.group("inner")
    gene = outer = None
    if inner and is_accession(inner):
        outer, ref = ref, inner
    elif inner:
        gene = inner
    for acc in (ref, outer):
        if acc is not None and not is_accession(acc):
            raise HgvsError(text, f"{acc!r} is not a reference sequence accession (NM_…, NC_…, ENST…, LRG_…)")
    if ref is not None and kind not in accession_kinds(ref):
        raise HgvsError(text, f"{ref} cannot be the reference of a {kind}. expression")
    if not desc:
        raise HgvsError(text, f"nothing after '{kind}.'")
    if re.search(r"\s", desc):
        raise HgvsError(text, f"blanks inside {kind}.{desc.strip()!s} (HGVS has none)")
    if kind == "p":
        _check_protein(desc, text)
    else:
        _check_nucleotide(kind, desc, text)
    return Hgvs(kind=kind, description=desc, reference=ref, gene=gene, outer_reference=outer)


def is_hgvs(text: str) -> bool:
    """True when ``text`` is one valid HGVS expression."""
    try:
        parse_hgvs(text)
    except HgvsError:
        return False
    return True
