"""pyphetools Excel templates (``<GENE>_<ACRONYM>_individuals.xlsx``) → phenopackets.

The writer is in :mod:`.xlsx_writer`.
Layout (:mod:`.workbook`): row 1 holds the fixed headers (``PMID``, ``title``, ``individual_id``, ``comment``,
``disease_id``, ``disease_label``, ``HGNC_id``, ``gene_symbol``, ``transcript``, ``allele_1``, ``allele_2``,
``variant.comment``, ``age_of_onset``, ``age_at_last_encounter``, ``deceased``, ``sex``), then ``HPO``, then HPO
labels; row 2 holds type hints, then HPO ids; rows 3+ one individual each. HPO cells: ``observed``,
``excluded``, ``na`` (or empty), an ISO 8601 age / ``G32w4d`` / HPO onset label (observed, with that onset).

Older templates lack some fixed columns (``deceased``, ``HGNC_id``…) or spell ``Comment``; they are read
too. Alleles: ``c.``/``n.`` HGVS (with the row's transcript), ``NC_…:g.`` genomic HGVS, anything else is a
structural variant described by its text. The sheet carries no VCF coordinates (pyphetools looked them up
online; phenotk never goes online), so variants read from a sheet have HGVS expressions only.

Reader option ``-O clean=pyphetools`` (with an HPO ontology) replaces obsolete / alternative ids by the current
term and removes redundant terms the way pyphetools did when it built phenopacket-store (:mod:`.clean`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from phenopackets import Expression, TimeElement, VariationDescriptor

from phenotk.conversion.base import Converted, ConvertOptions, FormatReader
from phenotk.conversion.template.clean import clean_cells, clean_requested, current_term
from phenotk.conversion.template.findings import (
    DUPLICATE_INDIVIDUAL,
    MAP_BAD_CELL,
    MAP_NOT_CARRIED,
    MAP_UNKNOWN_TERM,
    MAP_UNMAPPED_COLUMN,
    REDUNDANT_TERM,
    UNMAPPED_VALUE,
    issue,
)
from phenotk.conversion.template.rows import (
    EXCLUDED,
    NA,
    OBSERVED,
    CurationRow,
    HpoCell,
    parse_time_cut,
    respelled_hpo_id,
    row_to_packet,
)
from phenotk.conversion.template.timecells import cut_message
from phenotk.conversion.template.workbook import (
    FIXED_HEADERS,
    TYPE_HINTS,
    cell_text,
    check_zip,
    col_letter,
    merged_ranges,
    open_rows,
    uncached_formulas,
)
from phenotk.conversion.template.xlsx_writer import PyphetoolsXlsxWriter, packets_to_rows
from phenotk.errors import InputError
from phenotk.issue import Issue, Severity
from phenotk.model.hgvs import HgvsError, parse_hgvs
from phenotk.model.variant_cells import parse_variant_cell
from phenotk.model.variants import (
    allelic_state,
    expression,
    genomic_variant_key,
    hgvs_descriptor,
    hgvs_variant_key,
    structural_descriptor,
    sv_variant_key,
)

__all__ = [
    "FIXED_HEADERS",
    "REQUIRED_HEADERS",
    "TYPE_HINTS",
    "PyphetoolsXlsxReader",
    "PyphetoolsXlsxWriter",  # the writer lives in .xlsx_writer; named here for the registry
    "check_zip",
    "packets_to_rows",
    "template_hpo_columns",
    "template_to_packets",
]

REQUIRED_HEADERS = ("PMID", "title", "individual_id", "disease_id", "disease_label", "transcript", "allele_1")
_HEADER_KEY = {h.lower(): h for h in FIXED_HEADERS}
_HPO_ID = re.compile(r"HP:\d{7}\Z")
_PMID = re.compile(r"PMID:\d+\Z")
_G_RANGE = re.compile(r":g\.(\d+)_(\d+)")
_PROTEIN = re.compile(r"N[PM]_\d+(?:\.\d+)?:p\.\S+\Z")
#: A transcript HGVS written with its transcript (``NM_024666.5:c.473del``): (transcript, ``c.``/``n.`` part).
_WITH_TRANSCRIPT = re.compile(r"((?:N[MR]|X[MR])_\d+(?:\.\d+)?|ENST\d+(?:\.\d+)?):([cn]\..+)\Z")
_SV_WORDS = (("del", "DEL"), ("dup", "DUP"), ("inv", "INV"), ("transl", "TRANSL"), ("t(", "TRANSL"))


class _Sheet:
    """Column lookup for one template sheet (header rows 1 and 2), with the header findings."""

    def __init__(self, path: Path, sheet: str, rows: list[tuple[Any, ...]], options: ConvertOptions) -> None:
        self.path, self.sheet, self.options = path, sheet, options
        self.issues: list[Issue] = []
        if len(rows) < 2:
            raise InputError(f"sheet {sheet} has {len(rows)} row(s); a template needs two header rows", path=str(path))
        header = [cell_text(v) for v in rows[0]]
        try:
            self.hpo_col = next(i for i, h in enumerate(header) if h.upper() == "HPO")
        except StopIteration:
            raise InputError(
                f"sheet {sheet} cell A1: row 1 has no 'HPO' column, so this is not a pyphetools template",
                path=str(path),
            ) from None
        self.fixed = self._fixed_columns(header)
        self._check_second_row(rows[1])
        self.hpo: list[tuple[int, str, str]] = []
        self.misc: list[int] = []
        self._term_columns(header, [cell_text(v) for v in rows[1]])

    def _fixed_columns(self, header: list[str]) -> dict[str, int]:
        fixed: dict[str, int] = {}
        for i, h in enumerate(header[: self.hpo_col]):
            key = _HEADER_KEY.get(h.lower())
            if key is None or key in fixed:
                self.issues.append(
                    issue(
                        MAP_UNMAPPED_COLUMN,
                        f"column {col_letter(i)} {h!r} is not a template column; not mapped",
                        self.options,
                        sheet=self.sheet,
                        row=1,
                        column=col_letter(i),
                        value=h,
                        reason="unknown or repeated header",
                    )
                )
                continue
            fixed[key] = i
        for h in REQUIRED_HEADERS:
            if h not in fixed:
                later = next((i for i, x in enumerate(header) if i > self.hpo_col and x.lower() == h.lower()), None)
                where = (f"is in cell {col_letter(later)}1, after the 'HPO' column (cell {col_letter(self.hpo_col)}1);"
                         " the template's fixed columns come before it" if later is not None
                         else "is missing from row 1")
                raise InputError(
                    f"sheet {self.sheet} cell {col_letter(self.hpo_col)}1: required header {h!r} {where}",
                    path=str(self.path),
                )
        return fixed

    def _check_second_row(self, second: tuple[Any, ...]) -> None:
        """Refuse a sheet whose row 2 is an individual (its PMID cell holds a PMID), not the type hints / HPO ids.

        Read as the header row, that individual would be lost and no HPO column would have its id.
        """
        i = self.fixed["PMID"]
        pmid = cell_text(second[i]) if i < len(second) else ""
        if _PMID.match(pmid):
            raise InputError(
                f"sheet {self.sheet} row 2 holds an individual (cell {col_letter(i)}2 {pmid!r}), not the type hints "
                "and HPO ids a template has there; insert that row (see the blank template) above the individuals",
                path=str(self.path),
            )

    def _term_columns(self, header: list[str], ids: list[str]) -> None:
        """The HPO columns (id in row 2, or found by label) and the Miscellaneous columns after ``HPO``."""
        options, sheet = self.options, self.sheet
        ontology = options.ontology
        self.width = max(len(header), len(ids))
        self.headless: set[int] = set()  # term-side columns with neither a label nor an id (their cells: findings)
        for i in range(self.hpo_col + 1, self.width):
            label = header[i] if i < len(header) else ""
            hpo_id = ids[i] if i < len(ids) else ""
            if not label and not hpo_id:
                self.headless.add(i)
                continue
            if _HPO_ID.match(hpo_id):
                self.hpo.append((i, hpo_id, label))
                continue
            read = respelled_hpo_id(hpo_id)
            if read:  # the id is stated: it wins over the column label
                self.issues.append(issue(
                    MAP_BAD_CELL, f"sheet {sheet} cell {col_letter(i)}2: {hpo_id!r} is not written HP:nnnnnnn; read as "
                    f"{read}", options, sheet=sheet, row=2, column=col_letter(i), value=hpo_id,
                    reason="HPO id in another spelling"))
                self.hpo.append((i, read, label))
                continue
            if "miscellaneous" in (label.lower(), hpo_id.lower()):
                self.misc.append(i)
                continue
            found = ontology.lookup(label) if ontology is not None and label else []
            where = f"sheet {sheet} cell {col_letter(i)}2"
            ctx: dict[str, Any] = {"sheet": sheet, "row": 2, "column": col_letter(i), "value": hpo_id}
            if len(found) == 1:
                message = f"{where}: {hpo_id!r} is not an HPO id; column {label!r} read as {found[0]} (found by label)"
                self.issues.append(
                    issue(MAP_BAD_CELL, message, options, reason="HPO id resolved from the column label", **ctx)
                )
                self.hpo.append((i, found[0], label))
                continue
            message = f"{where}: {hpo_id!r} is not an HPO id (HP:nnnnnnn); column {label!r} is not mapped"
            self.issues.append(issue(MAP_UNMAPPED_COLUMN, message, options, reason="no HPO id in row 2", **ctx))
        first: dict[str, int] = {}
        for i, hpo_id, _label in self.hpo:
            if hpo_id not in first:
                first[hpo_id] = i
                continue
            where = f"{col_letter(first[hpo_id])}2 and {col_letter(i)}2"
            self.issues.append(issue(
                MAP_BAD_CELL, f"sheet {sheet} cells {where} both hold {hpo_id}: both columns are read, so a row "
                "states the term twice (and contradicts itself where the two differ); keep one column", options,
                sheet=sheet, row=2, column=col_letter(i), value=hpo_id, reason="HPO id in two columns"))
        if ontology is None:
            return
        for i, hpo_id, label in self.hpo:
            if ontology.primary_id(hpo_id) is None:
                self.issues.append(
                    issue(
                        MAP_UNKNOWN_TERM,
                        f"{hpo_id} ({label}) is not in HPO release {getattr(ontology, 'version', '?')}; "
                        "kept as written (it may be newer)",
                        options,
                        default=Severity.INFO,
                        escalate=False,
                        sheet=sheet,
                        row=2,
                        column=col_letter(i),
                        value=hpo_id,
                    )
                )

    def get(self, row: tuple[Any, ...], name: str) -> str:
        """The text of fixed column ``name`` in ``row`` (``""`` when the sheet lacks the column)."""
        i = self.fixed.get(name)
        return cell_text(row[i]) if i is not None and i < len(row) else ""

    def bad(self, issues: list[Issue], r: int, col: int, value: Any, reason: str) -> None:
        """Add a ``map-bad-cell`` finding for cell (``r``, ``col``)."""
        issues.append(
            issue(
                MAP_BAD_CELL,
                f"sheet {self.sheet} cell {col_letter(col)}{r}: {value!r} {reason}",
                self.options,
                sheet=self.sheet,
                row=r,
                column=col_letter(col),
                value=value,
                reason=reason,
            )
        )

    def cut(self, issues: list[Issue], r: int, col: int, text: str, element: TimeElement | None, cut: str) -> None:
        """A ``map-not-carried`` finding for an age cell whose decimal fraction was cut (``7.5 months`` → P7M)."""
        if cut and element is not None:
            issues.append(issue(
                MAP_NOT_CARRIED, f"sheet {self.sheet} cell {col_letter(col)}{r}: {cut_message(text, element, cut)}",
                self.options, sheet=self.sheet, row=r, column=col_letter(col), value=text,
                reason="fraction of an age not carried"))


def _allele(text: str, transcript: str, hgnc: str, symbol: str, count: int) -> VariationDescriptor:
    state = allelic_state(count)
    if text.startswith(("c.", "n.", "m.")):
        return hgvs_descriptor(
            variant_id=hgvs_variant_key(text, symbol, transcript),
            state=state,
            hgnc_id=hgnc,
            symbol=symbol,
            transcript=transcript,
            c_hgvs=text,
        )
    if ":g." in text and text.startswith("NC_") and not _is_structural_g(text):
        return hgvs_descriptor(
            variant_id=genomic_variant_key(text), state=state, hgnc_id=hgnc, symbol=symbol, g_hgvs=text
        )
    low = text.lower()
    # the kind of change is guessed from words in free text ('del', 'dup'…), never from the letters of an HGVS
    # ('NM_1.1:c.473del' is a small deletion, not a chromosomal one)
    sv_type = "SV" if _WITH_TRANSCRIPT.match(text) else next((kind for word, kind in _SV_WORDS if word in low), "SV")
    return structural_descriptor(
        variant_id=sv_variant_key(symbol, sv_type, text),
        label=text,
        sv_type=sv_type,
        state=state,
        hgnc_id=hgnc,
        symbol=symbol,
    )


def _is_structural_g(text: str) -> bool:
    """A genomic HGVS that describes a structural variant (uncertain ends, or a range of 50 bp or more)."""
    if "?" in text or "(" in text:
        return True
    m = _G_RANGE.search(text)
    return m is not None and int(m[2]) - int(m[1]) + 1 >= 50


def template_to_packets(path: Path, options: ConvertOptions) -> Iterator[Converted]:
    """Convert one pyphetools Excel template; raise InputError (naming the cell) when it does not parse."""
    sheet_name, names, rows = open_rows(path, options.extra.get("sheet"))
    try:
        sheet = _Sheet(path, sheet_name, rows, options)
    except InputError as exc:
        raise _name_the_template_sheet(exc, path, sheet_name, names, options) from None
    file_issues = sheet.issues
    for other in names:
        if other != sheet_name:
            file_issues.append(
                issue(
                    MAP_UNMAPPED_COLUMN,
                    f"sheet {other!r} is not read (only {sheet_name!r}; choose with -O sheet=NAME)",
                    options,
                    sheet=other,
                )
            )
    ontology = options.ontology
    clean = clean_requested(options)
    if clean and ontology is None:
        message = "-O clean=pyphetools needs an HPO ontology (--hpo); not applied"
        file_issues.append(issue(REDUNDANT_TERM, message, options, default=Severity.WARNING))
        clean = False
    if clean:
        sheet.hpo = [current_term(options, sheet_name, *column, file_issues) for column in sheet.hpo]
    rows = _fill_merged(path, sheet, rows, file_issues)
    formulas: dict[int, list[tuple[int, str]]] = {}
    for (r, c), formula in uncached_formulas(path, sheet_name, rows).items():
        if r <= 2:
            _formula(sheet, file_issues, r, c, formula)
        else:
            formulas.setdefault(r, []).append((c, formula))
    seen: dict[str, int] = {}
    first = True
    for r0, raw in enumerate(rows[2:], start=3):
        lost = formulas.get(r0, [])
        blank = all(cell_text(v) == "" for v in raw)
        if blank and not lost:
            continue
        issues: list[Issue] = file_issues if first else []
        first = False
        for c, formula in lost:
            _formula(sheet, issues, r0, c, formula)
        if blank:  # only formulas without values: no individual can be read from it
            yield Converted(None, f"{path}:{sheet_name}!row {r0}", issues)
            continue
        row, disease_label = _parse_row(sheet, raw, r0, issues)
        if clean:
            row.hpo = clean_cells(row.hpo, options, ontology, sheet_name, r0, issues)
        pid = row.packet_id
        if pid in seen:
            message = f"rows {seen[pid]} and {r0} both make packet id {pid!r}"
            ctx: dict[str, Any] = {"sheet": sheet_name, "row": r0, "value": row.individual_id}
            issues.append(issue(DUPLICATE_INDIVIDUAL, message, options, **ctx))
        seen.setdefault(pid, r0)
        labels = dict.fromkeys(row.disease_ids, disease_label)
        packet = row_to_packet(
            row,
            labels,
            hpo_version=options.extra.get("hpo_version", getattr(ontology, "version", "") or ""),
            created=options.created,
            created_by=options.created_by,
        )
        yield Converted(packet, f"{path}:{sheet_name}!row {r0}", issues, name=pid)


def _fill_merged(path: Path, sheet: _Sheet, rows: list[tuple[Any, ...]],
                 issues: list[Issue]) -> list[tuple[Any, ...]]:
    """The rows with every merged range over individuals (rows 3+) holding its top-left value in each cell.

    A merged cell states one value for the rows it spans (a paper's PMID over its individuals); read-only
    workbooks give it to the first cell only. Header rows are left alone (a label merged over two columns is
    not the label of both). One info finding names the ranges.
    """
    filled: list[str] = []
    out = [list(r) for r in rows]
    for r1, c1, r2, c2 in merged_ranges(path, sheet.sheet):
        if r1 < 3 or r1 > len(out):
            continue
        top = out[r1 - 1]
        value = top[c1] if c1 < len(top) else None
        if value is None:
            continue
        for r in range(r1, min(r2, len(out)) + 1):
            row = out[r - 1]
            if len(row) <= c2:
                row.extend([None] * (c2 + 1 - len(row)))
            for c in range(c1, c2 + 1):
                row[c] = value
        filled.append(f"{col_letter(c1)}{r1}:{col_letter(c2)}{r2}")
    if not filled:
        return rows
    shown = ", ".join(filled[:8]) + (" …" if len(filled) > 8 else "")
    issues.append(issue(
        MAP_BAD_CELL, f"sheet {sheet.sheet}: {len(filled)} merged cell range(s) over individuals ({shown}): each "
        "value is read in every row it covers", sheet.options, default=Severity.INFO, escalate=False,
        sheet=sheet.sheet, row=int(filled[0].split(":")[0].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")),
        value=filled[0], reason="merged cells"))
    return [tuple(r) for r in out]


def _name_the_template_sheet(exc: InputError, path: Path, read: str, names: list[str],
                             options: ConvertOptions) -> InputError:
    """``exc`` with a hint when the first sheet (no ``-O sheet``) is not a template but another sheet is."""
    if options.extra.get("sheet") or len(names) < 2:
        return exc
    from phenotk.conversion.template.sniff import is_pyphetools_template

    for other in names:
        if other == read:
            continue
        _, _, head = open_rows(path, other, max_row=1)
        if is_pyphetools_template(head[:1]):
            exc.message += f" (sheet {other!r} is one: choose it with -O sheet={other!r})"
            exc.args = (exc.message,)
            return exc
    return exc


def _formula(sheet: _Sheet, issues: list[Issue], r: int, c: int, formula: str) -> None:
    """A ``map-bad-cell`` finding for a formula cell without a saved value (read as empty)."""
    sheet.bad(issues, r, c, formula, "is a formula without a saved value (the workbook was written by a program "
              "that does not calculate); not read — open and save it in Excel or LibreOffice, or write the value")


def template_hpo_columns(path: Path, options: ConvertOptions) -> set[str]:
    """The HPO ids a template has a column for, as :func:`template_to_packets` reads them (header rows only).

    Under ``clean=pyphetools`` obsolete and alternative ids are given as their current term, like the packets.
    """
    name, _, rows = open_rows(path, options.extra.get("sheet"), max_row=2)
    sheet = _Sheet(path, name, rows, options)
    if clean_requested(options) and options.ontology:
        return {current_term(options, name, *column, [])[1] for column in sheet.hpo}
    return {hpo_id for _col, hpo_id, _label in sheet.hpo}


def _parse_row(sheet: _Sheet, raw: tuple[Any, ...], r: int, issues: list[Issue]) -> tuple[CurationRow, str]:
    """One individual's row (findings into ``issues``) and its disease label."""
    get, fixed = sheet.get, sheet.fixed
    pmid = get(raw, "PMID")
    if not _PMID.match(pmid):
        sheet.bad(issues, r, fixed["PMID"], pmid, "is not a PMID:nnnn CURIE")
    # stripped like every cell (pyphetools stripped them too: the store's ids from sheets have no stray blanks)
    row = CurationRow(pmid=pmid, title=get(raw, "title"), individual_id=get(raw, "individual_id"))
    if not row.individual_id:
        sheet.bad(issues, r, fixed["individual_id"], "", "is empty: every row needs an individual_id")
    protein = get(raw, "variant.comment")
    if not _PROTEIN.match(protein):
        protein = ""
    _comments(sheet, raw, r, protein, issues)
    _person(sheet, raw, r, row, issues)
    disease_id = get(raw, "disease_id")
    if disease_id and ":" in disease_id:
        row.disease_ids = [disease_id]
    else:
        sheet.bad(issues, r, fixed["disease_id"], disease_id, "is not a disease CURIE (e.g. OMIM:148600)")
    _alleles(sheet, raw, row, protein, r, issues)
    _hpo_cells(sheet, raw, r, row, issues)
    return row, get(raw, "disease_label")


def _comments(sheet: _Sheet, raw: tuple[Any, ...], r: int, protein: str, issues: list[Issue]) -> None:
    """A ``map-unmapped-value`` finding per comment cell with text (a protein HGVS ``variant.comment`` is data)."""
    for name in ("comment", "variant.comment"):
        text = sheet.get(raw, name)
        if text and text.lower() != "na" and text != protein:
            issues.append(
                issue(
                    UNMAPPED_VALUE,
                    f"row {r} {name} {text[:60]!r} has no place in a phenopacket; not carried",
                    sheet.options,
                    default=Severity.INFO,
                    sheet=sheet.sheet,
                    row=r,
                    column=col_letter(sheet.fixed[name]),
                    value=text,
                )
            )


def _person(sheet: _Sheet, raw: tuple[Any, ...], r: int, row: CurationRow, issues: list[Issue]) -> None:
    """Ages, vital status and sex of one row."""
    get, fixed = sheet.get, sheet.fixed
    for name in ("age_of_onset", "age_at_last_encounter"):
        text = get(raw, name)
        element, cut = parse_time_cut(text)
        if cut:  # a cut age was read from a cell, so its column exists
            sheet.cut(issues, r, fixed[name], text, element, cut)
        if element is None and text and text.lower() != "na":
            sheet.bad(issues, r, fixed[name], text, "is not an ISO 8601 age, gestational age or onset label")
        setattr(row, name, element)
    deceased = get(raw, "deceased").lower() or "na"
    if deceased not in ("yes", "no", "na"):
        sheet.bad(issues, r, fixed["deceased"], deceased, "is not yes / no / na")
        deceased = "na"
    row.deceased = deceased
    sex = get(raw, "sex").upper() or "U"
    if sex not in ("M", "F", "O", "U"):
        sheet.bad(issues, r, fixed.get("sex", 0), get(raw, "sex"), "is not M / F / O / U; read as U")
        sex = "U"
    row.sex = sex


def _alleles(
    sheet: _Sheet, raw: tuple[Any, ...], row: CurationRow, protein: str, r: int, issues: list[Issue]
) -> None:
    """``allele_1`` / ``allele_2`` as descriptors (two equal alleles: one homozygous descriptor).

    A "no variant" word (``not done``, ``negative`` …) is not a variant: reported, nothing carried. A ``c.``/``g.``
    allele that is not valid HGVS (``c.2836C>X``) is carried as the curator wrote it, with a ``map-bad-cell``.
    """
    get = sheet.get
    transcript, hgnc, symbol = get(raw, "transcript"), get(raw, "HGNC_id"), get(raw, "gene_symbol")
    alleles = []
    for name in ("allele_1", "allele_2"):
        text = get(raw, name)
        if not text or text.lower() == "na":
            continue
        column = col_letter(sheet.fixed[name])
        if parse_variant_cell(text, verbatim=True).status == "no_variant":
            issues.append(
                issue(UNMAPPED_VALUE, f"row {r} {name} {text!r} says there is no variant; none carried",
                      sheet.options, default=Severity.INFO, sheet=sheet.sheet, row=r, column=column, value=text)
            )
            continue
        if _WITH_TRANSCRIPT.match(text):
            sheet.bad(issues, r, sheet.fixed[name], text, "is an HGVS written with its transcript: carried as a "
                      "structural variant described by this text, as pyphetools did (for an HGVS variant write "
                      "the c. part here and the transcript in the transcript column)")
        elif text.startswith(("c.", "n.", "m.")) or (":g." in text and text.startswith("NC_")):
            try:
                parse_hgvs(text)
            except HgvsError as exc:
                sheet.bad(issues, r, sheet.fixed[name], text, f"is not valid HGVS ({exc.reason}); carried as written")
        alleles.append(text)
    if len(alleles) == 2 and alleles[0] == alleles[1]:
        row.variants.append(_allele(alleles[0], transcript, hgnc, symbol, 2))
    else:
        for a in alleles:
            row.variants.append(_allele(a, transcript, hgnc, symbol, 1))
    if protein and row.variants and expression(row.variants[0], "hgvs.c"):
        # pyphetools curators put allele_1's protein change in variant.comment (NP_…:p.(…)): carry it
        row.variants[0].expressions.append(Expression(syntax="hgvs.p", value=protein))


_STATUS_WORDS = {"": NA, "na": NA, "observed": OBSERVED, "excluded": EXCLUDED}


def _hpo_cells(sheet: _Sheet, raw: tuple[Any, ...], r: int, row: CurationRow, issues: list[Issue]) -> None:
    """The HPO columns' statuses and onsets, then the terms named in Miscellaneous cells.

    A value in the ``HPO`` separator column (other than ``na``) or in a column without label and id is reported:
    it cannot be read as any term.
    """
    for i, value in enumerate(raw):
        if i < sheet.hpo_col or not (i == sheet.hpo_col or i in sheet.headless or i >= sheet.width):
            continue
        text = cell_text(value)
        if text and text.lower() != "na":
            where = ("the 'HPO' separator column" if i == sheet.hpo_col
                     else "a column with no label or HPO id in rows 1-2")
            sheet.bad(issues, r, i, text, f"is in {where}; not read as any term")
    for i, hpo_id, label in sheet.hpo:
        text = cell_text(raw[i]) if i < len(raw) else ""
        status = _STATUS_WORDS.get(text.lower())
        if status is not None:
            row.hpo.append(HpoCell(hpo_id, label, status))
            continue
        onset, cut = parse_time_cut(text)
        sheet.cut(issues, r, i, text, onset, cut)
        if onset is None:
            sheet.bad(issues, r, i, text, f"for {hpo_id} is not observed / excluded / na / an age; read as na")
            row.hpo.append(HpoCell(hpo_id, label, NA))
        else:
            row.hpo.append(HpoCell(hpo_id, label, OBSERVED, onset))
    for i in sheet.misc:
        text = cell_text(raw[i]) if i < len(raw) else ""
        for item in (t.strip() for t in text.split(";")):
            if not item or item.lower() == "na":
                continue
            term = _resolve(item, sheet.options)
            if term is None and sheet.options.ontology is None:
                sheet.bad(issues, r, i, item, "is not an HPO id, and no HPO is loaded to look the label up (--hpo); "
                          "not read")
            elif term is None:
                sheet.bad(issues, r, i, item, "names no HPO term (Miscellaneous cells hold ;-separated labels or ids)")
            else:
                row.hpo.append(HpoCell(term[0], term[1], OBSERVED))


def _resolve(item: str, options: ConvertOptions) -> tuple[str, str] | None:
    """A Miscellaneous entry (HPO id or label) → (id, label) through the ontology, when one is loaded."""
    ontology = options.ontology
    if _HPO_ID.match(item):
        label = ontology.label(item) if ontology is not None else None
        return item, label or ""
    if ontology is None:
        return None
    found = ontology.lookup(item)
    if len(found) < 1:
        return None
    return found[0], ontology.label(found[0]) or item


class PyphetoolsXlsxReader(FormatReader):
    """pyphetools Excel template → one store-style phenopacket per row (``--from pyphetools-xlsx``).

    Content sniffing is done by the ``template`` reader (:mod:`.sniff`), so a workbook is opened once while
    sniffing.
    """

    name = "pyphetools-xlsx"
    description = "pyphetools Excel curation template (*_individuals.xlsx)"
    extensions = (".xlsx",)

    def read(self, path: Path, options: ConvertOptions) -> Iterator[Converted]:
        """Convert one template workbook."""
        yield from template_to_packets(path, options)
