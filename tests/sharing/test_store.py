"""Must-show on the real store: each profile leaves no original id, timestamp or free text, keeps every interval,
adds no validation finding; same key → same bytes, other key → no shared pseudonym.

One whole-store run per profile (about 10 s each, in memory); validation (without HPO) of every third file's
input and output.
"""

from __future__ import annotations

import collections
import json
import re
from pathlib import Path
from typing import Any

import orjson
import pytest

import phenotk
from phenotk.io import Element
from phenotk.io.readers import document_from_tree

from .scan import leaks, times

pytestmark = [pytest.mark.shared, pytest.mark.slow]

KEY = b"phenotk-test-key-0123456789abcdef"
OTHER_KEY = b"another-secret-key-fedcba9876543210"
PROFILES = ("safe-harbor", "pseudonymised", "research")
PSEUDONYM = re.compile(r"ptk-[A-Z2-7]{16}")


@pytest.fixture(scope="module")
def store_trees(store_dir: Path) -> dict[str, dict[str, Any]]:
    """Every store file's tree by its path relative to the store."""
    return {str(p.relative_to(store_dir)): orjson.loads(p.read_bytes()) for p in sorted(store_dir.glob("*/*.json"))}


@pytest.fixture(scope="module")
def runs(store_dir: Path) -> dict[str, Any]:
    """One whole-store run per profile (outputs kept in memory)."""
    return {profile: phenotk.deidentify(store_dir, key=KEY, profile=profile) for profile in PROFILES}


@pytest.mark.parametrize("profile", PROFILES)
def test_no_original_id_timestamp_or_text_left(profile: str, runs: dict[str, Any], store_trees: dict) -> None:
    run = runs[profile]
    assert run.errors == []
    assert len(run.outputs) == len(store_trees) == 7682
    problems = []
    for out in run.outputs:
        problems += [f"{out.source}: {x}" for x in leaks(store_trees[out.source], orjson.loads(out.data))]
        assert out.source.split("/")[-1].removesuffix(".json") not in out.name  # file names pseudonymised too
    assert problems == [], "\n".join(problems[:20])


@pytest.mark.parametrize("profile", PROFILES)
def test_intervals_identical(profile: str, runs: dict[str, Any], store_trees: dict) -> None:
    capped = changed = 0
    shifts = collections.Counter()
    for out in runs[profile].outputs:
        before_ts, before_ages = times(store_trees[out.source])
        after_ts, after_ages = times(orjson.loads(out.data))
        assert set(after_ts) == set(before_ts), out.source  # no timestamp lost or added (store has no birth dates)
        deltas = {after_ts[p] - before_ts[p] for p in before_ts}
        assert len(deltas) <= 1, out.source  # one offset per subject: every interval exact
        for d in deltas:
            assert d.days <= -365 and d.seconds == 0 and d.microseconds == 0  # moved back whole days, ≥ 1 year
            shifts[d.days] += 1
        assert set(after_ages) == set(before_ages), out.source
        for p, age in before_ages.items():
            if after_ages[p] != age:
                assert profile == "safe-harbor" and after_ages[p] == "P90Y", (out.source, p, age)
                capped += 1
            changed += 0
    assert len(shifts) > 100  # offsets differ between subjects
    if profile != "safe-harbor":
        assert capped == 0


@pytest.mark.parametrize("profile", PROFILES)
def test_validation_adds_no_finding(profile: str, runs: dict[str, Any], store_trees: dict) -> None:
    outputs = runs[profile].outputs[::3]  # every third file: the whole store would add ~25 s per run of this file
    docs_in = [document_from_tree(store_trees[o.source], path=o.source, element=Element.PHENOPACKET) for o in outputs]
    docs_out = [document_from_tree(orjson.loads(o.data), path=o.source, element=Element.PHENOPACKET) for o in outputs]
    before = {
        r.path: collections.Counter(i.rule for i in r.issues) for r in phenotk.validate(docs_in, hpo=False).results
    }
    after = {
        r.path: collections.Counter(i.rule for i in r.issues) for r in phenotk.validate(docs_out, hpo=False).results
    }
    new = {p: c - before.get(p, collections.Counter()) for p, c in after.items()}
    new = {p: c for p, c in new.items() if c}
    assert new == {}, json.dumps({p: dict(c) for p, c in list(new.items())[:10]})
    assert sum(sum(c.values()) for c in before.values()) > 0  # the comparison has something to compare


def test_same_key_same_bytes_other_key_nothing_shared(store_dir: Path, runs: dict[str, Any]) -> None:
    sample = sorted(store_dir.glob("*/*.json"))[::40]
    first = phenotk.deidentify(sample, key=KEY, profile="research")
    again = phenotk.deidentify(sample, key=KEY, profile="research")
    other = phenotk.deidentify(sample, key=OTHER_KEY, profile="research")
    assert [(o.name, o.data) for o in first.outputs] == [(o.name, o.data) for o in again.outputs]
    mine = {m for o in first.outputs for m in PSEUDONYM.findall(o.data.decode())}
    theirs = {m for o in other.outputs for m in PSEUDONYM.findall(o.data.decode())}
    assert len(mine) > 300 and mine.isdisjoint(theirs)
    assert {o.name for o in first.outputs}.isdisjoint({o.name for o in other.outputs})
    # the sample's pseudonyms are those of the whole-store run: same id → same pseudonym across runs and inputs
    whole = {o.name.split("/")[-1]: o.data for o in runs["research"].outputs}
    for o in first.outputs:
        assert whole[o.name.split("/")[-1]] == o.data


def test_risk_report_on_the_store(runs: dict[str, Any]) -> None:
    risk = runs["safe-harbor"].risk
    assert risk.records == 7682
    dist = risk.distribution()
    assert sum(dist.values()) == risk.people <= 7682  # groups count people: one subject in two files once
    assert len({r.person() for r, _ in risk.below}) == dist["1"] + dist["2"] + dist["3"] + dist["4"] > 0
    assert len(risk.below) == 4496  # records (the four people with two identical records count twice here)
