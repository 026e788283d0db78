"""META002 meta-resource-incomplete."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.meta._common import resources_text

_FIELDS = ("id", "name", "url", "version", "namespacePrefix", "iriPrefix")


class MetaResourceIncomplete(Rule):
    """A ``metaData.resources`` entry lacks one of its six REQUIRED fields, or has a non-URL url/iriPrefix.

    What it checks
    --------------
    Every Resource needs ``id``, ``name``, ``url``, ``version``, ``namespacePrefix`` and ``iriPrefix``
    (all REQUIRED in the v2 schema); ``url`` and ``iriPrefix`` must be http(s) URLs (or URNs); the
    namespace prefix must not end with ``:``. Each missing field is reported at its own pointer.

    Why
    ---
    The resource entry is how a reader resolves ids and knows which ontology release was used; the
    release (``version``) matters for obsolete and replaced terms.

    Anti-pattern
    ------------
    ``{"id": "hp", "name": "human phenotype ontology", "namespacePrefix": "HP"}``

    Fixed
    -----
    ``{"id": "hp", "name": "human phenotype ontology", "url": "http://purl.obolibrary.org/obo/hp.owl",
    "version": "2024-04-26", "namespacePrefix": "HP", "iriPrefix": "http://purl.obolibrary.org/obo/HP_"}``
    """

    code = "META002"
    name = "meta-resource-incomplete"
    severity = Severity.ERROR
    #: the metadata, not each resource: one call per document walks its few resources (``resources/<i>/…`` paths)
    targets = ("MetaData",)

    def __init__(self) -> None:
        self._ok: set[tuple[Any, ...]] = set()  # resources seen complete (the same entries recur in every file)
        self._ok_lists: set[bytes] = set()  # resource lists without a finding, as JSON text (:func:`resources_text`)

    def check(self, node: Node, ctx: Context) -> list[Violation] | tuple[()]:
        """Check presence and shape of the six fields of each resource."""
        resources = node[0].get("resources")  # node.value (tuple access: hot path); one-word field name
        if type(resources) is not list:
            return ()
        text = resources_text(resources, ctx)  # the whole list: most documents list the same resources
        if text is not None and text in self._ok_lists:
            return ()
        ok = self._ok
        out: list[Violation] | None = None  # no list made in the common case (no finding)
        for i, v in enumerate(resources):
            if type(v) is not dict:
                continue
            key = (
                v.get("id"),
                v.get("name"),
                v.get("url"),
                v.get("version"),
                v.get("namespacePrefix"),
                v.get("iriPrefix"),
            )
            try:
                if key in ok:
                    continue
            except TypeError:  # a list or object where a string belongs: checked below, never remembered
                pass
            found = list(self._check(Node(v, "Resource", "", node, "resources"), i))
            if not found:
                if len(ok) < 10_000 and all(type(x) is str for x in key):
                    ok.add(key)
                continue
            if out is None:  # one list, extended: not copied at each resource (quadratic)
                out = []
            out.extend(found)
        if out is None and text is not None and len(self._ok_lists) < 10_000:
            self._ok_lists.add(bytes(memoryview(text)))  # a copy: orjson's bytes keep a 4 KB buffer
        return out if out is not None else ()

    def _check(self, node: Node, i: int) -> Iterator[Violation]:
        """The findings of ``resources[i]`` (``node``), at paths relative to the metadata."""
        label = node.get("id") or node.get("namespacePrefix") or "resource"
        for name in _FIELDS:
            value = node.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                yield self.violation(
                    f"resource {label!r} has no {name!r} (REQUIRED)", "resources", i, node.key(name) or name
                )
        for name in ("url", "iriPrefix"):
            value = node.get(name)
            if (
                isinstance(value, str)
                and value.strip()
                and not value.startswith(("http://", "https://", "urn:", "ftp://"))
            ):
                yield self.violation(
                    f"resource {label!r}: {name} {value!r} is not an http(s) URL",
                    "resources",
                    i,
                    node.key(name) or name,
                )
        prefix = node.get("namespacePrefix")
        if isinstance(prefix, str) and prefix.endswith(":"):
            fixed = prefix.rstrip(":")
            key = node.key("namespacePrefix") or "namespacePrefix"
            yield self.violation(
                f"namespacePrefix {prefix!r} must not include the colon; use {fixed!r}",
                "resources",
                i,
                key,
                fix=self.replace(f"/resources/{i}/{key}", fixed, description=f"use {fixed!r}"),
            )
