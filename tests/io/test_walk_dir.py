"""Directory expansion: the order and the rules of ``os.walk`` (the reader walks with ``os.scandir`` itself)."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from phenotk.errors import InputError
from phenotk.io.readers import iter_sources

_KNOWN = (".json", ".yaml", ".yml", ".pb", ".binpb", ".bin", ".jsonl", ".ndjson", ".zip")


def _expected(root: str) -> list[str]:
    """What a plain ``os.walk`` of ``root`` yields: dot names skipped, files before subdirectories, sorted."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fn in sorted(filenames):
            if fn.startswith(".") or not fn.lower().endswith(_KNOWN):
                continue
            full = os.path.join(dirpath, fn)
            out.append(full + "!m.json" if fn.lower().endswith(".zip") else full)
    return out


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    for rel in (
        "b/z.json",
        "b/a/y.YAML",
        "a/x.json",
        "a/.hidden.json",
        ".dot/q.json",
        "c/notes.txt",
        "c/d/e/deep.ndjson",
    ):
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("{}")
    (root / "top.json").write_text("{}")
    (root / "A.Json").write_text("{}")
    with zipfile.ZipFile(root / "b" / "pack.zip", "w") as zf:
        zf.writestr("m.json", "{}")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "o.json").write_text("{}")
    (root / "a" / "linked").symlink_to(outside, target_is_directory=True)  # listed by os.walk, never entered
    (root / "a" / "link.json").symlink_to(root / "top.json")
    return root


@pytest.mark.parametrize("suffix", ["", "/"])
def test_directory_order_matches_os_walk(tree: Path, suffix: str) -> None:
    root = str(tree) + suffix
    got = [s.path for s in iter_sources([root]) if not isinstance(s, InputError)]
    assert got == _expected(root)
    assert str(tree / "a" / "x.json") in got and not any("outside" in p or "linked" in p for p in got)
    names = [s.name for s in iter_sources([root]) if not isinstance(s, InputError)]
    assert names == [os.path.basename(p.split("!")[-1]) for p in got]


def test_directory_without_phenopacket_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / ".hidden.json").write_text("{}")
    (items,) = list(iter_sources([tmp_path]))
    assert isinstance(items, InputError) and items.message.startswith("no Phenopacket files (")


def test_a_symlinked_folder_is_named_not_entered(tree: Path) -> None:
    # it was left out without a word: a project folder holding `data -> /mnt/cohort` checked 0 of its files
    errors = [s for s in iter_sources([str(tree)]) if isinstance(s, InputError)]
    assert [(e.path, e.kind) for e in errors] == [(str(tree / "a" / "linked"), "link")]
    assert "symbolic link to a folder: not entered" in errors[0].message


def test_a_folder_that_cannot_be_listed_is_an_error(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a sub-folder without read permission was skipped without a word (its files unread, exit 0)
    real = os.scandir
    locked = str(tree / "b" / "a")

    def scandir(path: str) -> object:
        if str(path) == locked:
            raise PermissionError(13, "Permission denied", path)
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    errors = [s for s in iter_sources([str(tree)]) if isinstance(s, InputError) and s.kind != "link"]
    assert [(e.path, e.message) for e in errors] == [
        (locked, "cannot list this folder: Permission denied; its files were not read")]


def test_validate_and_convert_say_so_with_the_right_exit_codes(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from phenotk.cli.validate import exit_code
    from phenotk.workflow.convert import expand
    from phenotk.workflow.session import Session

    folder = tree.parent / "packets"
    folder.mkdir()
    (folder / "p.json").write_text('{"id": "p1", "subject": {"id": "s1"}}')
    (folder / "more").symlink_to(tree / "a", target_is_directory=True)
    report = Session.from_settings(config=False, hpo=False, select=["schema"]).validate([str(folder)])
    linked = [i for r in report.results if r.path.endswith("more") for i in r.issues]
    assert [(i.rule, i.severity.value) for i in linked] == [("input-unreadable", "warning")]
    assert exit_code(report, None) == 0  # a warning, not an unreadable input (exit 2)
    walked = [e for e in expand([str(tree)]) if isinstance(e, InputError)]
    assert [(e.path, e.kind) for e in walked] == [(str(tree / "a" / "linked"), "link")]
    real = os.scandir
    monkeypatch.setattr(os, "scandir", lambda p: (_ for _ in ()).throw(PermissionError(13, "Permission denied", p))
                        if str(p) == str(tree / "c") else real(p))
    walked = [e for e in expand([str(tree)]) if isinstance(e, InputError) and e.kind != "link"]
    assert [(e.path, e.message) for e in walked] == [
        (str(tree / "c"), "cannot list this folder: Permission denied; its files were not read")]
