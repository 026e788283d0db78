"""Cohort summary and DataFrames on the whole public store, checked against an independent raw-JSON count."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import orjson
import pytest

import phenotk
from phenotk.analysis import CohortView, read_cohort

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def hpo(hpo_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    import os

    os.environ.setdefault("PHENOTK_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    return phenotk.load_ontology(str(hpo_dir / "hp.json"))


@pytest.fixture(scope="module")
def cohort(store_dir: Path, hpo) -> CohortView:
    return read_cohort(store_dir, hpo=hpo)


@pytest.fixture(scope="module")
def raw_counts(store_files: list[Path]) -> dict[str, Counter[str]]:
    """Counted straight from the JSON text (no protobuf, no phenotk): packets per term and status."""
    observed: Counter[str] = Counter()
    excluded: Counter[str] = Counter()
    sex: Counter[str] = Counter()
    features = 0
    for path in store_files:
        data = orjson.loads(path.read_bytes())
        sex[data.get("subject", {}).get("sex", "UNKNOWN_SEX")] += 1
        feats = data.get("phenotypicFeatures", [])
        features += len(feats)
        observed.update({f["type"]["id"] for f in feats if not f.get("excluded")})
        excluded.update({f["type"]["id"] for f in feats if f.get("excluded")})
    return {"observed": observed, "excluded": excluded, "sex": sex, "features": Counter(n=features)}


@pytest.mark.slow
def test_summary_agrees_with_independent_count(cohort: CohortView, raw_counts, store_files) -> None:
    assert not cohort.errors
    summary = cohort.summary()
    assert summary.packets == len(store_files)
    assert summary.sex == dict(raw_counts["sex"])
    # the direct counts (packets listing exactly that id) are unchanged by propagation
    got_obs = {t.id: t.observed_direct for t in summary.terms if t.observed_direct}
    got_exc = {t.id: t.excluded_direct for t in summary.terms if t.excluded_direct}
    assert got_obs == dict(raw_counts["observed"])
    assert got_exc == dict(raw_counts["excluded"])
    assert summary.features_observed + summary.features_excluded == raw_counts["features"]["n"]
    # sorted by observed count, most first
    assert [t.observed for t in summary.terms] == sorted((t.observed for t in summary.terms), reverse=True)


@pytest.mark.slow
def test_organ_system_roll_up(cohort: CohortView, hpo) -> None:
    summary = cohort.summary()
    systems = {t.id: t for t in summary.organ_systems}
    assert set(systems) == set(hpo.children("HP:0000118"))
    # every packet observing a seizure term counts under the nervous system
    nervous = systems["HP:0000707"]
    seizure_packets = sum(
        1
        for p in cohort
        if any(
            not f.excluded
            and hpo.primary_id(f.type.id)
            and hpo.is_descendant_of(hpo.primary_id(f.type.id), "HP:0001250")
            for f in p.phenotypic_features
        )
    )
    assert nervous.observed >= seizure_packets > 100
    assert all(t.observed + t.excluded <= summary.packets for t in summary.organ_systems)
    # ids newer than HPO 2025-05-06 are reported, not silently rolled up
    assert summary.not_in_release and all(not hpo.contains(t) for t in summary.not_in_release)


@pytest.mark.slow
def test_dataframes_have_one_row_per_packet_or_feature(cohort: CohortView, raw_counts) -> None:
    wide = phenotk.to_dataframe(cohort.packets, layout="wide")
    long = phenotk.to_dataframe(cohort.packets, layout="long")
    assert len(wide) == len(cohort)
    assert len(long) == raw_counts["features"]["n"]


def test_plots_render(cohort_small: CohortView, tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    summary = cohort_small.summary(top=5)
    ax = summary.plot_terms()
    assert len(ax.patches) == 2 * min(5, len(summary.terms))
    ax.figure.savefig(tmp_path / "terms.png")
    ax = summary.plot_onsets()
    ax.figure.savefig(tmp_path / "onsets.png")
    assert (tmp_path / "terms.png").stat().st_size > 1000
    plt.close("all")


@pytest.fixture()
def cohort_small(store_dir: Path, hpo) -> CohortView:
    return read_cohort([store_dir / "FBN1", store_dir / "KCNT1"], hpo=hpo)


def test_reprs(cohort_small: CohortView) -> None:
    html = cohort_small._repr_html_()
    assert f"{len(cohort_small)} phenopackets" in html and "Organ systems" in html
    card = phenotk.show(cohort_small.packets[0])._repr_html_()
    assert cohort_small.packets[0].id in card
    report = phenotk.Report(
        results=[
            phenotk.Result(
                path="a.json",
                issues=[phenotk.Issue("X001", "some-rule", phenotk.Severity.ERROR, "bad <value>", "/id", 1, 2)],
            )
        ]
    )
    assert "bad &lt;value&gt;" in report._repr_html_()


def test_summarize_cli_json(store_dir: Path, hpo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "phenotk",
            "summarize",
            str(store_dir / "FBN1"),
            "--hpo",
            str(hpo_dir / "hp.json"),
            "--format",
            "json",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**__import__("os").environ, "PHENOTK_CACHE_DIR": str(tmp_path)},
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    n = len(list((store_dir / "FBN1").glob("*.json")))
    assert data["packets"] == n
    assert data["hpo_version"] == "2025-05-06"
    assert sum(data["sex"].values()) == n


def test_summarize_of_nothing_readable_prints_the_errors_only(tmp_path: Path) -> None:
    # `phenotk summarize missing/` printed "0 phenopackets; …" and an empty term table under the error
    proc = subprocess.run([sys.executable, "-m", "phenotk", "summarize", str(tmp_path / "missing"), "--no-hpo"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stdout == "" and "no such file or directory" in proc.stderr
