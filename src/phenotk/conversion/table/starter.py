"""``phenotk mapping init`` / ``explain``: place a sheet's columns, and describe what a mapping does with them.

``mapping init`` first finds the data: in a workbook the sheet that holds the patients (read-me, legend and lookup
sheets are passed over), and in that sheet the header row (title banners, notes and merged group headers above it
are skipped) — see :mod:`.starter_layout`. The mapping records both (``input.sheet``, ``input.header_row``), so
conversion reads the sheet the same way.

Columns are then placed by header words in English, German, French, Spanish, Italian and Dutch (ids, sex, ages,
diseases, variants, vital status, references — :mod:`.starter_words`) and by the HPO index: a header that is an HPO
label or synonym up to case, plural and British spelling is a term column; one that is only close to one gets
suggestions (:mod:`.starter_terms`) that the curator must confirm — written as comments and findings, never used by
themselves. Study/family yes-no columns (``Affected``, ``Consent``, ``Consanguinity``) are never made terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from phenotk._text import printable
from phenotk.conversion.findings import MAP_UNKNOWN_TERM, MAP_UNMAPPED_COLUMN
from phenotk.issue import Issue, Severity
from phenotk.mapping.model import DEFAULT_NEGATIONS, DEFAULT_SEPARATORS, DEFAULT_VOCABULARY, TableMapping, ValueSpec

from .build import TermResolver
from .columns import onset_subject
from .findings import MAP_UNMATCHED_TEXT
from .sheets import Sheet, SheetPreview, column_letter, preview_table, read_table
from .starter_layout import HeaderChoice, choose_header, choose_sheet, transposed_labels
from .starter_terms import TermHit, matcher_for
from .starter_values import PRESENCE, presence_values, sex_values, vital_values
from .starter_words import field_of, is_not_phenotype
from .starter_words import header_key as _key

#: an HPO id in a cell (``HP:0001250``, ``Seizure (HP:0001250)``): a column of them is a long layout
_HP_CELL = re.compile(r"\bHP[:_]\d{7}\b", re.I)
#: a disease id in a cell (``OMIM:607208``, ``MIM #607208``, ``DEE14 (OMIM 614959)``): the column is the disease id
_DISEASE_CELL = re.compile(r"\b(?:OMIM|MIM|MONDO|ORPHA|ORPHANET|DOID)\s*[:_]?\s*#?\s*\d+", re.I)
#: a cell that is only a number (``5``, ``12.5``, ``3,5``): an age without its unit
_BARE_NUMBER = re.compile(r"\A\s*\d+(?:[.,]\d+)?\s*\Z")
#: Fields of which a sheet may have several columns.
_MULTI = ("variant", "text", "text_excluded")
#: a header over a list of absent findings ("excluded HPO terms", "ausgeschlossene Merkmale", "signes absents")
_EXCLUDED_HEADER = re.compile(r"\b(?:excluded|absent|negative|not observed|ruled out|ausgeschlossen\w*|nicht vorhanden|"
                              r"fehlend\w*|exclus\w*|absente?s?|ausentes?|esclus\w*|afwezig\w*|negatie\w*)\b")


@dataclass
class Placement:
    """Where ``mapping init`` put each column."""

    fields: dict[str, list[str]] = field(default_factory=dict)  # field → headers
    hpo_columns: dict[str, tuple[str, str]] = field(default_factory=dict)  # header → (id, label)
    term_column: str | None = None  # long layout: a column of HPO ids
    unplaced: list[str] = field(default_factory=list)
    #: headers placed as HPO columns that only match up to case/plural/spelling (need ``wide.terms``)
    normalised: dict[str, TermHit] = field(default_factory=dict)
    #: unplaced headers close to HPO terms: suggestions for the curator to confirm
    suggestions: dict[str, list[TermHit]] = field(default_factory=dict)
    #: unplaced study/family yes-no columns (not phenotypes unless confirmed)
    not_phenotype: list[str] = field(default_factory=list)
    #: unplaced header → why (shown with the header)
    notes: dict[str, str] = field(default_factory=dict)
    #: free-text phrase that matches no HPO term exactly → (its column, close terms)
    text_suggestions: dict[str, tuple[str, list[TermHit]]] = field(default_factory=dict)


def _cells(sheet: Sheet, header: str) -> list[str]:
    j = sheet.header.index(header)
    return [r[j] for r in sheet.rows[:200] if r[j].strip()]


def _mostly(sheet: Sheet, header: str, rx: re.Pattern[str], share: float = 0.8) -> bool:
    """``share`` (four in five) of the non-empty cells hold ``rx`` somewhere."""
    values = _cells(sheet, header)
    return bool(values) and sum(1 for v in values if rx.search(v)) >= share * len(values)


def _term_list(sheet: Sheet, header: str) -> bool:
    """Half or more of the non-empty cells hold an HPO id and some cell holds two or more: a term-list column.

    A header naming absent findings (``excluded HPO``) needs only the ids: a long layout's status column holds
    words, never ids.
    """
    values = _cells(sheet, header)
    if not values or sum(1 for v in values if _HP_CELL.search(v)) < 0.5 * len(values):
        return False
    return bool(_EXCLUDED_HEADER.search(_key(header))) or any(len(_HP_CELL.findall(v)) > 1 for v in values)


def _mostly_terms(sheet: Sheet, header: str, resolver: TermResolver) -> bool:
    """Half or more of the non-empty cells are HPO ids or (with an index) HPO labels."""
    values = _cells(sheet, header)
    return bool(values) and sum(1 for v in values if resolver.resolve(v) is not None) >= 0.5 * len(values)


def _place_field(sheet: Sheet, h: str, out: Placement) -> bool:
    name = field_of(h)
    if name is None:
        return False
    if name == "disease_label" and _mostly(sheet, h, _DISEASE_CELL, share=0.5):
        # a bare "Disease" column holding CURIEs, some names among them: as the id its ids are carried and each
        # name is a map-bad-cell finding; as a label without an id column it could not be mapped at all
        name = "disease_id"
    if name == "term" and out.term_column is not None:
        name = "term_label"  # "hpo_term" beside "hpo_id"
    elif name == "term":
        return False  # a term header whose cells are not terms: not the long layout
    if name in _MULTI or name not in out.fields:
        out.fields.setdefault(name, []).append(h)
        return True
    return False


def _place_term(h: str, resolver: TermResolver, ontology: Any, out: Placement) -> None:
    """An HPO column (exact, phenotypic abnormality), a suggestion, or unplaced."""
    matcher = matcher_for(ontology)
    direct = resolver.resolve(h)  # what conversion's "auto" finds by itself
    hit = matcher.describe(direct[0], h) if direct is not None else matcher.exact(h)
    if hit is not None and hit.phenotype:
        out.hpo_columns[h] = (hit.id, hit.label)
        literal = TermResolver(None).resolve(h) is not None or hit.id in (ontology.lookup(h) or ())
        if not literal:  # matched up to plural / spelling: the mapping names the id, whatever resolver reads it
            out.normalised[h] = hit
        return
    out.unplaced.append(h)
    close = [hit] if hit is not None else matcher.suggest(h)
    if close:
        out.suggestions[h] = close


#: comment / notes columns: free text, read as phenotypes only when their cells name HPO terms
_NOTES = re.compile(r"(?:clinical |general |other )?(?:comments?|notes?|remarks?|bemerkung(?:en)?|kommentare?|"
                    r"anmerkung(?:en)?|remarques?|commentaires?|observaciones|comentarios?|note cliniche|"
                    r"osservazioni|opmerkingen?|commentaar)\Z")


def _notes_with_terms(sheet: Sheet, header: str, resolver: TermResolver) -> bool:
    """Half or more of the non-empty cells name an HPO term (exactly, negated or not) in a phrase."""
    from .phenotypes import match_phrase

    values = _cells(sheet, header)
    if not values or resolver.ontology is None:
        return False
    negations = tuple(n.lower() for n in DEFAULT_NEGATIONS)

    def names_a_term(cell: str) -> bool:
        phrases = [cell]
        for sep in DEFAULT_SEPARATORS:
            phrases = [q for ph in phrases for q in ph.split(sep)]
        return any(term is not None for q in phrases if q.strip(" .")
                   for _, _, term in match_phrase(resolver, negations, q.strip(" .")))

    return sum(1 for v in values if names_a_term(v)) >= 0.5 * len(values)


def place_columns(sheet: Sheet, ontology: Any = None) -> Placement:
    """Assign each header to a mapping field, an HPO term (wide), or leave it unplaced.

    Order: headers that carry an HPO id; a column of HPO ids (long layout); header words for the packet fields
    (a disease column whose cells are CURIEs is the disease id); study/family yes-no columns (never terms); then
    HPO labels and synonyms via the index — exact up to case, plural and spelling, else suggestions.
    """
    resolver = TermResolver(ontology)
    id_only = TermResolver(None)
    out = Placement()
    for h in sheet.header:
        term = id_only.resolve(h)
        if term is not None:
            out.hpo_columns[h] = (term[0], resolver.label(term[0]) or term[1])
            continue
        if _term_list(sheet, h):  # one row per patient, several terms per cell: a list, not the long layout
            out.fields.setdefault("text_excluded" if _EXCLUDED_HEADER.search(_key(h)) else "text", []).append(h)
            continue
        if out.term_column is None and (
            _mostly(sheet, h, _HP_CELL) or (field_of(h) == "term" and _mostly_terms(sheet, h, resolver))
        ):
            out.term_column = h
            continue
        if _place_field(sheet, h, out):
            continue
        if _NOTES.match(_key(h)) and _notes_with_terms(sheet, h, resolver):
            out.fields.setdefault("text", []).append(h)  # "Comments": "no seizures; microcephaly"
            continue
        if is_not_phenotype(h):
            out.unplaced.append(h)
            out.not_phenotype.append(h)
            exact = matcher_for(ontology).exact(h)
            if exact is not None:
                out.suggestions[h] = [exact]
            continue
        if onset_subject(h) is not None and resolver.resolve(h) is None:
            out.unplaced.append(h)  # "Ataxia (onset)": the onset of a term column (starter_mapping pairs it)
            continue
        _place_term(h, resolver, ontology, out)
    return out


_SLASH = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-]\d{4}\Z")


def _date_order(cells: list[str]) -> str | None:
    """``day-first`` / ``month-first`` when the column's slash dates say so, else None.

    A first number over 12 in one cell and never a second one over 12 in another (or the reverse): 03/02/2015 is
    then read the column's way.
    """
    pairs = [(int(m.group(1)), int(m.group(2))) for c in cells if (m := _SLASH.match(c.strip()))]
    day_first = any(a > 12 for a, _ in pairs)
    month_first = any(b > 12 for _, b in pairs)
    if day_first == month_first:
        return None
    return "day-first" if day_first else "month-first"


def _subject(sheet: Sheet, f: dict[str, list[str]], subject_col: str) -> dict[str, Any]:
    subject: dict[str, Any] = {"id": subject_col}
    for key, name in (("sex", "sex"), ("date_of_birth", "date_of_birth"), ("age", "age_at_last_encounter"),
                      ("vital_status", "vital_status")):
        if key in f:
            subject[name] = f[key][0]
    if "date_of_birth" in f and (order := _date_order(_cells(sheet, f["date_of_birth"][0]))):
        subject["date_of_birth"] = {"column": f["date_of_birth"][0], "date_order": order}
    if "sex" in f and (sex := sex_values(_cells(sheet, f["sex"][0]))):
        subject["sex"] = {"column": f["sex"][0], "values": sex}
    vital = f.get("vital_status", [None])[0]
    if vital is not None and (words := vital_values(vital, _cells(sheet, vital))):
        subject["vital_status"] = {"column": vital, "values": words}
    if "age" in f and (canon := age_unit(f["age"][0])):
        subject["age_at_last_encounter"] = {"column": f["age"][0], "unit": canon}
    return subject


#: unit words of an age header (``Age (years)``, ``Alter in Monaten``, ``Age (yrs)``, ``Âge (semaines)``)
_UNIT_WORDS = re.compile(
    r"\b(?:(?P<years>years?|yrs?|y|jahre?n?|ans?|anos?|años|anni|jaar|jaren)|(?P<months>months?|mo|mos|mths?|monate?n?|mois"
    r"|meses|mesi|maanden)|(?P<weeks>weeks?|wks?|wochen|semaines?|semanas|settimane|weken)|(?P<days>days?|tage?n?"
    r"|jours?|d[ií]as|giorni|dagen))\b")
#: a one- or two-letter unit in brackets (``Age (y)``, ``Alter [J.]``, ``Age (mo.)``, ``Age (d)``): only bracketed,
#: where it cannot be a word of the header
_UNIT_LETTERS = re.compile(r"[(\[]\s*(?:(?P<years>y|a|j)|(?P<months>m|mo)|(?P<weeks>w|wk)|(?P<days>d))\.?\s*[)\]]",
                           re.I)


def age_unit(header: str) -> str | None:
    """The unit an age header names for its bare numbers, or None (then the numbers are reported, not guessed)."""
    found = {k for rx, text in ((_UNIT_WORDS, _key(header, keep_brackets=True)), (_UNIT_LETTERS, header))
             for m in rx.finditer(text) for k, v in m.groupdict().items() if v}
    return found.pop() if len(found) == 1 else None


def _variants(f: dict[str, list[str]]) -> list[dict[str, Any]]:
    variants = []
    for col in f.get("variant", []):
        v: dict[str, Any] = {"hgvs": col}
        for key in ("gene_symbol", "hgnc_id", "zygosity"):
            if key in f:
                v[key] = f[key][0]
        variants.append(v)
    return variants


def _phenotypes(pl: Placement, f: dict[str, list[str]], sheet: Sheet, resolver: TermResolver) -> dict[str, Any]:
    phen: dict[str, Any] = {}
    if pl.hpo_columns:
        # "auto" reads every unclaimed column that is an HPO label: list the columns instead when an unplaced
        # one (a yes/no study column such as "Affected", a term outside Phenotypic abnormality) would be read.
        risky = [h for h in sheet.header if h not in pl.hpo_columns and h in pl.unplaced and resolver.resolve(h)]
        wide: dict[str, Any] = {"columns": list(pl.hpo_columns) if risky else "auto"}
        if pl.normalised:
            wide["terms"] = {h: hit.id for h, hit in pl.normalised.items()}
        words = presence_values([c for h in pl.hpo_columns for c in _cells(sheet, h)])
        if words:
            wide["values"] = words
        phen["wide"] = wide
    if pl.term_column:
        long: dict[str, Any] = {"term": pl.term_column}
        for key, name in (("term_label", "label"), ("status", "status"), ("onset", "onset"), ("severity", "severity")):
            if key in f:
                long[name] = f[key][0]
        words = presence_values(_cells(sheet, f["status"][0])) if "status" in f else None
        if words:
            long["values"] = words
        phen["long"] = long
    if "text" in f or "text_excluded" in f:
        text: dict[str, Any] = {"columns": f["text"]} if "text" in f else {}
        if "text_excluded" in f:
            text["excluded_columns"] = f["text_excluded"]
        phen["text"] = text
    return phen


def _mapping_dict(sheet: Sheet, pl: Placement, ontology: Any, header_row: int, sheet_name: str | int | None
                  ) -> dict[str, Any]:
    f = pl.fields
    stem = Path(sheet.path).stem if sheet.path and not sheet.path.startswith("<") else sheet.name.rsplit(".", 1)[0]
    d: dict[str, Any] = {"phenotk_mapping": 1, "name": stem,
                         "description": f"Starter mapping for {sheet.name} written by phenotk mapping init; review it."}
    subject_col = (f.get("subject_id") or f.get("packet_id") or [_id_column(sheet, pl)])[0]
    d["input"] = _input_block(sheet, pl, subject_col, header_row, sheet_name)
    if "packet_id" in f:
        d["id"] = f["packet_id"][0]
    elif "pmid" in f:
        d["id"] = {"template": f"PMID_{{{f['pmid'][0]}|digits}}_{{{subject_col}}}"}
    d["subject"] = _subject(sheet, f, subject_col)
    age = d["subject"].get("age_at_last_encounter")
    if isinstance(age, str) and _mostly(sheet, age, _BARE_NUMBER, share=0.5):
        pl.notes[age] = ("bare numbers (no unit in the header or the cells): if they are years, write "
                         f"age_at_last_encounter: {{column: {_yaml_key(age)}, unit: years}} (or months); "
                         "as it is, each one is reported and not carried")
    if "disease_id" in f:
        d["diseases"] = _disease_block(pl)
    variants = _variants(f)
    if variants:
        d["variants"] = variants if len(variants) > 1 else variants[0]
    if "pmid" in f:
        ref: dict[str, Any] = {"id": f["pmid"][0]}
        if "title" in f:
            ref["description"] = f["title"][0]
        d["references"] = ref
    phen = _phenotypes(pl, f, sheet, TermResolver(ontology))
    if phen:
        d["phenotypes"] = phen
    return d


def _input_block(
    sheet: Sheet, pl: Placement, subject_col: str, header_row: int, sheet_name: str | int | None
) -> dict[str, Any]:
    """The mapping's ``input:``: rows per packet, the sheet and header row when not the defaults, rows to skip."""
    ids = [c for c in _cells(sheet, subject_col) if " ".join(c.split()).casefold() != subject_col.casefold()]
    # one row per visit (an id on several rows) is many rows per packet too: not a sheet of duplicate ids
    inp: dict[str, Any] = {"rows": "many" if pl.term_column or len(set(ids)) < len(ids) else "one"}
    if sheet_name is not None:
        inp["sheet"] = sheet_name
    if header_row != 1:
        inp["header_row"] = header_row
    repeats = _header_repeats(sheet, subject_col)
    if repeats:  # a header merged over two rows ("Patient" in rows 1 and 2), or the header repeated below
        inp["skip_rows"] = repeats
    return inp


