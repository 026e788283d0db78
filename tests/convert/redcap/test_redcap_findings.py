"""REDCap findings are catalogued: RC001–RC014 in redcap/findings.py with doc pages, and every finding a
conversion of the shared REDCap corpora or the mini fixtures emits is a catalogued (code, name) pair."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from phenotk import catalog
from phenotk.conversion.redcap import FINDINGS, convert_export
from phenotk.conversion.redcap.findings import RENAMED

SRC = Path(__file__).resolve().parents[3] / "src" / "phenotk" / "conversion" / "redcap"


def test_finding_docs_have_every_section() -> None:
    assert [ft.code for ft in FINDINGS] == [f"RC{n:03d}" for n in range(1, 15)]
    for ft in FINDINGS:
        for section in ("What it means:", "Why:", "Example:", "What to do:"):
            assert section in ft.doc, (ft.code, section)
        assert catalog.get(ft.code) == ft and catalog.get(ft.name) == ft
    assert {k: v.code for k, v in RENAMED.items()} == {"map-unmapped-column": "RC001", "map-bad-cell": "RC002"}


def _all(result: Any) -> set[tuple[str, str]]:
    return {(i.code, i.rule) for i in result.all_issues}


def test_every_finding_is_catalogued(rarelink: Any, erker: Any, convert_pheno: Any, mini_dir: Path) -> None:
    seen = _all(rarelink) | _all(erker) | _all(convert_pheno)
    for dictionary in ("mini_dictionary.csv", "dictionary_problems.csv", None):
        path = mini_dir / dictionary if dictionary else None
        seen |= _all(convert_export(mini_dir / "mini_export.csv", mini_dir / "mini_mapping.yaml", dictionary=path))
    assert [pair for pair in sorted(seen) if not catalog.is_catalogued(*pair)] == []
    # the walk reaches REDCap findings of the export, the dictionary and the renamed table findings
    assert {"RC002", "RC003", "RC005", "RC006", "RC007", "RC008"} <= {code for code, _ in seen}


def _imports(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.append("." * node.level + node.module)
        elif isinstance(node, ast.Import):
            out += [alias.name for alias in node.names]
    return out


@pytest.mark.parametrize("path", sorted(SRC.glob("*.py")), ids=lambda p: p.name)
def test_redcap_uses_only_the_public_face_of_table(path: Path) -> None:
    """The REDCap package imports the table converter as ``phenotk.conversion.table`` only, never its modules."""
    internal = ("phenotk.conversion.table.", "..table.", "phenotk.conversion.template", "..template")
    assert [m for m in _imports(path) if m.startswith(internal)] == []
