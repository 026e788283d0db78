"""Phenotypic features from a row: wide term columns, the long layout and free-text columns.

Wide cells: an observed/excluded/unknown word, or an age / onset word (``3 yrs``, ``infancy``, ``congenital``,
``yes, 3y``) which means observed with that onset, or a severity word (``mild``, ``yes, severe``) which means
observed with HPO's severity modifier (``HP:0012825 Mild`` …). Long rows: the term column (an id, ``label (HP:…)`` or a
label/synonym), else the label column looked up. Free text: see :func:`match_phrase` for the negation rules.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from phenopackets import OntologyClass, Phenopacket, PhenotypicFeature, TimeElement

from phenotk.issue import Issue
from phenotk.mapping.model import MISSING
from phenotk.mapping.timeparse import ParsedTime, format_time

from .findings import finding
from .terms import HP_ANYWHERE, HP_ID, HP_IN_TEXT, TermResolver
from .values import exact_time, read_time, read_value, report_cut, status_parser, vocab_status

if TYPE_CHECKING:  # pragma: no cover
    from .build import PacketRows, _Builder

Add = Callable[..., None]  # (term, excluded, onset, row, column[, severity[, detail_columns]])

_EMPTY_TEXT = frozenset({"na", "n/a", "nd", "none", "-", "unknown", "not assessed", "?"})
_MISS = object()
_BAD = object()
#: "yes, 3y" / "+ (infancy)" / "yes - congenital": an observed word followed by an onset.
_WORD_AND_ONSET = re.compile(r"(\S+?)\s*(?:[,;:(\[]|\s-\s|\s)\s*(.+?)\s*[)\]]?\Z")
#: Severity words of a wide cell → HPO's Severity terms (HP:0012824): observed, with that modifier.
SEVERITY: dict[str, tuple[str, str]] = {
    "borderline": ("HP:0012827", "Borderline"),
    "mild": ("HP:0012825", "Mild"),
    "moderate": ("HP:0012826", "Moderate"),
    "severe": ("HP:0012828", "Severe"),
    "profound": ("HP:0012829", "Profound"),
}
#: The same words in the languages of the value vocabulary (German, French, Spanish, Italian, Portuguese, Dutch).
for _key, _words in {
    "borderline": ("grenzwertig", "limite", "límite", "limítrofe", "grensgeval"),
    "mild": ("leicht", "leichtgradig", "geringgradig", "léger", "légère", "leger", "legere", "leve", "lieve", "licht"),
    "moderate": ("mittelgradig", "mäßig", "mässig", "maessig", "modéré", "modérée", "modere", "moderee", "moderado",
                 "moderada", "moderato", "moderata", "matig"),
    "severe": ("schwer", "schwergradig", "hochgradig", "sévère", "severe", "grave", "severo", "severa", "ernstig",
               "zwaar"),
    "profound": ("schwerst", "schwerstgradig", "profond", "profonde", "profundo", "profunda", "profondo", "profonda"),
}.items():
    for _w in _words:
        SEVERITY.setdefault(_w, SEVERITY[_key])
#: In a yes/no term column "borderline" is ambiguous (a borderline CK: elevated or not?): reported, not read.
WIDE_SEVERITY = frozenset(w for w, (curie, _) in SEVERITY.items() if curie != "HP:0012827")
SEVERITY_ROOT = "HP:0012824"
_SEVERITY_LABELS = dict(SEVERITY.values())
#: Items of a free-text phrase: commas, "and", "as well as" (a negation covers one item).
_ITEMS = re.compile(r",|\band\b|\bas well as\b|\bplus\b", re.I)
#: Where a run of HPO ids apart by spaces or slashes is cut into items.
_BEFORE_ID = re.compile(r"[\s/]+(?=HP[:_]\d{7})", re.I)
#: Inside one negated item, "or"/"nor" continue the negation ("no seizures or hypotonia").
_OR = re.compile(r"\bn?or\b", re.I)
#: A term followed by a status word: "Seizure: absent", "Seizure (absent)", "Hypotonia (+)", "Seizures - no",
#: "Ataxia = yes" (the word is read by the vocabulary; the term must be an exact label or synonym).
_STATUS_AFTER = re.compile(r"(?P<term>.+?)\s*(?::|=|\s[-–—]|\()\s*(?P<word>[^():=]+?)\s*\)?\Z")


def wide_cell(b: _Builder, cell: str) -> tuple[str | None, ParsedTime | None]:
    """(observed | excluded | unknown | None, onset) for a wide term cell."""
    hit = b.cell_cache.get(cell)
    if hit is None:
        vocab = b.m.wide_vocabulary
        status = vocab_status(vocab, cell)  # also "n.a.", "n.d.", "neg.", "pos.": the word without its dots
        onset = None
        if status is None:
            onset, cut = exact_time(cell)
            if onset is None:
                m = _WORD_AND_ONSET.match(cell)
                if m and vocab.status(m.group(1)) == "observed":
                    onset, cut = exact_time(m.group(2))
            status = "observed" if onset is not None else None
            if cut and onset is not None:
                b.cut_cells.add(cell)  # "yes, 7.5 months": the cut fraction is reported on every row
        hit = b.cell_cache[cell] = (status, onset)
    return hit


def _shown(value: Any) -> str:
    """An onset or severity as a cell would say it (``P2Y``, ``Childhood onset``, ``Severe``)."""
    if isinstance(value, TimeElement):
        return format_time(value) or str(value).strip()
    return str(value.label or value.id)


def _wide_feature(b: _Builder, term: OntologyClass, cell: str) -> PhenotypicFeature | object | None:
    """The feature a wide cell stands for (cached per column and text); None = unknown; _BAD = unparseable."""
    status, onset = wide_cell(b, cell.strip())
    if status == "unknown":
        return None
    if status is None:
        return _severity_feature(b, term, cell.strip())
    pf = PhenotypicFeature(type=term, excluded=status == "excluded")
    if onset is not None:
        pf.onset.CopyFrom(onset.to_time_element())
    return pf


def _severity_feature(b: _Builder, term: OntologyClass, cell: str) -> PhenotypicFeature | object:
    """``mild`` / ``yes, severe`` / ``+ (profound)``: observed with the severity modifier; _BAD for anything else."""
    word = unicodedata.normalize("NFC", cell.lower().rstrip("."))
    if word not in WIDE_SEVERITY:
        m = _WORD_AND_ONSET.match(cell)
        if not (m and b.m.wide_vocabulary.status(m.group(1)) == "observed"):
            return _BAD
        word = unicodedata.normalize("NFC", m.group(2).lower().rstrip("."))
        if word not in WIDE_SEVERITY:
            return _BAD
    return PhenotypicFeature(type=term, severity=_severity_class(b, word))


def _severity_class(b: _Builder, text: str) -> OntologyClass | None:
    """A severity cell: a word of :data:`SEVERITY`, or an HPO id / ``label (HP:…)`` / label below HP:0012824."""
    word = unicodedata.normalize("NFC", text.strip().lower().rstrip("."))
    if word in SEVERITY:
        curie, label = SEVERITY[word]
        return OntologyClass(id=curie, label=b.resolver.label(curie) or label)
    m = HP_IN_TEXT.match(text.strip())
    given = m.group(2).upper().replace("_", ":") if m else text.strip().upper()
    if given in _SEVERITY_LABELS:  # the five built-in ids are known without an ontology
        return OntologyClass(id=given, label=b.resolver.label(given) or _SEVERITY_LABELS[given])
    hit = b.resolver.resolve(text)
    onto = b.resolver.ontology
    if hit is None or onto is None or not hasattr(onto, "is_descendant_of"):
        return None
    try:
        below = bool(onto.is_descendant_of(hit[0], SEVERITY_ROOT)) and hit[0] != SEVERITY_ROOT
    except (KeyError, ValueError):
        below = False
    return OntologyClass(id=hit[0], label=hit[1]) if below else None


def phenotypes(b: _Builder, group: PacketRows, packet: Phenopacket, issues: list[Issue]) -> None:
    """Every feature of the group's rows (wide, long, free text); repeats merged, contradictions reported."""
    seen: dict[str, tuple[bool, int]] = {}
    features = packet.phenotypic_features

    def conflict(term: OntologyClass, prev: tuple[bool, int], excluded: bool, row: int, col: str) -> None:
        if prev[0] != excluded:
            # rows of one patient are visits: a feature observed at any of them is part of the phenotype
            kept = "kept the observation" if prev[1] != row and (not prev[0] or not excluded) else "kept the first"
            issues.append(finding(
                "map-conflicting-values",
                f"{term.label or term.id} is {'excluded' if prev[0] else 'observed'} in row {prev[1]} but "
                f"{'excluded' if excluded else 'observed'} in row {row}; {kept}",
                b.sev, sheet=b.sheet.name, row=row, column=col, value=term.id, reason="conflicting values"))

    at: dict[str, int] = {}  # term id → index of its feature in ``features`` (a row's batch counts as added)

    def details(term: OntologyClass, prev: tuple[bool, int], onset: TimeElement | None,
                severity: OntologyClass | None, row: int, col: str, batch: list[Any] | None,
                columns: Mapping[str, str] | None = None) -> None:
        """A repeat with the same status: its onset / severity completes the first feature, or is reported.

        ``columns`` names the cell each came from when it is not ``col`` (long layout: the onset column, the
        severity or status column), so a conflict names the cell that disagrees.
        """
        i = at[term.id]
        if i < len(features):
            f = features[i]
        else:  # still in this row's batch, where it is the cached message every such cell shares: copy it first
            assert batch is not None
            k = i - len(features)
            f = PhenotypicFeature()
            f.CopyFrom(batch[k])
            batch[k] = f
        for name, value in (("onset", onset), ("severity", severity)):
            if value is None:
                continue
            if not f.HasField(name):
                getattr(f, name).CopyFrom(value)
            elif getattr(f, name) != value:
                where = f"and {_shown(value)!r} in row {row}" if prev[1] == row else \
                    f"in row {prev[1]} but {_shown(value)!r} in row {row}"
                issues.append(finding(
                    "map-conflicting-values", f"{term.label or term.id}: {name} {_shown(getattr(f, name))!r} "
                    f"{where}; kept the first", b.sev, sheet=b.sheet.name,
                    row=row, column=(columns or {}).get(name) or col, value=_shown(value),
                    reason="conflicting values"))

    def add(term: OntologyClass, excluded: bool, onset: ParsedTime | TimeElement | None, row: int, col: str,
            severity: OntologyClass | None = None, columns: Mapping[str, str] | None = None) -> None:
        prev = seen.get(term.id)
        if prev is not None and prev[0] and not excluded and prev[1] != row:
            # excluded at one visit (row), observed at a later one: the observation replaces the exclusion
            conflict(term, prev, excluded, row, col)
            seen[term.id] = (False, row)
            f = features[at[term.id]]
            f.Clear()
        elif prev is not None:
            if prev[0] == excluded and (onset is not None or severity is not None):
                te = onset.to_time_element() if isinstance(onset, ParsedTime) else onset
                details(term, prev, te, severity, row, col, None, columns)
            conflict(term, prev, excluded, row, col)
            return
        else:
            seen[term.id] = (excluded, row)
            at[term.id] = len(features)
            f = features.add()
        f.type.CopyFrom(term)
        if excluded:
            f.excluded = True
        if onset is not None:
            f.onset.CopyFrom(onset.to_time_element() if isinstance(onset, ParsedTime) else onset)
        if severity is not None:
            f.severity.CopyFrom(severity)

    cache_get = b.feature_cache.get
    cut_cells = b.cut_cells
    wide = b.wide_ids

    onsets = b.wide_onsets

    def wide_row(number: int, rec: dict[str, str]) -> None:
        """The wide term columns of one row: new features added as one batch, repeats merged or reported."""
        batch: list[Any] = []
        stated: dict[str, bool] = {}  # term id → excluded, as this row's first cell of the term says
        for col, term, tid in wide:
            cell = rec[col]
            if not cell:
                continue
            pf: Any = cache_get((col, cell), _MISS)
            if pf is _MISS:
                pf = b.feature_cache[(col, cell)] = _wide_feature(b, term, cell)
            if pf is None:
                continue
            if onsets and pf is not _BAD:
                stated.setdefault(tid, pf.excluded)
            if cut_cells and cell.strip() in cut_cells:
                m = _WORD_AND_ONSET.match(cell.strip())
                text = cell.strip() if exact_time(cell.strip())[0] is not None or m is None else m.group(2)
                report_cut(b, issues, number, col, cell, text, None, f"onset of {term.label or term.id}")
            if pf is _BAD:
                b.bad(issues, number, col, cell, "not a phenotype status",
                      f"{cell!r} under {term.label or term.id} is none of observed/excluded/unknown words and "
                      "not an age, onset or severity (mild/moderate/severe/profound)"
                      + b.m.wide_vocabulary.replaced(cell))
                continue
            prev = seen.get(tid)
            if prev is not None and prev[0] and not pf.excluded and prev[1] != number:
                # excluded at one visit (row), observed at a later one: the observation replaces the exclusion
                conflict(term, prev, False, number, col)
                features[at[tid]].CopyFrom(pf)
                seen[tid] = (False, number)
                continue
            if prev is not None:  # two columns (or rows) for one term: "Seizure" yes + "Seizure (2)" 2y
                if prev[0] == pf.excluded and (pf.HasField("onset") or pf.HasField("severity")):
                    details(term, prev, pf.onset if pf.HasField("onset") else None,
                            pf.severity if pf.HasField("severity") else None, number, col, batch)
                conflict(term, prev, pf.excluded, number, col)
                continue
            seen[tid] = (pf.excluded, number)
            at[tid] = len(features) + len(batch)
            batch.append(pf)
        if onsets:
            wide_onsets(number, rec, stated, batch)
        if batch:
            features.extend(batch)

    def wide_onsets(number: int, rec: dict[str, str], stated: dict[str, bool], batch: list[Any]) -> None:
        """The onset columns of the row's wide terms (``Seizure onset``): each completes its observed feature."""
        for col, term, tid, spec in onsets:
            cell = rec.get(col, "").strip()
            if not cell:
                continue
            excluded = stated.get(tid)
            if excluded is None or excluded:
                issues.append(finding(
                    "map-orphan-value", f"onset {cell!r} of {term.label or term.id} is not carried: row {number} "
                    f"{'records the term as excluded' if excluded else 'does not record the term as observed'} "
                    "(correct the term's cell, or clear this one)", b.sev, sheet=b.sheet.name, row=number,
                    column=col, value=cell, reason="status gives no feature"))
                continue
            te = read_time(b, spec, cell, issues, number, f"onset of {term.label or term.id}")
            if te is not None:
                details(term, seen[tid], te, None, number, col, batch)

    for number, rec in group.rows:
        wide_row(number, rec)
        if b.m.long is not None:
            long_row(b, number, rec, issues, add)
        for col in b.text_columns:
            text = rec.get(col, "")
            if text.strip():
                text_cell(b, number, col, text, issues, add)
        for col in b.text_excluded_columns:
            text = rec.get(col, "")
            if text.strip():
                text_cell(b, number, col, text, issues, add, all_excluded=True)
    if packet.phenotypic_features:
        b.prefixes_used.add("HP")


