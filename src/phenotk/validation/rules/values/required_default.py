"""VAL001 required-default."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Token, Violation, _snake
from phenotk.validation.rules.variant._common import interpretation_tree

#: type → (JSON name, the proto3 default a reader substitutes) of scalar fields the v2 specification marks
#: REQUIRED. ``schema-required`` leaves them out: proto3 JSON writers omit a default value, so absence is
#: not an error of the document's shape — but it is read as the default, which the author may not mean.
REQUIRED_SCALARS: dict[str, tuple[tuple[str, str], ...]] = {
    "VitalStatus": (("status", "UNKNOWN_STATUS"),),
    "Interpretation": (("progressStatus", "UNKNOWN_PROGRESS"),),
    "GenomicInterpretation": (("interpretationStatus", "UNKNOWN_STATUS"),),
    "VariantInterpretation": (
        ("acmgPathogenicityClassification", "NOT_PROVIDED"),
        ("therapeuticActionability", "UNKNOWN_ACTIONABILITY"),
    ),
    "VariationDescriptor": (("moleculeContext", "unspecified_molecule_context"),),
    "GestationalAge": (("weeks", "0"),),
    "RadiationTherapy": (("dosage", "0"), ("fractions", "0")),
    "TherapeuticRegimen": (("regimenStatus", "UNKNOWN_STATUS"),),
    "Family": (("consanguinousParents", "false"),),
    "Quantity": (("value", "0"),),
    "ReferenceRange": (("low", "0"), ("high", "0")),
    "Pedigree.Person": (("sex", "UNKNOWN_SEX"), ("affectedStatus", "MISSING")),
}

_FROM_PHENOPACKET = ("Interpretation", "GenomicInterpretation", "VariantInterpretation", "VariationDescriptor")
#: type → (JSON name, snake_case name, default)
_SPECS = {t: tuple((j, _snake(j), d) for j, d in fields) for t, fields in REQUIRED_SCALARS.items()}


class SchemaRequiredDefault(Rule):
    """A REQUIRED enum, number or boolean field is absent and is read as its proto3 default.

    What it checks
    --------------
    The scalar fields the Phenopacket v2 documentation marks REQUIRED: ``VitalStatus.status``,
    ``Interpretation.progressStatus``, ``GenomicInterpretation.interpretationStatus``,
    ``VariantInterpretation.acmgPathogenicityClassification`` and ``therapeuticActionability``,
    ``VariationDescriptor.moleculeContext``, ``GestationalAge.weeks``, ``RadiationTherapy.dosage`` and
    ``fractions``, ``TherapeuticRegimen.regimenStatus``, ``Family.consanguinousParents``, ``Quantity.value``,
    ``ReferenceRange.low`` and ``high``, and a ``Pedigree.Person``'s ``sex`` and ``affectedStatus``. When one is
    absent (camelCase or snake_case key) the finding names the default a protobuf reader puts in its place.
    A warning, not an error: protobuf's own JSON writer leaves default values out, so a document written by
    a protobuf library with e.g. ``NOT_PROVIDED`` looks exactly like one whose author forgot the field.
    Documents that *are* protobuf messages (protobuf binary input, converted packets, messages passed to
    ``phenotk.validate``) are not checked: there an absent field is the stated default.

    Why
    ---
    The reference validator (phenopacket-tools, whose JSON Schema lists these fields as ``required``)
    rejects such documents, and every protobuf reader silently reads ``0``, ``false`` or the first enum
    value — ``UNKNOWN_STATUS``, ``NOT_PROVIDED`` — which may not be what was meant (a family read as not
    consanguineous, a radiation therapy of dose 0).

    Anti-pattern
    ------------
    ``"vitalStatus": {"timeOfDeath": {"age": {"iso8601duration": "P40Y"}}}`` — read as ``UNKNOWN_STATUS``.

    Fixed
    -----
    ``"vitalStatus": {"status": "DECEASED", "timeOfDeath": {"age": {"iso8601duration": "P40Y"}}}``
    """

    code = "VAL001"
    name = "required-default"
    severity = Severity.WARNING
    #: interpretations are reached from their phenopacket (no node per interpretation, call, descriptor)
    targets = ("Phenopacket", *(t for t in REQUIRED_SCALARS if t not in _FROM_PHENOPACKET))

    def check(self, node: Node, ctx: Context) -> Iterable[Violation]:
        """One finding per absent REQUIRED scalar (no iterator made when all are present)."""
        doc = ctx.document
        if doc is not None and doc.written_by_protobuf:  # proto3 writes no defaults: absent means the default
            return ()
        if node[1] != "Phenopacket":
            return self._absent(node[0], node[1], ())
        out: list[Violation] = []
        for type_name, at, value in interpretation_tree(node, ctx)[0]:  # shared with the variant rules
            for json_name, snake, default in _SPECS[type_name]:
                if value.get(json_name) is None and value.get(snake) is None:
                    out.append(self._finding(json_name, default, at))
        return out

    def _absent(self, value: dict[str, Any], type_name: str, at: tuple[Token, ...]) -> list[Violation] | tuple[()]:
        out: list[Violation] | tuple[()] = ()
        for json_name, snake, default in _SPECS[type_name]:
            if value.get(json_name) is None and value.get(snake) is None:
                out = [*out, self._finding(json_name, default, at)]
        return out

    def _finding(self, json_name: str, default: str, at: tuple[Token, ...]) -> Violation:
        msg = f"REQUIRED field {json_name!r} absent, read as default {default}; state it explicitly"
        return self.violation(msg, *at, json_name, context={"field": json_name, "default": default})
