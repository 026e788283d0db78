"""Instructions per document (valgrind cachegrind) for the parse floor, structural rules and all rules.

CPU time on a shared 2-core VM swings by about 10 % between runs, which is as large as most changes worth
making. Instruction counts do not: the same code on the same files executes the same number of instructions
(``PYTHONHASHSEED=0``), whatever else runs on the machine. This benchmark counts them with cachegrind, so two
commits can be compared exactly; the ratios track the CPU-time ratios of ``benchmarks/hpo_rules.py`` closely
(memory stalls are not counted, so treat it as a second opinion next to time, not a replacement).

Each row runs in its own process twice under cachegrind — once up to the timed part, once including it — and
the difference divided by the number of files is the cost per document. Both runs first validate the sample
once with every rule (HPO index loaded, walkers compiled, id memos filled: the warm state the time benchmarks
measure), so only the measured pass differs. It runs on every ``--step``-th store file (default 10: 769 files)
because cachegrind is ~50× slower than native; each run's set-up (engine, walker source) is then spread over
fewer files than in the time benchmarks and adds about 3 % per document at the default step.

Run: ``.venv/bin/python benchmarks/instructions.py [--step N] [--jobs J]`` (needs ``valgrind``; Debian:
``apt-get install valgrind``). Takes about 3 minutes with ``--jobs 2``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import shared_data

ROWS = ("floor", "structural", "all")
_IREFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def _files(step: int) -> list[Path]:
    return sorted((shared_data() / "phenopacket-store").glob("*/*.json"))[::step]


def child(mode: str, step: int, measure: bool) -> None:
    """What runs under cachegrind: warm-up, then (when ``measure``) the measured pass of one row."""
    import orjson

    from phenotk.ontology import load_ontology
    from phenotk.validation.config import Options, engine_config
    from phenotk.validation.runner import run

    files = [str(f) for f in _files(step)]
    idx = load_ontology(shared_data() / "hpo" / "hp.json")
    cfg = engine_config(Options())
    if mode == "structural":
        cfg.rules = tuple(r for r in cfg.rules if not r.requires_hpo)
    run(files, engine_config(Options()), hpo=idx)  # every rule once: memos filled
    run(files, cfg, hpo=idx)  # this row's walkers compiled
    if not measure:
        return
    if mode == "floor":
        for f in files:
            with open(f, "rb") as fh:
                orjson.loads(fh.read())
    else:
        run(files, cfg, hpo=idx)


def _count(mode: str, step: int, measure: bool) -> int:
    cmd = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--child",
        mode,
        "--step",
        str(step),
    ]
    if measure:
        cmd.append("--measure")
    # both runs of a row must do the same set-up: no walker source from the on-disk cache (one run would compile,
    # the other read what it wrote) and no bytecode written for the other to find — else the difference can be
    # negative (the floor row was)
    env = {**os.environ, "PYTHONHASHSEED": "0", "PHENOTK_WALKER_CACHE": "0", "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    m = _IREFS.search(done.stderr)
    if done.returncode != 0 or m is None:
        raise SystemExit(f"cachegrind run failed ({mode}, measure={measure}):\n{done.stderr[-2000:]}")
    return int(m.group(1).replace(",", ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--step", type=int, default=10, help="use every N-th store file (default 10)")
    ap.add_argument("--jobs", type=int, default=2, help="cachegrind processes at once")
    ap.add_argument("--child", choices=ROWS, help=argparse.SUPPRESS)
    ap.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.step, args.measure)
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind not found (Debian: apt-get install valgrind)")
    n = len(_files(args.step))
    jobs = [(mode, measure) for mode in ROWS for measure in (False, True)]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        counts = dict(zip(jobs, pool.map(lambda j: _count(j[0], args.step, j[1]), jobs), strict=True))
    per = {mode: (counts[(mode, True)] - counts[(mode, False)]) / n for mode in ROWS}
    print(f"instructions per document (cachegrind, {n} store files = every {args.step}th; PYTHONHASHSEED=0)")
    labels = {
        "floor": "parse floor (read + orjson.loads)",
        "structural": "phenotk structural rules, 1 process",
        "all": "phenotk all rules (structural + HPO), 1 process",
    }
    for mode in ROWS:
        ratio = "" if mode == "floor" else f"  {per[mode] / per['floor']:6.2f}x floor"
        print(f"  {labels[mode]:<50} {per[mode]:>12,.0f} Ir/doc{ratio}")
    print(f"  HPO rules alone ≈ {per['all'] - per['structural']:,.0f} Ir/doc")


if __name__ == "__main__":
    main()
