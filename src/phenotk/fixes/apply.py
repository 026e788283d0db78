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
        return dumps(tree, Format.YAML).decode("utf-8")
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
    out = FixOutcome(data=expected, text=text, applied=list(plan.accepted), skipped=list(plan.skipped))
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


def _splice_json(text: str, plan: Plan, style: jsontext.Style) -> str:
    for po in plan.ops:
        text = jsontext.apply_op_text(text, po.op, style)
    return text


def _splice_yaml(text: str, plan: Plan) -> str:
    for po in plan.ops:
        text = yamltext.apply_op_text(text, po.op)
    return text


def apply_to_document(doc: Document, fixes: Sequence[Fix]) -> FixOutcome:
    """Apply fixes to a document read by :mod:`phenotk.io` (text splice, or protobuf re-serialisation)."""
    if doc.text is not None and doc.format in (Format.JSON, Format.JSONL, Format.YAML):
        return apply_to_text(doc.text, Format.YAML if doc.format is Format.YAML else Format.JSON, fixes, doc.data)
    tree, plan = apply_to_tree(doc.data, fixes)
    out = FixOutcome(data=tree, text=None, applied=list(plan.accepted), skipped=list(plan.skipped))
    if plan.accepted:
        msg = json_format.ParseDict(tree, doc.element.message_class(), ignore_unknown_fields=True)
        out.payload = msg.SerializeToString(deterministic=True)
        out.method = "reserialise"
        out.note = "protobuf binary is always re-serialised"
    return out
