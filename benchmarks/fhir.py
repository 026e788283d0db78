"""FHIR conversion throughput: phenopacket-store → FHIR Bundles → phenopackets.

Baseline, measured in the same run: the plain protobuf JSON round trip (``MessageToDict`` then ``ParseDict``) of
the same packets — the floor of "turn a packet into a JSON tree and back". Also measured: building every bundle
through the fhir.resources R4B models (the validation the tests run on a 1-in-16 sample), on a sample by default
or on the whole store with ``--validate-all``.

Run: ``.venv/bin/python benchmarks/fhir.py [--limit N] [--validate-all]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

# This script is called fhir.py: drop its folder from sys.path so ``import fhir`` finds fhir.resources, and load
# the shared helpers by file path instead.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
_spec = importlib.util.spec_from_file_location("_bench_common", HERE / "_common.py")
assert _spec and _spec.loader
_common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_common)
peak_rss_mb, row, shared_data, timed = _common.peak_rss_mb, _common.row, _common.shared_data, _common.timed

import orjson  # noqa: E402
from google.protobuf import json_format  # noqa: E402
from phenopackets import Phenopacket  # noqa: E402

from phenotk.conversion.fhir import validate_fhir  # noqa: E402
from phenotk.conversion.fhir.coverage import covered_copy  # noqa: E402
from phenotk.conversion.fhir.reader import read_tree  # noqa: E402
from phenotk.conversion.fhir.writer import packet_to_bundle  # noqa: E402

CREATED = "2026-01-01T00:00:00Z"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=0, help="only the first N store packets")
    ap.add_argument("--validate-all", action="store_true", help="build every bundle through fhir.resources")
    ap.add_argument("--validate-every", type=int, default=16, help="validation sample step (default 16)")
    args = ap.parse_args()

    files = sorted((shared_data() / "phenopacket-store").glob("*/*.json"))
    if args.limit:
        files = files[: args.limit]
    packets = []
    for f in files:
        msg = Phenopacket()
        json_format.ParseDict(orjson.loads(f.read_bytes()), msg, ignore_unknown_fields=True)
        packets.append(msg)
    n = len(packets)
    print(f"phenopacket-store: {n} packets")

    def baseline() -> list[Phenopacket]:
        return [json_format.ParseDict(json_format.MessageToDict(p), Phenopacket()) for p in packets]

    def write() -> list[dict]:
        return [packet_to_bundle(p, created=CREATED) for p in packets]

    t_base, _ = timed(baseline)
    t_write, bundles = timed(write)
    t_read, back = timed(lambda: [read_tree(b, "bench") for b in bundles])
    t_json, _ = timed(lambda: [orjson.dumps(b) for b in bundles])
    resources = sum(len(b["entry"]) for b in bundles)
    print(f"  {resources} FHIR resources ({resources / n:.1f} per bundle)")
    row("baseline: protobuf JSON round trip", t_base, n)
    row("phenopacket -> FHIR Bundle (dict)", t_write, n, t_base)
    row("FHIR Bundle -> phenopacket (+ findings)", t_read, n, t_base)
    row("store -> FHIR -> store (both)", t_write + t_read, n, t_base)
    row("  (+ Bundle JSON serialisation, orjson)", t_json, n, t_base)

    same = sum(covered_copy(p) == covered_copy(items[0].message) for p, items in zip(packets, back, strict=True))
    print(f"  round trip identical on covered fields: {same}/{n}")

    step = 1 if args.validate_all else max(1, args.validate_every)
    sample = bundles[::step]
    validate_fhir(bundles[0])  # warm-up: imports and builds the pydantic model classes once
    t_val, problems = timed(lambda: [validate_fhir(b) for b in sample])
    bad = sum(1 for p in problems if p)
    row(f"fhir.resources R4B model build ({len(sample)} bundles)", t_val, len(sample), unit="bundles")
    if step > 1:
        print(f"  extrapolated to the whole store: {t_val / len(sample) * n:.0f} s")
    print(f"  bundles rejected by the FHIR model: {bad}/{len(sample)}")
    if bad:
        first = next(p for p in problems if p)
        print("  first problem:", json.dumps([i.message for i in first])[:400])
    print(f"  peak RSS: {peak_rss_mb():.0f} MiB")


if __name__ == "__main__":
    main()
