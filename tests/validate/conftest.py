"""Fixtures for validation tests: an isolated environment, the HPO index (session), base documents."""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

#: the smallest phenopacket every structural rule accepts (cases patch it)
BASE_PHENOPACKET: dict[str, Any] = {
    "id": "PMID_1_P1",
    "subject": {
        "id": "P1",
        "sex": "FEMALE",
        "timeAtLastEncounter": {"age": {"iso8601duration": "P6Y"}},
    },
    "phenotypicFeatures": [
        {"type": {"id": "HP:0001250", "label": "Seizure"}, "onset": {"age": {"iso8601duration": "P2Y"}}},
        {"type": {"id": "HP:0001263", "label": "Global developmental delay"}},
    ],
    "diseases": [{"term": {"id": "OMIM:154700", "label": "Marfan syndrome"}}],
    "interpretations": [
        {
            "id": "PMID_1_P1",
            "progressStatus": "SOLVED",
            "diagnosis": {
                "disease": {"id": "OMIM:154700", "label": "Marfan syndrome"},
                "genomicInterpretations": [
                    {
                        "subjectOrBiosampleId": "P1",
                        "interpretationStatus": "CAUSATIVE",
                        "gene": {"valueId": "HGNC:3603", "symbol": "FBN1"},
                    }
                ],
            },
        }
    ],
    "metaData": {
        "created": "2024-03-28T10:00:00Z",
        "createdBy": "phenotk tests",
        "resources": [
            {
                "id": "hp",
                "name": "human phenotype ontology",
                "url": "http://purl.obolibrary.org/obo/hp.owl",
                "version": "2025-05-06",
                "namespacePrefix": "HP",
                "iriPrefix": "http://purl.obolibrary.org/obo/HP_",
            },
            {
                "id": "omim",
                "name": "Online Mendelian Inheritance in Man",
                "url": "https://www.omim.org",
                "version": "2024-03-01",
                "namespacePrefix": "OMIM",
                "iriPrefix": "https://www.omim.org/entry/",
            },
            {
                "id": "hgnc",
                "name": "HUGO Gene Nomenclature Committee",
                "url": "https://www.genenames.org",
                "version": "2024-03-01",
                "namespacePrefix": "HGNC",
                "iriPrefix": "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/",
            },
        ],
        "phenopacketSchemaVersion": "2.0.2",
    },
}


def _member(pid: str, sid: str) -> dict[str, Any]:
    doc = copy.deepcopy(BASE_PHENOPACKET)
    doc["id"] = pid
    doc["subject"]["id"] = sid
    doc["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]["subjectOrBiosampleId"] = sid
    del doc["metaData"]
    return doc


BASE_FAMILY: dict[str, Any] = {
    "id": "FAM1",
    "consanguinousParents": False,  # REQUIRED (required-default): a clean base states it
    "proband": _member("PMID_1_P1", "II-1"),
    "relatives": [_member("PMID_1_F", "I-1")],
    "pedigree": {
        "persons": [
            {
                "familyId": "FAM1",
                "individualId": "II-1",
                "paternalId": "I-1",
                "maternalId": "0",
                "sex": "FEMALE",
                "affectedStatus": "AFFECTED",
            },
            {
                "familyId": "FAM1",
                "individualId": "I-1",
                "paternalId": "0",
                "maternalId": "0",
                "sex": "MALE",
                "affectedStatus": "UNAFFECTED",
            },
        ]
    },
    "metaData": copy.deepcopy(BASE_PHENOPACKET["metaData"]),
}

BASE_COHORT: dict[str, Any] = {
    "id": "COHORT1",
    "members": [_member("PMID_1_P1", "P1"), _member("PMID_1_P2", "P2")],
    "metaData": copy.deepcopy(BASE_PHENOPACKET["metaData"]),
}

BASES = {"phenopacket": BASE_PHENOPACKET, "family": BASE_FAMILY, "cohort": BASE_COHORT}


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No downloads and no user HPO during validation tests."""
    monkeypatch.setenv("PHENOTK_OFFLINE", "1")
    monkeypatch.delenv("PHENOTK_HPO", raising=False)


@pytest.fixture(scope="session")
def hpo_index(hpo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The shared hp.json as an ontology index (cache in a session tmp dir); skips without phenotk.ontology."""
    try:
        from phenotk.ontology import load_ontology
    except ImportError:  # pragma: no cover
        pytest.skip("phenotk.ontology is not available yet")
    path = hpo_dir / "hp.json"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    old = os.environ.get("PHENOTK_CACHE_DIR")
    os.environ["PHENOTK_CACHE_DIR"] = str(tmp_path_factory.mktemp("phenotk-cache"))
    try:
        yield load_ontology(path)
    finally:
        if old is None:
            os.environ.pop("PHENOTK_CACHE_DIR", None)
        else:
            os.environ["PHENOTK_CACHE_DIR"] = old
