"""``[tool.phenotk.limits]`` (issue 19): declared limits, read from the config, applied by every reader of a run.

Parsing (good table, unknown key with a suggestion, wrong types), the current-limits context, and end to end
through the command line: a limit lowered in a ``phenotk.toml`` makes a real phenopacket-store packet and a
messy sheet fail with one line naming the file and the key, exit 2.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from phenotk import limits as limits_mod
from phenotk.errors import InputError, UsageError
from phenotk.limits import Limits, current, using
from phenotk.validation.config import load_config

REPO = Path(__file__).resolve().parents[1]
MESSY = REPO / "tests" / "fixtures" / "messy_sheets"


def _config(tmp_path: Path, text: str, name: str = "phenotk.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_config_reads_the_limits_table(tmp_path: Path) -> None:
    cfg = _config(tmp_path, "[limits]\nsheet-rows = 1_000\ndocument_bytes = 2048\n")
    opts = load_config(cfg)
    assert opts.limits.sheet_rows == 1000
    assert opts.limits.document_bytes == 2048
    assert opts.limits.yaml_depth == Limits().yaml_depth  # the rest keep their defaults


def test_pyproject_limits_table(tmp_path: Path) -> None:
    cfg = _config(tmp_path, "[tool.phenotk]\nprofile = 'default'\n[tool.phenotk.limits]\nzip-ratio = 50\n",
                  "pyproject.toml")
    assert load_config(cfg).limits.zip_ratio == 50


def test_unknown_limit_key_is_a_usage_error_with_a_suggestion(tmp_path: Path) -> None:
    cfg = _config(tmp_path, "[limits]\nsheet-row = 10\n")
    with pytest.raises(UsageError) as info:
        load_config(cfg)
    text = str(info.value)
    assert "unknown key 'sheet-row' in [tool.phenotk.limits]" in text
    assert "did you mean 'sheet-rows'?" in text
    assert str(cfg) in text and "\n" not in text


@pytest.mark.parametrize("value", ['"many"', "true", "0", "-5", "1.5", "[1]"])
def test_a_limit_must_be_a_positive_integer(tmp_path: Path, value: str) -> None:
    cfg = _config(tmp_path, f"[limits]\nsheet-rows = {value}\n")
    with pytest.raises(UsageError, match=r"limits\.sheet-rows must be a positive integer") as info:
        load_config(cfg)
    assert info.value.path == str(cfg)


def test_limits_must_be_a_table(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"\[tool\.phenotk\.limits\] must be a table"):
        load_config(_config(tmp_path, "limits = 5\n"))


def test_every_field_is_a_documented_config_key() -> None:
    doc = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    for key in Limits.config_keys():
        assert f"`{key}`" in doc, f"limits.{key} is not documented in docs/configuration.md"


def test_using_sets_and_restores_the_current_limits() -> None:
    before = current()
    low = Limits.from_mapping({"sheet-rows": 3})
    with using(low):
        assert current().sheet_rows == 3
    assert current() is before


def test_exceeded_names_the_key_and_the_fix() -> None:
    err = Limits(sheet_rows=7).exceeded("sheet_rows", "row 9: too many", path="s.csv")
    assert isinstance(err, InputError)
    assert str(err) == "s.csv: row 9: too many: exceeds limits.sheet-rows = 7; raise it in [tool.phenotk.limits]"


def test_a_sheet_over_sheet_rows_is_refused_in_the_api(tmp_path: Path) -> None:
    from phenotk.conversion.table import read_table

    sheet = MESSY / "kinderklinik_export.csv"
    assert len(read_table(sheet).rows) > 3
    with using(Limits(sheet_rows=3)), pytest.raises(InputError, match=r"exceeds limits\.sheet-rows = 3"):
        read_table(sheet)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "phenotk", *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd)


def _error_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if "limits." in ln]


def test_cli_store_packet_over_document_bytes_exits_2(tmp_path: Path, store_files: list[Path]) -> None:
    packet = next(p for p in store_files if p.suffix == ".json" and p.stat().st_size > 2000)
    cfg = _config(tmp_path, "[limits]\ndocument-bytes = 1000\n")
    res = run("validate", str(packet), "--config", str(cfg), "--no-hpo", cwd=tmp_path)
    assert res.returncode == 2, res.stderr
    lines = _error_lines(res.stdout + res.stderr)  # the report (stdout) holds it as input-unreadable
    assert len(lines) == 1 and str(packet) in lines[0] and "input-unreadable" in lines[0]
    assert f"file is {packet.stat().st_size} bytes: exceeds limits.document-bytes = 1000; raise it in " \
        "[tool.phenotk.limits]" in lines[0]
    assert "Traceback" not in res.stderr
    ok = run("validate", str(packet), "--config", str(_config(tmp_path, "[limits]\ndocument-bytes = 10_000_000\n",
                                                                     "roomy.toml")), "--no-hpo", cwd=tmp_path)
    assert ok.returncode in (0, 1), ok.stderr  # the same packet under a roomy limit is read


def test_cli_sheet_over_sheet_rows_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    sheet = MESSY / "kinderklinik_export.csv"
    mapping = MESSY / "kinderklinik_export.mapping.yaml"
    cfg = _config(tmp_path, "[limits]\nsheet-rows = 4\n")
    out = tmp_path / "out"
    res = run("convert", str(sheet), "--mapping", str(mapping), "-o", f"{out}/", "--config", str(cfg), "--no-validate",
              cwd=tmp_path)
    assert res.returncode == 2, res.stderr
    lines = _error_lines(res.stderr)
    assert len(lines) == 1 and str(sheet) in lines[0]
    assert "row 6: the sheet has more than 4 data rows: exceeds limits.sheet-rows = 4; raise it in " \
        "[tool.phenotk.limits]" in lines[0]
    assert not out.exists() or not any(out.iterdir())  # refused before any packet was written
    assert "Traceback" not in res.stderr


def test_cli_unknown_limit_key_exits_2(tmp_path: Path) -> None:
    cfg = _config(tmp_path, "[limits]\nrows = 4\n")
    res = run("convert", str(MESSY / "kinderklinik_export.csv"), "--mapping",
              str(MESSY / "kinderklinik_export.mapping.yaml"), "-o", f"{tmp_path}/out/", "--config", str(cfg),
              cwd=tmp_path)
    assert res.returncode == 2
    assert "unknown key 'rows' in [tool.phenotk.limits]" in res.stderr
    assert "Traceback" not in res.stderr


def test_defaults_are_current_without_a_config() -> None:
    limits_mod.set_limits(None)
    assert current() == Limits()


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_jobs_workers_read_under_the_runs_limits(tmp_path: Path, store_dir: Path, method: str) -> None:
    """``--jobs 2`` workers check the run's document-bytes, also when started by spawn (forkserver on 3.14)."""
    folder = store_dir / "ACTB"
    sizes = sorted(p.stat().st_size for p in folder.glob("*.json"))
    limit = sizes[len(sizes) // 2]
    script = (
        "import multiprocessing, sys\n"
        f"multiprocessing.set_start_method({method!r}, force=True)\n"
        "from phenotk.limits import Limits\n"
        "from phenotk.workflow.session import Session\n"
        "if __name__ == '__main__':\n"
        f"    s = Session.from_settings(config=False, hpo=False, limits=Limits(document_bytes={limit}))\n"
        f"    r = s.validate([{str(folder)!r}], jobs=2)\n"
        "    print(sum('exceeds limits.document-bytes' in i.message for x in r.results for i in x.issues))\n"
    )
    (tmp_path / "run.py").write_text(script, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(tmp_path / "run.py")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout.strip()) == sum(1 for s in sizes if s > limit) > 0
