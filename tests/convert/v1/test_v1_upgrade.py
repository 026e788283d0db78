"""Phenopacket v1 / pre-1.0 → v2 upgrade: golden pairs, the whole v1 folder, options, refusals, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format
from phenopackets import Cohort, Family, Phenopacket

import phenotk
from phenotk.conversion.v1 import V2_SCHEMA_VERSION, UpgradeOptions, upgrade
from phenotk.errors import InputError, UsageError
from phenotk.io import load_tree, read, to_dict

pytestmark = pytest.mark.shared

#: The files of ../shared/data/v1 (INDEX.md); a test below fails when the folder gains or loses one.
V1_FILES = [
    "crs4__PHENO_FROMcohort_report_structured_composition.json",
    "crs4__PHENO_FROMinterpretation_report_structured_composition_family.json",
    "crs4__PHENO_FROMinterpretation_report_structured_composition_phenopacket.json",
    "exomiser__minimal_family.json",
    "exomiser__minimal_family.yaml",
    "exomiser__minimal_phenopacket.json",
    "exomiser__minimal_phenopacket.yaml",
    "exomiser__pfeiffer-family.yml",
    "exomiser__pfeiffer-phenopacket.json",
    "exomiser__pfeiffer-phenopacket.yml",
    "hca__examplePhenoPacket_v0.2.0.json",
    "hca__examplePhenopacket_v0.3.0.json",
    "lirical__BBS1.json",
    "lirical__pfeiffer.v1.json",
    "lirical__pfeifferNoVcf.json",
    "phenotips__sample_phenopacket.json",
    "ptools__Schreckenbach-2014-TPM3-II.2.json",
    "ptools__cohort.json",
    "ptools__cohort.yaml",
    "ptools__family.json",
    "ptools__family.yaml",
    "ptools__phenopacket.json",
    "ptools__phenopacket.yaml",
]
#: Files that must be refused (with a reason) rather than upgraded: none of the real ones.
REFUSED: dict[str, str] = {}


@pytest.fixture(scope="session")
def v1_dir(shared_data: Path) -> Path:
    return shared_data / "v1"


def test_folder_is_the_listed_one(v1_dir: Path) -> None:
    on_disk = sorted(p.name for p in v1_dir.iterdir() if p.is_file() and p.suffix in (".json", ".yaml", ".yml"))
    assert on_disk == sorted(V1_FILES)


# ---------------------------------------------------------------- golden pairs


def _theirs_vd_ids(packet: Phenopacket) -> list[str]:
    """The non-empty variation descriptor ids of ``packet``'s interpretations."""
    return [
        gi.variant_interpretation.variation_descriptor.id
        for interp in packet.interpretations
        for gi in interp.diagnosis.genomic_interpretations
        if gi.variant_interpretation.variation_descriptor.id
    ]


def _explain_golden_differences(ours: Any, expected: Any) -> None:
    """Remove the known, explained differences between our upgrade and phenopacket-tools' hand-written v2 files.

    1. ``metaData.phenopacketSchemaVersion``: they write "2.0.0", we write the bundled schema version (2.0.2).
    2. The v1 gene (FGFR1, "HGNC1:3688") is dropped by them; we attach the single gene of a packet as the
       ``geneContext`` of its variants, so the gene is not lost.
    3. Their v2 biosample has ``materialSample`` EFO:0009655 "abnormal sample"; the v1 biosample says nothing
       about it (no ``isControlSample``), so we do not invent it.
    4. Their v2 relatives MOTHER/FATHER have ``dateOfBirth`` 1970-01-01T00:00:00Z and empty
       ``timeAtLastEncounter``/``taxonomy``: protobuf default values (epoch 0) written out by their converter;
       the v1 relatives have only id and sex, and so do ours.
    5. Their variation descriptors have no ``id`` (REQUIRED in v2, so their file fails validation); ours is
       derived from the allele (``NM_001174067_1_c_1A_G``-style), the same on every run.
    6. Their pedigree persons have no ``familyId`` (REQUIRED in v2, so their file fails validation); ours get the
       id of the Family that holds the pedigree (``v1-family-id-filled``).
    """
    metas = [ours.meta_data]
    packets: list[tuple[Phenopacket, Phenopacket]] = []
    if isinstance(ours, Phenopacket):
        packets = [(ours, expected)]
    elif isinstance(ours, Family):
        packets = [(ours.proband, expected.proband)]
        for person in ours.pedigree.persons:
            if not any(p.family_id for p in expected.pedigree.persons):
                assert person.family_id == ours.id  # filled from the Family (difference 6)
                person.ClearField("family_id")
        metas.append(ours.proband.meta_data)
        for rel in expected.relatives:
            assert rel.subject.date_of_birth.seconds == 0  # the epoch default, not data
            for name in ("date_of_birth", "time_at_last_encounter", "taxonomy"):
                rel.subject.ClearField(name)  # type: ignore[arg-type]
    elif isinstance(ours, Cohort):
        packets = list(zip(ours.members, expected.members, strict=True))
        metas.extend(m.meta_data for m in ours.members)
        for member in expected.members[1:]:
            for name in ("date_of_birth", "time_at_last_encounter", "taxonomy"):
                member.subject.ClearField(name)  # type: ignore[arg-type]
    for meta in metas:
        if meta.phenopacket_schema_version:
            assert meta.phenopacket_schema_version == V2_SCHEMA_VERSION
            meta.phenopacket_schema_version = "2.0.0"
    for mine, theirs in packets:
        for interp in mine.interpretations:
            for gi in interp.diagnosis.genomic_interpretations:
                vd = gi.variant_interpretation.variation_descriptor
                assert (vd.gene_context.value_id, vd.gene_context.symbol) == ("HGNC1:3688", "FGFR1")
                vd.ClearField("gene_context")
                assert vd.id and not _theirs_vd_ids(theirs)
                vd.ClearField("id")
        for bs in theirs.biosamples:
            assert bs.material_sample.id == "EFO:0009655"
            bs.ClearField("material_sample")


