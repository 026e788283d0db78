"""SCH001 schema-unknown-field: the engine's walk calls :meth:`SchemaUnknownField.unknown_field` per unknown key."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from phenotk.errors import InputError
from phenotk.io import Format
from phenotk.io.sourcemap import escape
from phenotk.issue import Fix, PatchOp, Severity
from phenotk.validation import schema as S
from phenotk.validation.hooks import UnknownFieldHook
from phenotk.validation.rule import Context, Node, Violation

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.io import Document

#: v1 (and common misspelt) field names → v2 field to suggest
_RENAMED = {
    "negated": "excluded",
    "classOfOnset": "onset",
    "class_of_onset": "onset",
    "ageOfOnset": "onset",
    "ageAtOnset": "onset",
    "ageOfLastEncounter": "timeAtLastEncounter",
    "ageAtLastEncounter": "timeAtLastEncounter",
    "age_at_last_encounter": "timeAtLastEncounter",
    "ageAtCollection": "timeOfCollection",
    "hpoTerms": "phenotypicFeatures",
    "phenotypes": "phenotypicFeatures",
    "features": "phenotypicFeatures",
    "disease": "diseases",
    "iso8601Duration": "iso8601duration",
    "iso8601_duration": "iso8601duration",
    "schemaVersion": "phenopacketSchemaVersion",
}

#: fields of the messages that hold an OntologyClass term (PhenotypicFeature.type, Disease.term), written inside
#: the term by mistake: key → the holders that have it
_HOLDER_FIELDS = {
    "excluded": "PhenotypicFeature or Disease",
    "onset": "PhenotypicFeature or Disease",
    "resolution": "PhenotypicFeature or Disease",
    "modifiers": "PhenotypicFeature",
    "severity": "PhenotypicFeature",
    "evidence": "PhenotypicFeature",
    "description": "PhenotypicFeature",
    "diseaseStage": "Disease",
    "disease_stage": "Disease",
    "primarySite": "Disease",
    "primary_site": "Disease",
    "laterality": "Disease",
}

#: pointer endings of v1 feature keys: a document with one of them as an unknown field may be v1 after all
_V1_KEYS = ("/negated", "/classOfOnset", "/class_of_onset")


class SchemaUnknownField(UnknownFieldHook):
    """A key that is not a field of the message it appears in (with a "did you mean" suggestion).

    What it checks
    --------------
    Every object key is compared with the protobuf fields of its message type; both the camelCase JSON
    name and the snake_case proto name are accepted. An unknown key gets the closest field name as a
    suggestion (case and ``_`` differences, known v1 names such as ``negated`` → ``excluded``, spelling);
    the fix renames the key (safe when only case or underscores differ).

    Why
    ---
    Protobuf parsers either reject the whole document or silently drop the unknown field; either way the
    data the curator typed is lost.

    Protobuf binary input (``.pb``) cannot hold an unknown key, but it can hold field numbers this schema does
    not know (written by a newer Phenopacket schema). protobuf keeps them; nothing here can check them, and a
    JSON/YAML conversion leaves them out: one warning at the document names them.

    Anti-pattern
    ------------
    ``{"type": {"id": "HP:0001250", "label": "Seizure"}, "exluded": true}``

    Fixed
    -----
    ``{"type": {"id": "HP:0001250", "label": "Seizure"}, "excluded": true}``
    """

    code = "SCH001"
    name = "schema-unknown-field"
    severity = Severity.ERROR

    def unknown_field(self, spec: S.MessageSpec, key: str, value: dict[str, Any]) -> Violation:
        """``key`` of a ``spec`` message: the finding with the closest field name and a rename fix."""
        names = spec.key_names()
        target = _suggest(key, names)
        where = spec.name
        if target is None:
            holder = _HOLDER_FIELDS.get(key) if where == "OntologyClass" else None
            if holder is not None:  # pyphetools' {"type": {"id": …, "label": …, "excluded": true}}
                return Violation(
                    f"unknown field {key!r} in OntologyClass: it is a field of the {holder} that holds this term"
                    " — move it up one level, beside the term",
                    (key,),
                )
            shown = ", ".join(names[:12]) + (", …" if len(names) > 12 else "")
            return Violation(f"unknown field {key!r} in {where} (known fields: {shown})", (key,))
        fix = None
        # no rename that would only trade this finding for another: the value must have the JSON shape of the
        # suggested field (gpsea's bare GenomicInterpretation files: "interpretationStatus": "CAUSATIVE" at the
        # top level is close to Phenopacket.interpretations, a list)
        if target not in value and S.snake_of(target) not in value and _fits(spec.by_json[target], value.get(key)):
            fix = Fix(
                (PatchOp("move", "/" + escape(target), from_="/" + escape(key)),),
                safe=_norm(key) == _norm(target),
                description=f"rename {key!r} to {target!r}",
            )
        return Violation(f"unknown field {key!r} in {where}; did you mean {target!r}?", (key,), fix)

    def end_document(self, root: Node, ctx: Context) -> Any:
        """Protobuf binary input: the field numbers this schema does not know (``()`` for every other input)."""
        doc = ctx.document
        if doc is None or doc.format is not Format.PB or doc.message is None:
            return ()
        from phenotk.io.leftout import pb_unknown

        unknown = pb_unknown(doc.message)
        if unknown is None:
            return ()
        return (
            Violation(
                f"the protobuf data holds {unknown} that this Phenopacket schema does not know (a newer schema's?): "
                "protobuf keeps them, but nothing can check them and a JSON/YAML conversion leaves them out",
                severity=Severity.WARNING,
            ),
        )

    def misread(self, doc: Document, pointers: Sequence[str]) -> InputError | None:
        """A v1 feature key among the unknown fields: the read error when the document is v1 after all."""
        if not any(p.endswith(_V1_KEYS) for p in pointers):
            return None
        from phenotk.io.sniff import element_of

        try:
            element_of(doc.data, doc.path)
        except InputError as exc:
            return exc
        return None


def _fits(fs: S.FieldSpec, v: Any) -> bool:
    """True when ``v`` has the JSON shape protobuf takes for field ``fs`` (its content is not checked)."""
    if v is None:
        return True
    if fs.repeated:
        return isinstance(v, list)
    kind = fs.kind
    if kind in (S.MESSAGE, S.MAP):
        return isinstance(v, dict)
    if kind == S.BOOL:
        return isinstance(v, bool)
    if kind in (S.INT, S.FLOAT, S.ENUM):  # numbers and enum names/numbers; 64-bit integers as strings too
        return isinstance(v, (int, float, str)) and not isinstance(v, bool)
    return isinstance(v, str)  # string, bytes (base64), timestamp


def _norm(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


def _suggest(key: str, names: list[str]) -> str | None:
    norm = _norm(key)
    for n in names:
        if _norm(n) == norm:
            return n
    renamed = _RENAMED.get(key)
    if renamed is not None and renamed in names:
        return renamed
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.75)
    if close:
        return close[0]
    lowered = {n.lower(): n for n in names}
    close = difflib.get_close_matches(key.lower(), list(lowered), n=1, cutoff=0.75)
    return lowered[close[0]] if close else None
