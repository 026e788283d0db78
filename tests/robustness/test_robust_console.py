"""The installed console script on hostile input (a few subprocess runs), and the last-resort error handler."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from _robust import run_cli

REPO = Path(__file__).resolve().parents[2]
GOOD = REPO / "examples" / "proband-marfan.json"


def _phenotk() -> list[str]:
    exe = Path(sys.executable).parent / "phenotk"
    if exe.is_file():
        return [str(exe)]
    found = shutil.which("phenotk")
    return [found] if found else [sys.executable, "-m", "phenotk"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*_phenotk(), *args], capture_output=True, text=True, timeout=120)


def _alias_bomb() -> bytes:
    """Eight alias levels of ten: 10^8 values when expanded, a few hundred bytes on disk."""
    lines = ["id: p", "a: &a [x,x,x,x,x,x,x,x,x,x]"]
    names = "abcdefgh"
    for prev, name in itertools.pairwise(names):
        lines.append(f"{name}: &{name} [{','.join(['*' + prev] * 10)}]")
    lines.append("subject: {id: s, more: *h}")
    return ("\n".join(lines) + "\n").encode()


HOSTILE_YAML = {
    # libyaml's C composer overflowed the stack (SIGSEGV, exit -11) on these before the depth guard
    "deep-flow.yaml": b"id: p\nx: " + b"[" * 30_000 + b"]" * 30_000 + b"\n",
    "deep-block.yaml": b"id: p\nx:\n" + b"- " * 30_000 + b"y\n",
    # aliases that made validate/fix hang (recursive) or walk 10^8 nodes (bomb)
    "self-alias.yaml": b"id: p\nsubject: &s\n  id: s\n  again: *s\n",
    "alias-bomb.yaml": _alias_bomb(),
}


@pytest.mark.parametrize("command", [["info"], ["validate", "--no-hpo", "-q"], ["fix", "--no-hpo", "--dry-run"]])
def test_console_script_hostile_yaml(command: list[str], tmp_path: Path) -> None:
    """Deep and aliased YAML beside a good file: no segfault, no hang, each named, exit 2, the good one read."""
    bad = []
    for name, data in HOSTILE_YAML.items():
        p = tmp_path / name
        p.write_bytes(data)
        bad.append(p)
    proc = _run(*command, str(GOOD), *map(str, bad))
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr + proc.stdout
    for p in bad:
        named = any(line.startswith(str(p)) for line in proc.stderr.splitlines()) or str(p) in proc.stdout
        assert named, (p.name, proc.stderr[-2000:], proc.stdout[-2000:])
    if command == ["info"]:
        assert str(GOOD) in proc.stdout


def test_console_script_bad_and_good_convert(tmp_path: Path) -> None:
    """The console script: a truncated file and a good one; exit 2, one located line, the good one written."""
    bad = tmp_path / "cut.json"
    bad.write_bytes(GOOD.read_bytes()[:200])
    out = tmp_path / "out"
    proc = _run("convert", str(GOOD), str(bad), "-o", f"{out}/", "--to", "yaml")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    (line,) = [ln for ln in proc.stderr.splitlines() if ln.startswith(str(bad))]
    assert line.startswith(f"{bad}:") and ": invalid JSON" in line
    assert (out / "proband-marfan.yaml").is_file() or any(out.glob("*.yaml"))


def test_last_resort_handler(monkeypatch: Any) -> None:
    """An unexpected exception becomes one 'internal error' line and exit 3 (never a traceback)."""
    import phenotk.io as io  # the command imports it lazily, so patch where it looks it up

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("simulated\nbug")

    monkeypatch.setattr(io, "iter_documents", boom)
    monkeypatch.delenv("PHENOTK_DEBUG", raising=False)
    run = run_cli(["info", str(GOOD)])
    assert run.crash is None and run.code == 3
    assert run.err.strip() == (
        "phenotk: internal error: RuntimeError: simulated bug (please report; PHENOTK_DEBUG=1 shows where)"
    )
    assert "Traceback" not in run.err


def test_fifo_and_devices_are_refused_not_read(tmp_path: Path) -> None:
    """A FIFO (reading it would block forever) or /dev/null: one line each, exit 2, no hang."""
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    for args in (["info", str(fifo), "/dev/null"], ["convert", "--from", "fhir", str(fifo), "-o", f"{tmp_path}/o/"],
                 ["fix", "--no-hpo", "--dry-run", str(fifo)], ["mapping", "init", str(fifo)],
                 ["mapping", "check", str(fifo)], ["mapping", "explain", str(fifo)],
                 ["convert", "-m", str(fifo), "--from", "table", str(REPO / "tests/fixtures/mapping/wide.csv"),
                  "-o", f"{tmp_path}/t/"]):
        proc = subprocess.run([*_phenotk(), *args], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert any(line.startswith(str(fifo)) for line in proc.stderr.splitlines()), (args, proc.stderr)
