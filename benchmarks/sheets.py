"""Messy-sheet corpus: how faithfully do spreadsheets become Phenopackets? (issue 16, "Must show").

Run: .venv/bin/python benchmarks/sheets.py [--hpo FILE] [--corpus DIR] [--only NAME ...] [--no-init] [-v] [--check]

The corpus is ``tests/fixtures/messy_sheets``: realistic hospital and research sheets of invented patients, each with
``NAME.truth.json`` (the facts a faithful converter must produce per patient, and the ambiguous cells it must
report) and a hand-written ``NAME.mapping.yaml``. Every sheet is converted twice through the library:

* with its hand-written mapping;
* with the unedited output of ``phenotk mapping init SHEET --hpo HPO`` (the CLI, as a new user runs it).

Facts compared per patient: sex (MALE/FEMALE/OTHER_SEX: UNKNOWN_SEX is the protobuf default and cannot be told
apart from "not stated"), age at last encounter (ISO 8601, compared as months + days: P18M = P1Y6M, P2W = P14D),
vital status, disease ids (+ onset, + excluded), variants (each HGVS expression as stated — a reference sequence
prefix the sheet did not state is not held against the output — its reference when stated, the zygosity per
variant, the gene symbol), observed and excluded HPO ids and feature onsets (an ISO age or an HPO onset term).
Labels, metaData and interpretation statuses are not compared.

Printed per sheet and in total:

* exact — patients whose packet has every truth fact and no other fact;
* invented — facts in the output the truth does not have (a packet for no truth patient counts one, plus its facts;
  a variant without any HGVS expression counts as invented);
* dropped — truth facts missing from the output with no finding about them (silently dropped): a finding is about a
  fact when it names one of the patient's rows and a column that states that kind of fact (``fact_columns`` of the
  truth; a row finding without a column counts for the whole row), or names such a column for the whole sheet;
  ``flagged-missing`` counts the missing facts that were reported;
* ambiguous — ambiguous cells that got a finding naming their row (and their column or value).

Floors (issue 16): hand mappings 95 % exact, 0 invented, 0 dropped; ``mapping init`` output 60 % exact.
``--check`` exits 1 when a floor is missed. HPO: ``--hpo``, else ``$PHENOTK_SHARED_DATA/hpo/hp.json``, else
``../shared/data/hpo/hp.json`` next to the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "fixtures" / "messy_sheets"

FLOORS = {"hand_exact": 0.95, "hand_invented": 0, "hand_dropped": 0, "init_exact": 0.60}

Fact = tuple[str, ...]

_ISO = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T.*)?\Z")
_REF = re.compile(r"([A-Za-z]{1,3}_?[A-Za-z0-9]+(?:\.\d+)?):([cgmnrp]\..+)\Z")
GENO = {"GENO:0000135": "heterozygous", "GENO:0000136": "homozygous", "GENO:0000134": "hemizygous",
        "GENO:0000402": "compound heterozygous"}
KIND = {"sex": "sex", "age": "age", "vital_status": "vital_status", "disease": "disease",
        "disease_excluded": "disease", "disease_onset": "disease_onset", "hgvs": "variant", "hgvs_ref": "variant",
        "zygosity": "variant", "gene": "variant", "variant_without_hgvs": "variant", "gene_only": "variant",
        "observed": "phenotype", "excluded": "phenotype", "onset": "phenotype", "packet": "packet"}


def default_hpo() -> Path:
    """hp.json from PHENOTK_SHARED_DATA or ../shared/data (the logic tests/conftest.py uses)."""
    env = os.environ.get("PHENOTK_SHARED_DATA")
    candidates = [Path(env)] if env else []
    for cand in [*candidates, REPO.parent / "shared" / "data", REPO / ".." / ".." / "shared" / "data"]:
        if (cand / "hpo" / "hp.json").is_file():
            return (cand / "hpo" / "hp.json").resolve()
    return REPO.parent / "shared" / "data" / "hpo" / "hp.json"


# ------------------------------------------------------------------------------------------------------- facts
def time_key(text: str) -> str:
    """An ISO 8601 duration as ``months/days`` (P18M == P1Y6M); anything else (an HPO onset id) unchanged."""
    m = _ISO.match(text.strip())
    if not m or text.strip() == "P":
        return text.strip()
    y, mo, w, d = (int(g) if g else 0 for g in m.groups())
    return f"P{y * 12 + mo}M{w * 7 + d}D"


def split_ref(expr: str) -> tuple[str, str | None]:
    """``NM_1.2:c.3A>G`` → (``c.3A>G``, ``NM_1.2``); an expression without a reference → (expr, None)."""
    m = _REF.match(expr.strip())
    return (m.group(2), m.group(1)) if m else (expr.strip(), None)


def truth_facts(p: dict[str, Any]) -> set[Fact]:
    """The facts of one truth patient."""
    out: set[Fact] = set()
    if p.get("sex") in ("MALE", "FEMALE", "OTHER_SEX"):
        out.add(("sex", p["sex"]))
    if p.get("age"):
        out.add(("age", time_key(p["age"])))
    if p.get("vital_status") in ("ALIVE", "DECEASED"):
        out.add(("vital_status", p["vital_status"]))
    for d in p.get("diseases", []):
        out.add(("disease_excluded" if d.get("excluded") else "disease", d["id"]))
        if d.get("onset"):
            out.add(("disease_onset", d["id"], time_key(d["onset"])))
    for v in p.get("variants", []):
        exprs = [split_ref(e) for e in v["hgvs"]]
        primary = exprs[0][0]
        for e, ref in exprs:
            out.add(("hgvs", e))
            if ref:
                out.add(("hgvs_ref", e, ref))
        if v.get("zygosity"):
            out.add(("zygosity", primary, v["zygosity"]))
        if v.get("gene"):
            out.add(("gene", primary, v["gene"]))
    for hp, onset in p.get("observed", {}).items():
        out.add(("observed", hp))
        if onset:
            out.add(("onset", hp, time_key(onset)))
    for hp in p.get("excluded", []):
        out.add(("excluded", hp))
    return out


def _time(te: Any) -> str | None:
    kind = te.WhichOneof("element")
    if kind == "age":
        return time_key(te.age.iso8601duration)
    if kind == "ontology_class":
        return str(te.ontology_class.id)
    if kind is None:
        return None
    return f"{kind}:{getattr(te, kind)}".replace("\n", " ")


def packet_facts(packet: Any) -> set[Fact]:
    """The comparable facts of one Phenopacket message."""
    from phenopackets import Sex, VitalStatus

    out: set[Fact] = set()
    subject = packet.subject
    sex = Sex.Name(subject.sex)
    if sex != "UNKNOWN_SEX":
        out.add(("sex", sex))
    if subject.HasField("time_at_last_encounter"):
        key = _time(subject.time_at_last_encounter)
        if key:
            out.add(("age", key))
    if subject.HasField("vital_status"):
        status = VitalStatus.Status.Name(subject.vital_status.status)
        if status != "UNKNOWN_STATUS":
            out.add(("vital_status", status))
    for d in packet.diseases:
        out.add(("disease_excluded" if d.excluded else "disease", d.term.id))
        if d.HasField("onset"):
            key = _time(d.onset)
            if key:
                out.add(("disease_onset", d.term.id, key))
    for f in packet.phenotypic_features:
        out.add(("excluded" if f.excluded else "observed", f.type.id))
        if f.HasField("onset"):
            key = _time(f.onset)
            if key:
                out.add(("onset", f.type.id, key))
    for interp in packet.interpretations:
        for gi in interp.diagnosis.genomic_interpretations:
            if gi.WhichOneof("call") == "gene":
                out.add(("gene_only", gi.gene.symbol or gi.gene.value_id))
                continue
            vd = gi.variant_interpretation.variation_descriptor
            exprs = [split_ref(e.value) for e in vd.expressions if e.syntax.lower().startswith("hgvs") or
                     re.match(r"(\S+:)?[cgmnrp]\.", e.value)]
            if not exprs:
                out.add(("variant_without_hgvs", vd.label or vd.id or "?"))
                continue
            nucleotide = [e for e in exprs if e[0][:2] in ("c.", "g.", "n.", "m.", "r.")]
            primary = (nucleotide or exprs)[0][0]
            for e, ref in exprs:
                out.add(("hgvs", e))
                if ref:
                    out.add(("hgvs_ref", e, ref))
            if vd.HasField("allelic_state") and vd.allelic_state.id in GENO:
                out.add(("zygosity", primary, GENO[vd.allelic_state.id]))
            if vd.gene_context.symbol:
                out.add(("gene", primary, vd.gene_context.symbol))
    return out


# ------------------------------------------------------------------------------------------------- conversion
@dataclass
class Run:
    """Packets and findings of one conversion (``error`` when the sheet could not be converted at all)."""

    packets: list[Any] = field(default_factory=list)
    issues: list[Any] = field(default_factory=list)
    error: str | None = None


def convert(sheet: Path, mapping: Path, hpo: Any) -> Run:
    """Convert through the library: ``phenotk.convert`` when present, else the table converter's ``read_sheet``."""
    import phenotk
    from phenotk.errors import InputError, UsageError

    try:
        if hasattr(phenotk, "convert") and callable(phenotk.convert):
            conv = phenotk.convert(str(sheet), mapping=str(mapping), hpo=hpo, validate=False, from_="table")
            items = conv.items()
            issues = [*conv.report.issues]
            for item in items:
                issues.extend(i for i in item.issues if i not in issues)
            run = Run([i.message for i in items if i.message is not None], issues)
            if conv.errors:
                run.error = "; ".join(str(e) for e in conv.errors)
            return run
        from phenotk.conversion.table import read_sheet

        res = read_sheet(sheet, mapping, ontology=hpo)
        return Run(res.packets, res.all_issues)
    except (InputError, UsageError) as exc:
        return Run(error=str(exc))
    except Exception as exc:  # one sheet's crash is a result, not the end of the benchmark
        return Run(error=f"internal error: {type(exc).__name__}: {exc}")


