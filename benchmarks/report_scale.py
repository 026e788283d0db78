"""Signal at store scale (issue 18): one whole-store validation, every report form measured from it.

Usage::

    .venv/bin/python benchmarks/report_scale.py OUT_DIR [--store DIR] [--hpo FILE]

Validates the store once (as ``phenotk validate`` does, config-free), then renders from the same report:
text (default and ``--show error`` when the reporters have it), HTML, SARIF and JSON into ``OUT_DIR``, and
prints one JSON object with: finding counts by rule, text line counts, HTML size, rows in the HTML DOM and
the Chromium render time (headless, ``--dump-dom``; the page is copied with a last script that forces
layout and records ``performance.now()``, i.e. parse + scripts + style/layout since navigation start; the
wall time of the whole Chromium process is given too), SARIF ``file://`` URIs. The machine is shared: run
it once per measurement, not in a loop.
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

STORE = Path("/work/shared/data/phenopacket-store")
HPO = Path("/work/shared/data/hpo/hp.json")
CHROMIUM = Path("/usr/bin/chromium")

_PROBE = (
    "<script>(function(){document.body.offsetHeight;"
    "document.documentElement.setAttribute('data-render-ms',String(Math.round(performance.now())));})();</script>"
)


def chromium_ms(page: Path) -> tuple[float | None, float | None, str]:
    """(ms from navigation start to the end of the forced layout, wall s of the Chromium run, DOM)."""
    if not CHROMIUM.exists():
        return None, None, ""
    text = page.read_text(encoding="utf-8")
    probe = page.with_name(page.stem + ".probe.html")
    probe.write_text(text.replace("</body>", _PROBE + "</body>", 1), encoding="utf-8")
    with tempfile.TemporaryDirectory() as profile:
        cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", "--dump-dom", probe.as_uri()]  # fmt: skip
        t0 = time.perf_counter()
        dom = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=True).stdout
        wall = time.perf_counter() - t0
    m = re.search(r'data-render-ms="(\d+)"', dom)
    probe.unlink()
    return (float(m.group(1)) if m else None), wall, dom


def main() -> int:
    """Measure and print one JSON object."""
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--store", type=Path, default=STORE)
    ap.add_argument("--hpo", type=Path, default=HPO)
    ap.add_argument("--base-dir", default=None, help="SARIF base folder (reporters that have --base-dir)")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    from phenotk.cli.validate import _rule_infos
    from phenotk.report import render
    from phenotk.workflow.session import Session

    session = Session.from_settings(config=False, hpo=str(args.hpo))
    t0 = time.perf_counter()
    report = session.validate([str(args.store)])
    out: dict[str, object] = {"validate_s": round(time.perf_counter() - t0, 1)}
    rules = _rule_infos()
    by_rule = Counter(i.rule for i in report.issues)
    out["findings"] = len(report.issues)
    out["by_severity"] = report.summary
    out["by_rule"] = dict(by_rule.most_common())
    params = inspect.signature(render).parameters
    has_show = "show" in params
    forms: list[tuple[str, str, dict[str, object]]] = [
        ("text", "report.txt", {}),
        ("html", "report.html", {}),
        ("sarif", "report.sarif", {}),
        ("json", "report.json", {}),
    ]
    if has_show:
        forms.append(("text", "report-error.txt", {"show": "error"}))
    if args.base_dir and "base_dir" in params:
        forms[2] = ("sarif", "report.sarif", {"base_dir": args.base_dir})
    for fmt, name, kw in forms:
        t0 = time.perf_counter()
        text = render(report, fmt, rules=rules, **kw)  # type: ignore[arg-type]
        out[f"render_{name}_s"] = round(time.perf_counter() - t0, 2)
        (args.out / name).write_text(text, encoding="utf-8")
        out[f"{name}_bytes"] = len(text.encode("utf-8"))
        if fmt == "text":
            out[f"{name}_lines"] = text.count("\n")
    sarif = json.loads((args.out / "report.sarif").read_text(encoding="utf-8"))
    uris = [
        loc["physicalLocation"]["artifactLocation"].get("uri", "")
        for res in sarif["runs"][0]["results"]
        for loc in res["locations"]
    ]
    out["sarif_file_uris"] = sum(1 for u in uris if u.startswith("file:"))
    out["sarif_results"] = len(uris)
    ms, wall, dom = chromium_ms(args.out / "report.html")
    out["chromium_render_ms"] = ms
    out["chromium_wall_s"] = None if wall is None else round(wall, 2)
    out["html_dom_rows"] = dom.count("<tr")
    out["html_dom_elements"] = dom.count("<")
    json.dump(out, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
