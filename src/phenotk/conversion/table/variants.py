"""Variant columns of a sheet → one interpretation per packet (called by :meth:`.build._Builder.variant_block`).

Each variant cell is read by :func:`phenotk.model.variant_cells.parse_variant_cell` (HGVS + protein change +
zygosity words in any order, two variants in one cell, "no variant" words); every cell is either carried or
reported:

* a variant → a ``VariationDescriptor`` with ``expressions`` (``hgvs.c`` as ``<transcript>:c.…``, ``hgvs.p`` when
  the cell gives it), ``moleculeContext`` from the HGVS kind, ``allelicState`` only when the cell or the zygosity
  column states it, the gene when the sheet gives it, and the original cell text as ``label`` when the cell holds
  more than the one expression;
* "no variant" words (``not done``, ``negative``, ``-`` …; ``no_variant_words`` in the block) → nothing, no
  finding; the block's other cells in that row are reported as ``map-orphan-value``;
* anything else → ``map-bad-cell`` (sheet, row, column, value), nothing carried;
* an HGVS without reference and without the block's ``transcript`` → carried as written, ``map-variant-no-reference``.

The same variant in two cells of one packet (``allele_1`` and ``allele_2``) is one homozygous variant. The
interpretation's ``progressStatus`` and each ``interpretationStatus`` come only from the mapping
(``interpretation:`` and the block's ``interpretation_status``); unset, they are ``UNKNOWN_PROGRESS`` /
``UNKNOWN_STATUS`` — a variant cell never makes a case SOLVED or a variant CAUSATIVE.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from phenopackets import (
    AcmgPathogenicityClassification,
    GenomicInterpretation,
    Interpretation,
    Phenopacket,
    VariationDescriptor,
)

from phenotk.conversion.findings import MAP_VARIANT_NO_REFERENCE
from phenotk.issue import Issue
from phenotk.mapping.model import MISSING, ValueSpec
from phenotk.model.hgvs import is_accession
from phenotk.model.ids import safe_id
from phenotk.model.variant_cells import (
    COMPOUND,
    DEFAULT_NO_VARIANT,
    HEMIZYGOUS,
    HETEROZYGOUS,
    HOMOZYGOUS,
    CellResult,
    CellVariant,
    parse_variant_cell,
    zygosity_of,
    zygosity_with_words,
)

from .findings import finding
from .values import _distinct, identity, read_value

if TYPE_CHECKING:  # pragma: no cover
    from .build import PacketRows, _Builder

T = TypeVar("T")
_HGNC = re.compile(r"(?:hgnc\s*[:_]?\s*)?(\d+)\Z", re.I)

#: GENO allelic states (id, label).
GENO: dict[str, tuple[str, str]] = {
    HETEROZYGOUS: ("GENO:0000135", "heterozygous"),
    HOMOZYGOUS: ("GENO:0000136", "homozygous"),
    HEMIZYGOUS: ("GENO:0000134", "hemizygous"),
    "unspecified": ("GENO:0000137", "unspecified zygosity"),
}
#: Zygosity column codes besides the words :func:`zygosity_of` knows; compound heterozygous → heterozygous.
ZYGOSITY_CODES: dict[str, str] = {
    "0/1": HETEROZYGOUS, "1/0": HETEROZYGOUS, "0|1": HETEROZYGOUS, "1|0": HETEROZYGOUS,
    "geno:0000135": HETEROZYGOUS, "geno:0000402": HETEROZYGOUS, "geno:0000458": HETEROZYGOUS,
    "1/1": HOMOZYGOUS, "1|1": HOMOZYGOUS, "geno:0000136": HOMOZYGOUS,
    "geno:0000134": HEMIZYGOUS,
    "unspecified zygosity": "unspecified", "unknown zygosity": "unspecified", "geno:0000137": "unspecified",
}
_ACMG_SHORT = {"LP": "LIKELY_PATHOGENIC", "P": "PATHOGENIC", "VUS": "UNCERTAIN_SIGNIFICANCE",
               "LB": "LIKELY_BENIGN", "B": "BENIGN"}
_STATUSES = tuple(GenomicInterpretation.InterpretationStatus.keys())
_OTHER_KEYS = ("zygosity", "gene_symbol", "hgnc_id", "acmg", "interpretation_status", "transcript")


#: compound heterozygous written as one word: ``compHET``, ``CompHet``, ``compoundhet``, ``cpdhet``
_COMPOUND_ONE_WORD = re.compile(r"(?:comp(?:ound)?|cpd)\.?(?:het|hetero|heterozygous)\Z", re.I)


def _zygosity(text: str) -> str | None:
    key = text.strip().lower()
    if _COMPOUND_ONE_WORD.match(key):
        return HETEROZYGOUS
    state = ZYGOSITY_CODES.get(key) or zygosity_of(text) or zygosity_with_words(text)
    return HETEROZYGOUS if state == COMPOUND else state


def _zygosity_words(text: str) -> str:
    """The zygosity cell when it says more than the zygosity (``het (mat)``, ``hemi (X-linked)``), else ``""``.

    Phenopackets v2 has no field for the parental origin or the inheritance; the cell is kept as the variant's
    ``description`` so the words beside the zygosity are not lost.
    """
    key = text.strip().lower()
    if not key or ZYGOSITY_CODES.get(key) or zygosity_of(text) or not zygosity_with_words(text):
        return ""
    return " ".join(text.split())


_PLACEHOLDER = re.compile(r"\{([^{}|]+)(?:\|digits)?\}")


def _partial_template(spec: ValueSpec, rec: dict[str, str]) -> str:
    """A variant template (``{cDNA} {Protein}``) filled with the cells that are not empty.

    A template with an empty placeholder gives no value elsewhere (an id must not be half made); a variant's
    protein column is often empty while its c. change is there, and that change must not be lost.
    """
    if spec.template is None:
        return ""
    parts: list[str] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(spec.template):
        cell = rec.get(m.group(1).strip(), "").strip()
        if cell:
            parts.append(spec.template[pos : m.start()] + cell)
        pos = m.end()
    if not parts:
        return ""
    return ("".join(parts) + spec.template[pos:]).strip(" :;,/")


#: where a gene / HGNC / zygosity cell lists one value per variant: "SCN1A; KCNQ2", "het | hom", "A / B"
_LIST = re.compile(r"\s*(?:[;|,\n]|\s/\s)\s*")


#: a c. change and its protein change joined by a colon, as papers' tables write them: ``c.1810C>T:p.(Arg604*)``
#: (the colon of ``NM_000001.2:c.…`` follows an accession, never a change)
_C_COLON_P = re.compile(r"(?<![\w.])([cgmnr]\.[^\s:;,]+):(?=\s*p\.)")


def _parts(text: str, n: int) -> list[str]:
    """``text`` as one value per variant when it lists exactly ``n`` > 1 of them, else ``[text]``."""
    if n < 2 or not text:
        return [text]
    parts = [p.strip() for p in _LIST.split(text.strip())]
    return parts if len(parts) == n and all(parts) else [text]


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
#: a gene symbol a spreadsheet turned into a date: SEPT7 → 2024-09-07 (an XLSX date cell) or '7-Sep' (its CSV
#: export), MARCH1 → '1-Mar', DEC1 → 'Dec-01'. No HGNC symbol starts with a digit or reads like that.
_DATE_LIKE = re.compile(
    rf"\A(?:\d{{4}}-\d{{2}}-\d{{2}}(?:[T ][\d:.]+)?"  # an XLSX date cell, as read
    rf"|\d{{1,2}}[-/. ]?{_MONTH}(?:[-/. ]\d{{2,4}})?|{_MONTH}[-/. ]\d{{1,4}})\Z",  # as Excel shows it
    re.I)
_SYMBOL = "one gene symbol per variant"
_SYMBOL_DATE = ("a gene symbol but a date: a spreadsheet turns symbols such as SEPT7 or MARCH1 into dates (format the "
                "column as text and retype it)")


def _symbol(text: str) -> str | None:
    """A gene symbol; a cell naming several genes for one variant (``SCN1A; KCNQ2``) or a date is none."""
    parts = [p for p in _LIST.split(text.strip()) if p.strip()]
    return None if len(parts) > 1 or _DATE_LIKE.match(text.strip()) else identity(text)


def _acmg(text: str) -> int | None:
    name = text.strip().upper().replace(" ", "_")
    name = _ACMG_SHORT.get(name, name)
    if name in AcmgPathogenicityClassification.DESCRIPTOR.values_by_name:
        return AcmgPathogenicityClassification.Value(name)
    return None


def _status(text: str) -> str | None:
    name = text.strip().upper().replace(" ", "_")
    return name if name in _STATUSES else None


def _hgnc(text: str) -> str | None:
    m = _HGNC.match(text.strip())
    return f"HGNC:{m.group(1)}" if m else None


def _transcript(text: str) -> str | None:
    return text.strip() if is_accession(text.strip()) else None


@dataclass
class _Found:
    """One variant read from one cell, with what its row says about it."""

    variant: CellVariant
    row: int
    column: str | None
    cell: str
    zygosity: str | None
    symbol: str
    hgnc: str
    acmg: int | None
    status: str
    verbatim: bool = False
    description: str = ""


def _zygosity_texts(block: dict[str, ValueSpec], rec: dict[str, str], zygs: list[str | None]) -> list[str]:
    """Per variant, what its zygosity cell says besides the zygosity ("het (mat)": the inheritance), else ''."""
    n = len(zygs)
    words = [""] * n
    if "zygosity" in block and any(zygs):  # "het (mat)": the inheritance is kept as text (the description)
        zspec = block["zygosity"]
        for i, text in enumerate(_parts(zspec.raw(rec), n)):
            mapped = zspec.translate(text)
            words[i] = _zygosity_words(text if mapped is MISSING else str(mapped)) if zygs[i] else ""
    return words


class _Reader:
    """The variant cells of one packet."""

    def __init__(self, b: _Builder, issues: list[Issue]) -> None:
        self.b = b
        self.issues = issues
        # (row, column) → (spec, row cells) of cells beside an empty / "no variant" cell; reported at the end
        # unless a variant of another block read them (one Gene column serves Variant 1 and Variant 2)
        self.waiting: dict[tuple[int, str], tuple[ValueSpec, dict[str, str]]] = {}
        self.used: set[tuple[int, str]] = set()

    def value(
        self, block: dict[str, ValueSpec], key: str, rec: dict[str, str], row: int,
        parse: Callable[[str], T | None], expected: str,
    ) -> T | None:
        """The block's ``key`` cell read by the one value rule (``values:`` first, then ``parse``)."""
        if key not in block:
            return None
        spec = block[key]
        raw = spec.raw(rec)
        if not raw and spec.default is None:
            return None
        return read_value(self.b, spec, raw, parse, self.issues, row, key.replace("_", " "), expected)

    def orphans(self, block: dict[str, ValueSpec], rec: dict[str, str], row: int) -> None:
        for k in _OTHER_KEYS:
            column = block[k].column if k in block else None
            if column and block[k].translate(rec.get(column, "").strip()) is not None:  # null in values: no value
                self.waiting.setdefault((row, column), (block[k], rec))

    def report_orphans(self) -> None:
        for (row, column), (spec, rec) in self.waiting.items():
            if (row, column) not in self.used:
                self.b.orphans(self.issues, row, rec, [spec], "variant")

    def cell(self, block: dict[str, ValueSpec], rec: dict[str, str], row: int) -> list[_Found]:
        b = self.b
        spec = block["hgvs"]
        raw = spec.raw(rec) or _partial_template(spec, rec)
        if not raw:
            self.orphans(block, rec, row)
            return []
        mapped = spec.translate(raw)
        if mapped is None:  # the values map says "no variant"
            self.orphans(block, rec, row)
            return []
        text = raw if mapped is MISSING else str(mapped)
        opts = b.m.variant_options_for(block)
        result = self.parsed(block, text, rec, row)
        if result.status in ("no_variant", "empty"):
            self.orphans(block, rec, row)
            return []
        if result.status == "unparsed":
            via = "" if text == raw else f" (mapped to {text!r})"
            b.bad(self.issues, row, spec.column, raw, result.reason,
                  f"variant {raw!r}{via} is not read: {result.reason}; write HGVS (NM_000001.2:c.123A>G het), "
                  f"a 'no variant' word, or map the text in the values of {spec.pointer}")
            return []
        self.used.update((row, c) for k in _OTHER_KEYS if k in block for c in block[k].columns())
        n = len(result.variants)
        zygs = self.each(block, "zygosity", rec, row, _zygosity,
                         "a zygosity (heterozygous, homozygous, hemizygous, het/hom/hemi, 0/1, 1/1)", n)
        dated = "gene_symbol" in block and _DATE_LIKE.match(block["gene_symbol"].raw(rec).strip())
        symbols = self.each(block, "gene_symbol", rec, row, _symbol, _SYMBOL_DATE if dated else _SYMBOL, n)
        hgncs = self.hgnc_ids(block, rec, row, symbols, result.variants)
        acmg = self.value(block, "acmg", rec, row, _acmg,
                          "an ACMG class (PATHOGENIC, LIKELY_PATHOGENIC, VUS, LIKELY_BENIGN, BENIGN)")
        status = self.value(block, "interpretation_status", rec, row, _status,
                            f"an interpretation status ({', '.join(_STATUSES)})") or b.m.interpretation_status
        zwords = _zygosity_texts(block, rec, zygs)
        return [
            _Found(v, row, spec.column, raw, self.checked(v, zygs[i], symbols[i] or "", block, rec, row),
                   symbols[i] or v.gene or "", hgncs[i] or "", acmg, status, opts.verbatim, zwords[i])
            for i, v in enumerate(result.variants)
        ]

    def parsed(self, block: dict[str, ValueSpec], text: str, rec: dict[str, str], row: int) -> CellResult:
        """The variant cell's text parsed (with the block's transcript and options), once per distinct cell."""
        b = self.b
        opts = b.m.variant_options_for(block)
        transcript = self.value(block, "transcript", rec, row, _transcript, "a reference sequence (NM_000001.2)")
        words = opts.no_variant_words if opts.no_variant_words is not None else () if opts.verbatim else None
        key = (text, transcript, words, opts.verbatim)
        result = b.variant_cache.get(key)
        if result is None:  # a long sheet repeats its variant cells: each distinct one is parsed once
            if len(b.variant_cache) > 50_000:
                b.variant_cache.clear()
            joined = text if opts.verbatim else _C_COLON_P.sub(r"\1 ", text)
            result = parse_variant_cell(
                joined, default_transcript=transcript, no_variant_words=DEFAULT_NO_VARIANT if words is None else words,
                verbatim=opts.verbatim)
            if joined != text:  # the label is the cell as written
                result = dataclasses.replace(result, text=text, variants=tuple(
                    dataclasses.replace(v, label=text) if v.label == joined else v for v in result.variants))
            b.variant_cache[key] = result
        return result

    def hgnc_ids(self, block: dict[str, ValueSpec], rec: dict[str, str], row: int, symbols: list[str | None],
                 variants: Sequence[CellVariant]) -> list[str | None]:
        """The HGNC id of each variant; one id beside the variants of two genes is reported and carried by none."""
        n = len(variants)
        hgncs = self.each(block, "hgnc_id", rec, row, _hgnc, "an HGNC id (HGNC:25662)", n)
        genes = {g for g in (sym or v.gene for sym, v in zip(symbols, variants, strict=True)) if g}
        if len(genes) > 1 and hgncs[0] and len(set(hgncs)) == 1:  # one id beside two genes: whose is it?
            self.b.bad(self.issues, row, block["hgnc_id"].column, block["hgnc_id"].raw(rec),
                       "one id for several genes",
                       f"HGNC id {block['hgnc_id'].raw(rec)!r} is one id for the variants of {len(genes)} genes "
                       f"({', '.join(sorted(genes))}); it is not carried — give one id per gene, in the variants' "
                       "order")  # fmt: skip
            return [None] * n
        return hgncs

    def each(self, block: dict[str, ValueSpec], key: str, rec: dict[str, str], row: int,
             parse: Callable[[str], T | None], expected: str, n: int) -> list[T | None]:
        """The ``key`` cell for each of the ``n`` variants of the variant cell.

        A cell listing one value per variant, in order (``SCN1A; KCNQ2`` beside ``c.1A>G; c.2T>C``), gives each
        variant its own; otherwise the one value is every variant's.
        """
        if key not in block:
            return [None] * n
        spec = block[key]
        raw = spec.raw(rec)
        parts = _parts(raw, n)
        mapped = spec.translate(raw)
        whole = mapped is None or parse(raw if mapped is MISSING else str(mapped)) is not None
        if len(parts) == 1 or whole:  # "het, de novo" is one zygosity for both variants, not two values
            return [self.value(block, key, rec, row, parse, expected)] * n
        return [read_value(self.b, spec, part, parse, self.issues, row, key.replace("_", " "), expected)
                for part in parts]

    def checked(self, v: CellVariant, zyg_col: str | None, symbol: str, block: dict[str, ValueSpec],
                rec: dict[str, str], row: int) -> str | None:
        """The variant's zygosity (the cell's word, else the column's), reporting what disagrees or is missing."""
        b = self.b
        spec = block["hgvs"]
        raw = spec.raw(rec) or _partial_template(spec, rec)
        if zyg_col and v.zygosity and zyg_col not in (v.zygosity, "unspecified"):
            zcol = block["zygosity"].column
            self.issues.append(finding(
                "map-conflicting-values", f"variant {raw!r} says {v.zygosity}, the zygosity column {zcol!r} says "
                f"{zyg_col}; the cell's own word was kept", b.sev, sheet=b.sheet.name, row=row, column=zcol,
                value=block["zygosity"].raw(rec), reason="zygosity differs from the variant cell"))
        if v.gene and symbol and v.gene != symbol:
            self.issues.append(finding(
                "map-conflicting-values", f"variant {raw!r} names gene {v.gene}, the gene column says {symbol}; "
                "the column was kept (the cell text stays in the label)", b.sev, sheet=b.sheet.name, row=row,
                column=spec.column, value=raw, reason="gene differs from the gene column"))
        for expression in v.missing_reference:
            context = {"sheet": b.sheet.name, "row": row, "column": spec.column, "value": raw,
                       "reason": "no reference sequence"}
            self.issues.append(Issue(
                MAP_VARIANT_NO_REFERENCE.code, MAP_VARIANT_NO_REFERENCE.name, b.sev,
                f"variant {raw!r}: {expression} has no reference sequence and the mapping gives no transcript "
                f"for {spec.pointer}; carried as written", context={k: x for k, x in context.items() if x}))
        return v.zygosity or zyg_col


