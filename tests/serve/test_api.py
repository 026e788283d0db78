"""The JSON API of ``phenotk serve``: token on every endpoint, CSRF, upload limits, bombs, names, encodings, load."""

from __future__ import annotations

import io
import json
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from _serve_client import SHEET, _upload, _workspace

import phenotk
from phenotk.serve.app import TOKEN_HEADER
from phenotk.serve.server import BackgroundServer


def _without_created(packets: dict[str, Any]) -> dict[str, Any]:
    """Packets without metaData.created (the time of each conversion run; asserted present)."""
    for p in packets.values():
        assert p["metaData"].pop("created").endswith("Z")
    return packets


def _files_under(root: Path) -> set[str]:
    return {p.name for p in root.rglob("*") if p.is_file()}


# ------------------------------------------------------------------------------------------- token, CSRF


def _every_route(server: BackgroundServer) -> list[tuple[str, str]]:
    app = server.server.config.app.fastapi
    out = []
    for route in app.routes:
        path = route.path.replace("{ws_id}", "x").replace("{name}", "a.csv").replace("{code}", "HPO001")
        path = path.replace("{fmt}", "html")
        out.extend((m, path) for m in sorted(route.methods or ()) if m != "HEAD")
    return out


def test_every_endpoint_without_the_token_is_403(server: BackgroundServer) -> None:
    routes = _every_route(server)
    assert len(routes) >= 20 and ("GET", "/openapi.json") in routes and ("GET", "/") in routes
    with httpx.Client(base_url=server.base, timeout=30) as anon:
        for method, path in routes:
            for headers in ({}, {TOKEN_HEADER: "wrong"}):
                r = anon.request(method, path, headers=headers)
                assert r.status_code == 403, (method, path, r.status_code)
                assert "forbidden" in r.json()["error"]
    # with the token the same routes answer (404 for the made-up workspace, never 403)
    with httpx.Client(base_url=server.base, headers={TOKEN_HEADER: server.state.token}, timeout=30) as c:
        assert {c.request(m, p).status_code for m, p in routes if "/workspaces/x" in p} <= {404, 422}
        assert c.get("/openapi.json").json()["info"]["title"] == "phenotk serve"


def test_token_in_url_sets_a_cookie_that_is_enough_for_reading_but_not_for_changes(server: BackgroundServer) -> None:
    with httpx.Client(base_url=server.base, timeout=30) as browser:
        page = browser.get("/", params={"token": server.state.token})
        assert page.status_code == 200 and page.headers["content-security-policy"].startswith("default-src 'none'")
        cookie = page.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert browser.get("/api/info").status_code == 200  # cookie only
        r = browser.post("/api/workspaces")  # a cross-site form could send the cookie, never the header
        assert r.status_code == 403 and "CSRF" in r.json()["error"]
    with httpx.Client(base_url=server.base, headers={TOKEN_HEADER: server.state.token}, timeout=30) as c:
        assert c.post("/api/workspaces", headers={"origin": "http://evil.example"}).status_code == 403
        assert c.get("/api/info", headers={"host": "evil.example"}).status_code == 403  # DNS rebinding
        assert c.post("/api/workspaces", headers={"origin": server.base}).status_code == 201


# ------------------------------------------------------------------------------------------- uploads


def test_oversized_upload_and_too_many_files_are_refused(small_server: BackgroundServer) -> None:
    token = small_server.state.token
    root = small_server.state.store.root
    with httpx.Client(base_url=small_server.base, headers={TOKEN_HEADER: token}, timeout=60) as c:
        ws = _workspace(c)
        r = _upload(c, ws, "big.csv", b"a,b\n" + b"1,2\n" * 60_000)  # 240 kB > 200 kB
        assert r.status_code == 413 and "big.csv" in r.json()["error"] and "limit" in r.json()["error"]
        r = _upload(c, ws, "huge.csv", b"x" * 1_200_000)  # over the request limit: refused before parsing
        assert r.status_code == 413
        for n in range(8):
            assert _upload(c, ws, f"s{n}.csv", SHEET).status_code == 200
        r = _upload(c, ws, "s9.csv", SHEET)
        assert r.status_code == 413 and "8 files" in r.json()["error"]
        assert _upload(c, ws, "s0.csv", SHEET).status_code == 200  # replacing one is fine
    assert _files_under(root) == {f"s{n}.csv" for n in range(8)}


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.json", b"0" * 30_000_000)  # 30 MB of zeros: ~30 kB compressed
    return buf.getvalue()


