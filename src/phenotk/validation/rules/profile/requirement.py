"""PRO001 profile-requirement."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation


class ProfileRequirement(Rule):
    """The document fails a user JSON Schema given with ``--require SCHEMA.json`` (or config ``require``).

    What it checks
    --------------
    Each document is validated against every user schema (JSON Schema draft 2019-09 or 2020-12, chosen
    by its ``$schema``; 2020-12 when absent). Every failure is a finding at the pointer of the failing
    value (for a missing property: where the property should be) with the schema's own message.

    Why
    ---
    Projects have their own minimum dataset (e.g. "every phenopacket has an age at last encounter and at
    least three phenotypic features"); writing it as a JSON Schema makes it checkable in CI.

    Anti-pattern
    ------------
    Schema ``{"required": ["subject"], "properties": {"subject": {"required": ["sex"]}}}`` and a document
    whose subject has no ``sex``.

    Fixed
    -----
    ``"subject": {"id": "P1", "sex": "MALE"}``
    """

    code = "PRO001"
    name = "profile-requirement"
    severity = Severity.ERROR
    default_enabled = False

    def __init__(self) -> None:
        self._validators: list[tuple[str, Any, Callable[[Any], bool] | None]] | None = None

    def _compile(self, ctx: Context) -> list[tuple[str, Any, Callable[[Any], bool] | None]]:
        if self._validators is None:
            from phenotk.validation.userschema import validator_for  # local $refs only, guarded patterns

            out = []
            for label, schema in ctx.options.get("require", ()):
                out.append((label, validator_for(schema), _plain_check(schema)))
            self._validators = out
        return self._validators

    def end_document(self, root: Node, ctx: Context) -> Iterable[Violation]:
        """Validate the whole document against each user schema (``()`` when it passes them all)."""
        out: list[Violation] | tuple[()] = ()
        for label, validator, plain in self._compile(ctx):
            if plain is not None and plain(root[0]):
                continue  # valid for certain, without jsonschema's machinery (root.value: tuple access)
            out = [*out, *self._errors(label, validator, root[0])]
        return out

    def _errors(self, label: str, validator: Any, value: Any) -> Iterator[Violation]:
        for err in sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path)):
            path = list(err.absolute_path)
            if err.validator == "required" and isinstance(err.instance, dict):
                missing = [p for p in err.validator_value if p not in err.instance]
                # jsonschema yields one error per missing property ("'metaData' is a required property"):
                # point at the property this error names, not at the first missing one
                named = [p for p in missing if isinstance(p, str) and err.message.startswith(repr(p))]
                if named or missing:
                    path.append((named or missing)[0])
            msg = err.message if len(err.message) < 200 else err.message[:197] + "…"
            yield self.violation(f"{label}: {msg}", *path)


#: keywords that do not constrain a value
_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "examples", "default"})
#: JSON Schema types whose test is one Python type (number and integer are not: 1.0 is an integer)
_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "null": (type(None),),
}


def _plain_check(schema: Any) -> Callable[[Any], bool] | None:
    """A test that is True only for documents the schema accepts, for schemas of ``type``/``required``/``properties``.

    Most requirement files say "these fields must be there" (``{"type": "object", "required": [...]}`` with
    nested ``properties``): for them a document is decided by a few dict look-ups, and jsonschema runs only
    when the test fails, to word the findings. None for any other keyword (``$ref``, ``items``, ``pattern``,
    ``minItems`` …): jsonschema then decides every document.
    """
    if schema is True:
        return lambda value: True
    if not isinstance(schema, dict) or not set(schema) <= _ANNOTATIONS | {"type", "required", "properties"}:
        return None
    types: tuple[type, ...] | None = None
    if "type" in schema:
        named = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not named or not all(isinstance(t, str) and t in _TYPES for t in named):
            return None
        types = tuple(t for n in named for t in _TYPES[n])
    required = schema.get("required", [])
    if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
        return None
    props: dict[str, Callable[[Any], bool]] = {}
    raw = schema.get("properties", {})
    if not isinstance(raw, dict):
        return None
    for name, sub in raw.items():
        check = _plain_check(sub)
        if check is None:
            return None
        props[name] = check
    need = tuple(required)
    subs = tuple(props.items())

    def plain(value: Any) -> bool:
        if types is not None and (not isinstance(value, types) or (bool not in types and isinstance(value, bool))):
            return False
        if isinstance(value, dict):
            for name in need:
                if name not in value:
                    return False
            for name, check in subs:
                if name in value and not check(value[name]):
                    return False
        return True

    return plain
