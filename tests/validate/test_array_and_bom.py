"""Real store packets wrapped in a top-level JSON array, or preceded by a UTF-8 byte order mark.

Array items are documents of their file: findings name the file (never ``file.json#/N``) and pointers ``/N/…``,
placed at the line and column of the mutated field in the whole file, in every report format; ``fix -i`` writes the
whole array back. A BOM is read past with an info finding at line 1 column 1, and every other finding of the file is
where it is without the mark.
"""

from __future__ import annotations

import codecs
import copy
import json
from pathlib import Path
from typing import Any

import pytest

from phenotk.cli.app import main
from phenotk.report import ReportFormat, render
from phenotk.validation.config import Options, engine_config
from phenotk.validation.runner import run

pytestmark = pytest.mark.shared

PACKETS = (
    "AAGAB/PMID_24573067_CASE_REPORT.json",
    "AAGAB/PMID_28239884_Family_1_proband.json",
    "ACTA1/PMID_11333380_P3.json",
)
VD = "/interpretations/0/diagnosis/genomicInterpretations/0/variantInterpretation/variationDescriptor"
POS = f"{VD}/vcfRecord/pos"


def _load(store_dir: Path, rel: str) -> dict[str, Any]:
    return json.loads((store_dir / rel).read_text(encoding="utf-8"))


def _where(text: str, needle: str, key: str) -> tuple[int, int]:
    """1-based line and column of the value in the one occurrence of ``needle`` (``"key": value``) in ``text``."""
    assert text.count(needle) == 1
    at = text.index(needle) + len(key)
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


def _array(store_dir: Path, tmp_path: Path, *, indent: int | None, name: str) -> tuple[Path, str]:
    """Three store packets in an array; item 2 gets ``pos: "-5"`` (its first packet's VCF record)."""
    items = [_load(store_dir, p) for p in PACKETS[1:]] + [_load(store_dir, PACKETS[0])]
    items[2]["id"] = "PMID_24573067_CASE_REPORT_copy"  # no id-duplicate with the standalone packet below
    node: Any = items[2]
    for token in POS.strip("/").split("/"):
        node = node[int(token)] if isinstance(node, list) else node[token]
    items[2]["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]["variantInterpretation"][
        "variationDescriptor"
    ]["vcfRecord"]["pos"] = "-5"
    text = json.dumps(items, indent=indent, ensure_ascii=False) + "\n"
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path, text


@pytest.mark.parametrize("indent", [2, 4, None], ids=["indent2", "indent4", "one-line"])
def test_finding_in_item_2_points_into_the_file(store_dir: Path, tmp_path: Path, indent: int | None) -> None:
    path, text = _array(store_dir, tmp_path, indent=indent, name="array.json")
    report = run([str(path)], engine_config(Options(no_hpo=True)))
    assert [r.path for r in report.results] == [str(path)] * 3  # the real file, one result per item
    found = [(r, i) for r, i in report.iter_issues() if i.rule == "value-out-of-range"]
    assert len(found) == 1
    result, issue = found[0]
    assert result.path == str(path)
    assert issue.pointer == "/2" + POS
    assert (issue.line, issue.column) == _where(text, '"pos": "-5"', '"pos": ')


def test_item_pointer_matches_the_same_packet_standing_alone(store_dir: Path, tmp_path: Path) -> None:
    """Item 2's findings are the standalone packet's findings with ``/2`` in front (rules see the same item)."""
    path, _ = _array(store_dir, tmp_path, indent=2, name="array.json")
    alone = copy.deepcopy(json.loads(path.read_text(encoding="utf-8"))[2])
    single = tmp_path / "alone.json"
    single.write_text(json.dumps(alone, indent=2), encoding="utf-8")
    cfg = engine_config(Options(no_hpo=True))
    in_array = [(i.rule, i.pointer) for r, i in run([str(path)], cfg).iter_issues() if i.pointer.startswith("/2/")]
    standalone = [(i.rule, "/2" + i.pointer) for _, i in run([str(single)], cfg).iter_issues()]
    assert sorted(in_array) == sorted(standalone) and in_array


