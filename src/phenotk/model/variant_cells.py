"""Variant cells as hospitals and curators write them → variants (HGVS expressions + zygosity), no pandas.

:func:`parse_variant_cell` reads one spreadsheet cell and says what it holds:

* ``variants`` — one or more variants. A cell may mix, in any order and with or without brackets: HGVS
  expressions (checked by :mod:`phenotk.model.hgvs`), the protein change of the preceding c. change
  (``c.4547C>A; p.Ser1516*`` is one variant; a bare ``(Arg946Cys)`` / ``(R946C)`` after a c. change too), a
  reference accession written apart (``SCN1A (NM_001165963.4) c.2836C>T``), a gene symbol, zygosity words in
  English, German, French, Spanish, Italian or Dutch (``het``, ``het.``, ``heterozygous``, ``heterozygot``,
  ``hétérozygote``, ``heterocigoto``, ``eterozigote``, ``heterozygoot``, ``hom`` …, ``hemi`` …, ``compound het``
  …) and inheritance / classification words kept only in the label (``de novo``, ``maternal``, ``pathogenic``).
  Two variants (``;`` ``,`` ``/`` ``and`` or a trans allele ``c.[1A>G];[2T>C]``) give two variants;
  ``compound heterozygous`` makes each heterozygous; the same variant written twice is one homozygous variant.
  A cell without any HGVS that describes a structural variant — it names a deletion, duplication, inversion,
  insertion, translocation, exons, a size in kb/Mb or a copy number (``Del exons 3-8``, ``16q24.3(…)x1``,
  ``1.1 Mb deletion``) — is one variant carried as a label; a cytoband alone (``methylation abnormal
  (15q11.2)``) is not.
* ``no_variant`` — a word that means no variant (``not done``, ``negative``, ``none``, ``pending``, ``n/a``,
  ``-`` … and the same in the other languages; see :data:`DEFAULT_NO_VARIANT`); :attr:`CellResult.reason` keeps
  the text.
* ``unparsed`` — anything else (an invalid HGVS such as ``c.2836C>X``, unknown words, contradictions); the
  caller reports it (``map-bad-cell``) and carries nothing from the cell.
* ``empty``.

The reference sequence comes from the cell, else from ``default_transcript`` (only for the kinds the accession
can be the reference of: an ``NM_`` transcript for c./n./r.), else stays absent
(:attr:`CellVariant.missing_reference`; the caller reports it — an expression is never given an invented
reference). ``verbatim=True`` reads the cells phenotk itself writes: the whole cell is one HGVS expression (a
missing reference is not flagged: the packet it came from had none), or else the variant's label (kept as
written).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from phenopackets import MoleculeContext

from phenotk.model.hgvs import Hgvs, HgvsError, accession_kinds, is_accession, parse_hgvs

__all__ = [
    "DEFAULT_NO_VARIANT",
    "HEMIZYGOUS",
    "HETEROZYGOUS",
    "HOMOZYGOUS",
    "CellResult",
    "CellVariant",
    "parse_variant_cell",
    "zygosity_of",
    "zygosity_with_words",
]

HETEROZYGOUS = "heterozygous"
HOMOZYGOUS = "homozygous"
HEMIZYGOUS = "hemizygous"
COMPOUND = "compound heterozygous"

#: Cell texts (lower case, compared after trimming blanks and surrounding brackets) that mean "no variant".
DEFAULT_NO_VARIANT: tuple[str, ...] = (
    # English
    "not done", "not performed", "not tested", "not analysed", "not analyzed", "negative", "neg", "none",
    "pending", "awaiting", "n/a", "na", "nd", "n.d.", "no variant", "no variants", "no variant found",
    "no variants found", "no mutation", "no mutation found", "no pathogenic variant", "not found", "normal",
    "wild type", "wildtype", "wt", "unknown", "?", "-", "--", "—", "–", "/", "0", "nil",
    # German
    "nicht durchgeführt", "nicht untersucht", "nicht getestet", "negativ", "keine", "keine variante",
    "keine mutation", "ausstehend", "unbekannt", "unauffällig",
    # French
    "non fait", "non réalisé", "non realise", "non testé", "négatif", "negatif", "aucun", "aucune",
    "aucune variante", "en attente", "inconnu",
    # Spanish
    "no realizado", "no hecho", "negativo", "ninguno", "ninguna", "sin variante", "sin variantes",
    "pendiente", "desconocido",
    # Italian
    "non eseguito", "non effettuato", "nessuno", "nessuna", "nessuna variante", "in attesa", "in corso",
    "sconosciuto",
    # Dutch
    "niet gedaan", "niet uitgevoerd", "negatief", "geen", "geen variant", "geen mutatie", "in afwachting",
    "onbekend",
)

_HET = r"(?:het|hetero|htz|hetz|heterozyg\w*|hétérozyg\w*|heterocig\w*|heterozig\w*|eterozig\w*)"
_HOM = r"(?:hom|homo|hmz|homz|homozyg\w*|homocig\w*|homozig\w*|omozig\w*)"
_HEMI = r"(?:hemi|hemiz|hemizyg\w*|hémizyg\w*|hemicig\w*|hemizig\w*|emizig\w*)"
_COMPOUND = r"(?:compound|comp|cpd|composite|composée?|compuest[oa]|compost[oa]|samengesteld\w*|zusammengesetzt\w*)"
_ZYG_WORD = re.compile(rf"(?:(?P<het>{_HET})|(?P<hom>{_HOM})|(?P<hemi>{_HEMI}))\Z", re.I)
_COMPOUND_WORD = re.compile(rf"{_COMPOUND}\Z", re.I)

#: Words allowed beside a variant; they are kept in the label only (inheritance, classification, filler).
_EXTRA_TEXT = """
    de novo denovo dn maternal maternally paternal paternally inherited inheritance mat pat mother father
    mütterlich väterlich vererbt maternel maternelle paternel paternelle hérité héritée materno materna paterno
    paterna heredado heredada ereditato ereditata maternaal paternaal overgeërfd from
    x linked x-linked xl xlr xld consanguineous consanguinity consanguine consanguin consanguíneo consanguineo
    blutsverwandt konsanguin parents parental origin
    variant variants mutation mutations allele alleles allel variante variantes mutatie
    pathogenic likely benign vus uncertain significance lp lb p pathogen pathogène pathogène patogenico
    patogénico probably possibly class
    state status in the of a an both each on at and or with zustand im état etat l'état à en estado el en stato
    y e et und en of the gene gen
