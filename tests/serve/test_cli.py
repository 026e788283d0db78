"""``phenotk serve`` on the command line: start, print the address, stop cleanly; refusals are one line."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from phenotk.serve import INSTALL_HINT

BLOCK_EXTRA = """
import sys
for name in ('fastapi', 'uvicorn', 'multipart'):
    sys.modules[name] = None  # as if not installed: import fails, importlib.util.find_spec gives None
from phenotk.cli.app import main
main(sys.argv[1:])
"""


def _phenotk(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "phenotk", *args], capture_output=True, text=True, timeout=timeout,
                          env=env)


def test_without_the_extra_one_line_and_exit_2() -> None:
    r = subprocess.run([sys.executable, "-c", BLOCK_EXTRA, "serve", "--no-browser"], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 2
    assert r.stderr.strip() == INSTALL_HINT and "pip install 'phenotk[serve]'" in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_remote_host_needs_the_explicit_flag() -> None:
    r = _phenotk("serve", "--host", "0.0.0.0", "--no-browser", "--port", "0", "--hpo", "")
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "--allow-remote" in r.stderr and "Traceback" not in r.stderr


def test_help_lists_serve() -> None:
    r = _phenotk("--help")
    assert r.returncode == 0 and re.search(r"\bserve\b", r.stdout)
    r = _phenotk("serve", "--help")
    assert r.returncode == 0 and "--no-browser" in r.stdout and "--allow-remote" in r.stdout


def test_serve_prints_a_token_url_answers_and_cleans_up_on_ctrl_c(hpo_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path), "PHENOTK_OFFLINE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "phenotk", "serve", "--port", "0", "--no-browser",
                             "--hpo", str(hpo_dir / "hp.json")], stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = None
        deadline = time.monotonic() + 90
        lines = []
        assert proc.stderr is not None
        while url is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            lines.append(line)
            found = re.search(r"open (http://127\.0\.0\.1:\d+/\?token=([\w-]+))", line)
            if found:
                url = found.group(1)
        assert url is not None, "".join(lines)
        assert len(url.split("token=")[1]) >= 30  # a random token, not a guessable one
        base = url.split("/?")[0]
        assert httpx.get(base + "/api/info", timeout=30).status_code == 403
        info = httpx.get(url.replace("/?", "/api/info?"), timeout=30)
        assert info.status_code == 200 and info.json()["hpo_version"] == "2025-05-06"
        roots = list(tmp_path.glob("phenotk-serve-*"))
        assert len(roots) == 1
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover - never leave a server behind
            proc.kill()
            pytest.fail("phenotk serve did not stop on Ctrl+C")
    assert list(tmp_path.glob("phenotk-serve-*")) == []
    assert "Traceback" not in proc.stderr.read()
