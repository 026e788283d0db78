"""Writes keep what users own: mode, owner, symlinks, hard links — and never replace an input of the run."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import phenotk
from phenotk.errors import OutputExistsError, UsageError
from phenotk.io import atomic_write, guard_inputs, note_input

PACKET = {
    "id": "p1",
    "subject": {"id": "s1", "sex": "female"},  # `female` → FEMALE is a safe schema-enum fix
    "phenotypicFeatures": [{"type": {"id": "HP:0001250", "label": "Seizure"}}],
    "metaData": {
        "created": "2024-01-01T00:00:00Z",
        "createdBy": "test",
        "resources": [
            {
                "id": "hp",
                "name": "human phenotype ontology",
                "url": "http://purl.obolibrary.org/obo/hp.owl",
                "version": "2024-01-01",
                "namespacePrefix": "HP",
                "iriPrefix": "http://purl.obolibrary.org/obo/HP_",
            }
        ],
        "phenopacketSchemaVersion": "2.0",
    },
}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "phenotk", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture
def packet(tmp_path: Path) -> Path:
    p = tmp_path / "p.json"
    p.write_text(json.dumps(PACKET, indent=2) + "\n", encoding="utf-8")
    return p


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o444, 0o755])
def test_fix_in_place_keeps_the_mode(packet: Path, mode: int) -> None:
    os.chmod(packet, mode)
    proc = run("fix", "-i", str(packet), "--no-hpo", "--fail-on", "never")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(packet.read_text())["subject"]["sex"] == "FEMALE"
    assert stat.S_IMODE(packet.stat().st_mode) == mode


@pytest.mark.skipif(os.geteuid() != 0, reason="changing a file's owner needs root")
def test_fix_in_place_keeps_the_owner(packet: Path) -> None:
    os.chown(packet, 1234, 5678)
    assert run("fix", "-i", str(packet), "--no-hpo", "--fail-on", "never").returncode == 0
    st = packet.stat()
    assert (st.st_uid, st.st_gid) == (1234, 5678)
    assert json.loads(packet.read_text())["subject"]["sex"] == "FEMALE"


def test_fix_in_place_through_a_symlink_keeps_the_link(packet: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(packet)
    assert run("fix", "-i", str(link), "--no-hpo", "--fail-on", "never").returncode == 0
    assert link.is_symlink() and os.readlink(link) == str(packet)
    assert json.loads(packet.read_text())["subject"]["sex"] == "FEMALE"


def test_fix_in_place_keeps_hard_links_together(packet: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-name.json"
    os.link(packet, other)
    assert run("fix", "-i", str(packet), "--no-hpo", "--fail-on", "never").returncode == 0
    assert packet.stat().st_ino == other.stat().st_ino and other.stat().st_nlink == 2
    assert json.loads(other.read_text())["subject"]["sex"] == "FEMALE"


@pytest.mark.parametrize(
    "args",
    [
        ["convert", "{p}", "-o", "{p}", "--force"],
        ["validate", "{p}", "--no-hpo", "-f", "json", "-o", "{p}", "--force"],
        ["summarize", "{p}", "--format", "json", "-o", "{p}", "--force"],
    ],
)
def test_force_never_lets_an_output_destroy_the_input(packet: Path, args: list[str]) -> None:
    before = packet.read_bytes()
    proc = run(*[a.format(p=packet) for a in args])
    assert proc.returncode == 2, proc.stderr
    assert "never overwrites its inputs" in proc.stderr and "Traceback" not in proc.stderr
    assert packet.read_bytes() == before


def test_an_existing_output_needs_force(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("{}")
    with pytest.raises(OutputExistsError):
        atomic_write(target, b"[]")
    atomic_write(target, b"[]", force=True)
    assert target.read_text() == "[]"


def test_guard_is_scoped_and_the_api_is_free(packet: Path) -> None:
    with guard_inputs():
        note_input(packet)
        with pytest.raises(UsageError, match="never overwrites its inputs"):
            atomic_write(packet, b"{}", force=True)
        atomic_write(packet, packet.read_bytes(), force=True, allow_input=True)
    # outside a guarded CLI run a notebook may read a file and rewrite it on purpose
    message = phenotk.read(packet)
    phenotk.write(message, packet, force=True)
    assert json.loads(packet.read_text())["id"] == "p1"


def test_a_file_where_the_output_folder_must_be_is_named(packet: Path, tmp_path: Path) -> None:
    """``-o file/sub`` over an existing file: the error names the file in the way, not "File exists"."""
    blocker = tmp_path / "out"
    blocker.write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError, match=r"cannot write output: .*out is a file, not a folder") as err:
        atomic_write(blocker / "sub" / "x.json", b"{}")
    assert err.value.path == str(blocker / "sub" / "x.json")
    proc = run("validate", str(packet), "--no-hpo", "-f", "json", "-o", str(blocker / "report.json"))
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and f"{blocker} is a file, not a folder" in lines[-1], proc.stderr
    assert "File exists" not in proc.stderr and "Not a directory" not in proc.stderr
    assert blocker.read_text(encoding="utf-8") == "mine"
