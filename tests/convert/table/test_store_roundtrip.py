"""packets → wide/long table → packets is the identity on the mapped fields, on the whole public store.

One table per store folder (a cohort, as a curator would keep it). A deterministic sample of folders also goes
through real CSV / TSV / XLSX bytes on disk.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from _view import mapped_view
from google.protobuf.json_format import ParseDict
from phenopackets import Phenopacket

from phenotk.conversion.table import read_sheet
from phenotk.conversion.table.api import convert_sheet, make_table, write_table
from phenotk.mapping import load_mapping


@pytest.fixture(scope="module")
def store_cohorts(store_dir: Path) -> dict[str, list[Phenopacket]]:
    out: dict[str, list[Phenopacket]] = {}
    for folder in sorted(p for p in store_dir.iterdir() if p.is_dir()):
        packets = []
        for f in sorted(folder.glob("*.json")):
            packets.append(ParseDict(orjson.loads(f.read_bytes()), Phenopacket(), ignore_unknown_fields=True))
        out[folder.name] = packets
    return out


def _compare(original: list[Phenopacket], back: list[Phenopacket], where: str) -> list[str]:
    a = {p.id: mapped_view(p) for p in original}
    b = {p.id: mapped_view(p) for p in back}
    if list(a) != list(b):
        return [f"{where}: ids differ: {sorted(set(a) ^ set(b))[:5]}"]
    problems = []
    for pid, view in a.items():
        if view != b[pid]:
            diff = [i for i, (x, y) in enumerate(zip(view, b[pid], strict=False)) if x != y]
            problems.append(f"{where}/{pid}: fields {diff}: {[view[i] for i in diff]} != {[b[pid][i] for i in diff]}")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["wide", "long"])
def test_whole_store_round_trips(store_cohorts: dict[str, list[Phenopacket]], layout: str) -> None:
    mapping = load_mapping(f"phenotk-{layout}")
    problems: list[str] = []
    total = 0
    for name, packets in store_cohorts.items():
        table = make_table(packets, layout)
        result = convert_sheet(table.to_sheet(name), mapping)
        # reading our own table raises no finding at all
        assert not result.all_issues, (name, [i.message for i in result.all_issues][:3])
        problems += _compare(packets, result.packets, name)
        total += len(packets)
    assert not problems, problems[:10]
    assert total == 7682


def test_not_carried_findings_name_what_the_table_drops(store_cohorts: dict[str, list[Phenopacket]]) -> None:
    # AAGAB packets carry hgvs.g / hgvs.p expressions and VCF records, which have no column
    table = make_table(store_cohorts["AAGAB"], "wide")
    dropped = {i.context["column"] for i in table.issues}
    vd = "interpretations[].diagnosis.genomicInterpretations[].variantInterpretation.variationDescriptor"
    assert f"{vd}.vcfRecord.pos" in dropped
    assert f"{vd}.expressions[].value" in dropped
    assert all(i.rule == "map-not-carried" and i.context["packets"] >= 1 for i in table.issues)
    # subject, features, diseases, variants' main fields are carried: never reported
    assert not [c for c in dropped if c.startswith(("subject.", "phenotypicFeatures", "diseases"))]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xlsx"])
def test_store_sample_through_files(store_cohorts: dict[str, list[Phenopacket]], tmp_path: Path, fmt: str) -> None:
    names = sorted(store_cohorts)[:: 120 if fmt == "xlsx" else 15]
    problems: list[str] = []
    for layout in ("wide", "long"):
        for name in names:
            packets = store_cohorts[name]
            target = tmp_path / f"{name}-{layout}.{fmt}"
            write_table(packets, target, layout=layout)
            result = read_sheet(target)  # no mapping: phenotk's own header is recognised
            assert not result.all_issues, (name, layout, [i.message for i in result.all_issues][:3])
            problems += _compare(packets, result.packets, f"{name}.{layout}.{fmt}")
    assert not problems, problems[:10]


def test_an_expression_that_reads_back_as_a_label_is_reported(store_cohorts: dict[str, list[Phenopacket]]) -> None:
    # CDK4's 'NM_000075.4:c.367C > T' (blanks: not HGVS) is written in the variant cell but reads back as the
    # variant's label, not an hgvs.c expression: the writer counts it as not carried (it counted it as carried)
    spaced = [p for p in store_cohorts["CDK4"] if "c.367C > T" in str(p)]
    assert spaced
    vd = "interpretations[].diagnosis.genomicInterpretations[].variantInterpretation.variationDescriptor"
    table = make_table(spaced[:1], "wide")
    counts = {i.context["column"]: i.context.get("values") for i in table.issues}
    fixed = Phenopacket()
    fixed.CopyFrom(spaced[0])
    for i in fixed.interpretations:
        for gi in i.diagnosis.genomic_interpretations:
            for e in gi.variant_interpretation.variation_descriptor.expressions:
                e.value = e.value.replace(" > ", ">")
    clean = {i.context["column"]: i.context.get("values") for i in make_table([fixed], "wide").issues}
    assert counts[f"{vd}.expressions[].value"] == clean.get(f"{vd}.expressions[].value", 0) + 1