def _merge(found: list[_Found], b: _Builder, issues: list[Issue]) -> list[_Found]:
    """One entry per variant: the same variant in two cells is homozygous; repeated rows of a column are one.

    Cells of ``cells: verbatim`` blocks (phenotk's own tables) are kept one variant per cell, as written.
    """
    out: dict[str, _Found] = {}
    kept: list[_Found] = []
    for f in found:
        key = f.variant.key()
        first = out.get(key)
        if first is None or (f.verbatim and first.verbatim):  # verbatim cells are one variant each, as written
            out.setdefault(key, f)
            kept.append(f)
            continue
        if first.column == f.column and first.row != f.row and first.zygosity == f.zygosity:
            continue  # a long sheet repeats the variant on every row of the patient
        if {first.zygosity, f.zygosity} <= {None, HOMOZYGOUS}:
            first.zygosity = HOMOZYGOUS
            continue
        issues.append(finding(
            "map-conflicting-values", f"variant {key} is written twice (row {first.row} {first.column!r}, row "
            f"{f.row} {f.column!r}) but said to be {first.zygosity or f.zygosity}; kept once, as in row {first.row}",
            b.sev, sheet=b.sheet.name, row=f.row, column=f.column, value=f.cell, reason="variant given twice"))
    return kept


def _descriptor(f: _Found, b: _Builder, vd: VariationDescriptor) -> None:
    """Fill ``vd`` (built in place in its packet: no message is made and copied in)."""
    v = f.variant
    name = v.expressions[0].text if v.expressions else (v.label or f.cell)
    vd.id = safe_id(name)[:64] or "variant"
    vd.molecule_context = v.molecule_context  # type: ignore[assignment]
    for h in v.expressions:
        vd.expressions.add(syntax=h.syntax, value=h.text)
    if v.label:
        vd.label = v.label
    if f.description:
        vd.description = f.description
    if f.symbol or f.hgnc:
        gene = vd.gene_context
        gene.SetInParent()
        if f.hgnc:
            gene.value_id = f.hgnc
            b.prefixes_used.add("HGNC")
        if f.symbol:
            gene.symbol = f.symbol
    if f.zygosity:
        curie, label = GENO[f.zygosity]
        state = vd.allelic_state
        state.id = curie
        state.label = label
        b.prefixes_used.add("GENO")


