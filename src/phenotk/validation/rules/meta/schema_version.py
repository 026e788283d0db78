"""META003 meta-schema-version."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation

#: released Phenopacket schema versions of the v2 line
KNOWN = ("2", "2.0", "2.0.0", "2.0.1", "2.0.2")
_SHAPE = re.compile(r"\d+(\.\d+){0,2}\Z")  # \Z: "$" would pass a final newline


class MetaSchemaVersion(Rule):
    """``metaData.phenopacketSchemaVersion`` is not a released v2 version (``2.0.2``, ``2.0``, ``2``).

    What it checks
    --------------
    The declared version must look like a version number (digits and dots); a major version other than
    2 is an error (v1 documents are refused before this rule, see ``phenotk upgrade``); a well-formed
    v2 version that was never released and is not newer than the installed schema (``2.00``) is a warning;
    a newer one (``2.1``) is ``meta-schema-newer``'s info note. ``v2.0``/``2.0.2 `` get a fix.

    Why
    ---
    Readers choose their parser by this field; a wrong value makes them mis-read or refuse the document.

    Anti-pattern
    ------------
    ``"phenopacketSchemaVersion": "v2.0"``

    Fixed
    -----
    ``"phenopacketSchemaVersion": "2.0"``
    """

    code = "META003"
    name = "meta-schema-version"
    severity = Severity.ERROR
    targets = ("MetaData",)

    def check(self, node: Node, ctx: Context) -> Iterable[Violation]:
        """Check the declared schema version (``()`` for a released one, no generator made)."""
        if node[0].get("phenopacketSchemaVersion") in KNOWN:  # node.value (tuple access: hot path)
            return ()
        return list(self._check(node))

    def _check(self, node: Node) -> Iterator[Violation]:
        key = node.key("phenopacketSchemaVersion")
        if key is None:
            return
        value = node.value[key]
        if not isinstance(value, str) or not value:
            return
        if value in KNOWN:
            return
        candidate = value.strip().lstrip("vV").strip()
        fix = None
        if candidate in KNOWN:
            fix = self.replace("/" + key, candidate, description=f"use {candidate!r}")
        if not _SHAPE.match(value) or not value.startswith("2"):
            hint = f"; did you mean {candidate!r}?" if fix else ""
            yield self.violation(f"phenopacketSchemaVersion {value!r} is not a v2 schema version{hint}", key, fix=fix)
        elif _newer(value):
            return  # meta-schema-newer's note
        else:
            yield self.violation(
                f"phenopacketSchemaVersion {value!r} is not a released version (known: {', '.join(KNOWN[2:])})",
                key,
                severity=Severity.WARNING,
            )


def _newer(value: str) -> bool:
    """A 2.x version above the installed schema (``meta-schema-newer`` notes it instead)."""
    from phenotk.validation.rules.meta.schema_newer import installed_schema, version_tuple

    declared = version_tuple(value)
    return declared is not None and declared > installed_schema()[1]
