"""Whole-process start-up: ``python -c pass``, ``phenotk --version``, ``phenotk validate one.json --hpo hp.json``.

A pre-commit hook or an editor runs phenotk on one file, so the time before any work is most of the run.
All three are timed as whole processes, interleaved round by round (a busy moment of the shared machine hits
every row alike), after one warm-up round (bytecode written to a private ``PYTHONPYCACHEPREFIX``, HPO index
cached; walker code is compiled per process anyway).
Prints the median and best wall seconds, the median CPU seconds (user + system: less sensitive to other load on
the machine) and the ratios of the medians to ``python -c pass``'s.

Targets (issue 17): ``--version`` ≤ 0.15 s, ``validate one.json --hpo hp.json`` ≤ 0.25 s, warm.

Run: ``.venv/bin/python benchmarks/startup.py [--rounds N] [--baseline-src DIR]``. ``--baseline-src`` adds a row
timing the same one-file validate with another source tree first on ``PYTHONPATH`` (e.g. ``git archive`` of an
older commit unpacked to DIR), interleaved with the others: a before/after comparison under the same load.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import compiled_env, shared_data

#: one ordinary store file (a few features, a disease, a variant)
STORE_FILE = "phenopacket-store/11q_terminal_deletion/PMID_15266616_100.json"
TARGETS = {"phenotk --version": 0.15, "phenotk validate one.json --hpo hp.json": 0.25}


def _time(argv: list[str], env: dict[str, str], cwd: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds user+system) of one whole process."""
    r0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall, r1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--baseline-src", help="another source tree (its src/ folder) to time the validate row with")
    args = parser.parse_args()
    data = shared_data()
    one, hp = data / STORE_FILE, data / "hpo" / "hp.json"
    py = sys.executable
    # warm means compiled: bytecode is written (to a private prefix, not into the tree) and reused after round 0
    env = compiled_env(dict(os.environ, PHENOTK_OFFLINE="1"))
    env.pop("PHENOTK_HPO", None)
    # the console script does exactly this (phenotk.cli.app:main); -m keeps the benchmark free of PATH
    commands = {
        "python -c pass": [py, "-c", "pass"],
        "phenotk --version": [py, "-m", "phenotk", "--version"],
        "phenotk validate one.json --hpo hp.json": [py, "-m", "phenotk", "validate", str(one), "--hpo", str(hp)],
    }
    envs = {name: env for name in commands}
    if args.baseline_src:
        name = "  same, --baseline-src tree"
        commands[name] = commands["phenotk validate one.json --hpo hp.json"]
        envs[name] = dict(env, PYTHONPATH=str(Path(args.baseline_src).resolve()))
    load0 = f"{os.getloadavg()[0]:.1f}"
    with tempfile.TemporaryDirectory() as cwd:  # no config file found from here
        for name, argv in commands.items():  # warm-up: OS file cache, pyc files, the HPO index cache
            _time(argv, envs[name], cwd)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.rounds):
            for name, argv in commands.items():
                times[name].append(_time(argv, envs[name], cwd))
    floor = statistics.median(w for w, _ in times["python -c pass"])
    cpu_floor = statistics.median(c for _, c in times["python -c pass"])
    print(f"{'command':42s} {'median s':>9s} {'best s':>7s} {'x pass':>7s} {'cpu s':>6s} {'x pass':>7s}  target (wall)")
    for name, values in times.items():
        med = statistics.median(w for w, _ in values)
        cpu = statistics.median(c for _, c in values)
        target = TARGETS.get(name)
        verdict = "" if target is None else f"≤ {target:.2f} s {'ok' if med <= target else 'MISSED'}"
        best = min(w for w, _ in values)
        print(f"{name:42s} {med:9.3f} {best:7.3f} {med / floor:6.1f}x {cpu:6.3f} {cpu / cpu_floor:6.1f}x  {verdict}")
    print(f"load average before/after: {load0} / {os.getloadavg()[0]:.1f} (2-core machine: >2 inflates wall time)")
    print(f"({args.rounds} interleaved rounds after one warm-up; {Path(py).name} {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
