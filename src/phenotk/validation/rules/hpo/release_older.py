"""HPO011 hpo-release-older."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from phenotk.issue import Severity
from phenotk.ontology.view import OntologyView
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.hpo._common import document_newer_than, loaded_hpo, release_date, release_of


def _hp_version_pointer(data: dict[str, Any]) -> str:
    """Pointer to the version of the document's HP resource (or to the nearest enclosing part that exists)."""
    for meta_key in ("metaData", "meta_data"):
        meta = data.get(meta_key)
        if not isinstance(meta, dict):
            continue
        resources = meta.get("resources")
        if not isinstance(resources, list):
            return "/" + meta_key
        for k, r in enumerate(resources):
            if isinstance(r, dict) and (r.get("namespacePrefix", r.get("namespace_prefix")) == "HP"):
                return f"/{meta_key}/resources/{k}/version"
        return f"/{meta_key}/resources"
    return "/"


class ReleaseOlder(Rule):
    """The document was curated with a newer HPO release than the one phenotk validates with.

    What it checks
    --------------
    Once per document: the HP entry of ``metaData.resources`` (any element of a family or cohort)
    names a release date later than the loaded HPO. The finding (**info**) says which release the
    checks used, so ids the loaded release lacks (``hpo-unknown-term`` then says *newer than this
    release*), renamed labels and moved terms are read in that light.

    Why
    ---
    Every HPO finding depends on the release; a report must say when it judged a document against an
    older ontology than its curators used.

    Anti-pattern
    ------------
    ``{"id": "hp", "version": "2026-06-06", "namespacePrefix": "HP"}`` validated with ``--hpo`` 2025-05-06.

    Fixed
    -----
    ``phenotk validate --hpo hp-2026-06-06.json …`` (or accept the info).
    """

    code = "HPO011"
    name = "hpo-release-older"
    severity = Severity.INFO
    targets = ()
    requires_hpo = True

    def __init__(self) -> None:
        self._index: OntologyView | None = None
        self._messages: dict[str, str] = {}  # cited release → message, for ``self._index``

    def end_document(self, root: Node, ctx: Context) -> Iterable[Violation]:
        """One info finding when the document cites a newer HPO."""
        # a tuple, not a generator: this runs for every document and finds something in almost all of them
        idx = loaded_hpo(ctx)
        cited = document_newer_than(ctx, idx)
        if cited is None:
            return ()
        if idx is not self._index:  # the messages name the loaded release: one table per index
            self._index, self._messages = idx, {}
        msg = self._messages.get(cited)
        if msg is None:  # one text per cited release (it is the same in most documents of a run)
            loaded = release_date(getattr(idx, "version", None)) or release_of(idx)
            msg = self._messages[cited] = (
                f"metaData names HPO {cited}, newer than the loaded HPO {loaded}: HPO checks use {loaded} "
                "(load a newer release with --hpo to check against the curators' release)"
            )
        # reported at the document root: a pointer into metaData (at the end of most files) would make
        # locating this one finding scan every document in full
        return (Violation(msg, context={"resource": _hp_version_pointer(root[0])}),)  # root[0]: root.value
