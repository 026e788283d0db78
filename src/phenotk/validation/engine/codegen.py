"""Generate one walk function per message type from a walk plan (straight-line field dispatch), lazily.

An interpreted walk looks every key up in a table and unpacks a tuple per field; on the 7,682-file store that
loop is most of the run. Here each message type gets a small function whose ``if key == …`` chain knows the
field kinds, whose hooks (rules, batch lists, required fields of its :class:`~.plan.TypePlan`) are bound as
constants, and which calls the child types' functions directly. Its behaviour is the interpreted walk's
(:mod:`.reference`, selected with ``PHENOTK_REFERENCE_WALK=1``); a differential test over the public store
checks that both give the same findings. The generator knows the plan, the
:class:`~.plan.WalkRuntime` it calls back into and the walk roles of :mod:`phenotk.validation.hooks` (a
:class:`~phenotk.validation.hooks.OneofHook` is called only for a message with two or more member keys), never
the engine or a rule.

Two shortcuts follow from the hooks of the run (:func:`_liveness`): a field whose value nothing of this run
would look at (no rule, batch list or hook in the subtree of its type, and no unknown-field or wrong-type hook)
gets no branch, so a walk with no rule selected touches nothing below the root; and a type without rules,
batch lists or message fields (``Resource``, ``VcfRecord`` …) builds its :class:`~phenotk.validation.rule.Node`
only when it calls a hook, since nothing else would see it. The callers of a leaf type without rules whose
required fields are all it has (``OntologyClass``, ``Expression``: :func:`_inlined`) run the first steps of
its walker themselves and call the rest of it (``walk_N_rest``) only when a message is not just its required
fields with non-empty strings. Likewise the callers of a type without rules listed in :data:`_HOT`
(``PhenotypicFeature``) build its nodes themselves for a message of its commonest shape (a valid type and
``excluded``, nothing else) and call its walker for any other.

Such a lazy type is looked at by the walk hooks alone (unknown field, wrong type, enum value, required fields),
and their answer depends on nothing but the value. Where documents repeat the values of such a field (the
7,682 files of the public store cite 11 distinct ``metaData.resources`` lists: :data:`_REMEMBERED`), the field
remembers, per engine, the JSON text of the values whose walk gave no finding (:func:`_json_text`: documents
parsed from JSON text only, where the text tells every value apart) and skips the walk of a value it has seen
clean.
"""

from __future__ import annotations

import functools
import hashlib
import linecache
import marshal
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import CodeType
from typing import Any

import orjson

from phenotk.io import Format
from phenotk.validation import schema as S
from phenotk.validation.engine.plan import TypePlan, WalkFn, WalkRuntime
from phenotk.validation.hooks import OneofHook
from phenotk.validation.rule import Context, Node


def compile_walkers(plans: dict[str, TypePlan], runtime: WalkRuntime) -> dict[str, WalkFn]:
    """Walk functions keyed by message type name, each generated and compiled on its first call.

    A run over one file only pays for the types that file has. Every walker's source is registered in
    :mod:`linecache` under its own file name, so tracebacks and pdb show the generated line.
    """
    env: dict[str, Any] = {
        "ctx": runtime.ctx,
        "emit": runtime._emit,
        "crash": runtime._crash,
        "check_required": runtime._check_required,
        "missing_oneof": runtime._missing_oneof,
        "unknown": runtime._unknown,
        "not_array": runtime._not_array,
        "slow": runtime._value,
        "run": runtime._run,
        "timestamp_rules": runtime.timestamp_rules,
        "new": tuple.__new__,
        "Node": Node,
        "SUFFIXES": _SUFFIXES,
        "MAX_SUFFIX": len(_SUFFIXES),
        "numbered": _numbered,
        "rt": runtime,
        "json_text": _json_text,
        "CLEAN_LIMIT": CLEAN_LIMIT,
    }
    names = {name: f"walk_{i}" for i, name in enumerate(plans)}
    live, lazy = _liveness(plans, runtime)
    inline = frozenset(name for name, w in plans.items() if name in live and _inlined(w))
    gen = _Gen(runtime, names, env, live, lazy, inline)
    walkers: dict[str, WalkFn] = {}

    def build(name: str) -> WalkFn:
        fn = names[name]
        source = gen.source(plans[name])
        exec(_compiled(source, name), env)
        walkers[name] = env[fn]
        return env[fn]  # type: ignore[no-any-return]

    def stub(name: str) -> WalkFn:
        def first_call(value: dict[str, Any], node: Any, *where: Any) -> None:
            build(name)(value, node, *where)  # type: ignore[call-arg]  # a lazy type's walker takes its place

        return first_call

    def rest_stub(name: str) -> WalkFn:
        def first_call(value: dict[str, Any], node: Any) -> None:
            build(name)
            env[f"{names[name]}_rest"](value, node)

        return first_call

    for name, fn in names.items():
        # generated code calls its children by global name, so replacing env[fn] re-links every caller
        env[fn] = walkers[name] = stub(name)
        if name in inline and name not in lazy:
            env[f"{fn}_rest"] = rest_stub(name)
    return walkers


