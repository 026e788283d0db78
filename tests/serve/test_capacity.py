"""Server-wide caps: live sessions and bytes held by all sessions; idle ones are evicted first, busy ones never."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from _serve_client import SHEET, _upload, _workspace

from phenotk.serve.app import TOKEN_HEADER
from phenotk.serve.server import BackgroundServer, make_state
from phenotk.serve.workspace import DEFAULT_MAX_SESSIONS, DEFAULT_MAX_TOTAL_BYTES, Limits


@pytest.fixture()
def capped(tmp_path: Path) -> Iterator[tuple[BackgroundServer, httpx.Client]]:
    limits = Limits(max_file_bytes=100_000, max_files=10, max_sessions=3, max_total_bytes=250_000)
    srv = BackgroundServer(make_state(hpo=False, root=tmp_path, limits=limits)).start()
    try:
        with httpx.Client(base_url=srv.base, headers={TOKEN_HEADER: srv.state.token}, timeout=60) as c:
            yield srv, c
    finally:
        srv.stop()


def _age(srv: BackgroundServer, ws: str, seconds: float) -> None:
    """Pretend the session was last used ``seconds`` ago."""
    srv.state.store.get(ws).last_used = time.monotonic() - seconds


def test_defaults_are_finite_and_documented() -> None:
    lim = Limits()
    assert lim.max_sessions == DEFAULT_MAX_SESSIONS == 32
    assert lim.max_total_bytes == DEFAULT_MAX_TOTAL_BYTES == 2 * 1024**3
    doc = (Path(__file__).resolve().parents[2] / "docs" / "serve.md").read_text(encoding="utf-8")
    assert "PHENOTK_SERVE_MAX_SESSIONS" in doc and "PHENOTK_SERVE_MAX_TOTAL_MB" in doc


def test_one_client_cannot_open_sessions_without_end(capped: tuple[BackgroundServer, httpx.Client]) -> None:
    # every POST /api/workspaces made a folder, held two idle hours: one script could open thousands
    srv, c = capped
    ids = [_workspace(c) for _ in range(3)]
    for ws in ids:
        assert _upload(c, ws, "a.csv", SHEET).status_code == 200
    r = c.post("/api/workspaces")
    assert r.status_code == 503
    message = r.json()["error"]
    assert "3 open sessions" in message and "close browser tabs" in message and "\n" not in message
    assert len(list(srv.state.store.root.iterdir())) == 3
    # the oldest idle session makes room; the others keep their files
    _age(srv, ids[1], 3600)
    _age(srv, ids[0], 1800)
    new = _workspace(c)
    assert c.get(f"/api/workspaces/{ids[1]}").status_code == 404  # the oldest use went
    assert c.get(f"/api/workspaces/{ids[0]}").json()["files"][0]["name"] == "a.csv"
    assert {p.name for p in srv.state.store.root.iterdir()} == {ids[0], ids[2], new}


def test_a_fresh_empty_session_is_kept_an_older_empty_one_goes(capped: tuple[BackgroundServer, httpx.Client]) -> None:
    srv, c = capped
    ids = [_workspace(c) for _ in range(3)]  # three tabs just opened, nothing uploaded yet
    assert c.post("/api/workspaces").status_code == 503
    _age(srv, ids[2], 120)  # a reloaded tab's abandoned session: empty, two minutes old
    _workspace(c)
    assert c.get(f"/api/workspaces/{ids[2]}").status_code == 404
    assert c.get(f"/api/workspaces/{ids[0]}").status_code == 200


def test_a_session_with_a_request_running_is_never_evicted(capped: tuple[BackgroundServer, httpx.Client]) -> None:
    srv, c = capped
    ids = [_workspace(c) for _ in range(3)]
    for ws in ids:
        _age(srv, ws, 3600)
    busy = srv.state.store.get(ids[0])
    busy.last_used -= 3600
    with busy.lock:  # a conversion is running in it
        _workspace(c)
        assert c.get(f"/api/workspaces/{ids[1]}").status_code == 404
    assert ids[0] in {p.name for p in srv.state.store.root.iterdir()}


def test_bytes_held_by_all_sessions_are_capped(capped: tuple[BackgroundServer, httpx.Client]) -> None:
    srv, c = capped
    first, second = _workspace(c), _workspace(c)
    blob = b"individual_id,note\n" + b"p1," + b"x" * 89_000 + b"\n"
    assert _upload(c, first, "one.csv", blob).status_code == 200
    assert _upload(c, second, "two.csv", blob).status_code == 200
    r = _upload(c, second, "three.csv", blob)
    assert r.status_code == 503
    message = r.json()["error"]
    assert message.startswith("three.csv: not stored") and "remove files" in message and "\n" not in message
    assert "three.csv" not in {p.name for p in srv.state.store.root.rglob("*")}
    # replacing a file counts its new size only; removing one frees its room
    assert _upload(c, second, "two.csv", blob).status_code == 200
    assert c.delete(f"/api/workspaces/{second}/files/two.csv").status_code == 200
    assert _upload(c, second, "three.csv", blob).status_code == 200
    assert srv.state.store.total() == 2 * len(blob)
    # at the cap, another session unused for long enough is evicted to make room
    _age(srv, first, 3600)
    assert _upload(c, second, "four.csv", blob).status_code == 200
    assert c.get(f"/api/workspaces/{first}").status_code == 404
    # a refused upload (not a readable zip) gives its room back
    assert _upload(c, second, "broken.zip", b"PK\x03\x04 not really").status_code == 400
    assert srv.state.store.total() == 2 * len(blob)


def test_the_caps_come_from_the_environment(tmp_path: Path) -> None:
    code = ("from phenotk.serve.workspace import Limits; l = Limits(); "
            "print(l.max_sessions, l.max_total_bytes)")
    env = {**os.environ, "PHENOTK_SERVE_MAX_SESSIONS": "5", "PHENOTK_SERVE_MAX_TOTAL_MB": "100"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.stdout.split() == ["5", str(100 * 1024 * 1024)]
    env["PHENOTK_SERVE_MAX_SESSIONS"] = "lots"
    r = subprocess.run([sys.executable, "-m", "phenotk", "serve", "--no-browser", "--port", "0", "--hpo", ""],
                       capture_output=True, text=True, env={**env, "TMPDIR": str(tmp_path)}, timeout=60)
    assert r.returncode == 2 and "PHENOTK_SERVE_MAX_SESSIONS='lots'" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1




def test_cli_flags_set_the_caps(monkeypatch: pytest.MonkeyPatch) -> None:
    import phenotk.serve.server as server
    from phenotk.cli.app import main

    seen: dict[str, Limits] = {}
    monkeypatch.setattr(server, "serve", lambda **kw: seen.setdefault("limits", kw["limits"]))
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--no-browser", "--max-sessions", "3", "--max-total-mb", "10"])
    assert exc.value.code in (0, None)
    assert seen["limits"].max_sessions == 3 and seen["limits"].max_total_bytes == 10 * 1024 * 1024
