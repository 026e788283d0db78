"""Phenopacket schema v1 (and pre-1.0) → v2: the :func:`upgrade` entry point.

The input is loaded (a tree, a file or bytes), its version detected, pre-1.0 layouts normalised to v1
(:mod:`.pre1`), the tree checked against the v1 descriptors and parsed strictly (:mod:`.cleaner`), and the v1
messages converted to v2 (:mod:`.documents`, :mod:`.parts`). Every finding's pointer is then translated back to
the input as written, and located (line, column) when the input was a file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from google.protobuf import json_format
from google.protobuf.message import Message
from phenopackets.schema.v1 import interpretation_pb2 as v1i
from phenopackets.schema.v1 import phenopackets_pb2 as v1p

from phenotk.errors import InputError, UsageError
from phenotk.io import load_tree, read
from phenotk.io.document import Format
from phenotk.io.sniff import detect_version, sniff_format
from phenotk.io.sourcemap import SourceMap, split
from phenotk.issue import Issue

from . import findings as F
from .cleaner import Cleaner, v1_class
from .documents import Upgrader
from .options import V2_SCHEMA_VERSION, UpgradeOptions
from .pre1 import normalise_pre1, subject_features


def _translate(pointer: str, table: dict[str, str]) -> str:
    """Map a pointer through ``table`` by its longest known prefix."""
    if pointer in table:
        return table[pointer]
    tokens = split(pointer)
    for cut in range(len(tokens) - 1, -1, -1):
        prefix = "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in tokens[:cut])
        if prefix in table:
            rest = "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in tokens[cut:])
            return table[prefix] + rest
    return pointer


def _load(
    source: dict[str, Any] | str | os.PathLike[str] | bytes, path: str | None
) -> tuple[dict[str, Any], str, str | None, Format | None]:
    """(tree, display name, text, format) of the input; text and format are None for a tree given as is."""
    text: str | None = None
    fmt: Format | None = None
    if isinstance(source, dict):
        tree: Any = source
        display = path or "<object>"
    else:
        if isinstance(source, bytes):
            raw, display = source, path or "<bytes>"
        else:
            display = os.fspath(source)
            if not os.path.isfile(display):
                raise InputError("no such file", path=display, kind="missing")
            raw = Path(display).read_bytes()
        tree = load_tree(raw, name=display)
        fmt = sniff_format(raw[:4096], display)
        text = raw.decode("utf-8", errors="replace")
    if not isinstance(tree, dict):
        kind = "a JSON array" if isinstance(tree, list) else type(tree).__name__
        raise InputError(
            f"expected a Phenopacket, Family or Cohort object at the top level, found {kind}",
            path=display,
            line=1,
            column=1,
        )
    if not tree:
        raise InputError("empty document: nothing to upgrade", path=display, line=1, column=1)
    return tree, display, text, fmt


def _convert(v1msg: Message, up: Upgrader, display: str) -> Message:
    """The v2 element for a parsed v1 message."""
    if isinstance(v1msg, v1i.Interpretation):
        if not (v1msg.HasField("phenopacket") or v1msg.HasField("family")):
            raise InputError(
                "v1 Interpretation without a phenopacket or family: there is nothing to upgrade",
                path=display,
                line=1,
                column=1,
                kind="v1",
            )
        return up.wrapper(v1msg)
    if isinstance(v1msg, v1p.Cohort):
        return up.cohort(v1msg, "")
    if isinstance(v1msg, v1p.Family):
        return up.family(v1msg, "")
    assert isinstance(v1msg, v1p.Phenopacket)
    return up.phenopacket(v1msg, "", top=True)


def _declared(tree: dict[str, Any]) -> str:
    """The declared ``metaData.phenopacketSchemaVersion`` ("" when none)."""
    meta = tree.get("metaData") or tree.get("meta_data") or {}
    if isinstance(meta, dict):
        return str(meta.get("phenopacketSchemaVersion", meta.get("phenopacket_schema_version", ""))).strip()
    return ""


def _summary(tree: dict[str, Any], version: str, message: Message) -> Issue:
    """The ``upgraded`` finding: what was upgraded, from which declared schema, to which."""
    declared = _declared(tree)
    label = "pre-1.0" if version == "pre-1" else "v1"
    return F.UPGRADED(
        f"upgraded a Phenopacket {label} {type(message).__name__}"
        + (f" (declared schema {declared})" if declared else "")
        + f" to schema {V2_SCHEMA_VERSION}"
    )


def _as_v2(tree: dict[str, Any], text: str | None, fmt: Any) -> tuple[Message, list[Issue]]:
    """A v2 document as it is, with a finding for every member protobuf has no place for (not a silent drop)."""
    from phenotk.io.leftout import left_out

    message = read(tree)
    issues = [F.ALREADY_V2("already a Phenopacket v2 document; nothing to upgrade")]
    for ptr, what in left_out(tree, message.DESCRIPTOR):
        issues.append(F.UNKNOWN_FIELD(f"not a Phenopacket v2 field: {what}; dropped", pointer=ptr))
    if text is not None and len(issues) > 1:
        smap = SourceMap.from_yaml(text) if fmt is Format.YAML else SourceMap.from_json(text)
        for issue in issues[1:]:
            issue.line, issue.column = smap.locate(issue.pointer)
    return message, issues


def upgrade(
    source: dict[str, Any] | str | os.PathLike[str] | bytes,
    options: UpgradeOptions | None = None,
    *,
    path: str | None = None,
    **choices: Any,
) -> tuple[Message, list[Issue]]:
    """Upgrade one v1 (or pre-1.0) Phenopacket, Family, Cohort or v1 Interpretation document to v2.

    ``source`` is a parsed tree, a path (JSON or YAML) or bytes. Choices go in ``options`` or as keywords
    (``variants_to_interpretations=True, disease="OMIM:101600", progress_status="SOLVED"``). Returns the v2
    message and the findings (each with a pointer into the input and, for files, line and column). v2 input is
    returned as is with an info finding. Raises :class:`~phenotk.errors.InputError` for documents that cannot
    be upgraded, saying why.
    """
    if options is None:
        options = UpgradeOptions(**choices)
    elif choices:
        raise UsageError("pass either options= or keyword choices to upgrade(), not both")
    tree, display, text, fmt = _load(source, path)
    version = detect_version(tree)
    if version == "2" and ("resolutionStatus" in tree or "resolution_status" in tree):
        version = "1"  # a v1 Interpretation wrapper whose phenopacket/family is missing or malformed
    if version != "pre-1" and subject_features(tree) and not _declared(tree).startswith("2") and not (
        "phenotypicFeatures" in tree or "phenotypic_features" in tree
    ):
        version = "pre-1"  # features only inside the subject, no v2 claim: a pre-1.0 layout (0.1)
    if version == "2":
        return _as_v2(tree, text, fmt)
    issues: list[Issue] = []
    moves: dict[str, str] = {}
    if version == "pre-1":
        pre = normalise_pre1(tree, display)
        issues.extend(pre.issues)
        moves = pre.moves
        tree = pre.tree
    cls = v1_class(tree)
    cleaner = Cleaner()
    cleaned = cleaner.message(tree, cls.DESCRIPTOR, "", "")  # type: ignore[arg-type]
    v1msg = cls()
    try:
        json_format.ParseDict(cleaned, v1msg)
    except (json_format.ParseError, ValueError, TypeError) as exc:
        raise InputError(f"cannot read this as a Phenopacket v1 {cls.DESCRIPTOR.name}: {exc}", path=display) from None
    up = Upgrader(options)
    message = _convert(v1msg, up, display)
    for issue in up.issues:
        issue.pointer = _translate(issue.pointer, cleaner.pointers)
    walked = [*cleaner.issues, *up.issues]  # pointers into the walked tree (the pre-1.0 result, if any)
    if moves:
        for issue in walked:
            issue.pointer = _translate(issue.pointer, moves)
    issues = [_summary(tree, version, message), *issues, *walked]
    if text is not None:
        smap = SourceMap.from_yaml(text) if fmt is Format.YAML else SourceMap.from_json(text)
        for issue in issues:
            if issue.pointer:
                issue.line, issue.column = smap.locate(issue.pointer)
    return message, issues
