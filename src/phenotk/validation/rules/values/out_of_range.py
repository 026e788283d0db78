"""VAL002 value-out-of-range."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation, field_key
from phenotk.validation.rules.variant._common import descriptors

UINT64_MAX = 2**64 - 1
_NON_FINITE = ("NaN", "Infinity", "-Infinity")


def protobuf_uint64(value: Any) -> int | str:
    """The integer protobuf's JSON parser reads from ``value`` for a uint64 field, or the reason it refuses it.

    Mirrors ``google.protobuf.json_format``: JSON integers, integral floats and numeric strings (``"12"``,
    ``"+12"``, ``"1e3"``) are read; blanks around a string, fractions, booleans and values outside
    0 … 2^64-1 are refused.
    """
    if isinstance(value, bool):
        return "a boolean is not an integer"
    if isinstance(value, str):
        if value != value.strip() or not value:
            return f"{value!r} has blanks around it"
        try:
            number: Any = int(value)
        except ValueError:
            try:
                number = float(value)
            except ValueError:
                return f"{value!r} is not an integer"
    else:
        number = value
    if isinstance(number, float):
        if not math.isfinite(number) or number != int(number):
            return f"{value!r} is not an integer"
        number = int(number)
    if not isinstance(number, int):
        return f"{value!r} is not an integer"
    if number < 0 or number > UINT64_MAX:
        return f"{value!r} is outside 0 … 2^64-1"
    return number


def _int_value(value: Any) -> int | None:
    """An int32 field's value as an integer (JSON number or numeric string), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


class ValueOutOfRange(Rule):
    """A number outside what its field can mean: negative gestational age, VCF position < 1, NaN or infinity.

    What it checks
    --------------
    * ``GestationalAge.weeks`` and ``days`` are not negative (and ``days`` is at most 6);
    * ``VcfRecord.pos``, written as a JSON number or a string, is what protobuf reads as a uint64 — an
      error for ``-5``, ``"-5"``, ``2^64``, ``" 12"`` or ``1.5`` (``phenotk convert`` and every protobuf reader
      refuse them) — and at least 1 (VCF positions are 1-based; ``0`` is a warning: VCF allows it only for
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
    targets = ("GestationalAge", "Phenopacket", "Quantity", "ReferenceRange")

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        """Findings for the numbers of one node."""
        t = node.type
        if t == "GestationalAge":
            yield from self._gestational(node)
        elif t == "Phenopacket":
            for path, vd in descriptors(node, ctx):
                vk = field_key(vd, "vcfRecord")
                vcf = vd.get(vk) if vk else None
                if isinstance(vcf, dict):
                    for v in self._pos(vcf):
                        v.path = (*path, str(vk), *v.path)
                        yield v
        elif t == "Quantity":
            yield from self._finite(node, "value")
        else:
            yield from self._finite(node, "low")
            yield from self._finite(node, "high")
            low, high = _number(node.get("low")), _number(node.get("high"))
            if low is not None and high is not None and low > high:
                key = node.key("low") or "low"
                yield self.violation(f"reference range low {low:g} is above high {high:g}", key)

    def _gestational(self, node: Node) -> Iterator[Violation]:
        for name in ("weeks", "days"):
            key = node.key(name)
            n = _int_value(node.value.get(key)) if key else None
            if n is not None and n < 0:
                yield self.violation(f"gestational age {name} is negative ({n})", key)  # type: ignore[arg-type]
            elif name == "days" and n is not None and n > 6:
                yield self.violation(f"gestational age days is {n}; days count 0 … 6 beyond whole weeks", key)  # type: ignore[arg-type]

    def _pos(self, vcf: dict[str, Any]) -> Iterator[Violation]:
        key = field_key(vcf, "pos")
        if key is None:
            return
        value = vcf[key]
        if type(value) is int and 0 < value <= UINT64_MAX:
            return  # the common case
        if value is None or isinstance(value, (dict, list)):
            return  # schema-type
        read = protobuf_uint64(value)
        if isinstance(read, str):
            yield self.violation(f"VCF pos {read}: protobuf readers refuse it; give a position ≥ 1", key)
        elif read == 0:
            yield self.violation(
                "VCF pos is 0: VCF positions are 1-based (0 only marks a telomere)", key, severity=Severity.WARNING
            )

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
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            f = float(value)
        except ValueError:
            return None
        return f if math.isfinite(f) else None
    return None
