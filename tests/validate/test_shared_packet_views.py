"""The shared per-packet views and fast paths of the readiness and variant rules agree with the plain computations
they stand for: on several packets in one run, on families (several phenopackets in one document), and on hostile
values (unhashable ids, non-string ids and symbols, str subclasses, snake_case keys)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import phenotk
from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node
from phenotk.validation.rules.readiness import exomiser, gpsea, lirical, pheval
from phenotk.validation.rules.variant import gene_id
from phenotk.validation.rules.variant._common import interpretation_tree, records

READINESS = ["exomiser-readiness", "lirical-readiness", "gpsea-readiness", "pheval-readiness"]


def _packet(pid: str, *, sex: str | None = None, vcf: bool = False) -> dict[str, Any]:
    subject: dict[str, Any] = {"id": pid + "-S"}
    if sex:
        subject["sex"] = sex
    pp: dict[str, Any] = {
        "id": pid,
        "subject": subject,
        "phenotypicFeatures": [{"type": {"id": "HP:0001250", "label": "Seizure"}}],
        "metaData": {"created": "2024-01-01T00:00:00Z", "createdBy": "t", "phenopacketSchemaVersion": "2.0"},
    }
    if vcf:
        pp["files"] = [
            {"uri": "file:///d/x.vcf.gz", "fileAttributes": {"fileFormat": "VCF", "genomeAssembly": "GRCh38"}}
        ]
    return pp


def _findings(tmp_path: Path, docs: list[dict[str, Any]]) -> list[list[tuple[str, str, str, str]]]:
    paths = []
    for k, d in enumerate(docs):
        p = tmp_path / f"d{k}.json"
        p.write_text(json.dumps(d, indent=2))
        paths.append(str(p))
    report = phenotk.validate(paths, select=READINESS)
    return [sorted((i.rule, i.pointer, i.severity.value, i.message) for i in r.issues) for r in report.results]


def test_fixed_findings_are_per_packet_and_unchanged_by_runs(tmp_path: Path) -> None:
    """The one-object findings (no VCF, no sex …) appear in each packet that has the gap, and only there."""
    constants = [
        (m, name, getattr(m, name))
        for m in (exomiser, lirical, gpsea, pheval)
        for name in dir(m)
        if name.startswith("_NO_")
    ]
    assert len(constants) == 11
    before = [(v.message, v.path, v.severity, v.fix, v.context) for _, _, v in constants]
    docs = [_packet("A"), _packet("B", sex="FEMALE", vcf=True), _packet("C")]
    first = _findings(tmp_path, docs)
    assert _findings(tmp_path, docs) == first  # a second run: the same
    gaps = [{(rule, ptr) for rule, ptr, _, _ in found} for found in first]
    assert gaps[0] == gaps[2]
    for rule in ("exomiser-readiness", "lirical-readiness", "gpsea-readiness"):
        assert (rule, "/subject/sex") in gaps[0] and (rule, "/subject/sex") not in gaps[1]
    assert ("exomiser-readiness", "/files") in gaps[0] and ("exomiser-readiness", "/files") not in gaps[1]
    assert ("pheval-readiness", "/files") in gaps[0] and ("pheval-readiness", "/files") not in gaps[1]
    sev = {(rule, ptr): s for rule, ptr, s, _ in first[0]}
    assert sev["exomiser-readiness", "/files"] == Severity.WARNING.value
    assert sev["gpsea-readiness", "/interpretations"] == Severity.ERROR.value
    assert [(v.message, v.path, v.severity, v.fix, v.context) for _, _, v in constants] == before


def test_family_relatives_are_not_analysed_after_the_proband(tmp_path: Path) -> None:
    """The packet kept for the proband is not handed to a relative (a relative gets no readiness finding)."""
    family = {
        "id": "F1",
        "proband": _packet("P"),
        "relatives": [_packet("R1"), _packet("R2", sex="MALE")],
        "metaData": {"created": "2024-01-01T00:00:00Z", "createdBy": "t", "phenopacketSchemaVersion": "2.0"},
    }
    (found,) = _findings(tmp_path, [family])
    assert found
    assert all(ptr.startswith("/proband") for _, ptr, _, _ in found)


# ------------------------------------------------------------------ variant: shared views of a family


def _variant(chrom: str) -> dict[str, Any]:
    return {
        "diagnosis": {
            "disease": {"id": "OMIM:1", "label": "d"},
            "genomicInterpretations": [
                {
                    "subjectOrBiosampleId": "x",
                    "interpretationStatus": "CAUSATIVE",
                    "variantInterpretation": {
                        "variationDescriptor": {"id": "v", "vcfRecord": {"chrom": chrom, "pos": 1, "ref": "A"}}
                    },
                }
            ],
        }
    }


def test_interpretation_views_follow_the_phenopacket_asked_about() -> None:
    """records / interpretation_tree of one phenopacket, then another, then the first again: each its own."""
    a = Node({"interpretations": [_variant("1")]}, "Phenopacket", "/proband", None, "proband")
    b = Node({"interpretations": [_variant("2"), _variant("3")]}, "Phenopacket", "/relatives/0", None, "relatives")
    ctx = Context()
    for node, chroms in ((a, ["1"]), (b, ["2", "3"]), (a, ["1"]), (a, ["1"]), (b, ["2", "3"])):
        assert [r.vcf["chrom"] for r in records(node, ctx) if r.vcf] == chroms
        assert [vd["vcfRecord"]["chrom"] for _, vd in interpretation_tree(node, ctx)[1]] == chroms
    assert records(a, ctx) is records(a, ctx)  # asked in a row: made once


# ------------------------------------------------------------------ variant-gene-id: the memo of plain genes


class _Str(str):
    """A str subclass: not memoised (type checks are exact), read as the plain computation reads it."""


GENES: list[dict[str, Any]] = [
    {"valueId": "HGNC:3603", "symbol": "FBN1"},
    {"valueId": "HGNC:03603", "symbol": "FBN1"},
    {"valueId": "HGNC:HGNC:3603", "symbol": "FBN1"},
    {"valueId": "HGNC:3603", "symbol": "HLA-DRB1"},
    {"valueId": "HGNC:3603", "symbol": "FBN 1"},
    {"valueId": "HGNC:٣٦", "symbol": "FBN1"},
    {"valueId": "NCBIGene:2200", "symbol": "FBN1"},
    {"valueId": "OMIM:12", "symbol": "ＦＢＮ1"},
    {"value_id": "HGNC:1", "symbol": "A1BG"},
    {"value_id": "HGNC:x", "symbol": "A1BG"},
    {"valueId": None, "symbol": None},
    {"symbol": "FBN1"},
    {"valueId": "HGNC:3603"},
    {"valueId": ["HGNC:1"], "symbol": "FBN1"},
    {"valueId": {"id": "HGNC:1"}, "symbol": {"s": 1}},
    {"valueId": 3603, "symbol": 7},
    {"valueId": _Str("HGNC:0"), "symbol": _Str("FBN1")},
    {"valueId": _Str("HGNC:1"), "symbol": _Str("F B")},
    {"valueId": "", "symbol": ""},
]


def _gene_findings(rule: gene_id.VariantGeneId, value: dict[str, Any]) -> list[tuple[str, tuple[Any, ...]]]:
    return [(v.message, v.path) for v in rule.check(Node(value, "GeneDescriptor", "/g"), Context())]


def _gene_plain(value: dict[str, Any]) -> bool:
    """The usual-gene test as written before the memo."""
    ik = "valueId" if "valueId" in value else ("value_id" if "value_id" in value else None)
    vid = value[ik] if ik else None
    sym = value.get("symbol")
    return (vid is None or (type(vid) is str and gene_id._plain_hgnc(vid))) and (
        sym is None or (type(sym) is str and sym.isascii() and sym.isalnum())
    )


@pytest.mark.parametrize("value", GENES)
def test_gene_memo_agrees_with_the_plain_test(value: dict[str, Any]) -> None:
    rule = gene_id.VariantGeneId()
    gene_id._plain.cache_clear()
    fresh = _gene_findings(rule, value)
    for other in GENES:  # the memo filled by every other gene, in any order
        _gene_findings(rule, other)
    assert _gene_findings(rule, value) == fresh
    if _gene_plain(value):  # the usual gene: no finding; any other takes the field-by-field checks
        assert fresh == []
