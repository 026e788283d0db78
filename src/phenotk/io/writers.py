"""Writers for JSON, YAML, protobuf binary and JSONL, with atomic replacement of the target."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from google.protobuf import json_format
from google.protobuf.message import Message

from phenotk.errors import OutputExistsError, UsageError
from phenotk.io.document import Format
from phenotk.io.sniff import format_from_extension


def to_dict(message: Message) -> dict[str, Any]:
    """CamelCase JSON tree of a message (the form the Phenopacket JSON schema and the store use)."""
    return json_format.MessageToDict(message)


_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):  # type: ignore[misc]
    """Block-style YAML; multi-line strings as literal blocks (C emitter when available)."""


def _str_presenter(dumper: Any, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)


def dumps(message: Message | dict[str, Any], fmt: Format | str = Format.JSON) -> bytes:
    """Serialise one message (or its JSON tree, for JSON/YAML/JSONL)."""
    fmt = Format(fmt)
    if fmt is Format.PB:
        if not isinstance(message, Message):
            raise UsageError("protobuf binary output needs a message, not a dict")
        return message.SerializeToString(deterministic=True)
    tree = message if isinstance(message, dict) else to_dict(message)
    if fmt is Format.YAML:
        return yaml.dump(tree, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100).encode("utf-8")
    if fmt is Format.JSONL:
        return (json.dumps(tree, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    return (json.dumps(tree, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike[str], data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` via a temp file in the same folder and a rename.

    Refuses to replace an existing file unless ``force``; never leaves a half-written target.
    """
    target = Path(path)
    if target.exists() and not force:
        raise OutputExistsError("output exists; use --force to overwrite", path=str(target))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:  # a parent that is a file, a read-only or virtual file system, …
        raise UsageError(f"cannot write output: {exc.strerror or exc}", path=str(target)) from None
    try:
        # mkstemp makes the file 0600; give it the mode a normal open() would (0666 minus umask)
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):  # e.g. the target is a directory, or the disk is full
            raise UsageError(f"cannot write output: {exc.strerror or exc}", path=str(target)) from None
        raise
    return target


def write(
    messages: Message | Iterable[Message],
    path: str | os.PathLike[str],
    *,
    fmt: Format | str | None = None,
    force: bool = False,
) -> Path:
    """Write one message (JSON/YAML/PB) or many (JSONL) to ``path`` atomically.

    The format comes from ``fmt`` or the extension (``.json``, ``.yaml``/``.yml``, ``.pb``, ``.jsonl``).
    """
    resolved = Format(fmt) if fmt else format_from_extension(str(path))
    if resolved is None:
        raise UsageError(f"cannot tell the output format from {path!s}; pass fmt= (json, yaml, pb, jsonl)")
    if isinstance(messages, Message):
        batch: list[Message] = [messages]
    else:
        batch = list(messages)
    if resolved is Format.JSONL:
        payload = b"".join(dumps(m, Format.JSONL) for m in batch)
    else:
        if len(batch) != 1:
            raise UsageError(f"{resolved.value} holds one document; write {len(batch)} to a directory or .jsonl")
        payload = dumps(batch[0], resolved)
    return atomic_write(path, payload, force=force)
