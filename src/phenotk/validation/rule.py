"""The rule contract: a rule class targets message types, receives nodes and yields relative violations.

A rule is one module under ``phenotk.validation.rules`` (any sub-package) defining a :class:`Rule`
subclass. The class docstring is the rule's documentation and must have four sections::

    What it checks
    --------------
    ...
    Why
    ---
    ...
    Anti-pattern
    ------------
    ...
    Fixed
    -----
    ...

The engine walks each document once and hands every node whose protobuf type is in ``targets`` to
:meth:`Rule.check`. Rules yield :class:`Violation` objects whose ``path`` is *relative* to the node;
the engine turns it into an absolute JSON pointer and a line:column (GUIDE practice 2).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any, ClassVar

from phenotk.issue import Fix, PatchOp, RuleInfo, Severity

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.io import Document
    from phenotk.ontology.view import OntologyView

#: Whole-element node types: a rule targeting one of them sees each (nested) element once.
ELEMENTS = ("Phenopacket", "Family", "Cohort")

Token = str | int


@dataclass(slots=True)
class Violation:
    """What a rule yields: a message and a path relative to the node it was handed."""

    message: str
    path: tuple[Token, ...] = ()
    fix: Fix | None = None
    severity: Severity | None = None  # None: the rule's (configured) severity
    context: dict[str, Any] | None = None


class Node(tuple):  # type: ignore[type-arg]
    """One value of the input tree with its protobuf type and absolute JSON pointer.

    ``value`` is the raw JSON value as written (a dict for messages, a string for ``Timestamp``);
    ``type`` the protobuf message type (``PhenotypicFeature``); ``pointer`` the RFC 6901 pointer;
    ``parent`` the enclosing node; ``field`` the JSON name of the field it was reached through.
    Field access through :meth:`get` accepts the camelCase JSON name and finds snake_case keys too.

    A tuple underneath: the engine creates one per message of every document, and building a tuple is
    about twice as fast as running an ``__init__``.
    """

    __slots__ = ()

    def __new__(
        cls, value: Any, type_: str, pointer: str, parent: Node | None = None, field: str | None = None
    ) -> Node:
        """``Node(value, type, pointer, parent, field)``."""
        return tuple.__new__(cls, (value, type_, pointer, parent, field))

    value: Any = property(itemgetter(0))  # type: ignore[assignment]
    type: str = property(itemgetter(1))  # type: ignore[assignment]
    pointer: str = property(itemgetter(2))  # type: ignore[assignment]
    parent: Node | None = property(itemgetter(3))  # type: ignore[assignment]
    field: str | None = property(itemgetter(4))  # type: ignore[assignment]

    def key(self, json_name: str) -> str | None:
        """The key actually used in the input for a field (camelCase or snake_case), None when absent."""
        v = self[0]
        if not isinstance(v, dict):
            return None
        if json_name in v:
            return json_name
        snake = _snake(json_name)
        return snake if snake in v else None

    def get(self, json_name: str, default: Any = None) -> Any:
        """Value of a field by its JSON name (snake_case input found too)."""
        v = self[0]
        if not isinstance(v, dict):
            return default
        if json_name in v:
            return v[json_name]
        snake = _snake(json_name)
        return v.get(snake, default)

    def has(self, json_name: str) -> bool:
        """True when the field is present and not null/empty."""
        value = self.get(json_name)
        return value is not None and value != "" and value != [] and value != {}

    def ancestor(self, type_: str) -> Node | None:
        """Nearest enclosing node of that type (or None)."""
        n = self.parent
        while n is not None:
            if n.type == type_:
                return n
            n = n.parent
        return None

    def __repr__(self) -> str:
        return f"Node({self[1]} at {self[2] or '/'})"

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)


#: the engine's fast constructor: ``NEW(Node, (value, type, pointer, parent, field))``
NEW_NODE = tuple.__new__


_SNAKE_CACHE: dict[str, str] = {}


def _snake(name: str) -> str:
    s = _SNAKE_CACHE.get(name)
    if s is None:
        s = "".join("_" + c.lower() if c.isupper() else c for c in name)
        _SNAKE_CACHE[name] = s
    return s


@dataclass
class Context:
    """What a rule may know besides the node: the run's settings, the HPO index, the document.

    ``hpo`` is the loaded HPO as the typed :class:`~phenotk.ontology.view.OntologyView` (None when HPO is not
    loaded; rules with ``requires_hpo = True`` are then skipped). ``state`` is per-document scratch space,
    cleared before each document — key it by your rule name.
    """

    hpo: OntologyView | None = None
    options: Mapping[str, Any] = field(default_factory=dict)  # per-rule options from config
    now: _dt.datetime = field(default_factory=lambda: _dt.datetime.now(_dt.timezone.utc))
    document: Document | None = None
    data: dict[str, Any] = field(default_factory=dict)  # root tree of the current document
    root: Node | None = None  # root node of the current document
    state: dict[str, Any] = field(default_factory=dict)


class Rule:
    """Base class of every validation rule (see the module docstring for the contract)."""

    #: stable code, e.g. ``SCH001``
    code: ClassVar[str] = ""
    #: stable kebab-case name, e.g. ``schema-unknown-field``
    name: ClassVar[str] = ""
    severity: ClassVar[Severity] = Severity.ERROR
    #: protobuf message type short names (``PhenotypicFeature``, ``OntologyClass``, ``Timestamp``,
    #: ``Pedigree.Person``) or whole elements (``Phenopacket``, ``Family``, ``Cohort``)
    targets: ClassVar[tuple[str, ...]] = ()
    #: needs ``ctx.hpo``; skipped with a report note when HPO is not loaded
    requires_hpo: ClassVar[bool] = False
    #: False for rules that only a profile or ``select`` switches on
    default_enabled: ClassVar[bool] = True
    #: sub-package name under ``phenotk.validation.rules`` (set by the registry)
    group: ClassVar[str] = ""
    #: True: the engine collects the nodes of ``targets`` during the walk and calls :meth:`check_batch` once
    #: per document with all of them (cheaper for rules that look at very many small nodes, e.g. every
    #: OntologyClass); :meth:`check` is then not called
    batch: ClassVar[bool] = False

    def check(self, node: Node, ctx: Context) -> Iterable[Violation]:
        """Violations found at ``node`` (paths relative to it)."""
        return ()

    def check_batch(self, nodes: list[Node], ctx: Context) -> Iterable[tuple[Node, Violation]]:
        """Batch rules: (node, violation) pairs for all nodes of the document (paths relative to each node).

        ``nodes`` (document order) is shared with the other batch rules that have the same ``targets``:
        read it, never modify it.
        """
        for node in nodes:
            for v in self.check(node, ctx):
                yield node, v

    def end_document(self, root: Node, ctx: Context) -> Iterable[Violation]:
        """Called once per document after the walk; paths relative to the document root."""
        return ()

    # helpers -----------------------------------------------------------------------------

    @staticmethod
    def violation(
        message: str,
        *path: Token,
        fix: Fix | None = None,
        severity: Severity | None = None,
        context: dict[str, Any] | None = None,
    ) -> Violation:
        """Build a violation at ``path`` (tokens relative to the node)."""
        return Violation(message, tuple(path), fix, severity, context)

    @staticmethod
    def replace(path: str, value: Any, *, safe: bool = True, description: str = "") -> Fix:
        """A one-op fix replacing the value at a relative pointer (``""`` = the node itself, not the finding's place).

        A rule whose finding lies below its node builds the pointer from the finding's tokens
        (:func:`relative_pointer`): ``""`` there replaced the whole document with the corrected string.
        """
        return Fix((PatchOp("replace", path, value),), safe=safe, description=description)

    @classmethod
    def summary(cls) -> str:
        """First line of the docstring."""
        doc = (cls.__doc__ or "").strip()
        return doc.splitlines()[0].strip() if doc else ""

    @classmethod
    def info(cls) -> RuleInfo:
        """The reporters' view of this rule."""
        import inspect

        return RuleInfo(
            code=cls.code,
            name=cls.name,
            severity=cls.severity,
            summary=cls.summary(),
            doc=inspect.cleandoc(cls.__doc__ or ""),
            group=cls.group,
        )


def relative_pointer(*tokens: Token) -> str:
    """The JSON pointer of ``tokens`` below a rule's node (for a fix at the finding's place)."""
    from phenotk.io.sourcemap import escape

    return "".join("/" + escape(t) for t in tokens)


def field_key(d: dict[str, Any], json_name: str) -> str | None:
    """The key a raw dict uses for a field (camelCase JSON name or snake_case proto name); None if absent."""
    if json_name in d:
        return json_name
    snake = _snake(json_name)
    return snake if snake in d else None


def iter_list(value: Any) -> Iterator[tuple[int, Any]]:
    """(index, item) of a JSON list; nothing for anything else (wrong types are schema findings)."""
    if isinstance(value, list):
        yield from enumerate(value)
