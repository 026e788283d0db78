"""Validate → choose fixes → apply them to the original bytes → validate again, file by file.

Library code for ``phenotk fix`` and :func:`phenotk.fixes`: no printing, no writing (the caller decides
where the new bytes go, see :func:`write_fixed`).
"""

from __future__ import annotations

import copy
import os
import re
from codecs import BOM_UTF8
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from phenotk.errors import InputError
from phenotk.fixes.apply import FixOutcome, apply_to_document, apply_to_text
from phenotk.fixes.patch import Skipped
from phenotk.io import Document, Format, atomic_write, parse_bytes
from phenotk.io.readers import iter_sources
from phenotk.issue import Fix, Issue, PatchOp, Result
from phenotk.validation.engine import Engine

#: rule whose suggested fix (a resource entry with an empty version) phenotk completes from loaded ontologies
UNDECLARED_PREFIX_RULE = "meta-undeclared-prefix"


@dataclass
class AppliedFix:
    """A fix that was applied, with the finding it repairs."""

    issue: Issue
    fix: Fix


@dataclass
class NotApplied:
    """A fix that was chosen but not applied (conflict, does not fit), with the reason."""

    issue: Issue
    reason: str


@dataclass
class FileFix:
    """What ``phenotk fix`` did to one input file (all its documents; JSONL files hold several)."""

    path: str  #: display path (``a.zip!member.json``, ``<stdin>`` possible)
    format: Format | None = None
    original: bytes = b""
    new: bytes = b""
    applied: list[AppliedFix] = field(default_factory=list)
    not_applied: list[NotApplied] = field(default_factory=list)
    #: fixes left out because an applied fix removes what they edit (a stale label on a removed duplicate)
    superseded: list[NotApplied] = field(default_factory=list)
    before: list[Result] = field(default_factory=list)  #: findings before fixing
    after: list[Result] = field(default_factory=list)  #: findings of the re-validation (== before when unchanged)
    notes: list[str] = field(default_factory=list)
    error: InputError | None = None  #: the input could not be read
    #: True for a file on disk, False for a zip member or stdin, None when not known (bytes fixed directly)
    regular: bool | None = None

    @property
    def changed(self) -> bool:
        """True when the fixed bytes differ from the input."""
        return self.error is None and self.new != self.original

    @property
    def writable_path(self) -> str | None:
        """Filesystem path the input came from (None for zip members and stdin)."""
        if self.path == "<stdin>" or self.regular is False or not os.path.isfile(self.path):
            return None
        if self.regular is None and _zip_member(self.path):  # origin not known: judged by the name
            return None
        return self.path


def resource_version_fix(issue: Issue, versions: Mapping[str, str]) -> Fix | None:
    """The ``meta-undeclared-prefix`` fix with the version of the loaded ontology filled in (then safe)."""
    fx = issue.fix
    if issue.rule != UNDECLARED_PREFIX_RULE or fx is None or len(fx.ops) != 1:
        return None
    op = fx.ops[0]
    value = op.value
    if op.op != "add" or not isinstance(value, dict):
        return None
    version = versions.get(str(value.get("namespacePrefix", "")))
    if not version:
        return None
    filled = dict(value)
    filled["version"] = version
    prefix = value.get("namespacePrefix")
    return Fix((PatchOp("add", op.path, filled),), safe=True, description=f"declare {prefix} {version} in resources")


def _versionless_resource(issue: Issue, fx: Fix) -> str | None:
    """The prefix of a ``meta-undeclared-prefix`` fix that would add a resource without a release, else None.

    Such an entry is what ``meta-resource-incomplete`` reports (``version`` is REQUIRED): applying it would
    trade one finding for another, and the next ``fix`` could not complete it either.
    """
    if issue.rule != UNDECLARED_PREFIX_RULE or len(fx.ops) != 1:
        return None
    op = fx.ops[0]
    value = op.value
    if op.op != "add" or not isinstance(value, dict) or value.get("version"):
        return None
    return str(value.get("namespacePrefix", "?"))