@pytest.mark.parametrize("element", ["phenopacket", "family", "cohort"])
@pytest.mark.parametrize("ext", ["json", "yaml"])
def test_golden_pairs(v1_dir: Path, element: str, ext: str) -> None:
    message, issues = upgrade(v1_dir / f"ptools__{element}.{ext}", variants_to_interpretations=True)
    expected = read(v1_dir / "v2_counterparts" / f"ptools__{element}.v2.json")
    assert type(message) is type(expected)
    _explain_golden_differences(message, expected)
    assert to_dict(message) == to_dict(expected)
    assert message == expected
    # the v1 'ageAtCollection' → 'timeAtLastEncounter' change of meaning is reported, with its line
    moved = [i for i in issues if i.code == "UPG009"]
    assert moved and all(i.line for i in moved)


# ---------------------------------------------------------------- the whole folder


def _leaves(tree: Any, pointer: str = "") -> list[tuple[str, str]]:
    """(pointer, text) of every non-empty scalar in a tree."""
    out: list[tuple[str, str]] = []
    if isinstance(tree, dict):
        for k, v in tree.items():
            out.extend(_leaves(v, f"{pointer}/{str(k).replace('~', '~0').replace('/', '~1')}"))
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            out.extend(_leaves(v, f"{pointer}/{i}"))
    elif tree not in (None, "", False) and not isinstance(tree, bool):
        out.append((pointer, str(tree)))
    return out


def _strings(tree: Any) -> set[str]:
    return {text.lower() for _, text in _leaves(tree)}


@pytest.mark.parametrize("name", V1_FILES)
def test_every_v1_file_upgrades_or_is_refused(v1_dir: Path, name: str) -> None:
    path = v1_dir / name
    if name in REFUSED:
        with pytest.raises(InputError, match=REFUSED[name]):
            upgrade(path)
        return
    message, issues = upgrade(path, variants_to_interpretations=True)
    tree = load_tree(path)
    # a valid v2 document: the strict protobuf JSON parser accepts the output
    json_format.ParseDict(to_dict(message), type(message)())
    expected_kind = (
        "Cohort" if "cohort" in name else ("Family" if "family" in name or "v0.2.0" in name else "Phenopacket")
    )
    assert type(message).__name__ == expected_kind
    # no value silently lost: every input scalar is in the output or under a finding's pointer
    out = _strings(to_dict(message))
    blob = "\n".join(out)  # SPDI parts are joined into one expression: found as substrings
    flagged = [i.pointer for i in issues if i.pointer]
    missing = []
    for pointer, text in _leaves(tree):
        if pointer.endswith(("/phenopacketSchemaVersion", "/phenopacket_schema_version")):
            continue  # replaced by the v2 version on purpose (reported by the UPG000 summary)
        found = text.lower() in out or (len(text) >= 4 and text.lower() in blob)
        if found or any(pointer == f or pointer.startswith(f + "/") for f in flagged):
            continue
        if text in ("0", "UNKNOWN", "UNKNOWN_KARYOTYPE", "ZERO_BASED") or pointer.endswith(("/negated", "/position")):
            continue  # defaults, booleans and coordinates represented otherwise (asserted in other tests)
        missing.append((pointer, text))
    assert not missing, f"values dropped without a finding: {missing[:5]}"
    # every finding names a location in the input (a pointer resolving to a line for files)
    for issue in issues:
        if issue.pointer:
            assert issue.line is not None, issue


