"""Rows → Phenopackets under a :class:`~phenotk.mapping.TableMapping`.

Rows are grouped into packets by the packet id (one row per packet in wide sheets, many in long sheets). Every
column nobody reads and every cell that cannot be parsed becomes a finding (see :mod:`.findings`); nothing is
dropped silently.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from phenopackets import (
    ExternalReference,
    Individual,
    MetaData,
    OntologyClass,
    Phenopacket,
    PhenotypicFeature,
    Sex,
    TimeElement,
    VitalStatus,
)

from phenotk.errors import InputError
from phenotk.issue import Issue, Severity
from phenotk.mapping.model import (
    DEFAULT_SEX_MAP,
    DEFAULT_VITAL_MAP,
    MISSING,
    SEX_VALUES,
    VITAL_VALUES,
    TableMapping,
    ValueSpec,
    Vocabulary,
)
from phenotk.mapping.timeparse import ParsedTime, parse_time
from phenotk.model.metadata import resource, timestamp

from .findings import finding
from .sheets import Sheet

_CURIE = re.compile(r"[A-Za-z][A-Za-z0-9_.]*:\S+\Z")
_HP_IN_TEXT = re.compile(r"(.*?)\s*[(\[]\s*(HP[:_]\d{7})\s*[)\]]\s*\Z", re.I)
_HP_ID = re.compile(r"HP[:_]\d{7}\Z", re.I)
_HP_ID_FIRST = re.compile(r"(HP[:_]\d{7})\s+(.+)\Z", re.I)
_EMPTY_TEXT = frozenset({"na", "n/a", "nd", "none", "-", "unknown", "not assessed", "?"})
_PMID = re.compile(r"(?:pmid\s*[:_]?\s*)?(\d{1,9})\Z", re.I)

_MISS = object()
_BAD = object()


class TermResolver:
    """HPO id/label answers from an ontology index (duck-typed: ``label``, ``lookup``, ``primary_id``, ``version``).

    Works without an index: ids and ``label (HP:…)`` headers still resolve; bare labels do not.
    """

    def __init__(self, ontology: Any = None) -> None:
        self.ontology = ontology
        self._cache: dict[str, tuple[str, str] | None] = {}

    @property
    def version(self) -> str:
        """Release of the index, or ''."""
        return str(getattr(self.ontology, "version", "") or "")

    def label(self, curie: str) -> str | None:
        """Current label of ``curie`` from the index."""
        if self.ontology is None:
            return None
        try:
            return self.ontology.label(curie)  # type: ignore[no-any-return]
        except (KeyError, AttributeError):
            return None

    def lookup(self, text: str) -> str | None:
        """The id whose label or synonym is exactly ``text`` (first hit), or None."""
        if self.ontology is None:
            return None
        hits = self.ontology.lookup(text)
        if isinstance(hits, str):
            return hits
        for hit in hits or ():
            if str(hit).startswith("HP:"):
                return str(hit)
        return None

    def label_conflict(self, curie: str, text: str) -> str | None:
        """The index's label of ``curie`` when ``text`` is neither it nor a synonym (None: agrees or unknown)."""
        if self.ontology is None or not text.strip():
            return None
        label = self.label(curie)
        if label is None:
            return None
        key = " ".join(text.split()).casefold()
        names = [label, *(getattr(self.ontology, "synonyms", lambda _c: [])(curie) or [])]
        if any(" ".join(n.split()).casefold() == key for n in names):
            return None
        return label

    def resolve(self, text: str) -> tuple[str, str] | None:
        """(id, label) for ``HP:…``, ``label (HP:…)``, ``HP:… label`` or a label/synonym; None if unknown."""
        if text in self._cache:
            return self._cache[text]
        s = text.strip()
        out: tuple[str, str] | None = None
        m = _HP_IN_TEXT.match(s)
        if m:
            curie = m.group(2).upper().replace("_", ":")
            out = (curie, self.label(curie) or m.group(1).strip())
        elif _HP_ID.match(s):
            curie = s.upper().replace("_", ":")
            out = (curie, self.label(curie) or "")
        else:
            m2 = _HP_ID_FIRST.match(s)
            if m2:
                curie = m2.group(1).upper().replace("_", ":")
                out = (curie, self.label(curie) or m2.group(2).strip())
            else:
                found = self.lookup(s)
                if found:
                    out = (found, self.label(found) or s)
        self._cache[text] = out
        return out


