"""REDCap export → Phenopackets throughput on the RareLink evaluation cohort scaled up (records copied N times).

Run: .venv/bin/python benchmarks/redcap.py [--copies N] [--repeat R]
Baselines measured in the same run: json.load of the export (just getting the records into memory) and the table
converter on the same rows as a CSV under the same mapping without its ``redcap:`` section (subject id = record
id), i.e. the cost of the REDCap layer (dictionary checks, choice labels, grouping) on top of the table machinery.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, shared_data

from phenotk.conversion.redcap import convert_export
from phenotk.conversion.table import read_sheet


def best(fn: Any, repeat: int) -> tuple[float, float]:
    """(best wall, best CPU) seconds over ``repeat`` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    src = shared_data() / "redcap" / "rarelink"
    records = json.loads((src / "evaluation_cohort_redcap_export.json").read_text())
    big = [
        {**r, "record_id": f"{r['record_id']}x{k}", "snomedct_422549004": ""}
        for k in range(args.copies)
        for r in records
    ]
    for r in big:  # subject id = record id, so the plain table run needs no REDCap id filling
        r["snomedct_422549004"] = r["record_id"]
    mapping = yaml.safe_load((REPO / "mappings" / "redcap-rarelink.yaml").read_text())
    plain = {k: v for k, v in mapping.items() if k != "redcap"}
    plain["input"] = {"rows": "many"}
    dictionary = src / "rarelink_cdm_datadictionary_v2_0_5.csv"
    with tempfile.TemporaryDirectory() as tmp:
        jpath = Path(tmp) / "export.json"
        cpath = Path(tmp) / "export.csv"
        jpath.write_text(json.dumps(big))
        with open(cpath, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(big[0]))
            w.writeheader()
            w.writerows(big)
        result = convert_export(
            jpath, REPO / "mappings" / "redcap-rarelink.yaml", dictionary=dictionary, created="2025-01-01T00:00:00Z"
        )
        n = len(result.packets)
        feats = sum(len(p.phenotypic_features) for p in result.packets)
        print(
            f"export: {len(big)} rows x {len(big[0])} fields, {n} records -> {n} packets, {feats} features, "
            f"{len(result.all_issues)} findings; JSON {jpath.stat().st_size / 1e6:.1f} MB"
        )
        base_j, base_j_cpu = best(lambda: json.loads(jpath.read_text()), args.repeat)
        table, table_cpu = best(lambda: read_sheet(cpath, plain, created="2025-01-01T00:00:00Z"), args.repeat)
        ours_j, ours_j_cpu = best(
            lambda: convert_export(
                jpath, REPO / "mappings" / "redcap-rarelink.yaml", dictionary=dictionary, created="2025-01-01T00:00:00Z"
            ),
            args.repeat,
        )
        ours_c, ours_c_cpu = best(
            lambda: convert_export(
                cpath, REPO / "mappings" / "redcap-rarelink.yaml", dictionary=dictionary, created="2025-01-01T00:00:00Z"
            ),
            args.repeat,
        )
        print(f"json.load                      wall {base_j:6.2f} s cpu {base_j_cpu:6.2f} s")
        print(f"table converter (same CSV)     wall {table:6.2f} s cpu {table_cpu:6.2f} s")
        print(
            f"phenotk REDCap JSON -> packets wall {ours_j:6.2f} s cpu {ours_j_cpu:6.2f} s "
            f"({ours_j / base_j:5.1f}x json.load, {ours_j / table:4.2f}x table converter; "
            f"{n / ours_j:,.0f} packets/s)"
        )
        print(
            f"phenotk REDCap CSV  -> packets wall {ours_c:6.2f} s cpu {ours_c_cpu:6.2f} s "
            f"({ours_c / table:4.2f}x table converter)"
        )
        print(f"load average now: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
