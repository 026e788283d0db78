"""Spreadsheet → Phenopackets throughput: a generated 10,000-row × 50-HPO-column sheet, CSV and XLSX.

Run: .venv/bin/python benchmarks/tables.py [--rows N] [--repeat R]
Baselines measured in the same run: pandas.read_csv / pandas.read_excel of the same file (strings only), i.e. just
getting the cells into memory. Floor from issue 6: CSV → packets ≤ 2 s on the project machine.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

import pandas as pd

from phenotk.conversion.table import read_sheet

HPO_IDS = [
    "HP:0001250",
    "HP:0001252",
    "HP:0004322",
    "HP:0000252",
    "HP:0001263",
    "HP:0000486",
    "HP:0002119",
    "HP:0001999",
    "HP:0000316",
    "HP:0000322",
    "HP:0000717",
    "HP:0001249",
    "HP:0001344",
    "HP:0001510",
    "HP:0002007",
    "HP:0002360",
    "HP:0002376",
    "HP:0004482",
    "HP:0007018",
    "HP:0010864",
    "HP:0000750",
    "HP:0000729",
    "HP:0000160",
    "HP:0000175",
    "HP:0000204",
    "HP:0000347",
    "HP:0000369",
    "HP:0000431",
    "HP:0000494",
    "HP:0000508",
    "HP:0000545",
    "HP:0000639",
    "HP:0000822",
    "HP:0001156",
    "HP:0001166",
    "HP:0001270",
    "HP:0001290",
    "HP:0001324",
    "HP:0001382",
    "HP:0001507",
    "HP:0001627",
    "HP:0001631",
    "HP:0001638",
    "HP:0001643",
    "HP:0002020",
    "HP:0002650",
    "HP:0003198",
    "HP:0100021",
    "HP:0100543",
    "HP:0012758",
]
CELLS = ["yes", "no", "", "", "", "na", "+", "-", "P3Y", "Childhood onset", "2y 6m", "33+2", "excluded", "observed"]

MAPPING = {
    "phenotk_mapping": 1,
    "name": "bench",
    "id": {"template": "PMID_{pmid|digits}_{individual}"},
    "subject": {"id": "individual", "sex": "sex", "age_at_last_encounter": "age"},
    "diseases": {"id": "disease"},
    "references": {"id": "pmid"},
    "phenotypes": {"wide": {"columns": "auto"}},
}


def make_sheet(rows: int, seed: int = 6) -> pd.DataFrame:
    rng = random.Random(seed)
    data: dict[str, list[str]] = {
        "individual": [f"P{i}" for i in range(rows)],
        "pmid": [f"PMID:{30000000 + i // 20}" for i in range(rows)],
        "sex": [rng.choice(["M", "F", "male", "female", ""]) for _ in range(rows)],
        "age": [rng.choice(["P10Y", "3y 2m", "5 years", "P1Y6M", ""]) for _ in range(rows)],
        "disease": ["OMIM:148600"] * rows,
    }
    for curie in HPO_IDS:
        data[f"Term {curie[3:]} ({curie})"] = [rng.choice(CELLS) for _ in range(rows)]
    return pd.DataFrame(data)


def best(fn, repeat: int) -> tuple[float, float]:
    """(best wall time, best CPU time of this process) over ``repeat`` runs; CPU time shows the cost on a busy box."""
    walls, cpus = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    df = make_sheet(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "sheet.csv"
        xlsx_path = Path(tmp) / "sheet.xlsx"
        df.to_csv(csv_path, index=False)
        df.to_excel(xlsx_path, index=False, engine="openpyxl")
        result = read_sheet(csv_path, MAPPING, created="2025-01-01T00:00:00Z")
        n_packets, n_features = len(result.packets), sum(len(p.phenotypic_features) for p in result.packets)
        print(
            f"sheet: {args.rows} rows x {df.shape[1]} columns ({len(HPO_IDS)} HPO); "
            f"{n_packets} packets, {n_features} phenotypic features, {len(result.all_issues)} findings; "
            f"CSV {csv_path.stat().st_size / 1e6:.1f} MB, XLSX {xlsx_path.stat().st_size / 1e6:.1f} MB"
        )

        base_csv, base_csv_cpu = best(lambda: pd.read_csv(csv_path, dtype=str, keep_default_na=False), args.repeat)
        ours_csv, ours_csv_cpu = best(
            lambda: read_sheet(csv_path, MAPPING, created="2025-01-01T00:00:00Z"), args.repeat
        )
        print(
            f"CSV : pandas.read_csv wall {base_csv:6.2f} s cpu {base_csv_cpu:6.2f} s | phenotk CSV → packets "
            f"wall {ours_csv:6.2f} s cpu {ours_csv_cpu:6.2f} s ({ours_csv / base_csv:4.1f}x baseline wall; "
            f"floor 2 s: {'OK' if ours_csv <= 2 else 'MISSED'} on wall time)"
        )

        repeat_x = max(1, args.repeat - 2)
        base_x, base_x_cpu = best(lambda: pd.read_excel(xlsx_path, dtype=str, engine="openpyxl"), repeat_x)
        ours_x, ours_x_cpu = best(lambda: read_sheet(xlsx_path, MAPPING, created="2025-01-01T00:00:00Z"), repeat_x)
        print(
            f"XLSX: pandas.read_excel wall {base_x:6.2f} s cpu {base_x_cpu:6.2f} s | phenotk XLSX → packets "
            f"wall {ours_x:6.2f} s cpu {ours_x_cpu:6.2f} s ({ours_x / base_x:4.1f}x baseline wall)"
        )
        print(
            f"load average now: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs "
            "(wall times above CPU times mean the machine was busy)"
        )


if __name__ == "__main__":
    main()