@dataclass
class PacketRows:
    """The rows that make one packet."""

    packet_id: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


@dataclass
class BuiltPacket:
    """One packet and the findings about its rows."""

    packet: Phenopacket
    source: str
    issues: list[Issue]


@dataclass
class TableConversion:
    """What :func:`build_packets` made: packets (with their findings) and sheet-level findings."""

    items: list[BuiltPacket]
    issues: list[Issue]
    sheet: str = ""

    @property
    def packets(self) -> list[Phenopacket]:
        """The packets, in sheet order."""
        return [i.packet for i in self.items]

    @property
    def all_issues(self) -> list[Issue]:
        """Sheet-level findings followed by every packet's."""
        return [*self.issues, *(i for item in self.items for i in item.issues)]


@dataclass
class _Options:
    severity: Severity
    created: str | None
    created_by: str


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


class _Builder:
    def __init__(self, sheet: Sheet, mapping: TableMapping, resolver: TermResolver, opts: _Options) -> None:
        self.sheet = sheet
        self.m = mapping
        self.resolver = resolver
        self.opts = opts
        self.sev = opts.severity
        header = set(sheet.header)
        self.diseases = _expand(mapping.diseases, header)
        self.variants = _expand(mapping.variants, header)
        self.references = _expand(mapping.references, header)
        self.sheet_issues: list[Issue] = []
        self.cell_cache: dict[str, tuple[str | None, ParsedTime | None]] = {}
        self.feature_cache: dict[tuple[str, str], object] = {}
        self.metadata_cache: dict[tuple[str, ...], MetaData] = {}
        self.prefixes_used: set[str] = set()
        self.wide: list[tuple[str, OntologyClass]] = []
        self._plan_columns()

    # ------------------------------------------------------------------ columns
    def _mapping_where(self, spec: ValueSpec) -> str:
        line, col = self.m.locate(spec.pointer)
        where = f"{self.m.path or 'mapping'}"
        return f"{where}:{line}:{col}" if line else where

    def _plan_columns(self) -> None:
        sheet, m = self.sheet, self.m
        header = sheet.header
        for dup in sheet.duplicate_headers:
            self.sheet_issues.append(
                finding(
                    "map-duplicate-header",
                    f"column header {dup!r} occurs more than once; later copies are named '{dup} (2)', …",
                    self.sev,
                    sheet=sheet.name,
                    column=dup,
                    reason="duplicate header",
                )
            )
        plain, patterns = m.referenced_columns()
        blocks = (*self.diseases, *self.variants, *self.references)
        claimed: set[str] = {c for b in blocks for spec in b.values() for c in spec.columns() if c in header}
        claimed |= {c for c in plain if c in header}
        required = [*m.packet_id.columns(), *m.subject["id"].columns()]
        missing_required = [c for c in required if c not in header]
        if missing_required:
            spec = m.subject["id"] if missing_required[0] in m.subject["id"].columns() else m.packet_id
            raise InputError(
                f"the id column {missing_required[0]!r} (mapping {self._mapping_where(spec)}) is not in the sheet; "
                f"columns: {', '.join(header[:12])}{' …' if len(header) > 12 else ''}",
                path=sheet.path,
            )
        for spec in m.all_specs():
            for col in spec.columns():
                if "{n}" not in col and col not in header:
                    self.sheet_issues.append(
                        finding(
                            "map-missing-column",
                            f"mapping {self._mapping_where(spec)} reads column {col!r}, which the sheet lacks",
                            self.sev,
                            sheet=sheet.name,
                            column=col,
                            reason="column not in sheet",
                        )
                    )
        for col in m.text_columns:
            if col not in header:
                self.sheet_issues.append(
                    finding("map-missing-column", f"free-text column {col!r} is not in the sheet", self.sev,
                            sheet=sheet.name, column=col, reason="column not in sheet")
                )
        for pat in patterns:
            rx = re.compile(re.escape(pat).replace(re.escape("{n}"), r"\d+") + r"\Z")
            claimed.update(h for h in header if rx.match(h))
        # wide phenotype columns
        candidates: list[str] = []
        selected: set[str] = set()
        if m.wide_columns == "auto":
            candidates = [h for h in header if h not in claimed]
        elif isinstance(m.wide_columns, list):
            for h in header:
                if h not in claimed and any(fnmatch.fnmatchcase(h, p) for p in m.wide_columns):
                    candidates.append(h)
                    selected.add(h)
        for h in candidates:
            explicit = m.wide_terms.get(h)
            term = (explicit, self.resolver.label(explicit) or h) if explicit else self.resolver.resolve(h)
            if term is None:
                if h in selected:
                    self.sheet_issues.append(
                        finding("map-unknown-term", f"column {h!r} is selected as an HPO column but is not an HPO "
                                "label or id; add it under phenotypes.wide.terms", self.sev,
                                sheet=sheet.name, column=h, reason="unknown HPO header")
                    )
                    claimed.add(h)
                continue
            self.wide.append((h, OntologyClass(id=term[0], label=term[1])))
            claimed.add(h)
            m_label = _HP_IN_TEXT.match(h)
            if m_label and not explicit:
                current = self.resolver.label_conflict(term[0], m_label.group(1))
                if current is not None:
                    self.sheet_issues.append(finding(
                        "map-label-mismatch",
                        f"header {h!r}: {term[0]} is {current!r} in HPO {self.resolver.version or ''}, not "
                        f"{m_label.group(1).strip()!r}; the id was used — check which term is meant",
                        self.sev, sheet=sheet.name, column=h, value=m_label.group(1).strip(),
                        reason="label does not match id"))
        self.wide_columns = {h for h, _ in self.wide}
        self.wide_ids = [(h, term, str(term.id)) for h, term in self.wide]
        # unmapped
        nonempty = self._nonempty_columns()
        for h in header:
            if h in claimed:
                continue
            has_data = h in nonempty
            self.sheet_issues.append(
                finding(
                    "map-unmapped-column",
                    f"column {h!r} is not read by the mapping"
                    + (" (and is not an HPO label or id)" if m.wide_columns == "auto" else "")
                    + ("" if has_data else "; it is empty")
                    + "; map it, or list it under ignore_columns",
                    self.sev if has_data else Severity.INFO,
                    sheet=sheet.name,
                    column=h,
                    reason="unmapped column",
                )
            )
        for number, letter, value in self.sheet.stray_cells:
            self.sheet_issues.append(
                finding("map-bad-cell", f"value {value!r} in column {letter} has no header", self.sev,
                        sheet=sheet.name, row=number, column=letter, value=value, reason="cell outside the header")
            )

    def _nonempty_columns(self) -> set[str]:
        out: set[str] = set()
        header = self.sheet.header
        remaining = set(range(len(header)))
        for row in self.sheet.rows:
            for j in list(remaining):
                if row[j].strip():
                    out.add(header[j])
                    remaining.discard(j)
            if not remaining:
                break
        return out

    # ------------------------------------------------------------------ findings
    def bad(self, issues: list[Issue], row: int, column: str | None, value: str, reason: str, message: str) -> None:
        issues.append(
            finding("map-bad-cell", message, self.sev, sheet=self.sheet.name, row=row, column=column, value=value,
                    reason=reason)
        )

    # ------------------------------------------------------------------ grouping
    def groups(self) -> Iterator[PacketRows | Issue]:
        m = self.m
        order: dict[str, PacketRows] = {}
        for number, rec in self.sheet.records():
            pid = m.packet_id.raw(rec)
            sid = m.subject["id"].raw(rec)
            if not pid or not sid:
                cols = ", ".join(dict.fromkeys([*m.packet_id.columns(), *m.subject["id"].columns()]))
                yield finding(
                    "map-missing-id",
                    f"row {number} has no {'packet' if not pid else 'subject'} id (columns {cols}); row skipped",
                    self.sev,
                    sheet=self.sheet.name,
                    row=number,
                    column=cols,
                    value="",
                    reason="missing id",
                )
                continue
            group = order.get(pid)
            if group is None:
                order[pid] = group = PacketRows(pid)
            elif m.rows_per_packet == "one":
                yield finding(
                    "map-duplicate-id",
                    f"packet id {pid!r} of row {number} already came from row {group.rows[0][0]}; rows merged",
                    self.sev,
                    sheet=self.sheet.name,
                    row=number,
                    value=pid,
                    reason="duplicate id",
                )
            group.rows.append((number, rec))
        yield from order.values()

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
                col = spec.column or ""
                issues.append(
                    finding(
                        "map-conflicting-values",
                        f"{what} is {first!r} in row {first_row} but {raw!r} in row {number}; kept {first!r}",
                        self.sev,
                        sheet=self.sheet.name,
                        row=number,
                        column=col,
                        value=raw,
                        reason="conflicting values",
                    )
                )
        return first, first_row

    def enum_value(
        self, spec: ValueSpec, raw: str, builtin: dict[str, str | None], allowed: tuple[str, ...],
        issues: list[Issue], row: int, what: str,
    ) -> str | None:
        value = spec.translate(raw, builtin)
        if value is MISSING and raw.upper() in allowed:
            value = raw.upper()
        if value is MISSING or (value is not None and str(value) not in allowed):
            self.bad(issues, row, spec.column, raw, f"unknown {what}",
                     f"{what} {raw!r} is not understood; add it to the mapping's values for {spec.pointer}")
            return None
        return None if value is None else str(value)

    def time(self, spec: ValueSpec, raw: str, issues: list[Issue], row: int, what: str) -> TimeElement | None:
        value = spec.translate(raw)
        if value is None:
            return None
        if value is MISSING:
            self.bad(issues, row, spec.column, raw, f"unknown {what}", f"{what} {raw!r} is not in the value map")
            return None
        parsed = parse_time(str(value), unit=spec.unit)
        if parsed is None:
            m = _HP_IN_TEXT.match(str(value).strip())
            if m and self._is_onset(m.group(2)):
                curie = m.group(2).upper().replace("_", ":")
                label = self.resolver.label(curie) or m.group(1)
                return TimeElement(ontology_class=OntologyClass(id=curie, label=label))
            self.bad(issues, row, spec.column, raw, "not an age or onset",
                     f"{what} {raw!r} is not an age (P3Y2M, 3y 2m, 3 years), gestational age (33+2) or onset label")
            return None
        return parsed.to_time_element()

    def _is_onset(self, curie: str) -> bool:
        """An explicit ``label (HP:…)`` onset outside the built-in table: accepted unless the HPO says otherwise."""
        onto = self.resolver.ontology
        if onto is None or not hasattr(onto, "is_descendant_of"):
            return True
        try:
            return bool(onto.is_descendant_of(curie.upper().replace("_", ":"), "HP:0003674"))
        except (KeyError, ValueError):
            return False

    # ------------------------------------------------------------------ packet
    def packet(self, group: PacketRows) -> BuiltPacket:
        m = self.m
        issues_list: list[Issue] = []
        first_row = group.rows[0][0]
        sid, _ = self.single(group, m.subject["id"], issues_list, "subject id")
        subject = Individual(id=sid)
        sub = m.subject
        if "sex" in sub:
            raw, row = self.single(group, sub["sex"], issues_list, "sex")
            if raw or sub["sex"].default is not None:
                value = self.enum_value(sub["sex"], raw, DEFAULT_SEX_MAP, SEX_VALUES, issues_list, row or first_row,
                                        "sex")
                if value:
                    subject.sex = Sex.Value(value)
        if "date_of_birth" in sub:
            raw, row = self.single(group, sub["date_of_birth"], issues_list, "date of birth")
            if raw:
                ts = _parse_date(raw)
                if ts is None:
                    self.bad(issues_list, row, sub["date_of_birth"].column, raw, "not a date",
                             f"date of birth {raw!r} is not a date (YYYY-MM-DD or DD.MM.YYYY)")
                else:
                    subject.date_of_birth.FromDatetime(ts)
        if "age_at_last_encounter" in sub:
            raw, row = self.single(group, sub["age_at_last_encounter"], issues_list, "age at last encounter")
            if raw:
                te = self.time(sub["age_at_last_encounter"], raw, issues_list, row, "age at last encounter")
                if te is not None:
                    subject.time_at_last_encounter.CopyFrom(te)
        if "vital_status" in sub:
            raw, row = self.single(group, sub["vital_status"], issues_list, "vital status")
            if raw:
                value = self.enum_value(sub["vital_status"], raw, DEFAULT_VITAL_MAP, VITAL_VALUES, issues_list, row,
                                        "vital status")
                if value:
                    subject.vital_status.status = VitalStatus.Status.Value(value)
        packet = Phenopacket(id=group.packet_id)
        packet.subject.CopyFrom(subject)
        self.phenotypes(group, packet, issues_list)
        self.disease_block(group, packet, issues_list)
        self.variant_block(group, packet, sid, issues_list)
        refs = self.reference_block(group, issues_list)
        packet.meta_data.CopyFrom(self.metadata(packet, refs))
        src = f"{self.sheet.path}:row {first_row}" + (f"-{group.rows[-1][0]}" if len(group.rows) > 1 else "")
        return BuiltPacket(packet, src, issues_list)

    # ------------------------------------------------------------------ phenotypes
    def wide_cell(self, cell: str, vocab: Vocabulary) -> tuple[str | None, ParsedTime | None]:
        hit = self.cell_cache.get(cell)
        if hit is None:
            status = vocab.status(cell)
            onset = None
            if status is None:
                onset = parse_time(cell)
                status = "observed" if onset is not None else None
            hit = self.cell_cache[cell] = (status, onset)
        return hit

    def _wide_feature(self, term: OntologyClass, cell: str) -> PhenotypicFeature | object | None:
        """The feature a wide cell stands for (cached per column and text); None = unknown; _BAD = unparseable."""
        status, onset = self.wide_cell(cell.strip(), self.m.wide_vocabulary)
        if status == "unknown":
            return None
        if status is None:
            return _BAD
        pf = PhenotypicFeature(type=term, excluded=status == "excluded")
        if onset is not None:
            pf.onset.CopyFrom(onset.to_time_element())
        return pf

    def phenotypes(self, group: PacketRows, packet: Phenopacket, issues: list[Issue]) -> None:
        seen: dict[str, tuple[bool, int]] = {}
        features = packet.phenotypic_features

        def conflict(term: OntologyClass, prev: tuple[bool, int], excluded: bool, row: int, col: str) -> None:
            if prev[0] != excluded:
                issues.append(finding(
                    "map-conflicting-values",
                    f"{term.label or term.id} is {'excluded' if prev[0] else 'observed'} in row {prev[1]} but "
                    f"{'excluded' if excluded else 'observed'} in row {row}; kept the first",
                    self.sev, sheet=self.sheet.name, row=row, column=col, value=term.id,
                    reason="conflicting values"))

        def add(
            term: OntologyClass, excluded: bool, onset: ParsedTime | TimeElement | None, row: int, col: str
        ) -> None:
            prev = seen.get(term.id)
            if prev is not None:
                conflict(term, prev, excluded, row, col)
                return
            seen[term.id] = (excluded, row)
            f = features.add()
            f.type.CopyFrom(term)
            if excluded:
                f.excluded = True
            if onset is not None:
                f.onset.CopyFrom(onset.to_time_element() if isinstance(onset, ParsedTime) else onset)

        cache_get = self.feature_cache.get
        seen_get = seen.get
        wide = self.wide_ids
        for number, rec in group.rows:
            batch = []
            for col, term, tid in wide:
                cell = rec[col]
                if not cell:
                    continue
                pf: Any = cache_get((col, cell), _MISS)
                if pf is _MISS:
                    pf = self.feature_cache[(col, cell)] = self._wide_feature(term, cell)
                if pf is None:
                    continue
                if pf is _BAD:
                    self.bad(issues, number, col, cell, "not a phenotype status",
                             f"{cell!r} under {term.label or term.id} is none of observed/excluded/unknown words and "
                             "not an age or onset")
                    continue
                prev = seen_get(tid)
                if prev is not None:
                    conflict(term, prev, pf.excluded, number, col)
                    continue
                seen[tid] = (pf.excluded, number)
                batch.append(pf)
            if batch:
                features.extend(batch)
            if self.m.long is not None:
                self.long_row(number, rec, issues, add)
            for col in self.m.text_columns:
                text = rec.get(col, "")
                if text.strip():
                    self.text_cell(number, col, text, issues, add)
        if packet.phenotypic_features:
            self.prefixes_used.add("HP")

    def long_row(self, number: int, rec: dict[str, str], issues: list[Issue], add: Any) -> None:
        long = self.m.long
        assert long is not None
        spec = long["term"]
        raw = spec.raw(rec)
        if not raw:
            return
        term = self.resolver.resolve(raw)
        if term is None and "label" in long:
            label = long["label"].raw(rec)
            term = self.resolver.resolve(label) if label else None
        if term is None:
            issues.append(finding("map-unknown-term", f"{raw!r} is neither an HPO id nor a known HPO label", self.sev,
                                  sheet=self.sheet.name, row=number, column=spec.column, value=raw,
                                  reason="unknown term"))
            return
        curie, label = term
        if "label" in long:
            given = long["label"].raw(rec)
            if not self.resolver.label(curie):
                label = given or label
            elif given and _HP_ID.match(raw.strip()):
                current = self.resolver.label_conflict(curie, given)
                if current is not None:
                    issues.append(finding(
                        "map-label-mismatch",
                        f"{curie} is {current!r} in HPO {self.resolver.version or ''}, not {given!r}; the id was used",
                        self.sev, sheet=self.sheet.name, row=number, column=long["label"].column, value=given,
                        reason="label does not match id"))
        status = "observed"
        if "status" in long:
            sraw = long["status"].raw(rec)
            mapped = long["status"].translate(sraw)
            if mapped is MISSING:
                mapped = sraw
            if sraw:
                status = self.m.long_vocabulary.status(str(mapped)) or ""
                if not status:
                    self.bad(issues, number, long["status"].column, sraw, "not a phenotype status",
                             f"status {sraw!r} is none of the observed/excluded/unknown words")
                    return
                if status == "unknown":
                    return
        onset = None
        if "onset" in long:
            oraw = long["onset"].raw(rec)
            if oraw:
                onset = self.time(long["onset"], oraw, issues, number, "onset")
        add(OntologyClass(id=curie, label=label), status == "excluded", onset, number, spec.column or "")

    def text_cell(self, number: int, col: str, text: str, issues: list[Issue], add: Any) -> None:
        phrases = [text]
        for sep in self.m.text_separators:
            phrases = [p for ph in phrases for p in ph.split(sep)]
        for phrase in phrases:
            phrase = phrase.strip().strip(".").strip()
            if not phrase or phrase.lower() in _EMPTY_TEXT:
                continue
            for part, excluded, term in self._match_phrase(phrase):
                if term is None:
                    issues.append(finding(
                        "map-unmatched-text",
                        f"{part!r} matches no HPO label or synonym exactly; review it or map it by hand",
                        self.sev, sheet=self.sheet.name, row=number, column=col, value=part,
                        reason="no exact HPO match"))
                else:
                    add(OntologyClass(id=term[0], label=term[1]), excluded, None, number, col)

    def _negation(self, phrase: str) -> tuple[bool, str]:
        low = phrase.lower()
        for neg in self.m.text_negations:
            if low.startswith(neg):
                return True, phrase[len(neg):].strip()
        return False, phrase

    def _match_phrase(self, phrase: str) -> list[tuple[str, bool, tuple[str, str] | None]]:
        excluded, rest = self._negation(phrase)
        term = self.resolver.resolve(rest)
        if term is not None:
            return [(phrase, excluded, term)]
        if "," in rest or " and " in rest or " or " in rest:
            out = []
            parts = [p.strip() for p in re.split(r",|\band\b|\bor\b", rest) if p.strip()]
            for part in parts:
                neg2, core = self._negation(part)
                t = self.resolver.resolve(core)
                # "no seizures or hypotonia": the leading negation covers the whole list
                out.append((part, excluded or neg2, t))
            return out
        return [(phrase, excluded, None)]

    # ------------------------------------------------------------------ diseases, variants, references
    def disease_block(self, group: PacketRows, packet: Phenopacket, issues: list[Issue]) -> None:
        seen: set[str] = set()
        for block in self.diseases:
            for number, rec in _distinct(group.rows, block):
                raw = block["id"].raw(rec)
                if not raw:
                    continue
                mapped = block["id"].translate(raw)  # a value map may turn codes into CURIEs (REDCap choices)
                if mapped is None:
                    continue
                raw = raw if mapped is MISSING else str(mapped)
                curie = _curie(raw)
                if curie is None:
                    self.bad(issues, number, block["id"].column, raw, "not a CURIE",
                             f"disease id {raw!r} is not a CURIE such as OMIM:148600 or MONDO:0007915")
                    continue
                if curie in seen:
                    continue
                seen.add(curie)
                d = packet.diseases.add()
                d.term.id = curie
                if "label" in block:
                    d.term.label = block["label"].raw(rec)
                if "onset" in block:
                    oraw = block["onset"].raw(rec)
                    if oraw:
                        te = self.time(block["onset"], oraw, issues, number, "disease onset")
                        if te is not None:
                            d.onset.CopyFrom(te)
                if "excluded" in block:
                    eraw = block["excluded"].raw(rec)
                    if eraw and self.m.wide_vocabulary.status(eraw) == "excluded":
                        d.excluded = True
                self.prefixes_used.add(curie.split(":")[0].upper())

    def variant_block(self, group: PacketRows, packet: Phenopacket, subject_id: str, issues: list[Issue]) -> None:
        """Variant columns → one interpretation (see :mod:`.variants`)."""
        from .variants import variant_block

        variant_block(self, group, packet, subject_id, issues)

    def reference_block(self, group: PacketRows, issues: list[Issue]) -> list[ExternalReference]:
        out: list[ExternalReference] = []
        seen: set[str] = set()
        for block in self.references:
            for _number, rec in _distinct(group.rows, block):
                raw = block["id"].raw(rec)
                if not raw:
                    continue
                m = _PMID.match(raw.strip())
                ref_id = f"PMID:{m.group(1)}" if m else raw.strip()
                if ref_id in seen:
                    continue
                seen.add(ref_id)
                ref = ExternalReference(id=ref_id)
                if "description" in block:
                    ref.description = block["description"].raw(rec)
                if "reference" in block:
                    ref.reference = block["reference"].raw(rec)
                out.append(ref)
        return out

    # ------------------------------------------------------------------ metadata
    def metadata(self, packet: Phenopacket, refs: list[ExternalReference]) -> MetaData:
        prefixes: set[str] = set()
        if packet.phenotypic_features:
            prefixes.add("HP")
        for d in packet.diseases:
            prefixes.add(d.term.id.split(":")[0].upper())
            if d.onset.HasField("ontology_class"):
                prefixes.add("HP")
        for i in packet.interpretations:
            for gi in i.diagnosis.genomic_interpretations:
                vd = gi.variant_interpretation.variation_descriptor
                if vd.allelic_state.id:
                    prefixes.add("GENO")
                if vd.gene_context.value_id:
                    prefixes.add("HGNC")
        if packet.subject.time_at_last_encounter.HasField("ontology_class"):
            prefixes.add("HP")
        order = ["HP", "GENO", "SO", "OMIM", "MONDO", "ORPHA", "HGNC"]
        key = tuple(sorted(prefixes, key=lambda x: (order.index(x) if x in order else 99, x)))
        template = self.metadata_cache.get(key)
        if template is None:
            template = MetaData(
                created_by=self.m.created_by or self.opts.created_by, phenopacket_schema_version="2.0.2"
            )
            template.created.CopyFrom(self._created)
            for p in key:
                version = self.m.resource_versions.get(p, "")
                if p == "HP" and not version:
                    version = self.resolver.version
                template.resources.append(resource(p, version))
            self.metadata_cache[key] = template
        md = MetaData()
        md.CopyFrom(template)
        md.external_references.extend(refs)
        return md

    def build(self) -> TableConversion:
        self._created = timestamp(self.opts.created)
        items: list[BuiltPacket] = []
        for g in self.groups():
            if isinstance(g, Issue):
                self.sheet_issues.append(g)
                continue
            items.append(self.packet(g))
        return TableConversion(items, self.sheet_issues, self.sheet.name)


