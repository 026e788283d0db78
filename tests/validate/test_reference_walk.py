"""The generated walkers against the interpreted reference walk (``PHENOTK_REFERENCE_WALK=1``): same findings.

The generated code (``phenotk.validation.engine.codegen``) takes shortcuts the reference walk
(``...engine.reference``) does not: leaf types with their required fields skip the key loop, valid scalars are
told apart inline, required fields are pre-tested. Every finding (path, code, severity, message, pointer,
line, column, fix) must be the same on every 5th public store file, every v2 example and every YAML rule case.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from phenotk.issue import Report
from phenotk.validation.config import Options, engine_config
from phenotk.validation.engine import REFERENCE_WALK, Engine
from phenotk.validation.runner import run_engine

from .test_rule_cases import _load_cases, run_case


def _rows(report: Report) -> list[tuple[Any, ...]]:
    out = []
    for res in report.results:
        for i in res.issues:
            fix = None if i.fix is None else (i.fix.safe, i.fix.description, [repr(op) for op in i.fix.ops])
            out.append((res.path, i.code, i.severity.value, i.message, i.pointer, i.line, i.column, fix))
    return out


def _both(monkeypatch: pytest.MonkeyPatch, paths: list[str], hpo: Any, profile: str) -> tuple[list[Any], list[Any]]:
    cfg = engine_config(Options(profile=profile))
    monkeypatch.delenv(REFERENCE_WALK, raising=False)
    generated = Engine(cfg, hpo=hpo)
    assert not generated.reference
    monkeypatch.setenv(REFERENCE_WALK, "1")
    reference = Engine(cfg, hpo=hpo)
    assert reference.reference
    monkeypatch.delenv(REFERENCE_WALK)
    return _rows(run_engine(generated, paths)), _rows(run_engine(reference, paths))


def _tree_both_walks(monkeypatch: pytest.MonkeyPatch, doc: dict[str, Any]) -> list[list[tuple[Any, ...]]]:
    """(code, message, pointer) of a tree's findings with every default rule: generated walk, then reference."""
    import copy

    from phenotk.io.readers import document_from_tree

    rows = []
    for reference in ("", "1"):
        monkeypatch.setenv(REFERENCE_WALK, reference)
        result = Engine(engine_config(Options())).check_document(document_from_tree(copy.deepcopy(doc)))
        rows.append([(i.code, i.message, i.pointer) for i in result.issues])
    monkeypatch.delenv(REFERENCE_WALK)
    return rows


def test_reference_walk_is_interpreted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REFERENCE_WALK, "1")
    engine = Engine(engine_config(Options()))
    names = {fn.__code__.co_filename for fn in engine._walkers.values()}
    assert not any(n.startswith("<phenotk walker") for n in names)
    assert names == {str(Path(engine._walkers["Phenopacket"].__code__.co_filename))}


@pytest.mark.parametrize("profile", ["default", "rare-disease"])
def test_generated_walk_equals_reference_on_the_store(
    monkeypatch: pytest.MonkeyPatch, store_files: list[Path], shared_data: Path, hpo_index: Any, profile: str
) -> None:
    paths = [str(p) for p in store_files[::5]] + sorted(str(p) for p in (shared_data / "v2-examples").glob("*.json"))
    generated, reference = _both(monkeypatch, paths, hpo_index, profile)
    assert len(generated) > 500  # the sample has findings to compare (labels, recommended fields, time …)
    assert generated == reference


@pytest.mark.parametrize(("rule", "case"), _load_cases())
def test_generated_walk_equals_reference_on_rule_cases(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, request: pytest.FixtureRequest, rule: str, case: dict[str, Any]
) -> None:
    hpo = request.getfixturevalue("hpo_index") if case.get("hpo") else None

    def findings() -> list[Any]:
        found = run_case(rule, case, tmp_path, hpo)
        return [(d, i.code, i.severity, i.message, i.pointer, i.line, i.column, i.fix) for d, i in found]

    monkeypatch.delenv(REFERENCE_WALK, raising=False)
    generated = findings()
    monkeypatch.setenv(REFERENCE_WALK, "1")
    assert findings() == generated


