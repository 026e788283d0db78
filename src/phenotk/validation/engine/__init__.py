"""The validation engine: walks each document once and dispatches nodes to the rules that target them.

The engine knows no rule. It runs the rule instances of its configuration and plugs the rules that take a
role (:mod:`phenotk.validation.hooks`) into its walk:

* The walk follows the raw JSON tree (``Document.data``) guided by the protobuf descriptors, so unknown
  fields, wrong JSON types, bad enum values and missing required fields are found on the way, without a
  protobuf parse: the walk calls the unknown-field, wrong-type, enum-value and required-fields hooks, which
  own those checks and their messages.
* Every other rule receives the nodes of the types it lists in ``targets`` (dispatch by a dict keyed by type
  name: no per-node scanning of rules), then ``end_document`` once per document.
* Rules yield violations with relative paths; the engine makes absolute pointers, applies the configured
  severity and looks up line:column only for documents that have findings.
* Run hooks keep a note of each document as it is checked; a run's log (:meth:`Engine.run_log`) feeds each
  note to its hook's reducer as the run goes, and :meth:`Engine.end_run` collects their cross-document
  findings (the same id in two files).

What a walk does per message type is the walk plan (:mod:`.plan`); the walk functions are generated from it
(:mod:`.codegen`), or interpreted (:mod:`.reference`) when ``PHENOTK_REFERENCE_WALK=1``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from phenotk.errors import InputError
from phenotk.io import Document, Element
from phenotk.io.positions import locate, locate_one
from phenotk.io.sourcemap import escape
from phenotk.issue import Fix, Issue, PatchOp, Report, Result, Severity
from phenotk.validation import schema as S
from phenotk.validation.engine.plan import TypePlan, WalkFn, build_plan
from phenotk.validation.hooks import (
    CrashHook,
    EnumValueHook,
    Required,
    RequiredHook,
    RunHook,
    RunReducer,
    UnknownFieldHook,
    UnreadableHook,
    WrongTypeHook,
)
from phenotk.validation.rule import ELEMENTS, Context, Node, Rule, Violation

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.ontology.view import OntologyView

#: environment variable selecting the interpreted reference walk instead of the generated one
REFERENCE_WALK = "PHENOTK_REFERENCE_WALK"


@dataclass
class EngineConfig:
    """Resolved settings of a run (see :mod:`phenotk.validation.config` for where they come from)."""

    rules: tuple[type[Rule], ...]
    severity: Mapping[str, Severity] = field(default_factory=dict)  # rule name → severity override
    warnings_as_errors: bool = False  # profile ``strict``
    options: Mapping[str, Any] = field(default_factory=dict)  # per-rule options (e.g. user schemas)
    fail_fast: bool = False
    fail_on: Severity | None = Severity.ERROR
    skip_foreign: bool = False  # results of inputs that are no Phenopacket, Family or Cohort are left out


#: the notes run hooks keep of one document: (hook index, note) pairs
Notes = tuple[tuple[int, Hashable], ...]


class RunLog:
    """What the engine saw of a run's documents, in input order: each result with its run hooks' notes.

    A log made by :meth:`Engine.run_log` also feeds each note to its hook's :class:`RunReducer` as it is
    added, so the hooks do their cross-document work while the run goes on and :meth:`Engine.end_run` only
    collects their findings. A plain ``RunLog()`` (a worker's per-document log, whose notes travel to the
    run's own log) only keeps the entries; ``end_run`` then feeds them all at the end. A log from ``run_log``
    belongs to that engine: the notes it is given must come from that engine's checks (their hook numbers are
    the engine's).
    """

    __slots__ = ("_engine", "_runs", "entries", "notes")

    def __init__(self, engine: Engine | None = None) -> None:
        self.entries: list[tuple[Result, Notes]] = []
        #: notes of this run for its report (the engine's own notes hold for every run)
        self.notes: list[str] = []
        self._engine = engine
        self._runs: list[_HookRun] | None = engine._hook_runs() if engine is not None else None

    def add(self, result: Result, notes: Notes) -> None:
        """Record one checked document (an empty ``notes`` costs nothing at the end of the run)."""
        if notes:
            self.entries.append((result, notes))
            runs = self._runs
            if runs is not None:
                for j, note in notes:
                    runs[j].add(result, note)


class _HookRun:
    """One run hook's part of a run: the results of the documents it kept a note of, and its reducer."""

    __slots__ = ("_add", "reducer", "results")

    def __init__(self, reducer: RunReducer) -> None:
        self.reducer = reducer
        self.results: list[Result] = []
        self._add = reducer.add

    def add(self, result: Result, note: Hashable) -> None:
        results = self.results
        self._add(len(results), result.path, note)
        results.append(result)


class Engine:
    """Runs a fixed set of rule instances over documents; one engine per run (or per worker process)."""

    def __init__(self, config: EngineConfig, *, hpo: OntologyView | None = None) -> None:
        self.config = config
        self.hpo = hpo
        self.notes: list[str] = []
        rules = list(config.rules)
        skipped = [r for r in rules if r.requires_hpo and hpo is None]
        if skipped:
            names = ", ".join(r.name for r in skipped)
            self.notes.append(f"HPO checks skipped: no HPO ontology loaded (use --hpo FILE); not run: {names}")
        self.rules: list[Rule] = [r() for r in rules if r not in skipped]
        self.enabled = {r.name for r in self.rules}
        self.severity: dict[str, Severity] = {}
        for r in self.rules:
            self.severity[r.name] = self._effective(config.severity.get(r.name, r.severity))
        #: rules whose severity the config pins: it wins over a severity the rule picks per finding
        self._pinned = frozenset(config.severity)
        self._hooks(config)
        self.dispatch: dict[str, list[Rule]] = {}
        self.enders: list[Rule] = []
        self.batchers: list[Rule] = []
        #: type → the per-document node lists of the batch rules targeting it (cleared per document)
        self.collect: dict[str, list[list[Node]]] = {}
        self._batch_lists: list[list[Node]] = []
        shared: dict[tuple[str, ...], list[Node]] = {}  # batch rules with the same targets share one list
        for rule in self.rules:
            if rule.batch:
                key = tuple(sorted(rule.targets))
                nodes: list[Node] | None = shared.get(key)
                if nodes is None:
                    nodes = shared[key] = []
                    for t in rule.targets:
                        self.collect.setdefault(t, []).append(nodes)
                self._batch_lists.append(nodes)
                self.batchers.append(rule)
            else:
                for t in rule.targets:
                    self.dispatch.setdefault(t, []).append(rule)
            if type(rule).end_document is not Rule.end_document:
                self.enders.append(rule)
        self._distinct_lists = list(shared.values())
        #: (batch rule, its node list) in rule order: what check_document runs after the walk
        self._batches: tuple[tuple[Rule, list[Node]], ...] = tuple(zip(self.batchers, self._batch_lists, strict=True))
        self.timestamp_rules: tuple[Rule, ...] = tuple(self.dispatch.get("Timestamp", ()))
        self.specs = S.message_specs()
        #: the walk plan: per message type its field table, rules, batch lists and required fields
        self.walks: dict[str, TypePlan] = build_plan(self.specs, self.dispatch, self.collect, self.required_hook)
        self.ctx = Context(hpo=hpo, options=config.options)
        self._issues: list[Issue] = []
        self._unknown_found = False  # the document being checked has an unknown-field finding
        self._root: Node | None = None
        self.reference = os.environ.get(REFERENCE_WALK, "") not in ("", "0")
        self._walkers: dict[str, WalkFn]
        if self.reference:
            from phenotk.validation.engine.reference import reference_walkers

            self._walkers = reference_walkers(self.walks, self)
        else:
            from phenotk.validation.engine.codegen import compile_walkers

            #: one generated walk function per message type (see :mod:`.codegen`)
            self._walkers = compile_walkers(self.walks, self)

    def _hooks(self, config: EngineConfig) -> None:
        """The enabled rules that take a walk or run role, and the input hooks (active whatever is enabled)."""

        def first(role: type[Rule]) -> Any:
            return next((r for r in self.rules if isinstance(r, role)), None)

        self.unknown_hook: UnknownFieldHook | None = first(UnknownFieldHook)
        self.type_hook: WrongTypeHook | None = first(WrongTypeHook)
        self.enum_hook: EnumValueHook | None = first(EnumValueHook)
        self.required_hook: RequiredHook | None = first(RequiredHook)
        self.run_hooks: list[RunHook] = [r for r in self.rules if isinstance(r, RunHook)]
        self.check_unknown = self.unknown_hook is not None
        self.check_type = self.type_hook is not None
        self.check_enum = self.enum_hook is not None
        from phenotk.validation.registry import rule_classes

        every = rule_classes()
        for role in (UnreadableHook, CrashHook, UnknownFieldHook, WrongTypeHook, EnumValueHook):
            # the severity of every walk and input role is known even when its rule is not selected
            for cls in every:
                if issubclass(cls, role) and cls.name not in self.severity:
                    self.severity[cls.name] = self._effective(config.severity.get(cls.name, cls.severity))
        unreadable = first(UnreadableHook) or next((c() for c in every if issubclass(c, UnreadableHook)), None)
        crash = first(CrashHook) or next((c() for c in every if issubclass(c, CrashHook)), None)
        if unreadable is None or crash is None:  # pragma: no cover - both ship with phenotk
            raise RuntimeError("no rule takes the input-unreadable or internal-error role")
        self.unreadable_hook: UnreadableHook = unreadable
        self.crash_hook: CrashHook = crash

    def _effective(self, sev: Severity) -> Severity:
        if self.config.warnings_as_errors and sev is Severity.WARNING:
            return Severity.ERROR
        return sev

    # ------------------------------------------------------------------ documents

    def check_document(self, doc: Document, log: RunLog | None = None) -> Result:
        """Every finding of one document, located (its run hooks' notes go to ``log``, if given)."""
        issues: list[Issue] = []
        self._issues = issues
        self._unknown_found = False
        ctx = self.ctx
        ctx.document = doc
        ctx.data = doc.data
        ctx.state = {}
        root_type, element = _ROOTS[doc.element]  # not ``Element.value``: a Python-level property call
        root = Node(doc.data, root_type, "", None, None)
        self._root = root
        ctx.root = root
        for nodes in self._distinct_lists:
            nodes.clear()
        self._walkers[root_type](doc.data, root)
        for rule, nodes in self._batches:
            if nodes:
                self._run_batch(rule, nodes)
        for rule in self.enders:
            self._run_end(rule, root)
        notes = self._remember(doc, root) if log is not None and self.run_hooks else ()
        if issues:
            if self._unknown_found and self.unknown_hook is not None:  # a document with an unknown field
                name = self.unknown_hook.name
                unknown = [i.pointer for i in issues if i.rule == name]
                if unknown:
                    err = self.unknown_hook.misread(doc, unknown)
                    if err is not None:
                        return self.check_error(err)
            self._locate(doc, issues)
            if doc.pointer_prefix:  # an item of a top-level JSON array: pointers into its file (/N/…)
                _into_file(issues, doc.pointer_prefix)
            if len(issues) > 1:  # most documents have one finding (hpo-release-older): nothing to order
                issues.sort(key=_position)
        result = Result(doc.path, element, doc.id, issues)
        if notes:
            log.add(result, notes)  # type: ignore[union-attr]  # notes only with a log
        return result

    def check_error(self, err: InputError) -> Result:
        """The result for an input that could not be read (one finding of the input-unreadable role)."""
        hook = self.unreadable_hook
        v = hook.unreadable(err)
        if v.severity is None or hook.name in self._pinned:
            sev = self.severity.get(hook.name, Severity.ERROR)
        else:
            sev = self._effective(v.severity)
        issue = Issue(hook.code, hook.name, sev, v.message, "", err.line, err.column, context=v.context or {})
        return Result(path=err.path or "<input>", element=None, id=None, issues=[issue])

    def is_foreign(self, result: Result) -> bool:
        """True for the result of an input that is no Phenopacket, Family or Cohort (``package.json`` …).

        Its one finding is the input-unreadable role's, of kind ``foreign`` (see :attr:`EngineConfig.skip_foreign`).
        """
        issues = result.issues
        return (
            len(issues) == 1
            and issues[0].rule == self.unreadable_hook.name
            and issues[0].context.get("kind") == "foreign"
        )

    def check(self, item: Document | InputError, log: RunLog | None = None) -> Result:
        """:meth:`check_document` or :meth:`check_error`, whichever ``item`` needs."""
        return self.check_error(item) if isinstance(item, InputError) else self.check_document(item, log)

    def run(self, items: Iterable[Document | InputError], log: RunLog | None = None) -> Iterator[Result]:
        """Results for a stream of documents and read errors, in order (stops early with ``fail_fast``)."""
        for item in items:
            res = self.check_error(item) if isinstance(item, InputError) else self.check_document(item, log)
            yield res
            if self.config.fail_fast and _fails(res, self.config.fail_on):
                return

    # ------------------------------------------------------------------ the run

    def _remember(self, doc: Document, root: Node) -> Notes:
        """The run hooks' notes of a document (placing pointers from the text the document holds)."""
        place = partial(locate_one, doc)  # place(pointer) -> (line, column): no Python frame of its own
        notes = []
        for k, hook in enumerate(self.run_hooks):
            try:
                note = hook.remember(doc, root, self.ctx, place)
            except Exception as exc:  # reported in the document like any crashing rule
                self._crash(hook, "", exc)
                note = None
            if note is not None:
                notes.append((k, note))
        return tuple(notes)

    def run_log(self) -> RunLog:
        """A log for a whole run that feeds the run hooks as documents are added (see :class:`RunLog`)."""
        return RunLog(self)

    def _hook_runs(self) -> list[_HookRun]:
        return [_HookRun(hook.reducer()) for hook in self.run_hooks]

    def end_run(self, log: RunLog) -> None:
        """Cross-document findings of the run hooks, from the notes in ``log``, added to their results.

        A run hook's finding goes first in its document's findings (the document-level order of a report).
        A log from :meth:`run_log` has fed its hooks already; a plain one is fed here, in input order.
        """
        runs = log._runs
        if runs is None or log._engine is not self:  # a plain log, or one fed to another engine's hooks
            runs = self._hook_runs()
            for result, kept in log.entries:  # one pass over the run, whatever the number of run hooks
                for j, note in kept:
                    runs[j].add(result, note)
        for hook, run in zip(self.run_hooks, runs, strict=True):
            results = run.results
            if not results:
                continue
            sev = self.severity[hook.name]
            for found in run.reducer.finish():
                v = found.violation
                ptr = "".join("/" + escape(t) for t in v.path)
                s = sev if v.severity is None or hook.name in self._pinned else self._effective(v.severity)
                issue = Issue(hook.code, hook.name, s, v.message, ptr, found.line, found.column, v.fix)
                issue.context = v.context or {}
                results[found.index].issues.insert(0, issue)

    # ------------------------------------------------------------------ walk call-backs

    def _value(self, fs: S.FieldSpec, val: Any, ptr: str, parent: Node) -> None:
        """The full check of one value (the walks' slow path): child walk, timestamp rules, enum, type."""
        kind = fs.kind
        t = type(val)
        if kind == S.MESSAGE and t is dict:
            name = fs.message or ""
            self._walkers[name](val, Node(val, name, ptr, parent, fs.json_name))
            return
        if kind == S.TIMESTAMP and t is str:
            if self.timestamp_rules:
                node = Node(val, "Timestamp", ptr, parent, fs.json_name)
                for rule in self.timestamp_rules:
                    self._run(rule, node)
            return
        if kind == S.ENUM and (t is str or t is int):
            if self.enum_hook is not None:
                v = self.enum_hook.bad_enum(fs, val)
                if v is not None:
                    self._emit(self.enum_hook, ptr, v)
            return
        if val is None or self.type_hook is None:
            return
        for v in self.type_hook.wrong_type(fs, val):
            self._emit(self.type_hook, ptr, v)

    def _not_array(self, ptr: str, fs: S.FieldSpec, val: Any) -> None:
        if self.type_hook is not None:
            self._emit(self.type_hook, ptr, self.type_hook.not_an_array(fs, val))

    def _unknown(self, spec: S.MessageSpec, key: str, value: dict[str, Any], ptr: str) -> None:
        if self.unknown_hook is not None:
            self._unknown_found = True  # check_document asks the hook whether they say the document was misread
            self._emit(self.unknown_hook, ptr, self.unknown_hook.unknown_field(spec, key, value))

    def _check_required(self, value: dict[str, Any], node: Node, req: Required) -> None:
        hook = self.required_hook
        if hook is not None:
            for v in hook.missing(value, node, req):
                self._emit(hook, node.pointer, v)

    def _missing_oneof(self, value: dict[str, Any], node: Node, req: Required) -> None:
        hook = self.required_hook
        if hook is not None:
            v = hook.missing_oneof(value, node, req)
            if v is not None:
                self._emit(hook, node.pointer, v)

    # ------------------------------------------------------------------ rule calls

    def _run(self, rule: Rule, node: Node) -> None:
        try:
            found = rule.check(node, self.ctx)
            if found:
                for v in found:
                    self._emit(rule, node.pointer, v)
        except Exception as exc:  # a crashing rule must not stop the run
            self._crash(rule, node.pointer, exc)

    def _run_batch(self, rule: Rule, nodes: list[Node]) -> None:
        node: Node | None = None
        try:
            for node, v in rule.check_batch(nodes, self.ctx):
                self._emit(rule, node.pointer, v)
        except Exception as exc:
            self._crash(rule, node.pointer if node is not None else "", exc)

    def _run_end(self, rule: Rule, root: Node) -> None:
        try:
            found = rule.end_document(root, self.ctx)
            if found:  # () from most rules: no iterator made
                for v in found:
                    self._emit(rule, "", v)
        except Exception as exc:
            self._crash(rule, "", exc)

    def _crash(self, rule: Rule, ptr: str, exc: Exception) -> None:
        hook = self.crash_hook
        self._emit(hook, ptr, hook.crashed(rule, exc))

    def _emit(self, rule: Rule, base: str, v: Violation) -> None:
        path = v.path
        if not path:
            ptr = base
        elif len(path) == 1:  # most findings name one field of their node (e.g. ("label",))
            tok = path[0]
            if type(tok) is str and "~" not in tok and "/" not in tok:  # escape() would return it as it is
                ptr = base + "/" + tok
            else:
                ptr = base + "/" + escape(tok)
        else:
            ptr = base + "".join("/" + escape(t) for t in path)
        fix = v.fix
        if fix is not None and fix.ops:
            fix = Fix(tuple(_absolute(op, base) for op in fix.ops), safe=fix.safe, description=fix.description)
        name = rule.name
        sev = self.severity[name] if v.severity is None or name in self._pinned else self._effective(v.severity)
        self._issues.append(Issue(rule.code, name, sev, v.message, ptr, None, None, fix, v.context or {}))

    # ------------------------------------------------------------------ locations

    def _locate(self, doc: Document, issues: list[Issue]) -> None:
        pointers = set(map(_POINTER, issues)) if len(issues) > 1 else {issues[0].pointer}
        where = locate(doc, pointers)  # the io layer picks the strategy (root, canonical JSON, scan, YAML)
        for i in issues:
            i.line, i.column = where[i.pointer]


#: element → (root message type, element name of the result)
_ROOTS = {
    Element.PHENOPACKET: ("Phenopacket", "phenopacket"),
    Element.FAMILY: ("Family", "family"),
    Element.COHORT: ("Cohort", "cohort"),
}


_POINTER = attrgetter("pointer")


def _position(issue: Issue) -> tuple[int, int]:
    return (issue.line or 0, issue.column or 0)


def _absolute(op: PatchOp, base: str) -> PatchOp:
    return PatchOp(op.op, base + op.path, op.value, None if op.from_ is None else base + op.from_)


def _into_file(issues: list[Issue], prefix: str) -> None:
    """Prefix the pointers and fix operations of a document's findings with where it sits in its file."""
    for i in issues:
        i.pointer = prefix + i.pointer
        fx = i.fix
        if fx is not None and fx.ops:
            i.fix = Fix(tuple(_absolute(op, prefix) for op in fx.ops), safe=fx.safe, description=fx.description)


def _fails(res: Result, fail_on: Severity | None) -> bool:
    if fail_on is None:
        return False
    return any(i.severity.rank >= fail_on.rank for i in res.issues)


def finish_report(results: Iterable[Result], notes: list[str], hpo_version: str | None = None) -> Report:
    """A :class:`Report` from results (in input order)."""
    report = Report(results=list(results), hpo_version=hpo_version)
    report.notes.extend(notes)
    return report


ProgressFn = Callable[[int], None]

__all__ = ["ELEMENTS", "REFERENCE_WALK", "Engine", "EngineConfig", "ProgressFn", "RunLog", "finish_report"]
