"""Which column feeds what: mapped fields, wide HPO term columns, and findings for the rest."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path
from typing import TYPE_CHECKING

from phenopackets import OntologyClass

from phenotk.errors import InputError
from phenotk.issue import Severity
from phenotk.mapping.model import ValueSpec

from .findings import finding
from .sheets import GUESSED_SCRIPTS, column_letter, preview_table
from .terms import HP_ANYWHERE, HP_IN_TEXT, colon_ids

if TYPE_CHECKING:  # pragma: no cover
    from .build import _Builder


def mapping_where(b: _Builder, spec: ValueSpec) -> str:
    """``mapping.yaml:line:col`` of a value spec (for messages)."""
    line, col = b.m.locate(spec.pointer)
    where = f"{b.m.path or 'mapping'}"
    return f"{where}:{line}:{col}" if line else where


def plan_columns(b: _Builder, rows: list[list[str]] | None = None) -> None:
    """Claim the mapped columns, choose the wide term columns, report missing/unmapped/duplicate columns.

    Whether an unmapped column is empty comes from ``b.nonempty`` (the streaming scan) or from ``rows``.
    """
    sheet, m = b.sheet, b.m
    header = sheet.header
    for dup in sheet.duplicate_headers:
        b.sheet_issues.append(finding(
            "map-duplicate-header", f"column header {dup!r} occurs more than once; later copies are named "
            f"'{dup} (2)', …", b.sev, sheet=sheet.name, column=dup, reason="duplicate header"))
    plain, patterns = m.referenced_columns()
    blocks = (*b.diseases, *b.variants, *b.references)
    claimed: set[str] = {c for blk in blocks for spec in blk.values() for c in spec.columns() if c in header}
    claimed |= {c for c in (*plain, *b.text_columns, *b.text_excluded_columns) if c in header}
    check_required(b)
    _missing_columns(b)
    for pat in patterns:
        rx = re.compile(re.escape(pat).replace(re.escape("{n}"), r"\d+") + r"\Z")
        claimed.update(h for h in header if rx.match(h))
    claimed |= ignored_columns(b)  # `*`/`?` patterns too (REDCap's letter_group___* checkbox columns)
    _wide_columns(b, claimed)
    _unmapped(b, claimed, b.nonempty if b.nonempty is not None else _nonempty_columns(b.sheet.header, rows or []))


def ignored_columns(b: _Builder) -> set[str]:
    """The headers ``ignore_columns`` names: as written, or matched by a ``*``/``?`` pattern (as wide columns are)."""
    names = b.m.ignore_columns
    globs = [p for p in names if any(c in p for c in "*?[")]
    header = b.sheet.header
    return {h for h in header if h in names or any(fnmatch.fnmatchcase(h, p) for p in globs)}


def check_required(b: _Builder) -> None:
    """An InputError when the sheet lacks a column the packet or subject id is read from."""
    m, header = b.m, b.sheet.header
    required = [*m.packet_id.columns(), *m.subject["id"].columns()]
    missing = [c for c in required if c not in header]
    if missing:
        spec = m.subject["id"] if missing[0] in m.subject["id"].columns() else m.packet_id
        raise InputError(
            f"the id column {missing[0]!r} (mapping {mapping_where(b, spec)}) is not in the sheet; "
            f"columns: {', '.join(header[:12])}{' …' if len(header) > 12 else ''}{_header_hint(b, missing[0])}",
            path=b.sheet.path,
        )


def _header_hint(b: _Builder, column: str, most: int = 30) -> str:
    """Where the header may be, as a message tail ("; row 3 holds 'Nº': set input: {header_row: 3} …"), or "".

    Given when one of the first rows under the assumed header holds the id column's name (a title banner above
    the real header). Only called on the way to an error: reading the first rows costs the conversion nothing.
    """
    want = column.strip()
    try:
        for i, (number, cells) in enumerate(b.sheet.scan()):
            if i >= most:
                break
            if any(c.strip() == want for c in cells) or any(
                r == number and v.strip() == want for r, _, v in b.sheet.stray_cells
            ):
                return (f"; row {number} holds {want!r}: set input: {{header_row: {number}}} in the mapping "
                        f"(or -O header_row={number})")
    except InputError:
        return ""
    return _other_sheet_hint(b, want, most)


def _other_sheet_hint(b: _Builder, want: str, most: int) -> str:
    """A message tail naming the worksheet that holds the id column, when it is not the one read; else "".

    ``"; sheet 'Patienten' holds 'ID' in row 1: set input: {sheet: Patienten} …"``.
    """
    path = Path(b.sheet.path)
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".xls", ".ods") or not path.is_file():
        return ""
    try:
        previews = preview_table(path, max_rows=most)
    except (InputError, OSError):
        return ""
    for preview in previews:
        if preview.name == b.sheet.name:
            continue
        for number, cells in preview.rows:
            if any(c.strip() == want for c in cells):
                name = preview.name
                header = "" if number == 1 else f", header_row: {number}"
                return (f"; sheet {name!r} holds {want!r} in row {number}: set input: {{sheet: {name}{header}}} in "
                        f"the mapping (or -O sheet={name}" + (f" -O header_row={number})" if header else ")"))
    return ""


def _missing_columns(b: _Builder) -> None:
    sheet, header = b.sheet, b.sheet.header
    for spec in b.m.all_specs():
        for col in spec.columns():
            if "{n}" not in col and col not in header:
                b.sheet_issues.append(finding(
                    "map-missing-column", f"mapping {mapping_where(b, spec)} reads column {col!r}, which the sheet "
                    "lacks", b.sev, sheet=sheet.name, column=col, reason="column not in sheet"))
    # a listed term or free-text column the sheet lacks: its features would vanish without a word
    wide = b.m.wide_columns if isinstance(b.m.wide_columns, list) else []
    listed = [(col, f"term column {col!r} (phenotypes.wide.columns)") for col in wide]
    listed += [(col, f"free-text column {col!r}") for col in (*b.m.text_columns, *b.m.text_excluded_columns)]
    for col, what in listed:
        pattern = "*" in col or "?" in col
        if col in header or (pattern and any(fnmatch.fnmatchcase(h, col) for h in header)):
            continue
        where = " (no header matches the pattern)" if pattern else ""
        b.sheet_issues.append(finding("map-missing-column", f"{what} is not in the sheet{where}", b.sev,
                                      sheet=sheet.name, column=col, reason="column not in sheet"))


def _wide_columns(b: _Builder, claimed: set[str]) -> None:
    m, sheet = b.m, b.sheet
    candidates: list[str] = []
    selected: set[str] = set()
    if m.wide_columns == "auto":
        candidates = [h for h in sheet.header if h not in claimed]
    elif isinstance(m.wide_columns, list):
        for h in sheet.header:
            if h not in claimed and any(fnmatch.fnmatchcase(h, p) for p in m.wide_columns):
                candidates.append(h)
                selected.add(h)
    for h in candidates:
        explicit = m.wide_terms.get(h)
        if explicit:
            term = _explicit_term(b, h, explicit)
            if term is None:
                claimed.add(h)
                continue
        else:
            term = b.resolver.resolve(h)
        if term is None and not explicit and (bare := _ANSWER_HINT.sub("", h, count=1)) != h:
            term = b.resolver.resolve(bare)  # "Seizure (Y/N)", "Hypotonia?"
        if term is None:
            if _unknown_header(b, h, h in selected):
                claimed.add(h)
            continue
        if not explicit and h not in selected and not HP_ANYWHERE.search(h) and _not_a_phenotype(b, h, term):
            claimed.add(h)
            continue
        b.wide.append((h, OntologyClass(id=term[0], label=term[1])))
        claimed.add(h)
        if not explicit:
            _check_header_label(b, h, term[0])
    b.wide_columns = {h for h, _ in b.wide}
    b.wide_ids = [(h, term, str(term.id)) for h, term in b.wide]
    _wide_onsets(b, claimed)


#: an onset column named after its term column: "Seizure onset", "Seizure - age at onset", "Seizure (onset)",
#: "Seizures: onset age", "Onset of seizures", "Age at onset (Hypotonia)", "Age of onset: ataxia"
_ONSET_WORDS = r"(?:age\s+(?:at|of)\s+onset|onset(?:\s+age)?)"
_ONSET_AFTER = re.compile(rf"(?P<term>.+?)\s*(?:[-–:,/_(]\s*)?{_ONSET_WORDS}\s*\)?\Z", re.I)
_AGE_AT = re.compile(r"(?:\A|\s)age(?:\s+(?:at|of))?\Z", re.I)  # "Age at onset": no term named
_ONSET_BEFORE = re.compile(rf"{_ONSET_WORDS}\s*(?:of|for|in|[-–:(])\s*(?P<term>.+?)\s*\)?\Z", re.I)


def onset_subject(header: str) -> str | None:
    """What an onset header names (``Seizure onset`` → ``Seizure``, ``Age at onset of ataxia`` → ``ataxia``)."""
    m = _ONSET_BEFORE.match(header.strip()) or _ONSET_AFTER.match(header.strip())
    name = m.group("term").strip() if m else ""
    return None if not name or _AGE_AT.search(name) else name


def _wide_onsets(b: _Builder, claimed: set[str]) -> None:
    """Pair each unread column headed as the onset of a wide term column with it (its cells: that onset).

    The term is found by the column's header (``Seizure onset`` → ``Seizure``) or, failing that, as an HPO
    label or synonym that a wide column reads (``Age at onset of seizures`` → the ``Seizure`` column). A header
    that names no wide term stays unmapped (reported).
    """
    if not b.wide_ids:
        return
    by_header = {h.casefold(): (term, tid) for h, term, tid in reversed(b.wide_ids)}
    by_header.update({_ANSWER_HINT.sub("", h, count=1).casefold(): v for h, v in list(by_header.items())})
    by_id = {tid: (term, tid) for _h, term, tid in reversed(b.wide_ids)}
    for h in b.sheet.header:
        if h in claimed:
            continue
        name = onset_subject(h)
        if name is None:
            continue
        hit = by_header.get(name.casefold())
        if hit is None:
            term = b.resolver.resolve(name)
            hit = by_id.get(term[0]) if term is not None else None
        if hit is None:
            continue
        spec = ValueSpec(column=h)  # no mapping key: its cells are read as they are
        b.wide_onsets.append((h, hit[0], hit[1], spec))
        claimed.add(h)


def _not_a_phenotype(b: _Builder, h: str, term: tuple[str, str]) -> bool:
    """Report a header that ``columns: auto`` read only by its label and that names no phenotypic abnormality.

    A column headed ``Severe``, ``Neonatal onset`` or ``Autosomal dominant inheritance`` is an HPO label, but of a
    severity, an onset or a mode of inheritance: read as a feature it made packets the validator rejects, and
    ``Severe`` = yes is seldom a feature at all. A header that names the id (``Severe (HP:0012828)``), a listed
    column or a ``terms:`` entry is read as written.
    """
    if not b.resolver.not_a_phenotype(term[0]):
        return False
    b.sheet_issues.append(finding(
        "map-unmapped-column", f"column {h!r} is the HPO label of {term[0]} {term[1]}, which is no phenotypic "
        "abnormality (an onset, severity, inheritance … term): it is not read as a feature under columns: auto; "
        "map it under phenotypes.wide.terms if you mean it, or list it under ignore_columns", b.sev,
        sheet=b.sheet.name, column=h, value=term[0], reason="not a phenotypic abnormality"))
    return True


def _explicit_term(b: _Builder, h: str, curie: str) -> tuple[str, str] | None:
    """(id, label) of a ``phenotypes.wide.terms`` header; None (reported) when the loaded HPO lacks the id.

    The label is the HPO's. Without an HPO (``--no-hpo``) it is the label a ``label (HP:…)`` header states for
    the same id, else empty: a header such as ``Krampfanfälle`` or ``Sz?`` is the column's name, not the term's
    HPO label, and is not presented as one (the validator reports the missing label; ``phenotk fix`` with an
    HPO fills it).
    """
    label = b.resolver.label(curie)
    if label is not None:
        return curie, label
    if b.resolver.ontology is not None:
        b.sheet_issues.append(finding(
            "map-unknown-term", f"column {h!r} is mapped to {curie} in phenotypes.wide.terms, which HPO "
            f"{b.resolver.version} does not have; its cells are not read (give the right id)", b.sev,
            sheet=b.sheet.name, column=h, value=curie, reason="unknown HPO id in terms"))
        return None
    stated = HP_IN_TEXT.match(colon_ids(h))
    if stated and stated.group(2).upper().replace("_", ":") == curie.upper():
        return curie, stated.group(1).strip()
    return curie, ""


#: the answer format a curator wrote after a term header: "Seizure (Y/N)", "Hypotonia?", "Ataxia [ja/nein]"
_ANSWER_HINT = re.compile(
    r"\s*(?:[(\[]\s*(?:y/n|yes/no|j/n|ja/nein|o/n|oui/non|s/n|s[ií]/no|0/1|1/0|\+/[-−])\s*[)\]])?\s*\??\s*\Z", re.I
)


def _unknown_header(b: _Builder, h: str, selected: bool) -> bool:
    """Report a header that names an HPO id the loaded release lacks, or a selected header that is no term."""
    named_id = HP_ANYWHERE.search(h)
    if not (selected or named_id):
        return False
    if named_id and not b.resolver.version:  # no HPO loaded: nothing says the id is unknown, only unreadable here
        why = (f"names {named_id.group(0)} but is not a 'label (HP:…)' header, and no HPO is loaded to look it up "
               "(--hpo)")
    elif named_id:
        why = f"names {named_id.group(0)}, which HPO {b.resolver.version} does not have"
    else:
        why = "is selected as an HPO column but is neither an HPO label nor an id"
    b.sheet_issues.append(finding(
        "map-unknown-term", f"column {h!r} {why}; its cells are not read (give the right id, or add "
        "the header under phenotypes.wide.terms)", b.sev, sheet=b.sheet.name, column=h,
        value=named_id.group(0) if named_id else h, reason="unknown HPO header"))
    return True


def _check_header_label(b: _Builder, h: str, curie: str) -> None:
    """A 'label (HP:…)' header whose label is neither the id's label nor a synonym."""
    m_label = HP_IN_TEXT.match(colon_ids(h))
    if not m_label:
        return
    current = b.resolver.label_conflict(curie, m_label.group(1))
    if current is not None:
        b.sheet_issues.append(finding(
            "map-label-mismatch",
            f"header {h!r}: {curie} is {current!r} in HPO {b.resolver.version or ''}, not "
            f"{m_label.group(1).strip()!r}; the id was used — check which term is meant",
            b.sev, sheet=b.sheet.name, column=h, value=m_label.group(1).strip(), reason="label does not match id"))


