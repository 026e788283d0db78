"""A file whose name holds ``!`` is a file, not a zip member (``archive.zip!member`` is how members are shown).

``fix -i 'x!y.json'`` refused ("cannot rewrite in place (zip member or stdin)") and ``fix -o out 'x!y.json'`` wrote
``out/y.json``. Zip members are still never rewritten in place, even when a file named like the member's display
path (``a.zip!m.json``) sits beside the archive.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from phenotk.cli.app import main

PACKET = {
    "id": "p1",
    "subject": {"id": "s1", "sex": "FEMALE"},
    "phenotypicFeatures": [{"type": {"id": "HP:0001250", "label": "Seizure"}, "excluded": "true"}],
    "metaData": {"created": "2024-01-01T00:00:00Z", "createdBy": "test", "phenopacketSchemaVersion": "2.0"},
}


def _fix(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit):
        main(["fix", "--no-hpo", *args])
    return capsys.readouterr().err


def test_a_file_named_with_a_bang_is_fixed_in_place(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    p = tmp_path / "x!y.json"
    p.write_text(json.dumps(PACKET, indent=2))
    err = _fix(capsys, "-i", str(p))
    assert json.loads(p.read_text())["phenotypicFeatures"][0]["excluded"] is True, err  # schema-type's safe fix


def test_a_file_named_with_a_bang_keeps_its_name_in_the_output_dir(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    p = tmp_path / "x!y.json"
    p.write_text(json.dumps(PACKET, indent=2))
    _fix(capsys, "-o", str(tmp_path / "out"), str(p))
    assert sorted(f.name for f in (tmp_path / "out").iterdir()) == ["x!y.json"]


def test_a_zip_member_is_never_rewritten_in_place(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("m.json", json.dumps(PACKET, indent=2))
    decoy = tmp_path / "a.zip!m.json"  # a file named like the member's display path
    decoy.write_text(json.dumps(PACKET, indent=2))
    before = decoy.read_bytes()
    err = _fix(capsys, "-i", str(archive))
    assert "cannot rewrite in place" in err
    assert decoy.read_bytes() == before