def long_row(b: _Builder, number: int, rec: dict[str, str], issues: list[Issue], add: Add) -> None:
    """One row of the long layout → at most one feature (or findings)."""
    long = b.m.long
    assert long is not None
    spec = long["term"]
    raw = spec.raw(rec)
    given = long["label"].raw(rec) if "label" in long else ""
    if not raw and not given:
        b.orphans(issues, number, rec, [long[k] for k in ("status", "onset") if k in long], "term (or label)")
        return
    terms = _long_terms(b, raw, given, number, issues)
    if not terms:
        return
    label = ", ".join(lab or cur for cur, lab in terms)
    stated = _long_status(b, rec, number, issues)
    if stated is None:
        _untied(b, rec, number, label, issues)
        return
    status, severity = stated
    columns = {"onset": long["onset"].column if "onset" in long else None,
               "severity": long["status"].column if severity is not None else None}
    if "severity" in long:
        vraw = long["severity"].raw(rec)
        if vraw:
            columns["severity"] = long["severity"].column
            severity = read_value(b, long["severity"], vraw, lambda t: _severity_class(b, t), issues, number,
                                  "severity", "a severity (mild, moderate, severe, profound, borderline or an HPO "
                                  "Severity term)")
    if severity is not None and status == "excluded":
        b.bad(issues, number, long["severity"].column or "", long["severity"].raw(rec), "severity of an excluded term",
              f"{label} is excluded, so the severity {severity.label or severity.id!r} has no feature to "
              "qualify; it is not carried")
        severity = None
    onset = None
    if "onset" in long:
        oraw = long["onset"].raw(rec)
        if oraw:
            onset = read_time(b, long["onset"], oraw, issues, number, "onset")
    for curie, label in terms:
        add(OntologyClass(id=curie, label=label), status == "excluded", onset, number, spec.column or "", severity,
            {k: v for k, v in columns.items() if v})


