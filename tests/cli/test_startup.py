"""Start-up: what a one-file ``phenotk validate`` imports, and the real process entry point's exit path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

#: never on the path of ``phenotk validate one.json`` (pronto only builds an index the cache does not have yet)
HEAVY = ("pydantic", "pandas", "matplotlib", "fhir", "jsonschema", "openpyxl", "rich")

_PROBE = """
import sys
from phenotk.cli.app import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(repr(code))
print(sorted({m.split('.')[0] for m in sys.modules}))
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ, PHENOTK_OFFLINE="1", PHENOTK_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("PHENOTK_HPO", None)
    return env


def _probe(tmp_path: Path, *argv: str) -> tuple[str, set[str]]:
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, env=_env(tmp_path), cwd=tmp_path
    )
    *_, code, modules = proc.stdout.strip().splitlines()
    return code, set(eval(modules))  # our own repr of a list of names


def test_validate_one_file_imports_no_heavy_library(tmp_path: Path, store_files: list[Path], hpo_dir: Path) -> None:
    code, modules = _probe(tmp_path, "validate", str(store_files[0]), "--hpo", str(hpo_dir / "hp.json"), "-q")
    assert code in ("0", "1")
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))
    assert "phenotk" in modules and "typer" in modules


def test_warm_validate_of_json_imports_no_yaml_no_pronto_no_metadata(
    tmp_path: Path, store_files: list[Path], hpo_dir: Path
) -> None:
    """Once the HPO index is cached: a JSON input needs no PyYAML, the index no pronto (nor its version lookup)."""
    argv = ("validate", str(store_files[0]), "--hpo", str(hpo_dir / "hp.json"), "-q")
    _probe(tmp_path, *argv)  # cold: pronto builds and caches the index
    code, modules = _probe(tmp_path, *argv)
    assert code in ("0", "1")
    assert not modules & {"yaml", "pronto", "platformdirs"}, sorted(modules & {"yaml", "pronto", "platformdirs"})
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE.replace("m.split('.')[0]", "m"), *argv],
        capture_output=True, text=True, env=_env(tmp_path), cwd=tmp_path,
    )  # fmt: skip
    full = set(eval(proc.stdout.strip().splitlines()[-1]))
    assert "importlib.metadata" not in full
    assert "google.protobuf.json_format" not in full  # validation never parses into protobuf messages


def test_version_imports_no_cli_machinery(tmp_path: Path) -> None:
    code, modules = _probe(tmp_path, "--version")
    assert code == "0"
    assert not modules & {"typer", "google", "phenopackets", "yaml", *HEAVY}


@pytest.mark.parametrize(
    ("doc", "status"),
    [({"id": "p1", "subject": {"id": "s1", "sex": "male"}}, 1), ({"id": "p1", "subject": "x"}, 1), (None, 2)],
)
def test_the_process_entry_point_flushes_output_and_keeps_exit_codes(
    tmp_path: Path, doc: dict[str, object] | None, status: int
) -> None:
    path = tmp_path / "p.json"
    if doc is not None:
        path.write_text(json.dumps(doc), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "phenotk", "validate", str(path), "--no-hpo", "-f", "json"],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        cwd=tmp_path,
    )
    assert proc.returncode == status, proc.stderr
    report = json.loads(proc.stdout)  # the whole report arrived before the process ended
    assert report["summary"]["files"] == 1 and report["results"][0]["issues"]