def choose_fixes(
    issues: Iterable[Issue],
    *,
    unsafe: bool = False,
    rules: Collection[str] | None = None,
    versions: Mapping[str, str] | None = None,
    held: list[NotApplied] | None = None,
) -> list[tuple[Issue, Fix]]:
    """Fixes to apply, in finding order: safe ones, and with ``unsafe`` the single-choice suggestions.

    ``rules`` restricts to findings of those rule names or codes. ``versions`` (prefix → release of a loaded
    ontology) turns the suggested resource entries of ``meta-undeclared-prefix`` into safe, complete ones; an
    entry whose release no loaded ontology tells is never applied (not even with ``unsafe``: the re-validation
    would report its empty ``version``), and with ``unsafe`` it is added to ``held`` with the reason.
    """
    wanted = {r.lower() for r in rules} if rules else None
    out: list[tuple[Issue, Fix]] = []
    for issue in issues:
        if issue.fix is None or not issue.fix.ops:
            continue
        if wanted is not None and issue.rule not in wanted and issue.code.lower() not in wanted:
            continue
        fx = resource_version_fix(issue, versions or {}) or issue.fix
        if not (fx.safe or unsafe):
            continue
        prefix = _versionless_resource(issue, fx)
        if prefix is not None:
            if held is not None:
                how = "--hpo FILE" if prefix == "HP" else f"--ontology {prefix}=FILE"
                why = (
                    f"the release of {prefix} is not known, and a resource without its 'version' is itself "
                    f"a finding: load the ontology ({how}) to have it added with its release, or add the "
                    "resource with its version by hand"
                )
                held.append(NotApplied(issue, why))
            continue
        out.append((issue, fx))
    return out


_UPPER = re.compile(r"[A-Z]")


def _snake_case_at(data: Any, path: str) -> bool:
    """True when what an operation at ``path`` lands in is written with snake_case member names.

    Judged by the member names on the way there and those of the container (or of its items): some snake_case
    (``meta_data``, ``namespace_prefix``) and no camelCase. protobuf's JSON parser reads both spellings, so a
    Convert-Pheno or RareLink document is valid either way — but a camelCase entry among snake_case ones is an
    edit nobody made.
    """
    from phenotk.io.sourcemap import split

    names: list[str] = []
    node = data
    for t in split(path)[:-1]:
        if isinstance(node, dict) and t in node:
            names.append(t)
            node = node[t]
        elif isinstance(node, list) and t.isdigit() and int(t) < len(node):
            node = node[int(t)]
        else:
            return False
    if isinstance(node, dict):
        names.extend(node)
    elif isinstance(node, list):
        names.extend(k for item in node if isinstance(item, dict) for k in item)
    return any("_" in n and n.islower() for n in names) and not any(_UPPER.search(n) for n in names)


def _snake_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {_UPPER.sub(lambda m: "_" + m.group(0).lower(), k): _snake_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snake_keys(v) for v in value]
    return value


def match_key_style(data: Any, fx: Fix) -> Fix:
    """``fx`` with the member names of the objects it adds in snake_case where the document writes them so."""
    if not any(isinstance(op.value, (dict, list)) for op in fx.ops if op.op in ("add", "replace")):
        return fx
    ops = tuple(
        PatchOp(op.op, op.path, _snake_keys(op.value), op.from_)
        if op.op in ("add", "replace") and isinstance(op.value, (dict, list)) and _snake_case_at(data, op.path)
        else op
        for op in fx.ops
    )
    return fx if ops == fx.ops else Fix(ops, safe=fx.safe, description=fx.description)


def _fix_documents(
    docs: list[Document],
    engine: Engine,
    *,
    unsafe: bool,
    rules: Collection[str] | None,
    versions: Mapping[str, str],
    result: FileFix,
) -> list[tuple[Document, FixOutcome]]:
    outcomes = []
    for doc in docs:
        res = engine.check_document(doc)
        result.before.append(res)
        chosen = choose_fixes(res.issues, unsafe=unsafe, rules=rules, versions=versions, held=result.not_applied)
        chosen = [(issue, match_key_style(doc.data, fx)) for issue, fx in chosen]
        by_fix = {id(fx): issue for issue, fx in chosen}
        outcome = apply_to_document(doc, [fx for _, fx in chosen])
        result.applied.extend(AppliedFix(by_fix[id(fx)], fx) for fx in outcome.applied)
        result.not_applied.extend(NotApplied(by_fix[id(s.fix)], s.reason) for s in outcome.skipped)
        result.superseded.extend(NotApplied(by_fix[id(s.fix)], s.reason) for s in outcome.superseded)
        if outcome.note and outcome.applied:
            result.notes.append(f"{doc.path}: {outcome.note}")
        outcomes.append((doc, outcome))
    return outcomes


