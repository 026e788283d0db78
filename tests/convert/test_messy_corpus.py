"""The messy-sheet corpus (tests/fixtures/messy_sheets) and the issue-16 floors measured by benchmarks/sheets.py.

(a) the corpus is well-formed: ≥ 10 sheets, ≥ 100 synthetic patients, XLSX and CSV/TSV, every truth patient found on
    the rows it names, every data row owned by a patient or listed as ambiguous, real HPO ids, schema-valid mappings,
    a deterministic generator whose output equals the committed files;
(b) the comparison itself counts what it claims (packets built from the truth are exact; a removed fact is dropped,
    an added one invented);
(c) the floors: hand mappings 0 invented, 0 silently dropped, ≥ 95 % exact; unedited ``mapping init`` ≥ 60 % exact.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "fixtures" / "messy_sheets"


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("phenotk_bench_sheets", REPO / "benchmarks" / "sheets.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench = _bench()
TRUTHS = bench.load_truths(CORPUS)


def _raw_rows(path: Path, data_sheet: str | None) -> list[list[str]]:
    """The sheet's cells as text, read without phenotk (row i of the list = spreadsheet row i + 1)."""
    if path.suffix == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        ws = wb[data_sheet] if data_sheet else wb.worksheets[0]
        rows = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
        wb.close()
        return rows
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    delimiter = "\t" if path.suffix == ".tsv" else (";" if text.split("\n", 1)[0].count(";") > 2 else ",")
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


