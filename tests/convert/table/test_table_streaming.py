"""The table converter streams (issue 19): rows read in two passes, packets yielded one by one.

The streaming conversion (what ``phenotk convert`` runs) must give exactly the packets and findings, in the same
order, of the reference conversion that holds every row and groups them in one go (``_Builder.build_whole``) —
on every messy sheet of the corpus (CSV, TSV, XLSX with merged cells) and on a long sheet whose patients' rows are
spread over the sheet.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from phenotk.conversion.base import ConvertOptions
from phenotk.conversion.table import build as build_mod
from phenotk.conversion.table.build import BuiltPacket, _Builder, _Options
from phenotk.conversion.table.converter import TableReader
from phenotk.conversion.table.sheets import StreamSheet, open_table
from phenotk.conversion.table.terms import TermResolver
from phenotk.errors import InputError
from phenotk.io import to_dict
from phenotk.issue import Severity
from phenotk.mapping.model import load_mapping

MESSY = Path(__file__).resolve().parents[2] / "fixtures" / "messy_sheets"
GENERIC_WIDE = Path(__file__).resolve().parents[3] / "mappings" / "generic-wide.yaml"
CREATED = "2025-01-01T00:00:00Z"


def _cases() -> list[tuple[Path, Path]]:
    out = []
    for mapping in sorted(MESSY.glob("*.mapping.yaml")):
        stem = mapping.name.removesuffix(".mapping.yaml")
        out += [(sheet, mapping) for ext in (".csv", ".tsv", ".xlsx") if (sheet := MESSY / f"{stem}{ext}").exists()]
    return out


def _issues(issues: list[Any]) -> list[dict[str, Any]]:
    return [i.to_dict() for i in issues]


def _streamed(sheet: Path, mapping: Path, hpo: Any) -> list[tuple[str, Any, list[dict[str, Any]]]]:
    """What the registered reader yields: (source, packet JSON or None, findings) per item, mapping hints left out."""
    opts = ConvertOptions(mapping=mapping, ontology=hpo, created=CREATED)
    return [
        (c.source, to_dict(c.message) if c.message is not None else None, _issues(c.issues))
        for c in TableReader().read(sheet, opts)
        if c.source != str(mapping)
    ]


def _whole(sheet: Path, mapping: Path, hpo: Any) -> list[tuple[str, Any, list[dict[str, Any]]]]:
    """The reference: every row in memory, grouped in one go, converted as one TableConversion."""
    m = load_mapping(mapping)
    table = open_table(sheet, sheet=m.sheet, header_row=m.header_row, skip_rows=m.skip_rows, delimiter=m.delimiter,
                       encoding=m.encoding).materialize()
    result = _Builder(table, m, TermResolver(hpo), _Options(Severity.WARNING, CREATED, "phenotk")).build_whole()
    out: list[tuple[str, Any, list[dict[str, Any]]]] = []
    if result.issues:
        out.append((str(sheet), None, _issues(result.issues)))
    out += [(i.source, to_dict(i.packet), _issues(i.issues)) for i in result.items]
    if result.tail:  # map-incomplete-packets: once the packets are known, after them
        out.append((str(sheet), None, _issues(result.tail)))
    return out


@pytest.mark.parametrize(("sheet", "mapping"), _cases(), ids=lambda p: p.name)
def test_streaming_equals_whole_conversion(sheet: Path, mapping: Path, hpo_index: Any) -> None:
    streamed = _streamed(sheet, mapping, hpo_index)
    assert streamed == _whole(sheet, mapping, hpo_index)
    assert any(packet is not None for _, packet, _ in streamed)
    assert sum(len(f) for _, _, f in streamed) > 0  # messy sheets: the comparison covers findings too


def _shuffled(tmp_path: Path, name: str, seed: int) -> Path:
    """A messy long sheet with its rows shuffled: each patient's rows spread over the sheet."""
    with open(MESSY / f"{name}.csv", newline="", encoding="utf-8-sig") as fh:
        head, *body = list(csv.reader(fh))
    random.Random(seed).shuffle(body)
    out = tmp_path / f"{name}_shuffled.csv"
    with open(out, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([head, *body])
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_spread_out_rows_group_like_the_whole_conversion(tmp_path: Path, seed: int, hpo_index: Any) -> None:
    mapping = MESSY / "long_registry.mapping.yaml"
    sheet = _shuffled(tmp_path, "long_registry", seed)
    streamed = _streamed(sheet, mapping, hpo_index)
    assert streamed == _whole(sheet, mapping, hpo_index)
    spread = [src for src, packet, _ in streamed if packet is not None and "-" in src.rsplit("row ", 1)[-1]]
    assert spread  # some packets were gathered from rows that were not next to each other


def test_packets_come_before_the_sheet_is_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first packet is yielded after one packet was built, not after every row's packet."""
    sheet = tmp_path / "wide.csv"
    with open(sheet, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["PMID", "Patient", "Sex", "Seizure"])
        w.writerows([["123", f"P{i}", "f", "yes"] for i in range(500)])
    built: list[str] = []
    real = _Builder._make  # what builds one packet, in the streaming and the whole-sheet path alike

    def counting(self: _Builder, group: Any) -> BuiltPacket:
        built.append(group.packet_id)
        return real(self, group)

    monkeypatch.setattr(build_mod._Builder, "_make", counting)
    items = TableReader().read(sheet, ConvertOptions(mapping=GENERIC_WIDE))
    first = next(i for i in items if i.message is not None)
    assert first.message.id == "PMID_123_P0"
    assert len(built) == 1
    assert sum(1 for i in items if i.message is not None) == 499
    assert len(built) == 500


def _rows_source(rounds: list[list[list[str]]]) -> Any:
    calls = iter(rounds)

    def open_rows() -> Iterator[tuple[int, list[str]]]:
        yield from enumerate(next(calls), start=1)

    return open_rows


def test_a_sheet_that_changes_between_the_passes_is_an_input_error() -> None:
    header = ["PMID", "Patient", "Sex"]
    first = [header, ["1", "A", "f"], ["1", "B", "m"]]
    second = [header, ["1", "A", "f"]]  # a row vanished before the second pass
    sheet = StreamSheet("s.csv", "s.csv", _rows_source([first, second]))
    m = load_mapping(GENERIC_WIDE)
    parts = build_mod.iter_packets(sheet, m)
    with pytest.raises(InputError, match="changed while it was being read"):
        list(parts)


def test_xlsx_rows_are_parsed_once(tmp_path: Path) -> None:
    """A workbook's first pass spills its rows; the second pass reads the spill, not the workbook again."""
    openpyxl = pytest.importorskip("openpyxl")
    book = tmp_path / "s.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["PMID", "Patient", "Sex"])
    ws.append(["1", "A", "f"])
    ws.append(["1", "B", "m", "stray"])
    ws.merge_cells("A2:A3")
    wb.save(book)
    sheet = open_table(book)
    scanned = list(sheet.scan())
    assert scanned == [(2, ["1", "A", "f"]), (3, ["1", "B", "m"])]  # the merged PMID fills row 3
    assert sheet.stray_cells == [(3, "D", "stray")]
    book.unlink()  # the replay must not need the workbook
    assert list(sheet.replay()) == scanned
