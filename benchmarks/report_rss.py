"""Peak RSS of ``phenotk validate CORPUS -f FORMAT -o FILE`` per report format (issue 22: streaming writers).

    .venv/bin/python benchmarks/report_rss.py [CORPUS] [--formats json jsonl sarif csv] [--jobs 1] [--runs 1]

Each run is a fresh ``phenotk validate`` process (HPO ``hp.json``) measured by ``os.wait4``: peak RSS (MB, the
largest process of the run: with ``--jobs`` the parent or a worker), CPU seconds (user + system, workers
included) and wall seconds; the output is written to a temporary folder and its size reported. Prints one
line per format and run, with the 1-minute load average at the start (the machine is shared: compare CPU
time and RSS, not the wall clock).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import shared_data

PHENOTK = Path(sys.executable).with_name("phenotk")


def measure(corpus: str, fmt: str, *, jobs: int, hpo: str) -> dict[str, float]:
    """One run in a fresh process: peak RSS MB (largest process of the run), CPU s, wall s, output MB."""
    with tempfile.TemporaryDirectory(prefix="phenotk-rss-") as tmp:
        out = os.path.join(tmp, f"report.{fmt}")
        cmd = [str(PHENOTK), "validate", corpus, "-f", fmt, "-o", out, "--hpo", hpo, "-q", "--jobs", str(jobs),
               "--fail-on", "never"]  # fmt: skip
        load = os.getloadavg()[0]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _pid, status, usage = os.wait4(proc.pid, 0)  # the child's rusage (max RSS over it and its workers)
        wall = time.perf_counter() - t0
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            raise SystemExit(f"{fmt}: exit {code}")
        return {"rss": usage.ru_maxrss / 1024, "cpu": usage.ru_utime + usage.ru_stime, "wall": wall,
                "out_mb": os.path.getsize(out) / 1e6, "load": load}  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    """Measure every format; one line each."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=None, help="folder to validate (default: the public store)")
    ap.add_argument("--formats", nargs="+", default=["json", "jsonl", "sarif", "csv"])
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args(argv)
    corpus = args.corpus or str(shared_data() / "phenopacket-store")
    hpo = str(shared_data() / "hpo" / "hp.json")
    print(f"{'format':<6} {'jobs':>4} {'peak RSS MB':>11} {'CPU s':>7} {'wall s':>7} "
          f"{'out MB':>7} {'load':>5}", flush=True)  # fmt: skip
    for fmt in args.formats:
        for _ in range(args.runs):
            r = measure(corpus, fmt, jobs=args.jobs, hpo=hpo)
            print(f"{fmt:<6} {args.jobs:>4} {r['rss']:11.0f} {r['cpu']:7.1f} "
                  f"{r['wall']:7.1f} {r['out_mb']:7.1f} {r['load']:5.1f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
