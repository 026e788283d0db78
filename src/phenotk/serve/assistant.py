"""The mapping assistant: a sheet's mapping as a table of columns (header → meaning), and edits to it.

The table is read from the mapping itself (the YAML ``mapping init`` wrote, or one the curator uploaded), so the
page never holds a second truth: changing a column's meaning edits the mapping dict at the place that field lives
(``subject.sex: <header>``, ``phenotypes.wide.terms``, ``ignore_columns`` …) and the page shows the result again.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import yaml

from phenotk.serve.workspace import ServeError

#: meaning → (where it lives, label shown in the page)
FIELDS: dict[str, tuple[tuple[str, ...], str]] = {
    "packet.id": (("id",), "Packet id"),
    "subject.id": (("subject", "id"), "Subject id"),
    "subject.sex": (("subject", "sex"), "Sex"),
    "subject.date_of_birth": (("subject", "date_of_birth"), "Date of birth"),
    "subject.age_at_last_encounter": (("subject", "age_at_last_encounter"), "Age at last encounter"),
    "subject.vital_status": (("subject", "vital_status"), "Vital status / deceased"),
    "disease.id": (("diseases", "id"), "Disease id (OMIM, ORPHA, MONDO)"),
    "disease.label": (("diseases", "label"), "Disease label"),
    "disease.onset": (("diseases", "onset"), "Disease onset"),
    "variant.hgvs": (("variants", "hgvs"), "Variant (HGVS)"),
    "variant.gene_symbol": (("variants", "gene_symbol"), "Gene symbol"),
    "variant.hgnc_id": (("variants", "hgnc_id"), "HGNC id"),
    "variant.transcript": (("variants", "transcript"), "Transcript"),
    "variant.zygosity": (("variants", "zygosity"), "Zygosity"),
    "reference.id": (("references", "id"), "Reference id (PMID)"),
    "reference.description": (("references", "description"), "Reference title"),
}
#: meanings that are not a single field
OTHER_MEANINGS: dict[str, str] = {
    "hpo": "HPO term (one column per term)",
    "text": "Free text or term list (HPO ids and labels found in it)",
    "text_excluded": "Absent findings (every HPO term listed is excluded)",
    "ignore": "Ignore on purpose",
    "unplaced": "Not mapped (a finding)",
}
#: lists of the mapping that may hold several entries (the first one gets single-entry fields)
_LISTS = ("diseases", "variants", "references")


def meanings() -> list[dict[str, str]]:
    """Every choice of the meaning menu, in order: ``{"value", "label"}``."""
    out = [{"value": k, "label": label} for k, (_, label) in FIELDS.items()]
    return out + [{"value": k, "label": v} for k, v in OTHER_MEANINGS.items()]


def parse(text: str) -> dict[str, Any]:
    """The mapping YAML as a dict (ServeError 400 with line:col when it is not a mapping)."""
    from phenotk.mapping.model import check_mapping

    data, _, errors = check_mapping(text, "mapping.yaml")
    if errors or not isinstance(data, dict):
        first = errors[0] if errors else None
        where = f"line {first.line}:{first.column}: " if first is not None and first.line else ""
        raise ServeError(400, f"mapping not valid: {where}{first.message if first else 'not a YAML mapping'}"
                         + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))
    return data


def dump(data: dict[str, Any]) -> str:
    """YAML text of a mapping dict (keys in the order the mapping has them)."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)


def _column_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("column"), str):
        return str(value["column"])
    return None


def _entries(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key)
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return []


def _field_places(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], str]]:
    """(meaning, dict holding the value, key) for every single-column field present in the mapping."""
    for meaning, (path, _) in FIELDS.items():
        if len(path) == 1:
            if path[0] in data:
                yield meaning, data, path[0]
            continue
        head, key = path
        holders = _entries(data, head) if head in _LISTS else [data.get(head) or {}]
        for holder in holders:
            if isinstance(holder, dict) and key in holder:
                yield meaning, holder, key


def _wide(data: dict[str, Any]) -> dict[str, Any]:
    return (data.get("phenotypes") or {}).get("wide") or {}


def columns(data: dict[str, Any], header: list[str], ontology: Any = None,
            suggestions: dict[str, list[dict[str, Any]]] | None = None) -> list[dict[str, Any]]:
    """One row per sheet column: meaning, HPO term (id, label), value vocabulary and suggestions."""
    from phenotk.conversion.table.terms import TermResolver

    by_column: dict[str, dict[str, Any]] = {}
    for meaning, holder, key in _field_places(data):
        col = _column_of(holder[key])
        if col is not None and col not in by_column:
            values = holder[key].get("values") if isinstance(holder[key], dict) else None
            by_column[col] = {"meaning": meaning, "values": values}
    wide = _wide(data)
    terms = wide.get("terms") or {}
    listed = wide.get("columns")
    text_block = (data.get("phenotypes") or {}).get("text") or {}
    texts = text_block.get("columns") or []
    absent = text_block.get("excluded_columns") or []
    ignored = set(data.get("ignore_columns") or [])
    resolver = TermResolver(ontology)
    rows = []
    for h in header:
        row: dict[str, Any] = {"column": h, "meaning": "unplaced", "term": None, "values": None,
                               "suggestions": (suggestions or {}).get(h, [])}
        if h in by_column:
            row.update(by_column[h])
        elif h in ignored:
            row["meaning"] = "ignore"
        elif h in texts:
            row["meaning"] = "text"
        elif h in absent:
            row["meaning"] = "text_excluded"
        elif h in terms or (listed == "auto" or (isinstance(listed, list) and h in listed)):
            curie = terms.get(h)
            hit = (curie, resolver.label(curie) or "") if curie else resolver.resolve(h)
            if hit is not None:
                row["meaning"], row["term"] = "hpo", {"id": hit[0], "label": hit[1] or resolver.label(hit[0]) or ""}
        rows.append(row)
    return rows


