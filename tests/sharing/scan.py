"""An independent leak scan for de-identified output: written without phenotk.sharing's code or tables.

It knows the Phenopacket element layout (where subject, biosample, interpretation, family and cohort ids
live), recognises timestamps by their RFC 3339 shape and free text by key name, and searches the output for
the original values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
FREE_TEXT_KEYS = {"description", "summary", "comment", "definition", "notes"}
MAP_FIELDS = {"individualToFileIdentifiers", "fileAttributes"}
#: gene symbols are data even when a curator named a subject after the gene (``ITPR1`` in the store)
NOT_SEARCHED = {"symbol"}
ID_KEYS = {"id", "individualId", "subjectOrBiosampleId", "familyId", "paternalId", "maternalId", "derivedFromId"}


def packets(tree: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The phenopackets of a Phenopacket, Family or Cohort tree."""
    if "proband" in tree or "pedigree" in tree:
        for p in [tree.get("proband"), *(tree.get("relatives") or [])]:
            if isinstance(p, dict):
                yield p
    elif "members" in tree:
        yield from (m for m in tree["members"] if isinstance(m, dict))
    else:
        yield tree


def original_ids(tree: dict[str, Any]) -> set[str]:
    """Every identifier of a person or sample in an element tree (not ontology or variant ids)."""
    out: set[str] = set()
    if isinstance(tree.get("id"), str):
        out.add(tree["id"])
    for person in (tree.get("pedigree") or {}).get("persons", []):
        for k in ("familyId", "individualId", "paternalId", "maternalId"):
            if isinstance(person.get(k), str):
                out.add(person[k])
    for pp in packets(tree):
        out.add(pp.get("id", ""))
        subject = pp.get("subject") or {}
        out.add(subject.get("id", ""))
        out.update(subject.get("alternateIds", []))
        for b in pp.get("biosamples", []):
            out.update(str(b.get(k, "")) for k in ("id", "individualId", "derivedFromId"))
        for i in pp.get("interpretations", []):
            out.add(i.get("id", ""))
            for g in (i.get("diagnosis") or {}).get("genomicInterpretations", []):
                out.add(g.get("subjectOrBiosampleId", ""))
        for f in pp.get("files", []):
            out.update((f.get("individualToFileIdentifiers") or {}).keys())
    return out - {"", "0"}


def walk(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """(path, leaf) for every leaf; keys of map fields (ids → sample ids) are leaves too (path ends ``"<key>"``)."""
    if isinstance(value, dict):
        is_map = bool(path) and path[-1] in MAP_FIELDS
        for k, v in value.items():
            if is_map:
                yield (*path, "<key>"), k
            yield from walk(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, (*path, i))
    else:
        yield path, value


def leaks(original: dict[str, Any], output: dict[str, Any]) -> list[str]:
    """What of ``original``'s ids, timestamps and free text is still in ``output`` (empty list: nothing)."""
    ids = original_ids(original)
    timestamps = {v for _, v in walk(original) if isinstance(v, str) and TS.match(v)}
    texts = {v for p, v in walk(original) if isinstance(v, str) and v.strip() and p and p[-1] in FREE_TEXT_KEYS}
    found = []
    out_strings = [(p, v) for p, v in walk(output) if isinstance(v, str)]
    for p, v in out_strings:
        key = p[-1] if p else None
        if key in ID_KEYS and v in ids:
            found.append(f"id {v!r} at {p}")
        for ident in () if key in NOT_SEARCHED else ids:
            if len(ident) >= 4 and not ident.isdigit() and ident in v:
                found.append(f"id {ident!r} inside {v!r} at {p}")
        if TS.match(v) and any(v[:10] == t[:10] for t in timestamps):
            found.append(f"date {v!r} at {p}")
        for t in timestamps:
            if t in v:
                found.append(f"timestamp {t!r} in {v!r} at {p}")
        for t in texts:
            if v == t or (len(t) >= 12 and t in v):
                found.append(f"free text {t[:40]!r} at {p}")
    return found


def times(tree: dict[str, Any]) -> tuple[dict[tuple[Any, ...], dt.datetime], dict[tuple[Any, ...], str]]:
    """(timestamps by path, ISO durations by path) of a tree."""
    stamps, ages = {}, {}
    for p, v in walk(tree):
        if isinstance(v, str) and TS.match(v):
            stamps[p] = dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
        elif p and p[-1] == "iso8601duration":
            ages[p] = v
    return stamps, ages
