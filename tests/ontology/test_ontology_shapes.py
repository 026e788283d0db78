"""HPO files in the shapes users have them: other editions, wrong files, broken downloads (synthetic fixtures)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from _ontology_cli import run

from phenotk.errors import InputError
from phenotk.ontology import IdStatus, load_ontology, resolve_hpo

#: hp-full imports other ontologies: more UBERON than HP terms, but the header names ``hp``
HP_FULL = """format-version: 1.2
data-version: hp/releases/2099-01-01/hp-full.obo
ontology: hp/hp-full

[Term]
id: HP:0000001
name: All

[Term]
id: HP:0000118
name: Phenotypic abnormality
is_a: HP:0000001

[Term]
id: HP:0001250
name: Seizure
is_a: HP:0000118
""" + "".join(f"\n[Term]\nid: UBERON:{n:07d}\nname: anatomy {n}\n" for n in range(1, 6))

#: hp-international.owl: a term's rdfs:labels in several languages, sorted by text (English not first)
HP_INTERNATIONAL = """<?xml version="1.0"?>
<rdf:RDF xmlns:owl="http://www.w3.org/2002/07/owl#"
     xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
     xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"
     xmlns:oboInOwl="http://www.geneontology.org/formats/oboInOwl#">
    <owl:Ontology rdf:about="http://purl.obolibrary.org/obo/hp/hp-international.owl">
        <owl:versionIRI rdf:resource="http://purl.obolibrary.org/obo/hp/releases/2099-01-01/hp-international.owl"/>
    </owl:Ontology>
    <owl:Class rdf:about="http://purl.obolibrary.org/obo/HP_0000001">
        <rdfs:label xml:lang="de">Alle</rdfs:label>
        <rdfs:label>All</rdfs:label>
    </owl:Class>
    <owl:Class rdf:about="http://purl.obolibrary.org/obo/HP_0000118">
        <rdfs:subClassOf rdf:resource="http://purl.obolibrary.org/obo/HP_0000001"/>
        <rdfs:label xml:lang="fr">Anomalie phénotypique</rdfs:label>
        <rdfs:label xml:lang="en">Phenotypic abnormality</rdfs:label>
    </owl:Class>
    <owl:Class rdf:about="http://purl.obolibrary.org/obo/HP_0001250">
        <rdfs:subClassOf rdf:resource="http://purl.obolibrary.org/obo/HP_0000118"/>
        <oboInOwl:hasExactSynonym>Seizures</oboInOwl:hasExactSynonym>
        <rdfs:label xml:lang="cs">Záchvat</rdfs:label>
        <rdfs:label xml:lang="de">Anfall</rdfs:label>
        <rdfs:label>Seizure</rdfs:label>
    </owl:Class>
    <owl:Class rdf:about="http://purl.obolibrary.org/obo/HP_0001251">
        <rdfs:subClassOf rdf:resource="http://purl.obolibrary.org/obo/HP_0000118"/>
        <rdfs:label xml:lang="nl">Ataxie</rdfs:label>
    </owl:Class>
