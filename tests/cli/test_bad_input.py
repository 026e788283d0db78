"""Bad input: one line ``path:line:col: message`` per problem, exit 2, no traceback, other files processed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GOOD = EXAMPLES / "proband-marfan.json"

BAD_INPUTS: dict[str, bytes] = {
    "truncated.json": GOOD.read_bytes()[:300],
    "array.json": b"[1]\n",  # an array of phenopackets is read (one document per item); of numbers it is not
    "junk.pb": bytes(range(256)) * 3,
    "latin1.json": b'{"id": "caf\xe9", "subject": {"id": "x"}}\n',
    "empty.json": b"",
    "scalar.yaml": b"just a string\n",
    "bad.yaml": b"id: a\nsubject: [unclosed\n",
}

EXPECTED_POSITION = {  # file → (line, column) the message must name
    "truncated.json": (GOOD.read_bytes()[:300].count(b"\n") + 1, None),  # the cut line
    "array.json": (1, 2),  # the item
    "latin1.json": (1, 12),  # the byte 0xe9
    "empty.json": (1, 1),
}


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "phenotk", *args],
        input=stdin.decode("latin-1") if stdin else None,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture()
def bad_dir(tmp_path: Path) -> Path:
    for name, data in BAD_INPUTS.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "good.json").write_bytes(GOOD.read_bytes())
    return tmp_path


def test_each_bad_file_is_one_line_and_exit_2(bad_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run("convert", str(bad_dir), "-o", f"{out}/", "--to", "yaml")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if not ln.startswith("wrote ")]
    assert len(lines) == len(BAD_INPUTS), proc.stderr
    for name in BAD_INPUTS:
        (line,) = [ln for ln in lines if ln.startswith((str(bad_dir / name) + ":", str(bad_dir / name) + "#"))]
        if name in EXPECTED_POSITION:
            want_line, want_col = EXPECTED_POSITION[name]
            m = re.match(re.escape(str(bad_dir / name)) + r"(?:#/\d+)?:(\d+):(\d+): ", line)
            assert m, line
            assert int(m.group(1)) == want_line, line
            if want_col is not None:
                assert int(m.group(2)) == want_col, line
    # the good file of the same run was still converted
    assert (out / "good.yaml").is_file()


@pytest.mark.parametrize(
    "args",
    [
        ["info", "/nonexistent/x.json"],
        ["convert", "/nonexistent/x.json", "-o", "/tmp/phenotk-never/x.yaml"],
        ["info", "{empty}"],
    ],
)
def test_missing_and_empty_paths(args: list[str], tmp_path: Path) -> None:
    empty = tmp_path / "emptydir"
    empty.mkdir()
    (empty / "README.md").write_text("no phenopackets here")
    args = [a.replace("{empty}", str(empty)) for a in args]
    proc = run(*args)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) >= 1
    first = proc.stderr.strip().splitlines()[0]
    assert first.startswith(("/nonexistent/x.json:", str(empty) + ":")), first


def test_stdin_and_version() -> None:
    proc = run("info", "-", stdin=GOOD.read_bytes())
    assert proc.returncode == 0 and "example-proband-1" in proc.stdout
    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("phenotk ")


def test_outputs_not_overwritten_without_force(tmp_path: Path) -> None:
    target = tmp_path / "p.yaml"
    target.write_text("keep me")
    proc = run("convert", str(GOOD), "-o", str(target))
    assert proc.returncode == 2 and "--force" in proc.stderr
    assert target.read_text() == "keep me"
    proc = run("convert", str(GOOD), "-o", str(target), "--force")
    assert proc.returncode == 0
    assert "example-proband-1" in target.read_text()
    # no temporary files left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.yaml"]


def test_usage_error_is_one_line(tmp_path: Path) -> None:
    proc = run("convert", str(EXAMPLES), "-o", str(tmp_path / "one.pb"))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1].startswith("error: 3 documents cannot go into one pb file")