def _xlsx_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<sheetData>" + b" " * 30_000_000 + b"</sheetData>")
    return buf.getvalue()


def test_zip_and_xlsx_bombs_are_refused_and_not_kept(client: httpx.Client, server: BackgroundServer) -> None:
    ws = _workspace(client)
    bomb = _zip_bomb()
    assert len(bomb) < 100_000
    r = _upload(client, ws, "cohort.zip", bomb)
    assert r.status_code == 400 and "zip bomb" in r.json()["error"] and "cohort.zip" in r.json()["error"]
    r = _upload(client, ws, "sheet.xlsx", _xlsx_bomb())
    assert r.status_code == 400 and "zip bomb" in r.json()["error"] and "sheet.xlsx" in r.json()["error"]
    r = _upload(client, ws, "fake.xlsx", b"not a zip at all")
    assert r.status_code == 400 and "not an XLSX" in r.json()["error"]
    assert _files_under(server.state.store.root) == set()
    assert client.get(f"/api/workspaces/{ws}").json()["files"] == []


@pytest.mark.parametrize("name", ["../evil.csv", "../../etc/evil.csv", "/tmp/evil.csv", "sub/evil.csv",
                                  "..\\evil.csv", ".hidden.csv", ".."])
def test_names_with_paths_are_refused(client: httpx.Client, server: BackgroundServer, name: str) -> None:
    ws = _workspace(client)
    r = _upload(client, ws, name, SHEET)
    assert r.status_code == 400, r.text
    assert "refused" in r.json()["error"]
    root = server.state.store.root
    assert _files_under(root.parent) == set()  # nothing written in the root nor next to it
    r = client.delete(f"/api/workspaces/{ws}/files/..%2F..%2Fx")
    assert r.status_code in (400, 404)


def test_windows_full_paths_keep_only_the_base_name(client: httpx.Client, server: BackgroundServer) -> None:
    # python-multipart reduces an old-IE full path (C:\\…) to its base name before the app sees it
    ws = _workspace(client)
    r = _upload(client, ws, "C:\\Users\\x\\evil.csv", SHEET)
    assert r.status_code == 200 and r.json()["saved"][0]["name"] == "evil.csv"
    assert [p.relative_to(server.state.store.root).as_posix() for p in server.state.store.root.rglob("*.csv")] == [
        f"{ws}/inputs/evil.csv"]


def test_non_utf8_sheets_give_clear_errors_or_are_read_as_cp1252(client: httpx.Client) -> None:
    ws = _workspace(client)
    assert _upload(client, ws, "broken.csv", b"\xff\xfei\x00d\x00,\x00\x81\x00\n").status_code == 200
    r = client.post(f"/api/workspaces/{ws}/mapping/broken.csv/init")
    assert r.status_code == 400
    error = r.json()["error"]
    assert error.startswith("broken.csv: ") and "UTF-16" in error and "UTF-8" in error and "/" not in error
    cp1252 = "individual_id;sex;Seizure\np1;männlich;ja\n".encode("cp1252")
    assert _upload(client, ws, "de.csv", cp1252).status_code == 200
    r = client.post(f"/api/workspaces/{ws}/mapping/de.csv/init")
    assert r.status_code == 200, r.text
    assert [c["column"] for c in r.json()["columns"]] == ["individual_id", "sex", "Seizure"]
    run = client.post(f"/api/workspaces/{ws}/convert").json()
    broken = [f for f in run["findings"] if f["path"] == "broken.csv"]
    assert broken and broken[0]["code"] == "IO001" and "UTF-16" in broken[0]["message"]
    assert run["errors"] and run["errors"][0].startswith("broken.csv")


