"""Cohort JSON with a value of the wrong JSON type at every pointer: a finding or an InputError, never a crash.

Every value of three real cohort tables (one per variant catalogue kind; of the rows, the first) is
swapped, one at a time, for each other JSON type; the reader must yield packets (with findings) or raise
``InputError`` naming the file — never another exception, and never a packet protobuf cannot serialise. Where
a container the reader walks has the wrong type, the finding names its pointer.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from phenopackets import Phenopacket

from phenotk.conversion.base import ConvertOptions
from phenotk.conversion.template.cohort_json import cohort_to_packets
from phenotk.conversion.template.reader import TemplateReader
from phenotk.errors import InputError

SWAPS: list[Any] = ["text", {"x": 1}, [1, "a"], 7, -1.5, None, True, 10**30]
#: The smallest store tables with an HGVS, a structural and an intergenic variant catalogue entry.
TABLES = ("STK11/STK11_PJS_individuals.json", "TAPBP/TAPBP_MHC1D3_individuals.json",
          "KLF1/KLF1_CDAN4B_individuals.json")
SOURCE = "cohort_individuals.json"


def _pointers(node: Any, prefix: str = "") -> Iterator[str]:
    if prefix:
        yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _pointers(value, f"{prefix}/{key.replace('~', '~0').replace('/', '~1')}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _pointers(value, f"{prefix}/{i}")


def _set(tree: Any, pointer: str, value: Any) -> Any:
    out = copy.deepcopy(tree)
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    node = out
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(parts[-1])] = value
    else:
        node[parts[-1]] = value
    return out


def _convert(tree: Any) -> list[Any]:
    return list(cohort_to_packets(tree, SOURCE, ConvertOptions(created="2025-01-01T00:00:00Z")))


@pytest.mark.parametrize("table", TABLES)
def test_every_wrong_type_is_a_finding_or_an_input_error(templates_dir: Path, table: str) -> None:
    tree = json.loads((templates_dir / table).read_bytes())
    failures = []
    tried = 0
    # every key the reader reads, once: the first row stands for all rows
    for pointer in [p for p in _pointers(tree) if not p.startswith("/rows/") or p.startswith("/rows/0")]:
        for value in SWAPS:
            tried += 1
            try:
                items = _convert(_set(tree, pointer, value))
            except InputError as exc:
                if SOURCE not in str(exc):
                    failures.append(f"{pointer} = {value!r}: InputError without the file: {exc}")
                continue
            except Exception as exc:  # the point of the test: nothing else may escape
                failures.append(f"{pointer} = {value!r}: {type(exc).__name__}: {exc}")
                continue
            for item in items:
                if isinstance(item.message, Phenopacket):
                    item.message.SerializeToString()
    assert tried > 300
    assert not failures, "\n".join(failures[:20])


@pytest.mark.parametrize(
    ("pointer", "value"),
    [
        ("/diseaseList", 7),
        ("/diseaseList/0", "text"),
        ("/diseaseList/0/diseaseId", {"x": 1}),
        ("/hpoHeaders/0", [1, "a"]),
        ("/hpoHeaders/0/hpoId", True),
        ("/hgvsVariants", 7),
        ("/hgvsVariants/c738CtoG_STK11_NM_000455v5/position", 10**30),
        ("/hgvsVariants/c738CtoG_STK11_NM_000455v5/position", -1.5),
        ("/hgvsVariants/c738CtoG_STK11_NM_000455v5/hgvs", {"x": 1}),
        ("/curationHistory", 7),
        ("/rows/0/alleleCountMap", [1, "a"]),
        ("/rows/0/alleleCountMap/c738CtoG_STK11_NM_000455v5", True),
        ("/rows/0/diseaseIdList", 7),
        ("/rows/0/diseaseIdList/0", {"x": 1}),
        ("/rows/0/hpoData", "text"),
        ("/rows/0/hpoData/0/type", {"x": 1}),
        ("/rows/0/individualData/sex", [1, "a"]),
        ("/rows/0/individualData/pmid", {"x": 1}),
        ("/rows/0/individualData/individualId", [1, "a"]),
    ],
)
def test_wrong_type_is_a_bad_cell_at_its_pointer(templates_dir: Path, pointer: str, value: Any) -> None:
    tree = json.loads((templates_dir / TABLES[0]).read_bytes())
    items = _convert(_set(tree, pointer, value))
    found = [i for item in items for i in item.issues if i.rule == "map-bad-cell" and i.pointer.startswith(pointer)]
    assert found, [(i.rule, i.pointer, i.message) for item in items for i in item.issues]
    assert all(i.code == "MAP002" for i in found)


def test_template_reader_reports_a_wrong_disease_list(templates_dir: Path, tmp_path: Path) -> None:
    tree = json.loads((templates_dir / TABLES[0]).read_bytes())
    path = tmp_path / "STK11_PJS_individuals.json"
    path.write_text(json.dumps(_set(tree, "/diseaseList", 7)))
    items = list(TemplateReader().read(path, ConvertOptions()))
    packets = [i.message for i in items if isinstance(i.message, Phenopacket)]
    assert len(packets) == 1 and packets[0].diseases[0].term.id == "OMIM:175200"
    assert packets[0].diseases[0].term.label == ""  # the label came from the unreadable diseaseList: not invented
    assert any(i.pointer == "/diseaseList" and i.rule == "map-bad-cell" for i in items[0].issues)