def init_mapping(sheet: Path, hpo_path: Path, out: Path) -> str | None:
    """Write the unedited ``phenotk mapping init`` output for ``sheet`` to ``out``; the error text if it failed."""
    cmd = [sys.executable, "-m", "phenotk", "mapping", "init", str(sheet), "--hpo", str(hpo_path), "-o", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=300)
    if proc.returncode != 0 or not out.is_file():
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        return f"mapping init exit {proc.returncode}: {lines[-1] if lines else ''}"
    return None


# ------------------------------------------------------------------------------------------------- comparison
@dataclass
class PatientScore:
    id: str
    exact: bool
    invented: list[Fact]
    dropped: list[Fact]  # silently
    flagged_missing: list[Fact]


@dataclass
class SheetScore:
    """The comparison of one sheet's conversion with its truth."""

    name: str
    patients: list[PatientScore]
    extra_packets: list[str]
    invented: list[Fact]
    dropped: list[Fact]
    flagged_missing: list[Fact]
    ambiguous: int
    ambiguous_flagged: int
    error: str | None = None

    @property
    def exact(self) -> int:
        return sum(p.exact for p in self.patients)


def _ctx(issue: Any) -> dict[str, Any]:
    return dict(getattr(issue, "context", None) or {})


def _columns(ctx: dict[str, Any]) -> set[str]:
    """The column header(s) a finding names (``"a, b"`` names two)."""
    col = ctx.get("column")
    return {s.strip() for s in str(col).split(",") if s.strip()} if col else set()