def _remove(data: dict[str, Any], column: str) -> None:
    """Take ``column`` out of every place in the mapping that reads it."""
    for _, holder, key in list(_field_places(data)):
        if _column_of(holder[key]) == column:
            del holder[key]
    for key in _LISTS:  # an entry without its required key is no entry
        required = "hgvs" if key == "variants" else "id"
        kept = [e for e in _entries(data, key) if required in e]
        if key in data:
            if kept:
                data[key] = kept if isinstance(data[key], list) else kept[0]
            else:
                del data[key]
    wide = _wide(data)
    (wide.get("terms") or {}).pop(column, None)
    if "terms" in wide and not wide["terms"]:
        del wide["terms"]
    if isinstance(wide.get("columns"), list) and column in wide["columns"]:
        wide["columns"].remove(column)
    text = (data.get("phenotypes") or {}).get("text")
    for key in ("columns", "excluded_columns"):
        if text and column in text.get(key, []):
            text[key].remove(column)
            if not text[key]:
                del text[key]
    if text is not None and not text.get("columns") and not text.get("excluded_columns"):
        del data["phenotypes"]["text"]
    if column in (data.get("ignore_columns") or []):
        data["ignore_columns"].remove(column)
        if not data["ignore_columns"]:
            del data["ignore_columns"]


def _put_field(data: dict[str, Any], meaning: str, column: str) -> None:
    path, _ = FIELDS[meaning]
    if len(path) == 1:
        data[path[0]] = column
        return
    head, key = path
    if head == "variants" and key == "hgvs":
        entry: dict[str, Any] = {"hgvs": column}
        current = _entries(data, "variants")
        if current:  # the new allele column shares the gene of the others
            entry.update({k: v for k, v in current[0].items() if k in ("gene_symbol", "hgnc_id", "transcript")})
        data["variants"] = [*current, entry]
        return
    if head in _LISTS:
        current = _entries(data, head)
        if not current:
            if head == "variants":
                raise ServeError(400, f"map a variant (HGVS) column before {FIELDS[meaning][1]!r}")
            data[head] = current = [{}] if key != "id" else [{"id": column}]
        targets = current if head == "variants" else current[:1]
        for entry in targets:
            entry[key] = column
        if head != "variants" and "id" not in current[0]:
            raise ServeError(400, f"map the {head[:-1]} id column before {FIELDS[meaning][1]!r}")
        data[head] = current if len(current) > 1 else current[0]
        return
    data.setdefault(head, {})[key] = column


def set_meaning(data: dict[str, Any], column: str, meaning: str, term: str | None = None,
                header: list[str] | None = None) -> dict[str, Any]:
    """A copy of the mapping in which ``column`` means ``meaning`` (``term``: the HPO id for ``hpo``)."""
    if header is not None and column not in header:
        raise ServeError(400, f"the sheet has no column {column!r}")
    if meaning not in FIELDS and meaning not in OTHER_MEANINGS:
        raise ServeError(400, f"unknown meaning {meaning!r}; one of {', '.join([*FIELDS, *OTHER_MEANINGS])}")
    out = copy.deepcopy(data)
    _remove(out, column)
    if meaning in FIELDS:
        _put_field(out, meaning, column)
    elif meaning == "ignore":
        out.setdefault("ignore_columns", []).append(column)
    elif meaning in ("text", "text_excluded"):
        text = out.setdefault("phenotypes", {}).setdefault("text", {})
        text.setdefault("columns" if meaning == "text" else "excluded_columns", []).append(column)
    elif meaning == "hpo":
        wide = out.setdefault("phenotypes", {}).setdefault("wide", {"columns": "auto"})
        if term:
            wide.setdefault("terms", {})[column] = term
        if isinstance(wide.get("columns"), list):
            wide["columns"].append(column)
    elif meaning == "unplaced":
        pass  # read by nothing: the conversion reports it (map-unmapped-column)
    if "subject" in out and "id" not in out["subject"]:
        raise ServeError(400, "a mapping needs a subject id column; give another column that meaning first")
    return out


def search_terms(ontology: Any, query: str, limit: int = 15) -> list[dict[str, str]]:
    """HPO terms whose id, label or synonym contains ``query`` (labels first, shorter first)."""
    q = " ".join(query.lower().split())
    if ontology is None or len(q) < 2:
        return []
    if q.startswith("hp:") and ontology.contains(q.upper()):
        curie = q.upper()
        return [{"id": curie, "label": ontology.label(curie) or "", "match": curie}]
    table = _label_table(ontology)
    hits: list[tuple[int, int, str, str, str]] = []
    for curie, label, text, rank in table:
        pos = text.find(q)
        if pos >= 0:
            hits.append((rank + (0 if pos == 0 else 1), len(text), curie, label, text))
            if len(hits) > 4000:
                break
    hits.sort()
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for _, _, curie, label, text in hits:
        if curie not in seen:
            seen.add(curie)
            out.append({"id": curie, "label": label, "match": text})
        if len(out) >= limit:
            break
    return out


_TABLES: dict[int, list[tuple[str, str, str, int]]] = {}


def _label_table(ontology: Any) -> list[tuple[str, str, str, int]]:
    """(id, label, lower-case text, rank) for every current term's label (rank 0) and synonyms (rank 2)."""
    key = id(ontology)
    table = _TABLES.get(key)
    if table is None:
        table = []
        for curie in ontology.terms():
            label = ontology.label(curie) or ""
            table.append((curie, label, label.lower(), 0))
            table.extend((curie, label, s.lower(), 2) for s in ontology.synonyms(curie))
        _TABLES.clear()
        _TABLES[key] = table
    return table
