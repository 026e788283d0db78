"""``phenotk mapping init`` / ``explain``: place a sheet's columns, and describe what a mapping does with them.

Columns are placed by header words (ids, sex, ages, diseases, variants, references) and by the HPO index (term
labels, synonyms and ids in headers; a column of HPO ids makes a long-layout sheet).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from phenotk.mapping.model import TableMapping, ValueSpec

from .build import TermResolver
from .sheets import Sheet

_HP_CELL = re.compile(r"\s*HP[:_]\d{7}\s*\Z", re.I)

#: (field, header pattern) in priority order; the first unplaced header that matches wins the field.
_RULES: list[tuple[str, str]] = [
    ("packet_id", r"(pheno)?packet[ _]?id"),
    ("subject_id", r"(patient|individual|subject|case|proband|participant|sample|record)([ _]?(id|no|number|#))?|id"),
    ("pmid", r"pmid|pubmed([ _]?id)?|reference|citation"),
    ("title", r"title|publication"),
    ("sex", r"sex|gender|sex at birth"),
    ("date_of_birth", r"(date[ _]of[ _]birth|dob|birth[ _]?date)"),
    ("age", r"(age|current[ _]age|age[ _]at[ _](last[ _])?(encounter|exam|examination|visit|evaluation)"
            r"|age_at_last_encounter)([ _]?\((years|y|yrs)\))?"),
    ("onset", r"(age[ _]at[ _])?onset|age[ _]of[ _]onset|disease[ _]onset"),
    ("vital_status", r"deceased|vital([ _]status)?|alive|dead|death"),
    ("disease_id", r"(disease|diagnosis|disorder)[ _]?(id|code)|omim([ _]id)?|mondo([ _]id)?|orpha(net)?([ _]id)?"),
    ("disease_label", r"(disease|diagnosis|disorder)([ _]?(label|name))?"),
    ("gene_symbol", r"gene([ _]symbol)?|symbol"),
    ("hgnc_id", r"hgnc([ _]?id)?"),
    ("variant", r"(variant|hgvs|allele|mutation|cdna|c\.)([ _]?\d)?"),
    ("zygosity", r"zygosity|genotype|allelic[ _]state"),
    ("term", r"hpo([ _]?(id|term|code))?|(hpo[ _])?term([ _]?id)?|phenotype[ _]?id"),
    ("text", r"(clinical[ _])?(phenotypes?|features|symptoms|findings|description|notes[ _]on[ _]phenotype)"),
    ("status", r"status|present\??|observed\??|excluded\??"),
    ("term_label", r"(hpo|term)[ _]?(label|name)"),
]
_COMPILED = [(f, re.compile(rf"\s*(?:{p})\s*\Z", re.I)) for f, p in _RULES]
_COMPILED_TERM = dict(_COMPILED)["term"]


@dataclass
class Placement:
    """Where ``mapping init`` put each column."""

    fields: dict[str, list[str]] = field(default_factory=dict)  # field → headers
    hpo_columns: dict[str, tuple[str, str]] = field(default_factory=dict)  # header → (id, label)
    term_column: str | None = None  # long layout: a column of HPO ids
    unplaced: list[str] = field(default_factory=list)


_DISEASE_CELL = re.compile(r"\s*(OMIM|MIM|MONDO|ORPHA|ORPHANET|DOID)\s*[:_]?\s*\d+\s*\Z", re.I)


def _mostly(sheet: Sheet, header: str, rx: re.Pattern[str]) -> bool:
    j = sheet.header.index(header)
    values = [r[j] for r in sheet.rows[:200] if r[j].strip()]
    return bool(values) and sum(1 for v in values if rx.match(v)) >= 0.8 * len(values)


def _mostly_terms(sheet: Sheet, header: str, resolver: TermResolver) -> bool:
    """Half or more of the non-empty cells are HPO ids or (with an index) HPO labels."""
    j = sheet.header.index(header)
    values = [r[j] for r in sheet.rows[:200] if r[j].strip()]
    return bool(values) and sum(1 for v in values if resolver.resolve(v) is not None) >= 0.5 * len(values)


def place_columns(sheet: Sheet, ontology: Any = None) -> Placement:
    """Assign each header to a mapping field, an HPO term (wide), or leave it unplaced.

    Order: headers that carry an HPO id; a column of HPO ids (long layout); header words for the packet fields
    (a disease column whose cells are CURIEs is the disease id); then HPO labels and synonyms via the index.
    """
    resolver = TermResolver(ontology)
    id_only = TermResolver(None)
    out = Placement()
    for h in sheet.header:
        term = id_only.resolve(h)
        if term is not None:
            out.hpo_columns[h] = (term[0], resolver.label(term[0]) or term[1])
            continue
        if out.term_column is None and (
            _mostly(sheet, h, _HP_CELL) or (_COMPILED_TERM.match(h) and _mostly_terms(sheet, h, resolver))
        ):
            out.term_column = h
            continue
        placed = False
        for name, rx in _COMPILED:
            if not rx.match(h):
                continue
            if name == "disease_label" and _mostly(sheet, h, _DISEASE_CELL):
                name = "disease_id"  # a bare "Disease" column holding CURIEs
            if name in ("variant", "text") or name not in out.fields:
                out.fields.setdefault(name, []).append(h)
                placed = True
                break
        if placed:
            continue
        term = resolver.resolve(h)
        if term is not None:
            out.hpo_columns[h] = term
        else:
            out.unplaced.append(h)
    return out


def starter_mapping(sheet: Sheet, ontology: Any = None, *, header_row: int = 1, sheet_name: str | None = None
                    ) -> tuple[str, Placement]:
    """YAML text of a starter mapping for ``sheet`` and the placement it is based on."""
    pl = place_columns(sheet, ontology)
    f = pl.fields
    stem = Path(sheet.path).stem if sheet.path and not sheet.path.startswith("<") else sheet.name.rsplit(".", 1)[0]
    d: dict[str, Any] = {"phenotk_mapping": 1, "name": stem,
                         "description": f"Starter mapping for {sheet.name} written by phenotk mapping init; review it."}
    inp: dict[str, Any] = {"rows": "many" if pl.term_column else "one"}
    if sheet_name:
        inp["sheet"] = sheet_name
    if header_row != 1:
        inp["header_row"] = header_row
    d["input"] = inp
    subject_col = (f.get("subject_id") or f.get("packet_id") or [sheet.header[0]])[0]
    if subject_col in pl.unplaced:
        pl.unplaced.remove(subject_col)
    if "packet_id" in f:
        d["id"] = f["packet_id"][0]
    elif "pmid" in f:
        d["id"] = {"template": f"PMID_{{{f['pmid'][0]}|digits}}_{{{subject_col}}}"}
    subject: dict[str, Any] = {"id": subject_col}
    for key, name in (("sex", "sex"), ("date_of_birth", "date_of_birth"), ("age", "age_at_last_encounter"),
                      ("vital_status", "vital_status")):
        if key in f:
            subject[name] = f[key][0]
    if "age" in f:
        unit = re.search(r"\b(years?|months?|weeks?|days?)\b", f["age"][0], re.I)
        if unit:
            subject["age_at_last_encounter"] = {"column": f["age"][0], "unit": unit.group(1).lower().rstrip("s") + "s"}
    d["subject"] = subject
    if "disease_id" in f:
        disease: dict[str, Any] = {"id": f["disease_id"][0]}
        if "disease_label" in f:
            disease["label"] = f["disease_label"][0]
        if "onset" in f and not pl.term_column:
            disease["onset"] = f["onset"][0]
        d["diseases"] = disease
    if "variant" in f:
        variants = []
        for col in f["variant"]:
            v: dict[str, Any] = {"hgvs": col}
            if "gene_symbol" in f:
                v["gene_symbol"] = f["gene_symbol"][0]
            if "hgnc_id" in f:
                v["hgnc_id"] = f["hgnc_id"][0]
            if "zygosity" in f:
                v["zygosity"] = f["zygosity"][0]
            variants.append(v)
        d["variants"] = variants if len(variants) > 1 else variants[0]
    if "pmid" in f:
        ref: dict[str, Any] = {"id": f["pmid"][0]}
        if "title" in f:
            ref["description"] = f["title"][0]
        d["references"] = ref
    phen: dict[str, Any] = {}
    if pl.hpo_columns:
        phen["wide"] = {"columns": "auto"}
    if pl.term_column:
        long: dict[str, Any] = {"term": pl.term_column}
        if "term_label" in f:
            long["label"] = f["term_label"][0]
        if "status" in f:
            long["status"] = f["status"][0]
        if "onset" in f:
            long["onset"] = f["onset"][0]
        phen["long"] = long
    if "text" in f:
        phen["text"] = {"columns": f["text"]}
    if phen:
        d["phenotypes"] = phen
    used: set[str] = set()
    probe = TableMapping(d)
    plain, _ = probe.referenced_columns()
    used |= plain | {c for spec in probe.all_specs() for c in spec.columns()}
    pl.unplaced = [h for h in sheet.header if h not in used and h not in pl.hpo_columns and h != pl.term_column]
    body = yaml.safe_dump(d, sort_keys=False, allow_unicode=True, width=120)
    lines = [f"# Starter mapping for {sheet.name} (phenotk mapping init). Check every line, then run",
             f"#   phenotk mapping check THIS.yaml {sheet.path}"]
    if pl.hpo_columns:
        lines.append(f"# HPO term columns recognised ({len(pl.hpo_columns)}):")
        lines += [f"#   {h!r}: {cid} {label}" for h, (cid, label) in list(pl.hpo_columns.items())[:200]]
    if pl.unplaced:
        lines.append("# Columns not placed (map them, add them under phenotypes.wide.terms, or list them under "
                     "ignore_columns):")
        lines += [f"#   {h!r}" for h in pl.unplaced]
    return "\n".join(lines) + "\n" + body, pl


def _spec_text(spec: ValueSpec) -> str:
    if spec.column is not None:
        src = f"column {spec.column!r}"
    elif spec.template is not None:
        src = f"template {spec.template!r} (made id-safe)"
    else:
        src = f"constant {spec.const!r}"
    extras = []
    if spec.values:
        extras.append("values " + ", ".join(f"{k}→{v}" for k, v in list(spec.values.items())[:8]))
    if spec.unit:
        extras.append(f"bare numbers in {spec.unit}")
    if spec.default is not None:
        extras.append(f"default {spec.default!r}")
    return src + (f" ({'; '.join(extras)})" if extras else "")


def explain(mapping: TableMapping, sheet: Sheet | None = None, ontology: Any = None) -> list[str]:
    """Human-readable lines: what each mapping field reads, and (with a sheet) what happens to each column."""
    m = mapping
    out = [f"mapping {m.name}" + (f" ({m.path})" if m.path else "") + (f": {m.description}" if m.description else "")]
    out.append(f"rows per packet: {m.rows_per_packet}; header row {m.header_row}"
               + (f"; sheet {m.sheet!r}" if m.sheet is not None else ""))
    out.append(f"packet id      ← {_spec_text(m.packet_id)}")
    for key, spec in m.subject.items():
        out.append(f"subject.{key:<22} ← {_spec_text(spec)}")
    for label, blocks in (("disease", m.diseases), ("variant", m.variants), ("reference", m.references)):
        for block in blocks:
            for key, spec in block.items():
                out.append(f"{label}.{key:<16} ← {_spec_text(spec)}")
    if m.wide_columns is not None:
        out.append(f"phenotypes (wide): columns {m.wide_columns!r}; observed {sorted(m.wide_vocabulary.observed)}, "
                   f"excluded {sorted(m.wide_vocabulary.excluded)}, unknown {sorted(m.wide_vocabulary.unknown)}; "
                   "an age or onset label in a cell = observed with that onset")
    if m.long is not None:
        for key, spec in m.long.items():
            out.append(f"phenotypes (long).{key:<6} ← {_spec_text(spec)}")
    if m.text_columns:
        out.append(f"phenotypes (free text) ← {m.text_columns}; negations {list(m.text_negations)}")
    if m.ignore_columns:
        out.append(f"ignored columns: {m.ignore_columns}")
    if sheet is not None:
        from phenotk.issue import Severity

        from .build import _Builder, _Options
        from .findings import RULES

        b = _Builder(sheet, m, TermResolver(ontology), _Options(Severity.WARNING, None, "phenotk"))
        plain, _patterns = m.referenced_columns()
        expanded = {c for blk in (*b.diseases, *b.variants, *b.references) for s in blk.values() for c in s.columns()}
        wide = dict(b.wide)
        out.append(f"columns of {sheet.name} ({len(sheet.rows)} data rows):")
        for h in sheet.header:
            if h in wide:
                what = f"HPO {wide[h].id} {wide[h].label} (wide)"
            elif h in m.ignore_columns:
                what = "ignored"
            elif h in plain or h in expanded:
                what = "read by the mapping"
            else:
                hit = next((i for i in b.sheet_issues if i.context.get("column") == h), None)
                what = f"NOT MAPPED ({RULES[hit.rule][0]} {hit.rule})" if hit else "NOT MAPPED"
            out.append(f"  {h!r}: {what}")
        for i in b.sheet_issues:
            if i.rule == "map-missing-column":
                out.append(f"  missing: {i.message}")
    return out