def _fix_array(
    raw: bytes,
    docs: list[Document],
    engine: Engine,
    *,
    unsafe: bool,
    rules: Collection[str] | None,
    versions: Mapping[str, str],
    result: FileFix,
) -> bytes:
    """Fix a top-level JSON array as one text: every item's fixes (pointers ``/N/…``) spliced into the whole file."""
    chosen: list[tuple[Issue, Fix]] = []
    for doc in docs:
        res = engine.check_document(doc)
        result.before.append(res)
        chosen.extend(
            choose_fixes(res.issues, unsafe=unsafe, rules=rules, versions=versions, held=result.not_applied)
        )
    if not chosen:
        return raw
    bom = BOM_UTF8 if raw.startswith(BOM_UTF8) else b""
    text = raw[len(bom) :].decode("utf-8")
    tree = orjson.loads(text)
    chosen = [(issue, match_key_style(tree, fx)) for issue, fx in chosen]
    by_fix = {id(fx): issue for issue, fx in chosen}
    spliced = _fix_array_items(text, tree, chosen, result, by_fix)
    if spliced is not None:
        return bom + spliced.encode("utf-8") if result.applied else raw
    out = apply_to_text(text, Format.JSON, [fx for _, fx in chosen], tree)
    result.applied.extend(AppliedFix(by_fix[id(fx)], fx) for fx in out.applied)
    result.not_applied.extend(NotApplied(by_fix[id(s.fix)], s.reason) for s in out.skipped)
    result.superseded.extend(NotApplied(by_fix[id(s.fix)], s.reason) for s in out.superseded)
    if out.note and out.applied:
        result.notes.append(f"{result.path}: {out.note}")
    return bom + (out.text or "").encode("utf-8") if out.applied else raw


def _item_of(fx: Fix) -> int | None:
    """The index N when every path of ``fx`` lies inside item ``/N`` of a top-level array, else None."""
    found: set[str] = set()
    for op in fx.ops:
        for path in (op.path, op.from_) if op.from_ is not None else (op.path,):
            head, sep, _rest = path[1:].partition("/")
            if not path.startswith("/") or not sep or not head.isdigit():
                return None
            found.add(head)
    return int(found.pop()) if len(found) == 1 else None


def _in_item(fx: Fix, n: int) -> Fix:
    """``fx`` with its pointers made relative to item ``n``."""
    cut = len(f"/{n}")
    ops = tuple(PatchOp(op.op, op.path[cut:], op.value, op.from_[cut:] if op.from_ else None) for op in fx.ops)
    return Fix(ops, safe=fx.safe, description=fx.description)


