"""Converting between Phenopacket serialisations never drops a value silently (convert-not-carried, CNV002).

protobuf has no place for an unknown field or an unknown enum name; the lenient parse leaves them out. The
conversion says so, names the value, and is an error under --strict; a clean store packet gets no such finding.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import phenotk
from phenotk.cli.app import main

pytestmark = pytest.mark.shared


@pytest.fixture
def packet(store_files: list[Path]) -> dict[str, Any]:
    return json.loads(store_files[0].read_text(encoding="utf-8"))


def _run(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    return int(exc.value.code or 0), capsys.readouterr().err


def test_clean_store_packets_carry_everything(store_files: list[Path], tmp_path: Path) -> None:
    conversion = phenotk.convert([str(p) for p in store_files[:200]], to="yaml")
    assert len(conversion.items()) == 200  # the report fills as the items stream
    assert all(i.rule != "convert-not-carried" for _, i in conversion.report.iter_issues())


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (lambda p: p["subject"].__setitem__("sex", "MAL"), "Invalid enum value MAL"),
        (
            lambda p: p.__setitem__("phenotypicFeature", p.pop("phenotypicFeatures")),
            'no field named "phenotypicFeature"',
        ),
    ],
)
def test_unknown_enum_name_or_field_is_reported(
    packet: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: Any, named: str
) -> None:
    edit(packet)
    src = tmp_path / "p.json"
    src.write_text(json.dumps(packet), encoding="utf-8")
    code, err = _run("convert", str(src), "-o", str(tmp_path / "p.yaml"), capsys=capsys)
    line = next(x for x in err.splitlines() if "convert-not-carried" in x)
    assert code == 0 and line.startswith(f"{src}: warning convert-not-carried: not carried: ") and named in line
    written = yaml.safe_load((tmp_path / "p.yaml").read_text(encoding="utf-8"))
    assert "sex" not in written["subject"] or "phenotypicFeature" not in written  # what was reported is gone
    code, err = _run("convert", str(src), "-o", str(tmp_path / "q.yaml"), "--strict", capsys=capsys)
    assert code == 1 and "error convert-not-carried" in err


def test_array_item_is_named_by_its_pointer_and_id(packet: dict[str, Any], tmp_path: Path) -> None:
    bad = json.loads(json.dumps(packet))
    bad["id"], bad["subject"]["sex"] = "second", "MAL"
    src = tmp_path / "a.json"
    src.write_text(json.dumps([packet, bad]), encoding="utf-8")
    conversion = phenotk.convert([str(src)], to="json")
    assert conversion.write(f"{tmp_path}/out/") == 2
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted([f"{packet['id']}.json", "second.json"])
    [(result, issue)] = [(r, i) for r, i in conversion.report.iter_issues() if i.rule == "convert-not-carried"]
    assert result.path == str(src) and issue.pointer == "/1/subject/sex"  # the item, then the member in it


def test_every_member_left_out_is_named_at_its_pointer(packet: dict[str, Any], tmp_path: Path) -> None:
    """The strict parser names only the first; each unknown field and enum name gets its own finding."""
    packet["subject"]["sex"] = "MAL"
    packet["phenotypicFeature"] = packet["phenotypicFeatures"][:1]
    packet["phenotypicFeatures"][-1]["severty"] = {"id": "HP:0012828", "label": "Severe"}
    packet["metaData"]["extra"] = 1
    src = tmp_path / "p.json"
    src.write_text(json.dumps(packet), encoding="utf-8")
    conversion = phenotk.convert([str(src)], to="json")
    conversion.items()
    found = sorted(
        (i.pointer, i.message) for _, i in conversion.report.iter_issues() if i.rule == "convert-not-carried"
    )
    last = len(packet["phenotypicFeatures"]) - 1
    assert [p for p, _ in found] == sorted(
        ["/metaData/extra", "/phenotypicFeature", f"/phenotypicFeatures/{last}/severty", "/subject/sex"]
    )
    assert any("Invalid enum value MAL" in m for _, m in found)
    assert any('no field named "severty" in PhenotypicFeature' in m for _, m in found)