def test_server_survives_50_concurrent_uploads(client: httpx.Client, server: BackgroundServer) -> None:
    workspaces = [_workspace(client) for _ in range(5)]
    token = server.state.token

    def one(n: int) -> int:
        with httpx.Client(base_url=server.base, headers={TOKEN_HEADER: token}, timeout=60) as c:
            return _upload(c, workspaces[n % 5], f"sheet{n}.csv", SHEET * 50).status_code

    with ThreadPoolExecutor(max_workers=25) as pool:
        codes = list(pool.map(one, range(50), timeout=120))
    assert codes == [200] * 50
    listed = [len(client.get(f"/api/workspaces/{w}").json()["files"]) for w in workspaces]
    assert listed == [10] * 5
    assert client.get("/api/info").status_code == 200


def test_idle_workspaces_are_removed(client: httpx.Client, server: BackgroundServer) -> None:
    ws = _workspace(client)
    assert _upload(client, ws, "a.csv", SHEET).status_code == 200
    directory = server.state.store.root / ws
    assert (directory / "inputs" / "a.csv").is_file()
    import time

    assert server.state.store.sweep(now=time.monotonic() + server.state.limits.idle_seconds + 1) == [ws]
    assert not directory.exists()
    r = client.get(f"/api/workspaces/{ws}")
    assert r.status_code == 404 and "reload" in r.json()["error"]


def test_stopping_removes_every_file(hpo_index: Any, tmp_path: Path) -> None:
    from phenotk.serve.server import make_state

    srv = BackgroundServer(make_state(hpo=hpo_index, root=tmp_path)).start()
    with httpx.Client(base_url=srv.base, headers={TOKEN_HEADER: srv.state.token}, timeout=30) as c:
        assert _upload(c, _workspace(c), "a.csv", SHEET).status_code == 200
    assert _files_under(tmp_path) == {"a.csv"}
    srv.stop()
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------------------- the run


def test_api_run_equals_the_library_conversion(client: httpx.Client, template_xlsx: Path, hpo_index: Any,
                                               tmp_path: Path) -> None:
    ws = _workspace(client)
    name = template_xlsx.name
    assert _upload(client, ws, name, template_xlsx.read_bytes()).json()["saved"][0]["kind"] == "template"
    view = client.post(f"/api/workspaces/{ws}/mapping/{name}/init").json()
    meaning = {c["column"]: c["meaning"] for c in view["columns"]}
    assert meaning["sex"] == "subject.sex" and meaning["transcript"] == "unplaced"
    view = client.post(f"/api/workspaces/{ws}/mapping/{name}/column",
                       json={"column": "transcript", "meaning": "variant.transcript"}).json()
    assert {c["column"]: c["meaning"] for c in view["columns"]}["transcript"] == "variant.transcript"
    mapping_text = client.get(f"/api/workspaces/{ws}/mapping/{name}/yaml").text
    assert all(v.get("transcript") == "transcript" for v in yaml.safe_load(mapping_text)["variants"])
    run = client.post(f"/api/workspaces/{ws}/convert").json()
    mapping = tmp_path / "m.yaml"
    mapping.write_text(mapping_text, encoding="utf-8")
    expected = phenotk.convert(template_xlsx, mapping=mapping, from_="table", hpo=hpo_index)
    messages = expected.messages()
    assert run["packets"] == len(messages) == 3
    got = zipfile.ZipFile(io.BytesIO(client.get(f"/api/workspaces/{ws}/download/packets.zip").content))
    packets = {json.loads(got.read(n))["id"]: json.loads(got.read(n)) for n in got.namelist()}
    assert _without_created(packets) == _without_created({m.id: json.loads(phenotk.io.dumps(m)) for m in messages})
    codes = sorted(f["code"] for f in run["findings"])
    assert codes == sorted(i.code for i in expected.report.issues)
    assert not any(f["cell"].get("column") == "transcript" for f in run["findings"])  # no longer unmapped
    report = client.get(f"/api/workspaces/{ws}/download/report.json").json()
    assert report["summary"] == expected.report.summary
    assert str(tmp_path) not in json.dumps(report) and "phenotk-serve-" not in json.dumps(report)
    doc = client.get(f"/api/findings/{codes[0]}").json()
    assert "What to do:" in doc["doc"] or "Why" in doc["doc"]
    assert client.get("/api/hpo/search", params={"q": "lipodystr"}).json()["terms"][0]["id"] == "HP:0009125"


