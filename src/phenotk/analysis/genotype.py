"""Genotype side of a cohort: variants, genes, variant effects, allele counts, and a genotype–phenotype table.

The table compares two groups of packets term by term, the way gpsea users start: for each HPO term, how many
packets of each group observe it among those where it was *measured* (observed or excluded, after the
propagation of :mod:`phenotk.analysis.terms`), a two-sided Fisher exact test per term, and the p values adjusted
for multiple testing with the Benjamini–Hochberg procedure (false discovery rate) over every tested term.

Variant effects are read from the HGVS text the packet carries (``hgvs.p``, else ``hgvs.c``) and the structural
type; nothing is predicted (no VEP): a variant whose text does not say is ``unknown``.
"""

from __future__ import annotations

import html
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from phenopackets import Phenopacket

from phenotk.analysis._inputs import ontology_index
from phenotk.analysis.terms import TermClosure

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from phenotk.ontology import OntologyIndex

#: GENO zygosity → alleles carried (compound heterozygous counts one allele per variant)
ALLELES: dict[str, int] = {
    "heterozygous": 1, "GENO:0000135": 1,
    "homozygous": 2, "GENO:0000136": 2,
    "hemizygous": 1, "GENO:0000134": 1,
    "compound heterozygous": 1, "GENO:0000402": 1,
}

#: the effects :func:`variant_effect` names
EFFECTS = ("missense", "nonsense", "frameshift", "synonymous", "inframe_deletion", "inframe_insertion",
           "inframe_delins", "start_lost", "stop_lost", "splice_region", "structural", "unknown")

_AA = r"(?:[A-Z][a-z]{2}|[A-Z*])"


@dataclass(frozen=True)
class Variant:
    """One variant of a packet: gene symbol, HGNC id, HGVS text (c. or label), protein text, zygosity, effect."""

    gene: str
    hgnc: str
    hgvs: str
    protein: str
    zygosity: str
    effect: str
    id: str = ""

    @property
    def alleles(self) -> int:
        """Alleles this variant accounts for (1 heterozygous or hemizygous, 2 homozygous, 1 when not stated)."""
        return ALLELES.get(self.zygosity, 1)


def protein_effect(p: str) -> str | None:
    """The effect an HGVS protein text states (``p.(Arg12Ter)`` → nonsense), None when it states none."""
    p = p.split(":")[-1].strip()
    if not p.startswith("p."):
        return None
    body = p[2:].strip("()")
    if body in ("?", "", "0"):
        return None
    if "fs" in body:
        return "frameshift"
    if "ext" in body:
        return "stop_lost"
    if body.endswith("=") or body == "=":
        return "synonymous"
    if "delins" in body:
        return "inframe_delins"
    if "del" in body:
        return "inframe_deletion"
    if "dup" in body or "ins" in body:
        return "inframe_insertion"
    if re.fullmatch(r"Met1\??|M1\??", body):
        return "start_lost"
    m = re.fullmatch(rf"({_AA})(\d+)({_AA})", body)
    if m:
        if m.group(3) in ("Ter", "*"):
            return "nonsense"
        return "missense"
    return None


def cdna_effect(c: str) -> str | None:
    """``splice_region`` for a c. text within 2 bases of an exon boundary (``c.123+1G>A``), else None."""
    if re.search(r"c\.[*-]?\d+[+-][12](?!\d)", c):
        return "splice_region"
    return None


def variants_of(packet: Phenopacket) -> list[Variant]:
    """The variants of every interpretation of ``packet``, in order."""
    out = []
    for interp in packet.interpretations:
        for gi in interp.diagnosis.genomic_interpretations:
            if not gi.HasField("variant_interpretation"):
                continue
            vd = gi.variant_interpretation.variation_descriptor
            expr = {e.syntax: e.value for e in vd.expressions}
            hgvs = expr.get("hgvs.c") or expr.get("hgvs.g") or expr.get("hgvs") or vd.label or vd.id
            protein = expr.get("hgvs.p", "")
            if vd.HasField("structural_type"):
                effect = "structural"
            else:
                effect = protein_effect(protein) or cdna_effect(expr.get("hgvs.c", "")) or "unknown"
            out.append(Variant(vd.gene_context.symbol, vd.gene_context.value_id, hgvs, protein,
                               vd.allelic_state.label or vd.allelic_state.id, effect, vd.id))
    return out


