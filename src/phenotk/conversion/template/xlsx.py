"""pyphetools Excel templates (``<GENE>_<ACRONYM>_individuals.xlsx``) ↔ phenopackets.

Layout: row 1 holds the fixed headers (``PMID``, ``title``, ``individual_id``, ``comment``, ``disease_id``,
``disease_label``, ``HGNC_id``, ``gene_symbol``, ``transcript``, ``allele_1``, ``allele_2``, ``variant.comment``,
``age_of_onset``, ``age_at_last_encounter``, ``deceased``, ``sex``), then ``HPO``, then HPO labels; row 2 holds
type hints, then HPO ids; rows 3+ one individual each. HPO cells: ``observed``, ``excluded``, ``na`` (or
empty), an ISO 8601 age / ``G32w4d`` / HPO onset label (observed, with that onset).

Older templates lack some fixed columns (``deceased``, ``HGNC_id``…) or spell ``Comment``; they are read
too. Alleles: ``c.``/``n.`` HGVS (with the row's transcript), ``NC_…:g.`` genomic HGVS, anything else is a
structural variant described by its text. The sheet carries no VCF coordinates (pyphetools looked them up
online; phenotk never goes online), so variants read from a sheet have HGVS expressions only.

Reader option ``-O clean=pyphetools`` (with an HPO ontology) replaces obsolete / alternative ids by the current
term and removes redundant terms the way pyphetools did
when it built phenopacket-store (see :func:`phenotk.conversion.template.compare.remove_redundant`).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from google.protobuf.message import Message
from phenopackets import Expression, Phenopacket, VariationDescriptor

from phenotk.conversion.base import Converted, ConvertOptions, FormatReader, FormatWriter
from phenotk.conversion.template.compare import remove_redundant
from phenotk.conversion.template.issues import issue
from phenotk.conversion.template.rows import (
    EXCLUDED,
    NA,
    OBSERVED,
    CurationRow,
    HpoCell,
    packet_to_row,
    parse_time,
    row_to_packet,
    time_text,
)
from phenotk.errors import InputError
from phenotk.io.writers import atomic_write
from phenotk.issue import Issue, Severity
from phenotk.model.variants import (
    allelic_state,
    expression,
    genomic_variant_key,
    hgvs_descriptor,
    hgvs_variant_key,
    structural_descriptor,
    sv_variant_key,
)

FIXED_HEADERS = (
    "PMID",
    "title",
    "individual_id",
    "comment",
    "disease_id",
    "disease_label",
    "HGNC_id",
    "gene_symbol",
    "transcript",
    "allele_1",
    "allele_2",
    "variant.comment",
    "age_of_onset",
    "age_at_last_encounter",
    "deceased",
    "sex",
)
TYPE_HINTS = (
    "CURIE",
    "str",
    "str",
    "optional",
    "CURIE",
    "str",
    "CURIE",
    "str",
    "str",
    "str",
    "str",
    "optional",
    "age",
    "age",
    "yes/no/na",
    "M:F:O:U",
)
REQUIRED_HEADERS = ("PMID", "title", "individual_id", "disease_id", "disease_label", "transcript", "allele_1")
_HEADER_KEY = {h.lower(): h for h in FIXED_HEADERS}
_HPO_ID = re.compile(r"HP:\d{7}\Z")
_PMID = re.compile(r"PMID:\d+\Z")
_G_RANGE = re.compile(r":g\.(\d+)_(\d+)")
_PROTEIN = re.compile(r"N[PM]_\d+(?:\.\d+)?:p\.\S+\Z")

#: Zip-bomb guards: uncompressed workbook size and compression ratio limits.
MAX_UNCOMPRESSED = 512 * 1024 * 1024
MAX_RATIO = 200
_DANGEROUS = ("=", "+", "-", "@")


def _col(index: int) -> str:
    """0-based column index → spreadsheet letters."""
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _unneutralise(str(value).strip())


def _unneutralise(text: str) -> str:
    """Undo our writer's formula neutralisation (``'=…`` → ``=…``)."""
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1] in _DANGEROUS else text


def check_zip(path: Path) -> None:
    """Refuse workbooks whose uncompressed size or compression ratio looks like a zip bomb."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile:
        raise InputError("not an .xlsx workbook (not a zip archive)", path=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from None
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_UNCOMPRESSED or (total > 10 * 1024 * 1024 and total / packed > MAX_RATIO):
        raise InputError(
            f"workbook expands to {total} bytes (ratio {total // packed}:1); refusing to read a possible zip bomb",
            path=str(path),
        )


def _workbook(path: Path) -> Any:
    """The workbook, read-only with cached values (zip-bomb checked); an InputError when it cannot be opened."""
    import openpyxl

    check_zip(path)
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise InputError(f"cannot open workbook: {exc}", path=str(path)) from None


def _open_rows(
    path: Path, sheet: str | None, max_row: int | None = None
) -> tuple[str, list[str], list[tuple[Any, ...]]]:
    """(sheet read, every sheet name, its rows — the first ``max_row`` only when given)."""
    wb = _workbook(path)
    try:
        names = list(wb.sheetnames)
        name = sheet or names[0]
        if name not in names:
            raise InputError(f"no sheet {name!r} (sheets: {', '.join(names)})", path=str(path))
        rows = list(wb[name].iter_rows(max_row=max_row, values_only=True))
    finally:
        wb.close()
    return name, names, rows


def _clean_requested(options: ConvertOptions) -> bool:
    """``-O clean=pyphetools`` (or a true value) was given."""
    return str(options.extra.get("clean", "")).lower() in ("1", "true", "yes", "pyphetools")


def sniff_template_header(row: Iterable[Any]) -> bool:
    """True when a first row looks like a pyphetools template header."""
    cells = [_cell_text(v).lower() for v in row]
    return "hpo" in cells and all(h.lower() in cells for h in ("PMID", "individual_id", "disease_id"))


class _Sheet:
    """Column lookup for one template sheet."""

    def __init__(self, path: Path, sheet: str, rows: list[tuple[Any, ...]], options: ConvertOptions) -> None:
        self.path, self.sheet, self.options = path, sheet, options
        self.issues: list[Issue] = []
        if len(rows) < 2:
            raise InputError(f"sheet {sheet} has {len(rows)} row(s); a template needs two header rows", path=str(path))
        header = [_cell_text(v) for v in rows[0]]
        try:
            self.hpo_col = next(i for i, h in enumerate(header) if h.upper() == "HPO")
        except StopIteration:
            raise InputError(
                f"sheet {sheet} cell A1: row 1 has no 'HPO' column, so this is not a pyphetools template",
                path=str(path),
            ) from None
        self.fixed: dict[str, int] = {}
        for i, h in enumerate(header[: self.hpo_col]):
            key = _HEADER_KEY.get(h.lower())
            if key is None or key in self.fixed:
                self.issues.append(
                    issue(
                        "map-unmapped-column",
                        f"column {_col(i)} {h!r} is not a template column; not mapped",
                        options,
                        sheet=sheet,
                        row=1,
                        column=_col(i),
                        value=h,
                        reason="unknown or repeated header",
                    )
                )
                continue
            self.fixed[key] = i
        for h in REQUIRED_HEADERS:
            if h not in self.fixed:
                raise InputError(
                    f"sheet {sheet} cell {_col(self.hpo_col)}1: required header {h!r} is missing from row 1",
                    path=str(path),
                )
        ids = [_cell_text(v) for v in rows[1]]
        self.hpo: list[tuple[int, str, str]] = []
        self.misc: list[int] = []
        ontology = options.ontology
        for i in range(self.hpo_col + 1, max(len(header), len(ids))):
            label = header[i] if i < len(header) else ""
            hpo_id = ids[i] if i < len(ids) else ""
            if not label and not hpo_id:
                continue
            if _HPO_ID.match(hpo_id):
                self.hpo.append((i, hpo_id, label))
                continue
            if "miscellaneous" in (label.lower(), hpo_id.lower()):
                self.misc.append(i)
                continue
            found = ontology.lookup(label) if ontology is not None and label else []
            where = f"sheet {sheet} cell {_col(i)}2"
            if len(found) == 1:
                self.issues.append(
                    issue(
                        "map-bad-cell",
                        f"{where}: {hpo_id!r} is not an HPO id; column {label!r} read as {found[0]} (found by label)",
                        options,
                        sheet=sheet,
                        row=2,
                        column=_col(i),
                        value=hpo_id,
                        reason="HPO id resolved from the column label",
                    )
                )
                self.hpo.append((i, found[0], label))
                continue
            self.issues.append(
                issue(
                    "map-unmapped-column",
                    f"{where}: {hpo_id!r} is not an HPO id (HP:nnnnnnn); column {label!r} is not mapped",
                    options,
                    sheet=sheet,
                    row=2,
                    column=_col(i),
                    value=hpo_id,
                    reason="no HPO id in row 2",
                )
            )
        if ontology is not None:
            for i, hpo_id, label in self.hpo:
                if ontology.primary_id(hpo_id) is None:
                    self.issues.append(
                        issue(
                            "map-unknown-term",
                            f"{hpo_id} ({label}) is not in HPO release {getattr(ontology, 'version', '?')}; "
                            "kept as written (it may be newer)",
                            options,
                            default=Severity.INFO,
                            escalate=False,
                            sheet=sheet,
                            row=2,
                            column=_col(i),
                            value=hpo_id,
                        )
                    )

    def get(self, row: tuple[Any, ...], name: str) -> str:
        i = self.fixed.get(name)
        return _cell_text(row[i]) if i is not None and i < len(row) else ""

    def bad(self, issues: list[Issue], r: int, col: int, value: Any, reason: str) -> None:
        issues.append(
            issue(
                "map-bad-cell",
                f"sheet {self.sheet} cell {_col(col)}{r}: {value!r} {reason}",
                self.options,
                sheet=self.sheet,
                row=r,
                column=_col(col),
                value=value,
                reason=reason,
            )
        )


def _allele(text: str, row: CurationRow, transcript: str, hgnc: str, symbol: str, count: int) -> VariationDescriptor:
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
    sv_type = "SV"
    for word, kind in (("del", "DEL"), ("dup", "DUP"), ("inv", "INV"), ("transl", "TRANSL"), ("t(", "TRANSL")):
        if word in low:
            sv_type = kind
            break
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
    sheet_name, names, rows = _open_rows(path, options.extra.get("sheet"))
    sheet = _Sheet(path, sheet_name, rows, options)
    file_issues = sheet.issues
    for other in names:
        if other != sheet_name:
            file_issues.append(
                issue(
                    "map-unmapped-column",
                    f"sheet {other!r} is not read (only {sheet_name!r}; choose with -O sheet=NAME)",
                    options,
                    sheet=other,
                )
            )
    ontology = options.ontology
    clean = _clean_requested(options)
    if clean and ontology is None:
        file_issues.append(
            issue("map-redundant-term", "-O clean=pyphetools needs an HPO ontology (--hpo); not applied", options)
        )
        clean = False
    if clean:
        sheet.hpo = [_current(sheet, col, hpo_id, label, file_issues) for col, hpo_id, label in sheet.hpo]
    seen: dict[str, int] = {}
    first = True
    for r0, raw in enumerate(rows[2:], start=3):
        if all(_cell_text(v) == "" for v in raw):
            continue
        issues: list[Issue] = file_issues if first else []
        first = False
        row, disease_label = _parse_row(sheet, raw, r0, issues)
        if clean:
            triples = [(c.hpo_id, c.status == EXCLUDED, time_text(c.onset)) for c in row.hpo if c.status != NA]
            kept = set(
                remove_redundant(
                    triples,
                    lambda t: ontology.ancestors(t) if ontology.primary_id(t) else set(),
                    by_onset=options.extra.get("clean_by_onset", "0") == "1",
                )
            )
            cleaned = []
            for c in row.hpo:
                if c.status == NA or (c.hpo_id, c.status == EXCLUDED, time_text(c.onset)) in kept:
                    cleaned.append(c)
                else:
                    issues.append(
                        issue(
                            "map-redundant-term",
                            f"row {r0}: {c.status} {c.hpo_id} ({c.label}) removed as redundant (pyphetools clean-up)",
                            options,
                            default=Severity.INFO,
                            escalate=False,
                            sheet=sheet.sheet,
                            row=r0,
                            value=c.hpo_id,
                            status=c.status,
                        )
                    )
            row.hpo = cleaned
        pid = row.packet_id
        if pid in seen:
            issues.append(
                issue(
                    "map-duplicate-individual",
                    f"rows {seen[pid]} and {r0} both make packet id {pid!r}",
                    options,
                    sheet=sheet.sheet,
                    row=r0,
                    value=row.individual_id,
                )
            )
        seen.setdefault(pid, r0)
        labels = dict.fromkeys(row.disease_ids, disease_label)
        packet = row_to_packet(
            row,
            labels,
            hpo_version=options.extra.get("hpo_version", getattr(ontology, "version", "") or ""),
            created=options.created,
            created_by=options.created_by,
        )
        yield Converted(packet, f"{path}:{sheet.sheet}!row {r0}", issues, name=pid)


def template_hpo_columns(path: Path, options: ConvertOptions) -> set[str]:
    """The HPO ids a template has a column for, as :func:`template_to_packets` reads them (header rows only).

    Under ``clean=pyphetools`` obsolete and alternative ids are given as their current term, like the packets.
    """
    name, _, rows = _open_rows(path, options.extra.get("sheet"), max_row=2)
    sheet = _Sheet(path, name, rows, options)
    if _clean_requested(options) and options.ontology:
        return {_current(sheet, col, hpo_id, label, [])[1] for col, hpo_id, label in sheet.hpo}
    return {hpo_id for _col_, hpo_id, _label in sheet.hpo}


def _current(sheet: _Sheet, col: int, hpo_id: str, label: str, issues: list[Issue]) -> tuple[int, str, str]:
    """Under ``clean=pyphetools``: an alt or obsolete id → its current term, as the store's builder did."""
    ontology = sheet.options.ontology
    current = ontology.current_id(hpo_id) if ontology is not None else None
    if not current or current == hpo_id:
        return col, hpo_id, label
    new_label = ontology.label(current) or label
    issues.append(
        issue(
            "map-obsolete-term",
            f"column {_col(col)} {hpo_id} ({label}) is obsolete or an alternative id; read as {current} ({new_label})",
            sheet.options,
            default=Severity.INFO,
            escalate=False,
            sheet=sheet.sheet,
            row=2,
            column=_col(col),
            value=hpo_id,
        )
    )
    return col, current, new_label


def _parse_row(sheet: _Sheet, raw: tuple[Any, ...], r: int, issues: list[Issue]) -> tuple[CurationRow, str]:
    options = sheet.options
    get = sheet.get
    fixed = sheet.fixed
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
    for name in ("comment", "variant.comment"):
        text = get(raw, name)
        if text and text.lower() != "na" and text != protein:
            issues.append(
                issue(
                    "map-unmapped-value",
                    f"row {r} {name} {text[:60]!r} has no place in a phenopacket; not carried",
                    options,
                    default=Severity.INFO,
                    sheet=sheet.sheet,
                    row=r,
                    column=_col(fixed[name]),
                    value=text,
                )
            )
    for name, attr in (("age_of_onset", "age_of_onset"), ("age_at_last_encounter", "age_at_last_encounter")):
        text = get(raw, name)
        element = parse_time(text)
        if element is None and text and text.lower() != "na":
            sheet.bad(issues, r, fixed[name], text, "is not an ISO 8601 age, gestational age or onset label")
        setattr(row, attr, element)
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
    disease_id = get(raw, "disease_id")
    if disease_id and ":" in disease_id:
        row.disease_ids = [disease_id]
    else:
        sheet.bad(issues, r, fixed["disease_id"], disease_id, "is not a disease CURIE (e.g. OMIM:148600)")
    transcript, hgnc, symbol = get(raw, "transcript"), get(raw, "HGNC_id"), get(raw, "gene_symbol")
    a1, a2 = get(raw, "allele_1"), get(raw, "allele_2")
    alleles = [a for a in (a1, a2) if a and a.lower() != "na"]
    if len(alleles) == 2 and alleles[0] == alleles[1]:
        row.variants.append(_allele(alleles[0], row, transcript, hgnc, symbol, 2))
    else:
        for a in alleles:
            row.variants.append(_allele(a, row, transcript, hgnc, symbol, 1))
    if protein and row.variants and expression(row.variants[0], "hgvs.c"):
        # pyphetools curators put allele_1's protein change in variant.comment (NP_…:p.(…)): carry it
        row.variants[0].expressions.append(Expression(syntax="hgvs.p", value=protein))
    for i, hpo_id, label in sheet.hpo:
        text = _cell_text(raw[i]) if i < len(raw) else ""
        low = text.lower()
        if low in ("", "na"):
            row.hpo.append(HpoCell(hpo_id, label, NA))
        elif low == "observed":
            row.hpo.append(HpoCell(hpo_id, label, OBSERVED))
        elif low == "excluded":
            row.hpo.append(HpoCell(hpo_id, label, EXCLUDED))
        else:
            onset = parse_time(text)
            if onset is None:
                sheet.bad(issues, r, i, text, f"for {hpo_id} is not observed / excluded / na / an age; read as na")
                row.hpo.append(HpoCell(hpo_id, label, NA))
            else:
                row.hpo.append(HpoCell(hpo_id, label, OBSERVED, onset))
    for i in sheet.misc:
        text = _cell_text(raw[i]) if i < len(raw) else ""
        for item in (t.strip() for t in text.split(";")):
            if not item or item.lower() == "na":
                continue
            term = _resolve(item, options)
            if term is None:
                sheet.bad(issues, r, i, item, "names no HPO term (Miscellaneous cells hold ;-separated labels or ids)")
            else:
                row.hpo.append(HpoCell(term[0], term[1], OBSERVED))
    return row, get(raw, "disease_label")


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


def sniff_template_file(path: Path, head: bytes) -> bool:
    """An .xlsx whose first row carries the pyphetools headers (opens the workbook, reads only that row)."""
    if not head.startswith(b"PK") or not path.name.lower().endswith(".xlsx"):
        return False
    try:
        import openpyxl

        check_zip(path)
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            first = next(wb[wb.sheetnames[0]].iter_rows(max_row=1, values_only=True), ())
        finally:
            wb.close()
    except Exception:
        return False
    return sniff_template_header(first)


class PyphetoolsXlsxReader(FormatReader):
    """pyphetools Excel template → one store-style phenopacket per row (``--from pyphetools-xlsx``).

    Content sniffing is done by the ``template`` reader (so a workbook is opened once while sniffing).
    """

    name = "pyphetools-xlsx"
    description = "pyphetools Excel curation template (*_individuals.xlsx)"
    extensions = (".xlsx",)

    def read(self, path: Path, options: ConvertOptions) -> Iterator[Converted]:
        """Convert one template workbook."""
        yield from template_to_packets(path, options)


# --------------------------------------------------------------------------------------------------- writer


def _neutralise(value: str) -> str:
    """Prefix ``'`` to text Excel would run as a formula (``=``, ``+``, ``-``, ``@``)."""
    return "'" + value if value[:1] in _DANGEROUS else value


def _allele_text(vd: VariationDescriptor) -> tuple[str, str]:
    """(allele cell, transcript) for one descriptor."""
    if vd.HasField("structural_type"):
        return vd.label, ""
    c = expression(vd, "hgvs.c") or expression(vd, "hgvs.n")
    if c:
        transcript, _, hgvs = c.rpartition(":")
        return hgvs, transcript
    return expression(vd, "hgvs.g") or vd.label or vd.id, ""


def packets_to_rows(packets: Iterable[Phenopacket], options: ConvertOptions) -> tuple[list[list[Any]], list[Issue]]:
    """The template's rows (two header rows + one row per packet) and findings for what it cannot hold."""
    issues: list[Issue] = []
    rows_in: list[CurationRow] = []
    headers: dict[str, str] = {}
    disease_labels: dict[str, str] = {}
    for packet in packets:
        row = packet_to_row(packet)
        for d in packet.diseases:
            disease_labels.setdefault(d.term.id, d.term.label)
        rows_in.append(row)
        for cell in row.hpo:
            headers.setdefault(cell.hpo_id, cell.label)
        lost = []
        if len(row.disease_ids) > 1:
            lost.append(f"diseases after the first ({', '.join(row.disease_ids[1:])})")
        if len(row.variants) > 2:
            lost.append(f"{len(row.variants) - 2} variant(s) after the first two")
        for vd in row.variants:
            if vd.HasField("vcf_record") or (expression(vd, "hgvs.g") and expression(vd, "hgvs.c")):
                lost.append("VCF records and hgvs.g expressions (a template holds c. HGVS and one p. HGVS)")
                break
        if len({o for o in (packet.phenotypic_features) if o.HasField("onset") and o.excluded}):
            lost.append("onsets of excluded features")
        for what in lost:
            issues.append(
                issue("map-lossy-export", f"{packet.id}: {what} cannot be written to the template", options, value=what)
            )
    ids = list(headers)
    out: list[list[Any]] = [
        [*FIXED_HEADERS, "HPO", *(headers[i] for i in ids)],
        [*TYPE_HINTS, "na", *ids],
    ]
    for row in rows_in:
        disease = row.disease_ids[0] if row.disease_ids else ""
        alleles: list[str] = []
        transcript = hgnc = symbol = ""
        for vd in row.variants[:2]:
            text, tx = _allele_text(vd)
            transcript = transcript or tx
            hgnc = hgnc or vd.gene_context.value_id
            symbol = symbol or vd.gene_context.symbol
            alleles.append(text)
            if vd.allelic_state.label == "homozygous" or vd.allelic_state.id == "GENO:0000136":
                alleles.append(text)
        alleles = [*alleles[:2], "na", "na"][:2]
        protein = expression(row.variants[0], "hgvs.p") if row.variants else ""
        by_id = {c.hpo_id: c for c in row.hpo}
        cells = []
        for hpo_id in ids:
            found = by_id.get(hpo_id)
            if found is None:
                cells.append("na")
            elif found.status == EXCLUDED:
                cells.append("excluded")
            elif found.onset is not None:
                cells.append(time_text(found.onset))
            else:
                cells.append("observed")
        label = disease_labels.get(disease, "")
        values = [
            row.pmid,
            row.title,
            row.individual_id,
            None,
            disease,
            label,
            hgnc,
            symbol,
            transcript,
            alleles[0],
            alleles[1],
            protein or None,  # pyphetools curators kept allele_1's protein change here; the reader reads it back
            time_text(row.age_of_onset),
            time_text(row.age_at_last_encounter),
            row.deceased,
            row.sex,
            "na",
            *cells,
        ]
        out.append(values)
    return out, issues


class PyphetoolsXlsxWriter(FormatWriter):
    """Phenopackets → one pyphetools Excel template (Sheet1)."""

    name = "pyphetools-xlsx"
    description = "pyphetools Excel curation template"
    # only outputs named like the store's templates; any other .xlsx is a plain table (the ``xlsx`` writer)
    extensions = ("_individuals.xlsx",)
    single_file = True
    default_extension = ".xlsx"

    def write(
        self, messages: Iterable[Message], output: Path, options: ConvertOptions, *, force: bool = False
    ) -> list[Issue]:
        """Write all packets into one workbook at ``output`` (a directory gets ``cohort_individuals.xlsx``)."""
        import io

        import openpyxl

        from phenotk.conversion.template.cohort_json import _packets_only

        packets, issues = _packets_only(messages, options)
        rows, more = packets_to_rows(packets, options)
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Sheet1"
        for r in rows:
            ws.append([_neutralise(v) if isinstance(v, str) else v for v in r])
        buf = io.BytesIO()
        wb.save(buf)
        target = output / "cohort_individuals.xlsx" if output.is_dir() else output
        atomic_write(target, buf.getvalue(), force=force)
        return issues + more
