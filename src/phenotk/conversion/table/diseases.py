"""Diseases from a row: ids as clinics write them, labels from the sheet or the HPO annotation file.

Disease ids are normalised (``MIM #607208`` → ``OMIM:607208``; ``OMIM 614959``; ``DEE14 (OMIM 614959)``;
``Orphanet 558`` / ``ORPHA_558`` → ``ORPHA:558``; ``MONDO 0007915``; a bare number in a column whose header names
the catalogue, e.g. ``614959`` under ``OMIM``). The label is, in order: the mapping's label column, the name in
the HPO annotation file (``phenotype.hpoa``; ``--annotations``), the text beside the id in the cell (``DEE14``);
when none is found the disease keeps an empty label and a ``map-disease-label-missing`` finding says so.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from phenopackets import Phenopacket, TimeElement

from phenotk.issue import Issue
from phenotk.mapping.model import ValueSpec

from .findings import finding
from .values import _distinct, identity, read_time, read_value, status_parser

if TYPE_CHECKING:  # pragma: no cover
    from .build import PacketRows, _Builder

#: Catalogue words (lower case) → CURIE prefix.
_CATALOGUES = {"omim": "OMIM", "mim": "OMIM", "orpha": "ORPHA", "orphanet": "ORPHA", "ordo": "ORPHA",
               "mondo": "MONDO", "decipher": "DECIPHER"}
_ID_IN_TEXT = re.compile(r"\b(OMIM|MIM|ORPHANET|ORPHA|ORDO|MONDO|DECIPHER)\s*(?:[:_#]\s*|\s+)#?\s*(\d+)\b", re.I)
_HASH_NUMBER = re.compile(r"#\s*(\d{6})\Z")
_BARE_NUMBER = re.compile(r"\d+\Z")
_CURIE = re.compile(r"[A-Za-z][A-Za-z0-9_.]*:\S+\Z")
_UPPER_PREFIXES = ("omim", "mondo", "orpha", "hp", "ncit", "decipher")
EXPECTED = "a disease id such as OMIM:148600, MIM #607208, ORPHA:558 or MONDO:0007915"


def _canonical(prefix: str, number: str) -> str:
    if prefix == "MONDO":
        number = number.zfill(7)
    return f"{prefix}:{number}"


@functools.lru_cache(maxsize=4096)  # a sheet repeats its disease cells; the answer is immutable
def normalise_disease_id(text: str, column: str | None = None) -> tuple[str, str] | None:
    """(CURIE, the text beside the id in the cell) for a disease id as written, or None when it is not one.

    ``column`` (the header) tells which catalogue a bare number belongs to.
    """
    s = " ".join(text.split())
    m = _ID_IN_TEXT.search(s)
    if m:
        curie = _canonical(_CATALOGUES[m.group(1).lower()], m.group(2))
        rest = (s[: m.start()] + " " + s[m.end():]).strip()
        rest = re.sub(r"[(\[]\s*[)\]]", "", rest).strip(" ,;:-–()[]")
        return curie, " ".join(rest.split())
    m2 = _HASH_NUMBER.match(s)
    if m2:
        return f"OMIM:{m2.group(1)}", ""
    if _BARE_NUMBER.match(s):
        prefix = _column_catalogue(column)
        return (_canonical(prefix, s), "") if prefix else None
    compact = s.replace(" ", "")
    if _CURIE.match(compact):
        prefix, _, rest = compact.partition(":")
        return (f"{prefix.upper()}:{rest}" if prefix.lower() in _UPPER_PREFIXES else compact), ""
    return None


def _column_catalogue(column: str | None) -> str | None:
    words = re.findall(r"[a-z]+", (column or "").lower())
    for w in words:
        if w in _CATALOGUES:
            return _CATALOGUES[w]
    return None


def _label(b: _Builder, block: dict[str, ValueSpec], rec: dict[str, str], row: int, curie: str,
           issues: list[Issue]) -> str:
    """The label column's text (through its maps), else the annotation file's name for ``curie``, else ''."""
    if "label" in block and block["label"].raw(rec):
        label = read_value(b, block["label"], block["label"].raw(rec), identity, issues, row, "disease label",
                           "a label")
        if label:
            return label
    return (b.annotations.label(curie) or "") if b.annotations is not None else ""


def disease_block(b: _Builder, group: PacketRows, packet: Phenopacket, issues: list[Issue]) -> None:
    """The disease blocks of one packet's rows → ``packet.diseases`` (each id once)."""
    seen: set[str] = set()
    for block in b.diseases:
        id_spec = block["id"]

        def parse(text: str, column: str | None = id_spec.column) -> tuple[str, str] | None:
            return normalise_disease_id(text, column)

        for number, rec in _distinct(group.rows, block):
            raw = id_spec.raw(rec)
            if not raw:
                b.orphans(issues, number, rec, [block[k] for k in ("label", "onset", "excluded") if k in block],
                          "disease id")
                continue
            several = _several_ids(raw, id_spec.column)
            if several is None:
                parsed = read_value(b, id_spec, raw, parse, issues, number, "disease id", EXPECTED)
                if parsed is None or parsed[0] in seen:
                    continue
                found = [(parsed, _label(b, block, rec, number, parsed[0], issues))]
            else:
                found = [(x, lab or _annotated(b, x[0])) for x, lab in _paired_labels(b, block, rec, number, several,
                                                                                      issues)]
            found = [(x, lab) for x, lab in found if x[0] not in seen]
            if not found:
                continue
            onset, excluded = _onset_and_exclusion(b, block, rec, number, issues)
            for (curie, cell_label), label in found:
                seen.add(curie)
                d = packet.diseases.add()
                d.term.id = curie
                d.term.label = label or cell_label
                if not d.term.label:
                    where = f"not in {b.annotations.source}" if b.annotations is not None else "no --annotations file"
                    issues.append(finding(
                        "map-disease-label-missing",
                        f"disease {curie} has no label (no label cell; {where}); it is kept without one",
                        b.sev, sheet=b.sheet.name, row=number, column=id_spec.column, value=raw,
                        reason="no disease label"))
                if onset is not None:
                    d.onset.CopyFrom(onset)
                if excluded:
                    d.excluded = True
                b.prefixes_used.add(curie.split(":")[0].upper())