</rdf:RDF>
"""


def test_edition_importing_other_ontologies_keeps_the_hp_prefix(tmp_path: Path) -> None:
    path = tmp_path / "hp-full.obo"
    path.write_text(HP_FULL, encoding="utf-8")
    idx = load_ontology(path)
    assert idx.prefix == "HP" and idx.id_width == 7 and idx.version == "2099-01-01"
    assert idx.id_status("HP:0001250") is IdStatus.current
    assert resolve_hpo(path).label("HP:0001250") == "Seizure"  # not refused as "a UBERON ontology"


def test_international_edition_keeps_the_english_labels(tmp_path: Path) -> None:
    path = tmp_path / "hp-international.owl"
    path.write_text(HP_INTERNATIONAL, encoding="utf-8")
    idx = load_ontology(path)
    assert idx.version == "2099-01-01"
    assert [idx.label(c) for c in ("HP:0000001", "HP:0000118", "HP:0001250")] == [
        "All",
        "Phenotypic abnormality",
        "Seizure",
    ]
    assert idx.label("HP:0001251") == "Ataxie"  # one label only, in whatever language: kept
    assert idx.lookup("seizures") == ["HP:0001250"]


def test_english_labels_of_a_gzipped_owl(tmp_path: Path) -> None:
    path = tmp_path / "hp-international.owl.gz"
    path.write_bytes(gzip.compress(HP_INTERNATIONAL.encode("utf-8")))
    assert load_ontology(path).label("HP:0001250") == "Seizure"


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("hp.json", b"", "empty file (0 bytes), not an ontology"),
        ("hp.obo", b"", "empty file (0 bytes), not an ontology"),
        ("hp.obo", b"  \r\n\n", "empty file (no content but blanks), not an ontology"),
        ("hp.json.gz", gzip.compress(b""), "empty file (no content but blanks), not an ontology"),
        ("hp.json", b"<!DOCTYPE html>\n<html><body>404 Not Found</body></html>\n", "an HTML page, not an ontology"),
        ("hp.obo", b"\n  <html><head><title>Error</title></head></html>", "an HTML page, not an ontology"),
        ("hp.json.gz", gzip.compress(b"<!doctype html><html></html>"), "an HTML page, not an ontology"),
        ("hp.json", b"not json at all\n", "not OBO, OBO Graphs JSON or OWL (RDF/XML)"),
        ("hp.json", b'{"graphs": [{"id": "x", "nodes": [{"id": "HP_1", "lbl": "', "a truncated file?"),
        (
            "hp.obo",  # HPO before ~2010: OBO 1.0 tags that fastobo does not read
            b'format-version: 1.0\n\n[Term]\nid: HP:0000118\nname: Organ abnormality\nexact_synonym: "x" []\n',
            "(an OBO 1.0 file: its exact_synonym:-style tags predate OBO 1.2, use a newer release)",
        ),
        (
            "hp.ttl",
            b"@prefix owl: <http://www.w3.org/2002/07/owl#> .\n<http://purl.obolibrary.org/obo/HP_1> a owl:Class .\n",
            ": an ontology in Turtle, which pronto does not read; use hp.json, hp.obo or hp.owl (RDF/XML)",
        ),
        (
            "hp.ofn",
            b"Prefix(:=<http://purl.obolibrary.org/obo/hp.owl#>)\nOntology(<http://purl.obolibrary.org/obo/hp.owl>\n)\n",
            ": an ontology in OWL functional syntax, which pronto does not read",
        ),
        (
            "hp.owl",
            b'<?xml version="1.0"?>\n<Ontology xmlns="http://www.w3.org/2002/07/owl#" ontologyIRI="x">\n</Ontology>\n',
            ": an ontology in OWL/XML, which pronto does not read",
        ),
        ("hp.obo", "format-version: 1.2\n\n[Term]\nid: HP:0000001\n".encode("utf-16"), "UTF-16 text, which pronto"),
        (
            "phenotype.hpoa",  # --ontology OMIM=phenotype.hpoa: disease annotations, not an ontology
            b"#version: 2099-01-01\ndatabase_id\tdisease_name\tqualifier\thpo_id\n"
            b"OMIM:100001\tSynthetic syndrome\t\tHP:0000006\tPMID:1\tPCS\t\t\t\t\tI\tHPO:x\n",
            ': it is the HPO annotation file (phenotype.hpoa): give it as `annotations = "…"` in the config',
        ),
    ],
    ids=[
        *("empty-json", "empty-obo", "blank-obo", "empty-gzip", "html-json", "html-obo", "html-gzip", "garbage"),
        *("truncated-json", "obo-1.0"),
        *("turtle", "owl-functional", "owl-xml", "utf-16", "hpoa"),
    ],
)
def test_files_that_are_no_ontology_say_what_they_are(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, content: bytes, said: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        load_ontology(path)
    assert said in err.value.message and err.value.path == str(path)
    code, out, err_text = run(capsys, "ontology", "info", "--hpo", str(path))
    assert code == 2 and out == "" and err_text.count("\n") == 1
    assert err_text.startswith(f"{path}: ") and said in err_text and "Traceback" not in err_text


def test_another_ontology_given_as_hpo_is_refused(
    capsys: pytest.CaptureFixture[str], toy_obo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(InputError) as err:
        resolve_hpo(toy_obo)
    assert err.value.message == "not an HPO file: it holds TOY: terms of toy 2024-01-01 (from --hpo)"
    monkeypatch.setenv("PHENOTK_HPO", str(toy_obo))
    with pytest.raises(InputError, match=r"not an HPO file: .* \(from env PHENOTK_HPO\)"):
        resolve_hpo()
    monkeypatch.delenv("PHENOTK_HPO")
    (tmp_path / "phenotk.toml").write_text(f'hpo = "{toy_obo}"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"not an HPO file: .* \(from config:.*phenotk.toml\)"):
        resolve_hpo(cwd=tmp_path)
    assert resolve_hpo(toy_obo, prefix=None).prefix == "TOY"  # asked for any ontology
    # `phenotk ontology info/lookup` describe any ontology they are given
    code, out, _ = run(capsys, "ontology", "info", "--ontology", str(toy_obo))
    assert code == 0 and "TOY" in out


def test_ontology_without_terms_is_no_hpo(tmp_path: Path) -> None:
    path = tmp_path / "hp.obo"  # the header of a release, its terms cut off
    path.write_text("format-version: 1.2\ndata-version: hp/releases/2099-01-01\nontology: hp\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        resolve_hpo(path)
    assert err.value.message == "not an HPO file: it holds no terms of hp 2099-01-01 (from --hpo)"


def test_other_ontology_with_another_prefix_is_refused(toy_obo: Path, mini_hp: Path) -> None:
    assert load_ontology(toy_obo, prefix="TOY").prefix == "TOY"
    with pytest.raises(InputError) as err:
        load_ontology(mini_hp, prefix="MONDO")  # --ontology MONDO=hp.obo
    assert err.value.message.startswith("not the MONDO ontology: it holds HP: terms of ")
    with pytest.raises(InputError, match="not the toy ontology: it holds TOY: terms"):
        load_ontology(toy_obo, prefix="toy")  # prefixes are case-sensitive in CURIEs


@pytest.mark.parametrize("shape", ["bom", "gzip", "symlink", "unicode path"])
def test_usual_shapes_of_a_good_file_load_the_same_release(mini_hp: Path, tmp_path: Path, shape: str) -> None:
    data = mini_hp.read_bytes()
    if shape == "bom":
        path = tmp_path / "hp.obo"
        path.write_bytes(b"\xef\xbb\xbf" + data)
    elif shape == "gzip":
        path = tmp_path / "hp.obo.gz"
        path.write_bytes(gzip.compress(data))
    elif shape == "symlink":
        path = tmp_path / "link.obo"
        path.symlink_to(mini_hp)
    else:
        (tmp_path / "dossier ünï").mkdir()
        path = tmp_path / "dossier ünï" / "hp ö.obo"
        path.write_bytes(data)
    idx = resolve_hpo(path)
    assert (idx.prefix, idx.version, idx.label("HP:0001250")) == ("HP", "2099-01-01", "Seizure")


def test_release_before_data_version_headers_is_dated(tmp_path: Path) -> None:
    path = tmp_path / "hp.obo"  # HPO releases before 2013: a `date:` header, no data-version
    path.write_text(
        "format-version: 1.2\ndate: 22:10:2012 10:48\nsaved-by: someone\n\n[Term]\nid: HP:0000001\nname: All\n",
        encoding="utf-8",
    )
    idx = load_ontology(path)
    assert (idx.version, idx.data_version) == ("2012-10-22", None)


def test_broken_symlink_is_named_as_such(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    link = tmp_path / "hp.json"
    link.symlink_to(tmp_path / "moved-away.json")
    code, _, err = run(capsys, "ontology", "info", "--hpo", str(link))
    assert code == 2
    assert (
        err.strip()
        == f"{link}: a broken symbolic link (to {tmp_path / 'moved-away.json'}), not an HPO file (from --hpo)"
    )


def test_leftovers_of_killed_runs_are_swept(mini_hp: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import time

    from phenotk.ontology import cache, resolve

    monkeypatch.setattr(resolve, "_MIN_RELEASE_BYTES", 10)
    releases, index = resolve.releases_dir(), cache.index_path("0" * 64).parent
    old = time.time() - 2 * cache.STALE_TEMP_SECONDS
    made = []
    for folder, name in [(releases, ".download-killed.json"), (index, ".tmp-killed.idx")]:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"half")
        os.utime(folder / name, (old, old))
        (folder / f"{name}.live").write_bytes(b"being written")  # another run's file in progress: kept
        made.append(folder / name)
    resolve.fetch_release("2099-01-01", url=mini_hp.as_uri())  # downloads, then builds and caches the index
    assert [p.exists() for p in made] == [False, False]
    assert (releases / ".download-killed.json.live").exists() and (index / ".tmp-killed.idx.live").exists()


#: ORDO (Orphanet's OWL): classes are http://www.orpha.net/ORDO/Orphanet_<n> IRIs, ids of any length
ORDO = """<?xml version="1.0"?>
<rdf:RDF xmlns:owl="http://www.w3.org/2002/07/owl#"
     xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
     xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
    <owl:Ontology rdf:about="http://www.orpha.net/ontology/orphanet.owl">
        <owl:versionInfo>9.9</owl:versionInfo>
    </owl:Ontology>
    <owl:Class rdf:about="http://www.orpha.net/ORDO/Orphanet_377788">
        <rdfs:label xml:lang="en">disease</rdfs:label>
    </owl:Class>
    <owl:Class rdf:about="http://www.orpha.net/ORDO/Orphanet_90001">
        <rdfs:subClassOf rdf:resource="http://www.orpha.net/ORDO/Orphanet_377788"/>
        <rdfs:label xml:lang="en">Synthetic syndrome A</rdfs:label>
    </owl:Class>
    <owl:Class rdf:about="http://www.orpha.net/ORDO/Orphanet_901">
        <rdfs:subClassOf rdf:resource="http://www.orpha.net/ORDO/Orphanet_90001"/>
        <rdfs:label xml:lang="en">Synthetic syndrome B</rdfs:label>
    </owl:Class>
