"""OntologyIndex behaviour on the hand-made toy ontologies (tests/fixtures/ontology)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from phenotk.errors import InputError
from phenotk.ontology import HPO_ROOTS, IdStatus, OntologyIndex, load_ontology


@pytest.fixture
def toy(toy_obo: Path) -> OntologyIndex:
    return load_ontology(toy_obo)


def test_header(toy: OntologyIndex) -> None:
    assert toy.version == "2024-01-01"
    assert toy.data_version == "toy/releases/2024-01-01"
    assert toy.prefix == "TOY"
    assert toy.ontology == "toy"
    assert len(toy) == 16
    assert toy.top_terms() == ["TOY:0000001"]
    assert toy.max_id_number == 1000
    assert toy.roots == {}


def test_ids_alt_and_obsolete(toy: OntologyIndex) -> None:
    assert toy.contains("TOY:0000004") and toy.contains("TOY:0000040") and toy.contains("TOY:0000010")
    assert "TOY:0000040" in toy
    assert not toy.contains("TOY:0000099")
    assert toy.primary_id("TOY:0000040") == "TOY:0000004"
    assert toy.is_alt_id("TOY:0000040") and not toy.is_alt_id("TOY:0000004")
    assert toy.primary_id("TOY:0000010") == "TOY:0000010"  # obsolete -> itself
    assert toy.primary_id("TOY:0000099") is None
    assert toy.label("TOY:0000040") == "Eye abnormality"
    assert toy.is_obsolete("TOY:0000010") and not toy.is_obsolete("TOY:0000004")
    assert not toy.is_obsolete("nope")


def test_replacement_and_suggestions(toy: OntologyIndex) -> None:
    assert toy.replacement("TOY:0000010") == "TOY:0000004"
    assert toy.replacement("TOY:0000012") == "TOY:0000004"  # chain 12 -> 10 -> 4
    assert toy.replaced_by("TOY:0000012") == ["TOY:0000010"]
    assert toy.replacement("TOY:0000013") is None  # two replaced_by: not safe
    assert toy.suggestions("TOY:0000013") == ["TOY:0000003", "TOY:0000005"]
    assert toy.replacement("TOY:0000011") is None
    assert toy.suggestions("TOY:0000011") == ["TOY:0000003", "TOY:0000005"]
    assert toy.consider("TOY:0000011") == ["TOY:0000003", "TOY:0000005"]
    assert toy.replacement("TOY:0000004") is None and toy.suggestions("TOY:0000004") == []
    assert toy.current_id("TOY:0000040") == "TOY:0000004"
    assert toy.current_id("TOY:0000012") == "TOY:0000004"
    assert toy.current_id("TOY:0000011") is None
    assert toy.current_id("TOY:0000005") == "TOY:0000005"


def test_merged_ids(toy: OntologyIndex) -> None:
    """An obsolete stanza that is also an alt_id of the surviving term (how HPO records merges)."""
    assert toy.is_obsolete("TOY:0000014") and toy.is_alt_id("TOY:0000014")
    assert toy.label("TOY:0000014") == "obsolete Merged seizure term"  # its own stanza, as pronto says
    assert toy.primary_id("TOY:0000014") == "TOY:0000005"
    assert toy.replacement("TOY:0000014") == "TOY:0000005" == toy.current_id("TOY:0000014")
    assert toy.id_status("TOY:0000014") is IdStatus.obsolete
    assert toy.ancestors("TOY:0000014") == frozenset()
    # replaced_by TOY:0000003 but listed as alt_id of TOY:0000009: no safe replacement, both suggested
    assert toy.replacement("TOY:0000015") is None and toy.current_id("TOY:0000015") is None
    assert toy.suggestions("TOY:0000015") == ["TOY:0000003", "TOY:0000009"]
    assert toy.alt_ids() == {"TOY:0000014": "TOY:0000005", "TOY:0000015": "TOY:0000009", "TOY:0000040": "TOY:0000004"}


def test_hierarchy(toy: OntologyIndex) -> None:
    assert toy.parents("TOY:0000006") == ["TOY:0000004", "TOY:0000005"]
    assert toy.ancestors("TOY:0000006") == {"TOY:0000001", "TOY:0000002", "TOY:0000003", "TOY:0000004", "TOY:0000005"}
    assert toy.ancestors("TOY:0000001") == frozenset()
    assert toy.ancestors("TOY:0000001", include_self=True) == {"TOY:0000001"}
    assert toy.ancestors("TOY:0000040") == {"TOY:0000001", "TOY:0000002", "TOY:0000003"}
    assert toy.descendants("TOY:0000002") == {"TOY:0000003", "TOY:0000004", "TOY:0000005", "TOY:0000006", "TOY:0001000"}
    assert toy.descendants("TOY:0000007", include_self=True) == {"TOY:0000007", "TOY:0000008", "TOY:0000009"}
    assert toy.children("TOY:0000002") == ["TOY:0000003", "TOY:0000005", "TOY:0001000"]
    assert toy.ancestors("TOY:0000010") == frozenset()  # obsolete terms have no is_a
    assert toy.ancestors("missing") == frozenset() and toy.descendants("missing") == frozenset()


def test_is_descendant_of(toy: OntologyIndex) -> None:
    assert toy.is_descendant_of("TOY:0000006", "TOY:0000003")
    assert toy.is_descendant_of("TOY:0000006", "TOY:0000005")
    assert not toy.is_descendant_of("TOY:0000006", "TOY:0000007")
    assert not toy.is_descendant_of("TOY:0000003", "TOY:0000006")  # direction matters
    assert toy.is_descendant_of("TOY:0000006", "TOY:0000006")
    assert not toy.is_descendant_of("TOY:0000006", "TOY:0000006", include_self=False)
    assert toy.is_descendant_of("TOY:0000040", "TOY:0000002")  # alt id resolves
    assert toy.is_descendant_of("TOY:0000006", "TOY:0000040")
    assert toy.is_descendant_of("TOY:0000040", "TOY:0000004")
    assert not toy.is_descendant_of("TOY:0000040", "TOY:0000004", include_self=False)
    assert not toy.is_descendant_of("missing", "TOY:0000001")
    assert not toy.is_descendant_of("TOY:0000006", "missing")
    assert toy.is_descendant_of_any("TOY:0000009", ["TOY:0000002", "TOY:0000008"])


def test_synonyms_and_lookup(toy: OntologyIndex) -> None:
    assert toy.synonyms("TOY:0000005") == ["Seizures", "Fits"]  # EXACT first
    assert toy.synonyms("TOY:0000005", scope="exact") == ["Seizures"]
    assert toy.synonym_types("TOY:0000004") == [("Abnormal eye", "EXACT"), ("Eye   problem", "NARROW")]
    assert toy.synonyms("missing") == []
    assert toy.lookup("SEIZURE") == ["TOY:0000005", "TOY:0000006"]  # label before BROAD synonym
    assert toy.lookup("  eye\tproblem ") == ["TOY:0000004"]
    assert toy.lookup("anomaly") == ["TOY:0000002"]
    assert toy.lookup("obsolete old eye term") == ["TOY:0000010"]
    assert toy.lookup("nothing like this") == []


@pytest.mark.parametrize(
    ("curie", "status"),
    [
        ("TOY:0000004", IdStatus.current),
        ("TOY:0000040", IdStatus.alt_id),
        ("TOY:0000010", IdStatus.obsolete),
        ("TOY:0000020", IdStatus.unknown),  # gap of 27 between used ids 13 and 40
        ("TOY:0000600", IdStatus.newer),  # between 40 and 1000: more than NEWER_ID_GAP apart
        ("TOY:0001001", IdStatus.newer),  # above the highest id
        ("TOY:000101", IdStatus.malformed),
        ("HP:0001001", IdStatus.malformed),
        ("TOY:0000000", IdStatus.unknown),
    ],
)
def test_id_status(toy: OntologyIndex, curie: str, status: IdStatus) -> None:
    assert toy.id_status(curie) is status
    assert toy.is_newer_than_release(curie) is (status is IdStatus.newer)


def test_is_valid_syntax(toy: OntologyIndex) -> None:
    assert toy.is_valid_syntax("TOY:1234567")
    assert not toy.is_valid_syntax("TOY:123456") and not toy.is_valid_syntax("toy:1234567")


@pytest.mark.parametrize("name", ["toy.json", "toy.owl"])
def test_json_and_owl_give_the_same_index(toy: OntologyIndex, toy_obo: Path, name: str) -> None:
    other = load_ontology(toy_obo.parent / name).to_payload()
    mine = toy.to_payload()
    skip = {"source", "source_sha256", "data_version"}
    assert {k: v for k, v in other.items() if k not in skip} == {k: v for k, v in mine.items() if k not in skip}


@pytest.mark.parametrize("name", ["toy.obo", "toy.json", "toy.owl"])
def test_gzip_accepted(toy: OntologyIndex, toy_obo: Path, tmp_path: Path, name: str) -> None:
    gz = tmp_path / f"{name}.gz"
    with open(toy_obo.parent / name, "rb") as src, gzip.open(gz, "wb") as dst:
        shutil.copyfileobj(src, dst)
    idx = load_ontology(gz)
    assert idx.version == "2024-01-01"
    assert idx.ancestors("TOY:0000006") == toy.ancestors("TOY:0000006")
    assert idx.consider("TOY:0000011") == ["TOY:0000003", "TOY:0000005"]  # also read from gzipped OBO Graphs


def test_hpo_branches(mini_hp: Path) -> None:
    hp = load_ontology(mini_hp)
    assert hp.prefix == "HP" and hp.version == "2099-01-01"
    assert set(hp.roots) <= set(HPO_ROOTS)
    assert hp.branch_of("HP:0001250") == "phenotypic_abnormality"
    assert hp.branch_of("HP:0012828") == "severity"  # deepest root wins over clinical_modifier
    assert hp.branch_of("HP:0003577") == "onset"
    assert hp.branch_of("HP:0031797") == "clinical_course"
    assert hp.branch_of("HP:0001415") == "mode_of_inheritance"  # alt id
    assert hp.branch_of("HP:0000001") is None
    assert hp.branch_of("HP:9999999") is None
    assert hp.replacement("HP:0000057") == "HP:0008665"


def test_missing_and_unparseable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found") as exc:
        load_ontology(tmp_path / "nope.obo")
    assert exc.value.kind == "missing"
    with pytest.raises(InputError):
        load_ontology(tmp_path)
    bad = tmp_path / "bad.obo"
    bad.write_text("format-version: 1.2\n\n[Term]\nid: X:1\nis_a: \n[[[\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot parse") as exc2:
        load_ontology(bad)
    assert str(bad) in str(exc2.value)


def test_is_descendant_of_matches_its_definition_for_every_pair(toy: OntologyIndex) -> None:
    """Every (id, id) pair over primary, alt, merged, obsolete and unknown ids, both include_self values."""
    ids = [*toy.terms(obsolete=True), *toy.alt_ids(), "TOY:0000099", "nonsense"]
    rows = toy._any  # number of the stanza an id answers from (alt ids without stanza: their term)
    for c in ids:
        for a in ids:
            same = c in rows and a in rows and rows[c] == rows[a]
            strict = a in rows and toy._ids[rows[a]] in toy.ancestors(c)
            for inc in (True, False):
                assert toy.is_descendant_of(c, a, include_self=inc) is (strict or (inc and same)), (c, a, inc)
