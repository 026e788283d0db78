"""Baselines: record today's findings, later report only the new ones.

A baseline is a JSON file listing findings by (path, rule, pointer); the message is kept for humans
only, so a reworded message does not make an old finding "new". Matching counts occurrences: two
identical findings in the baseline hide at most two in the run.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any

from phenotk.errors import UsageError
from phenotk.issue import Report

FORMAT = "phenotk-baseline/1"


def _key(path: str, rule: str, pointer: str) -> tuple[str, str, str]:
    return (os.path.normpath(path) if "!" not in path and "#" not in path else path, rule, pointer)


def to_baseline(report: Report) -> dict[str, Any]:
    """The baseline document for a report (every finding except unreadable inputs)."""
    rows = [
        {"path": r.path, "rule": i.rule, "code": i.code, "pointer": i.pointer, "message": i.message}
        for r, i in report.iter_issues()
        if i.rule != "input-unreadable"
    ]
    return {"format": FORMAT, "findings": rows}


def write_baseline(report: Report, path: str, *, force: bool = True) -> int:
    """Write the baseline file; returns the number of findings recorded."""
    from phenotk.io import atomic_write

    doc = to_baseline(report)
    atomic_write(path, (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8"), force=force)
    return len(doc["findings"])


def load_baseline(path: str) -> Counter[tuple[str, str, str]]:
    """Occurrences of (path, rule, pointer) in a baseline file (``UsageError`` when unreadable)."""
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except OSError as exc:
        raise UsageError(f"cannot read baseline: {exc.strerror or exc}", path=path) from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"baseline is not JSON: {exc.msg}", path=path, line=exc.lineno, column=exc.colno) from None
    except (ValueError, RecursionError) as exc:  # nested too deeply, a huge integer, not UTF-8
        raise UsageError(f"baseline is not readable JSON: {' '.join(str(exc).split())[:200]}", path=path) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("findings"), list):
        raise UsageError(f"not a phenotk baseline (expected format {FORMAT!r})", path=path)
    out: Counter[tuple[str, str, str]] = Counter()
    for row in doc["findings"]:
        if isinstance(row, dict):
            out[_key(str(row.get("path", "")), str(row.get("rule", "")), str(row.get("pointer", "")))] += 1
    return out


def apply_baseline(report: Report, baseline: Counter[tuple[str, str, str]]) -> int:
    """Drop findings the baseline knows (in place); returns how many were dropped."""
    left = Counter(baseline)
    dropped = 0
    for res in report.results:
        keep = []
        for issue in res.issues:
            k = _key(res.path, issue.rule, issue.pointer)
            if issue.rule != "input-unreadable" and left[k] > 0:
                left[k] -= 1
                dropped += 1
            else:
                keep.append(issue)
        res.issues = keep
    if dropped:
        report.notes.append(f"{dropped} finding(s) already in the baseline are not shown")
    return dropped
