"""Rows → Phenopackets under a :class:`~phenotk.mapping.TableMapping`.

Rows are grouped into packets by the packet id (one row per packet in wide sheets, many in long sheets). Every
column nobody reads and every cell that cannot be parsed becomes a finding (see :mod:`.findings`); nothing is
dropped silently. The parts of a packet are built by their own modules: :mod:`.columns` (which column feeds
what), :mod:`.subject`, :mod:`.phenotypes`, :mod:`.diseases`, :mod:`.variants`, :mod:`.metadata`; every mapped
value is read by one rule (:mod:`.values`: the ``values:`` map first, then the field's parser).
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from phenopackets import MetaData, OntologyClass, Phenopacket, TimeElement

from phenotk.errors import InputError
from phenotk.issue import Issue, Severity
from phenotk.mapping.model import TableMapping, ValueSpec
from phenotk.mapping.timeparse import ParsedTime
from phenotk.model.metadata import timestamp
from phenotk.ontology.annotations import DiseaseAnnotations, load_annotations

from .columns import check_required, plan_columns
from .diseases import disease_block
from .findings import finding
from .metadata import GapNote, Gaps, metadata, reference_block
from .phenotypes import phenotypes
from .sheets import Sheet, StreamSheet
from .subject import build_subject
from .terms import TermResolver
from .values import identity, read_time, read_value
from .variants import variant_block as _variant_block

__all__ = [
    "BuiltPacket", "Mapper", "PacketRows", "RowGroup", "TableConversion", "TermResolver", "build_packets",
    "iter_packets",
]

T = TypeVar("T")
#: the rows of one packet as the second pass gathers them: (packet id, [(row number, cells), …])
RowGroup = tuple[str, list[tuple[int, list[str]]]]
#: ``mapper(step, groups, count)``: ``step`` applied to every row group (``count`` of them), results in the
#: groups' order — ``map`` does it here; :func:`.parallel.fork_map` in worker processes
Mapper = Callable[[Callable[[RowGroup], Any], Iterable[RowGroup], int], Iterable[Any]]

#: the error values a spreadsheet saves for a formula that failed (``=VLOOKUP(…)`` → ``#N/A``): never an id
EXCEL_ERRORS = frozenset({"#null!", "#div/0!", "#value!", "#ref!", "#name?", "#num!", "#n/a", "#getting_data",
                          "#spill!", "#calc!", "#field!", "#blocked!", "#unknown!", "#connect!", "#busy!"})

#: id cells that start a summary line under the patients ("Total", "n = 12"), not a patient
_SUMMARY_IDS = frozenset({
    "total", "totals", "sum", "summary", "count", "mean", "average", "median", "all", "summe", "gesamt",
    "insgesamt", "mittelwert", "somme", "moyenne", "médiane", "suma", "media", "promedio", "totale", "totaal",
    "som", "gemiddelde",
})
#: marks of a note in an id cell that is the only filled cell of its row ("Legend: + = present", "* not seen")
_NOTE_STARTS = ("*", "†", "‡", "#", "§", "(", "¹", "²", "³")
_NOTE_MARKS = ("=", ": ", "; ")


#: a cell of a totals line: a count of patients ("2/3", "2 of 3", "67 %", "2 (67%)", "n = 3", "Σ 4")
_COUNT = re.compile(r"(?:n\s*=\s*|Σ\s*)?\d+(?:\s*(?:/|of|von|de|sur|van|di|su)\s*\d+)?"  # 2, 2/3, n = 2, 2 of 3
                    r"(?:\s*\(\s*\d+(?:[.,]\d+)?\s*%\s*\))?"  # … (67 %)
                    r"|\d+(?:[.,]\d+)?\s*%", re.I)  # 67 %


def _counts_only(cells: list[str]) -> bool:
    """Whether the filled cells of a row without id are patient counts, with a fraction or percentage among them.

    Such a row is the totals line under the patients (``;;2/3;1/3``, ``;;67 %;33 %``), not a patient whose id was
    forgotten; bare numbers alone (``;;2;1``) could be one, and stay a missing id.
    """
    texts = [c.strip() for c in cells]
    return bool(texts) and all(_COUNT.fullmatch(t) for t in texts) and any(
        not t.isdigit() for t in texts)


def _note_like(text: str) -> bool:
    """Whether an id cell reads like a note: a footnote mark, ``=``/``: ``/``; `` or four words and more."""
    return text.startswith(_NOTE_STARTS) or any(m in text for m in _NOTE_MARKS) or len(text.split()) >= 4


def _same(built: BuiltPacket) -> BuiltPacket:
    return built


@dataclass
class PacketRows:
    """The rows that make one packet."""

    packet_id: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


@dataclass
class BuiltPacket:
    """One packet and the findings about its rows.

    ``unknown_sex``: the sheet stated the sex as unknown (``UNKNOWN_SEX`` is the proto3 default, so the packet
    alone cannot tell it from "not stated"; writers that print it use this flag).
    """

    packet: Phenopacket
    source: str
    issues: list[Issue]
    unknown_sex: bool = False


@dataclass
class TableConversion:
    """What :func:`build_packets` made: packets (with their findings) and sheet-level findings."""

    items: list[BuiltPacket]
    issues: list[Issue]
    sheet: str = ""
    #: what no cell states, known once every packet is built (``map-incomplete-packets``): after the packets
    tail: list[Issue] = field(default_factory=list)

    @property
    def packets(self) -> list[Phenopacket]:
        """The packets, in sheet order."""
        return [i.packet for i in self.items]

    @property
    def all_issues(self) -> list[Issue]:
        """Sheet-level findings followed by every packet's (the :attr:`tail` comes on its own)."""
        return [*self.issues, *(i for item in self.items for i in item.issues)]


