"""The library conversion pipeline ``phenotk.convert`` and the CLI built on it (one path, one report)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

import phenotk
from phenotk import catalog
from phenotk.errors import UsageError

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
MAPPINGS = REPO / "mappings"
FIXTURES = REPO / "tests" / "fixtures"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "phenotk", *args], capture_output=True, text=True, cwd=cwd, timeout=600
    )


def test_convert_is_a_public_function_and_streams_examples() -> None:
    assert "convert" in phenotk.__all__ and callable(phenotk.convert)
    conv = phenotk.convert(EXAMPLES, validate=False)
    ids = sorted(getattr(m, "id", "") for m in conv.messages())
    # the three Phenopacket documents; the sheet in the folder needs a mapping and is reported, not guessed
    assert len(ids) == 3
    skipped = [i for i in conv.report.issues if i.rule == "convert-skipped-file"]
    assert len(skipped) == 1 and "needs a mapping" in skipped[0].message
    assert conv.exit_code() == 0


def test_a_named_sheet_without_mapping_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="needs a mapping"):
        phenotk.convert(EXAMPLES / "curation-sheet.csv").messages()


def test_templates_folder_and_glob_convert(shared_data: Path, hpo_dir: Path, tmp_path: Path) -> None:
    folder = shared_data / "templates" / "FBN1"
    hpo = phenotk.load_hpo(hpo_dir / "hp.json")
    by_folder = phenotk.convert(folder, hpo=hpo, validate=False)
    packets = by_folder.messages()
    json_only = phenotk.convert(str(folder / "*_individuals.json"), hpo=hpo, validate=False).messages()
    n_json = sum(len(json.loads(p.read_text())["rows"]) for p in folder.glob("*_individuals.json"))
    assert len(json_only) == n_json > 0
    assert len(packets) > len(json_only)  # the folder adds the .xlsx templates
    # supplementary input sheets in the folder are not templates: reported as skipped, never silently
    skipped = {r.path for r in by_folder.report.results if any(i.rule == "convert-skipped-file" for i in r.issues)}
    assert skipped == {str(p) for p in (folder / "supplementary").glob("*.xlsx")}
    out = tmp_path / "out"
    written = phenotk.convert(str(folder / "*_individuals.json"), hpo=hpo, validate=False, output=f"{out}/").written
    assert written == n_json == len(list(out.iterdir()))


def test_missing_inputs_are_unreadable_findings_not_exceptions(tmp_path: Path) -> None:
    errors: list[str] = []
    conv = phenotk.convert([tmp_path / "nope.json", str(tmp_path / "*.xlsx")], on_error=lambda e: errors.append(str(e)))
    assert conv.messages() == []
    assert [i.rule for i in conv.report.issues] == ["input-unreadable", "input-unreadable"]
    assert len(errors) == 2 and conv.exit_code() == 2


def _write_config(path: Path) -> Path:
    path.write_text('[tool.phenotk]\nprofile = "rare-disease"\nignore = ["recommended-missing"]\n', encoding="utf-8")
    return path


def test_convert_validates_like_validate_under_one_config(hpo_dir: Path, tmp_path: Path) -> None:
    """Packets converted from a sheet get the same validation findings as ``validate`` gives on the written files."""
    cfg = _write_config(tmp_path / "pyproject.toml")
    hpo = phenotk.load_hpo(hpo_dir / "hp.json")
    conv = phenotk.convert(
        EXAMPLES / "curation-sheet.csv",
        mapping=MAPPINGS / "generic-wide.yaml",
        hpo=hpo,
        config=cfg,
        output=f"{tmp_path}/out/",
        created="2025-01-01T00:00:00Z",
    )
    validation_codes = {i.code for i in conv.report.issues} - {ft.code for ft in catalog.entries() if ft.group in (
        "mapping", "conversion")}
    assert validation_codes, "the example sheet has validation findings"
    assert "recommended-missing" not in {i.rule for i in conv.report.issues}  # the config's ignore applies

    def key(issue: phenotk.Issue) -> tuple[str, str, str, str]:
        return (issue.code, issue.severity.value, issue.pointer, issue.message)

    from_convert = {}
    for result in conv.report.results:
        issues = {key(i) for i in result.issues if i.code in validation_codes or catalog.get(i.code) is None
                  or catalog.get(i.code).group not in ("mapping", "conversion")}  # type: ignore[union-attr]
        if issues:
            from_convert[result.id] = issues
    report = phenotk.validate(sorted((tmp_path / "out").glob("*.json")), hpo=hpo, config=cfg)
    # converted packets are written with their REQUIRED defaults stated, so the written files say what the
    # messages said (required-default has nothing to report on either side)
    from_validate = {r.id: {key(i) for i in r.issues} for r in report.results if r.issues}
    assert "required-default" not in {i.rule for i in report.issues}
    assert from_convert == from_validate


def test_cli_report_in_every_format_by_extension(hpo_dir: Path, tmp_path: Path) -> None:
    schema = json.loads((FIXTURES / "report" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    base = ["convert", str(EXAMPLES / "curation-sheet.csv"), "-m", str(MAPPINGS / "generic-wide.yaml"),
            "--hpo", str(hpo_dir / "hp.json"), "--fail-on", "never"]
    for name in ("r.sarif", "r.json", "r.jsonl", "r.csv", "r.xml", "r.html"):
        proc = run(*base, "-o", f"{tmp_path}/{name}.d/", "--report", str(tmp_path / name))
        assert proc.returncode == 0, proc.stderr
    sarif = json.loads((tmp_path / "r.sarif").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(sarif)
    rule_ids = {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert "MAP001" in rule_ids  # a conversion finding, with its catalog help
    help_text = {r["id"]: r.get("help", {}).get("text", "") for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert "What to do" in help_text["MAP001"]
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["files"] >= 3
    assert (tmp_path / "r.xml").read_text().startswith("<?xml")
    # an existing report is never replaced without --force, and that is checked before any work
    proc = run(*base, "-o", f"{tmp_path}/again/", "--report", str(tmp_path / "r.json"))
    assert proc.returncode == 2 and "exists" in proc.stderr and not (tmp_path / "again").exists()
    proc = run(*base, "-o", f"{tmp_path}/again/", "--report", str(tmp_path / "r.unknown"))
    assert proc.returncode == 2 and "report format" in proc.stderr


def test_quiet_hides_info_lines(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / "templates" / "FBN1" / "FBN1_MFS_individuals.json"
    loud = run("convert", str(src), "-o", f"{tmp_path}/a/", "--no-validate")
    quiet = run("convert", str(src), "-o", f"{tmp_path}/b/", "--no-validate", "-q")
    assert loud.returncode == quiet.returncode == 0
    assert ": info " in loud.stderr and ": info " not in quiet.stderr


def test_upgrade_is_convert_from_v1(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / "v1" / "exomiser__minimal_phenopacket.json"
    up = run("upgrade", str(src), "-o", f"{tmp_path}/up/")
    cv = run("convert", str(src), "--from", "v1", "--no-validate", "-o", f"{tmp_path}/cv/")
    assert up.returncode == cv.returncode == 0, up.stderr + cv.stderr
    a = (tmp_path / "up" / "exomiser__minimal_phenopacket.json").read_text()
    b = (tmp_path / "cv" / "exomiser__minimal_phenopacket.json").read_text()
    assert json.loads(a) == json.loads(b) and json.loads(a)["subject"]["id"]


def test_unknown_sex_stated_by_the_sheet_is_written(tmp_path: Path) -> None:
    """UNKNOWN_SEX is the proto3 default: the pipeline writes it when the sheet said "unknown", not otherwise."""
    sheet = tmp_path / "s.csv"
    sheet.write_text("Patient,Sex,Seizure\nP1,unknown,yes\nP2,,yes\nP3,female,no\n", encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "phenotk_mapping: 1\nid: Patient\nsubject:\n  id: Patient\n  sex: Sex\n"
        "phenotypes:\n  wide:\n    terms: {Seizure: HP:0001250}\n",
        encoding="utf-8",
    )
    for fmt in ("json", "yaml"):
        out = tmp_path / fmt
        phenotk.convert(sheet, mapping=mapping, hpo=False, validate=False, output=f"{out}/", to=fmt)
        written = {p.stem: phenotk.io.load_tree(p) for p in out.iterdir()}
        assert written["P1"]["subject"]["sex"] == "UNKNOWN_SEX"
        assert "sex" not in written["P2"]["subject"]
        assert written["P3"]["subject"]["sex"] == "FEMALE"


def test_mapping_hints_and_config_annotations_reach_the_report(shared_data: Path, tmp_path: Path) -> None:
    """A `#` that cut a mapping value is a located finding; `annotations =` in the config fills disease labels."""
    sheet = tmp_path / "s.csv"
    sheet.write_text("Patient,Diagnosis\nP1,OMIM 614959\n", encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "phenotk_mapping: 1\nid: Patient\nsubject:\n  id: Patient\ndiseases:\n  id: Diagnosis\n"
        "ignore_columns:\n  - Notes #1\n",
        encoding="utf-8",
    )
    cfg = tmp_path / "phenotk.toml"
    cfg.write_text(f'[tool.phenotk]\nannotations = "{shared_data / "hpo" / "phenotype.hpoa.gz"}"\n', encoding="utf-8")
    conv = phenotk.convert(sheet, mapping=mapping, hpo=False, config=cfg)
    [packet] = conv.messages()
    assert packet.diseases[0].term.id == "OMIM:614959" and packet.diseases[0].term.label
    hints = [(r.path, i) for r in conv.report.results for i in r.issues if i.rule == "map-mapping-hint"]
    assert len(hints) == 1 and hints[0][0] == str(mapping) and hints[0][1].line == 8


def test_cross_document_rules_see_every_converted_packet(tmp_path: Path) -> None:
    """Packets are validated one by one as they stream; id-duplicate still sees the whole run."""
    sheet = EXAMPLES / "curation-sheet.csv"
    copy = tmp_path / "again.csv"
    copy.write_bytes(sheet.read_bytes())
    conv = phenotk.convert([sheet, copy], mapping=MAPPINGS / "generic-wide.yaml", hpo=False)
    n = len(conv.messages())
    dup = [r.id for r in conv.report.results for i in r.issues if i.rule == "id-duplicate"]
    assert n == 6 and len(dup) >= 3  # every packet id of the second sheet repeats one of the first
    single = phenotk.convert(sheet, mapping=MAPPINGS / "generic-wide.yaml", hpo=False)
    single.messages()
    assert not [i for i in single.report.issues if i.rule == "id-duplicate"]


def test_a_mapping_given_for_a_phenopacket_file_is_a_usage_error(tmp_path: Path, shared_data: Path) -> None:
    from phenotk.errors import UsageError

    mapping = tmp_path / "m.yaml"
    mapping.write_text("phenotk_mapping: 1\nname: m\nsubject: {id: patient}\n", encoding="utf-8")
    conv = phenotk.convert(shared_data / "v2-examples" / "marfan.json", mapping=mapping, hpo=False)
    with pytest.raises(UsageError, match="--mapping reads sheets and REDCap exports"):
        conv.write(f"{tmp_path / 'out'}/")  # it passed the packet through, the mapping ignored without a word


def test_stream_gives_each_item_once_and_keeps_none(tmp_path: Path) -> None:
    sheet = tmp_path / "s.csv"
    sheet.write_text("id,sex\n" + "".join(f"P{i},F\n" for i in range(50)), encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("phenotk_mapping: 1\nname: s\nsubject: {id: id, sex: sex}\n", encoding="utf-8")
    conv = phenotk.convert(sheet, mapping=mapping, hpo=False, validate=False)
    ids = [item.message.id or item.message.subject.id for item in conv.stream() if item.message is not None]
    assert len(ids) == 50 and len(set(ids)) == 50
    assert conv._done is None and list(conv) == []  # nothing kept for a second pass


def test_writer_findings_name_the_input_they_are_about(shared_data: Path, tmp_path: Path) -> None:
    # 40 packets to FHIR: the 4 'no code system' findings of one packet were all under the output folder, their
    # pointers into a packet nobody could tell
    scn4a = sorted((shared_data / "phenopacket-store" / "SCN4A").glob("*.json"))
    conversion = phenotk.convert([str(p) for p in scn4a], hpo=False)
    conversion.write(tmp_path / "fhir", to="fhir")
    placed = {(r.path, r.id) for r in conversion.report.results for i in r.issues if i.rule == "fhir-unmapped-field"}
    source = next(p for p in scn4a if p.stem == "PMID_28940424_proband_patient_III_9")
    assert placed == {(str(source), "PMID_28940424_proband_patient_III_9")}