def _feature_items(tree: Any) -> list[dict[str, Any]]:
    """Every phenotypic feature object of a v1/pre-1.0 tree (``phenotypicFeatures`` or ``phenotypes`` lists)."""
    found: list[dict[str, Any]] = []
    if isinstance(tree, dict):
        for key, value in tree.items():
            if key in ("phenotypicFeatures", "phenotypic_features", "phenotypes") and isinstance(value, list):
                found.extend(v for v in value if isinstance(v, dict))
            else:
                found.extend(_feature_items(value))
    elif isinstance(tree, list):
        for value in tree:
            found.extend(_feature_items(value))
    return found


def test_features_and_negation_survive(v1_dir: Path) -> None:
    for name in V1_FILES:
        tree = load_tree(v1_dir / name)
        message, _ = upgrade(tree)
        packets = (
            [message]
            if isinstance(message, Phenopacket)
            else ([message.proband, *message.relatives] if isinstance(message, Family) else list(message.members))
        )
        features = [
            f
            for p in packets
            for f in [*p.phenotypic_features, *(x for b in p.biosamples for x in b.phenotypic_features)]
        ]
        source = _feature_items(tree)
        assert [f.type.id for f in features] == [f["type"]["id"] for f in source], name
        # LIRICAL's BBS1 writes "negated": "true" (a string): still an excluded feature
        negated = [f.get("negated") in (True, "true") for f in source]
        assert [f.excluded for f in features] == negated, name


# ---------------------------------------------------------------- options and choices


def test_variants_not_converted_without_the_flag(v1_dir: Path) -> None:
    message, issues = upgrade(v1_dir / "ptools__phenopacket.json")
    assert not message.interpretations
    dropped = {i.pointer for i in issues if i.code == "UPG002"}
    assert {"/genes/0", "/variants/0"} <= dropped
    assert all("--variants-to-interpretations" in i.message for i in issues if i.code == "UPG002")


def test_several_diseases_need_an_explicit_choice(v1_dir: Path) -> None:
    path = v1_dir / "phenotips__sample_phenopacket.json"
    message, issues = upgrade(path, variants_to_interpretations=True)
    assert not message.interpretations
    assert {i.code for i in issues if i.pointer.startswith(("/genes", "/variants"))} == {"UPG004"}
    message, issues = upgrade(
        path,
        variants_to_interpretations=True,
        disease="MIM:156580",
        progress_status="in_progress",
        interpretation_status="CANDIDATE",
    )
    (interp,) = message.interpretations
    assert interp.diagnosis.disease.label == "MICROCEPHALY, AUTOSOMAL DOMINANT"
    assert interp.progress_status == interp.IN_PROGRESS
    statuses = {gi.interpretation_status for gi in interp.diagnosis.genomic_interpretations}
    assert statuses == {interp.diagnosis.genomic_interpretations[0].CANDIDATE}
    # one gene + two variants: the gene is the variants' gene context
    contexts = {
        gi.variant_interpretation.variation_descriptor.gene_context.symbol
        for gi in interp.diagnosis.genomic_interpretations
    }
    assert contexts == {"RBBP8"}


def test_bad_status_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="progress status"):
        UpgradeOptions(progress_status="DONE")


def test_public_api_export(v1_dir: Path) -> None:
    message, _issues = phenotk.upgrade(v1_dir / "lirical__BBS1.json", variants_to_interpretations=True)
    (interp,) = message.interpretations
    gene = interp.diagnosis.genomic_interpretations[0].gene
    assert (gene.value_id, gene.symbol) == ("ENTREZ:582", "BBS1")
    assert interp.diagnosis.disease.id == "OMIM:209900"


# ---------------------------------------------------------------- pre-1.0


def test_hca_v02_family_layout(v1_dir: Path) -> None:
    message, issues = upgrade(
        v1_dir / "hca__examplePhenoPacket_v0.2.0.json", variants_to_interpretations=True, disease="OMIM:218040"
    )
    assert isinstance(message, Family)
    assert message.proband.subject.id == "PROBAND#1" and message.proband.subject.sex == 2  # MALE from PATO
    assert [r.subject.id for r in message.relatives] == ["PROBAND#2", "MOTHER", "FATHER"]
    assert len(message.pedigree.persons) == 4
    # the 'FATHER:1' genotypes name no individual of the document: reported, not guessed
    orphan = [i for i in issues if "FATHER:1" in i.message]
    assert len(orphan) == 2 and all(i.line for i in orphan)
    hgvs = {
        e.value
        for gi in message.proband.interpretations[0].diagnosis.genomic_interpretations
        for e in gi.variant_interpretation.variation_descriptor.expressions
    }
    assert hgvs == {"NM_001361.4:c.403C>T", "NM_001361.4:c.454G>A", "NM_001369.2:c.12599dupA"}


