"""VAL003 value-empty."""

from __future__ import annotations

from collections.abc import Iterator

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.schema.vrs2 import vrs1_json

#: VRS 1.x ``Variation`` members (exactly one is set in a valid document)
VARIATION_MEMBERS = ("allele", "haplotype", "copyNumber", "text", "variationSet")
#: keys of a VRS 2.x variation object (``{"type": "Allele", "location": …, "state": …}``)
VRS2_KEYS = frozenset({"type", "location", "state", "digest", "expressions", "members", "copies", "copyChange"})


class ValueEmpty(Rule):
    """A complex value with no typed quantity, or a VRS ``Variation`` with no member set.

    What it checks
    --------------
    * ``ComplexValue.typedQuantities`` holds at least one item (an absent or empty list is a measurement
      without a value);
    * a VRS 1.x ``Variation`` (``variationDescriptor.variation``) sets one of ``allele``, ``haplotype``,
      ``copyNumber``, ``text``, ``variationSet``. When it instead has the keys of a VRS 2.x object
      (``type``, ``location``, ``state`` …) the message says so: Phenopacket v2 embeds VRS 1.3, and VRS 2
      JSON is not read by any phenopacket library (``schema-unknown-field`` lists the keys one by one). VRS
      1.x's own JSON has the same keys (with ``_id``, ``sequence_id``, ``interval``): the message names it so.

    Why
    ---
    The reference validator rejects both: protobuf reads an empty ``Variation`` as "no variation" and an
    empty complex value as a measurement with no result, so the data the author meant is lost without a word.

    Anti-pattern
    ------------
    ``"variation": {"type": "Allele", "location": {…}, "state": {"type": "LiteralSequenceExpression", …}}``

    Fixed
    -----
    ``"variation": {"allele": {"sequenceLocation": {…}, "literalSequenceExpression": {"sequence": "T"}}}``
    """

    code = "VAL003"
    name = "value-empty"
    severity = Severity.ERROR
    targets = ("ComplexValue", "Variation")

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        """Findings for an empty complex value or VRS variation."""
        if node.type == "ComplexValue":
            if not node.has("typedQuantities"):
                yield self.violation(
                    "complexValue has no typedQuantities: a measurement needs at least one typed quantity",
                    node.key("typedQuantities") or "typedQuantities",
                )
            return
        if any(node.get(m) is not None for m in VARIATION_MEMBERS):
            return
        keys = set(node.value)
        if keys & VRS2_KEYS and "type" in keys:
            kind = node.value.get("type")
            if vrs1_json(node.value):  # the same keys in VRS 1.x's own JSON: not VRS 2
                yield self.violation(
                    f"this variation is VRS 1.x JSON, the VRS schema's own form (type {kind!r}, keys "
                    f"{', '.join(sorted(keys & (VRS2_KEYS | {'_id', 'subject'})))}); Phenopacket v2 embeds VRS in "
                    'protobuf form: wrap it as {"allele": {…}} with sequenceLocation, literalSequenceExpression …',
                    context={"vrs": 1},
                )
                return
            yield self.violation(
                f"this variation is VRS 2 JSON (type {kind!r}, keys {', '.join(sorted(keys & VRS2_KEYS))}); "
                'Phenopacket v2 embeds VRS 1.3: wrap it as {"allele": {…}} with VRS 1.3 field names',
                context={"vrs": 2},
            )
        else:
            yield self.violation(
                f"variation sets none of {', '.join(VARIATION_MEMBERS)} (one is REQUIRED)",
            )