#: a phenopacket whose types without rules or message fields (Resource, VcfRecord, Expression) hold wrong
#: values: their generated walkers build their node only for the hook call, which must see what the
#: reference walk's node holds (pointer, parent)
HOSTILE: dict[str, Any] = {
    "id": "p1",
    "subject": {"id": "s1", "sex": "NOT_A_SEX", "timeAtLastEncounter": {"age": {"iso8601duration": 5}}},
    "phenotypicFeatures": [{"type": {"id": "HP:0001250", "label": "Seizure"}, "onset": "soon"}, 7],
    "interpretations": [
        {
            "id": "i1",
            "progressStatus": "SOLVED",
            "diagnosis": {
                "disease": {"id": "OMIM:1", "label": "x"},
                "genomicInterpretations": [
                    {
                        "subjectOrBiosampleId": "s1",
                        "interpretationStatus": "CAUSATIVE",
                        "variantInterpretation": {
                            "variationDescriptor": {
                                "id": "v1",
                                "expressions": [{"syntax": 1, "value": "c.1A>G", "colour": "red"}, "hgvs"],
                                "vcfRecord": {"genomeAssembly": "hg38", "pos": "12", "ref": ["A"], "alt": None},
                            }
                        },
                    }
                ],
            },
        }
    ],
    "metaData": {
        "created": 2024,
        "createdBy": "x",
        "phenopacketSchemaVersion": "2.0",
        "resources": [{"id": "hp", "version": 3, "extra": True}, "hp", {"id": "x", "name": None}],
    },
}


@pytest.mark.parametrize(
    "select",
    [None, [], ["schema-type"], ["schema-required"], ["schema-enum"], ["schema-unknown-field"], ["time"], ["meta"]],
)
def test_generated_walk_equals_reference_with_few_rules(
    monkeypatch: pytest.MonkeyPatch, store_files: list[Path], tmp_path: Path, select: list[str] | None
) -> None:
    """Fields and types no rule or hook of the run looks at are not walked, lazy nodes are built for hooks:
    the findings stay the reference walk's, with every rule, with none and with one group or hook."""
    import dataclasses
    import json

    hostile = tmp_path / "hostile.json"
    hostile.write_text(json.dumps(HOSTILE, indent=2), encoding="utf-8")
    paths = [str(hostile)] + [str(p) for p in store_files[::40]]
    cfg = engine_config(Options(select=select or None))
    if select == []:
        cfg = dataclasses.replace(cfg, rules=())
    rows = []
    for reference in ("", "1"):
        monkeypatch.setenv(REFERENCE_WALK, reference)
        rows.append(_rows(run_engine(Engine(cfg), paths)))
    monkeypatch.delenv(REFERENCE_WALK)
    assert rows[0] == rows[1]
    if select is None or select[:1] in (["schema-type"], ["schema-required"], ["schema-unknown-field"]):
        assert any(r[0] == str(hostile) for r in rows[0])  # the hostile document has findings to compare


def test_a_run_with_no_rule_walks_nothing_below_the_root() -> None:
    """No rule and no hook: the root's walker builds no child walker (no type of the document is looked at)."""
    import copy
    import dataclasses

    from phenotk.io.readers import document_from_tree

    engine = Engine(dataclasses.replace(engine_config(Options()), rules=()))
    result = engine.check_document(document_from_tree(copy.deepcopy(HOSTILE)))
    assert result.issues == []
    built = {name for name, fn in engine._walkers.items() if fn.__code__.co_filename.startswith("<phenotk walker")}
    assert built == {"Phenopacket"}


class _Text(str):
    """A string subclass: JSON text writes it like a string, the wrong-type hook does not take it for one."""

    __slots__ = ()


