"""phenotype.hpoa: the parsed tables are cached on disk by the file's sha256; a damaged cache is parsed again."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

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
