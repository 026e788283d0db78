"""Bytes → FHIR JSON tree: a path, JSON, NDJSON or XML bytes, or a parsed dict. Bad input is an ``InputError``.

NDJSON (FHIR Bulk Data export: one resource per line, e.g. ``Patient.ndjson`` or a mixed file) is read as a
collection Bundle whose ``entry[n]`` is the n-th resource line.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from phenotk.errors import InputError


def _ndjson(raw: bytes, name: str) -> dict[str, Any]:
    """FHIR Bulk Data NDJSON (one resource per line) as a collection Bundle: entry n is the n-th resource line.

    Blank lines are skipped; a line that is not a JSON object with a ``resourceType`` is an ``InputError``
    naming the line.
    """
    entries: list[dict[str, Any]] = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            res = json.loads(line)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise InputError(f"not FHIR NDJSON: line {number} is not JSON ({exc})", path=name, line=number,
                             column=1) from None
        if not isinstance(res, dict) or not isinstance(res.get("resourceType"), str):
            raise InputError(f'not FHIR NDJSON: line {number} is not a FHIR resource (no "resourceType")',
                             path=name, line=number, column=1)
        entries.append({"resource": res})
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def load_fhir(source: str | os.PathLike[str] | bytes | dict[str, Any], name: str = "<fhir>") -> dict[str, Any]:
    """FHIR JSON tree from a path, bytes (JSON, NDJSON or XML) or an already parsed dict. Raises ``InputError``."""
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
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and b"\n" in raw.strip():
            return _ndjson(raw, name)
        raise InputError(f"not JSON or XML: {exc}", path=name, line=exc.lineno, column=exc.colno) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not JSON or XML: {exc}", path=name) from None
    except RecursionError:
        raise InputError("not JSON or XML: nested too deeply", path=name, line=1, column=1) from None
    if not isinstance(tree, dict) or not isinstance(tree.get("resourceType"), str):
        raise InputError('not a FHIR resource: no top-level "resourceType"', path=name, line=1, column=1)
    return tree