_CODE: dict[str, CodeType] = {}


def _compiled(source: str, type_name: str) -> CodeType:
    """The code object of a walker source, compiled once, its source registered in ``linecache``.

    Repeated engines in one process (API calls in a notebook, benchmark repeats) reuse it from memory; a new
    process reads it from the on-disk walker cache (:func:`_load_cached`) when an earlier run compiled the
    same source. The file name is unique per source (``<phenotk walker Phenopacket 1a2b3c4d5e6f>``), as attrs
    does for its generated methods.
    """
    code = _CODE.get(source)
    if code is None:
        if len(_CODE) > 1024:
            _CODE.clear()
        digest = hashlib.sha1(source.encode("utf-8"), usedforsecurity=False).hexdigest()
        filename = f"<phenotk walker {type_name} {digest[:12]}>"
        code = _load_cached(digest, filename)
        if code is None:
            code = compile(source, filename, "exec")
            _store_cached(digest, code)
        _CODE[source] = code
    if code.co_filename not in linecache.cache:  # also after a linecache.clearcache()
        linecache.cache[code.co_filename] = (len(source), None, source.splitlines(True), code.co_filename)
    return code


# ---------------------------------------------------------------------- the on-disk walker cache
#
# ``<cache>/walkers/<python cache tag>-phenotk<version>-protobuf<version>/<sha1 of the source>``: a compiled
# walker per generated source. The source is generated in every run (it binds this run's rules and field
# specs as constants), so its hash names exactly the plan (message types of the installed phenopackets, rules,
# hooks) and the generator; the folder adds what decides the bytecode (Python) and, as belts and braces, the
# versions of phenotk and protobuf. Files are written atomically; an unwritable or damaged cache is skipped
# silently (the walker is then compiled, as without a cache). ``PHENOTK_WALKER_CACHE=0`` turns it off.

_MAGIC = b"PHTKWLK1"
#: environment variable: ``0`` turns the on-disk walker cache off
WALKER_CACHE = "PHENOTK_WALKER_CACHE"


@functools.cache
def _cache_folder() -> Path | None:
    """The walker cache folder of this interpreter and these versions (None: switched off); looked up once."""
    if os.environ.get(WALKER_CACHE, "1").lower() in ("0", "false", "no"):
        return None
    from google.protobuf import __version__ as protobuf_version

    from phenotk._version import __version__
    from phenotk.ontology.cache import cache_dir

    tag = f"{sys.implementation.cache_tag}-phenotk{__version__}-protobuf{protobuf_version}"
    return cache_dir() / "walkers" / tag


def _load_cached(digest: str, filename: str) -> CodeType | None:
    folder = _cache_folder()
    if folder is None:
        return None
    try:
        blob = (folder / digest).read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + 20
    body = blob[head:]
    if blob[: len(_MAGIC)] != _MAGIC or hashlib.sha1(body, usedforsecurity=False).digest() != blob[len(_MAGIC) : head]:
        return None
    try:
        code = marshal.loads(body)
    except (ValueError, EOFError, TypeError):
        return None
    return code if isinstance(code, CodeType) and code.co_filename == filename else None