def test_remembered_resource_lists_give_the_reference_walks_findings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A resource list seen clean is not walked again (its JSON text is remembered), but only when its document
    was parsed from JSON text: the same text from a dict holding a ``str`` subclass, a list with a finding in
    any document, or a list with a null are walked every time. Findings equal the reference walk's."""
    import copy
    import json

    from phenotk.io.readers import document_from_tree

    clean = [{"id": "hp", "name": "HPO", "url": "u", "version": "1", "namespacePrefix": "HP", "iriPrefix": "i"}]
    bad = [{"id": "hp", "version": 3, "colour": "red"}, "hp"]
    nulls = [{"id": "hp", "name": None, "url": "u", "version": "1", "namespacePrefix": "HP", "iriPrefix": "i"}]
    paths = []
    for n, resources in enumerate([clean, bad, clean, bad, nulls, nulls, clean]):
        doc = copy.deepcopy(HOSTILE)
        doc["metaData"]["resources"] = resources
        path = tmp_path / f"p{n}.json"
        path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
        paths.append(str(path))
    subclassed = copy.deepcopy(HOSTILE)
    subclassed["metaData"]["resources"] = [{k: _Text(v) for k, v in r.items()} for r in clean]
    rows = []
    for reference in ("", "1"):
        monkeypatch.setenv(REFERENCE_WALK, reference)
        engine = Engine(engine_config(Options()))
        found = _rows(run_engine(engine, paths))
        result = engine.check_document(document_from_tree(copy.deepcopy(subclassed)))
        found += [(i.code, i.message, i.pointer) for i in result.issues]
        rows.append(found)
        if not reference:
            env = engine._walkers["MetaData"].__globals__
            memos = [v for k, v in env.items() if k.endswith("_fs_resources_clean")]
            assert memos == [{json.dumps(clean, separators=(",", ":")).encode()}]  # only the clean list is remembered
    monkeypatch.delenv(REFERENCE_WALK)
    assert rows[0] == rows[1]
    per_file = {p: [r for r in rows[0] if r[0] == p and r[1].startswith("SCH") and "/resources" in r[4]] for p in paths}
    assert [bool(per_file[p]) for p in paths] == [False, True, False, True, False, False, False]
    subclass_rows = [r for r in rows[0] if len(r) == 3 and r[0] == "SCH003" and "/resources/0/" in r[2]]
    assert len(subclass_rows) == len(clean[0])  # each str subclass value is a wrong type, though its text is clean


