"""``hpo-label-mismatch`` tells a synonym from another term's label through the release's lookup table alone.

The rule no longer reads the term's synonym list (unpacking every term's synonyms costs a run more than all its
stale labels): it asks :meth:`lookup` which terms a label names and finds the id's own term among them. Here the
message is compared, on the real HPO, with the plain question the rule used to ask (``_norm`` of a synonym of the
term equals ``_norm`` of the label), for real synonyms, synonyms with case and spacing mangled, labels of other
terms and text naming no term.
"""

from __future__ import annotations

import random
from typing import Any

from phenotk.validation.rules.hpo.label_mismatch import LabelMismatch, _norm


def _expected_kind(hpo: Any, cid: str, label: str) -> str:
    """What the message must say, decided with the synonym list and the lookup as the rule once did."""
    current = hpo.label(cid)
    if _norm(label) == _norm(current):
        return "case"
    if any(_norm(s) == _norm(label) for s in hpo.synonyms(cid)):
        return "synonym"
    if [t for t in hpo.lookup(label) if t != cid and not hpo.is_obsolete(t)]:
        return "other"
    return "none"


def _kind(message: str) -> str:
    if "differs only in case or spacing" in message:
        return "case"
    if "it is a synonym" in message:
        return "synonym"
    return "other" if "(keep the label): no automatic fix" in message else "none"


def test_synonym_and_other_label_agree_with_the_synonym_list(hpo_index: Any) -> None:
    rng = random.Random(17)
    current = [t for t in hpo_index.terms() if hpo_index.synonyms(t)]
    every = list(hpo_index.terms())
    cases: list[tuple[str, str]] = []
    for cid in rng.sample(current, 150):
        for s in hpo_index.synonyms(cid)[:3]:
            cases += [(cid, s), (cid, s.upper()), (cid, "  " + s.replace(" ", "\t ") + " ")]
        other = rng.choice(every)
        cases += [(cid, hpo_index.label(other) or "x"), (cid, (hpo_index.synonyms(other) or ["y"])[0])]
        cases.append((cid, "no term is named like this"))
    rule = LabelMismatch()
    kinds = set()
    for cid, label in cases:
        if label == hpo_index.label(cid):
            continue
        msg, _, _ = rule._describe(cid, label, hpo_index.label(cid), hpo_index, None)
        kinds.add(_kind(msg))
        assert _kind(msg) == _expected_kind(hpo_index, cid, label), (cid, label, msg)
    assert kinds == {"case", "synonym", "other", "none"}
