"""Generate one walk function per message type for an engine (straight-line field dispatch).

The generic walk looks every key up in a table and unpacks a tuple per field; on the 7,682-file store that
loop is most of the run. Here each message type gets a small function whose ``if key == …`` chain knows the
field kinds, whose hooks (rules, batch lists, required fields) are bound as constants, and which calls the
child types' functions directly. Behaviour is the generic walk's; tests run every rule through it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import CodeType
from typing import TYPE_CHECKING, Any

from phenotk.validate import schema as S

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.validate.engine import Engine, _Walk

WalkFn = Callable[[dict[str, Any], Any], None]


def compile_walkers(engine: Engine) -> dict[str, WalkFn]:
    """Walk functions keyed by message type name."""
    env: dict[str, Any] = {
        "ctx": engine.ctx,
        "emit": engine._emit,
        "crash": engine._crash,
        "check_required": engine._check_required,
        "missing_oneof": engine._missing_oneof,
        "unknown": engine._unknown,
        "type_error": engine._type_error,
        "slow": engine._value,
        "new": tuple.__new__,
        "Node": _node_class(),
        "SUFFIXES": _SUFFIXES,
        "MAX_SUFFIX": len(_SUFFIXES),
        "numbered": _numbered,
    }
    names = {name: f"walk_{i}" for i, name in enumerate(engine.walks)}
    sources = []
    for name, w in engine.walks.items():
        sources.append(_source(engine, w, names[name], names, env))
    exec(_compiled("\n\n".join(sources)), env)
    return {name: env[fn] for name, fn in names.items()}


_CODE: dict[str, CodeType] = {}


def _compiled(source: str) -> CodeType:
    """The code object of a walker source, compiled once per process.

    Compiling ~2,000 lines costs ~30 ms; repeated runs in one process (API calls in a notebook, benchmark
    repeats) reuse it.
    """
    code = _CODE.get(source)
    if code is None:
        if len(_CODE) > 32:
            _CODE.clear()
        code = _CODE[source] = compile(source, "<phenotk-walkers>", "exec")
    return code


#: JSON pointer suffixes of list items ("/0" … "/4095")
_SUFFIXES = tuple(f"/{i}" for i in range(4096))


def _numbered(items: list[Any]) -> Iterator[tuple[str, Any]]:
    """(pointer suffix, item) for lists longer than the precomputed suffixes."""
    return ((f"/{i}", item) for i, item in enumerate(items))


def _node_class() -> type:
    from phenotk.validate.rule import Node

    return Node


def _source(engine: Engine, w: _Walk, fn: str, names: dict[str, str], env: dict[str, Any]) -> str:
    p = fn  # prefix for constants of this type
    env[f"{p}_w"] = w
    env[f"{p}_spec"] = w.spec
    lines = [f"def {fn}(value, node):"]
    if w.rules:
        env[f"{p}_rules"] = tuple(w.rules)
        lines += [
            f"    for rule in {p}_rules:",
            "        try:",
            "            found = rule.check(node, ctx)",
            "            if found:",
            "                for v in found:",
            "                    emit(rule, node[2], v)",
            "        except Exception as exc:",
            "            crash(rule, node[2], exc)",
        ]
    if w.lists:
        for j, lst in enumerate(w.lists):
            env[f"{p}_list{j}"] = lst
            lines.append(f"    {p}_list{j}.append(node)")
    if w.required is not None:
        req_names, oneof_keys, _, oneof = w.required
        env[f"{p}_req"] = w.required
        if req_names:
            cond = " or ".join(f"not value.get({n!r})" for n in req_names)
            lines += [f"    if {cond}:", f"        check_required(value, node, {p}_req)"]
        if oneof_keys is not None:
            env[f"{p}_oneof_keys"] = oneof_keys
            env[f"{p}_oneof"] = oneof
            lines += [f"    if {p}_oneof_keys.isdisjoint(value):", f"        missing_oneof(value, node, {p}_oneof)"]
    if w.leaf is not None:
        env[f"{p}_leaf"] = w.leaf
        lines += [
            f"    if value.keys() <= {p}_leaf:",
            "        for val in value.values():",
            "            if type(val) is not str:",
            "                break",
            "        else:",
            "            return",
        ]
    lines += ["    ptr = node[2]", "    for key, val in value.items():"]
    first = True
    by_field: dict[int, tuple[S.FieldSpec, list[str], Any]] = {}
    for key, (_fast, _rep, child, fs) in w.table.items():
        by_field.setdefault(id(fs), (fs, [], child))[1].append(key)
    for fs, keys, child in by_field.values():
        cond = " or ".join(f"key == {k!r}" for k in dict.fromkeys(keys))
        kw = "if" if first else "elif"
        first = False
        fsn = f"{p}_fs_{fs.name}"
        env[fsn] = fs
        lines.append(f"        {kw} {cond}:")
        single = list(dict.fromkeys(keys))
        # the pointer of the value: a constant suffix when the field has one spelling (camelCase = snake_case)
        kptr = (
            f"ptr + {'/' + single[0]!r}" if len(single) == 1 and not {"~", "/"} & set(single[0]) else "ptr + '/' + key"
        )
        body = _field_body(engine, fs, child, fsn, names, env, kptr)
        lines += ["            " + b for b in body]
    tail = "        else:" if not first else "        if True:"
    lines += [tail]
    if engine.check_unknown:
        lines.append(f"            unknown({p}_spec, key, value, ptr)")
    else:
        lines.append("            pass")
    return "\n".join(lines)


def _field_body(
    engine: Engine, fs: S.FieldSpec, child: Any, fsn: str, names: dict[str, str], env: dict[str, Any], kptr: str
) -> list[str]:
    kind = fs.kind
    if fs.repeated:
        # item pointers from precomputed "/0", "/1" … suffixes (an f-string per item costs twice as much)
        out = [
            "if type(val) is list:",
            f"    base = {kptr}",
            "    pairs = zip(SUFFIXES, val) if len(val) <= MAX_SUFFIX else numbered(val)",
        ]
        if child is not None:
            make = f"new(Node, (item, {child.name!r}, base + suffix, node, {fs.json_name!r}))"
            out += [
                "    for suffix, item in pairs:",
                "        if type(item) is dict:",
                f"            {names[child.name]}(item, {make})",
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
        if engine.check_type:
            out += [f'    type_error({kptr}, {fsn}, val, "an array")']
        else:
            out += ["    pass"]
        return out
    if child is not None:
        return [
            "if type(val) is dict:",
            f"    {names[child.name]}(val, new(Node, (val, {child.name!r}, {kptr}, node, {fs.json_name!r})))",
            "elif val is not None:",
            f"    slow({fsn}, val, {kptr}, node)",
        ]
    if kind == S.STRING:
        return ["if type(val) is not str and val is not None:", f"    slow({fsn}, val, {kptr}, node)"]
    if kind == S.BOOL:
        return ["if type(val) is not bool and val is not None:", f"    slow({fsn}, val, {kptr}, node)"]
    if kind == S.ENUM:
        env[f"{fsn}_values"] = fs.enum_values
        return [
            f"if not (type(val) is str and val in {fsn}_values) and val is not None:",
            f"    slow({fsn}, val, {kptr}, node)",
        ]
    return ["if val is not None:", f"    slow({fsn}, val, {kptr}, node)"]