def _untied(b: _Builder, rec: dict[str, str], number: int, label: str, issues: list[Issue]) -> None:
    """A finding for each onset / severity cell of a long row whose status gives no feature.

    ``Microcephaly | not assessed | 2 years``: the status records nothing, so the onset has no feature to
    qualify; it vanished without a word before.
    """
    long = b.m.long
    assert long is not None
    status = long["status"].raw(rec) if "status" in long else ""
    for key in ("onset", "severity"):
        if key not in long or not long[key].column:
            continue
        cell = long[key].raw(rec)
        if cell:
            issues.append(finding(
                "map-orphan-value", f"{key} {cell!r} of {label} is not carried: the row's status {status!r} gives "
                "no feature for it to qualify (correct the status, or clear the cell)", b.sev, sheet=b.sheet.name,
                row=number, column=long[key].column, value=cell, reason="status gives no feature"))


def _long_status(b: _Builder, rec: dict[str, str], number: int, issues: list[Issue]
                 ) -> tuple[str, OntologyClass | None] | None:
    """(observed | excluded, severity) as a long row's status cell states them; None when it gives no feature.

    No feature: an unknown word, or a cell that is no status (reported).
    """
    long = b.m.long
    assert long is not None
    if "status" not in long:
        return "observed", None
    sraw = long["status"].raw(rec)
    if not sraw:
        return "observed", None
    if sraw.strip().lower().rstrip(".") in WIDE_SEVERITY and b.m.long_vocabulary.status(sraw) is None:
        return "observed", _severity_class(b, sraw)  # "mild" as the status: observed, mild
    status = read_value(b, long["status"], sraw, status_parser(b.m.long_vocabulary), issues, number, "status",
                        "an observed/excluded/unknown word or a severity" + b.m.long_vocabulary.replaced(sraw)) or ""
    return None if status in ("", "unknown") else (status, None)


