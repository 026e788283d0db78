"""SCH005 schema-oneof."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from phenotk.issue import Severity
from phenotk.validation import schema as S
from phenotk.validation.hooks import OneofHook
from phenotk.validation.rule import Context, Node, Violation

_ONEOFS = {name: spec.oneofs for name, spec in S.message_specs().items() if spec.oneofs}

#: type → every key (JSON and proto name) of every member of its oneof groups: a message with fewer than two
#: of these keys cannot set two members of a group (a cheap C-level test before the per-group scan)
_MEMBER_KEYS: dict[str, frozenset[str]] = {
    name: frozenset(k for members in groups.values() for fs in members for k in (fs.json_name, fs.name))
    for name, groups in _ONEOFS.items()
}


class SchemaOneof(OneofHook):
    """More than one member of a ``oneof`` group is set (e.g. a TimeElement with both age and timestamp).

    What it checks
    --------------
    Protobuf ``oneof`` groups (``TimeElement.element``, ``Value.value``, ``MedicalAction.action``,
    ``GenomicInterpretation.call``, VRS location/state choices …) hold at most one member. Every extra
    member is reported at its own pointer.

    Why
    ---
    A protobuf parser rejects the document, or keeps whichever member it read last: the other value is
    silently lost.

    Anti-pattern
    ------------
    ``"onset": {"age": {"iso8601duration": "P2Y"}, "ontologyClass": {"id": "HP:0011463", "label": "Childhood onset"}}``

    Fixed
    -----
    ``"onset": {"age": {"iso8601duration": "P2Y"}}`` (one of the two)
    """

    code = "SCH005"
    name = "schema-oneof"
    severity = Severity.ERROR
    targets = tuple(_ONEOFS)

    def member_keys(self, type_name: str) -> frozenset[str]:
        """Every key of every member of ``type_name``'s oneof groups (the walk's pre-test)."""
        return _MEMBER_KEYS.get(type_name, frozenset())

    def check(self, node: Node, ctx: Context) -> list[Violation] | tuple[()]:
        """Report every member after the first of each oneof group."""
        value = node[0]  # node.value (tuple access: hot path)
        if len(value) < 2 or len(_MEMBER_KEYS[node[1]].intersection(value)) < 2:
            return ()  # one member key cannot break a oneof (not a generator: this runs for every TimeElement)
        return list(self._extra_members(node, value))

    def _extra_members(self, node: Node, value: dict[str, Any]) -> Iterator[Violation]:
        for group, members in _ONEOFS[node.type].items():
            present = [k for fs in members for k in (fs.json_name, fs.name) if value.get(k) is not None]
            present = list(dict.fromkeys(present))
            if len(present) > 1:
                for extra in present[1:]:
                    yield self.violation(
                        f"{node.type} sets both {present[0]!r} and {extra!r}; only one of {group!r} may be set",
                        extra,
                    )
