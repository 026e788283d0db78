"""The variant rules' shortcuts give the findings of their general path, on the store's expressions and hostile ones."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

from phenotk.validation.rules.variant import hgvs_syntax
from phenotk.validation.rules.variant._common import Record


def _expressions(store_dir: Path) -> list[tuple[Any, Any]]:
    """(syntax, value) of every fifth store file's expressions, respelled and edited at random, and odd types."""
    pairs: set[tuple[str, str]] = set()
    for f in sorted(store_dir.glob("*/*.json"))[::5]:
        text = f.read_text()
        pairs.update(re.findall(r'"syntax": "([^"]*)",\s*"value": "([^"]*)"', text))
    found: list[tuple[Any, Any]] = sorted(pairs)
    assert len(found) > 2000
    rnd = random.Random(41)
    syntaxes = ["hgvs.c", "hgvs.g", "hgvs.n", "hgvs.p", "hgvs", "HGVS.c", " hgvs.c", "hgvs.m", "hgvs.r", "spdi", ""]
    tokens = ["NM_", "NC_", "NP_", "NR_", ":", ".", "c.", "g.", "p.", "1", "-", "*", "+", "_", "A", "X", " ", "del"]
    tokens += ["dup", "ins", "(", ")", "Arg", "Ter", "fs", "=", ">", "١", "\n"]
    for syntax, value in list(found):
        found.append((rnd.choice(syntaxes), value))
        i = rnd.randrange(len(value) + 1)
        found.append((syntax, value[:i] + rnd.choice(tokens) + value[i + rnd.randint(0, 2) :]))
    found += [(s, v) for s in ("hgvs.c", ["hgvs.c"], None, 3) for v in ("NM_1.1:c.1A>G", None, 7, {"a": 1}, "")]
    return found


def test_hgvs_syntax_shortcut_agrees_with_the_verdict(store_dir: Path) -> None:
    """An expression the descriptor loop passes over has no finding of :func:`hgvs_syntax._verdict`, and a
    descriptor's findings are those of the verdicts of its expressions, in order."""
    pairs = _expressions(store_dir)
    exprs = [{"syntax": s, "value": v} for s, v in pairs]
    skipped = 0
    for start in range(0, len(exprs), 7):
        chunk = [*exprs[start : start + 7], "not an object", ["x"]]
        got = hgvs_syntax._descriptor(Record(("x",), {"expressions": chunk}, False))
        want = [
            (message, ("expressions", i, name), severity)
            for i, e in enumerate(chunk)
            if isinstance(e, dict)
            for name, message, severity in hgvs_syntax._verdict(e["syntax"], e["value"])
        ]
        assert list(got) == want
        for e in chunk[:-2]:
            s, v = e["syntax"], e["value"]
            if type(s) is str and type(v) is str and hgvs_syntax.passed_over(s, v):
                skipped += 1
                assert hgvs_syntax._verdict(s, v) == ()
    assert skipped > 1000  # the shortcut is taken, and findings are made (the loop above sees both)
    assert sum(1 for s, v in pairs if hgvs_syntax._verdict(s, v)) > 100
