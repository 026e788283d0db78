"""``phenotk serve`` against odd and hostile clients: each test reproduces an input that once misbehaved.

Every server here is the conftest's: bound to 127.0.0.1 on a free port, stopped (and its temporary root removed)
by the fixture's teardown; nothing needs the network.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import httpx

#: a packet with a safe fix (sex "Female" -> "FEMALE") and a redundant ancestor
SYNTHETIC = {
    "id": "synthetic-1",
    "subject": {"id": "s1", "sex": "Female"},
    "phenotypicFeatures": [{"type": {"id": "HP:0001250", "label": "Seizure"}},
                           {"type": {"id": "HP:0012638", "label": "Abnormal nervous system physiology"}}],
    "metaData": {"created": "2024-01-01T00:00:00Z", "createdBy": "test", "phenopacketSchemaVersion": "2.0",
                 "resources": []},
}
SHEET = b"individual_id,sex,age_at_last_encounter,Seizure,Hypotonia\np1,female,P3Y,yes,no\np2,male,P10Y,no,yes\n"


def _workspace(c: httpx.Client) -> str:
    r = c.post("/api/workspaces")
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _upload(c: httpx.Client, ws: str, name: str, data: bytes) -> httpx.Response:
    return c.post(f"/api/workspaces/{ws}/files", files=[("files", (name, data))])


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _finding(run: dict[str, Any], rule: str, path: str) -> dict[str, Any]:
    return next(f for f in run["findings"] if f["rule"] == rule and f["path"] == path)


# ------------------------------------------------------------------------------------------- finding context


def test_a_zip_members_findings_show_the_members_lines_not_the_archive_bytes(client: httpx.Client) -> None:
    # the lines around a finding in "packets.zip!a.json" were read from packets.zip itself (compressed bytes),
    # once per finding: a 2 MB zip of 20,000 small members took minutes and 12 GB to list
    pretty = json.dumps(SYNTHETIC, indent=2).encode()
    others = {f"m{n}.json": json.dumps({**SYNTHETIC, "id": f"p{n}"}).encode() for n in range(300)}
    ws = _workspace(client)
    assert _upload(client, ws, "packets.zip", _zip({"a.json": pretty, **others})).status_code == 200
    run = client.post("/api/workspaces/" + ws + "/convert").json()
    enum = _finding(run, "schema-enum", "packets.zip!a.json")
    ctx = enum["context"]
    assert ctx["kind"] == "lines" and ctx["mark"] == enum["line"]
    assert '"sex": "Female"' in ctx["lines"][ctx["mark"] - ctx["first"]]
    one_line = _finding(run, "schema-enum", "packets.zip!m7.json")["context"]
    assert one_line["lines"][0].startswith("{") and '"id": "p7"' in one_line["lines"][0]


def test_a_long_line_is_shown_around_the_finding_not_whole(client: httpx.Client) -> None:
    # a minified packet is one line: every finding in it copied the whole line (40 MB file -> 40 MB per finding)
    packet = {**SYNTHETIC, "subject": {"id": "s1", "description": "x" * 50_000, "sex": "Female"}}
    ws = _workspace(client)
    assert _upload(client, ws, "minified.json", json.dumps(packet).encode()).status_code == 200
    run = client.post("/api/workspaces/" + ws + "/convert").json()
    enum = _finding(run, "schema-enum", "minified.json")
    line = enum["context"]["lines"][0]
    assert len(line) < 300 and '"sex": "Female"' in line
