"""``phenotk convert --jobs N`` (issue 19): packets made in worker processes, the same files and findings as one job.

The messy-sheet corpus (tests/fixtures/messy_sheets: ten clinic sheets of invented patients, wide and long, CSV,
TSV and XLSX, each with its hand mapping and ground truth) and the benchmark's messy 200k-row generator (here
1,600 rows: duplicate ids, rows without an id, stray cells, blank rows) are converted with ``jobs=1`` and
``jobs=2`` — tasks of two packets for the corpus, so even a short sheet is spread over both workers — and the
outputs compared byte for byte, the reports finding for finding (the per-sheet tail ``map-incomplete-packets``
and the cross-document ``id-duplicate`` included). A new output directory appears whole or not at all.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from phenotk.conversion import registry
from phenotk.conversion.table import parallel
from phenotk.io.writers import NewDirectory
from phenotk.workflow import convert as workflow
from phenotk.workflow.convert import convert

REPO = Path(__file__).resolve().parents[3]
CORPUS = REPO / "tests" / "fixtures" / "messy_sheets"
CREATED = "2025-01-01T00:00:00Z"


def _corpus() -> list[tuple[str, Path, Path]]:
    out = []
    for truth_file in sorted(CORPUS.glob("*.truth.json")):
        stem = truth_file.name[: -len(".truth.json")]
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        out.append((stem, CORPUS / truth["file"], CORPUS / f"{stem}.mapping.yaml"))
    return out


SHEETS = _corpus()


def _scale_module() -> Any:
    """benchmarks/sheet_scale.py, loaded by path. The script puts benchmarks/ on sys.path to import its helper:
    undone here, or its scripts (fhir.py, …) would shadow real packages for every later test of this process."""
    spec = importlib.util.spec_from_file_location("phenotk_bench_sheet_scale", REPO / "benchmarks" / "sheet_scale.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    path, had_common = list(sys.path), "_common" in sys.modules
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = path
        if not had_common:
            sys.modules.pop("_common", None)
    return module


def _run(sheet: Path, mapping: Path, out: Path | str, jobs: int, hpo: Any) -> tuple[dict[str, Any], int, Any]:
    conv = convert([str(sheet)], mapping=str(mapping), hpo=hpo, config=False, created=CREATED, jobs=jobs)
    written = conv.write(out, keep=False)
    mapper = conv._reading.mapper if conv._reading is not None else None
    return conv.report.to_dict(), written, mapper


def _files(out: Path) -> dict[str, bytes]:
    if out.is_file():
        return {out.name: out.read_bytes()}
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_the_corpus_is_there() -> None:
    assert len(SHEETS) >= 10
    assert {p.suffix for _, p, _ in SHEETS} >= {".csv", ".tsv", ".xlsx"}
    assert sum(registry.sniff_reader(p).name == "table" for _, p, _ in SHEETS) >= 8


@pytest.mark.parametrize("stem", [s for s, _, _ in SHEETS])
def test_two_jobs_write_and_report_what_one_job_does(
    stem: str, tmp_path: Path, hpo_index: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every corpus sheet, to a directory and to JSON Lines: the same bytes, the same findings in the same order."""
    _, sheet, mapping = next(s for s in SHEETS if s[0] == stem)
    monkeypatch.setattr(parallel, "CHUNK", 2)  # two packets per task: every sheet is spread over the workers
    for kind in ("dir", "jsonl"):
        outs = {}
        for jobs in (1, 2):
            out = tmp_path / f"{kind}{jobs}" if kind == "dir" else tmp_path / f"out{jobs}.jsonl"
            report, written, mapper = _run(sheet, mapping, f"{out}/" if kind == "dir" else out, jobs, hpo_index)
            outs[jobs] = (report, written, _files(out))
            if jobs == 2 and written > 2 and registry.sniff_reader(sheet).name == "table":  # (REDCap: in process)
                assert mapper is not None and mapper.used == 2, "the packets were not made in worker processes"
        (report1, written1, files1), (report2, written2, files2) = outs[1], outs[2]
        assert written1 == written2 == len(files1 if kind == "dir" else files1["out1.jsonl"].splitlines())
        assert written1 > 0
        assert list(files1.values()) == list(files2.values()) if kind == "jsonl" else files1 == files2
        assert report1 == report2
        assert report1["summary"]["files"] > 0


def test_a_long_messy_sheet_with_cross_row_findings(tmp_path: Path, hpo_index: Any) -> None:
    """1,600 generated rows: duplicate ids, rows without an id, the sheet's tail finding — all as with one job."""
    sheet = tmp_path / "messy.csv"
    scale = _scale_module()
    scale.make_csv(sheet, 1_600)
    mapping = REPO / "mappings" / "generic-wide.yaml"
    one = _run(sheet, mapping, tmp_path / "one.jsonl", 1, hpo_index)
    two = _run(sheet, mapping, tmp_path / "two.jsonl", 2, hpo_index)
    assert two[2].used == 2
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()
    assert one[0] == two[0]
    rules = {i["rule"] for r in two[0]["results"] for i in r["issues"]}
    # the findings that need more than one row: each must have crossed the workers intact
    assert {"map-duplicate-id", "map-missing-id", "map-incomplete-packets", "map-bad-cell"} <= rules


def test_automatic_jobs_leave_a_short_sheet_in_process(tmp_path: Path, hpo_stub: Any) -> None:
    """``jobs=0`` forks only for sheets of :data:`parallel.AUTO_MIN_PACKETS` packets or more."""
    _, sheet, mapping = SHEETS[0]
    _, written, mapper = _run(sheet, mapping, tmp_path / "out.jsonl", 0, hpo_stub)
    assert written > 0
    assert mapper.used == 1