def _item_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of every item of a top-level JSON array (the C decoder finds each end)."""
    import json

    decode = json.JSONDecoder().raw_decode
    ws = " \t\r\n"
    i = text.index("[") + 1
    out: list[tuple[int, int]] = []
    n = len(text)
    while True:
        while i < n and text[i] in ws:
            i += 1
        if i >= n or text[i] == "]":
            return out
        _, end = decode(text, i)
        out.append((i, end))
        i = end
        while i < n and text[i] in ws:
            i += 1
        if i < n and text[i] == ",":
            i += 1


def _fix_array_items(
    text: str, tree: list[Any], chosen: list[tuple[Issue, Fix]], result: FileFix, by_fix: dict[int, Issue]
) -> str | None:
    """Splice each item's fixes into that item's text alone; None when a fix spans items or an item falls back.

    Fixing the whole array as one text rescanned all of it for every ``add`` (3,000 packets: over 10 minutes,
    6 GB). An item is fixed as the text of its line's indentation + the item, so indentation, separators and
    the style detection see what they would in the whole file.
    """
    from phenotk.fixes.jsontext import _line_indent

    groups: dict[int, list[Fix]] = {}
    for _issue, fx in chosen:
        n = _item_of(fx)
        if n is None or n >= len(tree):
            return None
        groups.setdefault(n, []).append(fx)
    try:
        bounds = _item_bounds(text)
    except ValueError:
        return None
    if len(bounds) != len(tree):
        return None
    pieces: list[str] = []
    pos = 0
    outcomes = []
    for n in sorted(groups):
        start, end = bounds[n]
        prefix = _line_indent(text, start)
        items = [_in_item(fx, n) for fx in groups[n]]
        back = {id(r): fx for r, fx in zip(items, groups[n], strict=True)}  # item-relative fix → the file's
        out = apply_to_text(prefix + text[start:end], Format.JSON, items, tree[n])
        if out.applied and (out.method != "splice" or not (out.text or "").startswith(prefix)):
            return None  # re-serialising one item would lose the array's indentation: fix the whole text instead
        outcomes.append((back, out))
        if out.applied:
            pieces += [text[pos:start], (out.text or "")[len(prefix) :]]
            pos = end
    pieces.append(text[pos:])
    for back, out in outcomes:
        result.applied.extend(AppliedFix(by_fix[id(back[id(fx)])], back[id(fx)]) for fx in out.applied)
        result.not_applied.extend(NotApplied(by_fix[id(back[id(s.fix)])], s.reason) for s in out.skipped)
        result.superseded.extend(NotApplied(by_fix[id(back[id(s.fix)])], s.reason) for s in out.superseded)
    return "".join(pieces)


def _assemble(fmt: Format, text: str | None, outcomes: list[tuple[Document, FixOutcome]], original: bytes) -> bytes:
    if fmt is Format.PB:
        _, out = outcomes[0]
        return out.payload if out.payload is not None else original
    bom = BOM_UTF8 if original.startswith(BOM_UTF8) else b""  # the reader drops it; the fixed file keeps it
    if fmt is Format.JSONL:
        assert text is not None
        lines = text.splitlines(keepends=True)
        for doc, out in outcomes:
            if out.applied and out.text is not None:
                old = lines[doc.line_offset]
                ending = old[len(old.rstrip("\r\n")) :]
                mark = "\ufeff" if old.startswith("\ufeff") and not out.text.startswith("\ufeff") else ""
                lines[doc.line_offset] = mark + out.text.rstrip("\r\n") + ending  # the file's BOM stays
        return "".join(lines).encode("utf-8")
    _, out = outcomes[0]
    return bom + (out.text or "").encode("utf-8") if out.applied else original


def fix_bytes(
    raw: bytes,
    path: str,
    engine: Engine,
    *,
    name: str | None = None,
    unsafe: bool = False,
    rules: Collection[str] | None = None,
    versions: Mapping[str, str] | None = None,
) -> FileFix:
    """Fix one input's bytes (JSON, YAML, JSONL, protobuf) and re-validate the result."""
    result = FileFix(path=path, original=raw, new=raw)
    docs: list[Document] = []
    for item in parse_bytes(raw, path, name=name):
        if isinstance(item, InputError):
            result.error = item
            return result
        docs.append(item)
    if not docs:
        return result
    fmt = docs[0].format
    result.format = fmt
    if fmt is Format.YAML and len(docs) > 1:  # fixing one document of a stream would rewrite the file as that one
        result.error = InputError(
            f"a YAML stream of {len(docs)} documents: phenotk fix rewrites one document per YAML file; "
            "split it first (phenotk convert FILE -o folder/) or fix it as JSON Lines",
            path=path, line=1, column=1,
        )
        return result
    known = versions or {}
    try:
        if docs[0].pointer_prefix:  # items of a top-level JSON array: the whole array is fixed and written back
            result.new = _fix_array(raw, docs, engine, unsafe=unsafe, rules=rules, versions=known, result=result)
        else:
            outcomes = _fix_documents(docs, engine, unsafe=unsafe, rules=rules, versions=known, result=result)
            text = raw.decode("utf-8") if fmt is Format.JSONL else None
            result.new = _assemble(fmt, text, outcomes, raw)
    except RecursionError:  # copying/patching a tree nested hundreds of levels deep
        result.error = InputError("nested too deeply to fix", path=path, line=1, column=1)
        return result
    if result.new == raw:
        result.after = result.before
        return result
    for item in parse_bytes(result.new, path, name=name, fmt=fmt):
        if isinstance(item, InputError):  # the splice is verified by a parse, but not that it is still a document
            result.error = InputError(
                f"not fixed: the fixes would leave a file phenotk cannot read ({item.args[0] if item.args else item}); "
                "nothing written (a phenotk bug: please report it with the file)",
                path=path,
            )
            result.new = raw
            result.applied = []
            return result
        result.after.append(engine.check_document(item))
    return result