def test_oneof_hook_is_called_for_messages_with_two_member_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The generated walk calls the oneof role's check only for a message with two or more member keys (camelCase
    and snake_case of one member count twice, a null member counts): the reference walk, which calls it for every
    message of its types, finds the same."""
    import copy

    age = {"iso8601duration": "P2Y"}
    onset = {"id": "HP:0003577", "label": "Congenital onset"}
    doc = copy.deepcopy(HOSTILE)
    doc["phenotypicFeatures"] = [
        {"type": {"id": "HP:0001250", "label": "Seizure"}, "onset": onset_value}
        for onset_value in (
            {"age": age},
            {"age": age, "ontologyClass": onset},
            {"ontologyClass": onset, "ontology_class": onset},
            {"age": None, "ontologyClass": onset},
            {"age": age, "description": "x"},
            {},
        )
    ]
    gi = doc["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]
    gi["gene"] = {"valueId": "HGNC:1", "symbol": "A"}
    rows = _tree_both_walks(monkeypatch, doc)
    assert rows[0] == rows[1]
    oneof = sorted(r[2] for r in rows[0] if r[0] == "SCH005")
    assert oneof == [
        "/interpretations/0/diagnosis/genomicInterpretations/0/variantInterpretation",
        "/phenotypicFeatures/1/onset/ontologyClass",
        "/phenotypicFeatures/2/onset/ontology_class",
    ]


def test_inlined_ontology_class_walk_gives_the_reference_walks_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Callers of the OntologyClass and Expression walkers run their first steps themselves (node, batch lists,
    the all-present shortcut) and call the rest otherwise: hostile classes in every kind of position and hostile
    expressions give the reference walk's findings, and the batch rules see the same nodes."""
    import copy

    classes: list[Any] = [
        {"id": "HP:0001250", "label": "Seizure"},
        {"id": "HP:0001250"},
        {"label": "Seizure"},
        {"id": "HP:0001250", "label": ""},
        {"id": 7, "label": "Seizure"},
        {"id": "HP:0001250", "label": _Text("Seizure")},
        {"id": "HP:0001250", "label": "Seizure", "colour": "red"},
        {"id": "HP:0001250", "lable": "Seizure"},
        {},
    ]
    doc = copy.deepcopy(HOSTILE)
    doc["phenotypicFeatures"] = [{"type": c, "severity": c, "modifiers": [c, c]} for c in classes]
    expressions: list[Any] = [
        {"syntax": "hgvs.c", "value": "c.1A>G"},
        {"syntax": "hgvs.c"},
        {"syntax": "hgvs.c", "value": ""},
        {"syntax": 1, "value": "c.1A>G"},
        {"syntax": "hgvs.c", "value": "c.1A>G", "version": "1"},
        {"syntax": "hgvs.c", "value": _Text("c.1A>G")},
    ]
    vd = doc["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]["variantInterpretation"]
    vd["variationDescriptor"]["expressions"] = expressions
    rows = _tree_both_walks(monkeypatch, doc)
    assert rows[0] == rows[1]
    schema = {(r[0], r[2]) for r in rows[0] if r[0].startswith("SCH")}
    for where in ("type", "severity", "modifiers/1"):
        assert ("SCH002", f"/phenotypicFeatures/1/{where}/label") in schema
        assert ("SCH002", f"/phenotypicFeatures/3/{where}/label") in schema
        assert ("SCH003", f"/phenotypicFeatures/4/{where}/id") in schema
        assert ("SCH003", f"/phenotypicFeatures/5/{where}/label") in schema
        assert ("SCH001", f"/phenotypicFeatures/6/{where}/colour") in schema
        assert not any(p.startswith(f"/phenotypicFeatures/0/{where}") for _, p in schema)
    at = "/interpretations/0/diagnosis/genomicInterpretations/0/variantInterpretation/variationDescriptor/expressions"
    assert {p[len(at) :] for _, p in schema if p.startswith(at)} == {"/1/value", "/2/value", "/3/syntax", "/5/value"}


def test_hot_feature_shortcut_gives_the_reference_walks_findings_and_nodes(
    monkeypatch: pytest.MonkeyPatch, hpo_index: Any
) -> None:
    """Callers of the PhenotypicFeature walker do its work themselves for a feature that is just a valid type and
    ``excluded`` (codegen ``_HOT``): hostile features give the reference walk's findings, and every batch rule's
    node list holds the same nodes, in the same order, as in the reference walk."""
    import copy

    from phenotk.io.readers import document_from_tree

    seizure = {"id": "HP:0001250", "label": "Seizure"}
    features: list[Any] = [
        {"type": seizure},
        {"type": seizure, "excluded": True},
        {"excluded": False, "type": seizure},
        {"type": seizure, "excluded": None},
        {"type": seizure, "excluded": "yes"},
        {"type": seizure, "excluded": 1},
        {"type": {"id": "HP:0001250"}, "excluded": True},
        {"type": {"id": "HP:0001250", "label": ""}},
        {"type": {"id": "HP:0001250", "label": _Text("Seizure")}},
        {"type": {"id": "HP:0001250", "lable": "Seizure"}},
        {"type": {"id": "HP:0001250", "label": "Seizure", "colour": "red"}},
        {"type": {}},
        {"type": None},
        {"type": "HP:0001250"},
        {"excluded": True},
        {},
        {"type": seizure, "description": "a fit"},
        {"type": seizure, "excludd": True},
        {"type": seizure, "severity": seizure},
        {"type": seizure, "onset": {"age": {"iso8601duration": "P1Y"}}},
    ]
    doc = copy.deepcopy(HOSTILE)
    doc["phenotypicFeatures"] = features
    doc["biosamples"] = [{"id": "b1", "phenotypicFeatures": copy.deepcopy(features)}]
    rows = _tree_both_walks(monkeypatch, doc)
    assert rows[0] == rows[1]
    pointers = {r[2] for r in rows[0] if r[0].startswith("SCH")}
    assert "/phenotypicFeatures/4/excluded" in pointers and "/biosamples/0/phenotypicFeatures/5/excluded" in pointers
    assert not any(p.startswith(("/phenotypicFeatures/0", "/phenotypicFeatures/1/")) for p in pointers)
    lists = []
    for reference in ("", "1"):
        monkeypatch.setenv(REFERENCE_WALK, reference)
        engine = Engine(engine_config(Options()), hpo=hpo_index)  # the HPO rules batch PhenotypicFeature nodes
        engine.check_document(document_from_tree(copy.deepcopy(doc)))
        lists.append([[(n[1], n[2], n[4], n[3][2]) for n in nodes] for nodes in engine._batch_lists])
    monkeypatch.delenv(REFERENCE_WALK)
    assert lists[0] == lists[1]
    assert any(("PhenotypicFeature", "/phenotypicFeatures/1", "phenotypicFeatures", "") in nodes for nodes in lists[0])
