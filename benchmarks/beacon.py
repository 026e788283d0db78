"""Beacon conversion throughput: phenopacket-store → Beacon v2 individuals → phenopackets.

Baseline, measured in the same run: the plain protobuf JSON round trip (``MessageToDict`` then ``ParseDict``) of
the same packets — the floor of "turn a packet into a JSON tree and back". Measured: plain Beacon documents
(``keep_info=False``: only the mapped fields) and lossless ones (unmapped parts in ``info.phenopacket``), each
way, and how many packets come back identical.

Run: ``.venv/bin/python benchmarks/beacon.py [--limit N]``.
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("_bench_common", HERE / "_common.py")
assert _spec and _spec.loader
_common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_common)
peak_rss_mb, row, shared_data, timed = _common.peak_rss_mb, _common.row, _common.shared_data, _common.timed

import orjson  # noqa: E402
from google.protobuf import json_format  # noqa: E402
from phenopackets import Phenopacket  # noqa: E402

from phenotk.conversion.beacon import from_beacon, to_beacon  # noqa: E402

CREATED = "2026-01-01T00:00:00Z"
MAPPED = ("phenotypic_features", "diseases", "measurements", "medical_actions")


def main() -> None:
    """Time the conversions and print rows with ratios to the baseline."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=0, help="only the first N store packets")
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

    t_base, _ = timed(lambda: [json_format.ParseDict(json_format.MessageToDict(p), Phenopacket()) for p in packets])
    t_plain, plain = timed(lambda: [to_beacon(p, keep_info=False)[0] for p in packets])
    t_plain_back, plain_back = timed(lambda: [from_beacon(d, created=CREATED)[0] for d in plain])
    t_full, full = timed(lambda: [to_beacon(p)[0] for p in packets])
    t_full_back, full_back = timed(lambda: [from_beacon(d, created=CREATED)[0] for d in full])
    t_json, _ = timed(lambda: [orjson.dumps(d) for d in full])

    row("baseline: protobuf JSON round trip", t_base, n)
    row("phenopacket -> Beacon (mapped fields only)", t_plain, n, t_base)
    row("Beacon -> phenopacket (mapped fields only)", t_plain_back, n, t_base)
    row("phenopacket -> Beacon (+ info.phenopacket)", t_full, n, t_base)
    row("Beacon -> phenopacket (+ info restored)", t_full_back, n, t_base)
    row("  (Beacon JSON serialisation, orjson)", t_json, n, t_base)
    mapped = sum(
        all(list(getattr(a, f)) == list(getattr(b, f)) for f in MAPPED) and a.subject.sex == b.subject.sex
        for a, b in zip(packets, plain_back, strict=True)
    )
    same = sum(a == b for a, b in zip(packets, full_back, strict=True))
    print(f"  identical on the mapped fields (plain documents): {mapped}/{n}")
    print(f"  identical on everything (with info.phenopacket):  {same}/{n}")
    print(f"  peak RSS: {peak_rss_mb():.0f} MiB")


if __name__ == "__main__":
    main()
