"""Typed hooks: the roles a rule can take in the engine besides being handed nodes.

The engine knows no rule by name or module. A rule takes a role by subclassing one of these classes (they
are :class:`~phenotk.validation.rule.Rule` subclasses, so the registry finds them like any rule) and owns
its check and its messages; the engine calls the hook at the right moment and turns what it returns into
located findings with the rule's code, name and configured severity.

Walk hooks (called while the engine walks a document along the protobuf descriptors):

* :class:`UnknownFieldHook` — a key that is no field of its message;
* :class:`WrongTypeHook` — a value of the wrong JSON type for its field;
* :class:`EnumValueHook` — an enum field's value that may not be one of its names or numbers;
* :class:`RequiredHook` — which fields a message type requires, and the findings when they are missing;
* :class:`OneofHook` — a rule targeting the message types with ``oneof`` groups, called only for a message
  with two or more keys of the groups' members (one member key cannot set two members).

Input hooks (always active, whatever the rule selection: an input must never drop out of a run silently):

* :class:`UnreadableHook` — an input that could not be read as a document;
* :class:`CrashHook` — a rule raised an exception on a node.

Run hook (cross-document rules):

* :class:`RunHook` — keeps a small, picklable note of each document while it is checked (its walk already
  saw it; no file is read twice) and, at the end of the run, gets the notes of every document in input order
  to report findings that need more than one document (the same id in two files, …).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from phenotk.validation.rule import Context, Node, Rule, Violation

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.errors import InputError
    from phenotk.io import Document
    from phenotk.validation.schema import FieldSpec, MessageSpec

#: what the engine hands a run hook to place a pointer of the current document: (line, column) or Nones
LocateFn = Callable[[str], tuple[int | None, int | None]]


class UnknownFieldHook(Rule):
    """Role: report a key that is not a field of the message it appears in."""

    def unknown_field(self, spec: MessageSpec, key: str, value: dict[str, Any]) -> Violation:
        """The finding for ``key`` in ``value`` (a message of type ``spec``); path relative to the message."""
        raise NotImplementedError

    def misread(self, doc: Document, pointers: Sequence[str]) -> InputError | None:
        """When the unknown keys (at ``pointers``) show the document is not v2 after all: the read error."""
        return None


class WrongTypeHook(Rule):
    """Role: report values whose JSON type does not fit their field (``null`` is always accepted)."""

    def wrong_type(self, fs: FieldSpec, value: Any) -> Iterable[Violation]:
        """Findings for a non-null singular ``value`` (or list item) of field ``fs``; nothing when it fits.

        Paths are relative to the value.
        """
        raise NotImplementedError

    def not_an_array(self, fs: FieldSpec, value: Any) -> Violation:
        """The finding for a non-null ``value`` of the repeated field ``fs`` that is not a JSON array."""
        raise NotImplementedError


class EnumValueHook(Rule):
    """Role: report an enum field's value that is not one of its names or numbers."""

    def bad_enum(self, fs: FieldSpec, value: str | int) -> Violation | None:
        """The finding for ``value`` (a string or an integer) of enum field ``fs``; None when it is valid."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Required:
    """The required fields of one message type, as a :class:`RequiredHook` declares them.

    ``names`` are JSON names (a walk tests ``not value.get(name)`` before asking the hook), ``oneof_keys``
    every key of the required oneof group's members (None: the type has none; a walk asks the hook when the
    message has none of them), ``detail`` whatever the hook needs to build its findings.
    """

    names: tuple[str, ...]
    oneof_keys: frozenset[str] | None
    detail: Any = None


class RequiredHook(Rule):
    """Role: declare the required fields of message types and report missing ones."""

    def required(self, type_name: str) -> Required | None:
        """What ``type_name`` requires (None: nothing)."""
        raise NotImplementedError

    def missing(self, value: dict[str, Any], node: Node, req: Required) -> Iterable[Violation]:
        """Findings for required fields absent or empty in ``value``; paths relative to ``node``."""
        raise NotImplementedError

    def missing_oneof(self, value: dict[str, Any], node: Node, req: Required) -> Violation | None:
        """The finding when ``value`` sets no member of the required oneof group (None: one is set)."""
        raise NotImplementedError


class OneofHook(Rule):
    """Role: a rule (with ``targets``) reporting messages that set more than one member of a ``oneof`` group.

    It is run like any rule targeting those types, except that the generated walk hands it a message only when
    the message has at least two of :meth:`member_keys` (the reference walk hands it every one): its ``check``
    must find nothing in a message with fewer.
    """

    def member_keys(self, type_name: str) -> frozenset[str]:
        """Every key (JSON and proto name) of every member of ``type_name``'s oneof groups."""
        raise NotImplementedError


