"""Data-driven rule tests: every ``cases/<rule-name>.yaml`` (also those added later for new rules).

A case file::

    rule: time-iso8601
    cases:
      - name: lower-case duration
        base: phenopacket            # phenopacket | family | cohort (default phenopacket), or a real file of
                                     # the shared data: store:GENE/FILE.json | v2:FILE.json (skipped without it)
        # document: {...}            # a whole document, or documents: [{...}, {...}], or text: "raw file"
        patch:                       # JSON Patch ops applied to the base / document
          - {op: replace, path: /subject/timeAtLastEncounter/age/iso8601duration, value: p6y}
        hpo: true                    # run with the shared HPO index (skipped when unavailable)
        profile: rare-disease        # optional; also: require: {a JSON Schema}, select: [...], severity: {...}
        annotations: true            # run with the shared phenotype.hpoa as ``annotations`` (needs the shared data)
        expect:                      # findings of THIS rule, exactly (empty list = must pass)
          - pointer: /subject/timeAtLastEncounter/age/iso8601duration
            severity: error          # optional
            message: not an ISO 8601 # optional substring
            line: 5                  # optional (documents are written as indented JSON)
            doc: 0                   # optional index into documents
            fix: {safe: true, value: P6Y}   # optional: first patch op of the fix (fix: null = no fix)

Only findings of the case's rule (and internal-error: the rule crashed) are compared, so a case does not break
when other rules change.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from phenotk.validation.config import Options, engine_config
from phenotk.validation.registry import rule_classes, rules_by_name
from phenotk.validation.runner import run

from .conftest import BASES

CASES_DIR = Path(__file__).resolve().parent / "cases"


def _load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        rule = data["rule"]
        for i, case in enumerate(data["cases"]):
            name = case.get("name", str(i))
            params.append(pytest.param(rule, case, id=f"{rule}::{name}"))
    return params


def _tokens(pointer: str) -> list[str]:
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]] if pointer else []


def apply_patch(doc: Any, ops: list[dict[str, Any]]) -> Any:
    """Minimal RFC 6902 (add, replace, remove, move, copy) for building case documents."""
    doc = copy.deepcopy(doc)
    for op in ops:
        kind, path = op["op"], op["path"]
        if kind in ("move", "copy"):
            src = _tokens(op["from"])
            parent = doc
            for t in src[:-1]:
                parent = parent[int(t) if isinstance(parent, list) else t]
            last = src[-1]
            value = parent[int(last)] if isinstance(parent, list) else parent[last]
            if kind == "move":
                del parent[int(last) if isinstance(parent, list) else last]
            ops_tail = [{"op": "add", "path": path, "value": copy.deepcopy(value)}]
            doc = apply_patch(doc, ops_tail)
            continue
        tokens = _tokens(path)
        if not tokens:
            doc = copy.deepcopy(op["value"])
            continue
        parent = doc
        for t in tokens[:-1]:
            parent = parent[int(t) if isinstance(parent, list) else t]
        last = tokens[-1]
        if isinstance(parent, list):
            if kind == "add":
                parent.insert(len(parent) if last == "-" else int(last), copy.deepcopy(op["value"]))
            elif kind == "replace":
                parent[int(last)] = copy.deepcopy(op["value"])
            else:
                del parent[int(last)]
        elif kind == "remove":
            del parent[last]
        else:
            parent[last] = copy.deepcopy(op["value"])
    return doc


def _shared(shared: Path | None) -> Path:
    """The shared data folder: the fixture's, or (callers without it, e.g. the reference-walk test) where
    tests/conftest.py looks; skips when absent."""
    if shared is not None:
        return shared
    import os

    env = os.environ.get("PHENOTK_SHARED_DATA")
    found = Path(env) if env else Path(__file__).resolve().parents[3] / "shared" / "data"
    if not (found / "phenopacket-store").is_dir():
        pytest.skip("shared data not found")
    return found


def _base(name: str, shared: Path | None) -> Any:
    """A synthetic base document, or a real one from the shared data (``store:GENE/FILE.json``, ``v2:FILE``)."""
    if name in BASES:
        return BASES[name]
    shared = _shared(shared)
    folder, _, rel = name.partition(":")
    root = {"store": "phenopacket-store", "v2": "v2-examples"}[folder]
    return json.loads((shared / root / rel).read_text(encoding="utf-8"))


def run_case(
    rule: str, case: dict[str, Any], tmp_path: Path, hpo: Any = None, shared: Path | None = None
) -> list[tuple[int, Any]]:
    """Write the case's documents to files, validate them with the rule selected; (doc index, issue) pairs."""
    paths: list[str] = []
    if "text" in case:
        p = tmp_path / case.get("filename", "doc0.json")
        p.write_bytes(case["text"].encode("utf-8") if isinstance(case["text"], str) else case["text"])
        paths.append(str(p))
    else:
        if "documents" in case:
            docs = case["documents"]
        elif "document" in case:
            docs = [case["document"]]
        else:
            docs = [_base(case.get("base", "phenopacket"), shared)]
        docs = [
            apply_patch(d, case.get("patch", [])) if i == 0 or case.get("patch_all") else d for i, d in enumerate(docs)
        ]
        for i, d in enumerate(docs):
            p = tmp_path / f"doc{i}.json"
            p.write_text(json.dumps(d, indent=2, ensure_ascii=False), encoding="utf-8")
            paths.append(str(p))
    opts = Options(
        select=[rule, *case.get("select", [])],
        profile=case.get("profile", "default"),
        severity=case.get("severity", {}),
    )
    if case.get("annotations"):  # the shared phenotype.hpoa (modes of inheritance), as a config would name it
        opts.annotations = str(_shared(shared) / "hpo" / "phenotype.hpoa.gz")
    if "require" in case:
        schema = tmp_path / "schema.json"
        schema.write_text(json.dumps(case["require"]), encoding="utf-8")
        opts.require = [str(schema)]
    cfg = engine_config(opts)
    if "options" in case:  # per-rule options (e.g. organ_systems), as the CLI passes them to the engine
        cfg = dataclasses.replace(cfg, options={**cfg.options, **case["options"]})
    report = run(paths, cfg, hpo=hpo)
    index = {p: i for i, p in enumerate(paths)}
    # a crash of the rule (internal-error) is never expected: it shows up as an unexpected finding
    return [(index.get(r.path, 0), i) for r, i in report.iter_issues() if i.rule in (rule, "internal-error")]