SYNTHETIC = {
    "id": "synthetic-1",
    "subject": {"id": "s1", "sex": "Female"},
    "phenotypicFeatures": [{"type": {"id": "HP:0001250", "label": "Seizure"}},
                           {"type": {"id": "HP:0012638", "label": "Abnormal nervous system physiology"}}],
    "metaData": {"created": "2024-01-01T00:00:00Z", "createdBy": "test", "phenopacketSchemaVersion": "2.0",
                 "resources": []},
}


def test_uploaded_phenopacket_findings_with_lines_then_fixed_copy(client: httpx.Client, server: BackgroundServer,
                                                                  hpo_index: Any, tmp_path: Path) -> None:
    text = json.dumps(SYNTHETIC, indent=2).encode()
    ws = _workspace(client)
    assert _upload(client, ws, "synthetic.json", text).json()["saved"][0]["kind"] == "phenopacket"
    run = client.post(f"/api/workspaces/{ws}/convert").json()
    original = tmp_path / "synthetic.json"
    original.write_bytes(text)
    expected = phenotk.validate(original, hpo=hpo_index)
    assert sorted((f["code"], f["line"]) for f in run["findings"]) == sorted((i.code, i.line) for i in expected.issues)
    enum = next(f for f in run["findings"] if f["rule"] == "schema-enum")
    assert enum["path"] == "synthetic.json" and enum["fix"] == "safe"
    lines = enum["context"]
    assert lines["kind"] == "lines" and lines["mark"] == enum["line"]
    assert '"sex": "Female"' in lines["lines"][lines["mark"] - lines["first"]]
    plan = client.post(f"/api/workspaces/{ws}/fixes/plan").json()["files"]
    assert [p["file"] for p in plan] == ["synthetic.json"]
    assert '-    "sex": "Female"' in plan[0]["diff"] and '+    "sex": "FEMALE"' in plan[0]["diff"]
    applied = client.post(f"/api/workspaces/{ws}/fixes/apply", json={}).json()
    assert {a["rule"] for a in applied["applied"]} >= {"schema-enum", "hpo-redundant-ancestor"}
    assert any(f["fixed"] for f in applied["findings"] if f["rule"] == "schema-enum")
    fixed_zip = zipfile.ZipFile(io.BytesIO(client.get(f"/api/workspaces/{ws}/download/fixed.zip").content))
    assert fixed_zip.namelist() == ["synthetic.json"]
    library, _ = phenotk.fix(str(original), hpo=hpo_index)
    assert json.loads(fixed_zip.read("synthetic.json")) == json.loads(phenotk.io.dumps(library))
    stored = server.state.store.root / ws / "inputs" / "synthetic.json"
    assert stored.read_bytes() == text  # the upload itself is never changed
    summary = client.get(f"/api/workspaces/{ws}/summary").json()
    assert summary["packets"] == 1 and summary["plots"]


def test_too_many_files_at_once_says_what_to_do(small_server: BackgroundServer) -> None:
    # 500 store packets dropped at once: "upload refused: Too many files. Maximum number of files is 50."
    token = small_server.state.token
    with httpx.Client(base_url=small_server.base, headers={TOKEN_HEADER: token}, timeout=60) as c:
        ws = _workspace(c)
        files = [("files", (f"p{n}.json", b"{}")) for n in range(20)]
        r = c.post(f"/api/workspaces/{ws}/files", files=files)
        assert r.status_code == 413
        assert r.json()["error"] == ("upload refused: more than 8 files at once, and a session holds at most 8; drop "
                                     "phenopackets as one .zip file (it counts as one), or start phenotk serve with a "
                                     "higher --max-files")
        # a session that already holds some: the ones stored before the refusal are named
        for n in range(6):
            assert _upload(c, ws, f"s{n}.csv", SHEET).status_code == 200
        r = c.post(f"/api/workspaces/{ws}/files", files=[("files", (f"t{n}.csv", SHEET)) for n in range(4)])
        assert r.status_code == 413
        assert r.json()["error"] == ("t2.csv: this session already holds 8 files (the limit); the 2 file(s) before "
                                     "it in this upload were stored (t0.csv, t1.csv), the rest were not")
        assert len(c.get(f"/api/workspaces/{ws}").json()["files"]) == 8
