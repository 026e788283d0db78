"""PED pedigrees ↔ Family.pedigree: round trips (hypothesis, v2 example, upgraded v1 families, the store), bad
lines, inconsistent pedigrees, linked phenopackets, CLI."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phenopackets import FEMALE, MALE, OTHER_SEX, Family, Pedigree, Phenopacket

from phenotk.conversion.base import ConvertOptions
from phenotk.conversion.ped import PedReader, PedWriter, check_pedigree, parse_ped
from phenotk.conversion.v1 import upgrade
from phenotk.errors import InputError
from phenotk.io import read

OPTS = ConvertOptions(created="2024-01-01T00:00:00Z")
Person = Pedigree.Person


def _round_trip(families: list[Family], tmp: Path, **extra: str) -> tuple[list[Family], list, list]:
    out = tmp / "out.ped"
    written = PedWriter().write(families, out, ConvertOptions(created=OPTS.created, extra=extra), force=True)
    items = list(PedReader().read(out, OPTS))
    return [i.message for i in items], written, [x for i in items for x in i.issues]


def _expected(family: Family) -> list[Person]:
    """The pedigree as PED carries it (each difference is reported by the writer or is PED's own convention):

    * every person gets the family id (the PED first column); a family without any id is 'unknown_family' (PED014);
    * OTHER_SEX has no PED code and comes back unknown (PED016);
    * ids with whitespace are written with '_', a family id starting with '#' gets a leading '_' (PED014);
    * a parent id "0" (the PED convention some phenopacket pedigrees use, e.g. the v2 example) means no parent.
    """
    out = []
    for p in family.pedigree.persons:
        q = Person()
        q.CopyFrom(p)
        q.family_id = re.sub(r"\s+", "_", p.family_id or family.id) or "unknown_family"
        if q.family_id.startswith("#"):
            q.family_id = "_" + q.family_id  # a first column starting with '#' would be a comment (PED014)
        q.individual_id = re.sub(r"\s+", "_", q.individual_id)
        q.paternal_id = "" if q.paternal_id == "0" else re.sub(r"\s+", "_", q.paternal_id)
        q.maternal_id = "" if q.maternal_id == "0" else re.sub(r"\s+", "_", q.maternal_id)
        if q.sex == 3:
            q.sex = 0  # type: ignore[assignment]
        out.append(q)
    return out


# ---------------------------------------------------------------- hypothesis

_ID = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.:# ", min_size=1, max_size=8
).filter(lambda s: s.strip() not in ("0", "-9", ".", ""))


def _written(text: str, first: bool = False) -> str:
    """How the writer spells an id (see ``_expected``)."""
    text = re.sub(r"\s+", "_", text)
    return "_" + text if first and text.startswith("#") else text


@st.composite
def families(draw: st.DrawFn) -> list[Family]:
    fam_ids = draw(st.lists(_ID, min_size=1, max_size=3, unique_by=lambda x: _written(x, first=True)))
    out = []
    for fid in fam_ids:
        ids = draw(st.lists(_ID, min_size=1, max_size=6, unique_by=_written))
        fam = Family(id=fid)
        for ind in ids:
            parent = st.one_of(st.just(""), st.sampled_from(ids), _ID)  # unknown parents are kept (and reported)
            p = fam.pedigree.persons.add()
            p.individual_id = ind
            p.family_id = draw(st.sampled_from(["", fid]))
            p.paternal_id, p.maternal_id = draw(parent), draw(parent)
            p.sex = draw(st.integers(0, 3))  # type: ignore[assignment]
            p.affected_status = draw(st.integers(0, 2))  # type: ignore[assignment]
        out.append(fam)
    return out


@settings(max_examples=150, deadline=None)
@given(families())
def test_pedigree_round_trip(tmp_path_factory: pytest.TempPathFactory, fams: list[Family]) -> None:
    back, written, _ = _round_trip(fams, tmp_path_factory.mktemp("ped"))
    assert [f.id for f in back] == [_written(f.id, first=True) for f in fams]
    for original, read_back in zip(fams, back, strict=True):
        assert list(read_back.pedigree.persons) == _expected(original)
        # the proband is a pedigree person (the first affected one, else the first)
        assert read_back.proband.subject.id in {_written(p.individual_id) for p in original.pedigree.persons}
    others = sum(p.sex == 3 for f in fams for p in f.pedigree.persons)
    assert sum(i.code == "PED016" for i in written) == others  # OTHER_SEX has no PED code: reported


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_reader_never_crashes(text: str) -> None:
    families_, issues = parse_ped(text)
    for fam in families_:
        check_pedigree(fam.persons, lines=fam.lines)
    assert all(i.line for i in issues if i.code == "PED001")


# ---------------------------------------------------------------- real families


@pytest.mark.shared
def test_v2_example_family(shared_data: Path, tmp_path: Path) -> None:
    family = read(shared_data / "v2-examples" / "family.json")
    assert isinstance(family, Family) and len(family.pedigree.persons) >= 3
    (back,), written, _ = _round_trip([family], tmp_path)
    assert list(back.pedigree.persons) == _expected(family)
    lost = [i for i in written if i.code == "PED017"]
    assert lost and "proband" in lost[0].message and "metaData" in lost[0].message


@pytest.mark.shared
@pytest.mark.parametrize(
    "name", ["ptools__family.json", "exomiser__pfeiffer-family.yml", "hca__examplePhenoPacket_v0.2.0.json"]
)
def test_upgraded_v1_families(shared_data: Path, tmp_path: Path, name: str) -> None:
    family, _ = upgrade(shared_data / "v1" / name)
    assert isinstance(family, Family)
    back, _, _ = _round_trip([family], tmp_path)
    assert [p for b in back for p in b.pedigree.persons] == _expected(family)


@pytest.mark.shared
@pytest.mark.slow
def test_store_trios(store_files: list[Path], tmp_path: Path) -> None:
    """One trio per store packet (the packet's subject as proband, stub parents) in one PED file and back.

    Store subject ids are real curator ids; those with whitespace cannot be PED fields: reported (PED014) and
    written with '_' — the only difference allowed.
    """
    sexes = {"FEMALE": 1, "MALE": 2}
    fams = []
    for i, path in enumerate(store_files):
        subject = orjson.loads(path.read_bytes())["subject"]  # only id and sex are needed: skip protobuf
        fam = Family(id=f"F{i}")
        fam.proband.id = path.stem
        fam.proband.subject.id = subject["id"]
        kid = fam.pedigree.persons.add(
            individual_id=subject["id"],
            paternal_id=f"F{i}_dad",
            maternal_id=f"F{i}_mum",
            sex=sexes.get(subject.get("sex", ""), 0),
            affected_status=2,
        )
        fam.pedigree.persons.add(individual_id=f"F{i}_dad", sex=2, affected_status=1)
        fam.pedigree.persons.add(individual_id=f"F{i}_mum", sex=1, affected_status=1)
        assert kid.individual_id
        fams.append(fam)
    assert len(fams) == 7682
    back, written, issues = _round_trip(fams, tmp_path)
    spaced = {p.individual_id for f in fams for p in f.pedigree.persons if any(c.isspace() for c in p.individual_id)}
    assert {i.context.get("family") for i in written if i.code == "PED014"} == {
        f.id for f in fams if f.pedigree.persons[0].individual_id in spaced
    }
    assert not [i for i in issues if i.severity.value != "info"]  # consistent trios: nothing to report
    for original, read_back in zip(fams, back, strict=True):
        assert list(read_back.pedigree.persons) == _expected(original)


# ---------------------------------------------------------------- hand-made PED files


def test_header_and_linked_phenopackets(fixtures_dir: Path) -> None:
    options = ConvertOptions(created=OPTS.created, extra={"phenopackets": str(fixtures_dir / "ped" / "linked")})
    fam1, fam2 = list(PedReader().read(fixtures_dir / "ped" / "trio_header.ped", options))
    assert fam1.message.proband.id == "kid-packet"  # the linked phenopacket, by subject id
    assert [r.id for r in fam1.message.relatives] == ["mum-packet"]
    assert fam1.issues[0].code == "PED009"  # the FID IID … header line
    conflict = [i for i in fam1.issues if i.code == "PED008"]
    assert len(conflict) == 1 and conflict[0].line == 4 and "'mum'" in conflict[0].message
    assert [r.namespace_prefix for r in fam1.message.meta_data.resources] == ["HP"]  # from the linked packets
    assert fam2.message.proband.subject.id == "solo" and not fam2.message.relatives
    chosen = next(
        iter(PedReader().read(fixtures_dir / "ped" / "trio_header.ped", ConvertOptions(extra={"proband": "sib"})))
    )
    assert chosen.message.proband.subject.id == "sib"


def test_inconsistent_pedigree(fixtures_dir: Path) -> None:
    fam_a, fam_b = list(PedReader().read(fixtures_dir / "ped" / "inconsistent.ped", OPTS))
    found = {(i.code, i.line) for i in fam_a.issues}
    assert ("PED003", 5) in found  # c1 listed twice
    assert ("PED004", 6) in found  # father 'ghost' unknown
    assert ("PED006", 3) in found  # father p1 is FEMALE
    assert ("PED006", 4) in found  # mother m1 is MALE
    assert ("PED005", 9) in found  # z is its own father
    assert any(i.code == "PED005" and "x → y → x" in i.message for i in fam_a.issues)  # the x/y cycle
    (other,) = [i for i in fam_b.issues if i.code == "PED004"]
    assert "another family" in other.message and other.line == 10


def test_bad_lines(fixtures_dir: Path) -> None:
    (fam,) = list(PedReader().read(fixtures_dir / "ped" / "bad_columns.ped", OPTS))
    bad = [(i.line, i.severity.value) for i in fam.issues if i.code == "PED001"]
    assert bad == [(2, "error"), (4, "error")]
    assert [p.individual_id for p in fam.message.pedigree.persons] == ["kid", "mum", "dad", "sis"]
    sis = fam.message.pedigree.persons[3]
    assert sis.sex == 1 and sis.affected_status == 0  # 'F' read as FEMALE; '3.7' cannot be carried → MISSING
    assert any(i.code == "PED002" and i.column == 20 for i in fam.issues)
    assert any(i.code == "PED010" for i in fam.issues)  # genotype columns ignored, with a finding


def test_nothing_usable(fixtures_dir: Path) -> None:
    with pytest.raises(InputError, match="no usable PED line") as info:
        list(PedReader().read(fixtures_dir / "ped" / "only_bad.ped", OPTS))
    assert info.value.line == 1


def test_writer_needs_families(tmp_path: Path) -> None:
    issues = PedWriter().write([Phenopacket(id="p")], tmp_path / "x.ped", OPTS)
    assert [i.code for i in issues] == ["PED013", "PED018"]
    assert not (tmp_path / "x.ped").exists()


def test_writer_header_option(tmp_path: Path) -> None:
    fam = Family(id="f")
    fam.pedigree.persons.add(individual_id="a", sex=2, affected_status=2)
    PedWriter().write([fam], tmp_path / "h.ped", ConvertOptions(extra={"header": "true"}))
    assert (tmp_path / "h.ped").read_text().splitlines() == [
        "#family_id\tindividual_id\tpaternal_id\tmaternal_id\tsex\tphenotype",
        "f\ta\t0\t0\t1\t2",
    ]


# ---------------------------------------------------------------- CLI


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "phenotk", *args], capture_output=True, text=True, timeout=120)


def test_cli_ped(fixtures_dir: Path, tmp_path: Path) -> None:
    src = str(fixtures_dir / "ped" / "trio_header.ped")
    run = _cli("convert", src, "-o", f"{tmp_path / 'fams'}/", "--no-validate")
    assert run.returncode == 0, run.stderr
    # validated by default: a pedigree-only Family uses no ontology, so it declares no resource, and that is fine
    # (it was a schema-required error: one no converter could repair without inventing a resource)
    run = _cli("convert", src, "-o", f"{tmp_path / 'validated'}/")
    assert run.returncode == 0 and "/metaData/resources" not in run.stderr and "Traceback" not in run.stderr
    assert sorted(p.name for p in (tmp_path / "fams").iterdir()) == ["fam1.json", "fam2.json"]
    run = _cli("convert", str(tmp_path / "fams"), "-o", str(tmp_path / "all.ped"))  # writer chosen by .ped
    assert run.returncode == 0, run.stderr
    assert len((tmp_path / "all.ped").read_text().splitlines()) == 5
    run = _cli("convert", str(fixtures_dir / "ped" / "only_bad.ped"), "-o", f"{tmp_path / 'x'}/")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "only_bad.ped:1:1: no usable PED line" in run.stderr
    run = _cli("convert", str(fixtures_dir / "ped" / "inconsistent.ped"), "-o", f"{tmp_path / 'y'}/", "--no-validate")
    assert run.returncode == 1  # converted, but with error findings (duplicate id, cycles)


# ---------------------------------------------------------------- finding catalog


def test_every_finding_is_catalogued(fixtures_dir: Path, shared_data: Path, tmp_path: Path) -> None:
    """Reading every PED fixture (with links) and writing the v2 example family emit only pairs of FINDINGS."""
    from phenotk.conversion.ped.findings import FINDINGS

    declared = {(ft.code, ft.name) for ft in FINDINGS}
    seen: set[tuple[str, str]] = set()
    linked = ",".join(str(p) for p in sorted((fixtures_dir / "ped" / "linked").glob("*.json")))
    for path in sorted((fixtures_dir / "ped").glob("*.ped")):
        for extra in ({}, {"phenopackets": linked, "proband": "nobody"}):
            try:
                items = list(PedReader().read(path, ConvertOptions(created=OPTS.created, extra=extra)))
            except InputError:
                continue  # only_bad.ped: refused, tested above
            seen.update((i.code, i.rule) for item in items for i in item.issues)
    family = read(shared_data / "v2-examples" / "family.json")
    written = PedWriter().write([family, Phenopacket(id="p")], tmp_path / "f.ped", OPTS, force=True)
    seen.update((i.code, i.rule) for i in written)
    assert seen - declared == set()
    assert {"PED001", "PED003", "PED012", "PED013", "PED017"} <= {code for code, _ in seen}


def test_link_findings_share_one_code(fixtures_dir: Path, shared_data: Path) -> None:
    """ped-link was PED008 and PED011; it is PED008 now, PED011 an alias of it."""
    from phenotk.conversion.ped.findings import LINK

    assert LINK.code == "PED008" and LINK.aliases == ("PED011",)
    spec = str(shared_data / "v2-examples" / "family.json")  # a Family, not a phenopacket: not linked (was PED011)
    items = list(
        PedReader().read(fixtures_dir / "ped" / "trio_header.ped", ConvertOptions(extra={"phenopackets": spec}))
    )
    links = [i for i in items[0].issues if i.rule == "ped-link"]
    assert links and {i.code for i in links} == {"PED008"}


def test_finding_docs_have_every_section() -> None:
    from phenotk.conversion.ped.findings import FINDINGS

    for ft in FINDINGS:
        for section in ("What it means:", "Why:", "Example:", "What to do:"):
            assert section in ft.doc, (ft.code, section)
    assert len({ft.code for ft in FINDINGS}) == len({ft.name for ft in FINDINGS}) == len(FINDINGS)


def test_data_line_with_a_column_name_as_family_id_is_not_a_header() -> None:
    # variantplaner-style PED: family id "sample", letter sex, no header. One column-name-like word
    # ("sample") used to make line 1 a header, so its person was dropped.
    text = "sample\tsample_3\t0\t0\tm\t1\nsample\tsample_2\t0\t0\tf\t1\nsample\tsample_1\tsample_3\tsample_2\tf\t2\n"
    fams, issues = parse_ped(text)
    assert [p.individual_id for p in fams[0].persons] == ["sample_3", "sample_2", "sample_1"]
    assert not any(i.rule == "ped-header" for i in issues)
    # a real header (several column names, no sex code in column 5) is still skipped
    fams, issues = parse_ped("FID IID PAT MAT SEX PHENOTYPE\n" + text)
    assert len(fams[0].persons) == 3
    assert [i.rule for i in issues].count("ped-header") == 1


def test_phenotype_message_names_a_quantitative_trait_only_for_numbers() -> None:
    # variantplaner writes affected status as true/false: that is not a quantitative trait
    _, issues = parse_ped("f1\ta\t0\t0\t1\ttrue\nf1\tb\t0\t0\t2\t3.7\n")
    bad = {i.line: i.message for i in issues if i.rule == "ped-bad-code"}
    assert "quantitative" not in bad[1] and "read as MISSING" in bad[1]
    assert "quantitative trait cannot be carried" in bad[2]


def test_zero_parents_of_a_v2_family_are_unknown_not_a_person() -> None:
    # Phenopacket v2 families write founders' parents as "0" (schema docs, phenopacket-tools examples);
    # check_pedigree used to report '0' as an unknown parent and as "both father and mother" (an error).
    persons = [
        Pedigree.Person(family_id="F", individual_id="kid", paternal_id="dad", maternal_id="mom", sex=MALE),
        Pedigree.Person(family_id="F", individual_id="dad", paternal_id="0", maternal_id="0", sex=MALE),
        Pedigree.Person(family_id="F", individual_id="mom", paternal_id="0", maternal_id="0", sex=FEMALE),
    ]
    assert check_pedigree(persons) == []
    persons[0].maternal_id = "aunt"  # a real unknown parent is still reported
    assert [i.rule for i in check_pedigree(persons)] == ["pedigree-unknown-parent"]


def test_phenotype_words_and_named_extra_columns() -> None:
    # slivar / peddy test PEDs write 'affected' / 'unaffected' and name their extra columns in a '#family_id …'
    # header: the words were read as MISSING (a warning, the affected proband lost), and the extra columns were
    # called "PLINK genotypes?" although the header names them.
    text = ("#family_id\tsample_id\tpaternal_id\tmaternal_id\tsex\tphenotype\tProject\tancestry\n"
            "U1\tkid\tdad\tmom\tfemale\taffected\tP1\tEUR\n"
            "U1\tmom\t0\t0\tfemale\tunaffected\tP1\tEUR\n"
            "U1\tdad\t0\t0\tmale\tUnknown\tP1\tEUR\n")
    fams, issues = parse_ped(text)
    status = {p.individual_id: Pedigree.Person.AffectedStatus.Name(p.affected_status) for p in fams[0].persons}
    assert status == {"kid": "AFFECTED", "mom": "UNAFFECTED", "dad": "MISSING"}
    words = [i for i in issues if i.rule == "ped-bad-code" and "phenotype" in i.message]
    assert len(words) == 3 and {i.severity.value for i in words} == {"info"}
    (extra,) = [i for i in issues if i.rule == "ped-extra-columns"]
    assert "columns 7+ (Project, ancestry) are not carried" in extra.message
    _, issues = parse_ped("f\ta\t0\t0\t1\t2\tA\tG\n")
    assert "(PLINK genotypes?)" in next(i.message for i in issues if i.rule == "ped-extra-columns")


def test_tab_separated_line_with_empty_parent_fields_is_read() -> None:
    # slivar's comphet test PED is tab-separated and leaves the founders' parent fields empty
    # ("SID\tSID_1\t\t\t2\t1"); splitting on runs of whitespace saw 4 columns and dropped both founders.
    text = "F\tmom\t\t\t2\t1\nF\tdad\t\t\t1\t1\nF\tkid\tdad\tmom\t1\t2\n"
    fams, issues = parse_ped(text)
    persons = {p.individual_id: p for p in fams[0].persons}
    assert sorted(persons) == ["dad", "kid", "mom"]
    assert persons["mom"].paternal_id == persons["mom"].maternal_id == ""
    assert persons["mom"].sex == FEMALE and persons["dad"].sex == MALE
    assert persons["kid"].affected_status == Person.AffectedStatus.AFFECTED
    assert not [i for i in issues if i.rule == "ped-column-count"]
    # whitespace inside a tab-separated line still separates columns (Exomiser's pedWithSpaces.ped)
    fams, issues = parse_ped("1\tEva\t0\t0\t2\t1\n1\tSeth    Adam\tEva\t1\t2\n")
    assert [p.individual_id for p in fams[0].persons] == ["Eva", "Seth"]
    assert fams[0].persons[1].paternal_id == "Adam"


def test_sex_word_other_is_other_sex_not_a_silent_unknown() -> None:
    # 'other' was mapped to UNKNOWN_SEX without any finding, although the pedigree has OTHER_SEX
    fams, issues = parse_ped("f\ta\t0\t0\tother\t1\n")
    assert fams[0].persons[0].sex == OTHER_SEX
    (found,) = [i for i in issues if i.rule == "ped-bad-code"]
    assert "OTHER_SEX" in found.message and found.line == 1


def test_quantitative_phenotype_column_does_not_invent_affected_status() -> None:
    # PLINK: one phenotype outside 0/1/2/-9 makes the whole column quantitative, so 1 and 2 on the other lines
    # are trait values too; reading them as UNAFFECTED / AFFECTED invented a status the file never stated.
    text = "f\ta\t0\t0\t1\t2\nf\tb\t0\t0\t2\t1\nf\tc\t0\t0\t1\t23.7\nf\td\t0\t0\t2\t-9\nf\te\t0\t0\t2\t.\n"
    fams, issues = parse_ped(text)
    statuses = {p.individual_id: p.affected_status for p in fams[0].persons}
    assert set(statuses.values()) == {Person.AffectedStatus.MISSING}
    quantitative = [i for i in issues if i.rule == "ped-bad-code" and "quantitative" in i.message]
    # the value 23.7 (line 3) and the values 2 and 1 (lines 1, 2) are each reported, with their line
    assert sorted(i.line for i in quantitative) == [1, 2, 3]
    assert all(i.context.get("value") in ("2", "1", "23.7") for i in quantitative)
    # a file with only 0/1/2/-9 keeps its statuses
    fams, _ = parse_ped("f\ta\t0\t0\t1\t2\nf\tb\t0\t0\t2\t1\n")
    assert [p.affected_status for p in fams[0].persons] == [
        Person.AffectedStatus.AFFECTED,
        Person.AffectedStatus.UNAFFECTED,
    ]


def test_non_utf8_byte_is_located(tmp_path: Path) -> None:
    # a Latin-1 'é' on line 2 was reported without a line or column: the user had to search the file
    path = tmp_path / "latin1.ped"
    path.write_bytes(b"f1 a 0 0 1 2\nf1 Jos\xe9 0 0 1 1\n")
    with pytest.raises(InputError, match="not UTF-8") as info:
        list(PedReader().read(path, OPTS))
    assert (info.value.line, info.value.column) == (2, 7)


def test_tab_separated_ids_with_a_space_do_not_shift_the_columns() -> None:
    # a tab-separated PED from a spreadsheet: 'John Smith' split on whitespace made 'Smith' the father, the
    # father the mother, the mother the sex … — every later column silently shifted by one
    fams, issues = parse_ped("F1\tJohn Smith\tDad X\t0\t1\t2\nF1\tDad X\t0\t0\t1\t1\n")
    kid, dad = fams[0].persons
    assert (kid.individual_id, kid.paternal_id, kid.maternal_id) == ("John Smith", "Dad X", "")
    assert kid.sex == MALE and kid.affected_status == Person.AffectedStatus.AFFECTED
    assert dad.individual_id == "Dad X"
    assert not [i for i in issues if i.rule in ("ped-extra-columns", "ped-bad-code", "pedigree-unknown-parent")]


def test_parents_related_in_the_pedigree_make_consanguinous_parents_true(tmp_path: Path) -> None:
    # a first-cousin marriage: the proband's parents c1 and c2 share the grandparents gf and gm. The PED file
    # states it through its parent columns, yet the Family said consanguinousParents: false (the schema default).
    path = tmp_path / "loop.ped"
    path.write_text(
        "F gf 0 0 1 1\nF gm 0 0 2 1\nF a gf gm 1 1\nF b gf gm 2 1\nF sa 0 0 2 1\nF sb 0 0 1 1\n"
        "F c1 a sa 1 1\nF c2 sb b 2 1\nF kid c1 c2 1 2\n"
        "G x 0 0 1 1\nG y 0 0 2 1\nG z x y 1 2\n"
    )
    (loop, plain) = list(PedReader().read(path, OPTS))
    assert loop.message.consanguinous_parents is True
    (note,) = [i for i in loop.issues if i.rule == "ped-consanguinity"]
    assert "'c1'" in note.message and "'c2'" in note.message and "gf" in note.message and note.line == 9
    assert plain.message.consanguinous_parents is False
    assert not [i for i in plain.issues if i.rule == "ped-consanguinity"]


def test_named_extra_column_values_are_kept_in_the_finding() -> None:
    # peddy / slivar / ped_parser PEDs carry per-sample columns a header names (ancestry, Capture_kit): the
    # finding named the columns but kept none of their values, so the report could not say what was left behind
    text = ("#family_id\tsample_id\tpaternal_id\tmaternal_id\tsex\tphenotype\tancestry\tCapture_kit\n"
            "U1\tkid\tdad\tmom\t2\t2\tEUR\tV5\n"
            "U1\tmom\t0\t0\t2\t1\tAFR\n")
    _, issues = parse_ped(text)
    (extra,) = [i for i in issues if i.rule == "ped-extra-columns"]
    assert extra.context["value"] == {
        "line 2 (kid)": {"ancestry": "EUR", "Capture_kit": "V5"},
        "line 3 (mom)": {"ancestry": "AFR"},
    }
    # unnamed columns (PLINK genotypes: thousands of them) are counted, not copied into the report
    _, issues = parse_ped("f\ta\t0\t0\t1\t2\tA\tG\n")
    assert "value" not in next(i for i in issues if i.rule == "ped-extra-columns").context
    # a comment line before the data is no header: genotype columns beyond what it "names" are not copied
    _, issues = parse_ped("# made by tool x\nf\ta\t0\t0\t1\t2\tA\tG\tC\tC\tT\tT\n")
    assert "value" not in next(i for i in issues if i.rule == "ped-extra-columns").context


def test_family_id_that_differs_from_the_persons_family_id_is_reported(tmp_path: Path) -> None:
    # a Family 'FAM-A' whose persons say familyId 'F1': PED's first column is the persons' family id, so the
    # Family id was lost without a word (reading the file back gives a Family 'F1')
    fam = Family(id="FAM-A")
    fam.pedigree.persons.add(family_id="F1", individual_id="kid", sex=MALE)
    fam.pedigree.persons.add(family_id="F1", individual_id="mum", sex=FEMALE)
    written = PedWriter().write([fam], tmp_path / "o.ped", OPTS, force=True)
    (lost,) = [i for i in written if i.rule == "ped-family-not-carried"]
    assert "id 'FAM-A'" in lost.message and "'F1'" in lost.message
    assert (tmp_path / "o.ped").read_text() == "F1\tkid\t0\t0\t1\t0\nF1\tmum\t0\t0\t2\t0\n"
    # persons under two family ids (one without: it gets the Family id) come back as two families: said so
    fam.pedigree.persons[1].family_id = ""
    written = PedWriter().write([fam], tmp_path / "o.ped", OPTS, force=True)
    (lost,) = [i for i in written if i.rule == "ped-family-not-carried"]
    assert "2 family ids ('F1', 'FAM-A')" in lost.message
    assert len(list(PedReader().read(tmp_path / "o.ped", OPTS))) == 2


def test_a_space_before_the_tabs_still_separates_when_the_codes_say_so() -> None:
    # 'F1 A<TAB>0<TAB>0<TAB>1<TAB>2<TAB>x': five tabs, but the first separator is a space. Split on tabs only, the
    # family would be 'F1 A', the individual '0' and the sex '2'; the whitespace split puts valid codes in the sex
    # and phenotype columns, so it is the one read
    fams, _ = parse_ped("F1 A\t0\t0\t1\t2\tx\n")
    (p,) = fams[0].persons
    assert (p.family_id, p.individual_id, p.sex, p.affected_status) == ("F1", "A", MALE, Person.AffectedStatus.AFFECTED)


def test_one_parent_in_both_columns_is_reported_once_as_both() -> None:
    # Exomiser's Pfeiffer-quartet.ped has 'FAM1 ISDBM322017 ISDBM322016 ISDBM322016 2 2': the same error came as
    # "is both father and mother of …" and again as "is the father of … and the mother of …" (two errors)
    fams, _ = parse_ped("F\tdad\t0\t0\t1\t1\nF\tkid\tdad\tdad\t2\t2\n")
    found = check_pedigree(fams[0].persons)
    both = [i for i in found if i.rule == "pedigree-role-conflict" and i.severity.value == "error"]
    assert [i.message for i in both] == ["'dad' is both father and mother of 'kid'"]
    # a person who is the father of one child and the mother of another is still reported
    fams, _ = parse_ped("F\tp\t0\t0\t1\t1\nF\ta\tp\t0\t1\t1\nF\tb\t0\tp\t1\t1\n")
    assert any("is the father of 'a' and the mother of 'b'" in i.message for i in check_pedigree(fams[0].persons))


def test_convert_to_ped_of_nothing_says_nothing_was_written(tmp_path: Path) -> None:
    """A phenopacket without pedigree to PED: no file, and the summary line said 'wrote 1 document(s) to x.ped'."""
    src = tmp_path / "p.json"
    src.write_text('{"id": "p1", "subject": {"id": "s1"}, "metaData": {"phenopacketSchemaVersion": "2.0"}}')
    run = subprocess.run([sys.executable, "-m", "phenotk", "convert", str(src), "-o", str(tmp_path / "x.ped")],
                         capture_output=True, text=True)
    assert not (tmp_path / "x.ped").exists()
    assert "ped-nothing-written" in run.stderr and "wrote 1 document" not in run.stderr
    assert "nothing written: the writer made no file" in run.stderr