def _distinct(
    rows: list[tuple[int, dict[str, str]]], block: dict[str, ValueSpec]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows whose cells in the block's columns differ from every earlier row (long sheets repeat them)."""
    if len(rows) == 1:
        yield rows[0]
        return
    cols = [c for spec in block.values() for c in spec.columns()]
    seen: set[tuple[str | None, ...]] = set()
    for number, rec in rows:
        key = tuple(map(rec.get, cols))
        if key not in seen:
            seen.add(key)
            yield number, rec


def _curie(raw: str) -> str | None:
    s = raw.strip().replace(" ", "")
    if _CURIE.match(s):
        prefix, _, rest = s.partition(":")
        return f"{prefix.upper()}:{rest}" if prefix.lower() in ("omim", "mondo", "orpha", "hp", "ncit") else s
    return None


def _parse_date(raw: str) -> dt.datetime | None:
    s = raw.strip()
    for fmt in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%d.%m.%Y", "%Y/%m/%d"):
        try:
            value = dt.datetime.strptime(s, fmt)
        except ValueError:
            continue
        return value.replace(tzinfo=dt.timezone.utc)
    return None


def build_packets(
    sheet: Sheet,
    mapping: TableMapping,
    *,
    ontology: Any = None,
    strict: bool = False,
    created: str | None = None,
    created_by: str = "phenotk",
) -> TableConversion:
    """Turn a sheet into packets under ``mapping``; findings are warnings, or errors when ``strict``."""
    opts = _Options(Severity.ERROR if strict else Severity.WARNING, created, created_by)
    return _Builder(sheet, mapping, TermResolver(ontology), opts).build()
