"""Cohorts converted from FHIR: an HPO coding without a display gets its label from the loaded HPO release.

Found converting RareLink's FHIR outputs (shared/data/redcap/rarelink/fhir_outputs): 47 HPO codings with system
and code only became OntologyClasses without a label (schema-required errors) although ``--hpo`` was loaded.
"""

from __future__ import annotations

from typing import Any

from phenotk.conversion.base import ConvertOptions
from phenotk.conversion.fhir import read_fhir

HP_SYSTEM = "http://purl.obolibrary.org/obo/hp.owl"


def _bundle() -> dict[str, Any]:
    def obs(oid: str, code: str, display: str | None = None, present: bool = True) -> dict[str, Any]:
        coding = {"system": HP_SYSTEM, "code": code, **({"display": display} if display else {})}
        return {"resource": {"resourceType": "Observation", "id": oid, "status": "final",
                             "subject": {"reference": "Patient/p1"}, "code": {"coding": [coding]},
                             "valueBoolean": present}}

    return {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "urn:uuid:p1", "resource": {"resourceType": "Patient", "id": "p1", "gender": "female"}},
        obs("o1", "HP:0001250"),  # no display
        obs("o2", "HP:0001251", "Ataxia (as the sender writes it)", present=False),
        obs("o3", "HP:0001250"),  # the same id again: one finding
        obs("o4", "HP:9999999"),  # not in the release: stays without label
    ]}


def _labels(items: list[Any]) -> list[tuple[str, str]]:
    (item,) = items
    return [(f.type.id, f.type.label) for f in item.message.phenotypic_features]


def test_a_coding_without_display_takes_the_label_of_the_loaded_hpo(hpo) -> None:
    items = read_fhir(_bundle(), ConvertOptions(ontology=hpo), validate=False)
    assert _labels(items) == [
        ("HP:0001250", "Seizure"),
        ("HP:0001251", "Ataxia (as the sender writes it)"),  # a display is never replaced
        ("HP:0001250", "Seizure"),
        ("HP:9999999", ""),
    ]
    filled = [i for i in items[0].issues if i.rule == "fhir-label-from-ontology"]
    assert len(filled) == 1
    (f,) = filled
    assert f.code == "FHIR013" and f.severity.value == "info"
    assert f.pointer == "/entry/1/resource/code/coding/0"
    assert "HP:0001250" in f.message and "'Seizure'" in f.message and f"HPO release {hpo.version}" in f.message


def test_without_an_ontology_the_label_stays_empty_and_nothing_is_reported() -> None:
    items = read_fhir(_bundle(), ConvertOptions(), validate=False)
    assert _labels(items)[0] == ("HP:0001250", "")
    assert not [i for i in items[0].issues if i.rule == "fhir-label-from-ontology"]


def test_the_converted_cohort_has_labels_in_its_summary(hpo, tmp_path) -> None:
    import phenotk
    from phenotk.io import write

    items = read_fhir(_bundle(), ConvertOptions(ontology=hpo), validate=False)
    write(items[0].message, tmp_path / "p1.json")
    summary = phenotk.read_cohort(tmp_path).summary()  # no HPO here: labels as the packet writes them
    assert summary.term("HP:0001250").label == "Seizure"


def test_from_fhir_takes_an_hpo(hpo, hpo_dir) -> None:
    """phenotk.from_fhir had no way to pass an HPO but a ConvertOptions: a researcher's call left labels empty."""
    import phenotk

    (packet,) = phenotk.from_fhir(_bundle(), hpo=hpo)
    assert packet.phenotypic_features[0].type.label == "Seizure"
    (packet,) = phenotk.from_fhir(_bundle(), hpo=str(hpo_dir / "hp.json"))
    assert packet.phenotypic_features[0].type.label == "Seizure"
    (packet,) = phenotk.from_fhir(_bundle())
    assert packet.phenotypic_features[0].type.label == ""