def _store_cached(digest: str, code: CodeType) -> None:
    folder = _cache_folder()
    if folder is None:
        return
    body = marshal.dumps(code)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(_MAGIC + hashlib.sha1(body, usedforsecurity=False).digest() + body)
            os.replace(tmp, folder / digest)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass


#: JSON pointer suffixes of list items ("/0" … "/4095")
_SUFFIXES = tuple(f"/{i}" for i in range(4096))


def _numbered(items: list[Any]) -> Iterator[tuple[str, Any]]:
    """(pointer suffix, item) for lists longer than the precomputed suffixes."""
    return ((f"/{i}", item) for i, item in enumerate(items))


#: (type, proto field name) of fields of a lazy type whose values documents repeat: their walk is skipped for a
#: value already seen clean (text, hash and look-up cost about what walking a few small messages does, so only
#: fields whose values mostly repeat pay: on the store, resource lists do; variants' expressions and VCF
#: records repeat in under half of the documents and do not)
_REMEMBERED = frozenset({("MetaData", "resources")})
#: per remembered field, at most this many clean values are remembered (and only texts up to CLEAN_SIZE bytes:
#: 40 MB at worst; the store's whole run remembers 11 resource lists)
CLEAN_LIMIT = 10_000
CLEAN_SIZE = 4096
#: ``ctx.state`` key: whether the document's tree was parsed from JSON text
_PARSED = "walk:parsed-json"
_JSON_FORMATS = (Format.JSON, Format.JSONL)


def _json_text(value: Any, ctx: Context) -> bytes | None:
    """The JSON text of ``value`` when it tells the value apart for the walk hooks (the clean-value memo's key).

    None — no memo, the value is walked — unless the document's tree was parsed from JSON text (plain JSON
    values only: a dict handed to the API may hold a ``str`` subclass, an enum or a UUID, which JSON text writes
    like a string), and when the text holds a null (a NaN from a lenient parser is written as null too), is no
    JSON (an integer past 64 bits) or is longer than ``CLEAN_SIZE`` bytes.
    """
    state = ctx.state
    parsed = state.get(_PARSED)
    if parsed is None:
        doc = ctx.document
        parsed = state[_PARSED] = doc is not None and doc.format in _JSON_FORMATS and doc.utf8() is not None
    if not parsed:
        return None
    try:
        text = orjson.dumps(value)
    except (TypeError, orjson.JSONEncodeError):
        return None
    if len(text) > CLEAN_SIZE or b"null" in text:
        return None
    return text


#: fields tested first in a type's ``if key == …`` chain: the ones most documents carry (counts on the
#: phenopacket-store); the order of the chain does not change what it does, only how many tests a key costs
_FIRST: dict[str, tuple[str, ...]] = {
    "PhenotypicFeature": ("type", "excluded", "onset"),
    "Individual": ("sex", "id", "time_at_last_encounter"),
    "VariationDescriptor": ("id", "molecule_context", "allelic_state", "gene_context", "vcf_record", "expressions"),
    "TimeElement": ("age", "ontology_class"),
    "Disease": ("term", "onset"),
    "ExternalReference": ("id", "description"),
}


#: per type without rules, the fields of its commonest shape (PhenotypicFeature: 59 % of the store's are just a type
#: and ``excluded``, 36 % just a type): a caller whose message holds only these, each valid, does the walker's
#: work itself (:meth:`_Gen.hot_lines`) and calls it only otherwise. Scalar fields, and at most one field of an
#: inlined type that is required (its all-present shortcut then applies); one spelling each.
_HOT: dict[str, tuple[str, ...]] = {"PhenotypicFeature": ("type", "excluded")}


