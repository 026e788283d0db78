"""REDCap exports on the page: a shipped or dropped mapping, the data dictionary, the CLI's packets."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from _serve_client import _upload, _workspace

import phenotk
from phenotk.io import Format, dumps

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = {  # shared-data folder: export, dictionary (or None), shipped mapping
    "rarelink": ("evaluation_cohort_redcap_export.json", "rarelink_cdm_datadictionary_v2_0_5.csv", "redcap-rarelink"),
    "convert-pheno": ("redcap_data.csv", "redcap_dictionary.csv", "redcap-convert-pheno"),
    "erker": ("sdv_synthetic_data_redcap_export.csv", None, "redcap-erker"),
}


def _page_packets(c: httpx.Client, ws: str) -> dict[str, Any]:
    out = {}
    with zipfile.ZipFile(io.BytesIO(c.get(f"/api/workspaces/{ws}/download/packets.zip").content)) as zf:
        for name in zf.namelist():
            doc = json.loads(zf.read(name))
            assert doc["metaData"].pop("created").endswith("Z")
            out[doc["id"]] = doc
    return out


def _cli_packets(export: Path, mapping: Path, hpo: Any, **kwargs: Any) -> tuple[dict[str, Any], Any]:
    conv = phenotk.convert(export, mapping=mapping, hpo=hpo, **kwargs)
    out = {}
    for message in conv.messages():
        doc = json.loads(dumps(message, Format.JSON))
        doc["metaData"].pop("created")
        out[doc["id"]] = doc
    return out, conv.report.summary


@pytest.mark.parametrize("project", sorted(EXAMPLES))
def test_a_shipped_redcap_mapping_gives_the_clis_packets(client: httpx.Client, shared_data: Path, hpo_index: Any,
                                                          project: str) -> None:
    # the mapping button showed for sheets only: a REDCap JSON export could not be given a mapping on the page,
    # and the data dictionary dropped with it was "a sheet" that "needs a mapping" (an error on every run)
    export_name, dictionary, mapping = EXAMPLES[project]
    folder = shared_data / "redcap" / project
    ws = _workspace(client)
    names = [export_name] + ([dictionary] if dictionary else [])
    saved = client.post(f"/api/workspaces/{ws}/files",
                        files=[("files", (n, (folder / n).read_bytes())) for n in names]).json()["files"]
    kinds = {f["name"]: (f["kind"], f["takes_mapping"]) for f in saved}
    assert kinds[export_name] == ("redcap", True)
    if dictionary:
        assert kinds[dictionary] == ("REDCap data dictionary", False)
    shipped = {m["name"]: m["redcap"] for m in client.get("/api/mappings").json()["mappings"]}
    assert {k for k, v in shipped.items() if v} >= {"redcap-rarelink", "redcap-erker", "redcap-convert-pheno"}
    r = client.post(f"/api/workspaces/{ws}/mapping/{export_name}/use", json={"shipped": mapping})
    assert r.status_code == 200, r.text
    assert r.json()["origin"] == mapping and len(r.json()["columns"]) > 50  # the export's fields, JSON too
    listed = {f["name"]: f for f in client.get(f"/api/workspaces/{ws}").json()["files"]}
    assert listed[export_name]["mapped"] and listed[export_name]["mapping_from"] == mapping
    run = client.post(f"/api/workspaces/{ws}/convert").json()
    assert run["errors"] == []
    expected, summary = _cli_packets(folder / export_name, REPO / "mappings" / f"{mapping}.yaml", hpo_index)
    assert _page_packets(client, ws) == expected and len(expected) == run["packets"] > 0
    assert run["summary"] == summary


def test_an_export_without_a_mapping_says_what_to_choose(client: httpx.Client, shared_data: Path) -> None:
    export = shared_data / "redcap" / "rarelink" / "evaluation_cohort_redcap_export.json"
    ws = _workspace(client)
    assert _upload(client, ws, export.name, export.read_bytes()).status_code == 200
    run = client.post(f"/api/workspaces/{ws}/convert").json()
    # was the CLI's advice: "--mapping mappings/redcap-rarelink.yaml (or …)", naming no control of the page
    assert run["errors"] == [f"{export.name}: a REDCap export needs a mapping: choose one in the “Mapping” list "
                             "next to it (a shipped REDCap mapping, or a mapping YAML you dropped here) and press "
                             "“Use mapping”"]
    assert "--mapping" not in json.dumps(run)


def test_a_dropped_mapping_and_a_dictionary_of_any_name(client: httpx.Client, shared_data: Path,
                                                        hpo_index: Any, tmp_path: Path) -> None:
    folder = shared_data / "redcap" / "convert-pheno"
    mapping = (REPO / "mappings" / "redcap-convert-pheno.yaml").read_bytes()
    ws = _workspace(client)
    files = [("redcap_data.csv", (folder / "redcap_data.csv").read_bytes()),
             ("IBD project DD.csv", (folder / "redcap_dictionary.csv").read_bytes()),  # not a name REDCap gives
             ("ibd.yaml", mapping)]
    listed = client.post(f"/api/workspaces/{ws}/files", files=[("files", f) for f in files]).json()["files"]
    assert {f["name"]: f["kind"] for f in listed}["IBD project DD.csv"] == "REDCap data dictionary"
    # only a mapping YAML can be used as one; only sheets and exports take one
    r = client.post(f"/api/workspaces/{ws}/mapping/redcap_data.csv/use", json={"upload": "IBD project DD.csv"})
    assert r.status_code == 400 and "not a phenotk mapping YAML" in r.json()["error"]
    r = client.post(f"/api/workspaces/{ws}/mapping/ibd.yaml/use", json={"shipped": "redcap-erker"})
    assert r.status_code == 400 and "only sheets and REDCap exports" in r.json()["error"]
    r = client.post(f"/api/workspaces/{ws}/mapping/redcap_data.csv/use", json={"shipped": "redcap-nope"})
    assert r.status_code == 404 and "redcap-erker" in r.json()["error"]
    r = client.post(f"/api/workspaces/{ws}/mapping/redcap_data.csv/use", json={"upload": "ibd.yaml"})
    assert r.status_code == 200 and r.json()["origin"] == "ibd.yaml"
    run = client.post(f"/api/workspaces/{ws}/convert").json()
    assert run["errors"] == []
    # the CLI with the dictionary named on the command line (-O dictionary=…)
    expected, _ = _cli_packets(folder / "redcap_data.csv", REPO / "mappings" / "redcap-convert-pheno.yaml",
                               hpo_index, options={"dictionary": str(folder / "redcap_dictionary.csv")})
    assert _page_packets(client, ws) == expected
    assert "redcap-dictionary-missing" not in {f["rule"] for f in run["findings"]}  # the dictionary was used
    # two dictionaries: one named like a dictionary is used as the CLI would; a note names them all
    assert _upload(client, ws, "other_dictionary.csv", (folder / "redcap_dictionary.csv").read_bytes()).is_success
    run = client.post(f"/api/workspaces/{ws}/convert").json()
    assert any("2 REDCap data dictionaries are uploaded (IBD project DD.csv, other_dictionary.csv); it is read "
               "with other_dictionary.csv" in n for n in run["notes"])
    # two with names no look-up picks: none is guessed
    assert client.delete(f"/api/workspaces/{ws}/files/other_dictionary.csv").is_success
    assert _upload(client, ws, "second DD.csv", (folder / "redcap_dictionary.csv").read_bytes()).is_success
    run = client.post(f"/api/workspaces/{ws}/convert").json()
    assert "redcap-dictionary-missing" in {f["rule"] for f in run["findings"]}
    assert any("none is used, so choice codes stay codes" in n for n in run["notes"])


def test_a_shipped_sheet_mapping_gives_the_clis_packets(client: httpx.Client, hpo_index: Any) -> None:
    # the Mapping list offers the shipped sheet mappings too (generic-wide …), not the REDCap ones
    sheet = REPO / "tests" / "fixtures" / "mapping" / "wide.csv"
    ws = _workspace(client)
    assert _upload(client, ws, sheet.name, sheet.read_bytes()).status_code == 200
    shipped = {m["name"]: m["redcap"] for m in client.get("/api/mappings").json()["mappings"]}
    assert shipped["generic-wide"] is False and shipped["redcap-erker"] is True
    r = client.post(f"/api/workspaces/{ws}/mapping/{sheet.name}/use", json={"shipped": "generic-wide"})
    assert r.status_code == 200 and r.json()["origin"] == "generic-wide"
    run = client.post(f"/api/workspaces/{ws}/convert").json()
    expected, summary = _cli_packets(sheet, REPO / "mappings" / "generic-wide.yaml", hpo_index)
    assert _page_packets(client, ws) == expected and run["packets"] == len(expected) > 0
    assert run["summary"] == summary