"""
_EXTRA_WORDS = frozenset(_EXTRA_TEXT.split())
_SV = re.compile(
    r"(?<![a-z])(?:del|dup|dupl|inv|ins|trip|tripl|cnv|indel)(?![a-z])|deletion|duplication|inversion|insertion"
    r"|transloca|triplica|microdel|microdup|copy.?number|exon|(?<![a-z])ex\s*\d|\d\s*(?:kb|mb|bp)\b|kb\b|mb\b"
    r"|\barr\b|\bish\b|\bt\(|\)x\d|\bx[0-4]\b|gene\s+deletion|del[eé]t|deleci|delezi"
    r"|duplik|duplica|duplicaz|dupli",
    re.I,
)
_ACC_TEXT = r"(?:(?:NM|NR|NC|NG|NT|NW|XM|XR|NP|XP|YP)_\d+(?:\.\d+)?|ENS[A-Z]*[TGP]\d+(?:\.\d+)?|LRG_\d+(?:[tp]\d+)?)"
_TOKEN = re.compile(
    rf"(?:(?P<ref>{_ACC_TEXT}|[A-Za-z][A-Za-z0-9-]*)(?:\s*\(\s*(?P<inner>[^()\s]+)\s*\))?\s*:\s*)?"
    r"(?<![A-Za-z0-9_.])(?P<body>[cgmnrp]\.(?:\[[^\]\s]*\](?:;\[[^\]\s]*\])?|[^\s;,/]+))"
)
_ACCESSION_WORD = re.compile(rf"\(?\s*(?P<acc>{_ACC_TEXT})\s*\)?")
_BARE_PROTEIN = re.compile(
    r"(?:[A-Z][a-z]{2}\d+(?:[A-Z][a-z]{2}|\*|=|fs\S*|del|dup)\S*|[ACDEFGHIKLMNPQRSTVWY]\d+[ACDEFGHIKLMNPQRSTVWY*]\S*)\Z"
)
_GENE = re.compile(r"[A-Z][A-Z0-9]{1,9}(?:-[A-Z0-9]+)?\Z")
_WORD_SPLIT = re.compile(r"[\s()\[\]{},;:/|+&\-–—]+")


def _is_gene(word: str) -> bool:
    """An upper-case gene-symbol-like word that is not a zygosity, filler or structural-variant word."""
    return (
        _GENE.match(word) is not None
        and not _ZYG_WORD.match(word)
        and not _COMPOUND_WORD.match(word)
        and word.lower() not in _EXTRA_WORDS
        and not _SV.search(word)
    )


@dataclass(frozen=True)
class CellVariant:
    """One variant read from a cell."""

    expressions: tuple[Hgvs, ...] = ()
    """Nucleotide expression first, then the protein change (or a protein change alone)."""
    zygosity: str | None = None
    """``heterozygous`` | ``homozygous`` | ``hemizygous`` when the cell said so, else None."""
    gene: str | None = None
    """A gene symbol the cell names (``NM_…(GENE):``, ``GENE:c.…`` or a bare symbol), else None."""
    label: str | None = None
    """The original cell text when it holds more than the one expression (or a structural variant)."""
    missing_reference: tuple[str, ...] = ()
    """Nucleotide expressions that have no reference sequence (neither in the cell nor a default)."""
    reference_from_default: bool = False
    """True when the reference came from the default transcript, not from the cell."""

    @property
    def molecule_context(self) -> int:
        """From the first expression's kind; a label-only (structural) variant is genomic."""
        return self.expressions[0].molecule_context if self.expressions else MoleculeContext.genomic

    def key(self) -> str:
        """Identity of the variant within a packet: the first expression without gene, or the label."""
        return self.expressions[0].text if self.expressions else f"label:{self.label}"