def _norm_id(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def compare(truth: dict[str, Any], run: Run) -> SheetScore:
    """Score one conversion against the sheet's truth."""
    name = Path(truth["file"]).stem
    ctxs = [_ctx(i) for i in run.issues]
    by_row: dict[int, list[dict[str, Any]]] = {}
    sheet_level: set[str] = set()
    for c in ctxs:
        row = c.get("row")
        if isinstance(row, int):
            by_row.setdefault(row, []).append(c)
        else:
            sheet_level.update(_columns(c))
    columns = truth.get("fact_columns", {})
    flagged_kinds = {k for k, cols in columns.items() if sheet_level & set(cols)}
    packets: dict[str, Any] = {}
    for pk in run.packets:
        packets.setdefault(_norm_id(pk.subject.id or pk.id), pk)
    seen: set[str] = set()
    scores: list[PatientScore] = []
    for p in truth["patients"]:
        want = truth_facts(p)
        key = _norm_id(p["id"])
        pk = packets.get(key)
        got = packet_facts(pk) if pk is not None else set()
        if pk is not None:
            seen.add(key)
        # a reference sequence the sheet did not state (a mapping default) is not an invented fact
        stated_refs = {f[1] for f in want if f[0] == "hgvs_ref"}
        got = {f for f in got if f[0] != "hgvs_ref" or f[1] in stated_refs}
        invented = sorted(got - want)
        missing = sorted(want - got)
        row_cols: set[str] = set()  # columns named by findings on this patient's rows ("*": a whole-row finding)
        for r in p["rows"]:
            for c in by_row.get(r, []):
                row_cols.update(_columns(c) or {"*"})
        if run.error is not None:
            row_cols.add("*")

        def reported(fact: Fact, row_cols: set[str] = row_cols) -> bool:
            kind = KIND[fact[0]]
            cols = set(columns.get(kind, ()))
            return "*" in row_cols or bool(row_cols & cols) or kind in flagged_kinds

        dropped = [f for f in missing if not reported(f)]
        flagged = [f for f in missing if f not in dropped]
        exact = pk is not None and not invented and not missing
        scores.append(PatientScore(p["id"], exact, invented, dropped, flagged))
    extra = [pid for pid in packets if pid not in seen]
    inv = [f for s in scores for f in s.invented]
    for pid in extra:
        inv += [("packet", pid), *sorted(packet_facts(packets[pid]))]
    amb_flagged = 0
    for a in truth.get("ambiguous", []):
        hits = by_row.get(a["row"], [])
        if any(str(c.get("column", "")) == a["column"] or a["column"] in str(c.get("column", "")).split(", ")
               or (a["value"] and a["value"] in str(c.get("value", ""))) for c in hits):
            amb_flagged += 1
    return SheetScore(name, scores, extra, inv, [f for s in scores for f in s.dropped],
                      [f for s in scores for f in s.flagged_missing], len(truth.get("ambiguous", [])), amb_flagged,
                      run.error)


def load_truths(corpus: Path, only: Iterable[str] = ()) -> list[tuple[dict[str, Any], Path, Path]]:
    """(truth, sheet path, hand mapping path) for every sheet of the corpus (or the ``only`` ones), sorted."""
    wanted = set(only)
    out = []
    for tf in sorted(corpus.glob("*.truth.json")):
        stem = tf.name[: -len(".truth.json")]
        if wanted and stem not in wanted:
            continue
        truth = json.loads(tf.read_text(encoding="utf-8"))
        out.append((truth, corpus / truth["file"], corpus / f"{stem}.mapping.yaml"))
    return out


def evaluate(corpus: Path, hpo: Any, hpo_path: Path | None = None, *, init: bool = True,
             only: Iterable[str] = ()) -> dict[str, list[SheetScore]]:
    """Scores per sheet with the hand mappings (``hand``) and, when ``init``, with ``mapping init`` output."""
    out: dict[str, list[SheetScore]] = {"hand": [], "init": []}
    with tempfile.TemporaryDirectory(prefix="phenotk-sheets-") as tmp:
        for truth, sheet, mapping in load_truths(corpus, only):
            out["hand"].append(compare(truth, convert(sheet, mapping, hpo)))
            if not init:
                continue
            if hpo_path is None:
                raise ValueError("mapping init needs the HPO file path")
            started = Path(tmp) / f"{sheet.stem}.init.yaml"
            problem = init_mapping(sheet, hpo_path, started)
            run = Run(error=problem) if problem else convert(sheet, started, hpo)
            out["init"].append(compare(truth, run))
    return out


# ------------------------------------------------------------------------------------------------------ printing
def totals(scores: list[SheetScore]) -> dict[str, Any]:
    """Corpus totals of a list of sheet scores."""
    n = sum(len(s.patients) for s in scores)
    exact = sum(s.exact for s in scores)
    amb = sum(s.ambiguous for s in scores)
    return {"sheets": len(scores), "patients": n, "exact": exact, "exact_pct": exact / n if n else 0.0,
            "invented": sum(len(s.invented) for s in scores), "dropped": sum(len(s.dropped) for s in scores),
            "flagged_missing": sum(len(s.flagged_missing) for s in scores), "ambiguous": amb,
            "ambiguous_flagged": sum(s.ambiguous_flagged for s in scores),
            "failed_sheets": [s.name for s in scores if s.error]}


def _table(title: str, scores: list[SheetScore], verbose: bool) -> None:
    print(f"\n{title}")
    print(f"  {'sheet':26} {'patients':>8} {'exact':>6} {'%':>6} {'invented':>8} {'dropped':>7} {'flagged':>7} "
          f"{'ambiguous':>9}")
    for s in scores:
        n = len(s.patients)
        pct = 100 * s.exact / n if n else 0.0
        print(f"  {s.name:26} {n:8d} {s.exact:6d} {pct:5.1f}% {len(s.invented):8d} {len(s.dropped):7d} "
              f"{len(s.flagged_missing):7d} {s.ambiguous_flagged:4d}/{s.ambiguous:<4d}"
              + (f"  ERROR {s.error[:80]}" if s.error else ""))
        if verbose:
            for p in s.patients:
                if not p.exact:
                    print(f"      {p.id}: invented {p.invented} dropped {p.dropped} "
                          f"flagged-missing {p.flagged_missing}")
            if s.extra_packets:
                print(f"      packets for no truth patient: {s.extra_packets}")
    t = totals(scores)
    print(f"  {'TOTAL':26} {t['patients']:8d} {t['exact']:6d} {100 * t['exact_pct']:5.1f}% {t['invented']:8d} "
          f"{t['dropped']:7d} {t['flagged_missing']:7d} {t['ambiguous_flagged']:4d}/{t['ambiguous']:<4d}")
    kinds: Counter[str] = Counter()
    for s in scores:
        kinds.update(f"invented {f[0]}" for f in s.invented)
        kinds.update(f"dropped {f[0]}" for f in s.dropped)
        kinds.update(f"flagged-missing {f[0]}" for f in s.flagged_missing)
    if kinds:
        print("  most frequent misses: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common(8)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hpo", type=Path, default=default_hpo(), help="HPO file (default: shared data hp.json)")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--only", nargs="*", default=[], help="sheet names (file stems) to run")
    ap.add_argument("--no-init", action="store_true", help="skip the mapping-init comparison")
    ap.add_argument("--check", action="store_true", help="exit 1 when a floor is missed")
    ap.add_argument("--json", type=Path, help="also write the totals as JSON here")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the facts each inexact patient misses")
    args = ap.parse_args(argv)
    if not args.hpo.is_file():
        print(f"HPO file not found: {args.hpo} (use --hpo or PHENOTK_SHARED_DATA)", file=sys.stderr)
        return 2
    from phenotk.ontology import load_ontology

    hpo = load_ontology(args.hpo)
    scores = evaluate(args.corpus, hpo, args.hpo, init=not args.no_init, only=args.only)
    _table("hand-written mappings", scores["hand"], args.verbose)
    hand = totals(scores["hand"])
    result: dict[str, Any] = {"hpo": getattr(hpo, "version", None), "hand": hand}
    ok = (hand["exact_pct"] >= FLOORS["hand_exact"] and hand["invented"] <= FLOORS["hand_invented"]
          and hand["dropped"] <= FLOORS["hand_dropped"])
    print(f"  floors: exact >= 95 % {'met' if hand['exact_pct'] >= 0.95 else 'MISSED'}, invented 0 "
          f"{'met' if hand['invented'] == 0 else 'MISSED'}, dropped 0 {'met' if hand['dropped'] == 0 else 'MISSED'}")
    if scores["init"]:
        _table("unedited `phenotk mapping init` output", scores["init"], args.verbose)
        init = totals(scores["init"])
        result["init"] = init
        ok = ok and init["exact_pct"] >= FLOORS["init_exact"]
        print(f"  floor: exact >= 60 % {'met' if init['exact_pct'] >= 0.60 else 'MISSED'}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
