"""PRO001 profile-requirement."""

from __future__ import annotations

from collections.abc import Iterator
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
        self._validators: list[tuple[str, Any]] | None = None

    def _compile(self, ctx: Context) -> list[tuple[str, Any]]:
        if self._validators is None:
            from phenotk.validation.userschema import validator_for  # local $refs only, guarded patterns

            out = []
            for label, schema in ctx.options.get("require", ()):
                out.append((label, validator_for(schema)))
            self._validators = out
        return self._validators

    def end_document(self, root: Node, ctx: Context) -> Iterator[Violation]:
        """Validate the whole document against each user schema."""
        for label, validator in self._compile(ctx):
            for err in sorted(validator.iter_errors(root.value), key=lambda e: list(e.absolute_path)):
                path = list(err.absolute_path)
                if err.validator == "required" and isinstance(err.instance, dict):
                    missing = [p for p in err.validator_value if p not in err.instance]
                    if missing:
                        path.append(missing[0])
                msg = err.message if len(err.message) < 200 else err.message[:197] + "…"
                yield self.violation(f"{label}: {msg}", *path)