@dataclass(frozen=True)
class CellResult:
    """What one cell holds; see the module doc."""

    text: str
    status: str  # "empty" | "variants" | "no_variant" | "unparsed"
    variants: tuple[CellVariant, ...] = ()
    reason: str = ""
    """For ``no_variant`` the cell text; for ``unparsed`` why the cell could not be read."""
    compound: bool = False
    """The cell said compound heterozygous."""
    structural: bool = False
    """The cell is a structural-variant description carried as a label."""
    notes: tuple[str, ...] = field(default=())


def _norm(text: str) -> str:
    s = " ".join(text.strip().lower().split())
    while len(s) > 1 and s[0] in "([{" and s[-1] in ")]}":
        s = s[1:-1].strip()
    return s.rstrip(".:;,") if len(s) > 1 else s


def zygosity_of(text: str) -> str | None:
    """The zygosity a zygosity cell states, or None.

    ``heterozygous`` | ``homozygous`` | ``hemizygous`` | ``compound heterozygous`` for ``het.``, ``Homozygot``,
    ``hémizygote``, ``compound het`` ….
    """
    words = [w.strip(".'") for w in _WORD_SPLIT.split(text.strip()) if w.strip(".'")]
    states = _states(words)
    if len(states) == 1 and len(words) == len(states[0][2]):
        return states[0][1]
    return None


def zygosity_with_words(text: str) -> str | None:
    """The zygosity of a zygosity cell that also names the inheritance, or None.

    ``het (mat)``, ``het, de novo``, ``Het (paternal)``, ``homozygous (consanguineous)``, ``hemi (X-linked,
    maternal)``: one zygosity (or compound het) and otherwise only the inheritance / filler words a variant cell
    may hold beside its HGVS (kept in the label there). ``het mosaic``, ``het?`` or two zygosities are None. The
    caller keeps the cell text: the words beside the zygosity are not dropped.
    """
    words = [w.strip(".'") for w in _WORD_SPLIT.split(text.strip()) if w.strip(".'")]
    states = _states(words)
    if len(states) != 1 or "?" in text:
        return None
    used = set(states[0][2])
    if all(i in used or w.lower() in _EXTRA_WORDS for i, w in enumerate(words)):
        return states[0][1]
    return None


def _states(words: list[str]) -> list[tuple[int, str, list[int]]]:
    """(word index, state, word indices used) for every zygosity word; compound + het count as one."""
    out: list[tuple[int, str, list[int]]] = []
    used: set[int] = set()
    for i, w in enumerate(words):
        if i in used:
            continue
        m = _ZYG_WORD.match(w)
        if m:
            state = HETEROZYGOUS if m.group("het") else HOMOZYGOUS if m.group("hom") else HEMIZYGOUS
            idx = [i]
            if state == HETEROZYGOUS:
                j = i + 1 if i + 1 < len(words) and _COMPOUND_WORD.match(words[i + 1]) else i - 1
                if j >= 0 and j < len(words) and j not in used and _COMPOUND_WORD.match(words[j]):
                    state = COMPOUND
                    idx.append(j)
            used.update(idx)
            out.append((i, state, idx))
    return out