def _disease_block(pl: Placement) -> dict[str, Any]:
    """The mapping's ``diseases:`` (id, label, onset) from the placed disease columns."""
    f = pl.fields
    disease: dict[str, Any] = {"id": f["disease_id"][0]}
    if "disease_label" in f:
        disease["label"] = f["disease_label"][0]
    onset = next(iter(f.get("onset") or f.get("diagnosis_age") or []), None)
    if onset is not None and not pl.term_column:
        disease["onset"] = onset
        if "onset" not in f:
            pl.notes[onset] = "read as the disease onset (the sheet has no onset column): check"
    return disease


def _header_repeats(sheet: Sheet, column: str) -> list[int]:
    """Row numbers whose cell in the id ``column`` repeats the header (a second header row): not patients."""
    if column not in sheet.header:
        return []
    j = sheet.header.index(column)
    key = " ".join(column.split()).casefold()
    return [n for n, row in zip(sheet.row_numbers, sheet.rows, strict=False)
            if j < len(row) and " ".join(row[j].split()).casefold() == key]


def _id_column(sheet: Sheet, pl: Placement) -> str:
    """No id header: the first unplaced column whose cells are all filled and all different, else the first."""
    taken = {h for cols in pl.fields.values() for h in cols} | set(pl.hpo_columns) | {pl.term_column}
    for j, h in enumerate(sheet.header):
        cells = [r[j].strip() for r in sheet.rows]
        if h not in taken and cells and all(cells) and len(set(cells)) == len(cells):
            return h
    return sheet.header[0]


