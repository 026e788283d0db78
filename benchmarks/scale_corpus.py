"""Make an N-packet corpus from the public phenopacket-store, ids rewritten, with deliberate duplicate ids.

    .venv/bin/python benchmarks/scale_corpus.py 100000 /tmp/corpus-100k [--dup-every 1000] [--per-dir 1000]

Packet ``i`` is store file ``i mod 7,682`` (sorted) with its top-level id rewritten to ``<id>-c<round>`` (the
bytes are otherwise untouched, so lines, columns and findings stay those of the original), written to
``OUT/d<i // per_dir>/p<i>.json``. Every ``dup_every``-th packet instead takes the id of the packet before
it: ``N // dup_every`` deliberate cross-file duplicates, each reported once by ``id-duplicate``. A corpus
already complete in OUT (same N, same options: ``OUT/CORPUS.json``) is reused.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import shared_data


def store_files() -> list[Path]:
    """The store's packets, sorted (the generator's source cycle)."""
    return sorted((shared_data() / "phenopacket-store").glob("*/*.json"))


def _top_id(raw: bytes) -> str:
    data = json.loads(raw)
    return str(data["id"])


def make_corpus(n: int, out: Path, *, dup_every: int = 1000, per_dir: int = 1000) -> dict[str, int]:
    """Write the corpus (or reuse a complete one); returns its description (n, duplicates, …)."""
    desc = {"n": n, "dup_every": dup_every, "per_dir": per_dir}
    stamp = out / "CORPUS.json"
    if stamp.is_file() and json.loads(stamp.read_text()) == {**desc, "duplicates": n // dup_every if dup_every else 0}:
        return json.loads(stamp.read_text())
    sources = store_files()
    cache: dict[int, tuple[bytes, str]] = {}
    prev_id = ""
    dups = 0
    for i in range(n):
        k = i % len(sources)
        if k not in cache:
            raw = sources[k].read_bytes()
            cache[k] = (raw, _top_id(raw))
        raw, ident = cache[k]
        new_id = f"{ident}-c{i // len(sources)}"
        if dup_every and i % dup_every == dup_every - 1 and prev_id:
            new_id = prev_id  # deliberate duplicate of the packet before
            dups += 1
        old = json.dumps(ident).encode()
        pos = raw.find(b'"id": ' + old)
        if pos < 0:
            pos = raw.find(b'"id":' + old)
        if pos < 0:
            raise SystemExit(f"{sources[k]}: top-level id not found as written")
        head, tail = raw[:pos], raw[pos:]
        tail = tail.replace(old, json.dumps(new_id).encode(), 1)
        folder = out / f"d{i // per_dir:05d}"
        if i % per_dir == 0:
            folder.mkdir(parents=True, exist_ok=True)
        (folder / f"p{i:07d}.json").write_bytes(head + tail)
        prev_id = new_id
    desc["duplicates"] = dups
    stamp.write_text(json.dumps(desc))
    return desc


def main(argv: list[str] | None = None) -> None:
    """CLI entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--dup-every", type=int, default=1000, help="every k-th packet repeats the previous id (0: none)")
    ap.add_argument("--per-dir", type=int, default=1000, help="packets per sub-folder")
    args = ap.parse_args(argv)
    desc = make_corpus(args.n, args.out, dup_every=args.dup_every, per_dir=args.per_dir)
    size = sum(f.stat().st_size for f in args.out.glob("d*/*.json"))
    print(f"{args.out}: {desc['n']} packets, {desc['duplicates']} duplicate ids, {size / 1e6:.0f} MB", flush=True)


if __name__ == "__main__":
    main()