_PROGRESS = tuple(Interpretation.ProgressStatus.keys())


def _progress_name(text: str) -> str | None:
    name = text.strip().upper().replace(" ", "_")
    return name if name in _PROGRESS else None


def _progress(b: _Builder, group: PacketRows, issues: list[Issue], interpreted: bool) -> str:
    """The packet's ``Interpretation.progressStatus``: the mapping's constant, or its column read per packet.

    From a column: the first row of the packet with a value (a different value in a later row is a conflict);
    none → ``UNKNOWN_PROGRESS``; a value neither in the ``values`` map nor a status name → ``map-bad-cell``. A
    packet without a variant has no interpretation to hold the status: the cell is reported, not dropped.
    """
    spec = b.m.progress_spec
    if spec is None:
        return b.m.progress_status
    raw, row = b.single(group, spec, issues, "progress status")
    if not raw or spec.translate(raw) is None:
        return "UNKNOWN_PROGRESS"
    if not interpreted:
        issues.append(finding(
            "map-orphan-value", f"progress status {raw!r} has no variant in its packet to interpret; it is not "
            "carried", b.sev, sheet=b.sheet.name, row=row, column=spec.column or "", value=raw, reason="no variant"))
        return "UNKNOWN_PROGRESS"
    status = read_value(b, spec, raw, _progress_name, issues, row, "progress status",
                        f"a progress status ({', '.join(_PROGRESS)})")
    return status or "UNKNOWN_PROGRESS"


