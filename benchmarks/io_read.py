"""Read the whole public store three ways in one run: orjson parse (floor), phenotk → protobuf, json_format.Parse.

Run: ``.venv/bin/python benchmarks/io_read.py`` (needs ../shared/data).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import orjson
from _common import row, shared_data, timed
from google.protobuf import json_format
from phenopackets import Phenopacket

from phenotk.io import iter_documents


def main() -> None:
    store = shared_data() / "phenopacket-store"
    files = sorted(store.glob("*/*.json"))
    n = len(files)
    # warm the OS page cache so every way reads from memory
    for f in files:
        f.read_bytes()

    def floor() -> int:
        return sum(1 for f in files if orjson.loads(f.read_bytes()))

    def phenotk_read() -> int:
        return sum(1 for d in iter_documents([store]) if getattr(d, "message", None) is not None)

    def protobuf_parse() -> int:
        return sum(1 for f in files if json_format.Parse(f.read_text(encoding="utf-8"), Phenopacket()))

    print(f"Reading {n} phenopacket-store files (best of 3)")
    t_floor, c1 = timed(floor, 3)
    t_ptk, c2 = timed(phenotk_read, 3)
    t_pb, c3 = timed(protobuf_parse, 3)
    assert c1 == c2 == c3 == n, (c1, c2, c3, n)
    row("orjson parse only (floor)", t_floor, n, t_floor)
    row("phenotk read → protobuf (sniff + lenient)", t_ptk, n, t_floor)
    row("google.protobuf json_format.Parse", t_pb, n, t_floor)
    print(f"  phenotk vs json_format.Parse: {t_pb / t_ptk:.2f}x faster")


if __name__ == "__main__":
    main()
