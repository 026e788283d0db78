"""``lookup:`` tables of a mapping value: cell text → value, from a CSV/TSV file or written inline.

A lookup is a value map kept outside the ``values:`` block, for tables too long to type (gene symbol → HGNC
id). Forms, on any mapping value::

    hgnc_id: {column: Gene, lookup: genes.tsv}                    # file: first column → second column
    hgnc_id: {column: Gene, lookup: {file: hgnc.tsv, key: Approved symbol, value: HGNC ID}}
    hgnc_id: {column: Gene, lookup: {SCN1A: "HGNC:10585", KCNQ2: "HGNC:6296"}}   # inline

File paths are relative to the mapping file. Keys match case-insensitively, blanks trimmed. Files are CSV, TSV
or ``;``-separated text (UTF-8, with or without BOM; else cp1252), with a header row.
"""

from __future__ import annotations

import csv
import functools
import io
from pathlib import Path
from typing import Any

from phenotk.errors import InputError

_FILE_KEYS = frozenset({"file", "key", "value"})


def is_file_spec(raw: Any) -> bool:
    """True for the ``{file: …, key: …, value: …}`` form (not an inline table)."""
    return isinstance(raw, dict) and "file" in raw and set(raw) <= _FILE_KEYS


def resolve_lookup(raw: Any, base: Path | None) -> tuple[dict[str, str], str]:
    """(table with lower-cased keys, where it came from) for the YAML ``lookup`` value ``raw``.

    Raises ``InputError`` naming the file when a lookup file cannot be read or lacks the named columns.
    """
    if isinstance(raw, str) or is_file_spec(raw):
        spec = {"file": raw} if isinstance(raw, str) else raw
        path = Path(str(spec["file"]))
        if not path.is_absolute() and base is not None:
            path = base / path
        key, value = spec.get("key"), spec.get("value")
        return dict(_read_table(str(path), None if key is None else str(key), None if value is None else str(value))), (
            path.name
        )
    table = {str(k).strip().lower(): ("" if v is None else str(v).strip()) for k, v in dict(raw).items()}
    return table, "inline lookup"


@functools.lru_cache(maxsize=16)
def _read_table(path: str, key: str | None, value: str | None) -> tuple[tuple[str, str], ...]:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read lookup table: {exc.strerror or exc}", path=path) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if path.lower().endswith((".tsv", ".tab")) or "\t" in first else (";" if ";" in first and
                                                                                            "," not in first else ",")
    rows = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if any(c.strip() for c in r)]
    if not rows:
        raise InputError("lookup table is empty", path=path)
    header = [h.strip() for h in rows[0]]
    ki = _column(header, key, 0, path)
    vi = _column(header, value, 1, path)
    out: dict[str, str] = {}
    for r in rows[1:]:
        k = r[ki].strip().lower() if ki < len(r) else ""
        v = r[vi].strip() if vi < len(r) else ""
        if k and k not in out:
            out[k] = v
    return tuple(out.items())


def _column(header: list[str], name: str | None, default: int, path: str) -> int:
    if name is None:
        if len(header) <= default:
            raise InputError(f"lookup table needs two columns (key, value); its header is {header}", path=path)
        return default
    if name not in header:
        raise InputError(f"lookup table has no column {name!r}; columns: {', '.join(header)}", path=path)
    return header.index(name)
