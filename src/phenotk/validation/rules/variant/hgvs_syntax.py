"""VAR001 variant-hgvs-syntax."""

from __future__ import annotations

import re
from typing import Any

from phenotk.issue import Severity
from phenotk.model.hgvs import Hgvs, HgvsError, parse_hgvs, position_problem
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.variant._common import Finding, Memo, Record, records

_SYNTAX_OF = {k: "hgvs." + k for k in "cgnmpro"}
#: Expression.syntax values that announce HGVS
HGVS_SYNTAX = frozenset({"hgvs", "hgvs.c", "hgvs.g", "hgvs.n", "hgvs.m", "hgvs.p", "hgvs.r"})

_C_POS = r"[-*]?\d+(?:[+-]\d+)?"  # c.: 123, -14, *5, 123+1, -14-2
_N_POS = r"-?\d+(?:[+-]\d+)?"  # n.: no 3' UTR (*)
_G_POS = r"\d+"  # g. and m.: plain positions
_AA = "(?:Ala|Arg|Asn|Asp|Cys|Gln|Glu|Gly|His|Ile|Leu|Lys|Met|Phe|Pro|Ser|Thr|Trp|Tyr|Val)"


def _nucleotide_edits(pos: str) -> str:
    """Substitution, del, dup, ins, delins and inv on ``pos`` positions, ``ACGT`` bases (model.hgvs's fast edits)."""
    # a plain insertion names two positions (c.2304insG is no HGVS: the full parser says why)
    return (rf"(?:{pos}[ACGT]>[ACGT]|{pos}(?:_{pos})?(?:(?:del|dup)[ACGT]*|del[ACGT]*ins[ACGT]+|inv)"
            rf"|{pos}_{pos}ins[ACGT]+)\Z")


#: the shapes nearly all expressions have (99.6 % of the store's; p.? alone is 2.7 %), all valid for
#: :func:`parse_hgvs` with that kind and reference (a subset of its fast edit patterns; the test
#: test_variant_fast_paths checks it): decided by one regex, the full parser (~20 times the cost) runs for the
#: rest. Group ``k`` is the kind.
_COMMON = re.compile(
    rf"NM_\d+\.\d+:(?P<c>c)\.{_nucleotide_edits(_C_POS)}"
    rf"|NR_\d+\.\d+:(?P<n>n)\.{_nucleotide_edits(_N_POS)}"
    rf"|NC_\d+\.\d+:(?P<g>g)\.{_nucleotide_edits(_G_POS)}"
    rf"|NC_\d+\.\d+:(?P<m>m)\.{_nucleotide_edits(_G_POS)}"
    rf"|NP_\d+\.\d+:(?P<p>p)\.(?:\?|\((?:{_AA}\d+(?:{_AA}|Ter|=|\?)|{_AA}\d+(?:{_AA})?fsTer\d+"
    rf"|{_AA}\d+(?:_{_AA}\d+)?(?:del|dup|delins(?:{_AA})+(?:Ter)?)|Ter\d+{_AA}extTer\d+)\))\Z",
    re.ASCII,  # \d: ASCII digits only (parse_hgvs reads no other digit in an accession)
)
#: ``syntax`` as written → the kind whose :data:`_COMMON` expressions have nothing to report under it
_PLAIN_SYNTAX = {"hgvs.c": "c", "hgvs.n": "n", "hgvs.g": "g", "hgvs.m": "m", "hgvs.p": "p"}


def _parse(value: str) -> Hgvs | str:
    """The parsed expression, or why it is not HGVS."""
    try:
        return parse_hgvs(value)
    except HgvsError as exc:
        return exc.reason


