"""Typed frames: dtypes, pd.NA where a packet states nothing, numbers checked against the raw JSON, round trips."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import orjson
import pandas as pd
import pytest
from phenopackets import Sex

import phenotk
from phenotk.analysis import read_cohort
from phenotk.analysis.frames import term_matrix
from phenotk.conversion.table import to_dataframe as text_table

GENES = ["LMNA", "FBN1", "SPTAN1"]
CREATED = "2026-01-01T00:00:00Z"


def _iso_years(iso: str) -> float | None:
    m = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?", iso)
    if not m or not any(m.groups()):
        return None
    y, mo, w, d = (int(g or 0) for g in m.groups())
    return y + mo / 12 + (7 * w + d) / 365.25


@pytest.fixture(scope="module")
def packets(store_dir: Path):
    return read_cohort([store_dir / g for g in GENES]).packets


@pytest.fixture(scope="module")
def raw(store_dir: Path) -> dict[str, dict]:
    out = {}
    for g in GENES:
        for f in sorted((store_dir / g).glob("*.json")):
            d = orjson.loads(f.read_bytes())
            out[d["id"]] = d
    return out


def test_wide_frame_dtypes_missing_values_and_numbers(packets, raw) -> None:
    df = phenotk.to_dataframe(packets, layout="wide")
    assert len(df) == len(raw) and df["packet_id"].is_unique
    assert isinstance(df["sex"].dtype, pd.CategoricalDtype)
    assert list(df["sex"].cat.categories) == ["male", "female", "other", "unknown"]
    assert isinstance(df["vital_status"].dtype, pd.CategoricalDtype)
    assert df["packet_id"].dtype == "string" and df["age_at_last_encounter"].dtype == "string"
    assert df["age_years"].dtype == "Float64" and df["disease_1_onset_age_years"].dtype == "Float64"
    assert df["disease_1_onset_term"].dtype == "string"
    matrix = term_matrix(df)
    assert len(matrix.columns) > 100 and all(str(t) == "boolean" for t in matrix.dtypes)
    # every value checked against the raw JSON
    for pid, row_age, row_iso, row_vital in zip(df["packet_id"], df["age_years"], df["age_at_last_encounter"],
                                                df["vital_status"], strict=True):
        subject = raw[pid]["subject"]
        iso = subject.get("timeAtLastEncounter", {}).get("age", {}).get("iso8601duration")
        if iso is None:
            assert pd.isna(row_age) and pd.isna(row_iso)  # isna() finds the missing values
        else:
            assert row_iso == iso and row_age == pytest.approx(_iso_years(iso), abs=2e-3)
        status = subject.get("vitalStatus", {}).get("status")
        assert (pd.isna(row_vital) and status is None) or row_vital == status.lower().replace("unknown_status",
                                                                                               "unknown")
    expected_cells = 0
    for pid, data in raw.items():
        feats = {f["type"]["id"]: not f.get("excluded", False) for f in data.get("phenotypicFeatures", [])}
        expected_cells += len(feats)
        got = matrix.loc[pid]
        assert {t: bool(v) for t, v in got.dropna().items()} == feats
    assert int(matrix.notna().sum().sum()) == expected_cells
    assert int(matrix.isna().sum().sum()) == matrix.size - expected_cells
    # observed features with an onset keep it (the matrix cannot)
    with_onset = {(d["id"], f["type"]["id"]) for d in raw.values() for f in d.get("phenotypicFeatures", [])
                  if not f.get("excluded") and "onset" in f}
    got_onsets = {(pid, t) for pid, o in zip(df["packet_id"], df["feature_onsets"], strict=True)
                  if isinstance(o, dict) for t in o}
    assert got_onsets == with_onset


def test_long_frame_splits_onsets(packets, raw) -> None:
    df = phenotk.to_dataframe(packets, layout="long")
    assert list(df["status"].cat.categories) == ["observed", "excluded"]
    assert df["onset_age_years"].dtype == "Float64" and df["onset_term"].dtype == "string"
    n_features = sum(len(d.get("phenotypicFeatures", [])) for d in raw.values())
    assert len(df) == n_features
    for _, r in df[df["onset"].notna()].iterrows():
        years = _iso_years(r["onset"]) if r["onset"].startswith("P") else None
        if years is not None:
            assert r["onset_age_years"] == pytest.approx(years, abs=2e-3) and pd.isna(r["onset_term"])
        else:
            assert pd.isna(r["onset_age_years"]) and r["onset_term"] == r["onset"]
    assert df["onset_age_years"].notna().any() and df["onset_term"].notna().any()
    # no '' anywhere: missing is NA
    text = df.select_dtypes(include="string")
    assert not (text == "").any().any()


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_typed_frame_round_trips(packets, layout: str) -> None:
    typed = phenotk.to_dataframe(packets, layout=layout)
    back = phenotk.from_dataframe(typed, f"phenotk-{layout}", created=CREATED)
    via_text = phenotk.from_dataframe(text_table(packets, layout=layout), f"phenotk-{layout}", created=CREATED)
    assert back.packets == via_text.packets and len(back.packets) == len(packets)
    assert [i.code for i in back.all_issues] == [i.code for i in via_text.all_issues]
    pd.testing.assert_frame_equal(phenotk.to_dataframe(back.packets, layout=layout), typed)
    # a copy that lost df.attrs (parquet, user code) still reads back: the boolean term columns give it away
    bare = typed.copy()
    bare.attrs = {}
    if layout == "wide":
        again = phenotk.from_dataframe(bare, "phenotk-wide", created=CREATED)
        assert again.packets == back.packets
    # a filtered frame reads back to the filtered packets
    some = typed[typed["sex"] == "female"]
    assert len(phenotk.from_dataframe(some, f"phenotk-{layout}", created=CREATED).packets) == len(
        {p.id for p in packets if p.subject.sex == Sex.FEMALE}
    )


def test_from_dataframe_takes_hpo_and_the_old_keyword(packets, hpo) -> None:
    df = phenotk.to_dataframe(packets[:5])
    new = phenotk.from_dataframe(df, "phenotk-wide", hpo=hpo, created=CREATED)
    with pytest.warns(DeprecationWarning, match="hpo="):
        old = phenotk.from_dataframe(df, "phenotk-wide", ontology=hpo, created=CREATED)
    assert new.packets == old.packets
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        phenotk.from_dataframe(df, "phenotk-wide", hpo=hpo, created=CREATED)


@pytest.mark.slow
def test_store_wide_frame_is_a_boolean_matrix(store_dir: Path, raw_store) -> None:
    df = read_cohort(store_dir).to_dataframe()
    assert len(df) == len(raw_store)
    matrix = term_matrix(df)
    n_features = sum(len(d.get("phenotypicFeatures", [])) for d in raw_store)
    assert int(matrix.notna().sum().sum()) == n_features
    assert df["age_years"].notna().sum() > 0.5 * len(df)


def test_to_dataframe_reads_paths_and_refuses_what_is_no_packet(store_dir: Path) -> None:
    folder = store_dir / "FBN1"
    files = sorted(folder.glob("*.json"))
    from_messages = phenotk.to_dataframe([phenotk.read(f) for f in files[:5]])
    from_paths = phenotk.to_dataframe([str(f) for f in files[:5]])
    assert len(from_paths) == 5  # a list of path strings gave an empty frame before, without a word
    pd.testing.assert_frame_equal(from_paths, from_messages)
    assert len(phenotk.to_dataframe(folder)) == len(files)
    with pytest.raises(TypeError, match="not int"):
        phenotk.to_dataframe([1, 2])


def test_from_dataframe_takes_a_frame_indexed_by_packet_id(store_dir: Path) -> None:
    files = sorted((store_dir / "FBN1").glob("*.json"))[:5]
    df = phenotk.to_dataframe(files)
    plain = phenotk.from_dataframe(df, "phenotk-wide", hpo=False)
    indexed = phenotk.from_dataframe(df.set_index("packet_id"), "phenotk-wide", hpo=False)  # raised InputError
    assert [p.id for p in indexed.packets] == [p.id for p in plain.packets] and len(plain.packets) == 5