@pytest.fixture(scope="module")
def hpo(hpo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The real HPO index (hp.json). The cache (also used by the ``mapping init`` subprocesses) goes to a temp dir
    unless CI exports one; never to the user's cache."""
    from phenotk.ontology import load_ontology

    own = "PHENOTK_CACHE_DIR" not in os.environ
    if own:
        os.environ["PHENOTK_CACHE_DIR"] = str(tmp_path_factory.mktemp("hpo-cache"))
    try:
        yield load_ontology(hpo_dir / "hp.json")
    finally:
        if own:
            os.environ.pop("PHENOTK_CACHE_DIR", None)


# ------------------------------------------------------------------------------------------------ (a) the corpus
def test_corpus_size_and_styles() -> None:
    assert len(TRUTHS) >= 10
    patients = [p for truth, _, _ in TRUTHS for p in truth["patients"]]
    assert len(patients) >= 100
    suffixes = {sheet.suffix for _, sheet, _ in TRUTHS}
    assert {".xlsx", ".csv", ".tsv"} <= suffixes
    for truth, sheet, mapping in TRUTHS:
        assert sheet.is_file() and mapping.is_file(), truth["file"]
        ids = [p["id"] for p in truth["patients"]]
        assert len(ids) == len(set(ids)), f"{truth['file']}: duplicate patient ids"
    styles = " | ".join(s for truth, _, _ in TRUTHS for s in truth["styles"])
    for style in ("title banner", "merged group-header", "long layout", "free-text", "cp1252", "German headers",
                  "French headers", "README sheet first", "row without id", "consent", "hospital variant cells"):
        assert style in styles, style


@pytest.mark.parametrize("truth,sheet", [(t, s) for t, s, _ in TRUTHS], ids=[s.stem for _, s, _ in TRUTHS])
def test_truth_matches_its_sheet(truth: dict[str, Any], sheet: Path) -> None:
    rows = _raw_rows(sheet, truth["data_sheet"])
    header = rows[truth["header_row"] - 1]
    owned: set[int] = set()
    for p in truth["patients"]:
        assert p["rows"], p["id"]
        for r in p["rows"]:
            assert p["id"] in rows[r - 1], f"{sheet.name} row {r} does not hold patient {p['id']}"
        owned.update(p["rows"])
    for a in truth["ambiguous"]:
        assert a["column"] in header, a
        cell = rows[a["row"] - 1][header.index(a["column"])]
        assert cell == a["value"], a
        owned.add(a["row"])
    data_rows = {i + 1 for i, row in enumerate(rows) if i + 1 > truth["header_row"] and any(c.strip() for c in row)}
    assert data_rows == owned, f"{sheet.name}: rows without a truth owner {sorted(data_rows - owned)}"
    for kind, cols in truth["fact_columns"].items():
        assert set(cols) <= set(header), (kind, set(cols) - set(header))


def test_truth_terms_are_current_hpo_ids(hpo: Any) -> None:
    onset_ids = {"HP:0003577", "HP:0003623", "HP:0003593", "HP:0011463"}
    for truth, _, _ in TRUTHS:
        for p in truth["patients"]:
            ids = [*p["observed"], *p["excluded"]]
            ids += [o for o in p["observed"].values() if o and o.startswith("HP:")]
            ids += [d["onset"] for d in p["diseases"] if d["onset"] and d["onset"].startswith("HP:")]
            for curie in ids:
                assert hpo.label(curie), f"{truth['file']} {p['id']}: {curie} not in HPO"
            onsets = [o for o in p["observed"].values() if o and o.startswith("HP:")]
            assert set(onsets) <= onset_ids
            assert not set(p["observed"]) & set(p["excluded"]), p["id"]


def test_mappings_are_schema_valid() -> None:
    from phenotk.mapping.model import load_mapping

    for _, _, mapping in TRUTHS:
        load_mapping(mapping)  # InputError (located) when invalid


def test_generator_is_deterministic_and_matches_the_committed_files(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("phenotk_make_corpus", CORPUS / "make_corpus.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = gen
    spec.loader.exec_module(gen)
    sheets = gen.build(tmp_path)
    assert len(sheets) == len(TRUTHS)
    made = sorted(tmp_path.iterdir())
    assert {f.name for f in made} <= {f.name for f in CORPUS.iterdir()}
    for f in made:
        if f.suffix == ".xlsx":  # compared by content: the zip bytes depend on the openpyxl version
            assert _workbook(f) == _workbook(CORPUS / f.name), f"{f.name} differs from a fresh run of make_corpus.py"
        else:
            assert f.read_bytes() == (CORPUS / f.name).read_bytes(), f"{f.name} differs from a fresh run"
    again = tmp_path / "again"
    gen.build(again)
    assert all((again / f.name).read_bytes() == f.read_bytes() for f in made if f.is_file())


def _workbook(path: Path) -> list[tuple[str, list[tuple[Any, ...]], list[str]]]:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    out = [(ws.title, [tuple(r) for r in ws.iter_rows(values_only=True)], sorted(map(str, ws.merged_cells.ranges)))
           for ws in wb.worksheets]
    wb.close()
    return out


# ------------------------------------------------------------------------------------------ (b) the comparison
def _packet(p: dict[str, Any]) -> Any:
    """A Phenopacket holding exactly the truth facts of ``p``."""
    from phenopackets import (
        Age,
        Diagnosis,
        Disease,
        Expression,
        GeneDescriptor,
        GenomicInterpretation,
        Individual,
        Interpretation,
        OntologyClass,
        Phenopacket,
        PhenotypicFeature,
        Sex,
        TimeElement,
        VariantInterpretation,
        VariationDescriptor,
        VitalStatus,
    )

    def time(value: str) -> TimeElement:
        if value.startswith("HP:"):
            return TimeElement(ontology_class=OntologyClass(id=value, label="onset"))
        return TimeElement(age=Age(iso8601duration=value))

    subject = Individual(id=p["id"], sex=Sex.Value(p["sex"] or "UNKNOWN_SEX"))
    if p["age"]:
        subject.time_at_last_encounter.CopyFrom(time(p["age"]))
    if p["vital_status"]:
        subject.vital_status.CopyFrom(VitalStatus(status=VitalStatus.Status.Value(p["vital_status"])))
    packet = Phenopacket(id=p["id"], subject=subject)
    for d in p["diseases"]:
        disease = Disease(term=OntologyClass(id=d["id"], label="d"))
        if d["onset"]:
            disease.onset.CopyFrom(time(d["onset"]))
        packet.diseases.append(disease)
    for hp, onset in p["observed"].items():
        f = PhenotypicFeature(type=OntologyClass(id=hp, label="t"))
        if onset:
            f.onset.CopyFrom(time(onset))
        packet.phenotypic_features.append(f)
    for hp in p["excluded"]:
        packet.phenotypic_features.append(PhenotypicFeature(type=OntologyClass(id=hp, label="t"), excluded=True))
    geno = {v: k for k, v in bench.GENO.items()}
    gis = []
    for v in p["variants"]:
        vd = VariationDescriptor(id="v", expressions=[Expression(syntax="hgvs", value=e) for e in v["hgvs"]])
        if v["zygosity"]:
            vd.allelic_state.CopyFrom(OntologyClass(id=geno[v["zygosity"]], label=v["zygosity"]))
        if v["gene"]:
            vd.gene_context.CopyFrom(GeneDescriptor(value_id="HGNC:1", symbol=v["gene"]))
        gis.append(GenomicInterpretation(subject_or_biosample_id=p["id"],
                                         variant_interpretation=VariantInterpretation(variation_descriptor=vd)))
    if gis:
        packet.interpretations.append(Interpretation(id="i", diagnosis=Diagnosis(genomic_interpretations=gis)))
    return packet


def test_comparison_scores_truth_packets_exact_and_counts_changes() -> None:
    truth, _, _ = next(t for t in TRUTHS if t[1].stem == "epilepsy_clinic")
    packets = [_packet(p) for p in truth["patients"]]
    score = bench.compare(truth, bench.Run(packets, []))
    assert score.exact == len(truth["patients"]) and not score.invented and not score.dropped
    k = next(i for i, p in enumerate(truth["patients"]) if p["excluded"])
    first = packets[k]
    del first.phenotypic_features[-1]  # an excluded feature lost, without a finding
    first.phenotypic_features.add(type={"id": "HP:0000001"})  # and a feature the sheet never stated
    score = bench.compare(truth, bench.Run(packets, []))
    assert score.exact == len(truth["patients"]) - 1
    assert score.dropped == [("excluded", truth["patients"][k]["excluded"][-1])]
    assert score.invented == [("observed", "HP:0000001")]
    row = truth["patients"][k]["rows"][0]
    # a finding on the row about another kind of fact does not make the loss reported
    other = type("F", (), {"context": {"row": row, "column": "Diagnosis"}})()
    assert len(bench.compare(truth, bench.Run(packets, [other])).dropped) == 1
    # a finding on the row naming a phenotype column does
    finding = type("F", (), {"context": {"row": row, "column": "Seizures"}})()
    score = bench.compare(truth, bench.Run(packets, [finding]))
    assert not score.dropped and len(score.flagged_missing) == 1


# ------------------------------------------------------------------------------------------------ (c) the floors
@pytest.fixture(scope="module")
def hand_totals(hpo: Any) -> dict[str, Any]:
    scores = bench.evaluate(CORPUS, hpo, init=False)["hand"]
    return bench.totals(scores)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def init_totals(hpo: Any, hpo_dir: Path) -> dict[str, Any]:
    scores = bench.evaluate(CORPUS, hpo, hpo_dir / "hp.json", init=True)["init"]
    return bench.totals(scores)  # type: ignore[no-any-return]


def test_hand_mappings_convert_every_sheet(hand_totals: dict[str, Any]) -> None:
    assert hand_totals["failed_sheets"] == []
    assert hand_totals["patients"] >= 100


def test_hand_mappings_invent_nothing(hand_totals: dict[str, Any]) -> None:
    assert hand_totals["invented"] == 0, json.dumps(hand_totals)


def test_hand_mappings_drop_nothing_silently(hand_totals: dict[str, Any]) -> None:
    assert hand_totals["dropped"] == 0, json.dumps(hand_totals)


def test_hand_mappings_flag_every_ambiguous_cell(hand_totals: dict[str, Any]) -> None:
    assert hand_totals["ambiguous_flagged"] == hand_totals["ambiguous"] > 0, json.dumps(hand_totals)


def test_hand_mappings_95_percent_exact(hand_totals: dict[str, Any]) -> None:
    assert hand_totals["exact_pct"] >= 0.95, json.dumps(hand_totals)


@pytest.mark.slow
def test_mapping_init_60_percent_exact(init_totals: dict[str, Any]) -> None:
    assert init_totals["exact_pct"] >= 0.60, json.dumps(init_totals)