def _note_unplaced(pl: Placement, sheet: Sheet | None = None, *, has_hpo: bool = True) -> None:
    f = pl.fields
    for h in pl.unplaced:
        if h in pl.notes:
            continue
        if h in pl.not_phenotype:
            pl.notes[h] = "a yes/no study or family column, not a phenotype: map it, or list it under ignore_columns"
        elif h in f.get("disease_label", []) and "disease_id" not in f:
            pl.notes[h] = ("a diagnosis name without a disease-id column: a mapping needs diseases.id "
                           "(OMIM/MONDO/ORPHA) — add an id column or a values: map from these names")
        elif h in f.get("onset", []) or h in f.get("diagnosis_age", []):
            pl.notes[h] = "an onset column, but no disease id column to attach it to"
        elif h in f.get("protein", []):
            pl.notes[h] = ("a protein change column: to keep it with the variant, use variants.hgvs: "
                           "{template: '{c. column} {p. column}'}")
        elif h in f.get("status", []) or h in f.get("term_label", []):
            pl.notes[h] = "a long-layout column, but the sheet has no column of HPO terms"
        elif any(h in cols[1:] for cols in f.values()):
            pl.notes[h] = f"a second {next(k for k, c in f.items() if h in c)} column; map it by hand"
        elif sheet is not None and _presence_column(sheet, h):
            pl.notes[h] = (("yes/no cells, but no HPO label or synonym matches the header" if has_hpo else
                            "yes/no cells (no HPO loaded to match the header: give --hpo)")
                           + f": if it is a phenotype, add it under phenotypes.wide.terms as {_yaml_key(h)}: HP:…")


