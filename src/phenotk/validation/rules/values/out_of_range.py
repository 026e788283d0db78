"""VAL002 value-out-of-range."""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation, field_key
from phenotk.validation.rules.schema._integers import UINT64, integer_fields, protobuf_integer, range_text, type_name
from phenotk.validation.rules.variant._common import records

UINT64_MAX = UINT64[1]
_NON_FINITE = ("NaN", "Infinity", "-Infinity")
#: the largest integer a double holds (larger JSON integers raise OverflowError in float())
_MAX_FLOAT_INT = int(sys.float_info.max)
#: message types with integer fields other than VcfRecord (reached through the phenopacket's descriptors)
_INTEGER_OWNERS = (
    "GestationalAge",
    "RadiationTherapy",
    "VitalStatus",
    "Number",
    "IndefiniteRange",
    "DefiniteRange",
    "SimpleInterval",
)


class ValueOutOfRange(Rule):
    """A number outside what its field can mean: negative gestational age, VCF position < 1, NaN or infinity.

    What it checks
    --------------
    * ``GestationalAge.weeks`` and ``days`` are not negative (and ``days`` is at most 6);
    * every integer field holds a value its protobuf type can hold (the same test protobuf's JSON parser
      makes): ``VcfRecord.pos`` and the VRS ``Number``/``DefiniteRange``/``IndefiniteRange``/``SimpleInterval``
      values are uint64 (``-5``, ``"-5"`` and ``2^64`` are errors: ``phenotk convert`` and every protobuf reader
      refuse them), ``survivalTimeInDays`` is uint32, gestational weeks/days and radiation ``dosage``/
      ``fractions`` are int32. A value that is no integer at all (``" 12"``, ``1.5``) is ``schema-type``'s;
    * ``VcfRecord.pos`` is at least 1 (VCF positions are 1-based; ``0`` is a warning: VCF allows it only for
      telomeres);
    * ``Quantity.value`` and ``ReferenceRange.low``/``high`` are finite (``"NaN"``, ``"Infinity"`` and
      ``"-Infinity"`` are legal protobuf JSON but no measurement), and ``low`` ≤ ``high``.

    Values of the wrong JSON type are left to ``schema-type``.

    Why
    ---
    Such values pass a shape check but cannot be a real measurement or position: a consumer either refuses
    the file (protobuf) or computes with nonsense (NaN in a cohort mean, a variant at position 0).

    Anti-pattern
    ------------
    ``"vcfRecord": {"genomeAssembly": "GRCh38", "chrom": "chr1", "pos": "-5", "ref": "A", "alt": "G"}``

    Fixed
    -----
    ``"vcfRecord": {"genomeAssembly": "GRCh38", "chrom": "chr1", "pos": "155235252", "ref": "A", "alt": "G"}``
    """

    code = "VAL002"
    name = "value-out-of-range"
    severity = Severity.ERROR
    #: VCF records are reached from their phenopacket (the variant rules' shared list): no node per record
    targets = ("Phenopacket", "Quantity", "ReferenceRange", *_INTEGER_OWNERS)

    def check(self, node: Node, ctx: Context) -> Iterable[Violation]:
        """Findings for the numbers of one node (``()`` when a phenopacket's VCF positions are plain integers)."""
        t = node[1]
        if t == "Phenopacket":
            out: list[Violation] | tuple[()] = ()
            for rec in records(node, ctx):  # the variant rules' shared list
                vcf = rec.vcf
                if vcf is not None:
                    pos = vcf.get("pos")  # one-word field: the snake_case key is the same
                    if type(pos) is int and 0 < pos <= UINT64_MAX:
                        continue  # a JSON number
                    for v in self._pos(vcf):
                        v.path = (*rec.path, str(rec.vcf_key), *v.path)
                        out = [*out, v]
            return out
        if t in _INTEGER_OWNERS:
            return list(self._integers(node))
        return list(self._numbers(node, t))

    def _numbers(self, node: Node, t: str) -> Iterator[Violation]:
        if t == "Quantity":
            yield from self._finite(node, "value")
        else:
            yield from self._finite(node, "low")
            yield from self._finite(node, "high")
            low, high = _number(node.get("low")), _number(node.get("high"))
            if low is not None and high is not None and low > high:
                key = node.key("low") or "low"
                yield self.violation(f"reference range low {low:g} is above high {high:g}", key)

    def _integers(self, node: Node) -> Iterator[Violation]:
        """Integer fields outside their protobuf type; gestational weeks/days that cannot be an age."""
        value = node.value
        gestational = node.type == "GestationalAge"
        for key, bounds in integer_fields()[node.type].items():
            if key not in value:
                continue
            n = protobuf_integer(value[key])
            if n is None:
                continue  # not an integer at all: schema-type
            lo, hi = bounds
            if not lo <= n <= hi:
                yield self.violation(
                    f"{key} {value[key]!r} is outside {range_text(bounds)} ({type_name(bounds)}): "
                    "protobuf readers refuse it",
                    key,
                )
            elif gestational and n < 0:
                yield self.violation(f"gestational age {key} is negative ({n})", key)
            elif gestational and key == "days" and n > 6:
                yield self.violation(f"gestational age days is {n}; days count 0 … 6 beyond whole weeks", key)

    def _pos(self, vcf: dict[str, Any]) -> list[Violation] | tuple[()]:
        key = field_key(vcf, "pos")
        if key is None:
            return ()
        value = vcf[key]
        if type(value) is int and 0 < value <= UINT64_MAX:
            return ()  # a JSON number
        read = protobuf_integer(value)  # the store writes "67236719": protobuf JSON's form of a uint64
        if read is None or 0 < read <= UINT64_MAX:
            return ()  # fine, or not an integer at all (" 12", 1.5, "NaN", an object …): schema-type's
        if read < 0 or read > UINT64_MAX:
            return [
                self.violation(
                    f"VCF pos {value!r} is outside {range_text(UINT64)}: protobuf readers refuse it; give a "
                    "position ≥ 1",
                    key,
                )
            ]
        return [
            self.violation(
                "VCF pos is 0: VCF positions are 1-based (0 only marks a telomere)", key, severity=Severity.WARNING
            )
        ]

    def _finite(self, node: Node, name: str) -> Iterator[Violation]:
        key = node.key(name)
        if key is None:
            return
        value = node.value[key]
        if value in _NON_FINITE or (isinstance(value, float) and not math.isfinite(value)):
            yield self.violation(f"{node.type} {name} is {value}, not a finite number", key)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, int):  # a JSON integer beyond a double (10**400) is no comparable number
        return float(value) if abs(value) <= _MAX_FLOAT_INT else None
    if isinstance(value, str):
        try:
            f = float(value)
        except ValueError:
            return None
        return f if math.isfinite(f) else None
    return None
