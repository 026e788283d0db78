"""``phenotk serve`` against odd and hostile clients: each test reproduces an input that once misbehaved.

Every server here is the conftest's: bound to 127.0.0.1 on a free port, stopped (and its temporary root removed)
by the fixture's teardown; nothing needs the network.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from _serve_client import SHEET, _upload, _workspace

import phenotk
from phenotk.serve.app import TOKEN_HEADER
from phenotk.serve.server import BackgroundServer, make_state
from phenotk.serve.workspace import ServeError

#: a packet with a safe fix (sex "Female" -> "FEMALE") and a redundant ancestor
SYNTHETIC = {
    "id": "synthetic-1",
    "subject": {"id": "s1", "sex": "Female"},
    "phenotypicFeatures": [{"type": {"id": "HP:0001250", "label": "Seizure"}},
                           {"type": {"id": "HP:0012638", "label": "Abnormal nervous system physiology"}}],
    "metaData": {"created": "2024-01-01T00:00:00Z", "createdBy": "test", "phenopacketSchemaVersion": "2.0",
                 "resources": []},
}


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
    # 1,505 findings: more than one answer carries (1,000); the server's filter finds the member's
    found = client.get(f"/api/workspaces/{ws}/findings", params={"q": "packets.zip!m7.json"}).json()
    one_line = _finding(found, "schema-enum", "packets.zip!m7.json")["context"]
    assert one_line["lines"][0].startswith("{") and '"id": "p7"' in one_line["lines"][0]


def test_a_zip_of_thousands_of_members_lists_its_findings_quickly(client: httpx.Client) -> None:
    # the archive was opened again for every finding (its whole directory read each time): 2,000 members took
    # 47 s to list under a profiler, 20,000 more than 5 minutes; now each archive is opened once per listing
    ws = _workspace(client)
    assert _upload(client, ws, "many.zip", _zip({f"m{n}.json": b"{}" for n in range(3000)})).status_code == 200
    started = time.monotonic()
    r = client.post("/api/workspaces/" + ws + "/convert", timeout=60)
    assert r.status_code == 200 and r.json()["summary"]["errors"] == 3000
    assert time.monotonic() - started < 10
    assert r.json()["findings"][5]["context"]["lines"] == ["{}"]


def test_a_long_line_is_shown_around_the_finding_not_whole(client: httpx.Client) -> None:
    # a minified packet is one line: every finding in it copied the whole line (40 MB file -> 40 MB per finding)
    packet = {**SYNTHETIC, "subject": {"id": "s1", "description": "x" * 50_000, "sex": "Female"}}
    ws = _workspace(client)
    assert _upload(client, ws, "minified.json", json.dumps(packet).encode()).status_code == 200
    run = client.post("/api/workspaces/" + ws + "/convert").json()
    enum = _finding(run, "schema-enum", "minified.json")
    line = enum["context"]["lines"][0]
    assert len(line) < 300 and '"sex": "Female"' in line


# ------------------------------------------------------------------------------------------- stopping


def _start_cli(hpo_dir: Path, tmp_path: Path, *extra: str) -> tuple[subprocess.Popen[str], str | None, str]:
    env = {**os.environ, "TMPDIR": str(tmp_path), "PHENOTK_OFFLINE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "phenotk", "serve", "--no-browser", "--hpo",
                             str(hpo_dir / "hp.json"), *extra], stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line)
        found = re.search(r"open (http://127\.0\.0\.1:\d+/\?token=[\w-]+)", line)
        if found:
            return proc, found.group(1), "".join(lines)
    return proc, None, "".join(lines)


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM)])
def test_kill_or_closing_the_terminal_removes_the_uploads(hpo_dir: Path, tmp_path: Path, signum: int) -> None:
    # SIGTERM (kill, logout, a task manager) ended the process at once: the uploads stayed in the temp folder
    proc, url, log = _start_cli(hpo_dir, tmp_path, "--port", "0")
    try:
        assert url is not None, log
        token = url.split("token=")[1]
        with httpx.Client(base_url=url.split("/?")[0], headers={TOKEN_HEADER: token}, timeout=30) as c:
            assert _upload(c, _workspace(c), "patients.csv", SHEET).status_code == 200
        assert [p.name for p in tmp_path.rglob("*.csv")] == ["patients.csv"]
    finally:
        proc.send_signal(signum)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover - never leave a server behind
            proc.kill()
            pytest.fail("phenotk serve did not stop")
    assert list(tmp_path.iterdir()) == []
    assert "Traceback" not in (proc.stderr.read() if proc.stderr else "")


def test_a_taken_port_leaves_no_temporary_folder(hpo_dir: Path, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        proc, url, _ = _start_cli(hpo_dir, tmp_path, "--port", str(port))
        proc.wait(timeout=60)
    assert url is None and proc.returncode == 2
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------------------- what leaves the page


def test_reports_and_the_mapping_never_name_the_session_folder(client: httpx.Client, server: BackgroundServer) -> None:
    # hpo-release-older's context lists the files per release with their full paths, and the starter mapping's
    # comment names the sheet by its path: both reached the downloads (on Windows the path names the user)
    newer = {**SYNTHETIC, "metaData": {**SYNTHETIC["metaData"], "resources": [  # type: ignore[dict-item]
        {"id": "hp", "name": "human phenotype ontology", "url": "http://purl.obolibrary.org/obo/hp.owl",
         "version": "2099-01-01", "namespacePrefix": "HP", "iriPrefix": "http://purl.obolibrary.org/obo/HP_"}]}}
    ws = _workspace(client)
    assert _upload(client, ws, "newer.json", json.dumps(newer, indent=2).encode()).status_code == 200
    assert _upload(client, ws, "sheet.csv", SHEET).status_code == 200
    assert client.post(f"/api/workspaces/{ws}/mapping/sheet.csv/init").status_code == 200
    run = client.post(f"/api/workspaces/{ws}/convert").json()
    assert any(f["rule"] == "hpo-release-older" for f in run["findings"])
    root = str(server.state.store.root)
    texts = {"findings": json.dumps(run)}
    for fmt in ("html", "json", "sarif", "csv"):
        texts[fmt] = client.get(f"/api/workspaces/{ws}/download/report.{fmt}").text
    texts["mapping"] = client.get(f"/api/workspaces/{ws}/mapping/sheet.csv/yaml").text
    assert "sheet.csv" in texts["mapping"]
    leaks = {k for k, text in texts.items() if root in text or "phenotk-serve-" in text or ws + "/inputs" in text}
    assert leaks == set()


# ------------------------------------------------------------------------------------------- request shapes


def test_every_refusal_has_the_one_error_shape(client: httpx.Client) -> None:
    # unknown paths, wrong methods and unparsable JSON bodies answered {"detail": ...} (Starlette's own shape)
    ws = _workspace(client)
    assert _upload(client, ws, "s.csv", SHEET).status_code == 200
    answers = [client.get(f"/api/workspaces/{ws}/download/..%2F..%2Fetc%2Fpasswd"),
               client.delete(f"/api/workspaces/{ws}/files/%2Fetc%2Fpasswd"),
               client.get("/favicon.ico"),
               client.request("TRACE", "/api/info"),
               client.put(f"/api/workspaces/{ws}/mapping/s.csv", content=b'{"yaml":' + b"[" * 5000 + b"]" * 5000
                          + b"}", headers={"content-type": "application/json"})]
    assert [r.status_code for r in answers] == [404, 404, 404, 405, 400]
    for r in answers:
        body = r.json()
        assert list(body) == ["error"] and "\n" not in body["error"], body


def test_json_bodies_are_limited_like_uploads(small_server: BackgroundServer) -> None:
    # PUT …/mapping took any body into memory (only uploads were limited): 1.5 MB here, 50 MB limit by default
    big = json.dumps({"yaml": "phenotk_mapping: 1\n# " + "x" * 1_500_000}).encode()
    with httpx.Client(base_url=small_server.base, headers={TOKEN_HEADER: small_server.state.token}, timeout=60) as c:
        ws = _workspace(c)
        assert _upload(c, ws, "s.csv", SHEET).status_code == 200
        r = c.put(f"/api/workspaces/{ws}/mapping/s.csv", content=big, headers={"content-type": "application/json"})
        assert r.status_code == 413 and "limit" in r.json()["error"]

        def chunks() -> Any:  # no Content-Length: chunked transfer
            for n in range(0, len(big), 65536):
                yield big[n:n + 65536]

        r = c.put(f"/api/workspaces/{ws}/mapping/s.csv", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413 and "limit" in r.json()["error"]
        assert c.get("/api/info").status_code == 200
        small = {"yaml": "phenotk_mapping: 1\nsubject:\n  id: individual_id\n"}
        assert c.put(f"/api/workspaces/{ws}/mapping/s.csv", json=small).status_code == 200


# ------------------------------------------------------------------------------------------- names


@pytest.mark.parametrize("name", ["<img src=x onerror=alert(1)>.json", "a:b.csv", "what?.csv", "star*.csv",
                                  "pipe|.csv", "NUL.json", "con.csv", "com1.xlsx", "lpt9", "trailing.csv.",
                                  "trailing.csv "])
def test_names_windows_cannot_store_are_refused(client: httpx.Client, server: BackgroundServer, name: str) -> None:
    # the page runs on the curator's PC: on Windows these names raised OSError when saved (a 500), wrote to a
    # device (NUL, COM1) or to an alternate data stream (a:b), or saved under another name (trailing dot)
    ws = _workspace(client)
    r = _upload(client, ws, name, SHEET)
    assert r.status_code == 400 and r.json()["error"].startswith("refused: "), r.text
    assert not [p for p in server.state.store.root.rglob("*") if p.is_file()]
    assert client.get(f"/api/workspaces/{ws}").json()["files"] == []


def test_names_that_differ_only_in_case_are_one_file_on_windows(client: httpx.Client) -> None:
    ws = _workspace(client)
    assert _upload(client, ws, "Patients.csv", SHEET).status_code == 200
    r = _upload(client, ws, "patients.csv", SHEET)
    assert r.status_code == 409 and "Patients.csv" in r.json()["error"]
    assert _upload(client, ws, "Patients.csv", SHEET).status_code == 200  # the same name replaces it
    assert [f["name"] for f in client.get(f"/api/workspaces/{ws}").json()["files"]] == ["Patients.csv"]
    assert _upload(client, ws, "consent.csv", SHEET).status_code == 200  # a name that merely starts like a device


def test_parallel_uploads_cannot_pass_the_file_limit(small_server: BackgroundServer) -> None:
    # the count was checked under the lock but the name registered after sniffing, outside it: 80 parallel
    # uploads stored 61 files in a session limited to 50
    token, limit = small_server.state.token, small_server.state.limits.max_files
    with httpx.Client(base_url=small_server.base, headers={TOKEN_HEADER: token}, timeout=60) as c:
        ws = _workspace(c)

        def one(n: int) -> int:
            with httpx.Client(base_url=small_server.base, headers={TOKEN_HEADER: token}, timeout=60) as own:
                return _upload(own, ws, f"sheet{n}.csv", SHEET).status_code

        with ThreadPoolExecutor(max_workers=16) as pool:
            codes = list(pool.map(one, range(40)))
        assert codes.count(200) == limit and set(codes) == {200, 413}
        assert len(c.get(f"/api/workspaces/{ws}").json()["files"]) == limit
    stored = list((small_server.state.store.root / ws / "inputs").iterdir())
    assert len(stored) == limit


# ------------------------------------------------------------------------------------------- the page = the CLI


def test_a_redcap_export_with_its_mapping_converts_as_the_cli_does(client: httpx.Client, shared_data: Path,
                                                                   hpo_index: Any) -> None:
    # with a mapping every upload was read as a plain table: the ERKER export gave 40 packets, the CLI 50
    export = shared_data / "redcap" / "erker" / "sdv_synthetic_data_redcap_export.csv"
    mapping = Path(__file__).resolve().parents[2] / "mappings" / "redcap-erker.yaml"
    ws = _workspace(client)
    assert _upload(client, ws, "export.csv", export.read_bytes()).json()["saved"][0]["kind"] == "redcap"
    r = client.put(f"/api/workspaces/{ws}/mapping/export.csv", json={"yaml": mapping.read_text(encoding="utf-8")})
    assert r.status_code == 200, r.text
    run = client.post(f"/api/workspaces/{ws}/convert").json()
    expected = phenotk.convert(export, mapping=mapping, hpo=hpo_index)
    assert run["packets"] == len(expected.messages()) == 50
    assert run["summary"] == expected.report.summary


def test_zip_members_with_windows_paths_out_of_the_archive_are_refused(client: httpx.Client) -> None:
    # "../x" was refused but "..\\x" and "C:\\x" were accepted (harmless while members are only read in memory;
    # extracted on Windows they would land outside the session folder)
    packet = json.dumps(SYNTHETIC).encode()
    ws = _workspace(client)
    for member in ("..\\..\\evil.json", "sub\\..\\..\\evil.json", "C:\\evil.json", "C:evil.json"):
        r = _upload(client, ws, "packets.zip", _zip({member: packet}))
        assert r.status_code == 400 and "outside the archive" in r.json()["error"], (member, r.text)
    assert _upload(client, ws, "packets.zip", _zip({"sub\\ok.json": packet, "a/b.json": packet})).status_code == 200


def test_an_upload_without_a_content_type_is_a_4xx(client: httpx.Client) -> None:
    ws = _workspace(client)
    r = client.post(f"/api/workspaces/{ws}/files", content=b"individual_id\np1\n")
    assert r.status_code == 415 and "multipart/form-data" in r.json()["error"]  # was a 500 (KeyError)
    r = client.post(f"/api/workspaces/{ws}/files", content=b"{}", headers={"content-type": "application/json"})
    assert r.status_code == 400 and "multipart" in r.json()["error"]


def test_downloads_of_sheets_named_in_any_script(client: httpx.Client) -> None:
    # the mapping download is named after the sheet: a name outside Latin-1 made the header unencodable (a 500)
    ws = _workspace(client)
    for name in ("患者.csv", "Пациенты.csv", "Patiënten.csv"):
        assert _upload(client, ws, name, SHEET).status_code == 200
        assert client.post(f"/api/workspaces/{ws}/mapping/{name}/init").status_code == 200
        r = client.get(f"/api/workspaces/{ws}/mapping/{name}/yaml")
        assert r.status_code == 200 and "phenotk_mapping" in r.text
        disposition = r.headers["content-disposition"]
        assert disposition.isascii() and disposition.startswith('attachment; filename="')
        stem = name.rsplit(".", 1)[0]
        assert "filename*=UTF-8''" + quote(stem + ".mapping.yaml", safe="") in disposition


def test_a_packet_id_of_any_length_gets_a_file_name(client: httpx.Client) -> None:
    # packet files were named after the id, any length: a 300-character id cell (a REDCap row read whole) could
    # not be written ("File name too long"), and the summary and the fixes answered 500
    long_id = "RV026_" + "sct_1220561009_" * 20
    sheet = f"individual_id,sex,Seizure\n{long_id},female,yes\n{long_id}x,male,no\np3,male,yes\n".encode()
    ws = _workspace(client)
    assert _upload(client, ws, "sheet" * 20 + ".csv", sheet).status_code == 200
    assert client.post(f"/api/workspaces/{ws}/mapping/{'sheet' * 20}.csv/init").status_code == 200
    assert client.post(f"/api/workspaces/{ws}/convert").json()["packets"] == 3
    assert client.get(f"/api/workspaces/{ws}/summary").status_code == 200
    assert client.post(f"/api/workspaces/{ws}/fixes/plan").status_code == 200
    got = zipfile.ZipFile(io.BytesIO(client.get(f"/api/workspaces/{ws}/download/packets.zip").content))
    names = got.namelist()
    assert len(set(names)) == 3 and all(len(n) <= 60 + 1 + 80 + 5 for n in names)
    assert sorted(json.loads(got.read(n))["id"] for n in names) == sorted([long_id, long_id + "x", "p3"])


def test_a_sheet_without_a_mapping_says_what_to_press(client: httpx.Client) -> None:
    # the page showed the CLI's advice: "error: s.csv: a spreadsheet needs a mapping: --mapping M.yaml (write a
    # starter with 'phenotk mapping init s.csv')"
    ws = _workspace(client)
    assert _upload(client, ws, "s.csv", SHEET).status_code == 200
    run = client.post(f"/api/workspaces/{ws}/convert").json()
    assert run["errors"] == ["s.csv: a sheet needs a mapping: press “Map columns” next to it, or “Use a mapping "
                             "file…” in the mapping assistant"]
    finding = run["findings"][0]
    assert finding["code"] == "IO001" and finding["message"] == run["errors"][0] and "--mapping" not in str(run)
    assert _upload(client, ws, "bin.csv", b"individual_id\np\x001\n").status_code == 200  # other errors stay
    run = client.post(f"/api/workspaces/{ws}/convert").json()
    assert any("binary data" in e for e in run["errors"])


def test_requests_on_a_kept_alive_connection_answer_without_the_delayed_ack_stall(server: BackgroundServer) -> None:
    # the listening socket was made with proto 0, so asyncio never set TCP_NODELAY on the connections: every
    # response after the first on a kept-alive connection (what the page's fetches use) took 40+ ms
    import statistics

    with httpx.Client(base_url=server.base, headers={TOKEN_HEADER: server.state.token}, timeout=30) as c:
        times = []
        for _ in range(25):
            started = time.perf_counter()
            assert c.get("/api/info").status_code == 200
            times.append(time.perf_counter() - started)
    assert statistics.median(times[1:]) < 0.025, times


def test_a_request_still_running_when_the_server_stops_writes_nothing(server: BackgroundServer) -> None:
    # stop() removes the temporary root after waiting 10 s for the server thread; a request still running went on
    # with mkdir(parents=True) and made the session folder again, with the upload in it (left behind)
    store = server.state.store
    ws = store.create()
    ws.save_upload("before.csv", SHEET, server.state.limits)
    store.close()
    for late in (lambda: ws.save_upload("late.csv", SHEET, server.state.limits), store.create):
        with pytest.raises(ServeError):
            late()
    assert not store.root.exists()


def test_a_file_of_no_known_kind_is_named_as_such(client: httpx.Client) -> None:
    # a README dropped by mistake said only "README.md:7:21: invalid YAML: mapping values are not allowed …"
    ws = _workspace(client)
    text = b"# Notes\n\nThese sheets came from the ward.\n\n* sex: m/f\n* ages: years\nsee: the legend: below\n"
    assert _upload(client, ws, "README.md", text).json()["saved"][0]["kind"] == "unknown"
    run = client.post(f"/api/workspaces/{ws}/convert").json()
    assert run["errors"] == ["README.md: phenotk cannot tell what this file is (not a sheet, template, phenopacket, "
                             "FHIR, REDCap, PED, Beacon or mapping file by its name and first bytes); read as a "
                             "phenopacket it fails at line 5, column 6: invalid YAML: mapping values are not "
                             "allowed in this context"]
    assert [f["message"] for f in run["findings"]] == run["errors"] and run["findings"][0]["line"] == 5


def test_uploaded_phenopackets_are_counted_as_checked_not_as_none_made(client: httpx.Client) -> None:
    # 50 store packets dropped on the page: "0 packet(s), 12 finding(s)" — the run counted only packets it made
    ws = _workspace(client)
    files = [("files", (f"p{n}.json", json.dumps({**SYNTHETIC, "id": f"p{n}"}).encode())) for n in range(3)]
    assert client.post(f"/api/workspaces/{ws}/files", files=files).status_code == 200
    assert _upload(client, ws, "two.zip", _zip({"a.json": json.dumps(SYNTHETIC).encode(), "b.json": b"{"})).is_success
    run = client.post(f"/api/workspaces/{ws}/convert").json()
    assert run["packets"] == 0 and run["checked"] == 4  # the broken zip member is an error, not a document
    assert any(e.startswith("two.zip!b.json") for e in run["errors"])


def test_mapping_messages_name_the_sheet_and_the_file_the_curator_has(client: httpx.Client) -> None:
    # "mapping not valid: line 4:3: …" named no file, and a finding quoting the mapping named
    # "mappings/s.csv.yaml", a path inside the session the curator never saw
    ws = _workspace(client)
    assert _upload(client, ws, "s.csv", SHEET).status_code == 200
    r = client.put(f"/api/workspaces/{ws}/mapping/s.csv",
                   json={"yaml": "phenotk_mapping: 1\nsubject:\n  id: individual_id\n  sexx: sex\n"})
    assert r.status_code == 400
    assert r.json()["error"] == "s.csv: the mapping is not valid: line 4:3: unknown key 'sexx' in subject; did you " \
                                "mean 'sex'?"
    assert _upload(client, ws, "mine.yaml", b"phenotk_mapping: 1\nsubject:\n  idd: individual_id\n").is_success
    r = client.post(f"/api/workspaces/{ws}/mapping/s.csv/use", json={"upload": "mine.yaml"})
    assert r.status_code == 400 and r.json()["error"].startswith("s.csv: the mapping mine.yaml is not valid: line 3")
    assert client.put(f"/api/workspaces/{ws}/mapping/s.csv",
                      json={"yaml": "phenotk_mapping: 1\nsubject:\n  id: patient\n"}).status_code == 200
    run = client.post(f"/api/workspaces/{ws}/convert").json()
    assert run["errors"] == ["s.csv: the id column 'patient' (mapping s.mapping.yaml:3:7) is not in the sheet; "
                             "columns: individual_id, sex, age_at_last_encounter, Seizure, Hypotonia"]
    download = client.get(f"/api/workspaces/{ws}/mapping/s.csv/yaml")
    assert 'filename="s.mapping.yaml"' in download.headers["content-disposition"]
    # two sheets of one stem: each mapping keeps its own file
    assert _upload(client, ws, "s.tsv", SHEET.replace(b",", b"\t")).status_code == 200
    assert client.put(f"/api/workspaces/{ws}/mapping/s.tsv",
                      json={"yaml": "phenotk_mapping: 1\nsubject:\n  id: pat\n"}).status_code == 200
    errors = client.post(f"/api/workspaces/{ws}/convert").json()["errors"]
    assert [e.split(" is not")[0] for e in errors] == [
        "s.csv: the id column 'patient' (mapping s.csv.mapping.yaml:3:7)",
        "s.tsv: the id column 'pat' (mapping s.tsv.mapping.yaml:3:7)"]


def test_head_answers_like_get_without_a_body(server: BackgroundServer, client: httpx.Client) -> None:
    # HEAD (link checkers, `curl -I`, proxies probing the address) was 405 on every page: the page, its script,
    # the API; RFC 9110 §9.3.2: HEAD is GET without the content
    ws = _workspace(client)
    assert _upload(client, ws, "s.csv", SHEET).status_code == 200
    for path in ("/", "/static/app.js", "/api/info", f"/api/workspaces/{ws}"):
        get, head = client.get(path), client.head(path)
        assert head.status_code == get.status_code == 200, (path, head.status_code)
        assert head.content == b""
        assert head.headers["content-type"] == get.headers["content-type"]
        assert head.headers["content-length"] == get.headers["content-length"]
        assert head.headers["content-security-policy"] == get.headers["content-security-policy"]
    # still guarded, and a HEAD cannot reach a state-changing route
    assert httpx.head(server.base + "/api/info").status_code == 403
    assert client.head(f"/api/workspaces/{ws}/convert").status_code == 405
    assert client.head("/nowhere").status_code == 404


def test_two_files_of_one_name_in_one_upload_are_refused_not_one_silently_lost(client: httpx.Client) -> None:
    # two folders' patients.csv dropped together: the answer said 'stored: d.csv, d.csv' and the second had
    # replaced the first
    ws = _workspace(client)
    first, second = b"individual_id,sex\np1,female\n", b"individual_id,sex\np2,male\np3,male\n"
    r = client.post(f"/api/workspaces/{ws}/files", files=[("files", ("ok.csv", SHEET)), ("files", ("d.csv", first)),
                                                           ("files", ("d.csv", second))])
    assert r.status_code == 409, r.text
    assert "two files named 'd.csv'" in r.json()["error"]
    assert client.get(f"/api/workspaces/{ws}").json()["files"] == []  # refused before anything was stored
    # uploading a file again later replaces it, as before (a corrected sheet)
    assert _upload(client, ws, "d.csv", first).status_code == 200
    assert _upload(client, ws, "d.csv", second).json()["files"][0]["size"] == len(second)


def test_a_refused_long_name_is_said_shortly(client: httpx.Client) -> None:
    # a 3,000-character name came back whole in the refusal ('has control characters or is too long')
    ws = _workspace(client)

    def raw(name: bytes) -> httpx.Response:  # httpx would percent-encode a tab in the name
        body = (b'--B\r\nContent-Disposition: form-data; name="files"; filename="' + name + b'"\r\n\r\n' + SHEET
                + b"\r\n--B--\r\n")
        return client.post(f"/api/workspaces/{ws}/files", content=body,
                           headers={"content-type": "multipart/form-data; boundary=B"})

    r = raw(b"a" * 3000 + b".csv")
    assert r.status_code == 400
    message = r.json()["error"]
    assert len(message) < 200 and "too long" in message and "3004 bytes" in message and "control" not in message
    r = raw(b"a\tb.csv")
    assert r.status_code == 400 and "control character" in r.json()["error"] and "too long" not in r.json()["error"]


def test_without_an_hpo_the_page_says_why_checks_were_skipped_not_no_hpo(tmp_path: Path) -> None:
    # phenotk serve started where no HPO could be found: every run's note (page and reports) read 'HPO checks
    # skipped: --no-hpo', a flag the curator never gave and the page does not have
    srv = BackgroundServer(make_state(hpo=False, root=tmp_path)).start()
    try:
        with httpx.Client(base_url=srv.base, headers={TOKEN_HEADER: srv.state.token}, timeout=60) as c:
            ws = _workspace(c)
            assert c.post(f"/api/workspaces/{ws}/files", files=[
                ("files", ("s.csv", SHEET)), ("files", ("p.json", json.dumps(SYNTHETIC).encode()))]).status_code == 200
            assert c.post(f"/api/workspaces/{ws}/mapping/s.csv/init").status_code == 200
            run = c.post(f"/api/workspaces/{ws}/convert").json()
            assert run["packets"] == 2 and run["checked"] == 1
            assert not any("--no-hpo" in n for n in run["notes"]), run["notes"]
            assert [n for n in run["notes"] if n.startswith("HPO checks skipped")] == [
                "HPO checks skipped: phenotk serve has no HPO release loaded (start it with --hpo FILE, or set "
                "PHENOTK_HPO)"]
            report = c.get(f"/api/workspaces/{ws}/download/report.json").json()
            assert "--no-hpo" not in json.dumps(report["notes"])
    finally:
        srv.stop()


def test_the_fix_diff_of_a_file_without_a_last_newline_keeps_old_and_new_lines_apart(client: httpx.Client) -> None:
    # a one-line JSON packet (no newline at its end, as json.dump writes it): the diff joined the old and the new
    # line into one ('-{… "Female" …}+{… "FEMALE" …}'), which the page showed as one removed line and no addition
    ws = _workspace(client)
    assert _upload(client, ws, "one-line.json", json.dumps(SYNTHETIC).encode()).status_code == 200
    assert client.post(f"/api/workspaces/{ws}/convert").status_code == 200
    (planned,) = client.post(f"/api/workspaces/{ws}/fixes/plan").json()["files"]
    lines = planned["diff"].splitlines()
    removed = [line for line in lines if line.startswith("-") and not line.startswith("---")]
    added = [line for line in lines if line.startswith("+") and not line.startswith("+++")]
    assert len(removed) == len(added) == 1, lines
    assert '"Female"' in removed[0] and '"FEMALE"' not in removed[0]
    assert '"FEMALE"' in added[0] and '"Female"' not in added[0]
    assert lines.count("\\ No newline at end of file") == 2  # as diff(1) and git mark it


def test_safe_fixes_inside_a_zip_are_said_to_be_left_not_silently_missing(client: httpx.Client) -> None:
    # a zip member's findings read 'safe fix available', and Show safe fixes listed the loose files only ('no safe
    # fixes' when the zip was the only upload): members are not fixed on the page, and nothing said so
    ws = _workspace(client)
    assert _upload(client, ws, "cohort.zip", _zip({"a/p1.json": json.dumps(SYNTHETIC).encode(),
                                                   "p2.json": json.dumps({**SYNTHETIC, "id": "s-2"}).encode()})
                   ).status_code == 200
    run = client.post(f"/api/workspaces/{ws}/convert").json()
    safe = [f for f in run["findings"] if f["fix"] == "safe"]
    assert safe and all(f["path"].startswith("cohort.zip!") for f in safe)
    plan = client.post(f"/api/workspaces/{ws}/fixes/plan").json()
    assert plan["files"] == []
    assert plan["not_fixed"] == [{"file": "cohort.zip", "documents": 2, "fixes": len(safe),
                                  "why": "files inside a zip are not fixed here: unzip it and drop its files, or "
                                         "run phenotk fix on the zip"}]


def test_a_change_that_lands_as_a_run_ends_is_not_hidden_by_the_runs_result(
        client: httpx.Client, server: BackgroundServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # the run was stored after the session lock was let go: a removal (or upload, or mapping change) that got the
    # lock in between cleared the run, and then the finished run was stored over it — its findings, fixes and
    # downloads served as current for files that had changed (seen: Convert pressed while Map columns ran)
    import threading

    from phenotk.serve import runs

    ws = _workspace(client)
    assert _upload(client, ws, "a.json", json.dumps(SYNTHETIC).encode()).status_code == 200
    assert _upload(client, ws, "b.json", json.dumps({**SYNTHETIC, "id": "s-2"}).encode()).status_code == 200
    workspace = server.state.store.get(ws)
    original = runs.Run
    removal: list[threading.Thread] = []

    def run_and_meanwhile_remove(*args: Any, **kwargs: Any) -> Any:
        # as the run is about to be stored, another request removes an upload (waiting for the lock if it is held)
        thread = threading.Thread(target=workspace.remove, args=("b.json",))
        thread.start()
        thread.join(0.5)
        removal.append(thread)
        return original(*args, **kwargs)

    monkeypatch.setattr(runs, "Run", run_and_meanwhile_remove)
    assert client.post(f"/api/workspaces/{ws}/convert").status_code == 200
    removal[0].join(10)
    assert "b.json" not in workspace.kinds
    answer = client.get(f"/api/workspaces/{ws}/findings")
    assert answer.status_code == 409, "the run of a.json + b.json is served after b.json was removed"
    assert client.get(f"/api/workspaces/{ws}").json()["converted"] is False


def test_names_that_differ_only_in_unicode_normalisation_are_one_file_on_macos(client: httpx.Client) -> None:
    # 'Café.csv' typed on Windows (é: one code point, NFC) and the same name from a Mac (e + combining accent,
    # NFD) were two uploads; on a macOS disk they are one file, and they look the same in every list
    nfc, nfd = "Caf\u00e9.csv", "Cafe\u0301.csv"
    ws = _workspace(client)
    assert _upload(client, ws, nfc, SHEET).status_code == 200
    r = _upload(client, ws, nfd, SHEET)
    assert r.status_code == 409, r.text
    assert [f["name"] for f in client.get(f"/api/workspaces/{ws}").json()["files"]] == [nfc]
    r = client.post(f"/api/workspaces/{_workspace(client)}/files",
                    files=[("files", (nfc, SHEET)), ("files", ("CAFE\u0301.csv", SHEET))])
    assert r.status_code == 409 and "in one upload" in r.json()["error"]


def test_a_lone_surrogate_in_a_request_is_refused_not_a_500_and_a_dropped_connection(client: httpx.Client) -> None:
    # JSON may escape half a UTF-16 pair ("\ud800"); echoed in a refusal ('HP:0001250\ud800 is not a term of the
    # loaded HPO') the answer could not be encoded: a 500, a traceback in the server log, and the kept-alive
    # connection reset under the page's next request
    ws = _workspace(client)
    assert _upload(client, ws, "s.csv", SHEET).status_code == 200
    assert client.post(f"/api/workspaces/{ws}/mapping/s.csv/init").status_code == 200
    bodies = [("POST", "/column", {"column": "Seizure", "meaning": "hpo", "term": "HP:0001250\ud800"}),
              ("POST", "/use", {"shipped": "generic\ud800"}),
              ("POST", "/use", {"upload": "m\ud800.yaml"})]
    for method, path, body in bodies:
        r = client.request(method, f"/api/workspaces/{ws}/mapping/s.csv{path}", content=json.dumps(body).encode(),
                           headers={"content-type": "application/json"})
        assert r.status_code in (400, 404), (path, r.status_code, r.text)
        assert list(r.json()) == ["error"] and "\\ud800" in r.text
        assert client.get("/api/info").status_code == 200  # the same connection still answers


def test_refusals_that_quote_the_request_stay_one_line(client: httpx.Client) -> None:
    # the API's errors are one line; a term with a line break came back as it was ('HP:0001250\nsubject:\n  id: x
    # is not a term of the loaded HPO'), a zip member's name likewise in the zip-bomb refusal
    ws = _workspace(client)
    assert _upload(client, ws, "s.csv", SHEET).status_code == 200
    assert client.post(f"/api/workspaces/{ws}/mapping/s.csv/init").status_code == 200
    answers = [client.post(f"/api/workspaces/{ws}/mapping/s.csv/column",
                           json={"column": "Seizure", "meaning": "hpo", "term": "HP:0001250\nsubject:\n  id: x"}),
               client.post(f"/api/workspaces/{ws}/mapping/s.csv/column",
                           json={"column": "Seizure", "meaning": "hpo\nx", "term": None})]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a\nb.json", b" " * (11 * 1024 * 1024))
    answers.append(_upload(client, ws, "bomb.zip", buf.getvalue()))
    for r in answers:
        assert 400 <= r.status_code < 500, r.text
        assert "\n" not in r.json()["error"], r.json()["error"]


def test_the_page_without_its_token_explains_itself_in_the_browser(browser: Any, server: BackgroundServer) -> None:
    # a bookmarked address without the token (or one of an earlier run: the token changes at every start) showed
    # the browser a raw JSON line; a browser asking for the page now gets a short HTML page saying what to do
    page = browser.new_page()
    response = page.goto(server.base + "/")
    assert response is not None and response.status == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "content-security-policy" in response.headers
    text = page.inner_text("body")
    assert "phenotk serve" in text and "token" in text and "{" not in text
    assert page.locator("h1").count() == 1 and page.evaluate("document.documentElement.lang") == "en"
    page.close()
    with httpx.Client(base_url=server.base) as anon:  # scripts still get the API's JSON
        assert list(anon.get("/", headers={"accept": "application/json"}).json()) == ["error"]
        assert list(anon.get("/api/info", headers={"accept": "text/html"}).json()) == ["error"]


def test_a_corrected_sheet_uploaded_again_keeps_its_mapping(client: httpx.Client) -> None:
    # a curator maps the columns, spots a typo in the sheet, fixes it and drops the sheet again: the upload
    # replaced the file and silently threw the mapping away (every choice made in the assistant)
    ws = _workspace(client)
    assert _upload(client, ws, "s.csv", SHEET).status_code == 200
    assert client.post(f"/api/workspaces/{ws}/mapping/s.csv/init").status_code == 200
    edited = client.post(f"/api/workspaces/{ws}/mapping/s.csv/column", json={"column": "Hypotonia",
                                                                             "meaning": "ignore"}).json()["yaml"]
    corrected = SHEET + b"p3,female,P1Y,yes,no\n"
    r = _upload(client, ws, "s.csv", corrected)
    assert r.status_code == 200 and r.json()["saved"] == [{"name": "s.csv", "kind": "sheet", "size": len(corrected),
                                                           "mapping_kept": True}]
    (listed,) = client.get(f"/api/workspaces/{ws}").json()["files"]
    assert listed["mapped"] is True
    view = client.get(f"/api/workspaces/{ws}/mapping/s.csv").json()
    assert view["yaml"] == edited
    assert [c["column"] for c in view["columns"]][:2] == ["individual_id", "sex"]  # the new file's header
    run = client.post(f"/api/workspaces/{ws}/convert").json()
    assert run["packets"] == 3 and not run["errors"]
    r = client.post(f"/api/workspaces/{ws}/mapping/s.csv/column", json={"column": "Nope", "meaning": "ignore"})
    assert r.status_code == 400 and "no column 'Nope'" in r.json()["error"]  # checked against the new header


def test_an_internal_error_answers_500_and_keeps_the_connection(client: httpx.Client,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # a bug behind a route (seen: mapping init on a sheet whose first row is blank, an IndexError in the starter)
    # answered the 500, then Starlette re-raised it: uvicorn logged it a second time and closed the kept-alive
    # connection, so the page's next request on it failed too
    from phenotk.serve import runs

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise IndexError("list index out of range")

    ws = _workspace(client)
    assert _upload(client, ws, "s.csv", SHEET).status_code == 200
    monkeypatch.setattr(runs, "start_mapping", broken)
    r = client.post(f"/api/workspaces/{ws}/mapping/s.csv/init")
    assert r.status_code == 500 and r.json() == {"error": "internal error (IndexError); the server log has the details"}
    assert client.get("/api/info").status_code == 200  # the same connection still answers
