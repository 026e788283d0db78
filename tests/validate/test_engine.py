"""Engine contract: relative → absolute pointers and fixes, dispatch, crash isolation, HPO skipping, profiles."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

from phenotk.io.readers import document_from_tree
from phenotk.issue import Fix, PatchOp, Severity
from phenotk.validation.config import Options, engine_config
from phenotk.validation.engine import Engine, EngineConfig
from phenotk.validation.rule import Context, Node, Rule, Violation

from .conftest import BASE_FAMILY, BASE_PHENOPACKET


class _FeatureRule(Rule):
    """Test rule.

    What it checks
    --------------
    x
    """

    code = "TST001"
    name = "test-feature"
    severity = Severity.WARNING
    targets: ClassVar[tuple[str, ...]] = ("PhenotypicFeature",)
    seen: ClassVar[list[str]] = []

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        self.seen.append(node.pointer)
        yield self.violation("feature seen", "type", "id", fix=self.replace("/type/label", "X", safe=False))


class _Crash(Rule):
    code = "TST002"
    name = "test-crash"
    targets: ClassVar[tuple[str, ...]] = ("OntologyClass",)

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        raise ZeroDivisionError("boom")


class _NeedsHpo(Rule):
    code = "TST003"
    name = "test-hpo"
    requires_hpo = True
    targets: ClassVar[tuple[str, ...]] = ("OntologyClass",)


class _End(Rule):
    code = "TST004"
    name = "test-end"
    targets: ClassVar[tuple[str, ...]] = ("OntologyClass",)

    def check(self, node: Node, ctx: Context) -> tuple[()]:
        ctx.state["n"] = ctx.state.get("n", 0) + 1
        return ()

    def end_document(self, root: Node, ctx: Context) -> Iterator[Violation]:
        yield self.violation(f"{ctx.state['n']} classes", "metaData")


def _check(doc: dict[str, Any], *rules: type[Rule], hpo: Any = None, **cfg: Any) -> Any:
    engine = Engine(EngineConfig(rules=rules, **cfg), hpo=hpo)
    return engine, engine.check_document(document_from_tree(copy.deepcopy(doc)))


def test_relative_paths_and_fixes_become_absolute() -> None:
    _FeatureRule.seen.clear()
    _, res = _check(BASE_PHENOPACKET, _FeatureRule)
    assert _FeatureRule.seen == ["/phenotypicFeatures/0", "/phenotypicFeatures/1"]
    assert [i.pointer for i in res.issues] == ["/phenotypicFeatures/0/type/id", "/phenotypicFeatures/1/type/id"]
    fix = res.issues[0].fix
    assert fix == Fix((PatchOp("replace", "/phenotypicFeatures/0/type/label", "X"),), safe=False)
    assert res.issues[0].severity is Severity.WARNING and res.issues[0].code == "TST001"


def test_nested_phenopackets_of_a_family_are_walked() -> None:
    _FeatureRule.seen.clear()
    _check(BASE_FAMILY, _FeatureRule)
    assert "/proband/phenotypicFeatures/1" in _FeatureRule.seen
    assert "/relatives/0/phenotypicFeatures/0" in _FeatureRule.seen


def test_crashing_rule_is_reported_and_run_continues() -> None:
    _, res = _check(BASE_PHENOPACKET, _Crash, _FeatureRule)
    crashes = [i for i in res.issues if i.rule == "internal-error"]
    assert crashes and "ZeroDivisionError" in crashes[0].message and "test-crash" in crashes[0].message
    assert any(i.rule == "test-feature" for i in res.issues)


def test_hpo_rules_are_skipped_with_a_note() -> None:
    engine, _ = _check(BASE_PHENOPACKET, _NeedsHpo)
    assert "test-hpo" not in engine.enabled
    assert engine.notes and engine.notes[0].startswith("HPO checks skipped")
    engine, _ = _check(BASE_PHENOPACKET, _NeedsHpo, hpo=object())
    assert "test-hpo" in engine.enabled and not engine.notes


def test_end_document_sees_per_document_state() -> None:
    engine = Engine(EngineConfig(rules=(_End,)))
    for _ in range(2):  # state is reset between documents
        res = engine.check_document(document_from_tree(copy.deepcopy(BASE_PHENOPACKET)))
        assert [i.message for i in res.issues] == ["4 classes"]  # 2 feature types, disease term, diagnosis disease
        assert res.issues[0].pointer == "/metaData"


def test_strict_profile_turns_warnings_into_errors() -> None:
    _, res = _check(BASE_PHENOPACKET, _FeatureRule, warnings_as_errors=True)
    assert {i.severity for i in res.issues} == {Severity.ERROR}


def test_severity_override_and_violation_severity() -> None:
    _, res = _check(BASE_PHENOPACKET, _FeatureRule, severity={"test-feature": Severity.INFO})
    assert {i.severity for i in res.issues} == {Severity.INFO}


def test_snake_case_input_is_walked_like_camel_case() -> None:
    doc = copy.deepcopy(BASE_PHENOPACKET)
    doc["phenotypic_features"] = doc.pop("phenotypicFeatures")
    doc["meta_data"] = doc.pop("metaData")
    _FeatureRule.seen.clear()
    cfg = engine_config(Options())
    engine = Engine(cfg)
    res = engine.check_document(document_from_tree(doc))
    assert [i for i in res.issues if i.severity is not Severity.INFO] == []
    e2 = Engine(EngineConfig(rules=(_FeatureRule,)))
    e2.check_document(document_from_tree(doc))
    assert _FeatureRule.seen == ["/phenotypic_features/0", "/phenotypic_features/1"]


def test_default_run_of_the_base_documents_is_clean() -> None:
    engine = Engine(engine_config(Options(profile="rare-disease")))
    for base in (BASE_PHENOPACKET, BASE_FAMILY):
        res = engine.check_document(document_from_tree(copy.deepcopy(base)))
        assert res.issues == [], res.issues


def test_fail_fast_stops_after_first_failing_document() -> None:
    bad = copy.deepcopy(BASE_PHENOPACKET)
    bad["subject"]["sex"] = "male"
    docs = [document_from_tree(copy.deepcopy(bad)) for _ in range(3)]
    lazy = list(Engine(engine_config(Options())).run(docs))
    fast = list(Engine(engine_config(Options(fail_fast=True))).run(docs))
    assert len(lazy) == 3 and len(fast) == 1


@pytest.mark.parametrize("value", ["ab/c", "x~y"])
def test_unknown_keys_are_escaped(value: str) -> None:
    doc = copy.deepcopy(BASE_PHENOPACKET)
    doc["subject"][value] = 1
    engine = Engine(engine_config(Options(select=["schema-unknown-field"])))
    res = engine.check_document(document_from_tree(doc))
    assert [i.pointer for i in res.issues] == ["/subject/" + value.replace("~", "~0").replace("/", "~1")]


def test_long_lists_get_exact_item_pointers() -> None:
    """Item pointers come from precomputed suffixes up to 4,096 items and are numbered beyond."""
    doc = copy.deepcopy(BASE_PHENOPACKET)
    feature = {"type": {"id": "HP:0001250", "label": "Seizure"}}
    doc["phenotypicFeatures"] = [copy.deepcopy(feature) for _ in range(5000)]
    doc["phenotypicFeatures"][4095]["typo"] = 1
    doc["phenotypicFeatures"][4999]["type"]["lable"] = "x"
    doc["phenotypicFeatures"][4096] = "not an object"
    rules = tuple(r for r in engine_config(Options()).rules if r.name in ("schema-unknown-field", "schema-type"))
    _, res = _check(doc, *rules)
    pointers = sorted(i.pointer for i in res.issues)
    assert pointers == [
        "/phenotypicFeatures/4095/typo",
        "/phenotypicFeatures/4096",
        "/phenotypicFeatures/4999/type/lable",
    ]


class _Root(Rule):
    code = "TST005"
    name = "test-root"
    targets: ClassVar[tuple[str, ...]] = ()

    def end_document(self, root: Node, ctx: Context) -> Iterator[Violation]:
        yield self.violation("about the whole document")


@pytest.mark.parametrize(
    ("prefix", "indent", "where"),
    [("", 2, (1, 1)), ("\n\n  ", 2, (3, 3)), ("\r\n\t", None, (2, 2)), ("\n", 4, (2, 1))],
)
def test_document_level_findings_are_placed_at_the_root(prefix: str, indent: int | None, where: tuple) -> None:
    import json

    text = prefix + json.dumps(BASE_PHENOPACKET, indent=indent)
    engine = Engine(EngineConfig(rules=(_Root,)))
    res = engine.check_document(document_from_tree(json.loads(text), text=text))
    assert [(i.line, i.column) for i in res.issues] == [where]
