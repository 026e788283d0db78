"""Every command over hostile JSON/YAML inputs made from real files: one located line each, exit 2, no traceback.

Each run gets a good file plus all the unreadable variants of one kind (truncations, NUL bytes, deep nesting,
BOM/UTF-16/Latin-1, empty, a directory named like a file, a missing path, a junk zip, a JSON scalar), so one
run proves three things at once: every bad input is named on its own stderr line, the exit code is 2, and the
good file of the same run is still processed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from _robust import SOURCES, SWAPS, Kind, Run, pointers, problems, run_cli, set_at, source_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.shared

OUT = "{out}"  # replaced by a fresh output directory per run


def _infos(run: Run, good: Path) -> bool:
    return str(good) in run.out


def _validate_json(run: Run, good: Path) -> bool:
    report = json.loads(run.out)
    mine = [r for r in report["results"] if r["path"] == str(good)]
    return len(mine) == 1 and not any(i["rule"] == "input-unreadable" for i in mine[0]["issues"])


def _wrote(out: Path) -> Callable[[Run, Path], bool]:
    return lambda run, good: out.is_dir() and any(out.iterdir())


def _commands(kind: str, out: Path) -> list[tuple[list[str], Callable[[Run, Path], bool] | None]]:
    forced = SOURCES[kind][1]
    v2 = kind in ("packet", "family")  # the other kinds are no Phenopacket v2: info/validate refuse them too
    cmds: list[tuple[list[str], Callable[[Run, Path], bool] | None]] = [
        (["info"], _infos if v2 else None),
        (["validate", "--no-hpo", "-q", "-f", "json"], _validate_json if v2 else None),
        (["fix", "--no-hpo", "--dry-run"], None),
        (["summarize", "--no-hpo", "-f", "json"], None),
        (["convert", "--no-validate", "-o", f"{out}/sniffed/"], _wrote(out / "sniffed")),
    ]
    if forced:
        cmds.append((["convert", "--from", forced, "--no-validate", "-o", f"{out}/forced/"], _wrote(out / "forced")))
    if kind.startswith("v1"):
        cmds.append((["upgrade", "-o", f"{out}/up/"], _wrote(out / "up")))
    if kind == "packet":
        for to in ("fhir", "beacon"):
            cmds.append((["convert", "--to", to, "--no-validate", "-o", f"{out}/{to}/"], _wrote(out / to)))
        for to, name in (("phetools-json", "x_individuals.json"), ("pyphetools-xlsx", "x_individuals.xlsx")):
            cmds.append((["convert", "--to", to, "--no-validate", "-o", f"{out}/{to}/{name}"], _wrote(out / to)))
        for ext in ("csv", "xlsx", "ped", "jsonl", "yaml"):
            cmds.append((["convert", "--no-validate", "-o", f"{out}/all.{ext}"], None))
    return cmds


@pytest.mark.parametrize("kind", list(SOURCES))
def test_bad_files_beside_a_good_one(kind: str, kinds: dict[str, Kind], tmp_path: Path) -> None:
    """Every command: exit 2, each bad input named on stderr, no traceback, the good file still processed."""
    k = kinds[kind]
    failures = []
    out = tmp_path / kind
    for n, (cmd, processed) in enumerate(_commands(kind, out)):
        args = [*cmd, str(k.good), *map(str, k.bad)]
        run = run_cli(args)
        found = problems(run, k.bad, good=(str(k.good), str(out)))
        for bad in k.bad:
            if not any(line.startswith(str(bad)) for line in run.err.splitlines()) and str(bad) not in run.out:
                found.append(f"{bad.name} is named on no line")
        if processed is not None and not run.crash and not processed(run, k.good):
            found.append("the good file was not processed")
        if found:
            failures.append(f"[{n}] {found}\n{run.describe()}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("kind", list(SOURCES))
def test_each_bad_file_alone(kind: str, kinds: dict[str, Kind]) -> None:
    """Alone, every unreadable variant makes ``info`` and ``validate`` exit 2 with one line that names it."""
    failures = []
    for bad in kinds[kind].bad:
        for cmd in (["info"], ["validate", "--no-hpo", "-q"]):
            run = run_cli([*cmd, str(bad)])
            found = problems(run, [bad])
            if not run.err.startswith(str(bad)) and cmd == ["info"]:
                found.append("first stderr line does not start with the path")
            if found:
                failures.append(f"{found}\n{run.describe()}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("kind", list(SOURCES))
def test_byte_flips_never_crash(kind: str, kinds: dict[str, Kind], tmp_path: Path) -> None:
    """Random byte flips (and a zip of broken members) may parse or not, but never crash a command."""
    k = kinds[kind]
    failures = []
    for cmd, _ in _commands(kind, tmp_path):
        run = run_cli([*cmd, *map(str, k.flipped)])
        found = problems(run, k.flipped, unreadable=False, good=(str(tmp_path),))
        if found:
            failures.append(f"{found}\n{run.describe()}")
    assert not failures, "\n\n".join(failures)


_JSON_KINDS = [k for k, (rel, _) in SOURCES.items() if rel.endswith(".json")]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_wrong_types_at_real_pointers(data: st.DataObject, shared_data: Path, tmp_path: Path) -> None:
    """A real value swapped for another JSON type: every command ends 0/1/2 without a traceback."""
    kind = data.draw(st.sampled_from(_JSON_KINDS))
    tree = json.loads(source_path(shared_data, kind).read_bytes())
    ptr = data.draw(st.sampled_from(list(pointers(tree))))
    value = data.draw(st.sampled_from(SWAPS))
    path = tmp_path / f"{kind}-{abs(hash((ptr, repr(value))))}.json"
    path.write_text(json.dumps(set_at(tree, ptr, value)), encoding="utf-8")
    out = tmp_path / f"out-{path.stem}"
    failures = []
    for cmd, _ in _commands(kind, out)[:7]:
        run = run_cli([*cmd, str(path)])
        found = problems(run, [path], unreadable=False, good=(str(out),))
        if found:
            failures.append(f"{ptr} = {value!r}: {found}\n{run.describe()}")
    assert not failures, "\n\n".join(failures)
