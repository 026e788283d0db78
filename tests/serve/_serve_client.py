"""What the serve tests share: a small sheet, and a workspace and an upload through the API."""

from __future__ import annotations

import httpx

SHEET = b"individual_id,sex,age_at_last_encounter,Seizure,Hypotonia\np1,female,P3Y,yes,no\np2,male,P10Y,no,yes\n"


def _workspace(c: httpx.Client) -> str:
    r = c.post("/api/workspaces")
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _upload(c: httpx.Client, ws: str, name: str, data: bytes) -> httpx.Response:
    return c.post(f"/api/workspaces/{ws}/files", files=[("files", (name, data))])