def variant_block(b: _Builder, group: PacketRows, packet: Phenopacket, subject_id: str, issues: list[Issue]) -> None:
    """The variant blocks of one packet → one interpretation with a genomic interpretation per variant."""
    reader = _Reader(b, issues)
    found: list[_Found] = []
    for block in b.variants:
        for number, rec in _distinct(group.rows, block):
            found.extend(reader.cell(block, rec, number))
    reader.report_orphans()
    merged = _merge(found, b, issues)
    progress = _progress(b, group, issues, bool(merged))
    if not merged:
        return
    # built in place, in the packet (each message made and copied into its parent cost ~a fifth of the block)
    interp = packet.interpretations.add(
        id=f"{packet.id}-interpretation", progress_status=Interpretation.ProgressStatus.Value(progress))
    diagnosis = interp.diagnosis
    if packet.diseases:
        diagnosis.disease.CopyFrom(packet.diseases[0].term)
    for f in merged:
        gi = diagnosis.genomic_interpretations.add(
            subject_or_biosample_id=subject_id,
            interpretation_status=GenomicInterpretation.InterpretationStatus.Value(f.status),
        )
        vi = gi.variant_interpretation
        _descriptor(f, b, vi.variation_descriptor)
        if f.acmg is not None:
            vi.acmg_pathogenicity_classification = f.acmg  # type: ignore[assignment]
