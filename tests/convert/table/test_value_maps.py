"""``values:`` behaves the same on every mappable field: the map first, then the field's parser on the rest.

Each case has two rows: row 2 holds a code the field's ``values`` map translates, row 3 a cell the map does not
list, which the field's own parser must still read (a value map never switches the parser off). The list of
fields comes from the mapping schema, so a new field without a case here fails :func:`test_every_field_has_a_case`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from google.protobuf.json_format import MessageToDict

from phenotk.conversion.table import from_dataframe
from phenotk.mapping.model import mapping_schema

Check = Callable[[list[Any]], list[Any]]


def _value_fields() -> set[str]:
    s = mapping_schema()
    props = s["properties"]
    out = {"id"} if props["id"].get("$ref") == "#/$defs/value" else set()
    out |= {f"subject.{k}" for k, v in props["subject"]["properties"].items() if v.get("$ref") == "#/$defs/value"}
    for section, name in (("diseases", "disease"), ("variants", "variant"), ("references", "reference")):
        for k, v in s["$defs"][name]["properties"].items():
            if v.get("$ref") == "#/$defs/value":
                out.add(f"{section}.{k}")
    long = props["phenotypes"]["properties"]["long"]["properties"]
    out |= {f"phenotypes.long.{k}" for k, v in long.items() if v.get("$ref") == "#/$defs/value"}
    return out


def _vd(p: Any) -> Any:
    return p.interpretations[0].diagnosis.genomic_interpretations[0].variant_interpretation.variation_descriptor


def _gi(p: Any) -> Any:
    return p.interpretations[0].diagnosis.genomic_interpretations[0]


HGVS = "NM_001165963.4:c.2836C>T"
VAR = {"hgvs": "v"}

#: field → (extra mapping, extra mapping for the field itself, the field's column, [cell row 2, cell row 3],
#:          other columns (same on both rows), what to read from each packet, expected [row 2, row 3])
CASES: dict[str, tuple[dict[str, Any], str, list[str], dict[str, str], Callable[[Any], Any], list[Any]]] = {
    "id": ({}, "pid", ["x1", "PKT-2"], {}, lambda p: p.id, ["PKT-1", "PKT-2"]),
    "subject.id": ({}, "id", ["a", "b"], {}, lambda p: p.subject.id, ["P-A", "b"]),
    "subject.sex": ({}, "sex", ["1", "f"], {}, lambda p: p.subject.sex, [2, 1]),  # MALE, FEMALE
    "subject.date_of_birth": ({}, "dob", ["dob1", "04.05.2006"], {},
                              lambda p: p.subject.date_of_birth.ToJsonString(),
                              ["2001-02-03T00:00:00Z", "2006-05-04T00:00:00Z"]),
    "subject.age_at_last_encounter": ({}, "age", ["toddler", "6 months"], {},
                                      lambda p: p.subject.time_at_last_encounter.age.iso8601duration, ["P2Y", "P6M"]),
    "subject.vital_status": ({}, "vital", ["lebt", "deceased"], {}, lambda p: p.subject.vital_status.status,
                             [1, 2]),  # ALIVE, DECEASED
    "diseases.id": ({}, "dx", ["dravet", "MIM #614959"], {}, lambda p: p.diseases[0].term.id,
                    ["OMIM:607208", "OMIM:614959"]),
    "diseases.label": ({"diseases": {"id": "dx"}}, "dx name", ["dee14", "Dravet syndrome"], {"dx": "OMIM:614959"},
                       lambda p: p.diseases[0].term.label,
                       ["Developmental and epileptic encephalopathy 14", "Dravet syndrome"]),
    "diseases.onset": ({"diseases": {"id": "dx"}}, "dx onset", ["early", "3 years"], {"dx": "OMIM:614959"},
                       lambda p: MessageToDict(p.diseases[0].onset),
                       [{"ontologyClass": {"id": "HP:0003593", "label": "Infantile onset"}},
                        {"age": {"iso8601duration": "P3Y"}}]),
    "diseases.excluded": ({"diseases": {"id": "dx"}}, "dx status", ["ruled out", "yes"], {"dx": "OMIM:614959"},
                          lambda p: p.diseases[0].excluded, [True, False]),
    "variants.hgvs": ({}, "v", ["v1", "NM_001165963.4:c.100del"], {}, lambda p: _vd(p).expressions[0].value,
                      [HGVS, "NM_001165963.4:c.100del"]),
    "variants.gene_symbol": ({"variants": VAR}, "gene", ["scn", "KCNQ2"], {"v": HGVS},
                             lambda p: _vd(p).gene_context.symbol, ["SCN1A", "KCNQ2"]),
    "variants.hgnc_id": ({"variants": VAR}, "hgnc", ["scn1a", "6296"], {"v": HGVS},
                         lambda p: _vd(p).gene_context.value_id, ["HGNC:10585", "HGNC:6296"]),
    "variants.zygosity": ({"variants": VAR}, "zyg", ["2 copies", "het"], {"v": HGVS},
                          lambda p: _vd(p).allelic_state.id, ["GENO:0000136", "GENO:0000135"]),
    "variants.acmg": ({"variants": VAR}, "acmg", ["class 5", "VUS"], {"v": HGVS},
                      lambda p: _gi(p).variant_interpretation.acmg_pathogenicity_classification,
                      [5, 3]),  # PATHOGENIC, UNCERTAIN_SIGNIFICANCE
    "variants.transcript": ({"variants": {"hgvs": "v"}}, "tx", ["main", "NM_006172.4"], {"v": "c.2836C>T het"},
                            lambda p: _vd(p).expressions[0].value,
                            ["NM_001165963.4:c.2836C>T", "NM_006172.4:c.2836C>T"]),
    "variants.interpretation_status": ({"variants": VAR}, "status", ["cause", "candidate"], {"v": HGVS},
                                       lambda p: _gi(p).interpretation_status, [4, 2]),  # CAUSATIVE, CANDIDATE
    "references.id": ({}, "ref", ["paper", "456"], {}, lambda p: p.meta_data.external_references[0].id,
                      ["PMID:123", "PMID:456"]),
    "references.description": ({"references": {"id": "ref"}}, "title", ["t1", "Another title"], {"ref": "PMID:1"},
                               lambda p: p.meta_data.external_references[0].description,
                               ["A title", "Another title"]),
    "references.reference": ({"references": {"id": "ref"}}, "link", ["doi", "https://example.org/2"],
                             {"ref": "PMID:1"}, lambda p: p.meta_data.external_references[0].reference,
                             ["https://example.org/1", "https://example.org/2"]),
    "phenotypes.long.term": ({}, "term", ["sz", "Hypotonia"], {}, lambda p: p.phenotypic_features[0].type.id,
                             ["HP:0001250", "HP:0001252"]),
    "phenotypes.long.label": ({"phenotypes": {"long": {"term": "term"}}}, "label", ["floppy", "Seizure"],
                              {"term": ""}, lambda p: p.phenotypic_features[0].type.id, ["HP:0001252", "HP:0001250"]),
    "phenotypes.long.status": ({"phenotypes": {"long": {"term": "term"}}}, "present", ["nein", "yes"],
                               {"term": "HP:0001250"}, lambda p: p.phenotypic_features[0].excluded, [True, False]),
    "phenotypes.long.severity": ({"phenotypes": {"long": {"term": "term"}}}, "sev", ["schwer", "mild"],
                                 {"term": "HP:0001250"}, lambda p: p.phenotypic_features[0].severity.id,
                                 ["HP:0012828", "HP:0012825"]),
    "phenotypes.long.onset": ({"phenotypes": {"long": {"term": "term"}}}, "onset", ["early", "2 years"],
                              {"term": "HP:0001250"}, lambda p: MessageToDict(p.phenotypic_features[0].onset),
                              [{"ontologyClass": {"id": "HP:0003593", "label": "Infantile onset"}},
                               {"age": {"iso8601duration": "P2Y"}}]),
}

#: the ``values`` map of each field (row 2's code → what the map makes of it)
MAPS: dict[str, dict[str, Any]] = {
    "id": {"x1": "PKT-1"}, "subject.id": {"a": "P-A"}, "subject.sex": {"1": "MALE", "2": "FEMALE"},
    "subject.date_of_birth": {"dob1": "2001-02-03"}, "subject.age_at_last_encounter": {"toddler": "P2Y"},
    "subject.vital_status": {"lebt": "ALIVE"}, "diseases.id": {"dravet": "OMIM:607208"},
    "diseases.label": {"dee14": "Developmental and epileptic encephalopathy 14"},
    "diseases.onset": {"early": "Infantile onset"}, "diseases.excluded": {"ruled out": "excluded"},
    "variants.hgvs": {"v1": HGVS}, "variants.gene_symbol": {"scn": "SCN1A"},
    "variants.hgnc_id": {"scn1a": "HGNC:10585"}, "variants.zygosity": {"2 copies": "homozygous"},
    "variants.acmg": {"class 5": "PATHOGENIC"}, "variants.transcript": {"main": "NM_001165963.4"},
    "variants.interpretation_status": {"cause": "CAUSATIVE"}, "references.id": {"paper": "PMID:123"},
    "references.description": {"t1": "A title"}, "references.reference": {"doi": "https://example.org/1"},
    "phenotypes.long.term": {"sz": "HP:0001250"}, "phenotypes.long.label": {"floppy": "Hypotonia"},
    "phenotypes.long.status": {"nein": "excluded"}, "phenotypes.long.onset": {"early": "Infantile onset"},
    "phenotypes.long.severity": {"schwer": "severe"},
}


def test_every_field_has_a_case() -> None:
    assert set(CASES) == _value_fields()
    assert set(MAPS) == set(CASES)


def _mapping(field: str) -> dict[str, Any]:
    base, column, _cells, _others, _read, _expected = CASES[field]
    spec = {"column": column, "values": MAPS[field]}
    m: dict[str, Any] = {"phenotk_mapping": 1, "subject": {"id": "id"}}
    for key, value in base.items():
        m[key] = {k: (dict(v) if isinstance(v, dict) else v) for k, v in value.items()}
    section, _, key = field.rpartition(".")
    if field == "id":
        m["id"] = spec
    elif section == "subject":
        m["subject"][key] = spec
    elif section == "phenotypes.long":
        m.setdefault("phenotypes", {"long": {}})["long"][key] = spec
        m["input"] = {"rows": "many"}
    else:
        m.setdefault(section, {})[key] = spec
    return m


@pytest.mark.parametrize("field", sorted(CASES))
def test_values_map_first_then_the_parser(field: str, hpo_stub) -> None:
    _base, column, cells, others, read, expected = CASES[field]
    rows: dict[str, list[str]] = {"id": ["a", "b"], column: cells}
    for col, cell in others.items():
        rows[col] = [cell, cell]
    res = from_dataframe(pd.DataFrame(rows), _mapping(field), ontology=hpo_stub)
    assert [read(p) for p in res.packets] == expected
    bad = [(i.rule, i.context.get("row"), i.context.get("column")) for i in res.all_issues
           if i.rule in ("map-bad-cell", "map-unknown-term", "map-orphan-value")]
    assert bad == []


@pytest.mark.parametrize("field", ["subject.age_at_last_encounter", "diseases.id", "variants.hgnc_id"])
def test_text_neither_in_the_map_nor_parsable_is_a_bad_cell(field: str, hpo_stub) -> None:
    _base, column, _cells, others, _read, _expected = CASES[field]
    rows: dict[str, list[str]] = {"id": ["a"], column: ["???x"]}
    for col, cell in others.items():
        rows[col] = [cell]
    res = from_dataframe(pd.DataFrame(rows), _mapping(field), ontology=hpo_stub)
    assert [(i.rule, i.context["row"], i.context["column"], i.context["value"]) for i in res.all_issues] == [
        ("map-bad-cell", 2, column, "???x")]


def test_null_in_a_map_means_no_value(hpo_stub) -> None:
    m = {"phenotk_mapping": 1, "subject": {"id": "id", "age_at_last_encounter": {"column": "age",
                                                                                   "values": {"unknown": None}}}}
    res = from_dataframe(pd.DataFrame({"id": ["a"], "age": ["unknown"]}), m, ontology=hpo_stub)
    assert not res.packets[0].subject.HasField("time_at_last_encounter") and res.all_issues == []
