"""``phenotk deidentify`` on the whole phenopacket-store, per profile, against ``phenotk convert`` JSON → JSON.

Both are whole processes on the same 7,682 files in the same run, writing every output file (atomic writes)
to a fresh temporary directory; rows are interleaved (convert, safe-harbor, pseudonymised, research per round)
so a busy moment of the shared machine hits every row alike. Prints wall and CPU (user + system) seconds and
the ratio of each profile to convert (target ≤ 3×), then the risk report of the safe-harbor output: the
distribution of records by quasi-identifier group size (sex × 5-year age bin × disease) and the records in
groups below k = 5, and the same with ``--min-k 5`` (age bins widened as far as allowed).

Run: ``.venv/bin/python benchmarks/deidentify.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import shared_data

PROFILES = ("safe-harbor", "pseudonymised", "research")


def _time(argv: list[str]) -> tuple[float, float]:
    r0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall, r1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def main() -> None:
    """Time the rows, print the table and the risk report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    store = shared_data() / "phenopacket-store"
    exe = str(Path(sys.executable).with_name("phenotk"))
    with tempfile.TemporaryDirectory(prefix="phenotk-deid-") as tmp:
        key = Path(tmp) / "bench.key"
        key.write_text(secrets.token_hex(32) + "\n", encoding="utf-8")
        os.chmod(key, 0o600)
        rows: dict[str, list[tuple[float, float]]] = {"convert json→json": [], **{p: [] for p in PROFILES}}
        for r in range(args.rounds):
            for name in rows:
                out = Path(tmp) / f"out-{r}-{name.split()[0]}"
                if name.startswith("convert"):
                    argv = [exe, "convert", str(store), "-o", f"{out}/", "--to", "json"]
                else:
                    report = Path(tmp) / f"privacy-{r}-{name}.json"
                    argv = [
                        exe,
                        "deidentify",
                        str(store),
                        "-o",
                        str(out),
                        "--key-file",
                        str(key),
                        "--profile",
                        name,
                        "--privacy-report",
                        str(report),
                    ]
                rows[name].append(_time(argv))
                shutil.rmtree(out, ignore_errors=True)
        base = statistics.median(w for w, _ in rows["convert json→json"])
        base_cpu = statistics.median(c for _, c in rows["convert json→json"])
        print(f"{'row':<22}{'wall s':>9}{'cpu s':>9}{'wall × convert':>16}{'cpu × convert':>15}   (target ≤ 3×)")
        for name, times in rows.items():
            wall = statistics.median(w for w, _ in times)
            cpu = statistics.median(c for _, c in times)
            print(f"{name:<22}{wall:>9.1f}{cpu:>9.1f}{wall / base:>15.2f}×{cpu / base_cpu:>14.2f}×")
        risk = json.loads((Path(tmp) / "privacy-0-safe-harbor.json").read_text(encoding="utf-8"))["risk"]
        _print_risk("risk (safe-harbor output, 5-year age bins)", risk)
        widened = Path(tmp) / "privacy-min-k.json"
        out = Path(tmp) / "out-min-k"
        subprocess.run(
            [
                exe,
                "deidentify",
                str(store),
                "-o",
                str(out),
                "--key-file",
                str(key),
                "--min-k",
                "5",
                "--privacy-report",
                str(widened),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        _print_risk("risk with --min-k 5 (age bins widened)", json.loads(widened.read_text(encoding="utf-8"))["risk"])


def _print_risk(title: str, risk: dict) -> None:
    below = risk["belowMinK"]
    print(
        f"\n{title}: {risk['records']} records of {risk.get('people', risk['records'])} people in "
        f"{risk['groups']} groups; age bins: "
        f"{risk['ageBinYears'] or 'one bin'} years"
    )
    print("  people by group size: " + ", ".join(f"k={k}: {n}" for k, n in risk["recordsByGroupSize"].items()))
    print(f"  records below k={risk['minK']}: {len(below)} ({100 * len(below) / max(risk['records'], 1):.1f} %)")
    singles = sum(1 for b in below if b["k"] == 1)
    print(f"  of which unique (k=1): {singles}")


if __name__ == "__main__":
    main()