#: where a long-layout term cell holding several terms is cut ("HP:0001250; HP:0001252", "Seizure | Hypotonia")
_LONG_SEPARATORS = re.compile(r"\s*(?:[;|\n]|,(?!\d))\s*")


def _long_terms(b: _Builder, raw: str, given: str, number: int, issues: list[Issue]) -> list[tuple[str, str]]:
    """The terms of a long row: one (:func:`_long_term`), or every term of a term cell that lists several.

    A cell that is no term but whose parts (cut at ``;`` ``|`` newlines and commas) all are terms gives each of
    them, with the row's status and onset; when a part is no term nothing is read and the finding says so.
    """
    parts = [p for p in _LONG_SEPARATORS.split(raw) if p] if raw else []
    if len(parts) < 2 or b.resolver.resolve(raw) is not None or b.m.long is None:
        term = _long_term(b, raw, given, number, issues)
        return [term] if term is not None else []
    spec = b.m.long["term"]
    if (spec.values is not None or spec.lookup is not None) and spec.translate(raw) is not MISSING:
        # the value map names this cell: it is one value
        term = _long_term(b, raw, given, number, issues)
        return [term] if term is not None else []
    found = [b.resolver.resolve(p) for p in parts]
    if all(t is not None for t in found):
        return [t for t in found if t is not None]
    unknown = ", ".join(repr(p) for p, t in zip(parts, found, strict=True) if t is None)
    issues.append(finding(
        "map-unknown-term", f"{raw!r} lists several terms and {unknown} is neither an HPO id of the loaded release "
        "nor an HPO label or synonym; none of the row's terms is read (write one term per row, or correct it)",
        b.sev, sheet=b.sheet.name, row=number, column=spec.column, value=raw, reason="unknown term"))
    return []


