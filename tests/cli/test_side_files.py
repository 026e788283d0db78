"""Files a command reads besides its inputs are never replaced by one of its outputs, even with --force.

``io.writers.guard_inputs`` promised it for the documents a run reads; the side files were not registered:
``deidentify --key-file k --map-out k --force`` destroyed the secret key, ``mapping init s.csv -o s.csv --force``
replaced the sheet with its mapping, ``validate -o phenotk.toml --force`` the config it had just read,
``convert --report m.yaml --force`` the mapping, ``--report``/``-o`` over ``--require``, ``--annotations`` or
``--ontology`` files likewise. And ``validate --baseline B --write-baseline B`` wrote an empty baseline (the
findings B hid were dropped before it was written), so the next run showed them all again.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from phenotk.cli.app import main

ROOT = Path(__file__).resolve().parents[2]
PACKET = ROOT / "examples" / "proband-marfan.json"
MONDO = ROOT / "tests" / "fixtures" / "fix" / "mini-mondo.obo"
MAPPING = "phenotk_mapping: 1\nsubject:\n  id: Patient\n  sex: Sex\n"
KEPT = {"k.key": "0123456789abcdef0123456789abcdef\n", "phenotk.toml": 'profile = "default"\n', "m.yaml": MAPPING,
        "schema.json": '{"type": "object"}\n', "s.csv": "Patient,Sex\nP1,M\n", "a.hpoa": "#description: x\n"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    return code, capsys.readouterr().err


@pytest.fixture()
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PHENOTK_HPO", raising=False)
    shutil.copy(PACKET, tmp_path / "p.json")
    shutil.copy(MONDO, tmp_path / "mondo.obo")
    for name, text in KEPT.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


CASES = [
    (["deidentify", "p.json", "-o", "de/", "--key-file", "k.key", "--map-out", "k.key", "--force"], "k.key"),
    (["deidentify", "p.json", "-o", "de/", "--key-file", "k.key", "--privacy-report", "k.key", "--force"], "k.key"),
    (["mapping", "init", "s.csv", "-o", "s.csv", "--force"], "s.csv"),
    (["validate", "p.json", "--no-hpo", "-o", "phenotk.toml", "--force"], "phenotk.toml"),  # the config found
    (["validate", "p.json", "--no-hpo", "--config", "phenotk.toml", "-f", "json", "-o", "phenotk.toml", "--force"],
     "phenotk.toml"),
    (["validate", "p.json", "--no-hpo", "--require", "schema.json", "-f", "json", "-o", "schema.json", "--force"],
     "schema.json"),
    (["validate", "p.json", "--no-hpo", "--ontology", "MONDO=mondo.obo", "-o", "mondo.obo", "--force"], "mondo.obo"),
    (["convert", "s.csv", "-m", "m.yaml", "-o", "out/", "--no-hpo", "--report", "m.yaml", "--report-format", "json",
      "--force"], "m.yaml"),
    (["convert", "s.csv", "-m", "m.yaml", "-o", "out/", "--no-hpo", "--report", "phenotk.toml", "--report-format",
      "json", "--force"], "phenotk.toml"),
    (["convert", "s.csv", "-m", "m.yaml", "-o", "out/", "--no-hpo", "--annotations", "a.hpoa", "--report", "a.hpoa",
      "--report-format", "json", "--force"], "a.hpoa"),
]


@pytest.mark.parametrize(("argv", "kept"), CASES, ids=[f"{c[0][0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_side_files_are_never_overwritten(
    capsys: pytest.CaptureFixture[str], work: Path, argv: list[str], kept: str
) -> None:
    before = (work / kept).read_bytes()
    code, err = run(capsys, *argv)
    assert code == 2, err
    assert f"{kept}: this output is also an input of the run" in err
    assert (work / kept).read_bytes() == before


def test_baseline_refreshed_in_place_keeps_the_findings_it_hides(
    capsys: pytest.CaptureFixture[str], work: Path
) -> None:
    (work / "phenotk.toml").unlink()
    assert run(capsys, "validate", "p.json", "--no-hpo", "--write-baseline", "b.json")[0] == 0
    recorded = json.loads((work / "b.json").read_text())["findings"]
    assert recorded  # the example packet has two warnings
    code, err = run(capsys, "validate", "p.json", "--no-hpo", "--baseline", "b.json", "--write-baseline", "b.json")
    assert code == 0, err
    assert json.loads((work / "b.json").read_text())["findings"] == recorded
    code, err = run(capsys, "validate", "p.json", "--no-hpo", "--baseline", "b.json", "--fail-on", "warning")
    assert code == 0, err  # the two warnings are hidden: nothing at or above --fail-on warning


@pytest.mark.parametrize("output", [".", "./", "sub/.."])
def test_deidentify_of_a_file_inside_the_output_directory_is_refused(
    capsys: pytest.CaptureFixture[str], work: Path, output: str
) -> None:
    # it was skipped (outputs are never read again) and the run exited 0 having de-identified nothing
    (work / "sub").mkdir()
    before = sorted(p.name for p in work.iterdir())
    code, err = run(capsys, "deidentify", "p.json", "-o", output, "--random-key")
    assert code == 2 and err.startswith(f"p.json: lies inside the output directory {output}: it would be skipped")
    assert sorted(p.name for p in work.iterdir()) == before


def test_deidentify_output_inside_an_input_directory_still_works(
    capsys: pytest.CaptureFixture[str], work: Path
) -> None:
    (work / "in").mkdir()
    shutil.copy(PACKET, work / "in" / "p.json")
    code, err = run(capsys, "deidentify", "in", "-o", "in/release", "--random-key")
    assert code in (0, 1) and "de-identified 1 document(s)" in err
