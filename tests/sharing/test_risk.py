"""k-anonymity counts people: one person in several documents of a release does not make their group look safe.

Synthetic patients only.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import phenotk

from .test_deidentify import BASE_PHENOPACKET, KEY


def _packet(pid: str, sid: str, sex: str = "FEMALE", age: str = "P30Y") -> dict[str, Any]:
    pp = copy.deepcopy(BASE_PHENOPACKET)
    pp["id"], pp["subject"]["id"], pp["subject"]["sex"] = pid, sid, sex
    pp["subject"]["timeAtLastEncounter"] = {"age": {"iso8601duration": age}}
    pp["interpretations"][0]["id"] = pid
    pp["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]["subjectOrBiosampleId"] = sid
    return pp


def test_one_person_in_a_family_a_cohort_and_a_file_of_their_own_counts_once() -> None:
    proband = _packet("fam-proband", "MRN1234567")
    family = {
        "id": "FAM-1",
        "proband": proband,
        "pedigree": {"persons": [{"familyId": "FAM-1", "individualId": "MRN1234567", "sex": "FEMALE"}]},
        "metaData": BASE_PHENOPACKET["metaData"],
    }
    cohort = {
        "id": "COH-1",
        "members": [_packet("c1", "MRN1234567"), _packet("c2", "MRN7654321", sex="MALE")],
        "metaData": BASE_PHENOPACKET["metaData"],
    }
    alone = [_packet(f"single-{i}", "MRN1234567") for i in range(3)]
    result = phenotk.deidentify([family, cohort, *alone], key=KEY, min_k=2)
    risk = result.risk
    assert risk is not None and risk.records == 6 and risk.people == 2
    # five records of one woman were a group of k=5: she is one person, alone in her group even in one age bin
    assert risk.width is None and sorted(k for _, k in risk.below) == [1] * 6
    below = [i for i in result.report.issues if i.rule == "deid-below-k"]
    assert len(below) == 6 and all("has 1 person(s)" in i.message for i in below)
    assert risk.to_dict()["people"] == 2 and "6 record(s) of 2 people" in risk.text()


def test_different_subjects_with_the_same_quasi_identifiers_are_different_people() -> None:
    result = phenotk.deidentify([_packet(f"p{i}", f"subject-{i}") for i in range(5)], key=KEY, min_k=5)
    assert result.risk is not None and result.risk.people == 5 and result.risk.below == []


def test_privacy_report_summarises_the_reidentification_risk() -> None:
    packets = [_packet(f"p{i}", f"s{i}") for i in range(3)] + [_packet("m", "s-m", sex="MALE")]
    risk = phenotk.deidentify(packets, key=KEY).risk
    assert risk is not None
    # groups: 3 women (k=3), 1 man (k=1): the man is singled out for sure; 2 groups / 4 people on average
    assert risk.to_dict()["reidentificationRisk"] == {"highest": 1.0, "average": 0.5, "shareAtHighest": 0.25}
    empty = phenotk.deidentify([], key=KEY).risk
    assert empty is not None and empty.to_dict()["reidentificationRisk"]["highest"] is None


def test_a_relatives_sample_in_the_probands_packet_keeps_the_relatives_dates() -> None:
    """A biosample of the mother inside the proband's packet: her offset, never the proband's age."""
    proband = _packet("proband-packet", "P-0001")
    proband["subject"]["dateOfBirth"] = "2010-01-01T00:00:00Z"
    proband["biosamples"] = [
        {"id": "s-own", "individualId": "P-0001", "timeOfCollection": {"timestamp": "2015-01-01T00:00:00Z"}},
        {"id": "s-mother", "individualId": "M-0001", "timeOfCollection": {"timestamp": "2015-01-01T00:00:00Z"}},
    ]
    mother = _packet("mother-packet", "M-0001")
    mother["phenotypicFeatures"][0]["onset"] = {"timestamp": "2015-01-01T00:00:00Z"}
    for profile in ("safe-harbor", "research"):
        result = phenotk.deidentify([proband, mother], key=KEY, profile=profile)
        out_p, out_m = (json.loads(o.data) for o in result.outputs)
        own, hers = (b["timeOfCollection"] for b in out_p["biosamples"])
        her_onset = out_m["phenotypicFeatures"][0]["onset"]
        assert hers == her_onset and "timestamp" in hers, profile  # shifted as in her own file
        if profile == "safe-harbor":
            assert own == {"age": {"iso8601duration": "P1826D"}}  # the proband's own sample: his age


def test_without_a_subject_id_every_sample_moves_with_the_packet() -> None:
    pp = _packet("packet-only", "x")
    del pp["subject"]["id"]
    pp["phenotypicFeatures"][0]["onset"] = {"timestamp": "2015-01-01T00:00:00Z"}
    pp["biosamples"] = [
        {"id": "s1", "individualId": "someone", "timeOfCollection": {"timestamp": "2015-01-11T00:00:00Z"}}
    ]
    out = json.loads(phenotk.deidentify(pp, key=KEY, profile="research").outputs[0].data)
    onset = out["phenotypicFeatures"][0]["onset"]["timestamp"][:10]
    taken = out["biosamples"][0]["timeOfCollection"]["timestamp"][:10]
    assert (dt.date.fromisoformat(taken) - dt.date.fromisoformat(onset)).days == 10  # the interval is kept
