"""SCH006 schema-vrs2."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation

#: ``type`` values of VRS 2.0 variation objects
VRS2_TYPES = frozenset({"Allele", "CisPhasedBlock", "Adjacency", "Terminus", "DerivativeMolecule",
                        "CopyNumberCount", "CopyNumberChange", "Haplotype", "VariationSet"})
#: keys only VRS 2 objects have (VRS 1.3 in Phenopacket v2 says sequenceLocation, literalSequenceExpression …)
VRS2_KEYS = frozenset({"location", "state", "copies", "copyChange", "digest", "members"})
#: keys of VRS 1.x's own JSON that Phenopacket's protobuf form of VRS lacks (CopyNumberCount/Change's subject)
VRS1_KEYS = frozenset({"subject", "copy_change"})
#: keys of a VRS 1.x location in the VRS schema's own JSON (SequenceLocation, ChromosomeLocation)
_VRS1_LOCATION_KEYS = frozenset({"sequence_id", "interval", "species_id", "chr"})


def vrs1_json(value: dict[str, Any]) -> bool:
    """True for a VRS object in VRS 1.x's own JSON (``_id``, ``sequence_id``, ``interval`` …), not VRS 2's.

    Both write ``type``, ``location`` and ``state``; VRS 1.x's location has a snake_case ``sequence_id`` and an
    ``interval``, its copy numbers a ``subject``; only VRS 2 has a ``digest`` or ``copyChange``.
    """
    if "digest" in value or "copyChange" in value:
        return False
    location = value.get("location")
    return (
        not VRS1_KEYS.isdisjoint(value)
        or (type(location) is dict and not _VRS1_LOCATION_KEYS.isdisjoint(location))
        or ("_id" in value and "type" in value)
    )


class SchemaVrs2(Rule):
    """VRS 2 JSON where Phenopacket v2 expects VRS 1.3 — or a whole VRS 2 object given as a phenopacket.

    What it checks
    --------------
    * a document whose top level is a VRS 2.0 variation (``"type": "Allele"`` with ``location``/``state``,
      ``CopyNumberCount`` with ``copies`` …) instead of a Phenopacket, Family or Cohort;
    * a VRS 1.3 ``Allele`` or ``CopyNumber`` inside a variation descriptor that is written with VRS 2 keys
      (``location`` as an object, ``state`` with ``type: LiteralSequenceExpression``, ``copies``, ``digest``);
    * the same written in VRS 1.x's own JSON (the VRS schema's form, not Phenopacket's protobuf one: ``_id``,
      ``location`` with a snake_case ``sequence_id`` and an ``interval``, a copy number's ``subject``), which
      the finding names as such rather than as VRS 2.

    One finding says what the JSON is; ``schema-unknown-field`` still lists the keys one by one, and a
    ``variation`` that is VRS 2 as a whole is ``value-empty``'s (it sets no VRS 1.3 member).

    Why
    ---
    Phenopacket v2 embeds VRS 1.3 (``variation: {allele: {sequenceLocation: …, literalSequenceExpression: …}}``);
    VRS 2.0 (2024) renamed these fields. Tools that emit VRS 2 (AnyVar, recent VICC normalizers) produce JSON no
    phenopacket library reads: protobuf drops or refuses every VRS 2 key, so the variant is lost.

    Anti-pattern
    ------------
    ``"allele": {"type": "Allele", "location": {"type": "SequenceLocation", "start": 44908821, "end": 44908822},
    "state": {"type": "LiteralSequenceExpression", "sequence": "T"}}``

    Fixed
    -----
    ``"allele": {"sequenceLocation": {"sequenceId": "refseq:NC_000019.10", "sequenceInterval": {"startNumber":
    {"value": "44908821"}, "endNumber": {"value": "44908822"}}}, "literalSequenceExpression": {"sequence": "T"}}``
    """

    code = "SCH006"
    name = "schema-vrs2"
    severity = Severity.ERROR
    targets = ("Phenopacket", "Cohort", "Allele", "CopyNumber")  # a VRS 2 haplotype has members: read as a cohort

    def check(self, node: Node, ctx: Context) -> Iterable[Violation]:
        """A VRS 2 object at the top of the document, or VRS 2 keys in a VRS 1.3 allele / copy number.

        Returns ``()`` in the common case (no generator made: this runs once for every document).
        """
        value = node[0]
        if node[1] in _ELEMENTS:
            kind = value.get("type")  # any JSON value: an object or a list is no VRS 2 type (and unhashable)
            if node[3] is not None or not isinstance(kind, str) or kind not in VRS2_TYPES:
                return ()
            if VRS2_KEYS.isdisjoint(value):
                return ()
            if vrs1_json(value):
                return [
                    self.violation(
                        f"this is VRS 1.x JSON (type {kind!r}), not a Phenopacket, Family or Cohort: put the variant "
                        "in a phenopacket's interpretation as a variationDescriptor, in Phenopacket's protobuf form "
                        'of VRS (variation: {"allele": {"sequenceLocation": …, "literalSequenceExpression": …}})',
                        context={"vrs": 1},
                    )
                ]
            return [
                self.violation(
                    f"this is VRS 2 JSON (type {value['type']!r}), not a Phenopacket, Family or Cohort: put the "
                    "variant in a phenopacket's interpretation as a VRS 1.3 variationDescriptor "
                    '(variation: {"allele": {"sequenceLocation": …, "literalSequenceExpression": …}})',
                    context={"vrs": 2},
                )
            ]
        if VRS2_KEYS.isdisjoint(value) and VRS1_KEYS.isdisjoint(value):
            return ()
        kind = value.get("type")
        what = f"type {kind!r}, " if isinstance(kind, str) else ""
        if vrs1_json(value):
            found = sorted((VRS2_KEYS | VRS1_KEYS | {"_id"}).intersection(value))
            return [
                self.violation(
                    f"this {node[1]} is VRS 1.x JSON, the VRS schema's own form ({what}keys {', '.join(found)}); "
                    "Phenopacket v2 embeds VRS in protobuf form: use sequenceLocation (sequenceId, "
                    "sequenceInterval) or chromosomeLocation, and literalSequenceExpression",
                    context={"vrs": 1},
                )
            ]
        found = sorted(VRS2_KEYS.intersection(value))
        if not found:
            return ()
        return [
            self.violation(
                f"this {node[1]} is written in VRS 2 ({what}keys {', '.join(found)}); Phenopacket v2 embeds VRS "
                "1.3: use sequenceLocation/chromosomeLocation and literalSequenceExpression (VRS 1.3 names)",
                context={"vrs": 2},
            )
        ]


_ELEMENTS = frozenset({"Phenopacket", "Cohort"})
