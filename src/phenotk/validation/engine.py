"""The validation engine: walks each document once and dispatches nodes to the rules that target them.

* The walk follows the raw JSON tree (``Document.data``) guided by the protobuf descriptors, so
  unknown fields, wrong JSON types and bad enum values (rules ``schema-unknown-field``,
  ``schema-type``, ``schema-enum``) are found on the way, without a protobuf parse.
* Every other rule receives the nodes of the types it lists in ``targets`` (dispatch by a dict keyed
  by type name: no per-node scanning of rules), then ``end_document`` once per document.
* Rules yield violations with relative paths; the engine makes absolute pointers, applies the
  configured severity and looks up line:column only for documents that have findings.
"""

from __future__ import annotations

import difflib
import re
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from phenotk.errors import InputError
from phenotk.io import Document, Element, Format
from phenotk.io.sniff import element_of
from phenotk.io.sourcemap import escape
from phenotk.issue import Fix, Issue, PatchOp, Report, Result, Severity
from phenotk.validation import schema as S
from phenotk.validation.locate import locate_canonical, locate_json
from phenotk.validation.rule import ELEMENTS, Context, Node, Rule, Violation

_V1_KEYS = ("/negated", "/classOfOnset", "/class_of_onset")

UNKNOWN_FIELD = "schema-unknown-field"
TYPE = "schema-type"
ENUM = "schema-enum"
UNREADABLE = "input-unreadable"
REQUIRED_RULE = "schema-required"
INTERNAL = "internal-error"

#: v1 (and common misspelt) field names → v2 field to suggest
_RENAMED = {
    "negated": "excluded",
    "classOfOnset": "onset",
    "class_of_onset": "onset",
    "ageOfOnset": "onset",
    "ageAtOnset": "onset",
    "ageOfLastEncounter": "timeAtLastEncounter",
    "ageAtLastEncounter": "timeAtLastEncounter",
    "age_at_last_encounter": "timeAtLastEncounter",
    "ageAtCollection": "timeOfCollection",
    "hpoTerms": "phenotypicFeatures",
    "phenotypes": "phenotypicFeatures",
    "features": "phenotypicFeatures",
    "disease": "diseases",
    "iso8601Duration": "iso8601duration",
    "iso8601_duration": "iso8601duration",
    "schemaVersion": "phenopacketSchemaVersion",
}

_JSON_TYPE = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}


def _json_type(value: Any) -> str:
    return "null" if value is None else _JSON_TYPE.get(type(value), type(value).__name__)


@dataclass
class EngineConfig:
    """Resolved settings of a run (see :mod:`phenotk.validation.config` for where they come from)."""

    rules: tuple[type[Rule], ...]
    severity: Mapping[str, Severity] = field(default_factory=dict)  # rule name → severity override
    warnings_as_errors: bool = False  # profile ``strict``
    options: Mapping[str, Any] = field(default_factory=dict)  # per-rule options (e.g. user schemas)
    fail_fast: bool = False
    fail_on: Severity | None = Severity.ERROR


class _Walk:
    """A message type as one engine walks it: field table with child walks, and the hooks of this run."""

    __slots__ = ("leaf", "lists", "name", "required", "rules", "spec", "table")

    def __init__(self, spec: S.MessageSpec) -> None:
        self.spec = spec
        self.name = spec.name
        self.table: dict[str, tuple[type | None, bool, _Walk | None, S.FieldSpec]] = {}
        self.rules: list[Rule] | None = None
        self.lists: list[list[Node]] | None = None
        self.required: Any = None
        #: keys of a message whose fields are all singular strings (OntologyClass, Age, Resource …), else None
        self.leaf: frozenset[str] | None = None
        if spec.table and all(fast is str for fast, _, _, _ in spec.table.values()):
            self.leaf = frozenset(spec.table)


