"""Whole phenopacket-store round trip: phenopacket → Beacon individual → phenopacket.

Two checks per packet:

* **mapped fields** (``keep_info=False``, a plain Beacon document): subject id, sex, karyotypic sex,
  phenotypic features, diseases, measurements and medical actions come back identical;
* **lossless** (the default, unmapped parts in ``info.phenopacket``): the whole packet comes back identical
  (every 5th packet: the JSON ↔ protobuf work for interpretations and metaData doubles the cost).

Reading 7,682 JSON files through protobuf is the expensive part, so the files are split over a process pool.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

pytestmark = [pytest.mark.shared, pytest.mark.slow]

MAPPED = ("phenotypic_features", "diseases", "measurements", "medical_actions")


def _check(paths: list[str], lossless_every: int = 5) -> dict[str, list[str]]:
    """Round-trip ``paths``; return the failures by kind (empty lists when all pass)."""
    from phenotk.conversion.beacon import from_beacon, to_beacon
    from phenotk.io import read

    out: dict[str, list[str]] = {"mapped": [], "lossless": [], "shape": [], "findings": []}
    for n, path in enumerate(paths):
        packet = read(path)
        plain, _ = to_beacon(packet, keep_info=False)
        doc = json.loads(json.dumps(plain))  # what a Beacon sees: plain JSON
        if "info" in doc or any("featureType" not in f for f in doc.get("phenotypicFeatures", [])):
            out["shape"].append(path)
        back, _ = from_beacon(doc)
        s, b = packet.subject, back.subject
        if (s.id, s.sex, s.karyotypic_sex) != (b.id, b.sex, b.karyotypic_sex) or any(
            list(getattr(packet, f)) != list(getattr(back, f)) for f in MAPPED
        ):
            out["mapped"].append(path)
        if n % lossless_every:
            continue
        full, issues = to_beacon(packet)
        if issues:  # the store uses only mapped fields: nothing should need a finding
            out["findings"].append(f"{path}: {issues[0].message}")
        restored, _ = from_beacon(json.loads(json.dumps(full)))
        if restored != packet:
            out["lossless"].append(path)
    return out


def test_store_round_trip(store_files: list[Path]) -> None:
    assert len(store_files) == 7682
    paths = [str(p) for p in store_files]
    workers = max(1, min(4, os.cpu_count() or 1))
    chunks = [paths[i :: workers * 4] for i in range(workers * 4)]
    failures: dict[str, list[str]] = {"mapped": [], "lossless": [], "shape": [], "findings": []}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for part in pool.map(_check, chunks):
            for kind, items in part.items():
                failures[kind].extend(items)
    assert failures == {"mapped": [], "lossless": [], "shape": [], "findings": []}
