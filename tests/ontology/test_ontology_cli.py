"""``phenotk ontology info | fetch | lookup`` on the toy fixtures (in-process, no network)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from _ontology_cli import run

from phenotk.ontology import resolve


def test_info(capsys: pytest.CaptureFixture[str], mini_hp: Path) -> None:
    code, out, _ = run(capsys, "ontology", "info", "--hpo", str(mini_hp), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["release"] == "2099-01-01" and data["prefix"] == "HP" and data["found_by"] == "--hpo"
    assert data["source"] == str(mini_hp) and data["obsolete"] == 1 and data["alt_ids"] == 1
    assert data["cache"] and Path(data["cache"]).is_file()
    code, out, _ = run(capsys, "ontology", "info", "--hpo", str(mini_hp))
    assert code == 0 and "release:" in out and "2099-01-01" in out


def test_info_without_hpo_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "ontology", "info")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "--hpo" in err and "Traceback" not in err


def test_lookup_id_text_and_misses(capsys: pytest.CaptureFixture[str], mini_hp: Path) -> None:
    hp = ["--hpo", str(mini_hp)]
    code, out, _ = run(capsys, "ontology", "lookup", "hp:0001415", *hp)
    assert code == 0 and "HP:0000006  Autosomal dominant inheritance" in out and "alternative id" in out
    code, out, _ = run(capsys, "ontology", "lookup", "HP:0000057", *hp)
    assert code == 0 and "replaced by HP:0008665 Clitoral hypertrophy" in out
    code, out, _ = run(capsys, "ontology", "lookup", " SEIZURES ", *hp, "--json")
    assert code == 0 and [r["id"] for r in json.loads(out)] == ["HP:0001250"]
    code, out, _ = run(capsys, "ontology", "lookup", "HP:0040280", *hp)  # above the release's highest id
    assert code == 1 and "newer term" in out
    code, out, err = run(capsys, "ontology", "lookup", "no such phenotype", *hp)
    assert code == 1 and "no such phenotype" in err


def test_lookup_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "ontology", "lookup", "x", "--hpo", str(tmp_path / "hp.json"))
    assert code == 2 and err.strip() == f"{tmp_path / 'hp.json'}: HPO file not found (from --hpo)"


def test_fetch_from_file_url(
    capsys: pytest.CaptureFixture[str], mini_hp: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(resolve, "_MIN_RELEASE_BYTES", 10)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "ontology", "fetch", "--release", "2099-01-01", "--url", mini_hp.as_uri())
    assert code == 0 and "HPO 2099-01-01" in out
    code, out, _ = run(capsys, "ontology", "info", "--json")  # now found in the cache
    assert code == 0 and json.loads(out)["found_by"] == "cache"
    code, _, err = run(capsys, "ontology", "fetch", "--release", "2098-01-01", "--url", "file:///no/such/file")
    assert code == 2 and "cannot download HPO 2098-01-01" in err


def test_hpo_that_is_a_directory_or_a_device_is_named_as_such(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "ontology", "lookup", "x", "--hpo", str(tmp_path))
    assert code == 2 and err.strip() == f"{tmp_path}: a directory, not an HPO file (from --hpo)"
    code, _, err = run(capsys, "ontology", "lookup", "x", "--hpo", os.devnull)
    assert code == 2 and err.strip() == f"{os.devnull}: not a regular file, not an HPO file (from --hpo)"


def test_fetch_into_an_unwritable_cache_is_one_line(
    capsys: pytest.CaptureFixture[str], mini_hp: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resolve, "_MIN_RELEASE_BYTES", 10)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("PHENOTK_CACHE_DIR", str(blocker))  # a file where the cache folder should be
    code, out, err = run(capsys, "ontology", "fetch", "--release", "2099-01-01", "--url", mini_hp.as_uri())
    assert code == 2 and out == "" and err.count("\n") == 1 and "internal error" not in err
    assert err.startswith(f"cannot write the HPO cache folder {blocker / 'ontology' / 'releases'} (Not a directory)")
    assert "PHENOTK_CACHE_DIR" in err


def test_fetch_release_must_be_a_date(
    capsys: pytest.CaptureFixture[str], mini_hp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resolve, "_MIN_RELEASE_BYTES", 10)
    code, _, err = run(capsys, "ontology", "fetch", "--release", "../../x", "--url", mini_hp.as_uri())
    assert code == 2 and "an HPO release is a date (YYYY-MM-DD" in err and "'../../x'" in err
    assert not (resolve.releases_dir() / "hp-..").exists()
    code, out, _ = run(capsys, "ontology", "fetch", "--release", "v2099-01-01", "--url", mini_hp.as_uri())
    assert code == 0 and "HPO 2099-01-01" in out and resolve.release_path("2099-01-01").is_file()  # the tag form


def test_url_given_as_hpo_says_how_to_download(capsys: pytest.CaptureFixture[str]) -> None:
    url = "https://github.com/obophenotype/human-phenotype-ontology/releases/download/v2025-05-06/hp.json"
    code, _, err = run(capsys, "ontology", "info", "--hpo", url)
    assert code == 2 and err.count("\n") == 1
    assert "a URL, not an HPO file: download it with `phenotk ontology fetch --url URL`" in err


def test_info_says_why_the_index_is_not_cached(
    capsys: pytest.CaptureFixture[str], mini_hp: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("PHENOTK_CACHE_DIR", str(blocker))
    code, out, _ = run(capsys, "ontology", "info", "--hpo", str(mini_hp), "--json")
    data = json.loads(out)
    assert code == 0 and data["cache"] is None and data["release"] == "2099-01-01"
    index_dir = blocker / "ontology" / "index"
    assert data["cache_problem"] == f"cannot write {index_dir}: Not a directory; set PHENOTK_CACHE_DIR"
    monkeypatch.setenv("PHENOTK_CACHE_DIR", str(tmp_path / "fine"))
    code, out, _ = run(capsys, "ontology", "info", "--hpo", str(mini_hp), "--json")
    assert json.loads(out)["cache_problem"] is None


def test_info_in_a_deleted_working_directory(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()  # a shell still sitting in a folder another process removed
    code, _, err = run(capsys, "ontology", "info")
    assert code == 2 and err.startswith("no HPO ontology found;") and "internal error" not in err
