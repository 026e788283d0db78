"""``validate`` refuses an integer value exactly when protobuf's JSON parser (the installed version) refuses it.

For each integer field type of the schema — uint64 (``VcfRecord.pos`` of a real store packet), uint32
(``VitalStatus.survivalTimeInDays``) and int32 (``GestationalAge.weeks``) — and each candidate value (numbers,
exponent forms, blanks, signs, underscores, non-ASCII digits, range edges), ``json_format.ParseDict`` on the whole
packet is the oracle: refused ⇔ a ``schema-type`` error or a ``value-out-of-range`` error saying protobuf refuses it.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format
from phenopackets import Phenopacket

from phenotk.validation.config import Options, engine_config
from phenotk.validation.runner import run

pytestmark = pytest.mark.shared

PACKET = "AAGAB/PMID_24573067_CASE_REPORT.json"
POS = "/interpretations/0/diagnosis/genomicInterpretations/0/variantInterpretation/variationDescriptor/vcfRecord/pos"

CANDIDATES: list[Any] = [
    "67236719", 67236719, "+12", "012", "1_000", "\u0661\u0662", "12\n", "\t12", " 12", "12 ", "1 2",
    "1e3", "1E3", "1.0", "1.0e3", "12.", ".5e1", "0.5e1", "1e-3", "1.5", 1.5, 1e3, 12.0, "1e19", "1e20",
    "0x10", "", "NaN", "Infinity", "-Infinity", True, "-0", "-1", -1, "-5", "0", 0,
    "2147483647", "2147483648", 2**31, -(2**31) - 1, "4294967295", "4294967296", 2**32,
    "18446744073709551615", "18446744073709551616", 2**64, "18446744073709551615.0", "9" * 5000,
]

#: field → (how to put the value in the packet, pointer of the value)
FIELDS = {
    "uint64": (lambda doc, v: _set_pos(doc, v), POS),
    "uint32": (
        lambda doc, v: doc["subject"].__setitem__("vitalStatus", {"status": "DECEASED", "survivalTimeInDays": v}),
        "/subject/vitalStatus/survivalTimeInDays",
    ),
    "int32": (
        lambda doc, v: doc["subject"].__setitem__("timeAtLastEncounter", {"gestationalAge": {"weeks": v}}),
        "/subject/timeAtLastEncounter/gestationalAge/weeks",
    ),
}


def _set_pos(doc: dict[str, Any], value: Any) -> None:
    node: Any = doc
    *parents, last = POS.strip("/").split("/")
    for t in parents:
        node = node[int(t)] if isinstance(node, list) else node[t]
    node[last] = value


def _protobuf_refuses(doc: dict[str, Any]) -> bool:
    try:
        json_format.ParseDict(doc, Phenopacket())
    except (json_format.ParseError, ValueError, TypeError):
        return True
    return False


@pytest.mark.parametrize("kind", list(FIELDS))
def test_validate_refuses_exactly_what_protobuf_refuses(store_dir: Path, tmp_path: Path, kind: str) -> None:
    base = json.loads((store_dir / PACKET).read_text(encoding="utf-8"))
    assert not _protobuf_refuses(base)
    put, pointer = FIELDS[kind]
    paths, oracle = [], {}
    for n, value in enumerate(CANDIDATES):
        doc = copy.deepcopy(base)
        put(doc, value)
        path = tmp_path / f"{kind}_{n}.json"
        path.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
        paths.append(str(path))
        oracle[str(path)] = _protobuf_refuses(doc)
    report = run(paths, engine_config(Options(no_hpo=True, select=["schema-type", "value-out-of-range"])))
    refused = {
        r.path
        for r, i in report.iter_issues()
        if i.pointer == pointer
        and i.severity.value == "error"
        and (i.rule == "schema-type" or "protobuf readers refuse" in i.message)
    }
    disagree = [(CANDIDATES[paths.index(p)], oracle[p]) for p in paths if (p in refused) != oracle[p]]
    assert disagree == [], "(value, protobuf refuses) where validate disagrees"
    assert 10 < sum(oracle.values()) < len(CANDIDATES) - 10  # the candidates exercise both answers