def genes_of(packet: Phenopacket) -> set[str]:
    """Gene symbols of the packet's variants and gene-only interpretations."""
    genes = {v.gene for v in variants_of(packet) if v.gene}
    for interp in packet.interpretations:
        for gi in interp.diagnosis.genomic_interpretations:
            if gi.HasField("gene") and gi.gene.symbol:
                genes.add(gi.gene.symbol)
    return genes


def allele_count(packet: Phenopacket, predicate: Callable[[Variant], bool] | None = None) -> int:
    """Alleles in ``packet`` of the variants matching ``predicate`` (all when None): 0, 1 or 2, rarely more."""
    return sum(v.alleles for v in variants_of(packet) if predicate is None or predicate(v))


# ---------------------------------------------------------------------- statistics
def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_exact(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p of Fisher's exact test on the 2×2 table [[a, b], [c, d]].

    The sum of the hypergeometric probabilities of every table with the same margins that is at most as likely
    as the observed one (relative tolerance 1e-7, as R and SciPy do).
    """
    if min(a, b, c, d) < 0:
        raise ValueError("counts must be ≥ 0")
    row1, col1, n = a + b, a + c, a + b + c + d
    if n == 0 or row1 in (0, n) or col1 in (0, n):
        return 1.0
    lo, hi = max(0, col1 - (n - row1)), min(row1, col1)
    denom = _log_comb(n, col1)

    def prob(x: int) -> float:
        return math.exp(_log_comb(row1, x) + _log_comb(n - row1, col1 - x) - denom)

    observed = prob(a)
    p = sum(q for q in (prob(x) for x in range(lo, hi + 1)) if q <= observed * (1 + 1e-7))
    return min(1.0, p)


def benjamini_hochberg(pvalues: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p values (false discovery rate), in the input order."""
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    adjusted = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, pvalues[i] * m / rank)
        adjusted[i] = min(1.0, running)
    return adjusted


# ---------------------------------------------------------------------- the table
TEST_NAME = "Fisher exact test (two-sided)"
CORRECTION = "Benjamini–Hochberg"


@dataclass
class GenotypePhenotypeTable:
    """Per HPO term: observed / measured packets in groups A and B, Fisher p, Benjamini–Hochberg adjusted p.

    ``frame`` holds every tested term (sorted by p); ``test`` and ``correction`` name the statistics; ``notes``
    the asked terms (``terms=…``) that could not be tested.
    """

    frame: pd.DataFrame
    names: tuple[str, str]
    sizes: tuple[int, int]
    overlap: int = 0
    test: str = TEST_NAME
    correction: str = CORRECTION
    notes: list[str] = field(default_factory=list)

    def caption(self) -> str:
        """One line naming the groups, the test and the correction."""
        a, b = self.names
        extra = f"; {self.overlap} packet(s) in both groups left out" if self.overlap else ""
        return (
            f"{a} (n={self.sizes[0]}) vs {b} (n={self.sizes[1]}): {len(self.frame)} HPO terms tested, {self.test}, "
            f"p adjusted by {self.correction} (column p_adjusted){extra}"
        )

    def significant(self, alpha: float = 0.05) -> pd.DataFrame:
        """Rows whose Benjamini–Hochberg adjusted p is below ``alpha``."""
        return self.frame[self.frame["p_adjusted"] < alpha]

    def __repr__(self) -> str:
        with _display():
            return "\n".join([self.caption(), *self.notes]) + "\n" + self.frame.head(15).to_string(index=False) + (
                f"\n… {len(self.frame) - 15} more terms (.frame)" if len(self.frame) > 15 else ""
            )

    def _repr_html_(self) -> str:
        more = len(self.frame) - 15
        return (
            f"<p>{html.escape(self.caption())}</p>"
            + "".join(f"<p>{html.escape(n)}</p>" for n in self.notes)
            + self.frame.head(15).to_html(index=False, float_format=lambda x: f"{x:.3g}")
            + (f"<p>… {more} more terms (<code>.frame</code>)</p>" if more > 0 else "")
        )


class _display:
    def __enter__(self) -> None:
        import pandas as pd

        self._ctx = pd.option_context("display.width", 160, "display.max_columns", 20)
        self._ctx.__enter__()

    def __exit__(self, *exc: object) -> None:
        self._ctx.__exit__(*exc)  # type: ignore[arg-type]


