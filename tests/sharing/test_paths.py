"""Outputs stay under the output directory whatever the input paths and the prefix say. Synthetic packets only."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import phenotk
from phenotk.errors import UsageError

from .test_deidentify import BASE_PHENOPACKET, KEY


def test_zip_members_cannot_write_outside_the_output_directory(tmp_path: Path) -> None:
    archive = tmp_path / "in" / "cases.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as z:
        for member in ("../../slip.json", "/rooted/abs.json", "..\\..\\back.json", "sub/ok.json"):
            z.writestr(member, json.dumps(BASE_PHENOPACKET))
    out = tmp_path / "deep" / "er" / "out"
    result = phenotk.deidentify(archive, out, key=KEY)
    assert result.errors == [] and result.written == 4
    written = sorted(p for p in tmp_path.rglob("*.json"))
    assert len(written) == 4 and all(p.is_relative_to(out) for p in written), written
    assert sorted(str(p.parent.relative_to(out)) for p in written) == [".", ".", "rooted", "sub"]


@pytest.mark.parametrize("prefix", ["../../", "a/b-", "x y", " ptk-", ".hidden-", "ptk-\n", "p" * 33])
def test_a_prefix_that_would_be_a_path_or_odd_id_is_refused(prefix: str, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="prefix"):
        phenotk.deidentify(BASE_PHENOPACKET, tmp_path / "out", key=KEY, prefix=prefix)
    assert not (tmp_path / "out").exists() and list(tmp_path.parent.glob("*.json")) == []


@pytest.mark.parametrize("prefix", ["", "ptk-", "study_2024.", "P"])
def test_plain_prefixes_are_accepted(prefix: str) -> None:
    result = phenotk.deidentify(BASE_PHENOPACKET, key=KEY, prefix=prefix)
    assert json.loads(result.outputs[0].data)["subject"]["id"].startswith(prefix)


def test_cli_refuses_a_path_prefix_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(BASE_PHENOPACKET), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "phenotk", "deidentify", "a.json", "-o", "out", "--random-key", "--prefix", "../"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2 and "prefix" in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


def _person(pid: str, sid: str) -> dict[str, object]:
    pp = json.loads(json.dumps(BASE_PHENOPACKET))
    pp["id"], pp["subject"]["id"] = pid, sid
    pp["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]["subjectOrBiosampleId"] = sid
    return pp


@pytest.mark.parametrize("order", ["patient-first", "patient-last"])
def test_a_folder_named_after_a_patient_is_pseudonymised_for_all_its_files(order: str, tmp_path: Path) -> None:
    folder = tmp_path / "in" / "Jane_Roe" / "visits"
    folder.mkdir(parents=True)
    first, last = ("a", "z") if order == "patient-first" else ("z", "a")
    (folder / f"{first}.json").write_text(json.dumps(_person("visit-1", "Jane Roe")), encoding="utf-8")
    (folder / f"{last}.json").write_text(json.dumps(_person("mother-1", "M-0001")), encoding="utf-8")
    (tmp_path / "in" / "other").mkdir()
    (tmp_path / "in" / "other" / "b.json").write_text(json.dumps(_person("b", "S-0002")), encoding="utf-8")
    out = tmp_path / "out"
    result = phenotk.deidentify(tmp_path / "in", out, key=KEY)
    assert result.errors == [] and result.written == 3
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*.json"))
    folders = {w.split("/")[0] for w in written}
    assert "Jane_Roe" not in folders and len(folders) == 2 and "other" in folders, written  # one folder, renamed
    assert {w.split("/")[1] for w in written if not w.startswith("other")} == {"visits"}
    assert sorted(p.name for p in out.iterdir()) == sorted(folders)  # no empty 'Jane_Roe' left behind
    assert sorted(o.name for o in result.outputs) == written
    assert sorted(result.output_of.values()) == written


def test_a_second_run_into_the_same_folder_leaves_no_patient_folder_behind(tmp_path: Path) -> None:
    folder = tmp_path / "in" / "Jane_Roe"
    folder.mkdir(parents=True)
    (folder / "a.json").write_text(json.dumps(_person("visit-1", "Jane Roe")), encoding="utf-8")
    (folder / "z.json").write_text(json.dumps(_person("mother-1", "M-0001")), encoding="utf-8")
    out = tmp_path / "out"
    first = phenotk.deidentify(tmp_path / "in", out, key=KEY)
    before = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*.json")}
    again = phenotk.deidentify(tmp_path / "in", out, key=KEY)  # no force: refused, nothing left under Jane_Roe
    assert first.errors == [] and len(again.errors) == 2 and again.written == 0
    assert {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*.json")} == before
    assert not (out / "Jane_Roe").exists()
    forced = phenotk.deidentify(tmp_path / "in", out, key=KEY, force=True)
    assert forced.errors == [] and forced.written == 2
    assert {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*.json")} == before


def test_the_id_map_or_the_key_inside_the_release_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "released"
    key = tmp_path / "released" / "sharing.key"
    key.parent.mkdir()
    key.write_bytes(b"0123456789abcdef0123456789abcdef")
    with pytest.raises(UsageError, match="key file is inside the output directory"):
        phenotk.deidentify(BASE_PHENOPACKET, out, key_file=key)
    with pytest.raises(UsageError, match="id map"):
        phenotk.deidentify(BASE_PHENOPACKET, out, key=KEY, map_out=out / "sub" / "ids.map")
    assert sorted(p.name for p in out.rglob("*")) == ["sharing.key"]  # nothing written
    ok = phenotk.deidentify(BASE_PHENOPACKET, out, key=KEY, map_out=tmp_path / "ids.map")
    assert ok.written == 1 and (tmp_path / "ids.map").exists()
