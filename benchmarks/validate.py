"""Validate the whole public store with every structural rule, next to the orjson-parse floor, in one run.

Run: ``.venv/bin/python benchmarks/validate.py`` (needs ../shared/data). Target: single process ≤ 8× the
floor (reading + orjson parse of every file). HPO rules are not part of this benchmark (no ontology loaded).

Both wall-clock and CPU time (``time.process_time``, this process only) are printed. On a shared machine
the wall-clock ratio swings with other processes' load (the short floor run catches quiet moments more
easily than the long one), so the verdict uses CPU time for the single-process ratio; ``--jobs 2`` can only
be judged by wall-clock time (its work runs in child processes). The rows are timed in interleaved rounds
(floor, 1 process, 2 processes, again …; best of each) so that a busy moment does not favour one row.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import orjson
from _common import interleaved, peak_rss_mb, row, shared_data

from phenotk.validation.config import Options, engine_config
from phenotk.validation.registry import rule_classes
from phenotk.validation.runner import run

TARGET = 8.0
ROUNDS = 5


def main() -> None:
    store = shared_data() / "phenopacket-store"
    files = sorted(store.glob("*/*.json"))
    n = len(files)
    for f in files:  # warm the page cache: every variant reads from memory
        f.read_bytes()
    cfg = engine_config(Options())
    rules = [r.name for r in cfg.rules if not r.requires_hpo]
    cfg.rules = tuple(r for r in cfg.rules if not r.requires_hpo)
    skipped = [r.name for r in rule_classes() if r.name not in rules]

    def floor() -> int:
        return sum(1 for f in files if orjson.loads(f.read_bytes()))

    def one() -> int:
        return len(run([str(store)], cfg, jobs=1).results)

    def two() -> int:
        return len(run([str(store)], cfg, jobs=2).results)

    print(f"Validating {n} phenopacket-store files with {len(rules)} rules (best of {ROUNDS} interleaved rounds)")
    print(f"  rules: {', '.join(rules)}")
    print(f"  not run (HPO or opt-in): {', '.join(skipped)}")
    assert floor() == one() == two() == n
    best = interleaved({"floor": floor, "one": one, "two": two}, ROUNDS)
    (cpu_floor, t_floor), (cpu_one, t_one), (_, t_two) = best["floor"], best["one"], best["two"]
    print("wall clock:")
    row("orjson parse only (floor)", t_floor, n, t_floor)
    row("phenotk validate, 1 process", t_one, n, t_floor)
    row("phenotk validate --jobs 2", t_two, n, t_floor)
    print("CPU time of this process:")
    row("orjson parse only (floor)", cpu_floor, n, cpu_floor)
    row("phenotk validate, 1 process", cpu_one, n, cpu_floor)
    ratio = cpu_one / cpu_floor
    verdict = "OK" if ratio <= TARGET else "OVER TARGET"
    print(
        f"  single process: {ratio:.2f}x floor in CPU time, {t_one / t_floor:.2f}x in wall time "
        f"(target ≤ {TARGET:.0f}x): {verdict}"
    )
    print(
        f"  --jobs 2 speed-up over 1 process (wall): {t_one / t_two:.2f}x;  peak RSS {peak_rss_mb():.0f} MiB;"
        f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    main()
