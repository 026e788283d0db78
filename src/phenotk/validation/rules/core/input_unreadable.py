"""IO001 input-unreadable."""

from __future__ import annotations

from typing import TYPE_CHECKING

from phenotk.issue import Severity
from phenotk.validation.hooks import UnreadableHook
from phenotk.validation.rule import Violation

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.errors import InputError


class InputUnreadable(UnreadableHook):
    """An input could not be read as a Phenopacket v2 document.

    What it checks
    --------------
    Every input yields a document: a file that is missing, empty, not UTF-8, not valid JSON/YAML or
    protobuf, an empty JSON array or an array item that is not an object, or a Phenopacket v1 document gets
    one finding of this rule (with the line and column the parser stopped at) instead of silently dropping
    out of the run. The command exits 2. A top-level JSON array of phenopackets (what Convert-Pheno writes)
    is read: each item is a document of the file, its findings point at ``/N/…`` in it. A folder that cannot
    be listed is an error too (its files were not read); a symbolic link to a folder met in a walk is not
    entered and is a *warning* of this rule (name the folder itself to check it).

    Why
    ---
    A CI job that validates a folder must not report success when one file could not even be parsed.

    Anti-pattern
    ------------
    ``{"id": "P1", "subject": {"id": "I1",}}`` (trailing comma), or a v1 phenopacket with ``negated``.

    Fixed
    -----
    ``{"id": "P1", "subject": {"id": "I1"}}``; v1 documents (declaring ``phenopacketSchemaVersion`` 1.x, or with
    v1-only fields such as ``negated``, ``genes``, ``variants``): ``phenotk upgrade old.json -o new.json`` or
    ``phenotk convert --from v1 old.json -o new.json``.
    """

    code = "IO001"
    name = "input-unreadable"
    severity = Severity.ERROR

    def unreadable(self, err: InputError) -> Violation:
        """The reader's message (v1 documents: how to convert them); the engine places it at the error's line."""
        msg = err.message
        if err.kind == "v1":
            if "upgrade" not in msg:
                msg += "; convert it with `phenotk upgrade`"
            if "--from v1" not in msg:
                msg = msg.replace("`phenotk upgrade`", "`phenotk upgrade` (or `phenotk convert --from v1 FILE -o OUT`)")
        if err.kind == "link":  # a symlinked folder a walk did not enter: said, but no error (nothing is wrong)
            return Violation(msg, severity=Severity.WARNING, context={"kind": err.kind})
        return Violation(msg, context={"kind": err.kind})
