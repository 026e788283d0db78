"""``fix_bytes`` on JSONL (several documents, one per line) and protobuf binary (re-serialised)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from phenopackets import Phenopacket

from phenotk.fixes.run import build_engine, fix_bytes
from phenotk.io import read


def test_jsonl_fixes_only_the_lines_that_need_it(fixtures_dir: Path) -> None:
    base = json.loads((fixtures_dir / "fix" / "four_space.json").read_text())
    bad = {**base, "id": "b", "subject": {"id": "P2", "sex": "female"}}
    lines = [json.dumps(base), json.dumps(bad, separators=(",", ":")), json.dumps({**base, "id": "c"})]
    raw = ("\n".join(lines) + "\n").encode()
    result = fix_bytes(raw, "many.jsonl", build_engine(), name="many.jsonl")
    assert [a.issue.rule for a in result.applied] == ["schema-enum"]
    out = result.new.decode().splitlines()
    assert out[0] == lines[0] and out[2] == lines[2]
    assert out[1] == lines[1].replace('"sex":"female"', '"sex":"FEMALE"')
    assert len(result.after) == 3 and not any(i.rule == "schema-enum" for r in result.after for i in r.issues)


def test_protobuf_binary_is_reserialised(hp_json: tuple[Path, Any], store_dir: Path) -> None:
    msg = read(store_dir / "11q_terminal_deletion/PMID_15266616_100.json")
    assert isinstance(msg, Phenopacket)
    msg.phenotypic_features[0].type.label = "Tall forehead"
    result = fix_bytes(msg.SerializeToString(), "case.pb", build_engine(hpo=hp_json[1]), name="case.pb")
    assert [a.issue.rule for a in result.applied] == ["hpo-label-mismatch"]
    fixed = Phenopacket()
    fixed.ParseFromString(result.new)
    assert fixed.phenotypic_features[0].type.label == "High forehead"
    assert fixed.phenotypic_features[1] == msg.phenotypic_features[1]