def _liveness(plans: dict[str, TypePlan], runtime: WalkRuntime) -> tuple[frozenset[str], frozenset[str]]:
    """The types whose walk can call a rule or hook (live), and the live types that need no node of their own.

    A type is live when it has rules, batch lists or required fields, when an unknown-field or wrong-type hook
    runs (any key or value may be wrong), when it has an enum field and an enum-value hook runs or a timestamp
    field and timestamp rules run, or when one of its message fields is of a live type. A lazy type is a live
    one without rules, batch lists and message or timestamp fields: no rule ever receives its node and no
    child node has it as parent, so its walker builds the node only when it calls a hook.
    """
    every = runtime.check_unknown or runtime.check_type

    def active(w: TypePlan) -> bool:
        if every or w.rules or w.lists or w.required is not None:
            return True
        kinds = {fs.kind for _, _, _, fs in w.table.values()}
        return (S.ENUM in kinds and runtime.check_enum) or (S.TIMESTAMP in kinds and bool(runtime.timestamp_rules))

    def children(w: TypePlan) -> set[str]:
        return {fs.message or "" for _, _, _, fs in w.table.values() if fs.kind == S.MESSAGE}

    live = {name for name, w in plans.items() if active(w)}
    grown = True
    while grown:  # a type with a live child type is live (message types may nest each other: to a fixpoint)
        grown = False
        for name, w in plans.items():
            if name not in live and not children(w).isdisjoint(live):
                live.add(name)
                grown = True
    lazy = {
        name
        for name in live
        if not plans[name].rules
        and not plans[name].lists
        and all(fs.kind not in (S.MESSAGE, S.TIMESTAMP) for _, _, _, fs in plans[name].table.values())
    }
    return frozenset(live), frozenset(lazy)


def _inlined(w: TypePlan) -> bool:
    """True for a type whose callers run the first steps of its walker themselves (one call less per message).

    Such a type (OntologyClass, a third of a document's messages; Expression) has no rules and is a leaf whose
    required fields are all it has: a caller builds its node, appends it to the batch lists and takes the
    all-present shortcut (:func:`_all_present`), calling the rest of the walker (``walk_N_rest``) only when
    that does not apply. A lazy type has no node or batch list: its caller calls its whole walker instead.
    """
    return not w.rules and _has_shortcut(w)


def _has_shortcut(w: TypePlan) -> bool:
    """True for a leaf type whose required fields are all it has (OntologyClass {id, label}, most messages).

    Exactly those keys with non-empty string values then leave nothing to check (:func:`_all_present`).
    """
    req = w.required
    return (
        w.leaf is not None
        and req is not None
        and bool(req.names)
        and req.oneof_keys is None
        and set(req.names) <= w.leaf
    )


def _all_present(var: str, names: tuple[str, ...]) -> list[str]:
    """Statements setting ``done``: ``var`` holds exactly the keys ``names``, each a non-empty string.

    Subscripts in a try block: cheaper than a ``get()`` call each, and a missing key is rare.
    """
    got = [f"s{j}" for j in range(len(names))]
    test = " and ".join(
        [f"len({var}) == {len(names)}"]
        + [f"type({g} := {var}[{n!r}]) is str" for g, n in zip(got, names, strict=True)]
        + got
    )
    return ["try:", f"    done = {test}", "except KeyError:", "    done = False"]


def _inert(runtime: WalkRuntime, fs: S.FieldSpec, live: frozenset[str]) -> bool:
    """True when no value of the field could make this run call anything (without the unknown-field hook)."""
    if runtime.check_unknown or runtime.check_type:
        return False
    if fs.kind == S.MESSAGE:
        return fs.message not in live
    return not (fs.kind == S.ENUM and runtime.check_enum) and not (fs.kind == S.TIMESTAMP and runtime.timestamp_rules)


