"""Propagated term counts: the whole store against a closure computed here from hp.json, plus the rules on toys."""

from __future__ import annotations

from collections import Counter

import pytest
from phenopackets import OntologyClass, Phenopacket, PhenotypicFeature

from phenotk.analysis import read_cohort, summarize
from phenotk.analysis.terms import TermClosure


def _packet(pid: str, observed: list[str] | None = None, excluded: list[str] | None = None) -> Phenopacket:
    p = Phenopacket(id=pid)
    p.subject.id = pid
    for t in observed or []:
        p.phenotypic_features.append(PhenotypicFeature(type=OntologyClass(id=t)))
    for t in excluded or []:
        p.phenotypic_features.append(PhenotypicFeature(type=OntologyClass(id=t), excluded=True))
    return p


@pytest.mark.slow
def test_propagated_counts_equal_an_independent_closure_for_every_term(store_dir, hpo, raw_hpo, raw_store) -> None:
    # expected: own closure over hp.json is_a edges; observed up, excluded down, observed wins
    exp_obs: Counter[str] = Counter()
    exp_exc: Counter[str] = Counter()
    dir_obs: Counter[str] = Counter()
    dir_exc: Counter[str] = Counter()
    for data in raw_store:
        feats = data.get("phenotypicFeatures", [])
        o = {f["type"]["id"] for f in feats if not f.get("excluded")}
        e = {f["type"]["id"] for f in feats if f.get("excluded")}
        dir_obs.update(o)
        dir_exc.update(e)
        up = set().union(*(raw_hpo.up(t) for t in o)) if o else set()
        down = set().union(*(raw_hpo.down(t) for t in e)) if e else set()
        exp_obs.update(up)
        exp_exc.update(down - up)

    summary = read_cohort(store_dir, hpo=hpo).summary()
    assert summary.propagated and summary.packets == len(raw_store)
    rows = {t.id: t for t in summary.terms}
    # one row per id written in the store and per term reached by propagation
    assert set(rows) == set(dir_obs) | set(dir_exc) | set(exp_obs) | set(exp_exc)
    mismatches = [
        (t.id, (t.observed, t.excluded), (exp_obs[raw_hpo.key(t.id)], exp_exc[raw_hpo.key(t.id)]))
        for t in summary.terms
        if (t.observed, t.excluded) != (exp_obs[raw_hpo.key(t.id)], exp_exc[raw_hpo.key(t.id)])
    ]
    assert not mismatches, mismatches[:10]
    # direct counts: the packets listing exactly that id, as before propagation existed
    assert {t.id: t.observed_direct for t in summary.terms if t.observed_direct} == dict(dir_obs)
    assert {t.id: t.excluded_direct for t in summary.terms if t.excluded_direct} == dict(dir_exc)
    # propagation adds, never removes
    assert all(t.observed >= t.observed_direct for t in summary.terms if raw_hpo.key(t.id) == t.id)
    seizure, intellectual = rows["HP:0001250"], rows["HP:0001249"]
    assert seizure.observed > seizure.observed_direct > 0
    assert intellectual.observed > intellectual.observed_direct > 0
    # the organ-system table and the term table agree now
    for system in summary.organ_systems:
        assert system.observed == rows[system.id].observed if system.id in rows else system.observed == 0
    # the JSON form carries both kinds of counts and honours top
    d = summary.to_dict(top=5)
    assert len(d["terms"]) == 5 and d["terms_total"] == len(summary.terms) and d["counts"] == "propagated"
    assert {"observed", "excluded", "observed_direct", "excluded_direct"} <= set(d["terms"][0])


def test_rules_on_toy_packets(hpo) -> None:
    focal, seizure, nervous = "HP:0007359", "HP:0001250", "HP:0000707"  # Focal-onset seizure ⊂ Seizure ⊂ …
    assert hpo.is_descendant_of(focal, seizure) and hpo.is_descendant_of(seizure, nervous)
    packets = [
        _packet("a", observed=[focal]),  # counts for Seizure through its descendant
        _packet("b", observed=[focal, seizure]),  # the redundant ancestor changes nothing
        _packet("c", excluded=[seizure]),  # excluded down: Focal-onset seizure excluded too
        _packet("d", observed=[focal], excluded=[seizure]),  # contradictory: observed wins for Seizure
        _packet("e", observed=[seizure], excluded=[focal]),  # seizures, but not focal ones: both hold
    ]
    s = summarize(packets, hpo=hpo)
    rows = {t.id: t for t in s.terms}
    assert (rows[seizure].observed, rows[seizure].excluded) == (4, 1)
    assert (rows[seizure].observed_direct, rows[seizure].excluded_direct) == (2, 2)
    assert (rows[focal].observed, rows[focal].excluded) == (3, 2)
    assert rows[nervous].observed == 4 and rows[nervous].observed_direct == 0
    # `phenotk fix` removing the redundant ancestor from b does not change any propagated count
    s2 = summarize([packets[0], _packet("b", observed=[focal]), *packets[2:]], hpo=hpo)
    assert [(t.id, t.observed, t.excluded) for t in s2.terms] == [(t.id, t.observed, t.excluded) for t in s.terms]
    # without an ontology nothing propagates and the summary says so
    plain = summarize(packets)
    assert not plain.propagated and all(t.observed == t.observed_direct for t in plain.terms)
    assert "direct" in plain.to_text() and "propagated" in s.to_text()


def test_alt_ids_and_unknown_ids(hpo) -> None:
    alt = next(a for a, _ in sorted(hpo.alt_ids().items()) if hpo.primary_id(a) and not hpo.is_obsolete(a))
    primary = hpo.primary_id(alt)
    closure = TermClosure(hpo)
    assert closure.key(alt) == primary and closure.up(alt) == closure.up(primary)
    packets = [_packet("a", observed=[alt]), _packet("b", observed=[primary]), _packet("c", observed=["HP:9999999"])]
    s = summarize(packets, hpo=hpo)
    rows = {t.id: t for t in s.terms}
    assert rows[alt].observed == rows[primary].observed == 2 and rows[alt].observed_direct == 1
    assert rows["HP:9999999"].observed == 1 and s.not_in_release == ["HP:9999999"]


@pytest.mark.slow
def test_summaries_of_partitions_merge_to_the_whole(store_dir, hpo) -> None:
    from phenotk.analysis.summary import merge_summaries

    packets = read_cohort(store_dir, hpo=hpo).packets
    whole = summarize(packets, hpo=hpo)
    parts = [summarize(packets[a:b], hpo=hpo) for a, b in ((0, 1000), (1000, 4500), (4500, len(packets)))]
    merged = merge_summaries(parts)
    assert merged.to_dict(top=None) == whole.to_dict(top=None)
    assert merged.terms == whole.terms and merged.organ_systems == whole.organ_systems
    with pytest.raises(ValueError, match="different HPO releases"):
        merge_summaries([parts[0], summarize(packets[:10])])
