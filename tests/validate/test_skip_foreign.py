"""``--skip-foreign`` / ``skip-foreign = true``: files that are no Phenopacket, Family or Cohort leave the report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from phenotk.cli.app import main
from phenotk.workflow.session import Session


def _repo(tmp_path: Path, store_files: list[Path]) -> Path:
    """A repository as pre-commit sees it: two store packets beside a package.json and a config YAML."""
    repo = tmp_path / "repo"
    (repo / "phenopackets").mkdir(parents=True)
    for f in store_files[:2]:
        shutil.copy(f, repo / "phenopackets" / f.name)
    (repo / "package.json").write_text(json.dumps({"name": "site", "version": "1.0.0"}), encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text("repos:\n  - repo: local\n    hooks: []\n", encoding="utf-8")
    return repo


def test_a_github_workflow_whose_on_key_yaml_reads_as_true_is_skipped_too(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    workflow = tmp_path / "ci.yml"
    workflow.write_text("name: CI\non: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n", encoding="utf-8")
    broken = tmp_path / "broken.yaml"  # a phenopacket (it has an id) with a non-string key: still reported
    broken.write_text("id: p1\ntrue: x\n", encoding="utf-8")
    code, out, _ = _run(capsys, "validate", str(workflow), "--no-hpo", "-q", "--skip-foreign", "-f", "json")
    report = json.loads(out)
    assert code == 0 and report["results"] == [] and "ci.yml" in report["notes"][-1]
    code, out, _ = _run(capsys, "validate", str(broken), "--no-hpo", "-q", "--skip-foreign", "-f", "json")
    assert code == 2 and "YAML key true" in json.loads(out)["results"][0]["issues"][0]["message"]


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def test_cli_leaves_foreign_files_out_with_one_note(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, store_files: list[Path]
) -> None:
    repo = _repo(tmp_path, store_files)
    files = [str(p) for p in sorted(repo.rglob("*")) if p.is_file()]
    code, out, _ = _run(capsys, "validate", *files, "--no-hpo", "-q", "-f", "json")
    plain = json.loads(out)
    assert code == 2 and plain["summary"]["files"] == 4  # without the option: two input-unreadable errors
    code, out, _ = _run(capsys, "validate", *files, "--no-hpo", "-q", "-f", "json", "--skip-foreign")
    report = json.loads(out)
    assert code in (0, 1) and report["summary"]["files"] == 2
    assert {Path(r["path"]).parent.name for r in report["results"]} == {"phenopackets"}
    skipped = [n for n in report["notes"] if n.startswith("skipped 2 file(s)")]
    assert len(skipped) == 1 and "package.json" in skipped[0] and ".pre-commit-config.yaml" in skipped[0]
    # the packets' own findings are those of a run over them alone
    code, out, _ = _run(capsys, "validate", str(repo / "phenopackets"), "--no-hpo", "-q", "-f", "json")
    assert json.loads(out)["results"] == report["results"]


def test_a_broken_phenopacket_is_still_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, store_files: list[Path]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(store_files[0].read_text(encoding="utf-8")[:-20], encoding="utf-8")  # cut: invalid JSON
    code, _, _ = _run(capsys, "validate", str(bad), "--no-hpo", "-q", "--skip-foreign")
    assert code == 2


def test_config_key_and_api_and_repeated_runs(tmp_path: Path, store_files: list[Path]) -> None:
    repo = _repo(tmp_path, store_files)
    (repo / "phenotk.toml").write_text("skip-foreign = true\n", encoding="utf-8")
    session = Session.from_settings(config=repo / "phenotk.toml", hpo=False)
    for _ in range(2):  # the note is the run's, not kept by the engine for the next run
        report = session.validate([str(repo / "package.json"), str(repo / "phenopackets")])
        assert len(report.results) == 2
        assert sum(n.startswith("skipped 1 file(s)") for n in report.notes) == 1
    mem = session.validate([{"name": "site", "version": "1.0.0"}])
    assert mem.results == [] and any(n.startswith("skipped 1 file(s)") for n in mem.notes)
    (repo / "phenotk.toml").write_text('skip-foreign = "yes"\n', encoding="utf-8")
    with pytest.raises(Exception, match="skip-foreign must be true or false"):
        Session.from_settings(config=repo / "phenotk.toml", hpo=False)


def test_partition_function_leaves_them_out_too(tmp_path: Path, store_files: list[Path]) -> None:
    pytest.importorskip("pyarrow")
    from phenotk.scale.partition import validate_records

    repo = _repo(tmp_path, store_files)
    records = [(str(p), p.read_bytes()) for p in (repo / "package.json", *sorted((repo / "phenopackets").iterdir()))]
    on = Session.from_settings(hpo=False, skip_foreign=True).engine
    off = Session.from_settings(hpo=False).engine
    assert validate_records(records, on).documents.num_rows == 2
    assert validate_records(records, off).documents.num_rows == 3


def test_api_keyword() -> None:
    import phenotk

    report = phenotk.validate([{"name": "site"}, {"id": "p1"}], hpo=False, skip_foreign=True)
    assert [r.id for r in report.results] == ["p1"] and any(n.startswith("skipped 1 file(s)") for n in report.notes)
    assert len(phenotk.validate([{"name": "site"}, {"id": "p1"}], hpo=False).results) == 2


def test_skipped_files_count_for_the_progress_bar(tmp_path: Path, store_files: list[Path]) -> None:
    repo = _repo(tmp_path, store_files)
    ticks: list[int] = []
    session = Session.from_settings(hpo=False, skip_foreign=True)
    report = session.validate([str(repo / "package.json"), str(repo / "phenopackets")], progress=ticks.append)
    assert len(report.results) == 2 and sum(ticks) == 3  # the bar reaches the number of files it was given