def test_hca_v03_phenotypes(v1_dir: Path) -> None:
    message, issues = upgrade(v1_dir / "hca__examplePhenopacket_v0.3.0.json")
    assert [f.type.id for f in message.phenotypic_features] == ["HP:0001159", "HP:0000028"]
    assert message.phenotypic_features[1].excluded
    assert any(i.pointer == "/subject/datasetId" and i.code == "UPG001" for i in issues)


# ---------------------------------------------------------------- hand-made fixtures


def test_messy_v1_reports_every_problem(fixtures_dir: Path) -> None:
    message, issues = upgrade(
        fixtures_dir / "v1" / "messy_v1.json", variants_to_interpretations=True, disease="OMIM:154700"
    )
    by_pointer = {i.pointer: i for i in issues}
    assert by_pointer["/subject/sex"].code == "UPG007" and by_pointer["/subject/sex"].line == 5
    assert by_pointer["/subject/nickname"].code == "UPG001"
    assert by_pointer["/phenotypicFeatures/2"].code == "UPG007"
    assert by_pointer["/metaData/created"].code == "UPG007"
    assert by_pointer["/biosamples/0/isControlSample"].code == "UPG002"
    assert by_pointer["/variants/0/vcfAllele/vcfVersion"].code == "UPG002"
    assert message.phenotypic_features[0].excluded  # "negated": "true" (a string) read as true, with a finding
    assert by_pointer["/phenotypicFeatures/0/negated"].severity.value == "info"
    assert message.diseases[1].clinical_tnm_finding[0].id == "NCIT:C48705"
    gis = message.interpretations[0].diagnosis.genomic_interpretations
    owners = [gi.subject_or_biosample_id for gi in gis]
    assert owners == ["P1", "P1", "S1"]  # the biosample's variant belongs to the biosample
    vcf = gis[0].variant_interpretation.variation_descriptor.vcf_record
    assert (vcf.chrom, vcf.pos, vcf.genome_assembly) == ("15", 48411345, "GRCh38")
    spdi = gis[1].variant_interpretation.variation_descriptor.expressions[0]
    assert (spdi.syntax, spdi.value) == ("spdi", "NC_000015.10:48411344:C:T")


def test_interpretation_wrapper_family(fixtures_dir: Path) -> None:
    message, _issues = upgrade(fixtures_dir / "v1" / "v1_family_with_interpretation.yaml")
    assert isinstance(message, Family)
    interps = message.proband.interpretations
    assert [i.id for i in interps] == ["interp-7-1", "interp-7-2"]
    assert {i.progress_status for i in interps} == {interps[0].IN_PROGRESS}
    rejected = interps[1].diagnosis.genomic_interpretations[0]
    assert rejected.interpretation_status == rejected.REJECTED and rejected.gene.symbol == "TGFBR2"
    # the second diagnosis' disease joins the proband's diseases with its onset
    assert [d.term.id for d in message.proband.diseases] == ["OMIM:154700", "OMIM:609192"]
    assert message.proband.diseases[1].onset.ontology_class.id == "HP:0003577"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("pre1_unknown_layout.json", "pre-1.0 Phenopacket layout not recognised"),
        ("interpretation_only.json", "without a phenopacket or family"),
    ],
)
def test_refused_with_a_reason(fixtures_dir: Path, name: str, reason: str) -> None:
    with pytest.raises(InputError, match=reason) as info:
        upgrade(fixtures_dir / "v1" / name)
    assert info.value.path and info.value.path.endswith(name)


def test_non_object_is_refused() -> None:
    with pytest.raises(InputError, match="JSON array"):
        upgrade(b"[1, 2]", path="x.json")


def test_v2_input_passes_through(shared_data: Path) -> None:
    path = shared_data / "v2-examples" / "marfan.json"
    message, issues = upgrade(path)
    assert message == read(path)
    assert [i.code for i in issues] == ["UPG000"]


# ---------------------------------------------------------------- CLI


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "phenotk", *args], capture_output=True, text=True, timeout=120)


