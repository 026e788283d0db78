"""Apply fixes to one document's original text, keeping everything a fix does not touch.

JSON and YAML are patched by splicing the text (see :mod:`phenotk.fixes.jsontext` and
:mod:`phenotk.fixes.yamltext`), so a curator's ``git diff`` shows only the repaired lines. Every
spliced result is parsed again and compared with the same patch applied to the parsed tree; when
splicing is impossible or the two disagree, the document is re-serialised in its detected layout
and the outcome says so (``method == "reserialise"`` plus a ``note``). Protobuf binary documents
are always re-serialised.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
import yaml
from google.protobuf import json_format

from phenotk.fixes import jsontext, yamltext
from phenotk.fixes.patch import PatchError, Plan, Skipped, apply_to_tree
from phenotk.io import Document, Format, dumps
from phenotk.io.readers import YAML_LOADER
from phenotk.issue import Fix


@dataclass
class FixOutcome:
    """What applying fixes to one document did.

    ``text`` is the new JSON/YAML text (None for protobuf binary, see ``payload``); ``data`` the fixed
    tree; ``method`` is ``"unchanged"``, ``"splice"`` (only fixed spans changed) or ``"reserialise"``.
    """

    data: dict[str, Any]
    text: str | None
    applied: list[Fix] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    #: fixes not applied because an applied one removes what they edit (moot; their findings go with it)
    superseded: list[Skipped] = field(default_factory=list)
    method: str = "unchanged"
    note: str | None = None
    payload: bytes | None = None

    @property
    def changed(self) -> bool:
        """True when at least one fix was applied."""
        return bool(self.applied)


def _parse(text: str, fmt: Format) -> Any:
    if fmt is Format.YAML:
        return yaml.load(text, Loader=YAML_LOADER)
    return orjson.loads(text)


def _reserialise(tree: Any, fmt: Format, original: str, style: jsontext.Style | None) -> str:
    if fmt is Format.YAML:
        out = dumps(tree, Format.YAML).decode("utf-8")
        return out.replace("\n", "\r\n") if "\r\n" in original else out  # a CRLF file stays CRLF
    if style is None or style.indent is None:
        sep = (style.item_sep, style.key_sep) if style else (",", ":")
        out = json.dumps(tree, ensure_ascii=False, separators=sep)
    else:
        out = json.dumps(tree, ensure_ascii=False, indent=style.indent, separators=(",", style.key_sep))
        out = out.replace("\n", style.newline)
    trailing = original[len(original.rstrip("\r\n")) :]
    return out + trailing


def apply_to_text(text: str, fmt: Format | str, fixes: Sequence[Fix], data: Any = None) -> FixOutcome:
    """Apply ``fixes`` (pointers into the original document) to a JSON/JSONL-line/YAML text.

    ``data`` is the parsed tree when the caller already has it. Conflicting fixes: the first wins,
    the others land in ``skipped``; a fix whose operations do not fit the document is skipped too.
    """
    fmt = Format(fmt)
    if data is None:
        data = _parse(text, fmt)
    expected, plan = apply_to_tree(data, fixes)
    out = FixOutcome(
        data=expected, text=text, applied=list(plan.accepted), skipped=list(plan.skipped),
        superseded=list(plan.superseded),
    )
    if not plan.accepted:
        out.data = data
        return out
    style: jsontext.Style | None = None
    try:
        if fmt is Format.YAML:
            new = _splice_yaml(text, plan)
        else:
            style = jsontext.detect_style(text, jsontext.scan(text))
            new = _splice_json(text, plan, style)
        if _parse(new, fmt) != expected:
            raise PatchError("the spliced text does not parse to the patched document")
        out.text, out.method = new, "splice"
    except (PatchError, yaml.YAMLError, orjson.JSONDecodeError) as exc:
        if fmt is not Format.YAML and style is None:
            try:
                style = jsontext.detect_style(text, jsontext.scan(text))
            except PatchError:
                style = None
        out.text = _reserialise(expected, fmt, text, style)
        out.method = "reserialise"
        out.note = f"re-serialised the whole document (splicing impossible: {exc})"
    return out


#: below this many operations each is spliced on its own (a scan per operation is cheap for small plans)
_BATCH_FROM = 8


def _splice_json(text: str, plan: Plan, style: jsontext.Style) -> str:
    """Splice the plan's operations into ``text``.

    One operation at a time rescans the whole text (``O(ops × size)``: 4,000 duplicate features took minutes), so
    runs of ``replace`` and array ``remove`` operations are applied together from one scan: their pointers are
    mapped back to the original text (earlier removals shift later indices), and all cuts and replacements are
    made in one pass. Anything else (add, move, overlapping targets) falls back to one splice per operation.
    """
    ops = [po.op for po in plan.ops]
    i = 0
    while i < len(ops):
        if len(ops) - i >= _BATCH_FROM:
            done = _splice_batch(text, ops, i, style)
            if done is not None:
                text, i = done
                continue
        text = jsontext.apply_op_text(text, ops[i], style)
        i += 1
    return text


class _Alive:
    """The original indices of an array's elements still present, in order, as elements are removed.

    ``self[k]`` is the original index of the element now at ``k`` and :meth:`pop` removes it, each in
    ``O(log n)`` (a Fenwick tree of present counts): a list's ``pop`` moves the rest of the array, and a fix
    that removes most of 200,000 duplicate features then took minutes.
    """

    __slots__ = ("_n", "_top", "_tree", "count")

    def __init__(self, n: int) -> None:
        self._n = n
        self.count = n
        tree = [0] + [1] * n
        for i in range(1, n + 1):  # linear build: each node adds itself to its parent
            j = i + (i & -i)
            if j <= n:
                tree[j] += tree[i]
        self._tree = tree
        self._top = 1 << max(n.bit_length() - 1, 0)

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, k: int) -> int:
        """Original index of the element now at position ``k`` (0-based, ``0 <= k < len(self)``)."""
        if not 0 <= k < self.count:
            raise IndexError(k)
        pos, rest, tree, step = 0, k + 1, self._tree, self._top
        while step:
            nxt = pos + step
            if nxt <= self._n and tree[nxt] < rest:
                pos = nxt
                rest -= tree[nxt]
            step >>= 1
        return pos  # the (k+1)-th present element is at 1-based pos + 1, i.e. original index pos

    def pop(self, k: int) -> int:
        """Remove the element now at position ``k``; its original index."""
        orig = self[k]
        i, tree = orig + 1, self._tree
        while i <= self._n:
            tree[i] -= 1
            i += i & -i
        self.count -= 1
        return orig


def _splice_batch(text: str, ops: Sequence[Any], first: int, style: jsontext.Style) -> tuple[str, int] | None:
    """(new text, index of the first operation not applied) for a run of replace/remove ops; None if none fit."""
    from phenotk.io.sourcemap import escape, split

    spans = jsontext.scan(text)
    alive: dict[str, _Alive] = {}  # array pointer (original) → original indices still present, in order
    removed: dict[str, set[int]] = {}
    replaced: dict[str, str] = {}  # original pointer → new text

    def original(tokens: list[str]) -> str | None:
        prefix = ""
        for t in tokens:
            span = spans.get(prefix)
            if span is None or span.kind == "s" or prefix in replaced:
                return None
            if span.kind == "a":
                if not t.isdigit():
                    return None
                idx = int(t)
                order = alive.get(prefix)
                if order is not None:
                    if idx >= len(order):
                        return None
                    t = str(order[idx])
            prefix = prefix + "/" + escape(t)
        return prefix if prefix in spans else None

    def under(ptr: str, root: str) -> bool:
        return ptr == root or ptr.startswith(root + "/")

    k = first
    while k < len(ops):
        op = ops[k]
        tokens = split(op.path) if op.op in ("replace", "remove") else []
        target = original(tokens) if tokens else None
        if target is None:
            break
        if op.op == "replace":
            if any(under(r, target) for r in removed) or any(under(r, target) for r in replaced):
                break  # replacing something already edited inside: keep the sequential meaning
            replaced[target] = jsontext.replacement(text, spans, target, op.value, style)
        else:
            parent = target.rsplit("/", 1)[0]
            pspan = spans.get(parent)
            if pspan is None or pspan.kind != "a":
                break
            order = alive.get(parent)
            if order is None:
                order = alive[parent] = _Alive(len(pspan.children))
            idx = int(tokens[-1])
            orig = order.pop(idx)
            removed.setdefault(parent, set()).add(orig)
            for r in [r for r in replaced if under(r, target)]:
                del replaced[r]  # replaced, then removed: the removal wins
            for r in [r for r in removed if under(r, target)]:
                del removed[r]  # edits inside a removed element go with it
                alive.pop(r, None)
        k += 1
    if k == first:
        return None
    edits: list[tuple[int, int, str]] = [(spans[p].start, spans[p].end, new) for p, new in replaced.items()]
    for parent, gone in removed.items():
        pspan = spans[parent]
        kids = [spans[f"{parent}/{c}"] for c in pspan.children]
        m = len(kids)
        if len(gone) == m:
            edits.append((pspan.start + 1, pspan.end - 1, ""))
            continue
        idx = 0
        while idx < m:
            if idx not in gone:
                idx += 1
                continue
            a = idx
            while idx < m and idx in gone:
                idx += 1
            b = idx - 1  # a run of removed children a..b
            if b < m - 1:
                edits.append((kids[a].item_start, kids[b + 1].item_start, ""))
            else:
                edits.append((kids[a - 1].end, kids[b].end, ""))
    edits.sort(key=lambda e: e[0])
    out: list[str] = []
    pos = 0
    for start, end, new in edits:
        if start < pos:
            raise PatchError("overlapping edits in one batch")
        out.append(text[pos:start])
        out.append(new)
        pos = end
    out.append(text[pos:])
    return "".join(out), k


def _splice_yaml(text: str, plan: Plan) -> str:
    for po in plan.ops:
        text = yamltext.apply_op_text(text, po.op)
    return text


def apply_to_document(doc: Document, fixes: Sequence[Fix]) -> FixOutcome:
    """Apply fixes to a document read by :mod:`phenotk.io` (text splice, or protobuf re-serialisation)."""
    if doc.text is not None and doc.format in (Format.JSON, Format.JSONL, Format.YAML):
        return apply_to_text(doc.text, Format.YAML if doc.format is Format.YAML else Format.JSON, fixes, doc.data)
    tree, plan = apply_to_tree(doc.data, fixes)
    out = FixOutcome(
        data=tree, text=None, applied=list(plan.accepted), skipped=list(plan.skipped),
        superseded=list(plan.superseded),
    )
    unknown = _unknown_field_numbers(doc) if plan.accepted and doc.format is Format.PB else None
    if unknown is not None:  # re-serialising would drop them: write nothing rather than lose data
        why = (
            f"the protobuf file holds fields this schema does not know ({unknown}); re-serialising it would drop "
            "them (converting it would too): it needs a phenotk whose schema knows them"
        )
        out.skipped = [Skipped(f, why) for f in plan.accepted] + [Skipped(s.fix, why) for s in plan.superseded]
        out.skipped += plan.skipped
        out.applied, out.superseded = [], []
        out.data = doc.data
        return out
    if plan.accepted:
        msg = json_format.ParseDict(tree, doc.element.message_class(), ignore_unknown_fields=True)
        out.payload = msg.SerializeToString(deterministic=True)
        out.method = "reserialise"
        out.note = "protobuf binary is always re-serialised"
    return out


def _unknown_field_numbers(doc: Document) -> str | None:
    """The unknown fields of a protobuf document (``field 111``; ``nested fields`` below the top), or None."""
    from phenotk.io.leftout import pb_unknown

    return None if doc.message is None else pb_unknown(doc.message)