class _Gen:
    """What generating the walkers of one run needs.

    The run's hooks (``runtime``), the walkers' names and shared namespace (``env``), and which types are live,
    lazy (no node of their own) and inlined into their callers.
    """

    def __init__(
        self,
        runtime: WalkRuntime,
        names: dict[str, str],
        env: dict[str, Any],
        live: frozenset[str],
        lazy: frozenset[str],
        inline: frozenset[str],
    ) -> None:
        self.runtime, self.names, self.env = runtime, names, env
        self.live, self.lazy, self.inline = live, lazy, inline

    def source(self, w: TypePlan) -> str:
        """The source of type ``w``'s walker (and of its ``_rest`` part when callers inline its first steps)."""
        env = self.env
        fn = p = self.names[w.name]  # the walker's name prefixes the constants of this type
        env[f"{p}_w"] = w
        env[f"{p}_spec"] = w.spec
        if w.name not in self.live:  # nothing below this type could call a rule or hook (a run with no rule)
            return f"def {fn}(value, node):\n    pass"
        if w.name in self.lazy:  # called with node None and where its node would be (built only for a hook)
            lines = [f"def {fn}(value, node, parent=None, ptr=None, field=None):", "    if node is not None:"]
            lines += ["        ptr = node[2]"]
        else:
            lines = [f"def {fn}(value, node):"]
        lines += _rule_lines(w, p, env)
        lines += _required_lines(w, p, env)
        tail = self.tail(w, p)
        if w.name in self.inline and w.name not in self.lazy:  # without what its inlining callers do themselves
            tail += ["", f"def {fn}_rest(value, node):", *_required_lines(w, p, env, shortcut=False), *tail]
        lines += tail
        return "\n".join(_lazy_node(lines, w.name) if w.name in self.lazy else lines)

    def tail(self, w: TypePlan, p: str) -> list[str]:
        """A walker after its rules and required fields: a leaf's all-strings shortcut, then the loop over its keys."""
        lines: list[str] = []
        branches = self.fields(w, p)
        check_unknown = self.runtime.check_unknown
        if not branches and not check_unknown:  # no field could call anything
            return lines
        if w.leaf is not None:
            self.env[f"{p}_leaf"] = w.leaf
            lines += [
                f"    if value.keys() <= {p}_leaf:",
                "        for val in value.values():",
                "            if type(val) is not str:",
                "                break",
                "        else:",
                "            return",
            ]
        if w.name not in self.lazy:
            lines.append("    ptr = node[2]")
        lines.append("    for key, val in value.items():")
        lines += branches
        lines.append("        else:" if branches else "        if True:")
        if check_unknown:
            lines.append(f"            unknown({p}_spec, key, value, ptr)")
        else:
            lines.append("            pass")
        return lines

    def fields(self, w: TypePlan, p: str) -> list[str]:
        """The ``if key == …`` chain over the type's fields (without the branch for unknown keys)."""
        env = self.env
        lines: list[str] = []
        by_field: dict[int, tuple[S.FieldSpec, list[str], TypePlan | None]] = {}
        for key, (_fast, _rep, child, fs) in w.table.items():
            if _inert(self.runtime, fs, self.live):
                continue
            by_field.setdefault(id(fs), (fs, [], child))[1].append(key)
        first_names = _FIRST.get(w.name, ())
        ordered = sorted(
            by_field.values(), key=lambda f: first_names.index(f[0].name) if f[0].name in first_names else 99
        )
        for n, (fs, keys, child) in enumerate(ordered):
            single = list(dict.fromkeys(keys))
            cond = " or ".join(f"key == {k!r}" for k in single)
            fsn = f"{p}_fs_{fs.name}"
            env[fsn] = fs
            if fs.kind == S.ENUM:
                env[f"{fsn}_values"] = fs.enum_values
            lines.append(f"        {'elif' if n else 'if'} {cond}:")
            # the pointer of the value: a constant suffix when the field has one spelling (camelCase = snake_case)
            simple = len(single) == 1 and not {"~", "/"} & set(single[0])
            kptr = f"ptr + {'/' + single[0]!r}" if simple else "ptr + '/' + key"
            body = _field_body(self, fs, child, fsn, kptr)
            if child is not None and child.name in self.lazy and (w.name, fs.name) in _REMEMBERED:
                body = _remembered(body, f"{fsn}_clean", env)
            lines += ["            " + b for b in body]
        return lines

    def hot_lines(self, child: TypePlan, var: str, ptr: str, field: str) -> list[str]:
        """The statements walking ``var`` of a type with hot fields (:data:`_HOT`); [] for other types.

        When ``var`` holds only hot fields, each valid (a scalar of its kind, the inlined field's message exactly
        its required strings) and the required ones present, the walker would only build the nodes and append
        them to the batch lists: that is done here, in the walker's order (the message's node, then the inlined
        field's). Anything else calls the walker, which finds what is wrong.
        """
        hot = _HOT.get(child.name)
        fields = _hot_fields(child, hot, self.inline, self.lazy) if hot else None
        if fields is None:
            return []
        env = self.env
        fn = self.names[child.name]
        required = set(child.required.names) if child.required is not None else set()
        # only hot keys: as many keys as the hot fields it must have (their values are subscripted below: a
        # missing one raises KeyError) plus the optional hot fields it has (no keys view built and compared)
        optional = [fs.json_name for fs, sub in fields if sub is None and fs.json_name not in required]
        size = " + ".join([str(len(fields) - len(optional)), *(f"({k!r} in {var})" for k in optional)])
        tests = [f"len({var}) == {size}"]
        inlined: tuple[str, TypePlan] | None = None
        for fs, sub in fields:
            key = fs.json_name
            if sub is not None:  # the inlined type's all-present shortcut on the (required) field's value
                names = sub.required.names if sub.required is not None else ()
                got = [f"h{j}" for j in range(len(names))]
                tests += [f"type(hc := {var}[{key!r}]) is dict", f"len(hc) == {len(names)}"]
                tests += [f"type({g} := hc[{n!r}]) is str" for g, n in zip(got, names, strict=True)] + got
                inlined = (key, sub)
            else:
                kind, empty = {S.STRING: ("str", "''"), S.BOOL: ("bool", "False")}[fs.kind]
                if key in required:
                    tests += [f"type(hv := {var}[{key!r}]) is {kind}", "hv"]
                else:
                    tests.append(f"type({var}.get({key!r}, {empty})) is {kind}")
        make = f"new(Node, ({var}, {child.name!r}, {ptr}, node, {field!r}))"
        lines = ["try:", f"    hot = {' and '.join(tests)}", "except KeyError:", "    hot = False", "if hot:"]
        lines.append(f"    hnode = {make}")
        for j, lst in enumerate(child.lists or ()):
            env[f"{fn}_list{j}"] = lst  # the walker binds the same list under this name
            lines.append(f"    {fn}_list{j}.append(hnode)")
        if inlined is not None:
            key, sub = inlined
            sfn = self.names[sub.name]
            lines.append(f"    hsub = new(Node, (hc, {sub.name!r}, hnode[2] + {'/' + key!r}, hnode, {key!r}))")
            for j, lst in enumerate(sub.lists or ()):
                env[f"{sfn}_list{j}"] = lst
                lines.append(f"    {sfn}_list{j}.append(hsub)")
        return [*lines, "else:", f"    {fn}({var}, {make})"]

    def call(self, child: TypePlan, var: str, ptr: str, field: str) -> list[str]:
        """The statements walking ``var`` (a dict) of type ``child`` at pointer ``ptr``, reached through ``field``.

        With the child's node; with where its node would be (a lazy type); or, for an inlined type, by running
        the first steps of the child's walker itself.
        """
        fn = self.names[child.name]
        lines: list[str] = []
        hot = self.hot_lines(child, var, ptr, field)
        if hot:
            return hot
        if child.name in self.lazy:  # no node, no batch list: the whole walker when the shortcut does not apply
            call = f"{fn}({var}, None, node, {ptr}, {field!r})"
        else:
            make = f"new(Node, ({var}, {child.name!r}, {ptr}, node, {field!r}))"
            if child.name not in self.inline:
                return [f"{fn}({var}, {make})"]
            lines.append(f"sub = {make}")
            for j, lst in enumerate(child.lists or ()):
                self.env[f"{fn}_list{j}"] = lst  # the child's walker binds the same list under this name
                lines.append(f"{fn}_list{j}.append(sub)")
            call = f"{fn}_rest({var}, sub)"
        if child.name not in self.inline:
            return [call]
        names = child.required.names if child.required is not None else ()
        # the callee's all-present shortcut (as in _required_lines), its call outside the try block
        return [*lines, *_all_present(var, names), "if not done:", f"    {call}"]


