"""Curation templates → phenopackets: agreement with phenopacket-store and throughput.

Run: .venv/bin/python benchmarks/templates.py [--xlsx-sample N]

Prints, for the 643 phetools cohort JSON tables and the 457 pyphetools Excel files (414 of them templates),
how many produced packets equal the store's packet with the same PMID + subject id (mapped fields; Excel
after the pyphetools redundancy clean-up): strict, then on the documented comparisons (cohort JSON: each store
packet judged by its builder era; Excel: on the terms the sheet records, and among the rows the current table
still holds as the sheet does), the cause of every remaining difference, and packets per second. The
comparisons and causes are documented in ``benchmarks/template_corpus/corpus.py``.
Baseline measured in the same run: parsing the store's own 7,682 packet files into protobuf (the cost any
consumer of those packets pays), so the ratio says how conversion compares with just reading the result.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from template_corpus import compare_json_corpus, compare_xlsx_corpus, current_statuses, load_store

from phenotk.conversion.base import ConvertOptions
from phenotk.ontology import load_ontology

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("PHENOTK_SHARED_DATA", REPO.parent / "shared" / "data"))
    parser.add_argument("--xlsx-sample", type=int, default=1, help="take every Nth Excel file (1 = all)")
    parser.add_argument("--differences", type=Path, help="write every difference to this file")
    args = parser.parse_args()
    data = Path(args.data)
    if not (data / "phenopacket-store").is_dir():
        print(f"no shared data at {data}", file=sys.stderr)
        return 2

    t0 = time.perf_counter()
    store = load_store(data / "phenopacket-store")
    baseline = time.perf_counter() - t0
    print(f"baseline: parse {len(store)} store packets in {baseline:.1f} s ({len(store) / baseline:.0f} packets/s)")

    jsons = sorted((data / "templates").glob("*/*_individuals.json"))
    j = compare_json_corpus(jsons, store, ConvertOptions(created="2025-01-01T00:00:00Z"))
    print(j.summary("cohort JSON"))
    print(
        f"  throughput {j.packets / j.seconds:.0f} packets/s (conversion + comparison); "
        f"ratio to store parse {(j.packets / j.seconds) / (len(store) / baseline):.2f}x"
    )

    ontology = load_ontology(data / "hpo" / "hp.json")
    options = ConvertOptions(created="2025-01-01T00:00:00Z", ontology=ontology, extra={"clean": "pyphetools"})
    xlsx = sorted((data / "templates").glob("**/*.xlsx"))[:: args.xlsx_sample]
    x = compare_xlsx_corpus(xlsx, store, options, current_statuses(jsons), data / "templates")
    print(x.summary("pyphetools xlsx"))
    print(
        f"  throughput {x.packets / x.seconds:.0f} packets/s, {x.files / x.seconds:.1f} workbooks/s; "
        f"ratio to store parse {(x.packets / x.seconds) / (len(store) / baseline):.2f}x"
    )
    if args.differences:
        args.differences.write_text("\n".join(["# cohort JSON", *j.lines, "# pyphetools xlsx", *x.lines]) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