_PRESENCE_WORDS = frozenset(w for ws in (*DEFAULT_VOCABULARY.values(), *PRESENCE.values()) for w in ws)
_UNKNOWN_WORDS = frozenset(DEFAULT_VOCABULARY["unknown"])


def _presence_column(sheet: Sheet, header: str) -> bool:
    """Every non-empty cell is a yes/no/unknown word (defaults or :data:`PRESENCE`), not all of them unknown."""
    values = {v.strip().lower() for v in _cells(sheet, header)}
    return bool(values) and values <= _PRESENCE_WORDS and not values <= _UNKNOWN_WORDS


def _suggestion_text(hits: list[TermHit]) -> str:
    return "; ".join(f"{h.id} {h.label}" + ("" if h.score >= 1 else f" ({h.score:.2f})")
                     + ("" if h.phenotype else " [not a phenotypic abnormality]") for h in hits)


def _yaml_text(sheet: Sheet, d: dict[str, Any], pl: Placement) -> str:
    body = yaml.safe_dump(d, sort_keys=False, allow_unicode=True, width=120)
    lines = [f"# Starter mapping for {sheet.name} (phenotk mapping init). Check every line, then run",
             f"#   phenotk mapping check THIS.yaml {sheet.path}"]
    if pl.hpo_columns:
        lines.append(f"# HPO term columns recognised ({len(pl.hpo_columns)}):")
        lines += [f"#   {h!r}: {cid} {label}" + ("  (up to case, plural or spelling: named under wide.terms)"
                                                   if h in pl.normalised else "")
                  for h, (cid, label) in list(pl.hpo_columns.items())[:200]]
    if pl.unplaced:
        lines.append("# Columns not placed (map them, add them under phenotypes.wide.terms, or list them under "
                     "ignore_columns):")
        for h in pl.unplaced:
            why = pl.notes.get(h) or ("close to an HPO term: see the UNCONFIRMED suggestions at the end"
                                      if h in pl.suggestions else None)
            lines.append(f"#   {h!r}" + (f": {why}" if why else ""))
    checks = [(h, note) for h, note in pl.notes.items() if h not in pl.unplaced]
    if checks:
        lines.append("# Check these columns:")
        lines += [f"#   {h!r}: {note}" for h, note in checks]
    tail = []
    if pl.text_suggestions:
        tail += ["", "# Free-text phrases that match no HPO label or synonym exactly (conversion reports them as",
                 "# map-unmatched-text and makes no feature of them); the closest terms, for you to correct the sheet:"]
        tail += [f"#   {phrase!r} ({col}): {_suggestion_text(hits)}"
                 for phrase, (col, hits) in pl.text_suggestions.items()]
    if pl.suggestions:
        tail += ["", "# UNCONFIRMED HPO suggestions: conversion does not use them. To accept one, put the line",
                 "# under phenotypes.wide.terms (add 'wide: {columns: auto}' under phenotypes if there is none;",
                 "# if wide.columns is a list, add the header to it too):"]
        for h, hits in pl.suggestions.items():
            tail.append(f"#   {_yaml_key(h)}: {hits[0].id}   # {_suggestion_text(hits)}")
    # comments hold sheet names, headers and labels: YAML refuses control characters even there
    comments = [printable(line) for line in lines]
    return "\n".join(comments) + "\n" + body + ("\n".join(map(printable, tail)) + "\n" if tail else "")


