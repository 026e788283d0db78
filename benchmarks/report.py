"""Reporter throughput on a whole-store-sized run.

A run over every phenopacket-store file with one finding per phenotypic feature (real paths, ids and
pointers; positions synthetic, no source maps) is rendered in every format. Baseline, measured in the
same run: ``json.dumps(report.to_dict())`` with the stdlib (compact), i.e. the floor of "just
serialise the records".

Run: ``.venv/bin/python benchmarks/report.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import peak_rss_mb, row, shared_data, timed

from phenotk.io import iter_documents
from phenotk.issue import Fix, Issue, PatchOp, Report, Result, Severity
from phenotk.report import ReportFormat, render

SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def build(store: Path) -> Report:
    report = Report(hpo_version="2025-05-06")
    for doc in iter_documents([store]):
        if not hasattr(doc, "data"):
            continue
        res = Result(doc.path, doc.element.value, doc.id)
        for n, feature in enumerate(doc.data.get("phenotypicFeatures", [])):
            term = feature.get("type", {}).get("id", "")
            ptr = f"/phenotypicFeatures/{n}/type/id"
            sev = SEVERITIES[n % 3]
            fix = Fix((PatchOp("replace", ptr, term),)) if sev is Severity.ERROR else None
            code, name = f"BEN00{n % 7}", f"bench-rule-{n % 7}"
            res.issues.append(Issue(code, name, sev, f"{term} checked", ptr, 10 + n, 15, fix))
        report.results.append(res)
    return report


def main() -> None:
    store = shared_data() / "phenopacket-store"
    seconds, report = timed(lambda: build(store))
    n = len(report.issues)
    print(f"  run: {len(report.results)} files, {n} findings (built in {seconds:.1f} s)")
    base, _ = timed(lambda: json.dumps(report.to_dict()), repeat=2)
    row("baseline json.dumps(to_dict()) compact", base, n, unit="findings")
    for fmt in ReportFormat:
        t, out = timed(lambda fmt=fmt: render(report, fmt), repeat=2)
        row(f"{fmt.value:<6} ({len(out) / 2**20:6.1f} MiB)", t, n, base, unit="findings")
    t, _ = timed(lambda: render(report, "text", color=True), repeat=2)
    row("text with colour (rich)", t, n, base, unit="findings")
    print(f"  peak RSS {peak_rss_mb():.0f} MiB")


if __name__ == "__main__":
    main()