@dataclass
class _Token:
    start: int
    end: int
    hgvs: Hgvs
    gene: str | None = None


def parse_variant_cell(
    text: str,
    *,
    default_transcript: str | None = None,
    no_variant_words: Iterable[str] = DEFAULT_NO_VARIANT,
    verbatim: bool = False,
) -> CellResult:
    """Read one variant cell (see the module doc)."""
    stripped = text.strip()
    if not stripped:
        return CellResult(text, "empty")
    words = {" ".join(w.lower().split()) for w in no_variant_words}
    key = _norm(stripped)
    if key in words or stripped.lower() in words:
        return CellResult(text, "no_variant", reason=stripped)
    if verbatim:
        return _verbatim(text, stripped, default_transcript)
    return _Cell(text, stripped, default_transcript, words).parse()


def _verbatim(text: str, stripped: str, default_transcript: str | None) -> CellResult:
    try:
        h = parse_hgvs(stripped)
    except HgvsError:
        return CellResult(text, "variants", (CellVariant(label=stripped),), structural=True)
    if h.text != stripped:  # NM_…(GENE):c.… or blanks around ':' — carried, but as written in the label
        return CellResult(text, "variants", (CellVariant(label=stripped),), structural=True)
    variant = _with_reference(CellVariant(expressions=(h,)), [], default_transcript)
    # the cell is what a packet held: an expression without reference stays one, and is not flagged here
    return CellResult(text, "variants", (replace(variant, missing_reference=()),))


def _with_reference(v: CellVariant, cell_refs: list[str], default: str | None) -> CellVariant:
    exprs = list(v.expressions)
    missing: list[str] = []
    from_default = False
    for i, h in enumerate(exprs):
        if h.reference is not None:
            continue
        ref = next((r for r in cell_refs if h.kind in accession_kinds(r)), None)
        if ref is None and default and h.kind in accession_kinds(default):
            ref, from_default = default, True
        if ref is not None:
            exprs[i] = h.with_reference(ref)
        elif h.kind != "p" or len(exprs) == 1:
            missing.append(h.text)
    return replace(v, expressions=tuple(exprs), missing_reference=tuple(missing), reference_from_default=from_default)


