"""Template findings are catalogued and the template package stands alone.

The template converters emit the shared tabular findings under their MAP codes (the old TPL001/002/005/008 are
aliases) and their own TPL003/004/006/007/009/010; ``--strict`` escalates what it escalated before; the one
content probe (:func:`is_pyphetools_template`) opens a workbook once per sniff; template imports neither the
table nor the REDCap package.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from phenotk import catalog
from phenotk.conversion import registry
from phenotk.conversion.base import ConvertOptions
from phenotk.conversion.template import is_pyphetools_template, sniff_template_file
from phenotk.conversion.template.cohort_json import PhetoolsJsonReader
from phenotk.conversion.template.cohort_json_writer import PhetoolsJsonWriter
from phenotk.conversion.template.findings import FINDINGS
from phenotk.conversion.template.xlsx import PyphetoolsXlsxReader
from phenotk.conversion.template.xlsx_writer import PyphetoolsXlsxWriter
from phenotk.issue import Severity

SRC = Path(__file__).resolve().parents[3] / "src" / "phenotk" / "conversion" / "template"
CREATED = "2025-01-01T00:00:00Z"


def test_finding_docs_have_every_section() -> None:
    assert [ft.code for ft in FINDINGS] == ["TPL003", "TPL004", "TPL006", "TPL007", "TPL009", "TPL010"]
    for ft in FINDINGS:
        for section in ("What it means:", "Why:", "Example:", "What to do:"):
            assert section in ft.doc, (ft.code, section)
        assert catalog.get(ft.code) == ft
    # the merged codes still resolve (explain, --ignore) to the one shared name
    assert {old: catalog.resolve(old).code for old in ("TPL001", "TPL002", "TPL005", "TPL008")} == {
        "TPL001": "MAP002",
        "TPL002": "MAP001",
        "TPL005": "MAP009",
        "TPL008": "MAP007",
    }


def test_every_finding_is_catalogued(
    cohort_jsons: list[Path], templates_dir: Path, hpo_index: Any, tmp_path: Path
) -> None:
    """Readers on a stratified sample of the store's tables (JSON and Excel, cleaned) and both writers."""
    seen: set[tuple[str, str]] = set()
    packets = []
    options = ConvertOptions(created=CREATED, ontology=hpo_index)
    for path in cohort_jsons[::20]:
        for item in PhetoolsJsonReader().read(path, options):
            seen |= {(i.code, i.rule) for i in item.issues}
            if item.message is not None:
                packets.append(item.message)
    clean = ConvertOptions(created=CREATED, ontology=hpo_index, extra={"clean": "pyphetools"})
    for path in sorted(templates_dir.glob("*/*_individuals.xlsx"))[::25]:
        for item in PyphetoolsXlsxReader().read(path, clean):
            seen |= {(i.code, i.rule) for i in item.issues}
    for writer, name in ((PhetoolsJsonWriter(), "x_individuals.json"), (PyphetoolsXlsxWriter(), "x_individuals.xlsx")):
        seen |= {(i.code, i.rule) for i in writer.write(packets, tmp_path / name, options)}
    assert [pair for pair in sorted(seen) if not catalog.is_catalogued(*pair)] == []
    assert {"MAP009", "MAP002", "TPL004", "TPL009"} <= {code for code, _ in seen}
    assert not any(code in ("TPL001", "TPL002", "TPL005", "TPL008") for code, _ in seen)


def test_strict_escalates_as_before(fixtures_dir: Path) -> None:
    """Problems of the input become errors under --strict; notes (not carried, newer term, clean-up) do not."""
    mini = fixtures_dir / "template" / "mini_individuals.json"
    items = list(PhetoolsJsonReader().read(mini, ConvertOptions(strict=True, created=CREATED)))
    by_rule = {(i.code, i.rule): i.severity for it in items for i in it.issues}
    assert by_rule[("MAP002", "map-bad-cell")] is Severity.ERROR
    assert by_rule[("MAP001", "map-unmapped-column")] is Severity.ERROR
    assert by_rule[("TPL004", "map-unmapped-value")] is Severity.ERROR  # info by default, escalated
    assert by_rule[("MAP009", "map-not-carried")] is Severity.INFO
    lenient = list(PhetoolsJsonReader().read(mini, ConvertOptions(created=CREATED)))
    assert {(i.rule, i.severity) for it in lenient for i in it.issues if i.rule == "map-unmapped-value"} == {
        ("map-unmapped-value", Severity.INFO)
    }


def test_one_probe_opens_a_workbook_once(templates_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    template = next(iter(sorted(templates_dir.glob("*/*_individuals.xlsx"))))
    first = next(openpyxl.load_workbook(template, read_only=True).active.iter_rows(max_row=1, values_only=True))
    assert is_pyphetools_template([first]) and is_pyphetools_template(first)
    assert not is_pyphetools_template([("PMID", "individual_id", "disease_id", "Seizure")])  # no HPO column
    assert not is_pyphetools_template([])
    opened: list[Path] = []
    real = openpyxl.load_workbook

    def counting(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", counting)
    assert sniff_template_file(template, template.read_bytes()[:8])
    assert len(opened) == 1
    opened.clear()
    assert registry.reader("template").sniff(template, template.read_bytes()[:8192])
    assert len(opened) == 1


def _imports(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.append("." * node.level + node.module)
        elif isinstance(node, ast.Import):
            out += [alias.name for alias in node.names]
    return out


@pytest.mark.parametrize("path", sorted(SRC.glob("*.py")), ids=lambda p: p.name)
def test_template_imports_no_other_format(path: Path) -> None:
    other = ("phenotk.conversion.table", "phenotk.conversion.redcap", "..table", "..redcap")
    assert [m for m in _imports(path) if m.startswith(other)] == []