def _yaml_key(text: str) -> str:
    dumped = yaml.safe_dump({text: 1}, allow_unicode=True, width=10_000).strip()
    return dumped[: -len(": 1")]


def starter_mapping(sheet: Sheet, ontology: Any = None, *, header_row: int = 1, sheet_name: str | int | None = None
                    ) -> tuple[str, Placement]:
    """YAML text of a starter mapping for ``sheet`` and the placement it is based on."""
    pl = place_columns(sheet, ontology)
    d = _mapping_dict(sheet, pl, ontology, header_row, sheet_name)
    probe = TableMapping(d)
    plain, _ = probe.referenced_columns()
    used = plain | {c for spec in probe.all_specs() for c in spec.columns()}
    pl.unplaced = [h for h in sheet.header if h not in used and h not in pl.hpo_columns and h != pl.term_column]
    _onset_columns(pl, ontology)
    _note_unplaced(pl, sheet, has_hpo=ontology is not None)
    _suggest_for_text(sheet, probe, pl, ontology)
    return _yaml_text(sheet, d, pl), pl


def _onset_columns(pl: Placement, ontology: Any) -> None:
    """Unplaced headers that the converter reads as the onset of an HPO column (``Seizure onset``): placed."""
    if not pl.hpo_columns:
        return
    headers = {h.casefold(): h for h in pl.hpo_columns}
    ids = {term[0]: h for h, term in pl.hpo_columns.items()}
    resolver = TermResolver(ontology)
    for h in list(pl.unplaced):
        name = onset_subject(h)
        if name is None:
            continue
        column = headers.get(name.casefold())
        if column is None:
            term = resolver.resolve(name)
            column = ids.get(term[0]) if term is not None else None
        if column is not None:
            pl.unplaced.remove(h)
            pl.notes[h] = f"read as the onset of the {column!r} column (its cells: ages or onset terms)"


