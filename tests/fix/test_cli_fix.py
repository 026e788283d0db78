"""``phenotk fix``: modes, exit codes, layout-keeping output, re-validation, resource versions."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from phenotk.cli.app import main

STORE_FILE = "11q_terminal_deletion/PMID_15266616_100.json"  # cites HPO 2024-02-27: HPO fixes are safe


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out, out.err


@pytest.fixture
def packet(tmp_path: Path, store_dir: Path) -> Path:
    """A store packet with a stale label and an observed ancestor added (in the file's own layout)."""
    from phenotk.fixes.apply import apply_to_text
    from phenotk.issue import Fix, PatchOp

    text = (store_dir / STORE_FILE).read_text()
    ops = [
        PatchOp("replace", "/phenotypicFeatures/0/type/label", "Tall forehead"),  # a RELATED synonym
        PatchOp("add", "/phenotypicFeatures/-", {"type": {"id": "HP:0000290", "label": "Abnormality of the forehead"}}),
    ]
    out = apply_to_text(text, "json", [Fix((op,)) for op in ops])
    p = tmp_path / "in" / "case.json"
    p.parent.mkdir()
    p.write_text(out.text or "")
    return p


def test_needs_a_mode(capsys: pytest.CaptureFixture[str], packet: Path) -> None:
    code, _, err = cli(capsys, "fix", str(packet))
    assert code == 2 and "--in-place" in err


def test_dry_run_prints_a_diff_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], packet: Path, hp_json: tuple[Path, Any]
) -> None:
    before = packet.read_bytes()
    code, out, err = cli(capsys, "fix", "--dry-run", "--hpo", str(hp_json[0]), str(packet))
    assert code == 0, err
    assert packet.read_bytes() == before
    assert out.startswith(f"--- a/{packet}\n+++ b/{packet}\n")
    assert '-        "label": "Tall forehead"\n+        "label": "High forehead"\n' in out
    assert '-        "label": "Abnormality of the forehead"\n' in out
    assert "fixed 2 (hpo-label-mismatch, hpo-redundant-ancestor)" in err
    assert "HPO 2025-05-06" in err


def test_in_place_restores_the_store_file(
    capsys: pytest.CaptureFixture[str], packet: Path, hp_json: tuple[Path, Any], store_dir: Path
) -> None:
    code, out, err = cli(capsys, "fix", "--in-place", "--hpo", str(hp_json[0]), str(packet))
    assert code == 0, err
    assert out == ""
    assert packet.read_text() == (store_dir / STORE_FILE).read_text()
    assert not list(packet.parent.glob(".*.tmp"))  # atomic write left nothing behind


def test_rule_filter(capsys: pytest.CaptureFixture[str], packet: Path, hp_json: tuple[Path, Any]) -> None:
    code, _, err = cli(capsys, "fix", "-i", "--rule", "hpo-label-mismatch", "--hpo", str(hp_json[0]), str(packet))
    assert code == 0, err
    data = json.loads(packet.read_text())
    assert data["phenotypicFeatures"][0]["type"]["label"] == "High forehead"
    assert data["phenotypicFeatures"][-1]["type"]["id"] == "HP:0000290"  # the ancestor stays
    code, _, err = cli(capsys, "fix", "-i", "--rule", "hpo-lable-mismatch", str(packet))
    assert code == 2 and "did you mean" in err


def test_output_dir_mirrors_the_tree(
    capsys: pytest.CaptureFixture[str], packet: Path, hp_json: tuple[Path, Any], tmp_path: Path
) -> None:
    sub = packet.parent / "sub"
    sub.mkdir()
    shutil.copy(packet, sub / "b.json")
    out_dir = tmp_path / "out"
    code, _, err = cli(capsys, "fix", "-o", str(out_dir), "--hpo", str(hp_json[0]), str(packet.parent))
    assert code == 0, err
    assert sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*.json")) == ["case.json", "sub/b.json"]
    code, _, err = cli(capsys, "fix", "-o", str(out_dir), "--hpo", str(hp_json[0]), str(packet.parent))
    assert code == 2 and "--force" in err


