"""Existence, obsolete and label rules for non-HPO prefixes when their ontology is loaded (``--ontology``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from phenotk.fixes.run import build_engine
from phenotk.io.readers import document_from_tree

from ..conftest import BASE_PHENOPACKET


@pytest.fixture(scope="module")
def mondo(fixtures_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from phenotk.ontology import load_ontology

    return load_ontology(fixtures_dir / "fix" / "mini-mondo.obo", use_cache=False)


def findings(doc: dict[str, Any], engine: Any) -> list[tuple[str, str, str]]:
    res = engine.check_document(document_from_tree(doc))
    return sorted((i.rule, i.pointer, i.severity.value) for i in res.issues if i.rule.startswith("hpo-"))


def with_disease(curie: str, label: str) -> dict[str, Any]:
    import copy

    doc = copy.deepcopy(BASE_PHENOPACKET)
    doc["diseases"] = [{"term": {"id": curie, "label": label}}]
    return doc


def test_mondo_ids_checked_only_with_the_ontology(hpo_index: Any, mondo: Any) -> None:
    assert mondo.prefix == "MONDO" and mondo.version == "2025-01-01"
    plain = build_engine(hpo=hpo_index)
    loaded = build_engine(hpo=hpo_index, ontologies={"MONDO": mondo})
    alt = with_disease("MONDO:0000902", "test disease one")
    assert findings(alt, plain) == []
    assert findings(alt, loaded) == [("hpo-obsolete-term", "/diseases/0/term/id", "warning")]
    obsolete = with_disease("MONDO:0000003", "test disease two")
    res = loaded.check_document(document_from_tree(obsolete))
    (issue,) = [i for i in res.issues if i.rule == "hpo-obsolete-term"]
    assert "obsolete in MONDO 2025-01-01; replaced by 'test disease one' (MONDO:0000002)" in issue.message
    assert issue.fix is not None and issue.fix.safe and issue.fix.ops[0].value == "MONDO:0000002"
    stale = with_disease("MONDO:0000002", "Test disease 1")
    assert findings(stale, loaded) == [("hpo-label-mismatch", "/diseases/0/term/label", "warning")]
    absent = with_disease("MONDO:0000904", "whatever")
    assert findings(absent, loaded) == [("hpo-unknown-term", "/diseases/0/term/id", "warning")]
    assert findings(absent, plain) == []