def _long_term(b: _Builder, raw: str, given: str, number: int, issues: list[Issue]) -> tuple[str, str] | None:
    """(id, label) of a long row from its term cell (mapped first), else its label cell; findings when neither."""
    assert b.m.long is not None
    spec = b.m.long["term"]
    label_spec = b.m.long.get("label")
    text = ""
    if raw:
        mapped = spec.translate(raw)
        if mapped is None:
            return None
        text = raw if mapped is MISSING else str(mapped)
    if given and label_spec is not None:
        mapped_label = label_spec.translate(given)
        given = "" if mapped_label is None else given if mapped_label is MISSING else str(mapped_label)
    term = b.resolver.resolve(text) if text else None
    if term is None and given:
        term = b.resolver.resolve(given)
    if term is None:
        shown, col = (raw, spec.column) if raw else (given, label_spec.column if label_spec else None)
        issues.append(finding("map-unknown-term",
                              f"{shown!r} is neither an HPO id of the loaded release nor an HPO label or synonym",
                              b.sev, sheet=b.sheet.name, row=number, column=col, value=shown,
                              reason="unknown term"))
        return None
    curie, label = term
    if given and text and HP_ID.match(text.strip()) and label_spec is not None:
        label = _id_and_label(b, curie, given, number, label_spec.column, issues) or label
    return curie, label