class VariantHgvsSyntax(Rule):
    """An HGVS expression that does not follow the HGVS grammar, has no reference sequence or the wrong syntax.

    What it checks
    --------------
    Each ``expressions[*]`` of a variation descriptor whose ``syntax`` is ``hgvs`` or
    ``hgvs.c``/``g``/``n``/``m``/``p``/``r`` is parsed offline by :mod:`phenotk.model.hgvs` (the module the
    converters use for hospital variant cells):

    * a value that is not HGVS (``c.2836C>X``, ``NM_1:c.12A>G`` with a malformed accession, blanks inside)
      is an **error** naming the reason;
    * a value without a reference sequence (``c.2836C>T`` instead of ``NM_001165963.4:c.2836C>T``) is a
      **warning**: the position means nothing without its transcript;
    * a ``syntax`` that does not match the expression's kind (``hgvs.c`` for a ``p.`` change) is a
      **warning**.

    No sequence is fetched: that the reference base is right, or the position exists, is not checked.

    Why
    ---
    Variant-aware tools (Exomiser, GPSEA's variant validator, VariantValidator in phenopacket-store's QC)
    parse these strings; a typo makes the variant invisible to them, and curators asked for a check that
    needs no online service (phenopacket-store #178).

    Anti-pattern
    ------------
    ``{"syntax": "hgvs.c", "value": "c.2836C>X"}``

    Fixed
    -----
    ``{"syntax": "hgvs.c", "value": "NM_001165963.4:c.2836C>T"}``
    """

    code = "VAR001"
    name = "variant-hgvs-syntax"
    severity = Severity.ERROR
    targets = ("Phenopacket",)

    def check(self, node: Node, ctx: Context) -> list[Violation] | tuple[()]:
        """Parse the HGVS expressions of the phenopacket's variation descriptors (``()`` when all are fine)."""
        out: list[Violation] | None = None  # no list made in the common case (no finding)
        for rec in records(node, ctx):
            found = _MEMO.of(rec)
            if found:
                path = rec.path
                if out is None:  # one list, extended: not copied at each finding (quadratic)
                    out = []
                out.extend(self.violation(m, *path, *at, severity=sev) for m, at, sev in found)
        return out if out is not None else ()


def _descriptor(rec: Record) -> tuple[Finding, ...]:
    """The findings of one descriptor's expressions, relative to the descriptor.

    The usual expression — its syntax written ``hgvs.c``/``n``/``g``/``p`` and its value one of the
    :data:`_COMMON` shapes of that kind — is passed over after one regex match; the others take
    :func:`_verdict` (no memo of verdicts: a descriptor's findings are remembered whole, :data:`_MEMO`).
    """
    found: list[Finding] = []
    key = rec.expressions_key
    for i, expr in rec.parts()[0]:
        syntax = expr.get("syntax")
        value = expr.get("value")
        if type(syntax) is str and type(value) is str and passed_over(syntax, value):
            continue
        for name, message, severity in _verdict(syntax, value):
            found.append((message, (key, i, name), severity))
    return tuple(found)


def passed_over(syntax: str, value: str) -> bool:
    """True for the usual expression, which has nothing to report (one regex match, no parse).

    ``syntax`` is ``hgvs.c``/``n``/``g``/``m``/``p`` and ``value`` a :data:`_COMMON` shape of that kind whose
    range, if any, is in order (``c.100_99del`` matches the shape: its positions are checked after the match).
    """
    common = _COMMON.match(value)
    if common is None or common.lastgroup != _PLAIN_SYNTAX.get(syntax):
        return False
    return "_" not in value or position_problem(common.lastgroup or "", value.partition(":")[2][2:]) is None


#: descriptor signature → its findings (a cohort repeats its variants: in a run over the whole store, sorted,
#: 46 % of the descriptors asked about were met before)
_MEMO = Memo(_descriptor)


def _verdict(syntax: Any, value: Any) -> tuple[tuple[str, str, Severity | None], ...]:
    """The findings of one expression (``()`` for a valid one or one that does not announce HGVS)."""
    declared = syntax.strip().lower() if isinstance(syntax, str) else None
    if declared not in HGVS_SYNTAX:
        return ()
    if not isinstance(value, str) or not value:
        return ()  # schema-required
    common = _COMMON.match(value)
    if common is not None and "_" in value:
        problem = position_problem(common.lastgroup or "", value.partition(":")[2][2:])
        if problem is not None:
            return (("value", f"{value!r} is not valid HGVS: {problem}", None),)
    if common is not None:
        kind = common.lastgroup or ""
        reference = True
        local = value.partition(":")[2]
    else:
        hgvs = _parse(value)
        if isinstance(hgvs, str):
            return (("value", f"{value!r} is not valid HGVS: {hgvs}", None),)
        kind, reference, local = hgvs.kind, hgvs.reference is not None, hgvs.local
    found: list[tuple[str, str, Severity | None]] = []
    if not reference:
        found.append(("value", f"{value!r} has no reference sequence; write it as e.g. NM_…:{local}", Severity.WARNING))
    if declared != "hgvs" and declared != _SYNTAX_OF.get(kind):
        found.append(
            ("syntax", f"syntax {syntax!r} but {value!r} is a {kind}. expression (hgvs.{kind})", Severity.WARNING)
        )
    return tuple(found)