#: At most this many unmatched free-text phrases get suggestions.
MAX_TEXT_SUGGESTIONS = 50


def _suggest_for_text(sheet: Sheet, m: TableMapping, pl: Placement, ontology: Any) -> None:
    """Close HPO terms for the free-text phrases conversion will report as unmatched (typos, word order)."""
    matcher = matcher_for(ontology)
    if not m.text_columns or not matcher.can_suggest:
        return
    from .phenotypes import match_phrase

    resolver = TermResolver(ontology)
    for col in m.text_columns:
        for cell in _cells(sheet, col):
            phrases = [cell]
            for sep in m.text_separators:
                phrases = [q for ph in phrases for q in ph.split(sep)]
            for phrase in (q.strip().strip(".").strip() for q in phrases):
                if not phrase:
                    continue
                for part, _excluded, term in match_phrase(resolver, m.text_negations, phrase):
                    if term is not None or part in pl.text_suggestions:
                        continue
                    if len(pl.text_suggestions) >= MAX_TEXT_SUGGESTIONS:
                        return
                    hits = matcher.suggest(part)
                    if hits:
                        pl.text_suggestions[part] = (col, hits)


@dataclass
class MappingStart:
    """What ``mapping init`` found: the YAML, where the data is, where each column went, and findings."""

    text: str
    placement: Placement
    sheet: Sheet
    choice: HeaderChoice
    sheets: list[HeaderChoice]
    findings: list[Issue]
    #: field names found down column A: the sheet has one patient per column (empty: it does not)
    transposed: list[str] = field(default_factory=list)
    #: (column letter, text) of header cells left empty whose name stands in the row above (a two-row header)
    names_above: list[tuple[str, str]] = field(default_factory=list)
    #: 1-based indexes of the sheets the workbook hides (passed over unless no sheet is shown)
    hidden_sheets: frozenset[int] = frozenset()

    @property
    def header_row(self) -> int:
        """1-based row of the header that was used."""
        return self.choice.row

    @property
    def sheet_name(self) -> str:
        """Worksheet title (the file name for CSV/TSV)."""
        return self.choice.sheet

    def messages(self) -> list[str]:
        """One-line reports: the sheet and header row chosen, columns placed, unplaced headers with suggestions."""
        c, pl, sheet = self.choice, self.placement, self.sheet
        out = []
        if len(self.sheets) > 1:
            others = ", ".join(f"{o.sheet!r}" + (" (hidden)" if o.sheet_index in self.hidden_sheets else
                                                  " (read-me/lookup)" if o.auxiliary else "" if o.data_rows
                                                  else " (no data)") for o in self.sheets if o is not c)
            out.append(f"sheet: {c.sheet!r} ({c.sheet_index} of {len(self.sheets)}; passed over: {others})")
        where = f" of sheet {c.sheet!r}" if self.sheets and self.sheets[0].sheet != Path(sheet.path).name else ""
        above = (f"; rows above it skipped: {', '.join(map(str, c.skipped))}" if c.skipped else "")
        out.append(f"header: row {c.row}{where}{above}")
        if self.names_above:
            cells = ", ".join(f"{col} ({text!r})" for col, text in self.names_above[:6])
            out.append(f"warning: header cells empty in row {c.row} are named in row {c.row - 1}: {cells}; the "
                       f"mapping reads row {c.row} only — merge each name over both rows (or copy it down) and run "
                       "mapping init again")
        if self.transposed:
            names = ", ".join(repr(t) for t in self.transposed[:5])
            out.append(f"warning: the sheet looks transposed — one patient per column, field names down column A "
                       f"({names}, …); phenotk reads one patient per row: transpose it (copy, Paste Special → "
                       "Transpose) and run mapping init again")
        n = len(sheet.header)
        out.append(f"placed {n - len(pl.unplaced)} of {n} columns ({len(pl.hpo_columns)} HPO term columns)")
        if pl.unplaced:
            out.append("could not place: " + ", ".join(repr(h) for h in pl.unplaced))
        for h in pl.unplaced:
            if h in pl.suggestions:
                out.append(f"  {h!r}: did you mean {_suggestion_text(pl.suggestions[h])}? (unconfirmed; see the "
                           "comments at the end of the mapping)")
            elif h in pl.notes:
                out.append(f"  {h!r}: {pl.notes[h]}")
        out += [f"check {h!r}: {note}" for h, note in pl.notes.items() if h not in pl.unplaced]
        for phrase, (col, hits) in pl.text_suggestions.items():
            out.append(f"free text {phrase!r} in {col!r} matches no HPO term exactly; "
                       f"closest: {_suggestion_text(hits)}")
        return out