class Engine:
    """Runs a fixed set of rule instances over documents; one engine per run (or per worker process)."""

    def __init__(self, config: EngineConfig, *, hpo: Any = None) -> None:
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
        from phenotk.validation.registry import rule_classes

        by_name = {cls.name: cls for cls in rule_classes()}
        for name in (UNKNOWN_FIELD, TYPE, ENUM, UNREADABLE, INTERNAL):
            if name not in self.severity:
                default = by_name[name].severity if name in by_name else Severity.ERROR
                self.severity[name] = self._effective(config.severity.get(name, default))
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
        self.check_required = REQUIRED_RULE in self.enabled
        from phenotk.validation.rules.schema.required import REQUIRED, REQUIRED_ONEOF, pairs

        self.specs = S.message_specs()
        #: type → (rules, batch node lists, required field pairs): one lookup per node in the walk
        self.walks: dict[str, _Walk] = {name: _Walk(spec) for name, spec in self.specs.items()}
        for name in self.specs:
            fields_required = None
            if self.check_required and (name in REQUIRED or name in REQUIRED_ONEOF):
                field_pairs, oneof = pairs(name)
                req_names = tuple(j for j, _ in field_pairs)
                oneof_keys = None if oneof is None else frozenset(k for pair in oneof[1] for k in pair)
                fields_required = (req_names, oneof_keys, field_pairs, oneof)
            w = self.walks[name]
            w.rules, w.lists, w.required = self.dispatch.get(name), self.collect.get(name), fields_required
            w.table = {
                key: (fast, rep, None if child is None else self.walks[child.name], fs)
                for key, (fast, rep, child, fs) in self.specs[name].table.items()
            }
        if self.check_required:
            self.required_rule = next(r for r in self.rules if r.name == REQUIRED_RULE)
        self.codes = {cls.name: cls.code for cls in rule_classes()}
        self.check_unknown = UNKNOWN_FIELD in self.enabled
        self.check_type = TYPE in self.enabled
        self.check_enum = ENUM in self.enabled
        self.ctx = Context(hpo=hpo, options=config.options)
        self._issues: list[Issue] = []
        self._root: Node | None = None
        from phenotk.validation._walkgen import compile_walkers

        #: one generated walk function per message type (see ``_walkgen``)
        self._walkers = compile_walkers(self)

    def _effective(self, sev: Severity) -> Severity:
        if self.config.warnings_as_errors and sev is Severity.WARNING:
            return Severity.ERROR
        return sev

    # ------------------------------------------------------------------ documents

    def check_document(self, doc: Document) -> Result:
        """Every finding of one document, located."""
        issues: list[Issue] = []
        self._issues = issues
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
        for rule, nodes in zip(self.batchers, self._batch_lists, strict=True):
            if nodes:
                self._run_batch(rule, nodes)
        for rule in self.enders:
            self._run_end(rule, root)
        if issues:
            for i in issues:
                if i.rule == UNKNOWN_FIELD and i.pointer.endswith(_V1_KEYS):
                    try:  # a v1 feature key: is this a Phenopacket v1 document after all?
                        element_of(doc.data, doc.path)
                    except InputError as exc:
                        return self.check_error(exc)
                    break
            self._locate(doc, issues)
            if len(issues) > 1:  # most documents have one finding (hpo-release-older): nothing to order
                issues.sort(key=_position)
        return Result(doc.path, element, doc.id, issues)

    def check_error(self, err: InputError) -> Result:
        """The result for an input that could not be read (one ``input-unreadable`` issue)."""
        msg = err.message
        if err.kind == "v1" and "upgrade" not in msg:
            msg += "; convert it with `phenotk upgrade`"
        issue = Issue(
            code=self.codes.get(UNREADABLE, "IO001"),
            rule=UNREADABLE,
            severity=self.severity.get(UNREADABLE, Severity.ERROR),
            message=msg,
            pointer="",
            line=err.line,
            column=err.column,
            context={"kind": err.kind},
        )
        return Result(path=err.path or "<input>", element=None, id=None, issues=[issue])

    def run(self, items: Iterable[Document | InputError]) -> Iterator[Result]:
        """Results for a stream of documents and read errors, in order (stops early with ``fail_fast``)."""
        for item in items:
            res = self.check_error(item) if isinstance(item, InputError) else self.check_document(item)
            yield res
            if self.config.fail_fast and _fails(res, self.config.fail_on):
                return

    # ------------------------------------------------------------------ walk

    def _value(self, fs: S.FieldSpec, val: Any, ptr: str, parent: Node) -> None:
        kind = fs.kind
        if kind == S.MESSAGE:
            if type(val) is dict:
                name = fs.message or ""
                self._walkers[name](val, Node(val, name, ptr, parent, fs.json_name))
            elif self.check_type and val is not None:
                self._type_error(ptr, fs, val, "an object")
        elif kind == S.STRING:
            if type(val) is not str and self.check_type and val is not None:
                self._type_error(ptr, fs, val, "a string")
        elif kind == S.ENUM:
            if type(val) is str:
                if val not in fs.enum_values and self.check_enum:
                    self._enum_error(ptr, fs, val)
            elif type(val) is int:
                if val not in fs.enum_numbers and self.check_enum:
                    self._enum_error(ptr, fs, val)
            elif self.check_type and val is not None:
                self._type_error(ptr, fs, val, f"a {fs.enum} name (string)")
        elif kind == S.TIMESTAMP:
            if type(val) is str:
                rules = self.dispatch.get("Timestamp")
                if rules:
                    node = Node(val, "Timestamp", ptr, parent, fs.json_name)
                    for rule in rules:
                        self._run(rule, node)
            elif self.check_type and val is not None:
                self._type_error(ptr, fs, val, "an RFC 3339 timestamp string")
        elif kind == S.BOOL:
            if type(val) is not bool and self.check_type and val is not None:
                self._type_error(ptr, fs, val, "true or false", fix=_bool_fix(val))
        elif kind == S.INT:
            if not _is_int(val) and self.check_type and val is not None:
                self._type_error(ptr, fs, val, "an integer")
        elif kind == S.FLOAT:
            if not _is_number(val) and self.check_type and val is not None:
                self._type_error(ptr, fs, val, "a number")
        elif kind == S.BYTES:
            if type(val) is not str and self.check_type and val is not None:
                self._type_error(ptr, fs, val, "a base64 string")
        elif kind == S.MAP:
            if type(val) is not dict:
                if self.check_type and val is not None:
                    self._type_error(ptr, fs, val, "an object (map)")
            elif fs.map_value_kind == S.STRING and self.check_type:
                for k, v in val.items():
                    if type(v) is not str:
                        self._type_error(f"{ptr}/{escape(k)}", fs, v, "a string")

    # ------------------------------------------------------------------ structural findings

    def _add(self, rule: str, ptr: str, message: str, fix: Fix | None = None, severity: Severity | None = None) -> None:
        sev = self.severity[rule] if severity is None else self._effective(severity)
        self._issues.append(Issue(self.codes.get(rule, ""), rule, sev, message, ptr, fix=fix))

    def _unknown(self, spec: S.MessageSpec, key: str, value: dict[str, Any], ptr: str) -> None:
        kptr = ptr + "/" + escape(key)
        names = spec.key_names()
        target = _suggest(key, names, spec)
        where = spec.name
        if target is not None:
            fix = None
            if target not in value and S.snake_of(target) not in value:
                safe = _norm(key) == _norm(target)
                fix = Fix(
                    (PatchOp("move", ptr + "/" + escape(target), from_=kptr),),
                    safe=safe,
                    description=f"rename {key!r} to {target!r}",
                )
            msg = f"unknown field {key!r} in {where}; did you mean {target!r}?"
            self._add(UNKNOWN_FIELD, kptr, msg, fix)
        else:
            shown = ", ".join(names[:12]) + (", …" if len(names) > 12 else "")
            self._add(UNKNOWN_FIELD, kptr, f"unknown field {key!r} in {where} (known fields: {shown})")

    def _type_error(self, ptr: str, fs: S.FieldSpec, val: Any, expected: str, fix: Fix | None = None) -> None:
        shown = repr(val) if not isinstance(val, (dict, list)) else _json_type(val)
        if len(shown) > 60:
            shown = shown[:57] + "…"
        self._add(TYPE, ptr, f"{fs.json_name!r} must be {expected}, found {_json_type(val)} {shown}", fix)

    def _enum_error(self, ptr: str, fs: S.FieldSpec, val: Any) -> None:
        allowed = sorted(fs.enum_values)
        fix = None
        hint = ""
        if isinstance(val, str):
            cand = val.strip().upper().replace(" ", "_").replace("-", "_")
            match = next((a for a in allowed if a == cand), None)
            if match is None:
                close = difflib.get_close_matches(cand, allowed, n=1, cutoff=0.75)
                match = close[0] if close else None
            if match is not None:
                hint = f"; did you mean {match!r}?"
                safe = match == cand
                fix = Fix((PatchOp("replace", ptr, match),), safe=safe, description=f"use {match!r}")
        self._add(ENUM, ptr, f"{val!r} is not a {fs.enum} value{hint} (allowed: {', '.join(allowed)})", fix)

    # ------------------------------------------------------------------ rule calls

    def _run(self, rule: Rule, node: Node) -> None:
        try:
            found = rule.check(node, self.ctx)
            if found:
                for v in found:
                    self._emit(rule, node.pointer, v)
        except Exception as exc:  # a crashing rule must not stop the run
            self._crash(rule, node.pointer, exc)

    def _check_required(self, value: dict[str, Any], node: Node, fields_required: Any) -> None:
        for json_name, snake in fields_required[2]:
            v = value.get(json_name)
            if v is None:
                v = value.get(snake)
            if v is None or v == "" or v == []:
                if json_name == "metaData" and node.parent is not None:
                    continue  # member of a Family/Cohort: the enclosing metaData applies
                msg = f"{node.type} is missing REQUIRED field {json_name!r}"
                self._emit(self.required_rule, node.pointer, Violation(msg, (json_name,)))

    def _missing_oneof(self, value: dict[str, Any], node: Node, oneof: Any) -> None:
        group, members = oneof
        if all(value.get(a) is None and value.get(b) is None for a, b in members):
            names = ", ".join(a for a, _ in members)
            msg = f"{node.type} needs one of {names} (REQUIRED oneof {group!r})"
            self._emit(self.required_rule, node.pointer, Violation(msg))

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
        where = traceback.extract_tb(exc.__traceback__)[-1]
        self._issues.append(
            Issue(
                self.codes.get(INTERNAL, "PTK999"),
                INTERNAL,
                Severity.ERROR,
                f"rule {rule.name} failed here ({type(exc).__name__}: {exc} at {where.filename}:{where.lineno}); "
                "please report this bug",
                ptr,
            )
        )

    def _emit(self, rule: Rule, base: str, v: Violation) -> None:
        path = v.path
        if not path:
            ptr = base
        elif len(path) == 1:  # most findings name one field of their node (e.g. ("label",))
            ptr = base + "/" + escape(path[0])
        else:
            ptr = base + "".join("/" + escape(t) for t in path)
        fix = v.fix
        if fix is not None and fix.ops:
            fix = Fix(tuple(_absolute(op, base) for op in fix.ops), safe=fix.safe, description=fix.description)
        sev = self.severity[rule.name] if v.severity is None else self._effective(v.severity)
        self._issues.append(Issue(rule.code, rule.name, sev, v.message, ptr, fix=fix, context=v.context or {}))

    # ------------------------------------------------------------------ locations

    def _locate(self, doc: Document, issues: list[Issue]) -> None:
        pointers = {i.pointer for i in issues} if len(issues) > 1 else {issues[0].pointer}
        if pointers == _ROOT_ONLY and doc.format is Format.JSON and doc.line_offset == 0:
            # only document-level findings (e.g. hpo-release-older): the root is the first non-blank character
            root = _root_position(doc)
            if root is not None:
                for i in issues:
                    i.line, i.column = root
                return
        if doc.format is Format.JSON and doc.line_offset == 0:
            raw = doc.utf8()
            placed = None if raw is None else locate_canonical(raw, doc.data, pointers)
            if placed is not None:  # 2-space-indented JSON (most files): no scan at all
                for i in issues:
                    i.line, i.column = placed.get(i.pointer, (None, None))
                return
        if doc.format in (Format.JSON, Format.JSONL) and doc.text is not None:
            found = locate_json(doc.text, pointers, doc.line_offset)
            for i in issues:
                i.line, i.column = found.get(i.pointer, (None, None))
        elif doc.text is not None:
            for i in issues:
                i.line, i.column = doc.locate(i.pointer)


