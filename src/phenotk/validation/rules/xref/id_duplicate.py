"""XREF004 id-duplicate."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from phenotk.issue import Severity
from phenotk.validation.hooks import LocateFn, RunFinding, RunHook, RunReducer, reduce_all
from phenotk.validation.rule import Context, Node, Violation
from phenotk.validation.rules.xref.unknown_subject import _items

#: (element, list field) whose items' ``id`` must be unique within the document
_LISTS = {
    "Phenopacket": ("biosamples", "interpretations"),
    "Cohort": ("members",),
    "Family": ("relatives",),
}


if TYPE_CHECKING:  # pragma: no cover
    from phenotk.io import Document


class IdDuplicate(RunHook):
    """The same id twice: one phenopacket id in two documents of a run, or repeated ids inside one.

    What it checks
    --------------
    Across the run: the top-level ``id`` of every document (phenopacket, family, cohort) is unique;
    the second and later documents with an id are reported, naming the first one (works with
    ``--jobs``: ids are compared after the results are merged). Inside a document: biosample and
    interpretation ids of a phenopacket, member ids of a cohort and relative ids of a family are unique.

    Why
    ---
    Registries and pipelines key phenopackets by id; a duplicate overwrites or double-counts a patient.

    Anti-pattern
    ------------
    ``PMID_1_P1.json`` and ``PMID_1_P1_copy.json`` both with ``"id": "PMID_1_P1"``.

    Fixed
    -----
    Give each document its own id (``PMID_1_P2``) or remove the duplicate file.
    """

    code = "XREF004"
    name = "id-duplicate"
    severity = Severity.ERROR
    targets = tuple(_LISTS)

    def check(self, node: Node, ctx: Context) -> list[Violation] | tuple[()]:
        """Report repeated ids inside one element (``()`` without a list of two or more items)."""
        value = node[0]  # node.value (tuple access: hot path)
        out: list[Violation] | tuple[()] = ()
        for field in _LISTS[node[1]]:
            items = value.get(field)  # one-word fields: the snake_case key is the same
            if type(items) is not list or len(items) < 2:
                continue  # one item cannot repeat an id
            seen: dict[Any, int] = {}
            for key, i, item in _items(value, field):
                ident = item.get("id")
                if not isinstance(ident, str) or not ident:
                    continue
                if ident in seen:
                    found = self.violation(
                        f"{field} id {ident!r} is used twice (first at {field}/{seen[ident]})", key, i, "id"
                    )
                    out = [*out, found]
                else:
                    seen[ident] = i
        return out

    def remember(self, doc: Document, root: Node, ctx: Context, locate: LocateFn) -> Hashable | None:
        """The document's top-level id with its line and column, and where it sits in its file (None: no id)."""
        ident = doc.id
        if not ident:
            return None
        return (ident, *locate("/id"), doc.pointer_prefix)

    def end_run(self, notes: Sequence[tuple[str, Any]]) -> Iterable[RunFinding]:
        """Every document whose id an earlier document of the run already has, naming the first one.

        An item of a top-level JSON array is named by its file and pointer (``a.json#/0``), and its finding
        points into the file (``/N/id``).
        """
        return reduce_all(self.reducer(), notes)

    def reducer(self) -> _FirstOfEachId:
        """The check note by note: the first document of each id is remembered, every later one reported."""
        return _FirstOfEachId()


class _FirstOfEachId(RunReducer):
    __slots__ = ("first", "found")

    def __init__(self) -> None:
        self.first: dict[str, str] = {}
        self.found: list[RunFinding] = []

    def add(self, index: int, path: str, note: Any) -> None:
        ident, line, column, *rest = note
        prefix = rest[0] if rest else ""
        first = self.first
        if ident not in first:
            first[ident] = f"{path}#{prefix}" if prefix else path
            return
        where = (*prefix.split("/")[1:], "id")
        self.found.append(RunFinding(index, Violation(duplicate_message(ident, first[ident]), where), line, column))

    def finish(self) -> list[RunFinding]:
        return self.found


def duplicate_message(ident: str, first_path: str) -> str:
    """Message of the run-level finding."""
    return f"id {ident!r} is also the id of {first_path}"