def _issue(kind: Any, message: str, **context: Any) -> Issue:
    """An info-level finding of a catalogued type with the spreadsheet location in ``context``."""
    return Issue(kind.code, kind.name, Severity.INFO, message, context=context)


def _findings(sheet: Sheet, pl: Placement) -> list[Issue]:
    out = []
    for h in pl.unplaced:
        if h in pl.suggestions:
            hits = pl.suggestions[h]
            out.append(_issue(
                MAP_UNKNOWN_TERM,
                f"column {h!r} is not an HPO label; closest: {_suggestion_text(hits)} — confirm one under "
                "phenotypes.wide.terms, or map the column otherwise",
                sheet=sheet.name, column=h, reason="suggested term",
                suggestions=[{"id": t.id, "label": t.label, "score": t.score} for t in hits]))
        else:
            out.append(_issue(
                MAP_UNMAPPED_COLUMN,
                f"column {h!r} was not placed" + (f": {pl.notes[h]}" if h in pl.notes else
                                                   "; map it, or list it under ignore_columns"),
                sheet=sheet.name, column=h, reason="not placed by mapping init"))
    for phrase, (col, hits) in pl.text_suggestions.items():
        out.append(_issue(
            MAP_UNMATCHED_TEXT,
            f"{phrase!r} matches no HPO label or synonym exactly; closest: {_suggestion_text(hits)} — correct the "
            "sheet if one is meant", sheet=sheet.name, column=col, value=phrase, reason="suggested term",
            suggestions=[{"id": t.id, "label": t.label, "score": t.score} for t in hits]))
    return out


def _recogniser(ontology: Any) -> Any:
    resolver = TermResolver(ontology)

    def recognise(cell: str) -> bool:
        return field_of(cell) is not None or is_not_phenotype(cell) or resolver.resolve(cell) is not None

    return recognise


