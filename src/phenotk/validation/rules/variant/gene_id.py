"""VAR005 variant-gene-id."""

from __future__ import annotations

import functools
import re

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation

#: gene id shapes by prefix
_ID_SHAPES = {
    "HGNC": re.compile(r"HGNC:[1-9]\d*\Z"),
    "NCBIGene": re.compile(r"NCBIGene:[1-9]\d*\Z"),
    "ENSEMBL": re.compile(r"ENSEMBL:ENSG\d{11}(?:\.\d+)?\Z"),
    "Ensembl": re.compile(r"Ensembl:ENSG\d{11}(?:\.\d+)?\Z"),
    "OMIM": re.compile(r"OMIM:\d{6}\Z"),
}
#: an HGNC-approved symbol: letters, digits, hyphens (C9orf72, HLA-DRB1, MT-ND1), a few with @ or _ or .
_SYMBOL = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_.@]*\Z")


class VariantGeneId(Rule):
    """A gene descriptor whose id or symbol does not have the shape of an HGNC id or gene symbol.

    What it checks
    --------------
    ``GeneDescriptor.valueId`` (``gene`` of a genomic interpretation, ``geneContext`` of a variant): an
    ``HGNC:`` id is ``HGNC:`` and a number without leading zero (``HGNC:3603``, not ``HGNC:HGNC:3603`` or
    ``HGNC:FBN1``); ``NCBIGene:``, ``ENSEMBL:ENSG…`` and ``OMIM:`` ids have their usual shapes.
    ``symbol`` is one word of letters, digits and hyphens (``FBN1``, ``C9orf72``, ``HLA-DRB1``) — not a
    description such as ``"FBN1 gene"`` or a transcript. Other prefixes are left to ``curie-syntax``. A
    **warning**: the shape is checked offline, not that HGNC knows the id.

    Why
    ---
    GPSEA and Exomiser match genes by HGNC id or symbol; ``HGNC:HGNC:3603`` or ``"FBN1 (NM_000138.5)"`` match
    nothing, and the variant drops out of gene-level analyses.

    Anti-pattern
    ------------
    ``"gene": {"valueId": "HGNC:FBN1", "symbol": "FBN1 gene"}``

    Fixed
    -----
    ``"gene": {"valueId": "HGNC:3603", "symbol": "FBN1"}``
    """

    code = "VAR005"
    name = "variant-gene-id"
    severity = Severity.WARNING
    targets = ("GeneDescriptor",)

    def check(self, node: Node, ctx: Context) -> list[Violation] | tuple[()]:
        """Check the shapes of one gene descriptor's id and symbol (``()`` when both are fine)."""
        v = node[0]  # node.value (tuple access: hot path); the keys are looked up inline (Node.key's rule)
        ik = "valueId" if "valueId" in v else ("value_id" if "value_id" in v else None)
        vid = v[ik] if ik else None
        sym = v.get("symbol")  # one-word field: the snake_case key is the same
        if (vid is None or type(vid) is str) and (sym is None or type(sym) is str) and _plain(vid, sym):
            return ()  # the usual gene: HGNC:<n> and an alphanumeric symbol
        out: list[Violation] = []
        if isinstance(vid, str) and vid and not _plain_hgnc(vid):
            shape = _ID_SHAPES.get(vid.partition(":")[0])
            if shape is not None and not shape.match(vid):
                out.append(self.violation(f"gene id {vid!r} does not have the shape {_example(vid)}", ik))  # type: ignore[arg-type]
        sk = "symbol" if "symbol" in v else None
        if isinstance(sym, str) and sym and not (sym.isascii() and sym.isalnum()) and not _SYMBOL.match(sym):
            out.append(
                self.violation(
                    f"gene symbol {sym!r} is not one word of letters, digits and hyphens (e.g. FBN1, C9orf72)",
                    sk,  # type: ignore[arg-type]
                )
            )
        return out


@functools.lru_cache(maxsize=50_000)  # pure; the store names the same genes again and again
def _plain(vid: str | None, sym: str | None) -> bool:
    """True for the usual gene, nothing to report: ``HGNC:<n>`` (or no id), an alphanumeric symbol (or none)."""
    return (vid is None or _plain_hgnc(vid)) and (sym is None or (sym.isascii() and sym.isalnum()))


def _plain_hgnc(vid: str) -> bool:
    """``HGNC:<number>`` without leading zero (the common case, decided without a regex)."""
    return vid[:5] == "HGNC:" and vid.isascii() and vid[5:].isdigit() and vid[5:6] != "0"


def _example(vid: str) -> str:
    prefix = vid.partition(":")[0]
    return {"HGNC": "HGNC:3603", "NCBIGene": "NCBIGene:2200", "OMIM": "OMIM:134797"}.get(
        prefix, f"{prefix}:ENSG00000166147"
    )
