"""The one finding catalog: every code any command emits is declared once, documented and explainable."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import phenotk
from phenotk import catalog
from phenotk.cli.app import app
from phenotk.issue import FindingType

SRC = Path(__file__).resolve().parents[1] / "src" / "phenotk"
CODE_RE = re.compile(r"^[A-Z]{2,5}\d{3}$")
SECTIONS = ("What it means:", "Why:", "Example:", "What to do:")


def test_one_code_one_name() -> None:
    entries = catalog.entries()  # raises on a code with two names or a name with two codes
    assert len({e.code for e in entries}) == len(entries) == len({e.name for e in entries})
    aliases = [a for e in entries for a in e.aliases]
    assert len(aliases) == len(set(aliases)) and not set(aliases) & {e.code for e in entries}


def test_every_converter_finding_has_a_doc_page() -> None:
    validation = {r.code for r in __import__("phenotk.validation.registry", fromlist=["x"]).rule_classes()}
    for entry in catalog.entries():
        if entry.code in validation:
            continue  # rule docstrings are checked by the rule-contract tests
        missing = [s for s in SECTIONS if s not in entry.doc]
        assert not missing, f"{entry.code} {entry.name}: doc lacks {missing}"
        assert entry.summary.strip() and entry.name == entry.name.lower() and " " not in entry.name


def test_each_format_package_declares_its_findings() -> None:
    for module in catalog.FINDING_MODULES:
        mod = __import__(module, fromlist=["FINDINGS"])
        assert mod.FINDINGS and all(isinstance(f, FindingType) for f in mod.FINDINGS), module


def _literal_codes(tree: ast.AST) -> list[tuple[int, str]]:
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE_RE.match(node.value)
    ]


def test_no_uncatalogued_code_in_the_source() -> None:
    """A finding code written anywhere in src/ must be catalogued (as a code or a retired alias)."""
    unknown = []
    for path in SRC.rglob("*.py"):
        for line, code in _literal_codes(ast.parse(path.read_text(encoding="utf-8"))):
            if code.startswith(("HP", "PMID")) or catalog.get(code) is not None:
                continue
            unknown.append(f"{path.relative_to(SRC)}:{line}: {code}")
    assert not unknown, "\n".join(unknown)


def test_literal_issue_pairs_are_catalogued() -> None:
    """``Issue("CODE", "name", …)`` calls with literals name a catalogued pair."""
    wrong = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "Issue"):
                continue
            args = [a.value if isinstance(a, ast.Constant) else None for a in node.args[:2]]
            kw = {k.arg: k.value.value for k in node.keywords if isinstance(k.value, ast.Constant)}
            padded = [*args, None, None]
            code, name = padded[0] or kw.get("code"), padded[1] or kw.get("rule")
            if isinstance(code, str) and isinstance(name, str) and not catalog.is_catalogued(code, name):
                wrong.append(f"{path.relative_to(SRC)}:{node.lineno}: {code} {name}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("key", ["map-bad-cell", "MAP002", "TPL001", "tpl001", "SCH001", "input-unreadable"])
def test_explain_any_code_name_or_alias(key: str) -> None:
    result = CliRunner().invoke(app, ["explain", key])
    assert result.exit_code == 0, result.output
    entry = catalog.get(key)
    assert entry is not None and result.output.startswith(f"{entry.code} {entry.name}")


def test_explain_every_catalogued_code() -> None:
    for entry in catalog.entries():
        for key in (entry.code, entry.name, *entry.aliases):
            assert catalog.resolve(key) is entry


def test_explain_unknown_suggests() -> None:
    from phenotk.errors import UsageError

    result = CliRunner().invoke(app, ["explain", "map-bad-cel"])
    assert isinstance(result.exception, UsageError)  # the CLI's main() turns it into one line + exit 2
    assert "did you mean 'map-bad-cell'" in str(result.exception)


def test_rules_all_lists_converter_findings() -> None:
    plain = CliRunner().invoke(app, ["rules"]).output
    full = CliRunner().invoke(app, ["rules", "--all"]).output
    assert "MAP002" not in plain and "MAP002" in full and "SCH001" in full
    assert len(full.splitlines()) == len(catalog.entries())


def _emitted(report: phenotk.Report) -> set[tuple[str, str]]:
    return {(i.code, i.rule) for i in report.issues}


def test_findings_emitted_on_real_corpora_are_catalogued(shared_data: Path, hpo_dir: Path) -> None:
    """Convert every real corpus we have; every (code, name) any converter or the validator emits is catalogued."""
    hpo = phenotk.load_hpo(hpo_dir / "hp.json")
    seen: set[tuple[str, str]] = set()
    for folder, extra in (
        (shared_data / "templates" / "FBN1", {}),
        (shared_data / "fhir", {"from_": "fhir"}),
        (shared_data / "v1", {"from_": "v1"}),
        (shared_data / "beacon" / "convert-pheno" / "bff2pxf_in_individuals.json", {"from_": "beacon"}),
        (shared_data / "v2-examples", {}),
    ):
        conv = phenotk.convert(folder, hpo=hpo, **extra)  # type: ignore[arg-type]
        conv.messages()
        seen |= _emitted(conv.report)
    assert len(seen) > 10
    unknown = sorted(pair for pair in seen if not catalog.is_catalogued(*pair))
    assert not unknown, unknown