def _unmapped(b: _Builder, claimed: set[str], nonempty: set[str]) -> None:
    sheet, m = b.sheet, b.m
    for h in sheet.header:
        if h in claimed:
            continue
        has_data = h in nonempty
        b.sheet_issues.append(finding(
            "map-unmapped-column",
            f"column {h!r} is not read by the mapping"
            + (" (and is not an HPO label or id)" if m.wide_columns == "auto" else "")
            + ("" if has_data else "; it is empty")
            + "; map it, or list it under ignore_columns",
            b.sev if has_data else Severity.INFO, sheet=sheet.name, column=h, reason="unmapped column"))
    for number, letter, value in sheet.stray_cells:
        b.sheet_issues.append(finding(
            "map-bad-cell", f"value {value!r} in column {letter} has no header", b.sev, sheet=sheet.name,
            row=number, column=letter, value=value, reason="cell outside the header"))
    _hidden(b, claimed, nonempty)
    note = getattr(sheet, "sheet_note", None)
    if note:
        b.sheet_issues.append(finding("map-bad-cell", note, b.sev, sheet=sheet.name, value="", reason="hidden sheet"))
    script = GUESSED_SCRIPTS.get(str(getattr(sheet, "encoding", "") or ""))
    if script is not None:
        b.sheet_issues.append(finding(
            "map-bad-cell", f"the file is not UTF-8: it was read as {sheet.encoding} ({script}), judged from its "
            "letters; if the text looks wrong, give the encoding (input.encoding in the mapping, or -O encoding=…), "
            "or save the sheet as UTF-8", b.sev, sheet=sheet.name, value="", reason="encoding guessed"))
    mixed = getattr(sheet, "mixed_rows", [])
    if mixed:
        shown = _first_eight(mixed)
        b.sheet_issues.append(finding(
            "map-bad-cell", f"the file is UTF-8 but {len(mixed)} row(s) hold text in another encoding (rows {shown}): "
            "it was read as Windows-1252 (ä, é, ß as typed on Windows); check those rows, and save the sheet in one "
            "encoding (UTF-8)", b.sev, sheet=sheet.name, row=mixed[0], value="", reason="mixed encodings"))
    count, refs = getattr(sheet, "uncached_formulas", (0, []))
    if count:
        shown = ", ".join(refs) + (" …" if count > len(refs) else "")
        b.sheet_issues.append(finding(
            "map-bad-cell", f"{count} cell(s) hold a formula without a saved value ({shown}): they read as empty; "
            "open and save the workbook in a spreadsheet program (which stores the values), or paste values",
            b.sev, sheet=sheet.name, row=int(refs[0].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")),
            column=refs[0].rstrip("0123456789"), value="", reason="formula without a saved value"))


def _first_eight(numbers: list[int]) -> str:
    """``3, 5, 9 …``: the first eight row numbers a sheet-level finding names."""
    return ", ".join(map(str, numbers[:8])) + (" …" if len(numbers) > 8 else "")


def _hidden(b: _Builder, claimed: set[str], nonempty: set[str]) -> None:
    """One finding for the data rows, one for the columns read with data, that the workbook hides.

    They are read as the others (a column nothing reads has its own finding already).
    """
    sheet = b.sheet
    rows = getattr(sheet, "hidden_rows", [])
    if rows:
        shown = _first_eight(rows)
        b.sheet_issues.append(finding(
            "map-bad-cell", f"{len(rows)} data row(s) are hidden in the workbook ({shown}) and were converted like "
            "the others; if they were hidden to leave those patients out, delete them or list them in "
            "input.skip_rows", b.sev, sheet=sheet.name, row=rows[0], column=next(iter(b.m.packet_id.columns()), None),
            value="", reason="hidden row"))
    width = len(sheet.header)
    read = claimed - ignored_columns(b)
    columns = [j for j in getattr(sheet, "hidden_columns", [])
               if j <= width and sheet.header[j - 1] in read and sheet.header[j - 1] in nonempty]
    if columns:
        names = ", ".join(f"{column_letter(j - 1)} ({sheet.header[j - 1]!r})" for j in columns[:8])
        names += " …" if len(columns) > 8 else ""
        b.sheet_issues.append(finding(
            "map-bad-cell", f"{len(columns)} column(s) are hidden in the workbook: {names}; they were read like the "
            "others; if they were hidden to leave them out, list them under ignore_columns", b.sev,
            sheet=sheet.name, column=sheet.header[columns[0] - 1], value="", reason="hidden column"))


def _nonempty_columns(header: list[str], rows: list[list[str]]) -> set[str]:
    out: set[str] = set()
    remaining = set(range(len(header)))
    for row in rows:
        for j in list(remaining):
            if row[j].strip():
                out.add(header[j])
                remaining.discard(j)
        if not remaining:
            break
    return out