def test_remaining_errors_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, store_dir: Path, hp_json: tuple[Path, Any]
) -> None:
    text = (store_dir / STORE_FILE).read_text().replace('"HP:0000348"', '"HP:0001318"', 1)
    p = tmp_path / "bad.json"
    p.write_text(text)
    code, _, err = cli(capsys, "fix", "-i", "--hpo", str(hp_json[0]), str(p))
    assert code == 1
    assert "no such HPO term HP:0001318" in err and "[hpo-unknown-term]" in err
    assert p.read_text() == text  # nothing to fix
    code, _, _ = cli(capsys, "fix", "-i", "--fail-on", "never", "--hpo", str(hp_json[0]), str(p))
    assert code == 0


def test_unreadable_input_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path, packet: Path) -> None:
    bad = tmp_path / "in" / "broken.json"
    bad.write_text('{"id": ')
    code, _, err = cli(capsys, "fix", "--dry-run", "--no-hpo", str(packet.parent))
    assert code == 2 and "broken.json:1:" in err
    assert "; 1 file(s) unreadable (not fixed)" in err.splitlines()[-1]  # the summary says why the exit is 2


def test_stdin_to_stdout(
    capsys: pytest.CaptureFixture[str], packet: Path, hp_json: tuple[Path, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(packet.read_bytes())))
    code, out, err = cli(capsys, "fix", "--hpo", str(hp_json[0]), "-")
    assert code == 0, err
    assert '"label": "High forehead"' in out and "HP:0000290" not in out


def test_yaml_keeps_comments(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fixtures_dir: Path, hp_json: tuple[Path, Any]
) -> None:
    p = tmp_path / "case.yaml"
    shutil.copy(fixtures_dir / "fix" / "case.yaml", p)
    _code, _, err = cli(capsys, "fix", "-i", "--hpo", str(hp_json[0]), str(p))
    text = p.read_text()
    assert "# curated by hand; comments must survive a fix" in text
    assert "      label: Seizure   # trailing comment" in text, err


def test_missing_hp_resource_is_added_with_the_loaded_version(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, store_dir: Path, hp_json: tuple[Path, Any]
) -> None:
    data = json.loads((store_dir / STORE_FILE).read_text())
    data["metaData"]["resources"] = [r for r in data["metaData"]["resources"] if r["namespacePrefix"] != "HP"]
    p = tmp_path / "nores.json"
    p.write_text(json.dumps(data, indent=2))
    _code, _, err = cli(capsys, "fix", "-i", "--hpo", str(hp_json[0]), str(p))
    hp = [r for r in json.loads(p.read_text())["metaData"]["resources"] if r["namespacePrefix"] == "HP"]
    assert len(hp) == 1 and hp[0]["version"] == "2025-05-06", err
    assert "meta-undeclared-prefix" in err


def test_other_ontology_fixes_and_resource(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, store_dir: Path, fixtures_dir: Path, hp_json: tuple[Path, Any]
) -> None:
    data = json.loads((store_dir / STORE_FILE).read_text())
    data["diseases"] = [{"term": {"id": "MONDO:0000003", "label": "test disease two"}}]
    p = tmp_path / "mondo.json"
    p.write_text(json.dumps(data, indent=2))
    mondo = fixtures_dir / "fix" / "mini-mondo.obo"
    code, _, err = cli(capsys, "fix", "-i", "--hpo", str(hp_json[0]), "--ontology", f"MONDO={mondo}", str(p))
    fixed = json.loads(p.read_text())
    assert fixed["diseases"][0]["term"] == {"id": "MONDO:0000002", "label": "test disease one"}, err
    (res,) = [r for r in fixed["metaData"]["resources"] if r["namespacePrefix"] == "MONDO"]
    assert res["version"] == "2025-01-01"
    code, _, err = cli(capsys, "fix", "-i", "--ontology", "MONDO", str(p))
    assert code == 2 and "PREFIX=FILE" in err


def test_a_file_that_cannot_be_written_is_counted_and_the_others_fixed(tmp_path: Path) -> None:
    # a write error mid-run (the same name twice into one -o folder, a read-only folder) ended the run: the other
    # files were not fixed and no summary line was printed
    import subprocess
    import sys

    one, two = tmp_path / "a" / "p.json", tmp_path / "b" / "p.json"
    other = tmp_path / "c" / "q.json"
    for path in (one, two, other):
        path.parent.mkdir(parents=True)
        path.write_text('{"id": "x", "subject": {"id": "s", "sex": "female"}}\n', encoding="utf-8")
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "phenotk", "fix", str(one), str(two), str(other), "--no-hpo",
                          "-o", str(out)], capture_output=True, text=True)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "1 file(s) could not be written" in run.stderr and (out / "q.json").exists()