def init_mapping(
    path: str | Path,
    *,
    ontology: Any = None,
    sheet: str | int | None = None,
    header_row: int | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> MappingStart:
    """A starter mapping for a CSV/TSV/XLSX file: finds the data sheet and header row unless given.

    ``sheet`` (name or 1-based index) and ``header_row`` (1-based) override the choice. The returned YAML records
    the sheet (for a workbook of several sheets) and the header row (when not 1), so conversion reads the same
    table.
    """
    previews = preview_table(path, sheet=sheet, delimiter=delimiter, encoding=encoding)
    recognise = _recogniser(ontology)
    choice, choices = choose_sheet(previews, recognise)
    if header_row is not None:
        choice = HeaderChoice(choice.sheet, choice.sheet_index, header_row, choice.score, choice.data_rows)
    elif sheet is not None:
        choice = choose_header(previews[0], recognise)
    preview = next(p for p in previews if p.index == choice.sheet_index)
    transposed = transposed_labels(preview, choice.row, recognise)
    if transposed and header_row is None:  # the first row names the patients: no header search
        first = next((n for n, cells in preview.rows if any(c.strip() for c in cells)), 1)
        choice = HeaderChoice(choice.sheet, choice.sheet_index, first, choice.score, choice.data_rows)
    name = choice.sheet if preview.workbook else None
    data = read_table(path, sheet=name, header_row=choice.row, delimiter=delimiter, encoding=encoding)
    recorded: str | int | None = name if preview.workbook and (preview.sheet_count > 1 or sheet is not None) else None
    text, pl = starter_mapping(data, ontology, header_row=choice.row, sheet_name=recorded)
    if not preview.workbook:
        choices = []
    above = _names_above(preview, choice.row)
    return MappingStart(text, pl, data, choice, choices, _findings(data, pl), transposed, above,
                        frozenset(p.index for p in previews if p.hidden))


def _names_above(preview: SheetPreview, header_row: int) -> list[tuple[str, str]]:
    """Empty header cells whose column has a name in the row right above (not a group spanning several)."""
    rows = dict(preview.rows)
    header, above = rows.get(header_row, []), rows.get(header_row - 1, [])
    width = len(header)
    while width and not header[width - 1].strip():
        width -= 1
    out = []
    for j in range(min(width, len(above))):
        text = above[j].strip()
        spans = (j > 0 and above[j - 1].strip() == text) or (j + 1 < len(above) and above[j + 1].strip() == text)
        if not header[j].strip() and text and not spans:
            out.append((column_letter(j), text))
    return out


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
    out = _explain_fields(mapping)
    if sheet is not None:
        out += _explain_columns(mapping, sheet, ontology)
    return out


def _explain_fields(m: TableMapping) -> list[str]:
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
    if m.variants:  # the interpretation exists only for packets with a variant
        progress = _spec_text(m.progress_spec) if m.progress_spec is not None else m.progress_status
        out.append(f"interpretation.progress_status ← {progress}")
    if m.wide_columns is not None:
        out.append(f"phenotypes (wide): columns {m.wide_columns!r}; observed {sorted(m.wide_vocabulary.observed)}, "
                   f"excluded {sorted(m.wide_vocabulary.excluded)}, unknown {sorted(m.wide_vocabulary.unknown)}; "
                   "an age or onset label in a cell = observed with that onset")
    if m.long is not None:
        for key, spec in m.long.items():
            out.append(f"phenotypes (long).{key:<6} ← {_spec_text(spec)}")
    if m.text_columns:
        out.append(f"phenotypes (free text) ← {m.text_columns}; negations {list(m.text_negations)}")
    if m.text_excluded_columns:
        out.append(f"phenotypes (free text, every term excluded) ← {m.text_excluded_columns}")
    if m.ignore_columns:
        out.append(f"ignored columns: {m.ignore_columns}")
    return out


def _explain_columns(m: TableMapping, sheet: Sheet, ontology: Any) -> list[str]:
    from .build import _Builder, _Options
    from .columns import plan_columns
    from .findings import RULES

    b = _Builder(sheet, m, TermResolver(ontology), _Options(Severity.WARNING, None, "phenotk"))
    plan_columns(b, sheet.rows)
    plain, _patterns = m.referenced_columns()
    expanded = {c for blk in (*b.diseases, *b.variants, *b.references) for s in blk.values() for c in s.columns()}
    expanded.update(b.text_columns, b.text_excluded_columns)  # "Feature_*" → Feature_1, Feature_2, …
    wide = dict(b.wide)
    out = [f"columns of {sheet.name} ({len(sheet.rows)} data rows):"]
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
    out += [f"  missing: {i.message}" for i in b.sheet_issues if i.rule == "map-missing-column"]
    return out