def test_negative_jobs_are_a_usage_error() -> None:
    from phenotk.errors import UsageError

    with pytest.raises(UsageError, match="jobs"):
        convert([str(SHEETS[0][1])], mapping=str(SHEETS[0][2]), jobs=-1, hpo=False)


# ---------------------------------------------------------------------------- a new directory: whole or absent


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.endswith(".tmp"))


def test_new_directory_is_renamed_into_place_with_plain_modes(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        target = tmp_path / "deep" / "out"
        with NewDirectory(target) as new:
            new.write("a.json", b"{}\n")
            assert not target.exists()  # nothing visible before the end
            new.write("b.json", b"[]\n")
    finally:
        os.umask(old)
    assert sorted(p.name for p in target.iterdir()) == ["a.json", "b.json"]
    assert (target / "b.json").read_bytes() == b"[]\n"
    assert oct(target.stat().st_mode & 0o777) == oct(0o755)
    assert oct((target / "a.json").stat().st_mode & 0o777) == oct(0o644)
    assert _leftovers(target.parent) == []


def test_new_directory_leaves_nothing_on_error_or_when_empty(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with pytest.raises(RuntimeError), NewDirectory(target) as new:
        new.write("a.json", b"{}\n")
        raise RuntimeError("boom")
    assert not target.exists() and _leftovers(tmp_path) == []
    with NewDirectory(target):
        pass
    assert not target.exists() and _leftovers(tmp_path) == []


def test_new_directory_keeps_a_directory_made_meanwhile(tmp_path: Path) -> None:
    from phenotk.errors import OutputExistsError

    target = tmp_path / "out"
    with pytest.raises(OutputExistsError), NewDirectory(target) as new:
        new.write("a.json", b"{}\n")
        target.mkdir()
        (target / "theirs.txt").write_text("kept")
    assert [p.name for p in target.iterdir()] == ["theirs.txt"]
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_conversion_stopped_midway_writes_no_directory(
    jobs: int, tmp_path: Path, hpo_stub: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C (KeyboardInterrupt) after some packets were written: no output directory, no staging left."""
    stem, sheet, mapping = next(s for s in SHEETS if s[1].suffix == ".csv")
    monkeypatch.setattr(parallel, "CHUNK", 2)
    real = workflow._serialise
    calls = []

    def interrupted(item: Any, fmt: Any) -> bytes:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(item, fmt)

    monkeypatch.setattr(workflow, "_serialise", interrupted)
    conv = convert([str(sheet)], mapping=str(mapping), hpo=hpo_stub, config=False, created=CREATED, jobs=jobs)
    with pytest.raises(KeyboardInterrupt):
        conv.write(f"{tmp_path / 'out'}/", keep=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == [], stem


def test_sigterm_during_a_directory_write_leaves_nothing(tmp_path: Path, hpo_dir: Path) -> None:
    """The command line killed by SIGTERM while it writes a new directory (two workers): nothing partial remains."""
    sheet = tmp_path / "big.csv"
    _scale_module().make_csv(sheet, 30_000)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "NO_COLOR": "1"}
    mapping = REPO / "mappings" / "generic-wide.yaml"
    cmd = [sys.executable, "-m", "phenotk", "convert", str(sheet), "--mapping", str(mapping), "-o", f"{out}/",
           "--no-hpo", "--no-validate", "--jobs", "2", "--created", CREATED]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        staging: list[Path] = []
        while time.monotonic() < deadline and proc.poll() is None:
            staging = [p for p in tmp_path.iterdir() if p.name.startswith(".out.") and p.name.endswith(".tmp")]
            if staging and any(staging[0].iterdir()):
                break
            time.sleep(0.05)
        if proc.poll() is not None:
            pytest.skip("the conversion ended before it could be interrupted")
        assert staging, "no staging directory beside the output"
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert rc == 128 + signal.SIGTERM
    assert not out.exists()
    assert _leftovers(tmp_path) == []


def test_the_api_gets_the_same_messages_and_items(
    tmp_path: Path, hpo_stub: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``phenotk.convert(..., jobs=2)`` iterated: the same messages (parsed from what the workers sent), names
    and per-item findings; ``write()`` of the kept items then writes the same file."""
    _, sheet, mapping = next(s for s in SHEETS if registry.sniff_reader(s[1]).name == "table")
    monkeypatch.setattr(parallel, "CHUNK", 2)
    runs = {}
    for jobs in (1, 2):
        conv = convert([str(sheet)], mapping=str(mapping), hpo=hpo_stub, config=False, created=CREATED, jobs=jobs)
        items = conv.items()
        runs[jobs] = (
            [(i.source, i.name, [x.to_dict() for x in i.issues]) for i in items],
            [m.SerializeToString(deterministic=True) for m in conv.messages()],
            conv.report.to_dict(),
        )
        conv.write(tmp_path / f"kept{jobs}.jsonl")
    assert conv._reading is not None and conv._reading.mapper.used == 2
    assert runs[1] == runs[2]
    assert len(runs[1][1]) > 2
    assert (tmp_path / "kept1.jsonl").read_bytes() == (tmp_path / "kept2.jsonl").read_bytes()


def test_loading_the_benchmark_script_leaves_sys_path_alone() -> None:
    """benchmarks/ on sys.path made ``import fhir.resources`` find benchmarks/fhir.py in later tests of a worker."""
    before = list(sys.path)
    assert _scale_module().MAPPING.name == "generic-wide.yaml"
    assert sys.path == before
    assert str(REPO / "benchmarks") not in sys.path