class _Cell:
    """One free-form cell being read."""

    def __init__(self, text: str, stripped: str, default: str | None, no_variant: set[str]) -> None:
        self.text = text
        self.stripped = stripped
        self.default = default
        self.no_variant = no_variant
        # blanks HGVS does not allow but clinics type: "c. 509del", "c.218G > A"
        work = re.sub(r"\b([cgmnrp])\.\s+(?=[\d(*\-?\[=A-Z])", r"\1.", re.sub(r"\s*>\s*", ">", stripped))
        self.work = re.sub(r"(?<=\S)\((?=p\.)", " (", work)  # c.123A>G(p.Arg41Gly)

    def fail(self, reason: str) -> CellResult:
        return CellResult(self.text, "unparsed", reason=reason)

    def parse(self) -> CellResult:
        tokens: list[_Token] = []
        leftover = list(self.work)
        for m in _TOKEN.finditer(self.work):
            body = m.group("body")
            while body and (body[-1] in ".:" or (body[-1] == ")" and body.count(")") > body.count("("))):
                body = body[:-1]
            ref, inner = m.group("ref"), m.group("inner")
            gene = None
            prefix = ""
            start = m.start()
            if ref is not None and is_accession(ref):
                prefix = f"{ref}({inner})" if inner else ref
            elif ref is not None and _is_gene(ref) and not inner:
                gene = ref  # SCN1A:c.123A>G — a gene symbol is no reference sequence
            elif ref is not None:
                start = m.start("body")  # "deletion:c.…": the word stays in the leftover
            try:
                h, body = _parse_body(prefix, body)
            except HgvsError as exc:
                return self.fail(f"invalid HGVS {exc.text!r}: {exc.reason}")
            end = m.start("body") + len(body)
            for i in range(start, end):
                leftover[i] = " "
            tokens.append(_Token(start, end, h, gene or h.gene))
        rest = "".join(leftover)
        return self._assemble(tokens, rest)

    def _words(self, rest: str) -> tuple[list[str], list[tuple[int, str]]]:
        """(accessions written apart, (position, word) of every other word) of the text beside the expressions."""
        cell_refs = [m.group("acc") for m in _ACCESSION_WORD.finditer(rest) if is_accession(m.group("acc"))]
        words: list[tuple[int, str]] = []
        for m in re.finditer(r"[^\s()\[\]{},;:/|+&]+", _ACCESSION_WORD.sub(" ", rest)):
            for part in re.split(r"[-–—](?=[^\d])|(?<=[^\d])[-–—]", m.group()):
                if part.strip(".'"):
                    words.append((m.start(), part.strip(".'")))
        return cell_refs, words

    def _assemble(self, tokens: list[_Token], rest: str) -> CellResult:
        cell_refs, words = self._words(rest)
        nucleotide = [t for t in tokens if t.hgvs.kind != "p"]
        protein = [(t.start, t.hgvs) for t in tokens if t.hgvs.kind == "p"]
        states = _states([w for _, w in words])
        zyg_index = {i for _, _, idx in states for i in idx}
        unknown: list[str] = []
        genes: list[tuple[int, str]] = []
        bare_protein: list[tuple[int, Hgvs]] = []
        for i, (pos, w) in enumerate(words):
            if i in zyg_index or w.lower() in _EXTRA_WORDS:
                continue
            bare = _bare_protein(w) if nucleotide and not protein else None
            if bare is not None:
                bare_protein.append((pos, bare))
            elif tokens and _is_gene(w):
                genes.append((pos, w))
            else:
                unknown.append(w)
        if not tokens:
            return self._without_hgvs(states, unknown)
        if unknown:
            return self.fail(f"text beside the variant that is not a zygosity: {' '.join(unknown)!r}")
        try:
            entries = _entries(nucleotide, protein + bare_protein)
            per_entry = _zygosities(entries, states, words)
            variants = self._variants(entries, per_entry, cell_refs, genes)
        except _Fail as exc:
            return self.fail(str(exc))
        compound = any(s == COMPOUND for _, s, _ in states)
        return CellResult(self.text, "variants", tuple(variants), compound=compound)

    def _without_hgvs(self, states: list[tuple[int, str, list[int]]], unknown: list[str]) -> CellResult:
        distinct = {HETEROZYGOUS if s == COMPOUND else s for _, s, _ in states}
        if _SV.search(self.stripped) and len(distinct) <= 1:
            variant = CellVariant(label=self.stripped, zygosity=next(iter(distinct), None))
            return CellResult(self.text, "variants", (variant,), structural=True)
        first = re.split(r"[(,;:]", self.stripped, maxsplit=1)[0]
        if _norm(first) in self.no_variant:
            return CellResult(self.text, "no_variant", reason=self.stripped)
        if states and not unknown:
            return self.fail("a zygosity without a variant (no HGVS expression in the cell)")
        return self.fail("neither an HGVS variant nor a 'no variant' word")

    def _variants(
        self, entries: list[_Entry], per_entry: list[str | None], cell_refs: list[str],
        genes: list[tuple[int, str]],
    ) -> list[CellVariant]:
        names = {g for _, g in genes}
        gene_all = genes[0][1] if len(names) == 1 else None
        own = _gene_before_each(entries, genes) if len(names) > 1 and not cell_refs else None
        if own is not None:  # "SCN1A c.2836C>T het / KCNQ2 c.821C>T het": each change after its gene
            for e, g in zip(entries, own, strict=True):
                e.gene = e.gene or g
        variants = [
            _with_reference(CellVariant(expressions=tuple(e.expressions), zygosity=zyg, gene=e.gene or gene_all),
                            cell_refs, self.default)
            for e, zyg in zip(entries, per_entry, strict=True)
        ]
        # the same variant written twice → one homozygous variant
        merged: dict[str, CellVariant] = {}
        for v in variants:
            k = v.key()
            if k not in merged:
                merged[k] = v
            elif {merged[k].zygosity, v.zygosity} - {None, HOMOZYGOUS}:
                raise _Fail(f"{k} is written twice but said to be {merged[k].zygosity or v.zygosity}")
            else:
                merged[k] = replace(merged[k], zygosity=HOMOZYGOUS)
        out = list(merged.values())
        if any(e.trans for e in entries) and not any(per_entry):  # c.[1A>G];[2T>C]: two alleles in trans
            out = [v if v.zygosity else replace(v, zygosity=HETEROZYGOUS) for v in out]
        one = len(out) == 1 and len(out[0].expressions) == 1 and out[0].expressions[0].text == self.stripped
        return [replace(v, label=None if one else self.stripped) for v in out]