#: element → (root message type, element name of the result)
_ROOTS = {
    Element.PHENOPACKET: ("Phenopacket", "phenopacket"),
    Element.FAMILY: ("Family", "family"),
    Element.COHORT: ("Cohort", "cohort"),
}

_BLANKS = re.compile(rb"[ \t\r\n]*")
_ROOT_ONLY = frozenset({""})  # the pointers of document-level findings only


def _root_position(doc: Document) -> tuple[int, int] | None:
    """(line, column) of a JSON document's root value, from its leading blanks (None: no text)."""
    raw = doc.utf8()
    if raw is None:
        return None
    if raw[:1] not in b" \t\r\n":  # starts with the root value (b"" is in every bytes: it takes the long way)
        return 1, 1
    start = _BLANKS.match(raw).end()  # type: ignore[union-attr]  # matches (possibly empty) everywhere
    return raw.count(b"\n", 0, start) + 1, start - (raw.rfind(b"\n", 0, start) + 1) + 1


def _position(issue: Issue) -> tuple[int, int]:
    return (issue.line or 0, issue.column or 0)


def _absolute(op: PatchOp, base: str) -> PatchOp:
    return PatchOp(op.op, base + op.path, op.value, None if op.from_ is None else base + op.from_)


def _fails(res: Result, fail_on: Severity | None) -> bool:
    if fail_on is None:
        return False
    return any(i.severity.rank >= fail_on.rank for i in res.issues)