def _hot_fields(
    w: TypePlan, hot: tuple[str, ...], inline: frozenset[str], lazy: frozenset[str]
) -> list[tuple[S.FieldSpec, TypePlan | None]] | None:
    """The hot fields of ``w`` with the inlined type of a message field (None: the shortcut does not apply).

    It applies to a type with no rules, a node of its own and no required oneof, whose required fields are all
    hot; a hot field has one spelling and is a string, a bool, or a required field of an inlined type (one).
    """
    req = w.required
    if w.rules or w.name in lazy or w.name in inline or (req is not None and req.oneof_keys is not None):
        return None
    if req is not None and not set(req.names) <= set(hot):
        return None
    fields: list[tuple[S.FieldSpec, TypePlan | None]] = []
    by_key = {key: (child, fs) for key, (_fast, _rep, child, fs) in w.table.items()}
    for key in hot:
        child, fs = by_key.get(key, (None, None))
        if fs is None or fs.repeated or [k for k, (_c, f) in by_key.items() if f is fs] != [key]:
            return None
        if child is not None:
            if child.name not in inline or child.name in lazy or req is None or key not in req.names:
                return None
        elif fs.kind not in (S.STRING, S.BOOL):
            return None
        fields.append((fs, child))
    if sum(child is not None for _, child in fields) > 1:
        return None
    return fields