def _id_and_label(b: _Builder, curie: str, given: str, row: int, column: str | None, issues: list[Issue]) -> str:
    """The label a long row gives beside an id: used when the HPO does not know the id; a mismatch is reported."""
    if not b.resolver.label(curie):
        return given
    current = b.resolver.label_conflict(curie, given)
    if current is not None:
        issues.append(finding(
            "map-label-mismatch", f"{curie} is {current!r} in HPO {b.resolver.version or ''}, not {given!r}; the id "
            "was used", b.sev, sheet=b.sheet.name, row=row, column=column, value=given,
            reason="label does not match id"))
    return ""


def text_cell(b: _Builder, number: int, col: str, text: str, issues: list[Issue], add: Add, *,
              all_excluded: bool = False) -> None:
    """A free-text cell → features (exact label/synonym matches) and findings for what matches nothing.

    ``all_excluded``: a column of absent findings (``excluded_columns``): every term found is excluded.
    """
    phrases = [text]
    for sep in b.m.text_separators:
        phrases = [p for ph in phrases for p in ph.split(sep)]
    for phrase in phrases:
        phrase = phrase.strip().strip(".").strip()
        if not phrase or phrase.lower() in _EMPTY_TEXT:
            continue
        for part, excluded, term in match_phrase(b.resolver, b.m.text_negations, phrase,
                                                 status=status_parser(b.m.text_vocabulary)):
            if term is None:
                issues.append(finding(
                    "map-unmatched-text",
                    f"{part!r}" + (f" (in {phrase!r})" if part.casefold() != phrase.casefold() else "")
                    + " matches no HPO label or synonym exactly; review it or map it by hand",
                    b.sev, sheet=b.sheet.name, row=number, column=col, value=part, reason="no exact HPO match"))
            elif not HP_ANYWHERE.search(part) and b.resolver.not_a_phenotype(term[0]):
                # "severe", "neonatal onset", "progressive": a modifier's label, not a feature of its own
                issues.append(finding(
                    "map-unmatched-text",
                    f"{part!r}" + (f" (in {phrase!r})" if part.casefold() != phrase.casefold() else "")
                    + f" is the HPO label of {term[0]} {term[1]}, which is no phenotypic abnormality (an onset, "
                    "severity, course or inheritance term): not carried as a feature; review it or map it by hand",
                    b.sev, sheet=b.sheet.name, row=number, column=col, value=part,
                    reason="not a phenotypic abnormality"))
            else:
                add(OntologyClass(id=term[0], label=term[1]), excluded or all_excluded, None, number, col)


