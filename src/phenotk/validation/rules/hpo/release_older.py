"""HPO011 hpo-release-older."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from itertools import repeat
from typing import TYPE_CHECKING, Any

from phenotk.issue import Severity
from phenotk.validation.hooks import LocateFn, RunFinding, RunHook, RunReducer, reduce_all
from phenotk.validation.rule import Context, Node, Violation
from phenotk.validation.rules.hpo._common import document_newer_than, loaded_hpo, release_date, release_of

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.io import Document

#: most paths per cited release that the finding's ``context`` lists (the counts are always complete)
PATHS_PER_RELEASE = 50


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


def _pointer(k: int) -> str:
    """``/metaData/resources/K/version`` (one string per K, shared by the documents)."""
    ptr = _POINTERS.get(k)
    if ptr is None:
        ptr = f"/metaData/resources/{k}/version"
        if len(_POINTERS) < 64:
            _POINTERS[k] = ptr
    return ptr


#: pointers made by :func:`_pointer`, by position
_POINTERS: dict[int, str] = {}


class ReleaseOlder(RunHook):
    """The run's documents were curated with a newer HPO release than the one phenotk validates with.

    What it checks
    --------------
    The HP entry of ``metaData.resources`` (any element of a family or cohort) of each document names a
    release date later than the loaded HPO. The rule reports **once per run** (**info**), on the first such
    document: how many documents cite a newer release, per cited release, and which release the checks
    used — so ids the loaded release lacks (``hpo-unknown-term`` then says *newer than this release*),
    renamed labels and moved terms are read in that light. The finding's ``context`` lists ``loaded``,
    ``documents`` (the count), ``releases`` (cited release → number of documents), ``paths`` (cited
    release → the first 50 paths citing it) and ``resource`` (pointer to the HP entry in the first document).

    Why
    ---
    Every HPO finding depends on the release; a report must say when it judged documents against an older
    ontology than their curators used. Said once: on a whole store it is the same fact for thousands of
    files, and one line per file would drown every other finding.

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
        #: the index the memos below were made for (a run's documents are all checked with one)
        self._for: Any = None
        #: the loaded release as the finding shows it
        self._loaded = ""
        #: the loaded release's date (None when it has none, or the index is no HPO: nothing is newer)
        self._loaded_date: str | None = None
        #: written version of the HP resource -> (its release date, the same when newer than the loaded; or None)
        self._by_version: dict[str, tuple[str | None, str | None]] = {}

    def remember(self, doc: Document, root: Node, ctx: Context, locate: LocateFn) -> Hashable | None:
        """(cited release, loaded release, pointer to the HP resource) when the document cites a newer HPO."""
        idx = loaded_hpo(ctx)
        if self._for is not idx:  # worked out before anything is kept: a failure here must not half-switch
            loaded = release_date(getattr(idx, "version", None)) or release_of(idx)
            loaded_date = release_date(idx.version) if idx.prefix == "HP" else None
            self._for, self._by_version, self._loaded, self._loaded_date = idx, {}, loaded, loaded_date
        fast = self._common_case(ctx)
        if fast is not None:  # the usual document: one probe of the per-version memo
            return fast[1]
        cited = document_newer_than(ctx, idx)
        if cited is None:
            return None
        loaded = self._loaded
        # the pointer is kept for the context; the finding sits at the document root: placing a pointer
        # into metaData (at the end of most files) would scan every document in full
        return (cited, loaded, _hp_version_pointer(root[0]))  # root[0]: root.value

    def _common_case(self, ctx: Context) -> tuple[str | None, tuple[str, str, str] | None] | None:
        """(cited release, note) of a single document whose ``metaData.resources`` name exactly one HP entry.

        The store's shape: every entry a JSON object naming its ``namespacePrefix``, one of them ``HP``, its
        ``version`` a string. The answer then depends only on that version and the entry's position, so it is
        kept per version (and stored as the document's cited release, like :func:`cited_hpo_release`). None
        for anything else (a family or cohort, other shapes): the general path answers.
        """
        data = ctx.data
        if "proband" in data or "relatives" in data or "members" in data:
            return None
        meta = data.get("metaData")
        if type(meta) is not dict:
            return None
        resources = meta.get("resources")
        if type(resources) is not list:
            return None
        try:  # every entry's namespacePrefix at C speed
            prefixes = list(map(dict.get, resources, repeat("namespacePrefix", len(resources))))
        except TypeError:  # an entry that is not an object
            return None
        if None in prefixes or prefixes.count("HP") != 1:
            return None
        k = prefixes.index("HP")
        r = resources[k]
        version = r.get("version") if type(r) is dict else None
        if type(version) is not str:
            return None
        hit = self._by_version.get(version)
        if hit is None:
            cited = release_date(version)
            loaded = self._loaded_date
            hit = (cited, cited if cited is not None and loaded is not None and cited > loaded else None)
            if len(self._by_version) < 1024:
                self._by_version[version] = hit
        cited, newer = hit
        ctx.state["hpo:cited"] = cited
        return cited, None if newer is None else (newer, self._loaded, _pointer(k))

    def end_run(self, notes: Sequence[tuple[str, Any]]) -> Iterable[RunFinding]:
        """One finding, on the first document citing a newer release, counting all of them."""
        return reduce_all(self.reducer(), notes)

    def reducer(self) -> _NewerReleases:
        """The count note by note (documents and a few paths per cited release); one finding at the end."""
        return _NewerReleases()


class _NewerReleases(RunReducer):
    __slots__ = ("first", "n", "paths", "releases")

    def __init__(self) -> None:
        self.releases: dict[str, int] = {}
        self.paths: dict[str, list[str]] = {}
        self.first: tuple[str, str] | None = None  # (loaded release, pointer) of the first note
        self.n = 0

    def add(self, index: int, path: str, note: Any) -> None:
        cited, loaded, ptr = note
        releases = self.releases
        releases[cited] = releases.get(cited, 0) + 1
        listed = self.paths.setdefault(cited, [])
        if len(listed) < PATHS_PER_RELEASE:
            listed.append(path)
        if self.first is None:
            self.first = (loaded, ptr)
        self.n += 1

    def finish(self) -> list[RunFinding]:
        if self.first is None:
            return []
        loaded, pointer = self.first
        releases, paths = self.releases, self.paths
        return [RunFinding(0, Violation(message(releases, loaded), context={
            "loaded": loaded,
            "documents": self.n,
            "releases": dict(sorted(releases.items())),
            "paths": {r: paths[r] for r in sorted(paths)},
            "resource": pointer,
        }))]  # fmt: skip


def message(releases: dict[str, int], loaded: str) -> str:
    """The finding's message: the one document's release, or the counts per release."""
    tail = f"HPO checks use {loaded} (load a newer release with --hpo to check against the curators' release)"
    n = sum(releases.values())
    if n == 1:
        (cited,) = releases
        return f"metaData names HPO {cited}, newer than the loaded HPO {loaded}: {tail}"
    per = ", ".join(f"{r}: {c}" for r, c in sorted(releases.items()))
    return f"{n} documents name HPO releases newer than the loaded HPO {loaded} ({per}): {tail}"