def _lazy_node(lines: list[str], type_name: str) -> list[str]:
    """A lazy type's walker: its node built before the first hook call that takes it (once per message)."""
    out: list[str] = []
    for line in lines:
        code = line.lstrip()
        if code.startswith(("slow(", "check_required(", "missing_oneof(")):
            indent = line[: len(line) - len(code)]
            make = f"new(Node, (value, {type_name!r}, ptr, parent, field))"
            out += [f"{indent}if node is None:", f"{indent}    node = {make}"]
        out.append(line)
    return out


def _rule_lines(w: TypePlan, p: str, env: dict[str, Any]) -> list[str]:
    """The calls of the rules targeting the type, then the appends to the batch rules' node lists."""
    lines: list[str] = []
    # one try block per rule rather than a loop over them: no iterator and no loop variable per node
    for j, rule in enumerate(w.rules or ()):
        r = f"{p}_rule{j}"
        env[r] = rule
        call = [
            "try:",
            f"    found = {r}.check(node, ctx)",
            "    if found:",
            "        for v in found:",
            f"            emit({r}, node[2], v)",
            "except Exception as exc:",
            f"    crash({r}, node[2], exc)",
        ]
        if isinstance(rule, OneofHook):  # a message with fewer than two member keys sets no two members
            env[f"{r}_keys"] = rule.member_keys(w.name)
            call = [f"if len(value) > 1 and len({r}_keys.intersection(value)) > 1:", *["    " + c for c in call]]
        lines += ["    " + c for c in call]
    for j, lst in enumerate(w.lists or ()):
        env[f"{p}_list{j}"] = lst
        lines.append(f"    {p}_list{j}.append(node)")
    return lines


def _required_lines(w: TypePlan, p: str, env: dict[str, Any], shortcut: bool = True) -> list[str]:
    """The required-field tests: a leaf type's all-present shortcut, then the pre-tests that call the hook."""
    req = w.required
    if req is None:
        return []
    lines: list[str] = []
    req_names, oneof_keys = req.names, req.oneof_keys
    if shortcut and _has_shortcut(w):  # exactly the required keys, non-empty strings: nothing to check
        lines += ["    " + line for line in _all_present("value", req_names)] + ["    if done:", "        return"]
    env[f"{p}_req"] = req
    if req_names:
        # ``not value.get(a) or not value.get(b)`` by subscripts (no method call each; an absent key is rare)
        present = " and ".join(f"value[{n!r}]" for n in req_names)
        lines += [
            "    try:",
            f"        present = {present}",
            "    except KeyError:",
            "        present = None",
            "    if not present:",
            f"        check_required(value, node, {p}_req)",
        ]
    if oneof_keys is not None:
        env[f"{p}_oneof_keys"] = oneof_keys
        lines += [f"    if {p}_oneof_keys.isdisjoint(value):", f"        missing_oneof(value, node, {p}_req)"]
    return lines


