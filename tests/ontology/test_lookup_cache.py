"""The label/synonym table behind ``OntologyIndex.lookup``: its fast build and its file beside the cached index.

The table is built once per index (or read from ``<sha>.v<format>.lookup<n>`` beside the cached index): a
damaged, stale or foreign file is ignored and rewritten, an unwritable cache only costs the build, and every
answer equals the one the plain per-text algorithm (kept here as the reference) gives.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from phenotk.ontology import OntologyIndex, cache, load
from phenotk.ontology.index import _OTHER_WS, _SCOPE_RANK, _normalize_all, normalize_text


def fresh(path: Path) -> OntologyIndex:
    """A new index object for ``path`` (cached on disk, no in-process memo, no lookup table yet)."""
    load._MEMO.clear()
    return load.load_ontology(path)


def reference_lookup(idx: OntologyIndex) -> dict[str, list[str]]:
    """The table as the original per-text algorithm built it: every text ranked, then de-duplicated."""
    ranked: dict[str, list[tuple[int, int]]] = {}
    for i, curie in enumerate(idx.terms(obsolete=True)):
        penalty = 10 if idx.is_obsolete(curie) else 0
        lab = idx.label(curie)
        if lab:
            ranked.setdefault(normalize_text(lab), []).append((penalty, i))
        for s, sc in idx.synonym_types(curie):
            ranked.setdefault(normalize_text(s), []).append((penalty + 1 + _SCOPE_RANK.get(sc, 4), i))
    ids = list(idx.terms(obsolete=True))
    return {key: list(dict.fromkeys(ids[i] for _, i in sorted(hits))) for key, hits in ranked.items()}


def answers(idx: OntologyIndex, texts: list[str]) -> dict[str, list[str]]:
    return {t: idx.lookup(t) for t in texts}


def probes(idx: OntologyIndex) -> list[str]:
    """Every label and synonym as written, shouted and padded, plus texts no term has."""
    texts = ["", " ", "nothing like this", "seizure\tx"]
    for t in idx.terms(obsolete=True):
        for s in [idx.label(t) or "", *idx.synonyms(t)]:
            texts += [s, f"  {s.upper()}\n"]
    return texts


def test_other_whitespace_is_every_whitespace_but_the_space() -> None:
    every = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert set(_OTHER_WS) == every - {" "} and len(_OTHER_WS) == len(every) - 1


@pytest.mark.parametrize(
    "texts",
    [
        [],
        ["Seizure"],
        ["  Focal  seizure ", "a\tb\nc", "\u00a0nbsp\u2003em\u3000", "", "   ", "Straße", "ΌΣΟΣ", "ﬁne"],
        ["with\0nul", "plain"],  # a NUL of its own: one by one
        ["x\x1cy", "\x85start", "end\u2029"],
    ],
)
def test_normalize_all_equals_normalize_text_one_by_one(texts: list[str]) -> None:
    assert _normalize_all(texts) == [normalize_text(t) for t in texts]


@pytest.mark.parametrize("fixture", ["toy_obo", "mini_hp"])
def test_build_equals_reference(fixture: str, request: pytest.FixtureRequest) -> None:
    idx = fresh(request.getfixturevalue(fixture))
    ref = reference_lookup(idx)
    assert answers(idx, list(ref)) == ref
    assert idx.lookup("nothing like this") == []


def test_build_equals_reference_on_hpo(hp_json: Any) -> None:
    idx: OntologyIndex = hp_json.index
    ref = reference_lookup(idx)
    assert len(ref) > 30_000
    assert any(len(v) > 1 for v in ref.values())  # ranked texts exist in a real release
    assert answers(idx, list(ref)) == ref


def test_cold_writes_the_table_and_warm_reads_it(mini_hp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = fresh(mini_hp)
    texts = probes(cold)
    want = answers(cold, texts)
    path = cache.lookup_path(cold)
    assert path is not None and path.is_file()
    assert path.parent == Path(cold.cache_path or "").parent
    warm = fresh(mini_hp)

    def boom(self: OntologyIndex) -> None:
        raise AssertionError("a warm lookup must read the table, not build it")

    monkeypatch.setattr(OntologyIndex, "build_lookup", boom)
    assert answers(warm, texts) == want


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # truncated
        lambda b: b[:-10] + bytes(10),  # body changed behind the seal
        lambda b: b"",
        lambda b: os.urandom(len(b)),
    ],
)
def test_damaged_table_is_ignored_and_rewritten(mini_hp: Path, damage: Any) -> None:
    first = fresh(mini_hp)
    texts = probes(first)
    want = answers(first, texts)
    path = cache.lookup_path(first)
    assert path is not None
    path.write_bytes(damage(path.read_bytes()))
    again = fresh(mini_hp)
    assert answers(again, texts) == want
    assert cache.read_lookup(fresh(mini_hp)) is not None  # rewritten, valid again


def test_well_sealed_table_with_bad_content_is_ignored(mini_hp: Path) -> None:
    first = fresh(mini_hp)
    want = answers(first, probes(first))
    path = cache.lookup_path(first)
    assert path is not None
    import marshal

    head, keys, numbers, several = marshal.loads(cache.unsealed(path.read_bytes()) or b"")
    bad: list[Any] = [
        ((*head[:-1], head[-1] + 1), keys, numbers, several),  # another index's size
        (("lookup", cache.LOOKUP_FORMAT + 1, *head[2:]), keys, numbers, several),  # another table format
        (head, keys, numbers[:-4], several),  # one number short
        (head, keys, bytes([0xFF]) * len(numbers), several),  # numbers out of range
        (head, keys, numbers, {"x": (len(first),)}),  # a term number the index lacks
        (head, keys, numbers, {"x": 3}),  # not a tuple
        (head, keys[:2] * (len(keys) // 2) + keys[: len(keys) % 2], numbers, several),  # repeated keys
        ("not a tuple of four",),
    ]
    for body in bad:
        path.write_bytes(cache.sealed(marshal.dumps(body)))
        assert cache.read_lookup(fresh(mini_hp)) is None, body[0]
        assert answers(fresh(mini_hp), list(want)) == want


def test_table_of_another_index_is_not_trusted(toy_obo: Path, mini_hp: Path) -> None:
    toy, hp = fresh(toy_obo), fresh(mini_hp)
    want = answers(hp, probes(hp))
    toy.lookup("seizure")
    toy_path, hp_path = cache.lookup_path(toy), cache.lookup_path(hp)
    assert toy_path is not None and hp_path is not None and toy_path != hp_path
    shutil.copy(toy_path, hp_path)  # a valid file under the wrong name
    assert cache.read_lookup(fresh(mini_hp)) is None
    assert answers(fresh(mini_hp), list(want)) == want


def test_unwritable_cache_builds_every_time(mini_hp: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    monkeypatch.setenv("PHENOTK_CACHE_DIR", str(blocker))
    idx = fresh(mini_hp)
    assert idx.cache_path is None and cache.lookup_path(idx) is None
    ref = reference_lookup(idx)
    assert answers(idx, list(ref)) == ref


def test_read_only_cached_index_still_looks_up(mini_hp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    want = answers(fresh(mini_hp), ["seizures", "nothing like this"])
    path = cache.lookup_path(fresh(mini_hp))
    assert path is not None
    path.unlink()
    monkeypatch.setattr(cache, "write_blob", lambda path, data: False)  # e.g. a read-only cache dir
    idx = fresh(mini_hp)
    assert answers(idx, list(want)) == want and not path.exists()


def test_uncached_index_writes_no_table(mini_hp: Path, _isolated: Path) -> None:
    load._MEMO.clear()
    idx = load.load_ontology(mini_hp, use_cache=False)
    assert idx.cache_path is None and cache.lookup_path(idx) is None
    idx.lookup("seizure")
    assert not list(_isolated.rglob("*.lookup*"))
