"""phenotype.hpoa: the parsed tables are cached on disk by the file's sha256; a damaged cache is parsed again."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

from phenotk.errors import InputError

A = importlib.import_module("phenotk.ontology.annotations")


def _fresh(path: Path) -> object:
    A._load.cache_clear()  # a new process: only the disk cache remembers
    return A.load_annotations(path)


def test_cached_annotations_equal_the_parse(hpo_dir: Path, monkeypatch: pytest.MonkeyPatch, _isolated: Path) -> None:
    path = hpo_dir / "phenotype.hpoa.gz"
    parsed = _fresh(path)
    files = list((_isolated / "ontology" / "annotations").iterdir())
    assert len(files) == 1

    def no_parse(p: str) -> None:
        raise AssertionError("the cached tables must be used")

    monkeypatch.setattr(A, "_parse", no_parse)
    cached = _fresh(path)
    assert cached == parsed and cached.of("OMIM:154700") == parsed.of("OMIM:154700") != frozenset()
    monkeypatch.undo()
    files[0].write_bytes(files[0].read_bytes()[:-10])  # damaged: ignored, parsed and written again
    assert _fresh(path) == parsed
    assert A._parse(str(path)) == parsed


def test_edited_annotation_file_is_parsed_again(tmp_path: Path) -> None:
    path = tmp_path / "phenotype.hpoa"
    head = "#version: 2025-01-01\ndatabase_id\tdisease_name\tqualifier\thpo_id\treference\tevidence\tonset\t"
    head += "frequency\tsex\tmodifier\taspect\tbiocuration\n"
    row = "OMIM:1\tDisease one\t\t{mode}\tPMID:1\tPCS\t\t\t\t\tI\tHPO:x[2025-01-01]\n"
    path.write_text(head + row.format(mode="HP:0000006"), encoding="utf-8")
    assert _fresh(path).of("OMIM:1") == frozenset({"HP:0000006"})  # type: ignore[attr-defined]
    path.write_text(head + row.format(mode="HP:0000007"), encoding="utf-8")
    assert _fresh(path).of("OMIM:1") == frozenset({"HP:0000007"})  # type: ignore[attr-defined]


LEGACY_ROWS = (  # phenotype_annotation.tab (before 2019): DB, DB_Object_ID, DB_Name (an OMIM title) … Aspect
    "OMIM\t100001\t#100001 SYNTHETIC SYNDROME;;SYN SYNDROME, TYPE V\t\tHP:0000006\tOMIM:100001\tIEA\t\t\t\tI\t\t"
    "2009-02-17\tHPO:iea\n"
    "OMIM\t100001\t#100001 SYNTHETIC SYNDROME;;SYN SYNDROME, TYPE V\t\tHP:0001156\tOMIM:100001\tIEA\t\t\t\tO\t\t"
    "2009-02-17\tHPO:iea\n"
    "ORPHA\t9999\tSynthetic disease\tNOT\tHP:0000007\tORPHA:9999\tTAS\t\t\t\tI\t\t2016-01-01\tORPHA:orphadata\n"
)


def test_legacy_annotation_table_is_read(tmp_path: Path) -> None:
    path = tmp_path / "phenotype_annotation.tab"
    path.write_text(LEGACY_ROWS, encoding="utf-8")
    ann: Any = _fresh(path)
    assert ann.names == {"OMIM:100001": "SYNTHETIC SYNDROME", "ORPHA:9999": "Synthetic disease"}
    assert ann.of("OMIM:100001") == {"HP:0000006"} and ann.of("ORPHA:9999") == frozenset()  # NOT: no mode
    assert ann.prefixes == {"OMIM", "ORPHA"}


def test_gzip_without_gz_suffix_and_other_tables(tmp_path: Path) -> None:
    import gzip

    rows = "#version: 2099-01-01\nOMIM:100001\tSynthetic syndrome\t\tHP:0000006\tPMID:1\tPCS\t\t\t\t\tI\tHPO:x\n"
    packed = tmp_path / "phenotype.hpoa"  # gzipped by a browser download, name unchanged
    packed.write_bytes(gzip.compress(rows.encode("utf-8")))
    ann: Any = _fresh(packed)
    assert ann.version == "2099-01-01" and ann.of("OMIM:100001") == {"HP:0000006"}
    other = tmp_path / "terms.tsv"  # a two-column table of HPO ids: no disease rows, not disease names
    other.write_text("hpo_id\tlabel\nHP:0001250\tSeizure\n", encoding="utf-8")
    with pytest.raises(InputError, match="not an HPO annotation file"):
        _fresh(other)