def _is_int(val: Any) -> bool:
    t = type(val)
    if t is int:
        return True
    if t is float:
        return bool(val == int(val)) if val == val and val not in (float("inf"), float("-inf")) else False
    if t is str:
        s = val.strip()
        return s.lstrip("-").isdigit()
    return False


def _is_number(val: Any) -> bool:
    t = type(val)
    if t is int or t is float:
        return True
    if t is str:
        if val in ("NaN", "Infinity", "-Infinity"):
            return True
        try:
            float(val)
        except ValueError:
            return False
        return True
    return False


def _bool_fix(val: Any) -> Fix | None:
    if isinstance(val, str) and val.strip().lower() in ("true", "false"):
        value = val.strip().lower() == "true"
        return Fix((PatchOp("replace", "", value),), safe=True, description="use a JSON boolean")
    return None


def _norm(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


def _suggest(key: str, names: list[str], spec: S.MessageSpec) -> str | None:
    norm = _norm(key)
    for n in names:
        if _norm(n) == norm:
            return n
    renamed = _RENAMED.get(key)
    if renamed is not None and renamed in names:
        return renamed
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.75)
    if close:
        return close[0]
    lowered = {n.lower(): n for n in names}
    close = difflib.get_close_matches(key.lower(), list(lowered), n=1, cutoff=0.75)
    return lowered[close[0]] if close else None


def finish_report(results: Iterable[Result], notes: list[str], hpo_version: str | None = None) -> Report:
    """A :class:`Report` from results (in input order)."""
    report = Report(results=list(results), hpo_version=hpo_version)
    report.notes.extend(notes)
    return report


ProgressFn = Callable[[int], None]

__all__ = ["ELEMENTS", "Engine", "EngineConfig", "ProgressFn", "finish_report"]