def fix_paths(
    paths: Iterable[str | os.PathLike[str]],
    engine: Engine,
    *,
    unsafe: bool = False,
    rules: Collection[str] | None = None,
    versions: Mapping[str, str] | None = None,
    stdin: Any = None,
) -> Iterator[tuple[str, FileFix]]:
    """``(input argument, FileFix)`` for every file under ``paths`` (dirs, globs, zips, ``-``), one at a time."""
    for arg in paths:
        for src in iter_sources([arg], stdin=stdin):
            if isinstance(src, InputError):
                yield os.fspath(arg), FileFix(path=src.path or os.fspath(arg), error=src)
                continue
            try:
                raw = src.opener()
            except InputError as exc:
                yield os.fspath(arg), FileFix(path=src.path, error=exc)
                continue
            except OSError as exc:
                err = InputError(f"cannot read: {exc.strerror or exc}", path=src.path)
                yield os.fspath(arg), FileFix(path=src.path, error=err)
                continue
            result = fix_bytes(raw, src.path, engine, name=src.name, unsafe=unsafe, rules=rules, versions=versions)
            result.regular = src.regular  # a file named "x!y.json" is a file; "a.zip!m.json" is a member
            yield os.fspath(arg), result


def _zip_member(path: str) -> bool:
    """True for a display path ``archive.zip!member`` (a file named ``x!y.json`` is no member)."""
    head, bang, _ = path.partition("!")
    return bool(bang) and head.lower().endswith(".zip") and os.path.isfile(head)


def output_path(arg: str, path: str, out_dir: str | os.PathLike[str]) -> Path:
    """Where ``-o DIR`` puts a fixed file: its path relative to the directory argument, else its name."""
    if _zip_member(path):  # keep the member's path inside the archive, never outside out_dir (zip slip)
        member = path.split("!", 1)[1].replace("\\", "/")
        parts = [p for p in member.split("/") if p not in ("", ".", "..")]
        return Path(out_dir).joinpath(*parts) if parts else Path(out_dir) / "member"
    if os.path.isdir(arg):
        return Path(out_dir) / os.path.relpath(path, arg)
    return Path(out_dir) / os.path.basename(path)


def write_fixed(
    result: FileFix, target: str | os.PathLike[str], *, force: bool = True, in_place: bool = False
) -> Path:
    """Write the fixed bytes atomically (temp file + rename in the target folder).

    ``in_place``: ``target`` is the input itself (``fix --in-place``); the input guard lets it through, and the
    file keeps its mode, owner, symlink and hard links (see :func:`phenotk.io.atomic_write`).
    """
    return atomic_write(target, result.new, force=force, allow_input=in_place)


def _check_keys(data: Any) -> None:
    """Refuse a tree with a non-string key (``{1: "x"}``: a script's dict, YAML's ``1:``) as the readers do."""
    from phenotk.io.sourcemap import escape

    stack: list[tuple[Any, str]] = [(data, "")]
    seen: set[int] = set()
    while stack:
        node, pointer = stack.pop()
        if id(node) in seen or not isinstance(node, (dict, list)):
            continue
        seen.add(id(node))
        if isinstance(node, list):
            stack.extend((v, f"{pointer}/{i}") for i, v in enumerate(node))
            continue
        for key, value in node.items():
            if not isinstance(key, str):
                raise InputError(
                    f"key {key!r} at {pointer or '/'} is not a string (JSON object keys are strings)", path="<object>"
                )
            stack.append((value, f"{pointer}/{escape(key)}"))


def fix_tree(
    data: dict[str, Any],
    engine: Engine,
    *,
    unsafe: bool = False,
    rules: Collection[str] | None = None,
    versions: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], list[AppliedFix], list[Skipped]]:
    """Fix a JSON tree in memory (the Python API path): (fixed tree, applied fixes, fixes not applied)."""
    from phenotk.fixes.patch import apply_to_tree
    from phenotk.io.readers import document_from_tree

    _check_keys(data)
    doc = document_from_tree(copy.deepcopy(data))
    res = engine.check_document(doc)
    chosen = choose_fixes(res.issues, unsafe=unsafe, rules=rules, versions=versions)
    chosen = [(issue, match_key_style(doc.data, fx)) for issue, fx in chosen]
    by_fix = {id(fx): issue for issue, fx in chosen}
    tree, plan = apply_to_tree(doc.data, [fx for _, fx in chosen])
    return tree, [AppliedFix(by_fix[id(fx)], fx) for fx in plan.accepted], plan.skipped