@dataclass
class _Options:
    severity: Severity
    created: str | None
    created_by: str
    annotations: DiseaseAnnotations | None = None


def _expand(blocks: list[dict[str, ValueSpec]], header: set[str]) -> list[dict[str, ValueSpec]]:
    """Blocks with ``{n}`` columns repeated for n = 1, 2, … while any of their columns exists."""
    out: list[dict[str, ValueSpec]] = []
    for block in blocks:
        if not any("{n}" in c for spec in block.values() for c in spec.columns()):
            out.append(block)
            continue
        numbered = [c for spec in block.values() for c in spec.columns() if "{n}" in c]
        n = 1
        while any(c.replace("{n}", str(n)) in header for c in numbered):
            out.append({k: v.with_n(n) for k, v in block.items()})
            n += 1
    return out


def _matching(names: list[str], header: list[str]) -> list[str]:
    """``names`` with each pattern (``*``, ``?``; not a header itself) replaced by the headers it matches."""
    out: list[str] = []
    for name in names:
        if name in header or not ("*" in name or "?" in name):
            out.append(name)
        else:
            out.extend(h for h in header if fnmatch.fnmatchcase(h, name) and h not in out)
    return out


class _Builder:
    """State shared by the part builders while one sheet is converted."""

    def __init__(
        self, sheet: Sheet | StreamSheet, mapping: TableMapping, resolver: TermResolver, opts: _Options
    ) -> None:
        self.sheet = sheet
        self.m = mapping
        self.resolver = resolver
        self.opts = opts
        self.sev = opts.severity
        self.annotations = opts.annotations
        header = set(sheet.header)
        self.diseases = _expand(mapping.diseases, header)
        self.variants = _expand(mapping.variants, header)
        self.references = _expand(mapping.references, header)
        #: free-text columns with ``*`` / ``?`` patterns resolved against the header ("Feature_*")
        self.text_columns = _matching(mapping.text_columns, sheet.header)
        self.text_excluded_columns = _matching(mapping.text_excluded_columns, sheet.header)
        self.sheet_issues: list[Issue] = []
        #: (row, id) of the last row with an id, while the rows after it have none (a block written once per
        #: patient: the id on its first row only) — named in their map-missing-id findings
        self._above: tuple[int, str] | None = None
        self.cell_cache: dict[str, tuple[str | None, ParsedTime | None]] = {}
        self.feature_cache: dict[tuple[str, str], object] = {}
        self.cut_cells: set[str] = set()  # wide term cells whose onset lost a fraction ("7.5 months"): reported
        self.metadata_cache: dict[tuple[str, ...], MetaData] = {}
        self.gaps = Gaps()
        self.tail: list[Issue] = []
        self.variant_cache: dict[tuple[Any, ...], Any] = {}  # (cell text, transcript, words, verbatim) → parse
        self.prefixes_used: set[str] = set()
        self.wide: list[tuple[str, OntologyClass]] = []
        self.wide_columns: set[str] = set()
        self.wide_ids: list[tuple[str, OntologyClass, str]] = []
        #: onset columns of wide term columns (``Seizure onset`` beside ``Seizure``): (column, term, term id, spec)
        self.wide_onsets: list[tuple[str, OntologyClass, str, ValueSpec]] = []
        self.created = timestamp(opts.created)
        #: header names with a non-empty cell in some row (None: not scanned yet, plan_columns reads the rows)
        self.nonempty: set[str] | None = None

    # ------------------------------------------------------------------ findings
    def bad(self, issues: list[Issue], row: int, column: str | None, value: str, reason: str, message: str) -> None:
        """A map-bad-cell finding at (sheet, row, column)."""
        issues.append(finding("map-bad-cell", message, self.sev, sheet=self.sheet.name, row=row, column=column,
                              value=value, reason=reason))

    def orphans(self, issues: list[Issue], row: int, rec: dict[str, str], specs: list[ValueSpec], main: str) -> None:
        """A map-orphan-value finding for each non-empty cell of ``specs`` in a row whose ``main`` cell is empty."""
        for spec in specs:
            cell = rec.get(spec.column, "").strip() if spec.column else ""
            if cell:
                issues.append(finding(
                    "map-orphan-value", f"{spec.pointer.rsplit('/', 1)[-1]} {cell!r} has no {main} in its row; "
                    "it is not carried", self.sev, sheet=self.sheet.name, row=row, column=spec.column, value=cell,
                    reason=f"no {main}"))

    # ------------------------------------------------------------------ grouping
    def _row_id(self, spec: ValueSpec, rec: dict[str, str], number: int, issues: list[Issue], what: str) -> str:
        raw = spec.raw(rec)
        if not raw:
            return ""
        return read_value(self, spec, raw, identity, issues, number, what, "an id") or ""

    def _not_a_patient(
        self, rec: dict[str, str], number: int, header: Sequence[str], cells: Sequence[str]
    ) -> Issue | None:
        """A finding for a row whose id cell is a summary line ("Total", "n = 12") or a note alone in its row.

        ``rec`` holds at least the id columns; ``header``/``cells`` the whole row (read only for an id cell that
        reads like a note). Such a row would otherwise become an invented patient.
        """
        for spec in (self.m.subject["id"], self.m.packet_id):
            if spec.column is None:
                continue
            text = rec.get(spec.column, "").strip()
            if not text:
                continue
            if text.casefold() in EXCEL_ERRORS:  # a failed formula: the row's patient is unknown
                return finding("map-missing-id", f"id cell {text!r} is a spreadsheet error value (a formula that "
                               "failed), not an id; the row is not converted — correct the formula or type the id",
                               Severity.ERROR, sheet=self.sheet.name, row=number, column=spec.column, value=text,
                               reason="missing id")
            if " ".join(text.split()).casefold() == " ".join(spec.column.split()).casefold():
                return finding("map-bad-cell", f"id cell {text!r} repeats its column's header: a second header row "
                               "(a header cell merged over two rows) or the header repeated, not a patient; the row "
                               "is not converted (list it in input.skip_rows)", self.sev, sheet=self.sheet.name,
                               row=number, column=spec.column, value=text, reason="not a patient row")
            word = text.casefold().rstrip(":.").strip()
            if word in _SUMMARY_IDS or word.startswith(("n=", "n =")):
                kind = "starts a summary line (totals), not a patient"
            elif _note_like(text) and {c for c, v in zip(header, cells, strict=False) if v.strip()} <= {
                spec.column, *self.m.packet_id.columns(), *self.m.subject["id"].columns()
            }:
                kind = "is a note alone in its row, not a patient id"
            else:
                continue
            return finding("map-bad-cell", f"id cell {text!r} {kind}; the row is not converted (if it is a patient, "
                           "give it an id and its data)", self.sev, sheet=self.sheet.name, row=number,
                           column=spec.column, value=text, reason="not a patient row")
        return None

    def groups(self, records: Iterator[tuple[int, dict[str, str]]]) -> Iterator[PacketRows | Issue]:
        """Rows grouped by packet id, all rows held (the reference for :meth:`stream`).

        Findings for rows without an id and repeated ids come in between.
        """
        m = self.m
        order: dict[str, PacketRows] = {}
        for number, rec in records:
            found: list[Issue] = []
            pid = self._row_id(m.packet_id, rec, number, found, "packet id")
            sid = self._row_id(m.subject["id"], rec, number, found, "subject id") if pid else ""
            yield from found
            if pid and sid:
                note = self._not_a_patient(rec, number, list(rec), list(rec.values()))
                if note is not None:
                    self._above = None
                    yield note
                    continue
            if not pid or not sid:
                filled = [c for c, v in rec.items() if v.strip()]
                if filled:
                    yield self._missing_id(number, "packet" if not pid else "subject", filled, rec)
                continue
            self._above = (number, pid)
            group = order.get(pid)
            if group is None:
                order[pid] = group = PacketRows(pid)
            elif m.rows_per_packet == "one":
                yield finding("map-duplicate-id", f"packet id {pid!r} already came from row {group.rows[0][0]}; "
                              "the rows were merged into one packet", self.sev, sheet=self.sheet.name, row=number,
                              column=next(iter(m.packet_id.columns()), None), value=pid, reason="duplicate id")
            group.rows.append((number, rec))
        yield from order.values()

    def _missing_id(self, number: int, which: str, filled: list[str], row: dict[str, str]) -> Issue:
        issue = self._missing_id_finding(number, which, filled, row)
        if issue.rule != "map-missing-id":  # a note or a totals line ends the block above
            self._above = None
        return issue

    def _missing_id_finding(self, number: int, which: str, filled: list[str], row: dict[str, str]) -> Issue:
        spec = self.m.packet_id if which == "packet" else self.m.subject["id"]
        if len(filled) == 1 and filled[0] in {*self.m.packet_id.columns(), *self.m.subject["id"].columns()}:
            text = row[filled[0]].strip()
            if _note_like(text):  # "Data extracted 2024-01-10 by JD" under an id made of two columns
                return finding("map-bad-cell", f"cell {text!r} is a note alone in its row, not part of a patient id; "
                               "the row is not converted", self.sev, sheet=self.sheet.name, row=number,
                               column=filled[0], value=text, reason="not a patient row")
        elif len(filled) == 1:  # a footnote under another column: "* confirmed by EEG", "Abbreviations: y = yes"
            text = row[filled[0]].strip()
            in_text = filled[0] in {*self.text_columns, *self.text_excluded_columns}
            if text.startswith(_NOTE_STARTS) or (_note_like(text) and not in_text):
                return finding("map-bad-cell", f"cell {text!r} is a note alone in a row without id, not a patient; "
                               "the row is not converted", self.sev, sheet=self.sheet.name, row=number,
                               column=filled[0], value=text, reason="not a patient row")
        cols = ", ".join(spec.columns()) or spec.pointer
        shown = ", ".join(filled[:4]) + (" …" if len(filled) > 4 else "")
        above = ""
        if self._above is not None and not {*self.m.packet_id.columns(), *self.m.subject["id"].columns()} & set(
                filled):
            above = (f" (the rows under {self._above[1]!r}, row {self._above[0]}, leave the id empty: if they "
                     "continue that patient, fill the id down — it is not guessed)")
        if _counts_only([row[c] for c in filled]):
            return finding("map-bad-cell", f"a row without id whose {len(filled)} filled cell(s) ({shown}) are counts "
                           f"({', '.join(repr(row[c].strip()) for c in filled[:3])}) is a totals line, not a patient; "
                           "the row is not converted", self.sev, sheet=self.sheet.name, row=number, column=filled[0],
                           value=row[filled[0]].strip(), reason="not a patient row")
        return finding("map-missing-id", f"no {which} id (column {cols}) in a row with {len(filled)} filled "
                       f"cell(s) ({shown}); the row is not converted{above}", Severity.ERROR, sheet=self.sheet.name,
                       row=number, column=cols, value="", reason="missing id")

    # ------------------------------------------------------------------ values
    def single(self, group: PacketRows, spec: ValueSpec | None, issues: list[Issue], what: str) -> tuple[str, int]:
        """The first non-empty raw value across the group's rows (conflicts reported) and its row."""
        if spec is None:
            return "", 0
        first, first_row = "", 0
        for number, rec in group.rows:
            raw = spec.raw(rec)
            if not raw:
                continue
            if not first:
                first, first_row = raw, number
            elif raw != first:
                issues.append(finding(
                    "map-conflicting-values", f"{what} is {first!r} in row {first_row} but {raw!r} here; kept "
                    f"{first!r}", self.sev, sheet=self.sheet.name, row=number, column=spec.column or "", value=raw,
                    reason="conflicting values"))
        return first, first_row

    def time(self, spec: ValueSpec, raw: str, issues: list[Issue], row: int, what: str) -> TimeElement | None:
        """An age / onset cell: the value map first, then the age parser (see :mod:`.values`)."""
        return read_time(self, spec, raw, issues, row, what)

    # ------------------------------------------------------------------ packet
    def packet(self, group: PacketRows) -> BuiltPacket:
        """One packet from its rows (its gaps noted for ``map-incomplete-packets``)."""
        built = self._make(group)
        self.gaps.note(built.packet, group.rows[0][0])
        return built

    def _make(self, group: PacketRows) -> BuiltPacket:
        """One packet from its rows; nothing of the builder changes but its caches (it may run in a worker)."""
        issues: list[Issue] = []
        spec = self.m.subject["id"]
        raw_sid, row = self.single(group, spec, issues, "subject id")
        sid = read_value(self, spec, raw_sid, identity, issues, row, "subject id", "an id") or raw_sid
        packet = Phenopacket(id=group.packet_id)
        subject, unknown_sex = build_subject(self, group, sid, issues, into=packet.subject)  # filled in place
        phenotypes(self, group, packet, issues)
        disease_block(self, group, packet, issues)
        self.variant_block(group, packet, subject.id, issues)
        refs = reference_block(self, group, issues)
        metadata(self, packet, refs, into=packet.meta_data)
        first_row = group.rows[0][0]
        src = f"{self.sheet.path}:row {first_row}" + (f"-{group.rows[-1][0]}" if len(group.rows) > 1 else "")
        return BuiltPacket(packet, src, issues, unknown_sex)

    def variant_block(self, group: PacketRows, packet: Phenopacket, subject_id: str, issues: list[Issue]) -> None:
        """Variant columns → one interpretation (see :mod:`.variants`)."""
        _variant_block(self, group, packet, subject_id, issues)

    # ------------------------------------------------------------------ streaming
    def _scan(self) -> tuple[list[Issue], list[str | None], dict[str, int]]:
        """First pass: each row's packet id, the row findings of :meth:`groups`, the non-empty columns.

        Returns (findings, packet id per data row — None for a row that makes no packet —, index of each packet
        id's last row). Nothing of the rows is kept but their ids.
        """
        m, header = self.m, self.sheet.header
        one = m.rows_per_packet == "one"
        issues: list[Issue] = []
        pids: list[str | None] = []
        first: dict[str, int] = {}
        last: dict[str, int] = {}
        remaining = list(range(len(header)))  # columns not yet seen with a value
        nonempty: set[str] = set()
        # the id columns only (a dict of the whole row per row cost ~40 % of this pass); a later column of the
        # same name wins, as in dict(zip(header, cells))
        wanted = {c for spec in (m.packet_id, m.subject.get("id")) if spec is not None for c in spec.columns()}
        id_columns = [(name, j) for j, name in enumerate(header) if name in wanted]
        for index, (number, cells) in enumerate(self.sheet.scan()):
            if remaining:
                filled_now = [j for j in remaining if cells[j].strip()]
                if filled_now:
                    nonempty.update(header[j] for j in filled_now)
                    remaining = [j for j in remaining if j not in filled_now]
            pid = self._scanned_id({name: cells[j] for name, j in id_columns}, number, cells, issues)
            if pid is None:
                pids.append(None)
                continue
            if pid not in first:
                first[pid] = number
            elif one:
                issues.append(self._duplicate(pid, first[pid], number))
            last[pid] = index
            pids.append(pid)
        self.nonempty = nonempty
        return issues, pids, last

    def _scanned_id(self, rec: dict[str, str], number: int, cells: list[str], issues: list[Issue]) -> str | None:
        """The packet id of one scanned row (``rec``: its id columns), or None for a row that makes no packet.

        A row without id, a note or a totals line gets the finding that says why.
        """
        m, header = self.m, self.sheet.header
        pid = self._row_id(m.packet_id, rec, number, issues, "packet id")
        sid = self._row_id(m.subject["id"], rec, number, issues, "subject id") if pid else ""
        if pid and sid:
            note = self._not_a_patient(rec, number, header, cells)
            if note is None:
                self._above = (number, pid)
                return pid
            self._above = None
            issues.append(note)
            return None
        row = dict(zip(header, cells, strict=False))
        filled = [c for c, v in row.items() if v.strip()]
        if filled:
            issues.append(self._missing_id(number, "packet" if not pid else "subject", filled, row))
        return None

    def _duplicate(self, pid: str, first_row: int, number: int) -> Issue:
        return finding("map-duplicate-id", f"packet id {pid!r} already came from row {first_row}; "
                       "the rows were merged into one packet", self.sev, sheet=self.sheet.name, row=number,
                       column=next(iter(self.m.packet_id.columns()), None), value=pid, reason="duplicate id")

    def _groups(self, pids: list[str | None], last: dict[str, int]) -> Iterator[RowGroup]:
        """Second pass: rows gathered by packet id, each group complete once its last row is read.

        Groups come in the order of their first rows (a packet whose rows are spread over the sheet holds back
        the ones after it until its last row).
        """
        gathering: dict[str, RowGroup] = {}
        queue: deque[str] = deque()
        index = -1
        for index, (number, cells) in enumerate(self.sheet.replay()):
            if index >= len(pids):
                break
            pid = pids[index]
            if pid is None:
                continue
            group = gathering.get(pid)
            if group is None:
                gathering[pid] = group = (pid, [])
                queue.append(pid)
            group[1].append((number, cells))
            while queue and last[queue[0]] <= index:
                yield gathering.pop(queue.popleft())
        if index + 1 != len(pids) or queue:
            raise InputError("the sheet changed while it was being read (its rows differ between two passes)",
                             path=self.sheet.path)

    def made(self, group: RowGroup, finish: Callable[[BuiltPacket], T]) -> tuple[T, GapNote]:
        """``finish`` of the packet of one row group, with what :class:`.metadata.Gaps` notes of it.

        Changes nothing of the builder but its caches: a :data:`Mapper` may run it in a worker process.
        """
        header = self.sheet.header
        pid, rows = group
        built = self._make(PacketRows(pid, [(n, dict(zip(header, cells, strict=False))) for n, cells in rows]))
        return finish(built), Gaps.of(built.packet, rows[0][0])

    def stream(
        self, mapper: Mapper | None = None, finish: Callable[[BuiltPacket], Any] | None = None
    ) -> Iterator[list[Issue] | Any]:
        """The sheet-level findings (one list, first), then each packet as soon as its rows are read.

        Two passes over the rows (the first finds every row's packet id and the sheet-level findings; the second
        builds the packets), so memory holds one packet's rows, not the sheet's. Same packets and findings, in
        the same order, as :meth:`build_whole`.

        ``finish`` turns each :class:`BuiltPacket` into what is yielded (default: the packet itself); ``mapper``
        applies the building and ``finish`` to the row groups — ``map`` by default, worker processes under
        ``phenotk convert --jobs`` (:mod:`.parallel`) — and must keep their order. What crosses from packet to
        packet (the ``map-incomplete-packets`` gaps) is gathered here, in sheet order, so any mapper gives the
        same findings.
        """
        check_required(self)
        group_issues, pids, last = self._scan()
        plan_columns(self)
        self.sheet_issues.extend(group_issues)
        yield self.sheet_issues
        step = functools.partial(self.made, finish=finish or _same)
        groups = self._groups(pids, last)
        outputs = mapper(step, groups, len(last)) if mapper is not None else map(step, groups)
        for out, gap in outputs:
            self.gaps.add(gap)
            yield out
        self.tail = self.gaps.findings(self.sheet.name)
        if self.tail:  # what no cell states, once per sheet, after the packets
            yield self.tail

    def build(self) -> TableConversion:
        """Every packet of the sheet, and the sheet-level findings (:meth:`stream`, collected)."""
        items: list[BuiltPacket] = []
        for part in self.stream():
            if isinstance(part, BuiltPacket):
                items.append(part)
        return TableConversion(items, self.sheet_issues, self.sheet.name, self.tail)

    def build_whole(self) -> TableConversion:
        """The reference conversion: every row in memory, grouped in one go (tests compare :meth:`stream`)."""
        rows = list(self.sheet.scan())
        plan_columns(self, [cells for _, cells in rows])
        header = self.sheet.header
        items: list[BuiltPacket] = []
        for g in self.groups(((n, dict(zip(header, c, strict=False))) for n, c in rows)):
            if isinstance(g, Issue):
                self.sheet_issues.append(g)
                continue
            items.append(self.packet(g))
        return TableConversion(items, self.sheet_issues, self.sheet.name, self.gaps.findings(self.sheet.name))


