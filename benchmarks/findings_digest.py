"""One sha256 over every finding of the public store and the v2 examples, to show a refactoring changed none.

Each finding is a row (path, code, severity, message, pointer, line, column, fix); the rows are sorted and
hashed. Runs with every rule (``rare-disease`` profile too, so the profile rule is in) and the shared HPO.
Besides the JSON files as they are, every 25th store file and every v2 example is also checked as YAML text
(written to a temporary folder, path names made relative) so the YAML line:column lookup is covered, and the
whole store is checked a second time as one run, so run-level findings (duplicate ids across files) count.

Run: ``.venv/bin/python benchmarks/findings_digest.py [--rows]`` (``--rows`` prints the rows too).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import shared_data


def _rows(report: Any, strip: str = "") -> list[str]:
    """One row per finding; the temporary folder's name (in paths and messages) written as ``<tmp>``."""
    rows = []
    for res in report.results:
        for i in res.issues:
            ops = None if i.fix is None else [(o.op, o.path, repr(o.value), o.from_) for o in i.fix.ops]
            fix = None if i.fix is None else (i.fix.safe, i.fix.description, ops)
            row = repr((res.path, i.code, i.severity.value, i.message, i.pointer, i.line, i.column, fix))
            rows.append(row.replace(strip, "<tmp>") if strip else row)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", action="store_true", help="print every row")
    args = ap.parse_args()
    import orjson
    import yaml

    from phenotk.ontology import load_ontology
    from phenotk.validation.config import Options, engine_config
    from phenotk.validation.runner import run

    data = shared_data()
    hpo = load_ontology(data / "hpo" / "hp.json")
    store = sorted((data / "phenopacket-store").glob("*/*.json"))
    examples = sorted((data / "v2-examples").glob("*.json"))
    rows: list[str] = []
    parts: dict[str, int] = {}
    for profile in ("default", "rare-disease"):
        cfg = engine_config(Options(profile=profile))
        for label, files in (("store", store), ("v2-examples", examples)):
            r = _rows(run([str(f) for f in files], cfg, hpo=hpo))
            parts[f"{profile}/{label}"] = len(r)
            rows += [f"{profile}|{x}" for x in r]
        with tempfile.TemporaryDirectory() as tmp:
            yfiles = []
            for f in store[::25] + examples:
                y = Path(tmp) / (f.parent.name + "__" + f.stem + ".yaml")
                y.write_text(yaml.safe_dump(orjson.loads(f.read_bytes()), sort_keys=False), encoding="utf-8")
                yfiles.append(str(y))
            r = _rows(run(yfiles, cfg, hpo=hpo), strip=tmp)
            parts[f"{profile}/yaml"] = len(r)
            rows += [f"{profile}|yaml|{x}" for x in r]
    rows.sort()
    if args.rows:
        for x in rows:
            print(x)
    digest = hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()
    print(" ".join(f"{k}={v}" for k, v in parts.items()), file=sys.stderr)
    print(f"{len(rows)} findings sha256 {digest}")


if __name__ == "__main__":
    main()