class UnreadableHook(Rule):
    """Role: the finding for an input that could not be read (always active)."""

    def unreadable(self, err: InputError) -> Violation:
        """Message (and context) of the finding; the engine places it at the error's line and column."""
        raise NotImplementedError


class CrashHook(Rule):
    """Role: the finding for a rule that raised an exception on a node (always active)."""

    def crashed(self, rule: Rule, exc: Exception) -> Violation:
        """The finding at the node the crashed rule was looking at (path relative to it)."""
        raise NotImplementedError


class RunReducer:
    """One run of a :class:`RunHook`, fed each document's note in input order; :meth:`finish` gives the findings.

    What lets the end of a run cost almost nothing: a hook whose check can be reduced note by note (the
    first document of each id, counts per release) does that work in :meth:`add`, while the run goes on
    (a scale-out client adds notes while its workers validate), and :meth:`finish` only hands over what
    it found. The default (:class:`Gathered`) keeps the notes and calls :meth:`RunHook.end_run` at the end.
    """

    def add(self, index: int, path: str, note: Any) -> None:
        """The note of the run's ``index``-th document with a note for this hook (0, 1, 2 … in input order)."""
        raise NotImplementedError

    def finish(self) -> Iterable[RunFinding]:
        """The hook's findings, once every note is in (each names its document's ``index``)."""
        raise NotImplementedError


class Gathered(RunReducer):
    """The default reducer: every (path, note) kept, :meth:`RunHook.end_run` called on them at the end."""

    __slots__ = ("hook", "notes")

    def __init__(self, hook: RunHook) -> None:
        self.hook = hook
        self.notes: list[tuple[str, Any]] = []

    def add(self, index: int, path: str, note: Any) -> None:
        """Keep the note."""
        self.notes.append((path, note))

    def finish(self) -> Iterable[RunFinding]:
        """The hook's :meth:`~RunHook.end_run` over the kept notes."""
        return self.hook.end_run(self.notes)


def reduce_all(reducer: RunReducer, notes: Sequence[tuple[str, Any]]) -> Iterable[RunFinding]:
    """``reducer`` fed every (path, note) of ``notes`` in order, finished: ``end_run`` of an incremental hook."""
    add = reducer.add
    for k, (path, note) in enumerate(notes):
        add(k, path, note)
    return reducer.finish()


class RunHook(Rule):
    """Role: a cross-document check at the end of the run, fed by notes kept while documents were checked.

    A hook implements :meth:`end_run` (all notes at once); one whose check can be reduced note by note also
    returns its own :class:`RunReducer` from :meth:`reducer` (and defines ``end_run`` as
    :func:`reduce_all` over it, so both give the same findings by construction).
    """

    def remember(self, doc: Document, root: Node, ctx: Context, locate: LocateFn) -> Hashable | None:
        """A small picklable note of this document for :meth:`end_run` (None: nothing to keep).

        Called after the document's walk; ``locate`` places a pointer of it (line, column) from the text
        the engine already holds.
        """
        return None

    def end_run(self, notes: Sequence[tuple[str, Any]]) -> Iterable[RunFinding]:
        """Findings about the run's documents.

        ``notes`` holds (path, note) of every checked document in input order (documents without a note are
        left out); each finding names the index of its document in ``notes``.
        """
        return ()

    def reducer(self) -> RunReducer:
        """A new run of this hook, fed note by note (:class:`RunReducer`); default: :class:`Gathered`."""
        return Gathered(self)


@dataclass(frozen=True, slots=True)
class RunFinding:
    """A finding of :meth:`RunHook.end_run`: the document (index into the notes), where in it, and what.

    ``violation.path`` is relative to the document root; ``line``/``column`` come from the note (placed by
    ``locate`` when the document was checked).
    """

    index: int
    violation: Violation
    line: int | None = None
    column: int | None = None


#: every role class, in the order the engine looks for them
ROLES = (UnknownFieldHook, WrongTypeHook, EnumValueHook, RequiredHook, OneofHook, UnreadableHook, CrashHook, RunHook)

__all__ = [
    "ROLES",
    "CrashHook",
    "EnumValueHook",
    "Gathered",
    "LocateFn",
    "OneofHook",
    "Required",
    "RequiredHook",
    "RunFinding",
    "RunHook",
    "RunReducer",
    "UnknownFieldHook",
    "UnreadableHook",
    "WrongTypeHook",
    "reduce_all",
]
