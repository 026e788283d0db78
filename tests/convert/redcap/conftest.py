"""Fixtures for the REDCap converter: the shared REDCap corpora (read in place) and the mini fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
MAPPINGS = REPO / "mappings"


@pytest.fixture(scope="session")
def redcap_dir(shared_data: Path) -> Path:
    """``../shared/data/redcap``."""
    return shared_data / "redcap"


@pytest.fixture(scope="session")
def mini_dir(fixtures_dir: Path) -> Path:
    """Hand-made REDCap fixtures."""
    return fixtures_dir / "redcap"


@pytest.fixture(scope="session")
def rarelink(redcap_dir: Path):
    """The RareLink evaluation cohort converted with the preset (no HPO index needed: the terms are ids)."""
    from phenotk.conversion.redcap import convert_export

    d = redcap_dir / "rarelink"
    return convert_export(
        d / "evaluation_cohort_redcap_export.json",
        MAPPINGS / "redcap-rarelink.yaml",
        dictionary=d / "rarelink_cdm_datadictionary_v2_0_5.csv",
    )


@pytest.fixture(scope="session")
def erker(redcap_dir: Path):
    """The ERKER synthetic export converted with the preset (no dictionary is shipped)."""
    from phenotk.conversion.redcap import convert_export

    return convert_export(redcap_dir / "erker" / "sdv_synthetic_data_redcap_export.csv", MAPPINGS / "redcap-erker.yaml")


@pytest.fixture(scope="session")
def convert_pheno(redcap_dir: Path):
    """The Convert-Pheno 3TR example; the dictionary is found next to the export."""
    from phenotk.conversion.redcap import convert_export

    return convert_export(redcap_dir / "convert-pheno" / "redcap_data.csv", MAPPINGS / "redcap-convert-pheno.yaml")


@pytest.fixture(scope="session")
def hpo(hpo_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """The real HPO index from hp.json, cached in a temp dir."""
    from phenotk.ontology import load_ontology

    old = os.environ.get("PHENOTK_CACHE_DIR")
    os.environ["PHENOTK_CACHE_DIR"] = str(tmp_path_factory.mktemp("hpo-cache"))
    try:
        return load_ontology(hpo_dir / "hp.json")
    finally:
        if old is None:
            os.environ.pop("PHENOTK_CACHE_DIR", None)
        else:
            os.environ["PHENOTK_CACHE_DIR"] = old