def _remembered(body: list[str], clean: str, env: dict[str, Any]) -> list[str]:
    """A remembered field's body behind its memo of clean values (JSON texts whose walk gave no finding)."""
    env[clean] = set()
    return [
        "text = json_text(val, ctx)",
        f"if text is None or text not in {clean}:",
        "    seen = len(rt._issues)",
        *["    " + b for b in body],
        f"    if text is not None and len(rt._issues) == seen and len({clean}) < CLEAN_LIMIT:",
        f"        {clean}.add(text)",
    ]


def _field_body(gen: _Gen, fs: S.FieldSpec, child: TypePlan | None, fsn: str, kptr: str) -> list[str]:
    runtime = gen.runtime
    kind = fs.kind
    if fs.repeated:
        # item pointers from precomputed "/0", "/1" … suffixes (an f-string per item costs twice as much)
        out = [
            "if type(val) is list:",
            f"    base = {kptr}",
            "    pairs = zip(SUFFIXES, val) if len(val) <= MAX_SUFFIX else numbered(val)",
        ]
        if child is not None:
            out += [
                "    for suffix, item in pairs:",
                "        if type(item) is dict:",
                *["            " + c for c in gen.call(child, "item", "base + suffix", fs.json_name)],
                "        else:",
                f"            slow({fsn}, item, base + suffix, node)",
            ]
        elif kind == S.STRING:
            out += [
                "    for suffix, item in pairs:",
                "        if type(item) is not str:",
                f"            slow({fsn}, item, base + suffix, node)",
            ]
        else:
            out += ["    for suffix, item in pairs:", f"        slow({fsn}, item, base + suffix, node)"]
        out += ["elif val is not None:"]
        if runtime.check_type:
            out += [f"    not_array({kptr}, {fsn}, val)"]
        else:
            out += ["    pass"]
        return out
    if child is not None:
        return [
            "if type(val) is dict:",
            *["    " + c for c in gen.call(child, "val", kptr, fs.json_name)],
            "elif val is not None:",
            f"    slow({fsn}, val, {kptr}, node)",
        ]
    if kind == S.STRING:
        return ["if type(val) is not str and val is not None:", f"    slow({fsn}, val, {kptr}, node)"]
    if kind == S.BOOL:
        return ["if type(val) is not bool and val is not None:", f"    slow({fsn}, val, {kptr}, node)"]
    if kind == S.ENUM:
        return [
            f"if not (type(val) is str and val in {fsn}_values) and val is not None:",
            f"    slow({fsn}, val, {kptr}, node)",
        ]
    # valid scalars of the common kinds are told apart here; anything else takes the engine's full check
    if kind == S.INT:
        return ["if type(val) is not int and val is not None:", f"    slow({fsn}, val, {kptr}, node)"]
    if kind == S.FLOAT:
        return [
            "if type(val) is not float and type(val) is not int and val is not None:",
            f"    slow({fsn}, val, {kptr}, node)",
        ]
    if kind == S.TIMESTAMP:
        if not runtime.timestamp_rules:
            return ["if type(val) is not str and val is not None:", f"    slow({fsn}, val, {kptr}, node)"]
        return [
            "if type(val) is str:",
            f"    tnode = new(Node, (val, 'Timestamp', {kptr}, node, {fs.json_name!r}))",
            "    for rule in timestamp_rules:",
            "        run(rule, tnode)",
            "elif val is not None:",
            f"    slow({fsn}, val, {kptr}, node)",
        ]
    return ["if val is not None:", f"    slow({fsn}, val, {kptr}, node)"]