def _parse_body(prefix: str, body: str) -> tuple[Hgvs, str]:
    """The expression, and the part of ``body`` it used: ``c.123A>G(het)`` leaves ``(het)`` to the words."""
    try:
        return parse_hgvs(f"{prefix}:{body}" if prefix else body), body
    except HgvsError:
        m = re.fullmatch(r"(.+?)(\([^()]*\))", body)
        if m is None:
            raise
        try:
            return _parse_body(prefix, m.group(1))
        except HgvsError:
            pass
        raise


class _Fail(Exception):
    """The cell cannot be read; the message says why."""


@dataclass
class _Entry:
    """One variant being assembled: where it starts in the cell, its expressions, its gene."""

    start: int
    expressions: list[Hgvs]
    gene: str | None = None
    trans: bool = False


def _gene_before_each(entries: list[_Entry], genes: list[tuple[int, str]]) -> list[str] | None:
    """One gene per change when each gene word stands right before its change (between it and the one before)."""
    if len(genes) != len(entries):
        return None
    out = []
    previous = -1
    for e, (pos, gene) in zip(entries, sorted(genes), strict=True):
        if not previous < pos < e.start:
            return None
        out.append(gene)
        previous = e.start
    return out


def _bare_protein(word: str) -> Hgvs | None:
    """``Arg946Cys`` / ``R946C`` written without ``p.`` beside a c. change."""
    if not _BARE_PROTEIN.match(word):
        return None
    try:
        return parse_hgvs("p." + word)
    except HgvsError:
        return None


def _entries(nucleotide: list[_Token], protein: list[tuple[int, Hgvs]]) -> list[_Entry]:
    """One entry per nucleotide change (trans alleles split); each protein change joins the change before it."""
    entries = [
        _Entry(t.start, [h], t.gene, trans=len(t.hgvs.trans_alleles()) > 1)
        for t in nucleotide
        for h in t.hgvs.trans_alleles()
    ]
    if not entries:
        return [_Entry(pos, [h]) for pos, h in protein]
    if len(protein) > len(entries):
        raise _Fail("more protein changes than nucleotide changes")
    taken: set[int] = set()
    for pos, h in sorted(protein, key=lambda x: x[0]):
        before = [i for i, e in enumerate(entries) if e.start <= pos and i not in taken]
        after = [i for i, e in enumerate(entries) if e.start > pos and i not in taken]
        i = before[-1] if before else after[0]
        taken.add(i)
        entries[i].expressions.append(h)
    return entries


def _zygosities(
    entries: list[_Entry], states: list[tuple[int, str, list[int]]], words: list[tuple[int, str]]
) -> list[str | None]:
    """One zygosity word for the whole cell, or one per variant (the word after its variant)."""
    distinct = {HETEROZYGOUS if s == COMPOUND else s for _, s, _ in states}
    if len(distinct) == 1:
        return [next(iter(distinct))] * len(entries)
    starts = [e.start for e in entries]
    positions = [(words[wi][0], HETEROZYGOUS if s == COMPOUND else s) for wi, s, _ in states]
    after = _assign(positions, [max([i for i, st in enumerate(starts) if st <= pos], default=0)
                                for pos, _ in positions], len(entries))
    before = _assign(positions, [min([i for i, st in enumerate(starts) if st > pos], default=len(entries) - 1)
                                 for pos, _ in positions], len(entries))
    # "c.1A>G (het), c.2T>C (hom)": each word after its variant; "het c.1A>G; hom c.2T>C": before it
    for choice in sorted((a for a in (after, before) if a is not None), key=lambda a: a.count(None)):
        return choice
    raise _Fail("two different zygosities for one variant")


def _assign(positions: list[tuple[int, str]], owners: list[int], n: int) -> list[str | None] | None:
    per_entry: list[str | None] = [None] * n
    for (_, state), owner in zip(positions, owners, strict=True):
        if per_entry[owner] not in (None, state):
            return None
        per_entry[owner] = state
    return per_entry
