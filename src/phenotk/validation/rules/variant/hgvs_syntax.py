"""VAR001 variant-hgvs-syntax."""

from __future__ import annotations

from collections.abc import Iterator

from phenotk.issue import Severity
from phenotk.model.hgvs import HgvsError, parse_hgvs
from phenotk.validation.rule import Context, Node, Rule, Violation

#: Expression.syntax values that announce HGVS
HGVS_SYNTAX = frozenset({"hgvs", "hgvs.c", "hgvs.g", "hgvs.n", "hgvs.m", "hgvs.p", "hgvs.r"})


class VariantHgvsSyntax(Rule):
    """An HGVS expression that does not follow the HGVS grammar, has no reference sequence or the wrong syntax.

    What it checks
    --------------
    Each ``Expression`` whose ``syntax`` is ``hgvs`` or ``hgvs.c``/``g``/``n``/``m``/``p``/``r`` is parsed
    offline by :mod:`phenotk.model.hgvs` (the module the converters use for hospital variant cells):

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
    targets = ("Expression",)

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        """Parse one HGVS expression."""
        syntax = node.get("syntax")
        if not isinstance(syntax, str) or syntax.strip().lower() not in HGVS_SYNTAX:
            return
        key = node.key("value")
        value = node.value.get(key) if key else None
        if not isinstance(value, str) or not value:
            return  # schema-required
        try:
            hgvs = parse_hgvs(value)
        except HgvsError as exc:
            yield self.violation(f"{value!r} is not valid HGVS: {exc.reason}", key)  # type: ignore[arg-type]
            return
        if hgvs.reference is None:
            yield self.violation(
                f"{value!r} has no reference sequence; write it as e.g. NM_…:{hgvs.local}",
                key,  # type: ignore[arg-type]
                severity=Severity.WARNING,
            )
        declared = syntax.strip().lower()
        if declared not in ("hgvs", hgvs.syntax):
            yield self.violation(
                f"syntax {syntax!r} but {value!r} is a {hgvs.kind}. expression ({hgvs.syntax})",
                node.key("syntax") or "syntax",
                severity=Severity.WARNING,
            )