def genotype_phenotype(
    a: Iterable[Phenopacket],
    b: Iterable[Phenopacket],
    *,
    hpo: OntologyIndex | str | os.PathLike[str] | None = None,
    names: tuple[str, str] = ("A", "B"),
    terms: Iterable[str] | None = None,
    min_observed: int = 5,
) -> GenotypePhenotypeTable:
    """Compare two groups of packets term by term (see the module doc).

    ``terms`` (ids) restricts the tested terms; by default every term observed in at least ``min_observed``
    packets of the two groups together (the roots *All* / *Phenotypic abnormality* left out). A packet in both
    groups is left out of both (Fisher's test needs disjoint groups) and counted in ``overlap``.
    """
    import pandas as pd

    from phenotk.analysis.summary import ROOT_TERMS

    if names[0] == names[1]:
        raise ValueError(f"the two groups need different names (columns {names[0]}_observed …), not {names!r}")
    hpo = ontology_index(hpo)
    la, lb = list(a), list(b)
    ids_a, ids_b = {id(p) for p in la}, {id(p) for p in lb}
    both = ids_a & ids_b
    la = [p for p in la if id(p) not in both]
    lb = [p for p in lb if id(p) not in both]
    closure = TermClosure(hpo)
    counts: list[dict[str, list[int]]] = []  # per group: term → [observed, excluded]
    written: dict[str, str] = {}  # term id → the first label a packet gives it (when the HPO has none)
    for group in (la, lb):
        c: dict[str, list[int]] = {}
        for p in group:
            for f in p.phenotypic_features:
                if f.type.label:
                    written.setdefault(f.type.id, f.type.label)
            obs, exc = closure.packet_terms(p)
            for t in obs:
                c.setdefault(t, [0, 0])[0] += 1
            for t in exc:
                c.setdefault(t, [0, 0])[1] += 1
        counts.append(c)
    ca, cb = counts
    if terms is not None:
        wanted = [closure.key(t) for t in ([terms] if isinstance(terms, str) else terms)]
    else:
        wanted = sorted(
            t for t in set(ca) | set(cb)
            if t not in ROOT_TERMS and ca.get(t, [0, 0])[0] + cb.get(t, [0, 0])[0] >= min_observed
        )
    rows: list[dict[str, Any]] = []
    untested: list[str] = []  # asked terms (terms=…) that cannot be compared: said, not dropped
    for t in wanted:
        ao, ae = ca.get(t, [0, 0])
        bo, be = cb.get(t, [0, 0])
        if ao + ae == 0 or bo + be == 0:  # not measured in one group: nothing to compare
            if terms is not None:
                where = f"{names[0]} only" if ao + ae else f"{names[1]} only" if bo + be else "neither"
                untested.append(f"{t} ({where})")
            continue
        label = (hpo.label(t) if hpo is not None else None) or written.get(t) or t
        rows.append({
            "id": t, "label": label,
            "a_observed": ao, "a_measured": ao + ae, "a_fraction": ao / (ao + ae),
            "b_observed": bo, "b_measured": bo + be, "b_fraction": bo / (bo + be),
            "p_value": fisher_exact(ao, ae, bo, be),
        })
    adjusted = benjamini_hochberg([r["p_value"] for r in rows])
    for r, q in zip(rows, adjusted, strict=True):
        r["p_adjusted"] = q
    cols = ["id", "label", "a_observed", "a_measured", "a_fraction", "b_observed", "b_measured", "b_fraction",
            "p_value", "p_adjusted"]
    df = pd.DataFrame(rows, columns=cols).astype(
        {"id": "string", "label": "string", **{c: ("float64" if c.endswith(("fraction", "p_value", "p_adjusted"))
                                                  else "int64") for c in cols[2:]}}
    )  # typed also with no tested term (no rows: pandas would make every column object)
    df = df.sort_values(["p_value", "id"], kind="stable").reset_index(drop=True)
    df = df.rename(columns=lambda c: c.replace("a_", f"{names[0]}_", 1).replace("b_", f"{names[1]}_", 1)
                   if c[:2] in ("a_", "b_") else c)
    df.attrs["test"] = TEST_NAME
    df.attrs["correction"] = CORRECTION
    notes = [f"{len(untested)} asked term(s) not tested (recorded in one group or none): {', '.join(untested)}"
             ] if untested else []
    return GenotypePhenotypeTable(df, names, (len(la), len(lb)), len(both), notes=notes)


def iter_keys(value: Any) -> Iterator[Any]:
    """A group key function's answer as keys: None → none, a set/list/tuple → each, else the value itself."""
    if value is None:
        return
    if isinstance(value, (set, frozenset, list, tuple)):
        yield from value
    else:
        yield value