</rdf:RDF>
"""


def test_ordo_answers_orpha_ids(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "ORDO_en_9.9.owl"
    path.write_text(ORDO, encoding="utf-8")
    idx = load_ontology(path, prefix="ORPHA")  # --ontology ORPHA=ORDO_en.owl
    assert (idx.prefix, idx.version, idx.id_width) == ("ORPHA", "9.9", 0)
    assert idx.label("ORPHA:901") == "Synthetic syndrome B" and idx.parents("ORPHA:901") == ["ORPHA:90001"]
    assert idx.is_descendant_of("ORPHA:901", "ORPHA:377788")
    assert [idx.id_status(c) for c in ("ORPHA:90001", "ORPHA:901", "ORPHA:2", "ORPHA:9x")] == [
        IdStatus.current,
        IdStatus.current,
        IdStatus.unknown,
        IdStatus.malformed,
    ]
    code, out, _ = run(capsys, "ontology", "lookup", "--ontology", str(path), "ORPHA:9x")
    assert code == 1 and "not a ORPHA id (ORPHA:digits form)" in out


def test_other_ontology_path_problems_are_named(tmp_path: Path) -> None:
    link = tmp_path / "mondo.obo"
    link.symlink_to(tmp_path / "gone.obo")
    cases = {
        tmp_path: "a directory, not an ontology file",
        link: f"a broken symbolic link (to {tmp_path / 'gone.obo'}), not an ontology file",
        Path("https://example.org/mondo.obo"): "a URL, not an ontology file: download it and give its path",
        tmp_path / "none.obo": "ontology file not found",
    }
    for path, said in cases.items():
        with pytest.raises(InputError) as err:
            load_ontology(path, prefix="MONDO")  # --ontology MONDO=PATH
        assert err.value.message == said
