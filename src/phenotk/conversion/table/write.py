"""Phenopackets → tables: wide (one row per packet, one column per HPO term) or long (one row per feature).

In the wide layout the cell holds ``observed``, ``excluded`` or the onset of an observed term. The layouts are
exactly what the presets ``phenotk-wide`` / ``phenotk-long`` (``mappings/phenotk-*.yaml``) read back, so
table → packets → table is the identity on the mapped fields. Whatever a layout cannot hold is counted and
reported as one ``map-not-carried`` finding per field.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf.message import Message
from phenopackets import (
    AcmgPathogenicityClassification,
    Cohort,
    Family,
    GenomicInterpretation,
    Interpretation,
    MoleculeContext,
    Phenopacket,
    Sex,
    VitalStatus,
)

from phenotk.issue import Issue, Severity
from phenotk.mapping.timeparse import format_time
from phenotk.model.hgvs import HgvsError, parse_hgvs

from .findings import finding
from .sheets import FORMULA_PREFIXES, Sheet, neutralise

SUBJECT_COLUMNS = ["packet_id", "subject_id", "sex", "date_of_birth", "age_at_last_encounter", "vital_status"]
DISEASE_FIELDS = ["id", "label", "onset"]
VARIANT_FIELDS = ["hgvs", "gene", "hgnc", "zygosity", "acmg"]
REFERENCE_FIELDS = ["id", "description", "url"]
LONG_TERM_COLUMNS = ["hpo_id", "hpo_label", "status", "onset"]
_SEX_CELL = {Sex.MALE: "male", Sex.FEMALE: "female", Sex.OTHER_SEX: "other", Sex.UNKNOWN_SEX: "unknown"}
_VITAL_CELL = {VitalStatus.ALIVE: "alive", VitalStatus.DECEASED: "deceased", VitalStatus.UNKNOWN_STATUS: "unknown"}

#: What each generated column means (the legend sheet of XLSX output and ``mappings/README.md``).
LEGEND: list[tuple[str, str]] = [
    ("packet_id", "Phenopacket id"),
    ("subject_id", "subject.id"),
    ("sex", "subject.sex: male, female, other, unknown"),
    ("date_of_birth", "subject.dateOfBirth (YYYY-MM-DD or RFC 3339)"),
    ("age_at_last_encounter", "subject.timeAtLastEncounter: ISO 8601 age (P3Y2M), weeks+days (33+2) or onset label"),
    ("vital_status", "subject.vitalStatus.status: alive, deceased, unknown"),
    ("disease_N_id / _label / _onset / _excluded", "diseases[N-1]: term id, label, onset; 'excluded' for a disease "
     "ruled out (the _excluded columns only when some packet has one)"),
    ("reference_N_id / _description / _url", "metaData.externalReferences[N-1] (PMID:…)"),
    ("variant_N_hgvs / _gene / _hgnc / _zygosity / _acmg",
     "interpretations[0] genomic interpretation N: HGVS (or structural-variant label), gene symbol, HGNC id, "
     "GENO zygosity, ACMG class"),
    ("<label> (HP:…)", "wide layout: 'observed', 'excluded', or the onset (ISO 8601 age, 33+2, onset label) "
     "of an observed feature; empty = not recorded"),
    ("hpo_id / hpo_label / status / onset", "long layout: one row per phenotypic feature"),
]


@dataclass
class TableOut:
    """A written-out table (header + rows of strings) and the findings about what it could not carry."""

    header: list[str]
    rows: list[list[str]]
    issues: list[Issue] = field(default_factory=list)

    def to_sheet(self, name: str = "phenopackets") -> Sheet:
        """As a :class:`Sheet` (row numbers as in a spreadsheet: header row 1)."""
        return Sheet(name, list(self.header), [list(r) for r in self.rows], list(range(2, len(self.rows) + 2)))


def packets_of(messages: Iterable[Message]) -> Iterable[Phenopacket]:
    """Phenopackets of messages (families and cohorts contribute their members)."""
    for m in messages:
        if isinstance(m, Phenopacket):
            yield m
        elif isinstance(m, Family):
            yield m.proband
            yield from m.relatives
        elif isinstance(m, Cohort):
            yield from m.members


def _primary_variant_text(vd: Any) -> str:
    for syntax in ("hgvs.c", "hgvs.g", "hgvs", "hgvs.n", "hgvs.m", "hgvs.r", "hgvs.p"):
        for e in vd.expressions:
            if e.syntax == syntax:
                return str(e.value)
    return str(vd.label)


def _date_cell(ts: Any) -> str:
    d = ts.ToDatetime()
    return d.date().isoformat() if (d.hour, d.minute, d.second, d.microsecond) == (0, 0, 0, 0) else ts.ToJsonString()


def _flat(packet: Phenopacket, counts: list[int]) -> dict[str, str]:
    """The subject, disease, reference and variant cells of one packet; ``counts`` grows to the max block sizes."""
    s = packet.subject
    row: dict[str, str] = {"packet_id": packet.id, "subject_id": s.id, "sex": _SEX_CELL.get(s.sex, "")}
    if s.HasField("date_of_birth"):
        row["date_of_birth"] = _date_cell(s.date_of_birth)
    if s.HasField("time_at_last_encounter"):
        row["age_at_last_encounter"] = format_time(s.time_at_last_encounter) or ""
    if s.HasField("vital_status"):
        row["vital_status"] = _VITAL_CELL.get(s.vital_status.status, "")
    for n, d in enumerate(packet.diseases, start=1):
        row[f"disease_{n}_id"] = d.term.id
        row[f"disease_{n}_label"] = d.term.label
        if d.HasField("onset"):
            row[f"disease_{n}_onset"] = format_time(d.onset) or ""
        if d.excluded:  # a disease ruled out: its own column (written only when some packet has one)
            row[f"disease_{n}_excluded"] = "excluded"
            counts[3] = 1
    counts[0] = max(counts[0], len(packet.diseases))
    refs = packet.meta_data.external_references
    for n, r in enumerate(refs, start=1):
        row[f"reference_{n}_id"] = r.id
        row[f"reference_{n}_description"] = r.description
        row[f"reference_{n}_url"] = r.reference
    counts[1] = max(counts[1], len(refs))
    n = 0
    for interp in packet.interpretations:
        for gi in interp.diagnosis.genomic_interpretations:
            if not gi.HasField("variant_interpretation"):
                continue
            n += 1
            vi = gi.variant_interpretation
            vd = vi.variation_descriptor
            row[f"variant_{n}_hgvs"] = _primary_variant_text(vd)
            row[f"variant_{n}_gene"] = vd.gene_context.symbol
            row[f"variant_{n}_hgnc"] = vd.gene_context.value_id
            row[f"variant_{n}_zygosity"] = vd.allelic_state.label or vd.allelic_state.id
            if vi.acmg_pathogenicity_classification:
                row[f"variant_{n}_acmg"] = AcmgPathogenicityClassification.Name(
                    vi.acmg_pathogenicity_classification
                )
    counts[2] = max(counts[2], n)
    return row


def _block_columns(counts: list[int]) -> list[str]:
    cols = []
    fields = [*DISEASE_FIELDS, "excluded"] if counts[3] else DISEASE_FIELDS
    for n in range(1, counts[0] + 1):
        cols += [f"disease_{n}_{f}" for f in fields]
    for n in range(1, counts[1] + 1):
        cols += [f"reference_{n}_{f}" for f in REFERENCE_FIELDS]
    for n in range(1, counts[2] + 1):
        cols += [f"variant_{n}_{f}" for f in VARIANT_FIELDS]
    return cols


def _feature_cell(f: Any) -> str:
    if f.excluded:
        return "excluded"
    if f.HasField("onset"):
        return format_time(f.onset) or "observed"
    return "observed"


def wide_table(messages: Iterable[Message]) -> TableOut:
    """One row per packet; one ``label (HP:…)`` column per term in order of first use."""
    packets = list(packets_of(messages))
    counts = [0, 0, 0, 0]
    flats = []
    terms: dict[str, str] = {}
    labels: dict[str, str] = {}
    relabelled: Counter[str] = Counter()
    first_relabelled: dict[str, str] = {}
    doubled: Counter[str] = Counter()
    first_doubled: dict[str, str] = {}
    for p in packets:
        flat = _flat(p, counts)
        for f in p.phenotypic_features:
            t = f.type
            if t.id not in terms:
                terms[t.id] = f"{t.label} ({t.id})" if t.label else t.id
                labels[t.id] = t.label
            elif t.label != labels[t.id]:
                relabelled[t.id] += 1
                first_relabelled.setdefault(t.id, p.id)
            col, cell = terms[t.id], _feature_cell(f)
            prev = flat.get(col)
            if prev is None:
                flat[col] = cell
            elif prev != cell:  # the term twice in one packet: one cell — observed over excluded, else the first
                if prev == "excluded":
                    flat[col] = cell
                doubled[t.id] += 1
                first_doubled.setdefault(t.id, p.id)
        flats.append(flat)
    header = SUBJECT_COLUMNS + _block_columns(counts) + list(terms.values())
    rows = [[flat.get(h, "") for h in header] for flat in flats]
    issues = not_carried(packets, layout="wide")
    for curie, n in relabelled.items():
        issues.append(
            finding(
                "map-not-carried",
                f"phenotypicFeatures[].type.label: {n} packet(s) label {curie} differently from its column "
                f"{terms[curie]!r} (first: {first_relabelled[curie]}); the wide table keeps one label per term",
                Severity.WARNING,
                column="phenotypicFeatures[].type.label",
                value=curie,
                reason="one label per term column",
                packets=n,
                values=n,
            )
        )
    for curie, n in doubled.items():
        issues.append(
            finding(
                "map-not-carried",
                f"phenotypicFeatures: {n} packet(s) list {curie} more than once with another status or onset (first: "
                f"{first_doubled[curie]}); the wide table keeps one cell per term — the observation over an "
                "exclusion, else the first (use --layout long to keep every one)",
                Severity.WARNING,
                column=terms[curie],
                value=curie,
                reason="one cell per term",
                packets=n,
                values=n,
            )
        )
    return TableOut(header, rows, issues)


def long_table(messages: Iterable[Message]) -> TableOut:
    """One row per phenotypic feature (packet columns repeated); packets without features get one row."""
    packets = list(packets_of(messages))
    counts = [0, 0, 0, 0]
    flats = [_flat(p, counts) for p in packets]
    header = SUBJECT_COLUMNS + _block_columns(counts) + LONG_TERM_COLUMNS
    rows: list[list[str]] = []
    nbase = len(header) - len(LONG_TERM_COLUMNS)
    for p, flat in zip(packets, flats, strict=False):
        base = [flat.get(h, "") for h in header[:nbase]]
        if not p.phenotypic_features:
            rows.append([*base, "", "", "", ""])
        for f in p.phenotypic_features:
            onset = "" if f.excluded or not f.HasField("onset") else (format_time(f.onset) or "")
            rows.append([*base, f.type.id, f.type.label, "excluded" if f.excluded else "observed", onset])
    return TableOut(header, rows, not_carried(packets, layout="long"))


# ---------------------------------------------------------------------- what the layouts cannot carry
_EXPRESSION_ORDER = ("hgvs.c", "hgvs.g", "hgvs", "hgvs.n", "hgvs.m", "hgvs.r", "hgvs.p")


def _clear_time(msg: Any, name: str) -> None:
    if msg.HasField(name):
        te = getattr(msg, name)
        which = te.WhichOneof("element")
        if which in ("age", "gestational_age", "ontology_class"):
            msg.ClearField(name)


def _leftover(packet: Phenopacket) -> Phenopacket:
    """A copy of ``packet`` without every field the table layouts carry; what remains is not carried."""
    q = Phenopacket()
    q.CopyFrom(packet)
    q.ClearField("id")
    md = q.meta_data
    for k in ("created", "created_by", "resources", "phenopacket_schema_version"):
        md.ClearField(k)  # rebuilt on read, by design
    for r in md.external_references:
        for k in ("id", "description", "reference"):
            r.ClearField(k)
    s = q.subject
    subject_id = s.id
    for k in ("id", "date_of_birth"):
        s.ClearField(k)
    if s.sex in _SEX_CELL:  # a number the schema does not name (a newer schema's) has no cell: not carried
        s.ClearField("sex")
    _clear_time(s, "time_at_last_encounter")
    if s.HasField("vital_status"):
        s.vital_status.ClearField("status")
    for f in q.phenotypic_features:
        f.ClearField("type")
        if not f.excluded:
            _clear_time(f, "onset")
        f.ClearField("excluded")
    first = q.diseases[0].term if q.diseases else None
    first_id, first_label = (first.id, first.label) if first is not None else ("", "")
    for d in q.diseases:
        d.ClearField("term")
        _clear_time(d, "onset")
        d.ClearField("excluded")
    for i in q.interpretations:
        i.ClearField("id")  # regenerated as <packet id>-interpretation
        if i.progress_status == Interpretation.ProgressStatus.SOLVED:
            i.ClearField("progress_status")  # what the phenotk presets read back (interpretation: in the mapping)
        diag = i.diagnosis
        if (diag.disease.id, diag.disease.label) in ((first_id, first_label), ("", "")):
            diag.ClearField("disease")
        for gi in diag.genomic_interpretations:
            if gi.subject_or_biosample_id == subject_id:
                gi.ClearField("subject_or_biosample_id")
            if gi.interpretation_status == GenomicInterpretation.InterpretationStatus.CAUSATIVE:
                gi.ClearField("interpretation_status")  # what the phenotk presets read back
            if not gi.HasField("variant_interpretation"):
                continue
            vi = gi.variant_interpretation
            vi.ClearField("acmg_pathogenicity_classification")
            vd = vi.variation_descriptor
            vd.ClearField("id")  # regenerated from the HGVS text
            if vd.molecule_context == _read_back_context(vd):
                vd.ClearField("molecule_context")  # the reader derives it from the HGVS kind
            vd.gene_context.ClearField("symbol")
            vd.gene_context.ClearField("value_id")
            vd.ClearField("allelic_state")
            if vd.expressions:
                ranks = [_EXPRESSION_ORDER.index(e.syntax) if e.syntax in _EXPRESSION_ORDER else 99
                         for e in vd.expressions]
                first = ranks.index(min(ranks))
                if _reads_back_as_hgvs(vd.expressions[first].value):  # else its text reads back as the label only
                    del vd.expressions[first]
            else:
                vd.ClearField("label")
    return q


def _reads_back_as_hgvs(text: str) -> bool:
    """True when the written cell reads back as this expression ('c.367C > T' reads back as a label only)."""
    stripped = text.strip()
    try:
        return parse_hgvs(stripped).text == stripped
    except HgvsError:
        return False


def _read_back_context(vd: Any) -> int:
    """The moleculeContext reading the table gives back: from the kind of the written HGVS, else genomic."""
    text = _primary_variant_text(vd).strip()
    try:
        h = parse_hgvs(text)
    except HgvsError:
        return MoleculeContext.genomic
    return h.molecule_context if h.text == text else MoleculeContext.genomic


def _leaves(msg: Any, path: str, out: Counter[str]) -> None:
    for fd, value in msg.ListFields():
        name = f"{path}.{fd.json_name}" if path else fd.json_name
        if fd.message_type is not None:
            if fd.is_repeated:
                if fd.message_type.GetOptions().map_entry:
                    out[name] += len(value)
                    continue
                for v in value:
                    _leaves(v, name + "[]", out)
            else:
                _leaves(value, name, out)
        else:
            out[name] += len(value) if fd.is_repeated else 1


def _unknown_statuses(p: Phenopacket, left: Counter[str]) -> None:
    """UNKNOWN statuses (the proto default, so no leaf) that the presets would read back as SOLVED / CAUSATIVE."""
    for i in p.interpretations:
        if i.progress_status == Interpretation.ProgressStatus.UNKNOWN_PROGRESS:
            left["interpretations[].progressStatus"] += 1
        for gi in i.diagnosis.genomic_interpretations:
            if gi.interpretation_status == GenomicInterpretation.InterpretationStatus.UNKNOWN_STATUS:
                left["interpretations[].diagnosis.genomicInterpretations[].interpretationStatus"] += 1


def not_carried(packets: Sequence[Phenopacket], layout: str) -> list[Issue]:
    """One ``map-not-carried`` finding per field path the layout drops, with how many values and packets."""
    values: Counter[str] = Counter()
    packet_counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for p in packets:
        left: Counter[str] = Counter()
        _leaves(_leftover(p), "", left)
        _unknown_statuses(p, left)
        for path, n in left.items():
            values[path] += n
            packet_counts[path] += 1
            examples.setdefault(path, p.id)
    return [
        finding(
            "map-not-carried",
            f"{path}: {values[path]} value(s) in {packet_counts[path]} packet(s) have no column in the {layout} "
            f"table (first: {examples[path]})",
            Severity.WARNING,
            column=path,
            reason="no column for this field",
            packets=packet_counts[path],
            values=values[path],
        )
        for path in sorted(values)
    ]


# ---------------------------------------------------------------------- files
#: what an XLSX cell (XML 1.0) cannot hold: C0 controls but TAB, LF, CR (openpyxl's IllegalCharacterError)
_XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _shown(m: re.Match[str]) -> str:
    return f"\\x{ord(m.group()):02x}"


def _cell(value: str, *, xlsx: bool = False) -> str:
    r"""A cell a spreadsheet shows as text, never a formula and never an unwritable character.

    Formula-like text is neutralised, also behind leading blanks or controls (``"\r=1+1"``); NUL (CSV/TSV)
    and any control XML cannot hold (XLSX) are written as a visible ``\xNN``.
    """
    if not value:
        return value
    if value.isprintable():
        return neutralise(value)
    value = (_XLSX_ILLEGAL if xlsx else _NUL).sub(_shown, value)
    stripped = value.lstrip(" \t\r\n\x0b\x0c'")
    if stripped[:1] in FORMULA_PREFIXES and not value.startswith("'"):
        return "'" + value
    return neutralise(value)


_NUL = re.compile("\x00")


def write_delimited(table: TableOut, delimiter: str) -> bytes:
    """CSV/TSV bytes (CSV with a UTF-8 BOM so Excel reads accents); formula-like cells neutralised.

    A cell holding a line break (CR or LF) is quoted in both formats, so it never splits its row.
    """
    buf = io.StringIO(newline="")
    terminator = "\r\n" if delimiter == "," else "\n"
    w = csv.writer(buf, delimiter=delimiter, lineterminator=terminator)
    # the csv module quotes only the characters of its own line terminator: for TSV ("\n") a lone CR would be
    # written raw and start a new row (with a live "=…" cell) in a spreadsheet; such rows go through a writer
    # whose terminator holds CR too, and get the TSV line ending back
    cr_buf = io.StringIO(newline="")
    w_cr = csv.writer(cr_buf, delimiter=delimiter, lineterminator="\r\n")
    for row in [table.header, *table.rows]:
        cells = [_cell(c) for c in row]
        if delimiter != "," and any("\r" in c for c in cells):
            cr_buf.seek(0)
            cr_buf.truncate()
            w_cr.writerow(cells)
            buf.write(cr_buf.getvalue()[:-2] + terminator)
        else:
            w.writerow(cells)
    text = buf.getvalue()
    return (("\ufeff" + text) if delimiter == "," else text).encode("utf-8")


def write_xlsx(table: TableOut, layout: str) -> bytes:
    """XLSX bytes: a data sheet (bold, frozen header, autofilter) and a legend sheet."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "phenopackets"
    ws.append([_cell(h, xlsx=True) for h in table.header])
    for row in table.rows:
        ws.append([_cell(c, xlsx=True) for c in row])
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
    ws.freeze_panes = "C2" if layout == "wide" else "A2"
    if table.header:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(table.header))}{len(table.rows) + 1}"
    legend = wb.create_sheet("legend")
    legend.append(["column", "meaning"])
    for cell in legend[1]:
        cell.font = bold
    for col, meaning in LEGEND:
        legend.append([neutralise(col), meaning])
    legend.append([])
    legend.append(["read back with", f"phenotk convert THIS.xlsx --mapping mappings/phenotk-{layout}.yaml -o OUT/"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def table_bytes(table: TableOut, fmt: str, layout: str) -> bytes:
    """Serialise a table as ``csv``, ``tsv`` or ``xlsx``."""
    if fmt == "xlsx":
        return write_xlsx(table, layout)
    return write_delimited(table, "\t" if fmt == "tsv" else ",")


def format_for(path: Path, default: str = "csv") -> str:
    """Csv | tsv | xlsx from an output name."""
    suffix = path.suffix.lower()
    return {".xlsx": "xlsx", ".tsv": "tsv", ".tab": "tsv", ".txt": "tsv", ".csv": "csv"}.get(suffix, default)