@pytest.mark.parametrize(("rule", "case"), _load_cases())
def test_rule_case(rule: str, case: dict[str, Any], tmp_path: Path, request: pytest.FixtureRequest) -> None:
    assert rule in rules_by_name(), f"case file names unknown rule {rule!r}"
    hpo = request.getfixturevalue("hpo_index") if case.get("hpo") else None
    real = ":" in str(case.get("base", "")) or bool(case.get("annotations"))
    shared = request.getfixturevalue("shared_data") if real else None  # skipped without the shared data
    found = run_case(rule, case, tmp_path, hpo, shared)
    expected = case.get("expect", [])
    got = sorted((d, i.pointer) for d, i in found)
    want = sorted((e.get("doc", 0), e["pointer"]) for e in expected)
    assert got == want, "\n".join(f"{i.pointer}: {i.message}" for _, i in found) or "no findings"
    by_key: dict[tuple[int, str], list[Any]] = {}
    for d, i in found:
        by_key.setdefault((d, i.pointer), []).append(i)
    for e in expected:
        issue = by_key[(e.get("doc", 0), e["pointer"])].pop(0)
        if "severity" in e:
            assert issue.severity.value == e["severity"], issue
        if "message" in e:
            assert e["message"] in issue.message, issue.message
        if "line" in e:
            assert issue.line == e["line"], issue
        if "fix" in e and e["fix"] is None:  # ``fix: null``: the finding must come without a fix
            assert issue.fix is None, issue
        elif "fix" in e:
            assert issue.fix is not None, issue
            assert issue.fix.safe == e["fix"].get("safe", issue.fix.safe)
            if "value" in e["fix"]:
                assert issue.fix.ops[0].value == e["fix"]["value"]
            if "path" in e["fix"]:
                assert issue.fix.ops[0].path == e["fix"]["path"]


#: rules that no document can trigger, with the test that covers them instead
NO_CASES = {"internal-error": "tests/validate/test_engine.py::test_crashing_rule_is_reported"}
SECTIONS = ("What it checks", "Why", "Anti-pattern", "Fixed")


@pytest.mark.parametrize("rule", rule_classes(), ids=lambda r: r.name)
def test_rule_has_docs_and_cases(rule: Any) -> None:
    doc = rule.__doc__ or ""
    for section in SECTIONS:
        assert f"\n    {section}\n" in doc or f"\n{section}\n" in doc, f"{rule.name}: docstring lacks {section!r}"
    assert rule.summary(), f"{rule.name}: no summary line"
    assert rule.name == rule.name.lower() and " " not in rule.name and "_" not in rule.name
    if rule.name in NO_CASES:
        return
    path = CASES_DIR / f"{rule.name}.yaml"
    assert path.is_file(), f"{rule.name}: no {path.relative_to(CASES_DIR.parent.parent.parent)}"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["rule"] == rule.name
    cases = data["cases"]
    assert any(not c.get("expect") for c in cases), f"{rule.name}: no passing case"
    assert any(c.get("expect") for c in cases), f"{rule.name}: no failing case"