def _onset_and_exclusion(b: _Builder, block: dict[str, ValueSpec], rec: dict[str, str], number: int,
                         issues: list[Issue]) -> tuple[TimeElement | None, bool]:
    """The row's disease onset and whether it rules the disease out (read once for every id of the row)."""
    onset = None
    if "onset" in block and block["onset"].raw(rec):
        onset = read_time(b, block["onset"], block["onset"].raw(rec), issues, number, "disease onset")
    excluded = False
    if "excluded" in block and block["excluded"].raw(rec):
        status = read_value(b, block["excluded"], block["excluded"].raw(rec),
                            status_parser(b.m.wide_vocabulary), issues, number, "disease exclusion",
                            "an observed/excluded/unknown word")
        excluded = status == "excluded"
    return onset, excluded


#: what parts one cell's several disease ids: '|', ';', a newline, ' / ', or a comma before a catalogue word
_SEPARATOR = re.compile(
    r"\s*(?:[|;\n]|\s/\s|,(?=\s*(?:OMIM|MIM|ORPHA|ORPHANET|ORDO|MONDO|DECIPHER)\b))\s*", re.I)


def _several_ids(raw: str, column: str | None) -> list[tuple[str, str]] | None:
    """Each disease of a cell that names more than one (``OMIM:100100|OMIM:200200``), or None for one (or none).

    Every part must be a disease id as :func:`normalise_disease_id` reads it; a cell with several ids that do not
    part cleanly is read as one value (and reported if it is none).
    """
    parts = [p for p in _SEPARATOR.split(raw.strip()) if p.strip()]
    if len(parts) < 2:
        return None
    parsed = [normalise_disease_id(p, column) for p in parts]
    if any(x is None for x in parsed):
        return None
    return [x for x in parsed if x is not None]


def _paired_labels(b: _Builder, block: dict[str, ValueSpec], rec: dict[str, str], number: int,
                   several: list[tuple[str, str]], issues: list[Issue]) -> list[tuple[tuple[str, str], str | None]]:
    """The ids of a cell with several, each with its part of the label cell when that parts the same way."""
    text = block["label"].raw(rec) if "label" in block else ""
    if not text:
        return [(x, None) for x in several]
    labels = [p.strip() for p in _SEPARATOR.split(text.strip()) if p.strip()]
    if len(labels) == len(several):
        return list(zip(several, labels, strict=True))
    issues.append(finding(
        "map-bad-cell", f"the label cell {text!r} does not part into one label for each of the {len(several)} "
        "disease ids of its row; the ids are kept without it", b.sev, sheet=b.sheet.name, row=number,
        column=block["label"].column, value=text, reason="labels do not match the ids"))
    return [(x, None) for x in several]


def _annotated(b: _Builder, curie: str) -> str:
    return (b.annotations.label(curie) or "") if b.annotations is not None else ""