def _builder(
    sheet: Sheet | StreamSheet,
    mapping: TableMapping,
    ontology: Any,
    strict: bool,
    created: str | None,
    created_by: str,
    annotations: str | Path | DiseaseAnnotations | None,
) -> _Builder:
    if annotations is not None and not isinstance(annotations, DiseaseAnnotations):
        annotations = load_annotations(annotations)
    opts = _Options(Severity.ERROR if strict else Severity.WARNING, created, created_by, annotations)
    return _Builder(sheet, mapping, TermResolver(ontology), opts)


def build_packets(
    sheet: Sheet | StreamSheet,
    mapping: TableMapping,
    *,
    ontology: Any = None,
    strict: bool = False,
    created: str | None = None,
    created_by: str = "phenotk",
    annotations: str | Path | DiseaseAnnotations | None = None,
) -> TableConversion:
    """Turn a sheet into packets under ``mapping``; findings are warnings, or errors when ``strict``.

    ``annotations``: the HPO annotation file (``phenotype.hpoa``, gzip accepted) or a loaded
    :class:`~phenotk.ontology.annotations.HpoAnnotations`; disease labels missing from the sheet are taken from it.
    """
    return _builder(sheet, mapping, ontology, strict, created, created_by, annotations).build()


def iter_packets(
    sheet: Sheet | StreamSheet,
    mapping: TableMapping,
    *,
    ontology: Any = None,
    strict: bool = False,
    created: str | None = None,
    created_by: str = "phenotk",
    annotations: str | Path | DiseaseAnnotations | None = None,
    mapper: Mapper | None = None,
    finish: Callable[[BuiltPacket], Any] | None = None,
) -> Iterator[list[Issue] | Any]:
    """:func:`build_packets` streamed: the sheet-level findings (one list) first, then one packet at a time.

    ``finish`` and ``mapper``: see :meth:`_Builder.stream` (what each packet becomes, and where it is made).
    """
    return _builder(sheet, mapping, ontology, strict, created, created_by, annotations).stream(mapper, finish)