def negation(negations: tuple[str, ...], phrase: str) -> tuple[bool, str]:
    """(True, the rest) when ``phrase`` starts with a negation word, else (False, phrase)."""
    low = phrase.lower()
    for neg in negations:
        if low.startswith(neg):
            return True, phrase[len(neg):].strip()
    return False, phrase


def match_phrase(
    resolver: TermResolver, negations: tuple[str, ...], phrase: str, *,
    status: Callable[[str], str | None] | None = None,
) -> list[tuple[str, bool, tuple[str, str] | None]]:
    """(text, excluded, (id, label) or None) for each item of one free-text phrase.

    Rules, in order:

    1. the whole phrase is an HPO label or synonym (singular/plural normalised) → that term, observed — an
       exact term wins over a negation-looking start (``absent speech`` is a term, not "speech" excluded);
    2. otherwise the phrase is split into items at commas, "and", "as well as"; a negation (``no``, ``not``,
       ``without``, … — the mapping's ``negations``) covers **its own item only**: ``no seizures, hypotonia``
       → Seizure excluded, Hypotonia observed;
    3. inside a negated item, "or"/"nor" keep the negation: ``no seizures or hypotonia`` → both excluded;
    4. with ``status`` (the vocabulary's word reader): a term followed by a status word in its item
       (``Seizure: absent``, ``Seizure (absent)``, ``Hypotonia (+)``, ``Seizures - no``) or as the next item
       (``Seizure, no``) takes that status — excluded, observed, or no feature for an unknown word (``Seizure:
       n/a``); a status word that contradicts a negation, or follows an unmatched item, leaves the whole text
       unmatched;
    5. an item that matches nothing is returned with None (reported as map-unmatched-text).
    """
    whole = resolver.resolve(phrase)
    if whole is not None:
        return [(phrase, False, whole)]
    out: list[tuple[str, bool, tuple[str, str] | None]] = []
    items = [p.strip() for p in _ITEMS.split(phrase)]
    if any(len(HP_ANYWHERE.findall(i)) > 1 for i in items):  # "HP:0001250 HP:0001263": ids apart by spaces only
        items = [part.strip() for i in items for part in _BEFORE_ID.split(i)]
    last: int | None = None  # index in ``out`` of the previous item's last entry, for a status word after it
    for item in items:
        if not item:
            continue
        term = resolver.resolve(item)
        if term is not None:
            out.append((item, False, term))
            last = len(out) - 1
            continue
        word = status(item) if status is not None else None
        if word is not None and last is not None:  # "Seizure, no": the status of the item before
            text, was_excluded, prev = out[last]
            joined = f"{text}, {item}"
            if prev is None or (was_excluded and word == "observed"):
                out[last] = (joined, was_excluded, None)
            elif word == "unknown":
                del out[last]
            else:
                out[last] = (joined, word == "excluded", prev)
            last = None
            continue
        stated = _status_after(resolver, status, item) if status is not None else None
        if stated is not None:
            if stated[0] != "unknown":
                out.append((item, stated[0] == "excluded", stated[1]))
            last = None
            continue
        last = len(out)
        excluded, rest = negation(negations, item)
        if not excluded:
            out.append((item, False, None))
            continue
        term = resolver.resolve(rest)
        if term is not None:
            out.append((item, True, term))
            continue
        parts = [p.strip() for p in _OR.split(rest) if p.strip()]
        out.extend((p, True, resolver.resolve(p)) for p in parts)
    return out


def _status_after(
    resolver: TermResolver, status: Callable[[str], str | None], item: str
) -> tuple[str, tuple[str, str]] | None:
    """(status, term) of an item written as a term and a status word (``Seizure: absent``), else None."""
    m = _STATUS_AFTER.match(item)
    if m is None:
        return None
    word = status(m.group("word"))
    if word is None:
        return None
    term = resolver.resolve(m.group("term"))
    return (word, term) if term is not None else None
