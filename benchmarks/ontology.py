"""Ontology index vs pronto, side by side, in one run.

    .venv/bin/python benchmarks/ontology.py [path/to/hp.json]      (default: ../shared/data/hpo/hp.json)

Each phase runs in a fresh subprocess (so peak RSS and timings are its own), with a throw-away cache dir:
pronto parse; cold load (pronto parse + index build + cache write); warm load (cache hit: file sha256 + read +
unmarshal, no pronto); 10,000 ``is_descendant_of`` queries vs pronto ``superclasses()`` on the same pairs.
Targets (issue 3): warm load ≤ 0.15 s and ≥ 10x faster than pronto's parse; ≤ 1 µs per query.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
N_QUERIES = 10_000

PHASES = {
    "pronto_parse": """
import time, warnings, resource, pronto
warnings.simplefilter("ignore")
t, c = time.perf_counter(), time.process_time(); o = pronto.Ontology(PATH)
out = {"seconds": time.perf_counter() - t, "cpu": time.process_time() - c, "terms": len(o.terms())}
""",
    "cold_load": """
import time, resource
from phenotk.ontology import load_ontology, build
t = time.perf_counter(); ont = build.parse_with_pronto(PATH); parse = time.perf_counter() - t
t = time.process_time(); build.build_payload(ont, source=PATH, sha256=""); index_only = time.process_time() - t
del ont
t, c = time.perf_counter(), time.process_time(); idx = load_ontology(PATH)
dt, cpu = time.perf_counter() - t, time.process_time() - c
assert not idx.loaded_from_cache
import os
out = {"seconds": dt, "cpu": cpu, "parse": parse, "index_build": index_only}
out["cache_bytes"] = os.path.getsize(idx.cache_path)
""",
    "warm_load": """
import time, resource
t = time.perf_counter(); import phenotk.ontology; imp = time.perf_counter() - t
from phenotk.ontology import load_ontology, file_sha256
t = time.perf_counter(); file_sha256(PATH); sha = time.perf_counter() - t
t, c = time.perf_counter(), time.process_time(); idx = load_ontology(PATH)
dt, cpu = time.perf_counter() - t, time.process_time() - c
assert idx.loaded_from_cache, "cache miss"
assert "pronto" not in __import__("sys").modules, "pronto imported on a warm load"
out = {"seconds": dt, "cpu": cpu, "sha256": sha, "import_phenotk_ontology": imp, "terms": len(idx)}
""",
    "queries": """
