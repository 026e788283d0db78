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