def test_every_report_format_names_the_file_and_the_item_pointer(store_dir: Path, tmp_path: Path) -> None:
    path, text = _array(store_dir, tmp_path, indent=2, name="array.json")
    report = run([str(path)], engine_config(Options(no_hpo=True)))
    line, column = _where(text, '"pos": "-5"', '"pos": ')
    data = json.loads(render(report, ReportFormat.json, base_dir=tmp_path))
    [hit] = [(r["path"], i) for r in data["results"] for i in r["issues"] if i["rule"] == "value-out-of-range"]
    assert hit[0] == str(path) and (hit[1]["pointer"], hit[1]["line"], hit[1]["column"]) == ("/2" + POS, line, column)
    rows = [json.loads(x) for x in render(report, ReportFormat.jsonl, base_dir=tmp_path).splitlines() if x.strip()]
    [row] = [x for x in rows if x["rule"] == "value-out-of-range"]
    assert (row["path"], row["pointer"], row["line"]) == (str(path), "/2" + POS, line)
    sarif = json.loads(render(report, ReportFormat.sarif, base_dir=tmp_path))
    [res] = [x for x in sarif["runs"][0]["results"] if x["ruleId"] in ("VAL002", "value-out-of-range")]
    loc = res["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"]["uri"] == "array.json"  # the file, no "#/2" fragment
    assert loc["physicalLocation"]["region"] == {"startLine": line, "startColumn": column}
    assert loc["logicalLocations"][0]["fullyQualifiedName"] == "/2" + POS
    text_report = render(report, ReportFormat.text, base_dir=tmp_path)
    assert f"{path}:{line}:{column}: error VAL002" in text_report
    assert "Checked 3 documents in 1 file:" in text_report  # items are documents, not files
    csv_rows = [x for x in render(report, ReportFormat.csv, base_dir=tmp_path).splitlines() if ",VAL002," in x]
    assert csv_rows and all(x.startswith(f"{path},") for x in csv_rows)


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out, out.err


def test_fix_in_place_writes_the_whole_array_back(
    store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items = [_load(store_dir, p) for p in PACKETS]
    items[1]["metaData"]["phenopacketSchemaVersion"] = "v2.0"  # meta-schema-version has a safe fix to "2.0"
    path = tmp_path / "fixme.json"
    before = json.dumps(items, indent=2, ensure_ascii=False) + "\n"
    path.write_text(before, encoding="utf-8")
    code, _, err = _cli(capsys, "fix", "-i", str(path), "--no-hpo")
    assert code in (0, 1) and "fixed 1 (meta-schema-version)" in err, err  # ACTA1 P3 keeps its time-order error
    after = path.read_text(encoding="utf-8")
    items[1]["metaData"]["phenopacketSchemaVersion"] = "2.0"
    assert json.loads(after) == items  # every item is still there, only the fixed value changed
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [('      "phenopacketSchemaVersion": "v2.0",', '      "phenopacketSchemaVersion": "2.0",')]


def test_item_that_is_not_an_object_names_the_file_and_item(tmp_path: Path) -> None:
    path = tmp_path / "odd.json"
    path.write_text('[\n  {"id": "P1", "subject": {"id": "I1"}, "metaData": {}},\n  42\n]\n', encoding="utf-8")
    report = run([str(path)], engine_config(Options(no_hpo=True)))
    bad = [(r.path, i.line, i.column, i.message) for r, i in report.iter_issues() if i.rule == "input-unreadable"]
    assert len(bad) == 1 and bad[0][:3] == (str(path), 3, 3) and "item /1" in bad[0][3]


# ---------------------------------------------------------------------------------------------- byte order mark


def test_bom_is_an_info_at_line_1_and_other_findings_keep_their_place(store_dir: Path, tmp_path: Path) -> None:
    raw = (store_dir / PACKETS[0]).read_bytes()
    assert b'"phenopacketSchemaVersion": "2.0.2"' in raw
    mutated = raw.replace(b'"phenopacketSchemaVersion": "2.0.2"', b'"phenopacketSchemaVersion": "v2.0"')
    plain, bom = tmp_path / "plain" / "p.json", tmp_path / "bom" / "p.json"
    for p, data in ((plain, mutated), (bom, codecs.BOM_UTF8 + mutated)):
        p.parent.mkdir()
        p.write_bytes(data)
    cfg = engine_config(Options(no_hpo=True))

    def findings(p: Path) -> list[tuple[str, str, int | None, int | None]]:
        return [(i.rule, i.pointer, i.line, i.column) for _, i in run([str(p)], cfg).iter_issues()]

    without, with_bom = findings(plain), findings(bom)
    assert ("input-byte-order-mark", "", 1, 1) in with_bom
    assert [f for f in with_bom if f[0] != "input-byte-order-mark"] == without
    assert ("meta-schema-version", "/metaData/phenopacketSchemaVersion",
            *_where(mutated.decode("utf-8"), '"v2.0"', "")) in without
    assert not any(f[0] == "input-byte-order-mark" for f in without)


def test_fix_keeps_the_bom(store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = (store_dir / PACKETS[0]).read_bytes().replace(b'"2.0.2"', b'"v2.0"')
    path = tmp_path / "p.json"
    path.write_bytes(codecs.BOM_UTF8 + raw)
    code, _, err = _cli(capsys, "fix", "-i", str(path), "--no-hpo")
    assert code == 0, err
    assert path.read_bytes() == codecs.BOM_UTF8 + raw.replace(b'"v2.0"', b'"2.0"')
