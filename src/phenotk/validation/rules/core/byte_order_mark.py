"""IO002 input-byte-order-mark."""

from __future__ import annotations

from collections.abc import Iterable

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation


class InputByteOrderMark(Rule):
    """The file starts with a UTF-8 byte order mark (BOM); phenotk read it without the mark.

    What it checks
    --------------
    A JSON, JSON Lines or YAML input whose first bytes are ``EF BB BF`` (what Windows Notepad and Excel's
    "CSV UTF-8" export write). RFC 8259 lets a JSON reader ignore the mark and YAML allows it, so phenotk reads
    the document as if it were not there: lines and columns of every finding are those of the text after the
    mark, and this info finding (at the document's first value, line 1 column 1 of a plain file) says so once
    per file. ``phenotk fix`` keeps the mark.

    Why
    ---
    Many JSON readers refuse the mark: Python's ``json.loads`` of the bytes decoded as UTF-8, ``jq``, the
    reference validator's Jackson in its default setting, and protobuf's ``JsonFormat`` in some versions
    fail with "unexpected character" at line 1 column 1 — a file phenotk accepts may be refused downstream.

    Anti-pattern
    ------------
    The bytes ``EF BB BF`` followed by ``{"id": "P1", …}``.

    Fixed
    -----
    ``{"id": "P1", …}`` saved as "UTF-8" (not "UTF-8 with BOM").
    """

    code = "IO002"
    name = "input-byte-order-mark"
    severity = Severity.INFO
    targets = ()

    def end_document(self, root: Node, ctx: Context) -> Iterable[Violation]:
        """One finding for the first document of a file that started with a byte order mark (else ``()``)."""
        doc = ctx.document
        if doc is None or not doc.bom:
            return ()
        return [
            self.violation(
                "the file starts with a UTF-8 byte order mark (BOM), ignored here; many JSON readers refuse it: "
                "save the file as UTF-8 without BOM"
            )
        ]