import random, time, warnings, gc
from phenotk.ontology import load_ontology
idx = load_ontology(PATH)
terms = list(idx.terms())
rng = random.Random(42)
pairs = []
for _ in range(N // 2):
    t = rng.choice(terms)
    anc = sorted(idx.ancestors(t))
    pairs.append((t, rng.choice(anc) if anc else t))  # a true pair
    pairs.append((rng.choice(terms), rng.choice(terms)))  # almost always false
f = idx.is_descendant_of
clock = time.process_time  # CPU time: other processes on a busy machine do not count
def run():
    t0 = clock()
    for a, b in pairs:
        f(a, b)
    return (clock() - t0) / len(pairs)
gc.disable()
first = run()  # includes materialising each term's ancestor set on first use
warm = min(run() for _ in range(5))
def each(g):
    t0 = clock()
    for a, _ in pairs:
        g(a)
    return (clock() - t0) / len(pairs)
primary = min(each(idx.primary_id) for _ in range(5))
label = min(each(idx.label) for _ in range(5))
t0 = clock()
for a, b in pairs:
    pass
loop = (clock() - t0) / len(pairs)
ref = {a: True for a, _ in pairs}.get
dict_get = min(each(ref) for _ in range(5))  # calibration: one plain dict.get call on this machine, now
gc.enable()
answers = [f(a, b) for a, b in pairs]
import pronto
warnings.simplefilter("ignore")
o = pronto.Ontology(PATH)
t0 = clock()
pr = [b in {s.id for s in o[a].superclasses()} for a, b in pairs]
pronto_q = (clock() - t0) / len(pairs)
out = {"first_pass": first, "warm": warm, "primary_id": primary, "label": label, "pronto_superclasses": pronto_q,
       "loop": loop, "dict_get": dict_get,
       "agree": sum(x == y for x, y in zip(answers, pr)), "true_pairs": sum(answers), "n": len(pairs)}
""",
}

FOOTER = """
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("RESULT " + json.dumps(out))
"""


def _default_path() -> Path:
    env = os.environ.get("PHENOTK_SHARED_DATA")
    base = Path(env) if env else REPO.parent / "shared" / "data"
    return base / "hpo" / "hp.json"


def run_phase(name: str, path: Path, cache: str) -> dict[str, float]:
    code = f"import json, resource\nPATH = {str(path)!r}\nN = {N_QUERIES}\n" + PHASES[name] + FOOTER
    env = dict(os.environ, PHENOTK_CACHE_DIR=cache, PHENOTK_OFFLINE="1")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"phase {name} failed:\n{proc.stderr}")
    return json.loads(lines[-1][7:])


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else _default_path()
    if not path.is_file():
        raise SystemExit(f"{path}: not found (pass an ontology file or set PHENOTK_SHARED_DATA)")
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="phenotk-bench-") as cache:
        parse = run_phase("pronto_parse", path, cache)
        cold = run_phase("cold_load", path, cache)
        warm = run_phase("warm_load", path, cache)
        q = run_phase("queries", path, cache)

    print(f"ontology: {path} ({path.stat().st_size / 1e6:.1f} MB, {warm['terms']} terms)")
    print(
        f"load average at start: {load[0]:.1f} on {os.cpu_count()} CPUs (wall times suffer when busy; CPU times less)"
    )
    print(f"{'':34}{'wall s':>10}{'CPU s':>10}{'peak RSS MB':>14}")
    for label, r in (
        ("pronto parse (baseline)", parse),
        ("cold load (parse+build+cache)", cold),
        ("warm load (cache hit, no pronto)", warm),
    ):
        print(f"{label:34}{r['seconds']:>10.3f}{r['cpu']:>10.3f}{r['peak_rss_mb']:>14.0f}")
    print(f"  cold: index build alone {cold['index_build']:.3f} CPU s, cache file {cold['cache_bytes'] / 1e6:.1f} MB")
    print(
        f"  warm: includes sha256 of the source ({warm['sha256']:.3f} s); "
        f"`import phenotk.ontology` ({warm['import_phenotk_ontology']:.3f} s, mostly the phenotk package) is not"
    )
    ratio = parse["cpu"] / warm["cpu"]
    ok = warm["cpu"] <= 0.15 and ratio >= 10
    verdict = "met" if ok else "MISSED"
    print(f"warm load is {ratio:.0f}x faster than pronto's parse (CPU)  [target <= 0.15 s and >= 10x: {verdict}]")
    print()
    print(f"{q['n']:,} is_descendant_of queries ({q['true_pairs']:,} true), CPU time per query:")
    print(f"  index, first pass (builds ancestor sets)  {q['first_pass'] * 1e6:8.3f} µs")
    print(f"  index, warm                               {q['warm'] * 1e6:8.3f} µs")
    print(f"  pronto superclasses() (baseline)          {q['pronto_superclasses'] * 1e6:8.3f} µs")
    print(
        f"  primary_id {q['primary_id'] * 1e6:.3f} µs, label {q['label'] * 1e6:.3f} µs, "
        f"empty loop {q['loop'] * 1e6:.3f} µs, one dict.get call {q['dict_get'] * 1e6:.3f} µs (calibration)"
    )
    print(f"  is_descendant_of costs {q['warm'] / q['dict_get']:.1f} dict.get calls")
    speed = q["pronto_superclasses"] / q["warm"]
    print(
        f"  index is {speed:,.0f}x faster than pronto; answers agree on {q['agree']:,}/{q['n']:,} pairs  "
        f"[target <= 1 µs: {'met' if q['warm'] <= 1e-6 else 'MISSED'}]"
    )


if __name__ == "__main__":
    main()
