"""Bytes → FHIR JSON tree: a path, JSON or XML bytes, or an already parsed dict. Bad input is an ``InputError``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from phenotk.errors import InputError


def load_fhir(source: str | os.PathLike[str] | bytes | dict[str, Any], name: str = "<fhir>") -> dict[str, Any]:
    """FHIR JSON tree from a path, bytes (JSON or XML) or an already parsed dict. Raises ``InputError``."""
    if isinstance(source, dict):
        return source
    if isinstance(source, bytes):
        raw = source
    else:
        name = os.fspath(source)
        try:
            raw = Path(name).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", path=name, kind="missing") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # UTF-8 byte order mark
    if raw.lstrip()[:1] == b"<":
        from phenotk.conversion.fhir.xml import xml_to_json

        try:
            return xml_to_json(raw)
        except ValueError as exc:
            line, col = getattr(exc, "line", None), getattr(exc, "column", None)
            raise InputError(str(exc), path=name, line=line, column=col) from None
    try:
        tree = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        col = getattr(exc, "colno", None)
        raise InputError(f"not JSON or XML: {exc}", path=name, line=line, column=col) from None
    except RecursionError:
        raise InputError("not JSON or XML: nested too deeply", path=name, line=1, column=1) from None
    if not isinstance(tree, dict) or not isinstance(tree.get("resourceType"), str):
        raise InputError('not a FHIR resource: no top-level "resourceType"', path=name, line=1, column=1)
    return tree
