"""A JSON or YAML text (a phenopacket above all) is refused by the sheet readers, never read as a one-column CSV.

``phenotk mapping init marfan.json`` wrote a mapping whose subject id column was ``{`` and converting the file
``--from table`` with it wrote one packet without a finding: every sheet reader (streaming, in memory, the
preview ``mapping init`` uses) read the JSON text as a CSV of one column. Now each gives a one-line error naming
the file and what it is; the CLI exits 2. A REDCap JSON export keeps its own path (the REDCap reader parses JSON
itself), and one-column CSVs with a colon in the header stay sheets.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from phenotk.cli.app import app, main
from phenotk.conversion.table.sheets import open_table, preview_table, read_table, read_text_table, structured_kind
from phenotk.errors import InputError

PACKET = {"id": "p1", "subject": {"id": "s1"}, "phenotypicFeatures": [{"type": {"id": "HP:0001250"}}],
          "metaData": {"created": "2025-01-01T00:00:00Z"}}
runner = CliRunner()


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [("p.json", json.dumps(PACKET, indent=2), "a phenopacket (JSON)"),
     ("p.csv", json.dumps(PACKET), "a phenopacket (JSON)"),  # content, not the name
     ("rows.json", '[{"a": 1}, {"a": 2}]', "a JSON document"),
     ("empty.json", "{}", "a JSON document"),
     ("p.yaml", "id: p1\nsubject:\n  id: s1\nphenotypicFeatures:\n  - type: {id: HP:0001250}\n",
      "a phenopacket (YAML)"),
     ("m.txt", "---\nfoo: 1\n", "a YAML document"),
     ("conf.yml", "a,b\n", "a YAML document")],
)
def test_every_sheet_reader_refuses_json_and_yaml(tmp_path: Path, name: str, text: str, kind: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    for read in (lambda: read_table(path), lambda: open_table(path), lambda: preview_table(path),
                 lambda: read_text_table(path, data=path.read_bytes())):
        with pytest.raises(InputError) as err:
            read()
        message = str(err.value)
        assert name in message and f"is {kind}, not a sheet" in message and "\n" not in message


@pytest.mark.parametrize(
    "text",
    ["id,name\nP1,a\n", "Patient: ID\nP1\nP2\n", "id\n{x}\n", "[ID];Sex\nP1;M\n", "id:x,sex\nP1,M\n",
     "# a comment\nid\tsex\nP1\tM\n"],
)
def test_sheets_stay_sheets(tmp_path: Path, text: str) -> None:
    assert structured_kind(text, ".csv") is None
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8")
    assert read_table(path).header


def test_mapping_init_and_convert_on_a_phenopacket_exit_2_with_one_line(tmp_path: Path, capsys: Any) -> None:
    packet = tmp_path / "marfan.json"
    packet.write_text(json.dumps(PACKET, indent=2), encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        main(["mapping", "init", str(packet), "-o", str(tmp_path / "m.yaml")])
    err = capsys.readouterr().err
    assert done.value.code == 2 and not (tmp_path / "m.yaml").exists()
    assert "marfan.json" in err and "is a phenopacket (JSON), not a sheet" in err and "Traceback" not in err
    mapping = tmp_path / "m.yaml"
    mapping.write_text('phenotk_mapping: 1\nsubject:\n  id: "{"\n', encoding="utf-8")
    res = runner.invoke(app, ["convert", str(packet), "--from", "table", "--mapping", str(mapping), "--no-hpo",
                              "-o", f"{tmp_path / 'out'}/"])
    assert res.exit_code == 2, res.output
    assert "is a phenopacket (JSON), not a sheet" in res.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.json"))


def test_a_redcap_json_export_keeps_its_own_reader(shared_data: Path) -> None:
    from phenotk.conversion.redcap import convert_export

    d = shared_data / "redcap" / "rarelink"
    if not d.is_dir():
        pytest.skip("RareLink data not available")
    mappings = Path(__file__).resolve().parents[3] / "mappings"
    result = convert_export(d / "evaluation_cohort_redcap_export.json", mappings / "redcap-rarelink.yaml",
                            dictionary=d / "rarelink_cdm_datadictionary_v2_0_5.csv")
    assert len(result.packets) == 10
