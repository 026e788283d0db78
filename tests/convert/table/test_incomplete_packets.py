"""map-incomplete-packets: what no cell states, said once per sheet in the sheet's and the mapping's terms.

A hospital sheet with a gene and zygosity but no disease and no HGNC id makes packets the validator rejects on
every row (meta-resource-incomplete, schema-required); the converter names the gap once, with the mapping key
that fills it, and the gap closes when the mapping states it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from phenotk.cli.app import main
from phenotk.conversion.table import from_dataframe

SHEET = pd.DataFrame(
    {
        "Patient": ["P1", "P2", "P3"],
        "Seizure (HP:0001250)": ["yes", "no", "yes"],
        "Gene": ["CDKL5", "MECP2", ""],
        "cDNA": ["NM_003159.3:c.145+1G>A", "NM_004992.4:c.473C>T", ""],
        "Zygosity": ["het", "hemizygous", ""],
    }
)
MAPPING: dict[str, Any] = {
    "phenotk_mapping": 1,
    "subject": {"id": "Patient"},
    "phenotypes": {"wide": {"columns": "auto"}},
    "variants": {"hgvs": "cDNA", "gene_symbol": "Gene", "zygosity": "Zygosity"},
}


def _tail(df: pd.DataFrame, mapping: dict[str, Any]) -> list[Any]:
    res = from_dataframe(df, mapping)
    assert len(res.packets) == len(df)
    assert all(i.rule != "map-incomplete-packets" for i in res.all_issues)  # never per row
    return res.tail


def test_gaps_are_named_once_with_the_mapping_key() -> None:
    (found,) = _tail(SHEET, MAPPING)
    assert found.rule == "map-incomplete-packets" and found.severity.value == "warning"
    assert found.context["prefixes"] == ["GENO", "HP"]  # no HPO loaded: the HP release is unknown too
    assert found.context["genes"] == ["CDKL5", "MECP2"]
    msg = found.message
    assert "2 packet(s) have variants but no disease (rows 2, 3)" in msg
    assert 'resource_versions: {HP: "<release>", GENO: "<release>"}' in msg and "variants: {hgnc_id: …}" in msg


def test_stating_what_was_missing_closes_the_gap() -> None:
    df = SHEET.assign(HGNC=["HGNC:11411", "HGNC:6990", ""], Disease=["OMIM:300672", "OMIM:312750", ""])
    mapping = {
        **MAPPING,
        "variants": {**MAPPING["variants"], "hgnc_id": "HGNC"},
        "diseases": {"id": "Disease"},
        "metadata": {"resource_versions": {"GENO": "2025-07-25", "HGNC": "2025-06-01", "OMIM": "2025-06-01"}},
    }
    found = _tail(df, mapping)
    # only HP is left: no HPO was loaded, so its release is unknown too, and said so
    assert [f.context["prefixes"] for f in found] in ([], [["HP"]])
    assert all("no disease" not in f.message and "HGNC id" not in f.message for f in found)
    mapping["metadata"]["resource_versions"]["HP"] = "2025-05-06"
    assert _tail(df, mapping) == []


def test_the_cli_says_it_once_after_the_packets(tmp_path: Path, capsys: Any) -> None:
    import yaml

    sheet = tmp_path / "clinic.csv"
    SHEET.to_csv(sheet, index=False)
    mapping = tmp_path / "m.yaml"
    mapping.write_text(yaml.safe_dump(MAPPING), encoding="utf-8")
    try:
        main(["convert", str(sheet), "-m", str(mapping), "--no-hpo", "-o", f"{tmp_path}/out/", "--fail-on", "never"])
    except SystemExit as exc:
        assert exc.code == 0
    err = capsys.readouterr().err.splitlines()
    lines = [i for i, line in enumerate(err) if "map-incomplete-packets" in line]
    assert len(lines) == 1 and err[lines[0]].startswith(f"{sheet}: warning map-incomplete-packets:")
    assert lines[0] > max(i for i, line in enumerate(err) if ":row 3:" in line)  # after every packet's findings
