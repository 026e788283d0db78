"""The strict v1 parse with findings: a JSON/YAML tree checked field by field against the v1 descriptors.

Unknown fields and values of the wrong type become findings and are left out; the cleaned tree then parses
strictly into ``phenopackets.schema.v1`` messages. :attr:`Cleaner.pointers` maps each normalised pointer (json
names) back to the pointer as written, so later findings point into the input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from phenopackets.schema.v1 import interpretation_pb2 as v1i
from phenopackets.schema.v1 import phenopackets_pb2 as v1p

from phenotk.io.sourcemap import join
from phenotk.issue import Issue, Severity

from . import findings as F

#: Field names used by v1 release candidates and pre-1.0 writers → the v1 1.0 field name.
_ALIASES: dict[tuple[str, str], str] = {
    ("org.phenopackets.schema.v1.core.Disease", "tumorStage"): "disease_stage",
    ("org.phenopackets.schema.v1.core.Disease", "tumor_stage"): "disease_stage",
    ("org.phenopackets.schema.v1.core.Variant", "genotype"): "zygosity",
}


@dataclass
class Cleaner:
    """Walks a tree against a v1 descriptor, keeping only what the descriptor allows (json names)."""

    issues: list[Issue] = field(default_factory=list)
    #: normalised pointer (json names) → pointer as written in the input
    pointers: dict[str, str] = field(default_factory=dict)

    def message(self, tree: dict[str, Any], desc: Descriptor, norm: str, orig: str) -> Any:
        """The cleaned JSON object for ``tree`` as a ``desc`` message (json names; unknown keys reported).

        :data:`DROP` when its ``negated`` flag is unreadable: whether the feature was observed is unknown.
        """
        self.pointers[norm] = orig
        by_name = {**{f.name: f for f in desc.fields}, **{f.json_name: f for f in desc.fields}}
        out: dict[str, Any] = {}
        chosen: dict[str, str] = {}  # a field's json name, or "oneof:" + a oneof's name → the key that set it
        for key, value in tree.items():
            fd = by_name.get(key)
            optr = join(orig, key)
            if fd is None:
                alias = _ALIASES.get((desc.full_name, key))
                if alias is not None:
                    fd = desc.fields_by_name[alias]
                    self.issues.append(
                        F.LEGACY_FIELD_NAME(f"'{key}' (a pre-release name) read as '{fd.json_name}'", pointer=optr)
                    )
                else:
                    empty = value in (None, "", [], {})
                    self.issues.append(
                        F.UNKNOWN_FIELD(
                            f"'{key}' is not a field of v1 {desc.name}; dropped" + (" (it was empty)" if empty else ""),
                            severity=Severity.INFO if empty else Severity.WARNING,
                            pointer=optr,
                            value=value,
                        )
                    )
                    continue
            if value is None:
                continue
            group = f"oneof:{fd.containing_oneof.name}" if fd.containing_oneof is not None else None
            first = chosen.get(fd.json_name) or (chosen.get(group) if group else None)
            if first is not None:
                self._second_choice(key, first, fd, optr, value)
                continue
            nptr = join(norm, fd.json_name)
            cleaned = self.value(value, fd, nptr, optr)
            if cleaned is DROP and fd.json_name in _PRESENCE:
                self.issues[-1].context["feature"] = tree  # presence unknown: the whole item is left out
                return DROP
            if cleaned is not DROP:
                out[fd.json_name] = cleaned
                chosen[fd.json_name] = key
                if group:
                    chosen[group] = key
        return out

    def _second_choice(self, key: str, first: str, fd: FieldDescriptor, orig: str, value: Any) -> None:
        """Report a value for a field (or a oneof) that an earlier key of the same object already set; dropped.

        The strict parser rejects the whole document for it (``should not have multiple "onset" oneof fields``).
        """
        if fd.containing_oneof is not None and first not in (fd.name, fd.json_name):
            why = f"'{key}' and '{first}' are two choices of the one v1 field '{fd.containing_oneof.name}'"
        else:
            why = f"'{key}' sets '{fd.json_name}' again (first set as '{first}')"
        self.issues.append(
            F.INVALID_VALUE(f"{why}; kept '{first}' (the first), dropped '{key}'", pointer=orig, value=value)
        )

    def value(self, value: Any, fd: FieldDescriptor, norm: str, orig: str) -> Any:
        """The cleaned value of field ``fd`` (a map, a list or one value); :data:`DROP` when it is bad."""
        self.pointers[norm] = orig
        mt = fd.message_type
        if mt is not None and mt.GetOptions().map_entry:
            if not isinstance(value, dict):
                return self.bad(value, fd, orig, "an object")
            return {str(k): str(v) for k, v in value.items() if v is not None}
        if fd.is_repeated:
            if not isinstance(value, list):
                return self.bad(value, fd, orig, "a list")
            items = []
            for i, item in enumerate(value):
                cleaned = self.single(item, fd, join(norm, i), join(orig, i))
                if cleaned is not DROP:
                    items.append(cleaned)
            return items
        return self.single(value, fd, norm, orig)

    def single(self, value: Any, fd: FieldDescriptor, norm: str, orig: str) -> Any:
        """One cleaned (non-repeated) value of ``fd``: a message, a timestamp, an enum or a scalar."""
        self.pointers[norm] = orig
        mt = fd.message_type
        if mt is not None:
            if mt.full_name == "google.protobuf.Timestamp":
                return self.timestamp(value, fd, orig)
            if not isinstance(value, dict):
                return self.bad(value, fd, orig, "an object")
            return self.message(value, mt, norm, orig)
        if fd.enum_type is not None:
            names = {v.name for v in fd.enum_type.values}
            if isinstance(value, str) and value in names:
                return value
            if isinstance(value, int) and not isinstance(value, bool) and fd.enum_type.values_by_number.get(value):
                return value
            folded = value.strip().upper().replace(" ", "_") if isinstance(value, str) else None
            if folded in names:  # "male", "Affected": the enum name in another case
                self.issues.append(
                    F.INVALID_VALUE(
                        f"'{fd.json_name}' is {value!r}, not an enum name; read as {folded}",
                        severity=Severity.INFO,
                        pointer=orig,
                        value=value,
                    )
                )
                return folded
            return self.bad(value, fd, orig, "one of " + ", ".join(sorted(names)))
        return self.scalar(value, fd, orig)

    def timestamp(self, value: Any, fd: FieldDescriptor, orig: str) -> Any:
        """An RFC 3339 timestamp string, checked."""
        if not isinstance(value, str):
            return self.bad(value, fd, orig, "an RFC 3339 timestamp string")
        try:
            Timestamp().FromJsonString(value)
        except ValueError:
            return self.bad(value, fd, orig, "an RFC 3339 timestamp such as 2019-11-12T13:47:51Z")
        return value

    def scalar(self, value: Any, fd: FieldDescriptor, orig: str) -> Any:
        """Strings, booleans and integers; numbers become strings, "true"/"false" and digit strings are read."""
        if fd.type == FieldDescriptor.TYPE_STRING:
            if isinstance(value, str):
                return value
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return str(value)
            return self.bad(value, fd, orig, "a string")
        if fd.type == FieldDescriptor.TYPE_BOOL:
            if isinstance(value, bool):
                return value
            word = value.strip().lower() if isinstance(value, str) else None
            if word in _BOOLEAN_WORDS:
                read = str(_BOOLEAN_WORDS[word]).lower()
                self.issues.append(
                    F.INVALID_VALUE(
                        f"'{fd.json_name}' is the string {value!r}; read as the boolean {read}",
                        severity=Severity.INFO,
                        pointer=orig,
                    )
                )
                return _BOOLEAN_WORDS[word]
            return self.bad(value, fd, orig, "true or false")
        if fd.cpp_type in (FieldDescriptor.CPPTYPE_INT32, FieldDescriptor.CPPTYPE_INT64):
            bits = 31 if fd.cpp_type == FieldDescriptor.CPPTYPE_INT32 else 63
            number: int | None = None
            if isinstance(value, int) and not isinstance(value, bool):
                number = value
            elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
                number = int(value)
            if number is None:
                return self.bad(value, fd, orig, "an integer")
            if not -(2**bits) <= number < 2**bits:  # the strict parser would reject the whole document
                return self.bad(value, fd, orig, f"an integer of at most {bits + 1} bits")
            return number
        return value

    def bad(self, value: Any, fd: FieldDescriptor, orig: str, expected: str) -> Any:
        """Report a value of the wrong type for ``fd`` and drop it."""
        shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
        # without its negation flag a feature would read as observed, perhaps the opposite of what was meant
        then = ""
        if fd.json_name in _PRESENCE:
            then = ", and its feature left out (observed or excluded is unknown; the feature is kept in this finding)"
        self.issues.append(
            F.INVALID_VALUE(
                f"'{fd.json_name}' should be {expected}, found {shown[:80]}; dropped{then}", pointer=orig, value=value
            )
        )
        return DROP


#: What a bad value cleans to (left out of the tree).
DROP = object()
#: Flags that say whether an item was observed: when unreadable, the item is left out (not read as observed).
_PRESENCE = ("negated", "excluded")
#: Boolean words read (with an info finding) where v1 has a boolean.
_BOOLEAN_WORDS = {"true": True, "false": False, "yes": True, "no": False}


def v1_class(tree: dict[str, Any]) -> type[Message]:
    """The v1 message class a tree is (Interpretation wrapper, Cohort, Family or Phenopacket)."""
    if isinstance(tree.get("phenopacket"), dict) or isinstance(tree.get("family"), dict) or "diagnosis" in tree:
        return v1i.Interpretation
    if "members" in tree:
        return v1p.Cohort
    if "proband" in tree or "relatives" in tree or "pedigree" in tree:
        return v1p.Family
    return v1p.Phenopacket
