"""``phenotk fix`` then ``phenotk validate`` converge: a fix never writes what the next validation reports.

``meta-undeclared-prefix`` suggests a resource entry for a well-known namespace. Its ``version`` can only come
from a loaded ontology: ``fix --unsafe`` used to add the entry with ``"version": ""``, which the re-validation
then reported as ``meta-resource-incomplete`` (and no later ``fix`` could repair). Now such an entry is not
applied, the file says why, and fixing twice changes nothing the second time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from phenotk.cli.app import main


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out, out.err


def _packet() -> dict[str, Any]:
    """A synthetic phenopacket using HP, MONDO and NCIT ids with only an OMIM resource declared."""
    return {
        "id": "case-1",
        "subject": {"id": "patient-1", "sex": "FEMALE"},
        "phenotypicFeatures": [
            {"type": {"id": "HP:0001250", "label": "Seizure"}},
            {
                "type": {"id": "HP:0001263", "label": "Global developmental delay"},
                "modifiers": [{"id": "NCIT:C46113", "label": "Familial"}],
            },
        ],
        "diseases": [{"term": {"id": "MONDO:0007947", "label": "Marfan syndrome"}}],
        "metaData": {
            "created": "2024-01-01T00:00:00Z",
            "createdBy": "test",
            "phenopacketSchemaVersion": "2.0",
            "resources": [
                {
                    "id": "omim",
                    "name": "Online Mendelian Inheritance in Man",
                    "url": "https://www.omim.org",
                    "version": "2024-01-01",
                    "namespacePrefix": "OMIM",
                    "iriPrefix": "https://www.omim.org/entry/",
                }
            ],
        },
    }


def _rules(capsys: pytest.CaptureFixture[str], path: Path, *opts: str) -> list[dict[str, Any]]:
    _code, out, _err = _cli(capsys, "validate", *opts, "-f", "jsonl", "--fail-on", "never", str(path))
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_unsafe_fix_adds_no_resource_without_a_version(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    p = tmp_path / "case.json"
    p.write_text(json.dumps(_packet(), indent=2))
    before = p.read_bytes()
    _code, _out, err = _cli(capsys, "fix", "--no-hpo", "--unsafe", "-i", str(p))
    assert p.read_bytes() == before, "a resource without its release was written"
    # the file says why each undeclared prefix stays, and how to get it fixed
    for prefix, how in (("HP", "--hpo FILE"), ("MONDO", "--ontology MONDO=FILE"), ("NCIT", "--ontology NCIT=FILE")):
        assert f"the release of {prefix} is not known" in err and how in err, err
    rules = {r["rule"] for r in _rules(capsys, p, "--no-hpo")}
    assert "meta-resource-incomplete" not in rules and "meta-undeclared-prefix" in rules


def test_fix_unsafe_twice_is_idempotent_and_adds_only_known_releases(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, hp_json: tuple[Path, Any]
) -> None:
    p = tmp_path / "case.json"
    p.write_text(json.dumps(_packet(), indent=2))
    hpo = ("--hpo", str(hp_json[0]))
    _cli(capsys, "fix", *hpo, "--unsafe", "-i", str(p))
    first = p.read_bytes()
    resources = json.loads(first)["metaData"]["resources"]
    assert [r["namespacePrefix"] for r in resources] == ["OMIM", "HP"]
    assert resources[1]["version"] == "2025-05-06"  # the loaded release: the one entry whose version is known
    found = _rules(capsys, p, *hpo)
    assert not [r for r in found if r["rule"] == "meta-resource-incomplete"], found
    assert {r["message"].split("'")[1] for r in found if r["rule"] == "meta-undeclared-prefix"} == {"MONDO", "NCIT"}
    _code, _out, err = _cli(capsys, "fix", *hpo, "--unsafe", "-i", str(p))
    assert p.read_bytes() == first, "the second fix --unsafe changed the file again"
    assert "0 fix(es) applied" in err, err


def test_an_ontology_loaded_for_the_prefix_completes_the_resource(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fixtures_dir: Path
) -> None:
    data = _packet()
    data["phenotypicFeatures"] = []
    data["diseases"] = [{"term": {"id": "MONDO:0000002", "label": "test disease one"}}]
    p = tmp_path / "case.json"
    p.write_text(json.dumps(data, indent=2))
    mondo = ("--ontology", f"MONDO={fixtures_dir / 'fix' / 'mini-mondo.obo'}")
    _cli(capsys, "fix", "--no-hpo", *mondo, "--unsafe", "-i", str(p))
    (res,) = [r for r in json.loads(p.read_text())["metaData"]["resources"] if r["namespacePrefix"] == "MONDO"]
    assert res["version"] == "2025-01-01"
    assert not [r for r in _rules(capsys, p, "--no-hpo", *mondo) if r["rule"].startswith("meta-")]


def test_stripping_a_blank_from_an_id_reveals_no_new_finding(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # v2-examples' marfan: curie-syntax strips "OMIM:154700 "; the undeclared OMIM prefix is reported before the fix
    # too, so the run after the fix finds nothing the run before it had not
    data = _packet()
    data["diseases"] = [{"term": {"id": "MONDO:0007947 ", "label": "Marfan syndrome"}}]
    p = tmp_path / "case.json"
    p.write_text(json.dumps(data, indent=2))
    before = {(r["rule"], r["pointer"]) for r in _rules(capsys, p, "--no-hpo")}
    _cli(capsys, "fix", "--no-hpo", "--unsafe", "-i", str(p))
    assert json.loads(p.read_text())["diseases"][0]["term"]["id"] == "MONDO:0007947"
    after = {(r["rule"], r["pointer"]) for r in _rules(capsys, p, "--no-hpo")}
    assert after <= before, after - before