def fix_object(
    packet: Any,
    engine: Engine,
    *,
    unsafe: bool = False,
    rules: Collection[str] | None = None,
    versions: Mapping[str, str] | None = None,
) -> tuple[Any, list[AppliedFix]]:
    """Fix a message (a fixed copy of its class), a JSON tree (a fixed dict), a file or bytes (the fixed message).

    A file is read, never written (``phenotk fix --in-place`` writes). A file or bytes holding several documents
    (JSON Lines, a JSON array) and a tree with a non-string key raise ``InputError``; anything else ``TypeError``.
    """
    from google.protobuf import json_format
    from google.protobuf.message import Message

    if isinstance(packet, Message):
        tree, applied, _ = fix_tree(
            json_format.MessageToDict(packet), engine, unsafe=unsafe, rules=rules, versions=versions
        )
        return json_format.ParseDict(tree, type(packet)(), ignore_unknown_fields=True), applied
    if isinstance(packet, dict):
        tree, applied, _ = fix_tree(packet, engine, unsafe=unsafe, rules=rules, versions=versions)
        return tree, applied
    if isinstance(packet, (bytes, bytearray, memoryview)):  # a document's bytes, as phenotk.validate takes them
        raw, path, name = bytes(packet), "<bytes>", None
    elif isinstance(packet, (str, os.PathLike)):
        path = os.fspath(packet)
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except FileNotFoundError:
            raise InputError("no such file or directory", path=path, kind="missing") from None
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None
        name = os.path.basename(path)
    else:
        raise TypeError(
            f"phenotk.fix takes a message, a dict, bytes or a path, not {type(packet).__name__}"
            + (" (fix each item of a list)" if isinstance(packet, (list, tuple)) else "")
        )
    result = fix_bytes(raw, path, engine, name=name, unsafe=unsafe, rules=rules, versions=versions)
    if result.error is not None:
        raise result.error
    if len(result.before) != 1:  # JSON Lines, a JSON array: one message cannot stand for them
        raise InputError(
            f"holds {len(result.before)} documents; phenotk.fix returns one: fix the file with "
            "'phenotk fix --output-dir DIR' (or Session.fix_paths), or fix each message of phenotk.io.iter_messages",
            path=path,
        )
    (doc,) = [d for d in parse_bytes(result.new, path, name=name, fmt=result.format) if isinstance(d, Document)]
    if doc.message is None:
        raise InputError(f"cannot build a {doc.element.value}: {doc.parse_error}", path=path)
    return doc.message, result.applied


def build_engine(
    *,
    hpo: Any = None,
    ontologies: Mapping[str, Any] | None = None,
    organ_systems: Collection[str] | None = None,
    options: Any = None,
) -> Engine:
    """An engine with the configured rules plus the HPO options ``fix`` understands (tests, benchmarks).

    Commands and the Python API use :class:`phenotk.workflow.session.Session`, which builds the same engine
    from the same :func:`~phenotk.validation.config.engine_config`. ``ontologies``: extra indexes by CURIE
    prefix (``{"MONDO": index}``); ``organ_systems``: HPO ids that switch on ``hpo-organ-system-missing``;
    ``options``: a :class:`phenotk.validation.Options` (profile, select, ignore, severity …).
    """
    import dataclasses

    from phenotk.validation.config import Options, engine_config

    opts = options or Options()
    if organ_systems:
        opts = dataclasses.replace(opts, organ_systems=list(organ_systems))
    return Engine(engine_config(opts, ontologies=ontologies), hpo=hpo)


def loaded_versions(hpo: Any = None, ontologies: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Prefix → release of every loaded ontology (what missing resource entries are completed with)."""
    out: dict[str, str] = {}
    if hpo is not None and getattr(hpo, "version", None):
        out["HP"] = str(hpo.version)
    for prefix, idx in (ontologies or {}).items():
        if getattr(idx, "version", None):
            out[prefix] = str(idx.version)
    return out