def test_cli_upgrade_folder(v1_dir: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    run = _cli(
        "upgrade", str(v1_dir), "-o", str(tmp_path / "out"), "--variants-to-interpretations", "--report", str(report)
    )
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "ptools__phenopacket.json" in written and "exomiser__pfeiffer-family.yml" not in written
    assert "exomiser__pfeiffer-family.yaml" in written
    upgraded = read(tmp_path / "out" / "ptools__phenopacket.json")
    assert upgraded.interpretations[0].diagnosis.disease.id == "OMIM:101600"
    data = json.loads(report.read_text())
    assert data["summary"]["files"] == len(V1_FILES) + 3  # + the v2 counterparts, copied as they are
    # warnings are printed as path:line:col: …
    assert "phenotips__sample_phenopacket.json:52:9: warning v1-variants-need-disease" in run.stderr


def test_cli_upgrade_refusal_exit_2(fixtures_dir: Path, tmp_path: Path) -> None:
    run = _cli(
        "upgrade",
        str(fixtures_dir / "v1" / "pre1_unknown_layout.json"),
        str(fixtures_dir / "v1" / "messy_v1.json"),
        "-o",
        str(tmp_path),
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert "pre1_unknown_layout.json:1:1: pre-1.0 Phenopacket layout not recognised" in run.stderr
    assert (tmp_path / "messy_v1.json").exists()  # the other file is still upgraded


def test_cli_convert_from_v1(v1_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "bbs1.json"
    args = ["convert", str(v1_dir / "lirical__BBS1.json"), "-O", "variants_to_interpretations=true"]
    run = _cli(*args, "-o", str(out), "--no-validate")
    assert run.returncode == 0, run.stderr
    assert read(out).interpretations[0].diagnosis.genomic_interpretations[0].gene.symbol == "BBS1"
    # validated by default: LIRICAL's metaData lacks resource versions/IRI prefixes and an ENTREZ resource
    run = _cli(*args, "-o", str(tmp_path / "validated.json"))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "/metaData/resources" in run.stderr and (tmp_path / "validated.json").exists()


def test_cli_upgrade_to_one_file(v1_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "bbs1.yaml"
    run = _cli("upgrade", str(v1_dir / "lirical__BBS1.json"), "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert read(out).subject.id == "IV-5/family A"  # YAML chosen by the output name
    two = [str(v1_dir / "lirical__BBS1.json"), str(v1_dir / "lirical__pfeifferNoVcf.json")]
    run = _cli("upgrade", *two, "-o", str(tmp_path / "two.json"))  # several documents: one JSON array
    assert run.returncode == 0, run.stderr
    data = json.loads((tmp_path / "two.json").read_text(encoding="utf-8"))
    assert len(data) == 2 and data[0]["subject"]["id"] == "IV-5/family A"
    run = _cli("upgrade", *two, "-o", str(tmp_path / "two.pb"))  # a protobuf file holds one message
    assert run.returncode == 2 and "give a directory" in run.stderr and "Traceback" not in run.stderr


def test_reader_strict_and_options(fixtures_dir: Path) -> None:
    from phenotk.conversion.base import ConvertOptions
    from phenotk.conversion.v1.reader import V1Reader

    path = fixtures_dir / "v1" / "messy_v1.json"
    reader = V1Reader()
    assert reader.sniff(path, path.read_bytes()[:8192])
    (item,) = reader.read(path, ConvertOptions(strict=True, extra={"disease": "OMIM:154700"}))
    assert {i.severity.value for i in item.issues} <= {"info", "error"}
    with pytest.raises(UsageError, match="true or false"):
        list(reader.read(path, ConvertOptions(extra={"variants_to_interpretations": "maybe"})))


# ---------------------------------------------------------------- finding catalog


def test_every_finding_is_catalogued(shared_data: Path) -> None:
    """Every shared v1 / pre-1.0 file, with and without interpretations, emits only (code, name) pairs of FINDINGS."""
    from phenotk.conversion.v1.findings import FINDINGS

    declared = {(ft.code, ft.name) for ft in FINDINGS}
    seen: set[tuple[str, str]] = set()
    choices: list[dict[str, Any]] = [{}, {"variants_to_interpretations": True}]
    choices.append({"variants_to_interpretations": True, "disease": "OMIM:999999"})
    for name in V1_FILES:
        for chosen in choices:
            _, issues = upgrade(shared_data / "v1" / name, **chosen)
            seen.update((i.code, i.rule) for i in issues)
    _, issues = upgrade(shared_data / "v2-examples" / "marfan.json")
    seen.update((i.code, i.rule) for i in issues)
    assert seen - declared == set()
    # the summary and the v2 pass-through have codes of their own (both were UPG000 before the catalog)
    assert {("UPG000", "already-v2"), ("UPG012", "upgraded"), ("UPG002", "v1-field-not-carried")} <= seen


def test_finding_docs_have_every_section() -> None:
    from phenotk.conversion.v1.findings import FINDINGS

    for ft in FINDINGS:
        for section in ("What it means:", "Why:", "Example:", "What to do:"):
            assert section in ft.doc, (ft.code, section)
    assert len({ft.code for ft in FINDINGS}) == len({ft.name for ft in FINDINGS}) == len(FINDINGS)


def test_upgraded_variants_get_a_deterministic_id() -> None:
    # LIRICAL/Exomiser-style v1 variants have no allele id; v2 requires VariationDescriptor.id, so the
    # upgraded packet used to fail validation (schema-required) for every variant.
    tree = {
        "id": "P1",
        "subject": {"id": "P1"},
        "diseases": [{"term": {"id": "OMIM:101600", "label": "Pfeiffer syndrome"}}],
        "variants": [
            {"vcfAllele": {"genomeAssembly": "GRCh37", "chr": "10", "pos": 123256215, "ref": "T", "alt": "G"}},
            {"hgvsAllele": {"hgvs": "NM_000141.4:c.1A>G"}},
            {"hgvsAllele": {"id": "kept", "hgvs": "NM_000141.4:c.2A>G"}},
        ],
        "metaData": {"phenopacketSchemaVersion": "1.0"},
    }
    message, _ = upgrade(tree, variants_to_interpretations=True)
    gis = message.interpretations[0].diagnosis.genomic_interpretations
    ids = [gi.variant_interpretation.variation_descriptor.id for gi in gis]
    assert ids == ["GRCh37_10_123256215_T_G", "NM_000141_4_c_1A_G", "kept"]
    again, _ = upgrade(tree, variants_to_interpretations=True)
    assert again == message


def test_an_empty_v1_age_is_not_an_empty_v2_time() -> None:
    # a misspelt v1 age ("ageAtCollection": {"ageRange": …}) is dropped with a finding, and used to leave an
    # empty timeAtLastEncounter.age behind (a schema error on the upgraded packet); same for empty onsets
    tree = {
        "id": "p",
        "subject": {"id": "s", "ageAtCollection": {"ageRange": {"start": {"age": "P1Y"}}}},
        "phenotypicFeatures": [{"type": {"id": "HP:0001250", "label": "Seizure"}, "ageOfOnset": {}}],
        "diseases": [{"term": {"id": "OMIM:164400", "label": "SCA1"}, "ageOfOnset": {"age": "P3Y"}}],
        "metaData": {"phenopacketSchemaVersion": "1.0"},
    }
    message, issues = upgrade(tree)
    assert not message.subject.HasField("time_at_last_encounter")
    assert not message.phenotypic_features[0].HasField("onset")
    assert message.diseases[0].onset.age.iso8601duration == "P3Y"
    assert "v1-unknown-field" in {i.rule for i in issues}
    assert "v1-meaning-changed" not in {i.rule for i in issues}


def test_an_unreadable_negated_leaves_the_feature_out() -> None:
    # 'negated': 'maybe' was dropped and the feature kept as observed: the output stated a presence the input
    # did not (the Beacon reader leaves such an item out). Now the feature is left out, kept in the finding;
    # 'yes' / 'no' are read as booleans like 'true' / 'false' (info).
    seizure = {"type": {"id": "HP:0001250", "label": "Seizure"}, "negated": "maybe"}
    tree = {
        "id": "p",
        "subject": {"id": "s"},
        "phenotypicFeatures": [seizure, {"type": {"id": "HP:0001263", "label": "GDD"}, "negated": "Yes"}],
        "metaData": {"phenopacketSchemaVersion": "1.0"},
    }
    message, issues = upgrade(tree)
    assert [(f.type.id, f.excluded) for f in message.phenotypic_features] == [("HP:0001263", True)]
    bad = {i.pointer: i for i in issues if i.rule == "v1-invalid-value"}
    assert bad["/phenotypicFeatures/0/negated"].severity.value == "warning"
    assert "left out" in bad["/phenotypicFeatures/0/negated"].message
    assert bad["/phenotypicFeatures/0/negated"].context["feature"] == seizure
    assert bad["/phenotypicFeatures/1/negated"].severity.value == "info"


def test_pre1_subject_with_its_own_features_becomes_one_phenopacket() -> None:
    # The schema documentation's 0.1 example (subject.phenotypes, PATO sex, ageAtCollection, flat variant with
    # sampleGenotypes) was upgraded as v1 with its phenotypes, sex and variant dropped; LIRICAL's documented
    # input (subject.phenotypicFeatures with classOfOnset, nothing else v1-like) was 'already v2' and its
    # features vanished without a finding.
    tree_01: dict[str, Any] = {
        "subject": {"id": "P1", "sex": {"id": "PATO:0000383", "label": "female"}, "ageAtCollection": {"age": "P27Y"},
                    "phenotypes": [{"type": {"id": "HP:0004444", "label": "Spherocytosis"},
                                    "classOfOnset": {"id": "HP:0011463", "label": "Childhood onset"}},
                                   {"type": {"id": "HP:0002240", "label": "Hepatomegaly"}, "negated": True}]},
        "variants": [{"sequence": "NM_001142446.1", "position": 5620, "deletion": "C", "insertion": "T",
                      "hgvs": "NM_001142446.1:c.5620C>T",
                      "sampleGenotypes": {"P1": {"id": "GENO:0000135", "label": "heterozygous"}}}],
        "metaData": {"createdBy": "x"},
    }
    message, issues = upgrade(tree_01, variants_to_interpretations=True, disease="OMIM:182900")
    assert isinstance(message, Phenopacket) and message.id == "P1"
    assert message.subject.sex == 1  # FEMALE
    assert [(f.type.id, f.excluded, f.onset.ontology_class.id) for f in message.phenotypic_features] == [
        ("HP:0004444", False, "HP:0011463"), ("HP:0002240", True, "")]
    gi = message.interpretations[0].diagnosis.genomic_interpretations[0]
    assert gi.variant_interpretation.variation_descriptor.allelic_state.id == "GENO:0000135"
    assert not [i for i in issues if i.rule in ("v1-unknown-field", "v1-invalid-value")]
    tree_lirical = {"subject": {"id": "example-1", "phenotypicFeatures": [
        {"type": {"id": "HP:0000244", "label": "Turribrachycephaly"},
         "classOfOnset": {"id": "HP:0003577", "label": "Congenital onset"}}]}, "metaData": {"createdBy": "x"}}
    message, issues = upgrade(tree_lirical)
    assert [(f.type.id, f.onset.ontology_class.id) for f in message.phenotypic_features] == [
        ("HP:0000244", "HP:0003577")]
    assert "already-v2" not in {i.rule for i in issues}


def test_a_v2_document_upgraded_as_is_reports_what_protobuf_drops() -> None:
    # 'already v2' returned the leniently parsed message: unknown members vanished without a finding
    tree = {"id": "p", "subject": {"id": "s", "phenotypicFeatures": []}, "bogus": 1,
            "metaData": {"created": "2020-01-01T00:00:00Z", "phenopacketSchemaVersion": "2.0"}}
    tree["subject"]["phenotypicFeatures"] = [{"type": {"id": "HP:0000244", "label": "Turribrachycephaly"}}]
    message, issues = upgrade(tree)
    assert message.id == "p"
    assert issues[0].rule == "already-v2"
    dropped = {i.pointer for i in issues if i.rule == "v1-unknown-field"}
    assert dropped == {"/subject/phenotypicFeatures", "/bogus"}


def test_pedigree_persons_get_the_family_id_they_lack(v1_dir: Path) -> None:
    family, issues = upgrade(v1_dir / "exomiser__pfeiffer-family.yml")
    assert family.id and all(p.family_id == family.id for p in family.pedigree.persons)
    filled = [i for i in issues if i.rule == "v1-family-id-filled"]
    assert len(filled) == 1 and f"{len(family.pedigree.persons)} pedigree person(s)" in filled[0].message
    # without a Family id nothing can be derived: the persons stay without one (validate reports them)
    bare, issues = upgrade(v1_dir / "exomiser__minimal_family.json")
    assert not bare.id and not [i for i in issues if i.rule == "v1-family-id-filled"]


def test_two_choices_of_one_v1_oneof_keep_the_first_and_report_the_second() -> None:
    # a feature with both classOfOnset and ageOfOnset (one 'onset' oneof in v1), or one field under both its
    # names, stopped the upgrade with protobuf's 'should not have multiple "onset" oneof fields': no location,
    # nothing converted. The first choice is kept; the other is a v1-invalid-value finding with its value.
    tree: dict[str, Any] = {
        "id": "p1",
        "subject": {"id": "s1", "sex": "FEMALE"},
        "phenotypicFeatures": [
            {
                "type": {"id": "HP:0001250", "label": "Seizure"},
                "classOfOnset": {"id": "HP:0003577", "label": "Congenital onset"},
                "ageOfOnset": {"age": "P3Y"},
            }
        ],
        "metaData": {"createdBy": "x", "created": "2020-01-01T00:00:00Z", "phenopacketSchemaVersion": "1.0"},
    }
    tree["subject"]["date_of_birth"] = "2001-01-01T00:00:00Z"
    tree["subject"]["dateOfBirth"] = "2002-02-02T00:00:00Z"
    packet, issues = upgrade(tree)
    assert isinstance(packet, Phenopacket)
    assert packet.phenotypic_features[0].onset.ontology_class.id == "HP:0003577"
    assert packet.subject.date_of_birth.ToJsonString() == "2001-01-01T00:00:00Z"
    bad = {i.pointer: i for i in issues if i.rule == "v1-invalid-value"}
    assert bad["/phenotypicFeatures/0/ageOfOnset"].context["value"] == {"age": "P3Y"}
    assert "classOfOnset" in bad["/phenotypicFeatures/0/ageOfOnset"].message
    assert bad["/subject/dateOfBirth"].context["value"] == "2002-02-02T00:00:00Z"


def test_integer_out_of_range_is_a_finding_not_a_failed_document() -> None:
    # VcfAllele.pos is int32: 99999999999999 made the strict parse reject the whole document ("Value out of
    # range"), without a location; now only that value is dropped, with its pointer and value
    tree: dict[str, Any] = {
        "id": "p1",
        "subject": {"id": "s1"},
        "variants": [{"vcfAllele": {"genomeAssembly": "GRCh38", "chr": "1", "pos": 99999999999999, "ref": "A",
                                    "alt": "G"}}],
        "metaData": {"createdBy": "x", "created": "2020-01-01T00:00:00Z", "phenopacketSchemaVersion": "1.0"},
    }
    packet, issues = upgrade(tree, variants_to_interpretations=True)
    assert packet.subject.id == "s1"
    (bad,) = [i for i in issues if i.rule == "v1-invalid-value"]
    assert bad.pointer == "/variants/0/vcfAllele/pos" and bad.context["value"] == 99999999999999


def test_enum_name_in_another_case_is_read_with_a_finding() -> None:
    # hand-written v1 files say "sex": "male" or "affectedStatus": "affected": the value was dropped (a warning),
    # so the subject became UNKNOWN_SEX although the input states the sex plainly
    tree: dict[str, Any] = {
        "id": "f1",
        "proband": {"id": "p1", "subject": {"id": "kid", "sex": "male"}},
        "pedigree": {
            "persons": [{"familyId": "f1", "individualId": "kid", "sex": "Male", "affectedStatus": "affected"}]
        },
        "metaData": {"createdBy": "x", "created": "2020-01-01T00:00:00Z", "phenopacketSchemaVersion": "1.0"},
    }
    family, issues = upgrade(tree)
    assert isinstance(family, Family)
    assert family.proband.subject.sex == 2 and family.pedigree.persons[0].sex == 2  # MALE
    assert family.pedigree.persons[0].affected_status == 2  # AFFECTED
    notes = {i.pointer: i for i in issues if i.rule == "v1-invalid-value"}
    assert notes["/proband/subject/sex"].severity.value == "info" and "MALE" in notes["/proband/subject/sex"].message
    assert set(notes) == {"/proband/subject/sex", "/pedigree/persons/0/sex", "/pedigree/persons/0/affectedStatus"}


@pytest.mark.parametrize("variants", [5, True, "NM_000000.1:c.1A>G", [7, "x"]])
def test_pre1_variants_of_the_wrong_type_are_findings(variants: Any) -> None:
    # HpoCaseAnnotator 0.2 family / 0.1 subject layouts: 'variants' that is not a list crashed the upgrade
    # (TypeError: 'int' object is not iterable, an internal error); items that are not objects vanished silently
    family_02: dict[str, Any] = {
        "subject": {"id": "kid", "phenotypes": [{"type": {"id": "HP:0001250", "label": "Seizure"}}]},
        "individuals": [{"id": "mum"}],
        "variants": variants,
    }
    single_01: dict[str, Any] = {
        "subject": {"id": "kid", "phenotypes": [{"type": {"id": "HP:0001250", "label": "Seizure"}}]},
        "variants": variants,
    }
    for tree in (family_02, single_01):
        _, issues = upgrade(tree)
        bad = [i for i in issues if i.rule == "v1-invalid-value" and i.pointer.startswith("/variants")]
        assert len(bad) == (len(variants) if isinstance(variants, list) else 1)
