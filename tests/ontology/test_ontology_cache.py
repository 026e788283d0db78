"""The on-disk index cache: warm loads skip pronto; corrupt, stale or foreign cache files are rebuilt."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from phenotk.ontology import build, cache, load
from phenotk.ontology import load_ontology as _load_ontology


def load_ontology(path: Path):  # type: ignore[no-untyped-def]
    load._MEMO.clear()  # measure the disk cache, not the in-process memo
    return _load_ontology(path)


def _no_pronto(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(path: object) -> None:
        raise AssertionError("pronto must not run on a warm load")

    monkeypatch.setattr(load, "parse_with_pronto", boom)


def test_cache_dir_from_env(_isolated: Path) -> None:
    assert cache.cache_dir() == _isolated
    assert cache.ontology_cache_dir() == _isolated / "ontology"


def test_cache_dir_default_is_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv("PHENOTK_CACHE_DIR")
    assert cache.cache_dir() == Path(platformdirs.user_cache_dir("phenotk", appauthor=False))


def test_cold_then_warm(toy_obo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = load_ontology(toy_obo)
    assert not cold.loaded_from_cache
    assert cold.cache_path == str(cache.index_path(cache.file_sha256(toy_obo)))
    assert Path(cold.cache_path).is_file()
    _no_pronto(monkeypatch)
    warm = load_ontology(toy_obo)
    assert warm.loaded_from_cache
    assert warm.to_payload() == cold.to_payload()
    assert warm.ancestors("TOY:0000006") == cold.ancestors("TOY:0000006")


def test_memo_returns_same_object(toy_obo: Path) -> None:
    a = _load_ontology(toy_obo)
    assert _load_ontology(toy_obo) is a


def test_edited_source_gets_a_new_index(toy_obo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "toy.obo"
    shutil.copy(toy_obo, copy)
    first = load_ontology(copy)
    copy.write_text(copy.read_text(encoding="utf-8").replace("name: Seizure\n", "name: Fit\n"), encoding="utf-8")
    second = load_ontology(copy)
    assert not second.loaded_from_cache
    assert second.label("TOY:0000005") == "Fit" and first.label("TOY:0000005") == "Seizure"
    assert second.cache_path != first.cache_path


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # truncated
        lambda b: b[:-10] + bytes(10),  # payload bytes changed
        lambda b: b"XXXXXXXX" + b[8:],  # wrong magic
        lambda b: b[:8] + (999).to_bytes(4, "little") + b[12:],  # other format version
        lambda b: b"",
        lambda b: os.urandom(len(b)),
    ],
)
def test_corrupt_cache_is_rebuilt(toy_obo: Path, damage: object) -> None:
    first = load_ontology(toy_obo)
    path = Path(first.cache_path or "")
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    again = load_ontology(toy_obo)
    assert not again.loaded_from_cache
    assert again.to_payload() == first.to_payload()
    assert cache.read_cached(first.source_sha256) is not None  # rewritten, valid again


def test_cache_of_another_source_is_not_trusted(toy_obo: Path, mini_hp: Path) -> None:
    toy = load_ontology(toy_obo)
    hp = load_ontology(mini_hp)
    shutil.copy(toy.cache_path or "", hp.cache_path or "")  # a valid file under the wrong key
    again = load_ontology(mini_hp)
    assert not again.loaded_from_cache and again.prefix == "HP"


def test_payload_checksum_covers_every_byte(toy_obo: Path) -> None:
    blob = cache.dumps(load_ontology(toy_obo).to_payload())
    assert cache.loads(blob) is not None
    for pos in range(44, len(blob), max(1, len(blob) // 50)):
        flipped = blob[:pos] + bytes([blob[pos] ^ 0x01]) + blob[pos + 1 :]
        assert cache.loads(flipped) is None, pos


def test_unwritable_cache_still_loads(toy_obo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    monkeypatch.setenv("PHENOTK_CACHE_DIR", str(blocker))
    idx = load_ontology(toy_obo)
    assert idx.cache_path is None and idx.label("TOY:0000005") == "Seizure"


def test_no_cache_option(toy_obo: Path, _isolated: Path) -> None:
    load._MEMO.clear()
    idx = _load_ontology(toy_obo, use_cache=False)
    assert idx.cache_path is None and not _isolated.exists()


def test_build_is_deterministic(toy_obo: Path) -> None:
    a = build.build_payload(build.parse_with_pronto(toy_obo), source="x", sha256="y")
    b = build.build_payload(build.parse_with_pronto(toy_obo), source="x", sha256="y")
    assert cache.dumps(a) == cache.dumps(b)


def test_index_built_by_another_pronto_is_stale(toy_obo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_ontology(toy_obo)
    payload = dict(first.to_payload(), builder="pronto 0.0.1")
    Path(first.cache_path or "").write_bytes(cache.dumps(payload))
    assert not load_ontology(toy_obo).loaded_from_cache


def test_same_size_edit_of_an_old_file_is_seen(toy_obo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "toy.obo"
    shutil.copy(toy_obo, copy)
    os.utime(copy, ns=(1_000_000_000, 1_000_000_000))  # old enough for the in-process hash memo
    assert load_ontology(copy).label("TOY:0000005") == "Seizure"
    copy.write_text(copy.read_text(encoding="utf-8").replace("name: Seizure\n", "name: Seizurf\n"), encoding="utf-8")
    assert load_ontology(copy).label("TOY:0000005") == "Seizurf"


def _settled_copy(src: Path, dest: Path) -> Path:
    """A copy of ``src`` whose mtime and ctime lie more than 2 s in the past (so its hash may be memoised)."""
    shutil.copy(src, dest)
    old = dest.stat().st_mtime_ns - 10_000_000_000
    os.utime(dest, ns=(old, old))
    return dest


def test_sha_memo_spares_rehashing_an_unchanged_file(
    toy_obo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = _settled_copy(toy_obo, tmp_path / "toy.obo")
    monkeypatch.setattr(load.time, "time_ns", lambda: copy.stat().st_ctime_ns + 3_000_000_000)
    first = load_ontology(copy)
    load._SHA.clear()  # a new process: only the on-disk memo remembers the hash

    def no_hashing(path: object) -> str:
        raise AssertionError("an unchanged file must not be hashed again")

    monkeypatch.setattr(cache, "file_sha256", no_hashing)
    assert load_ontology(copy).source_sha256 == first.source_sha256


def test_sha_memo_is_not_trusted_after_an_edit(toy_obo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = _settled_copy(toy_obo, tmp_path / "toy.obo")
    monkeypatch.setattr(load.time, "time_ns", lambda: copy.stat().st_ctime_ns + 3_000_000_000)
    first = load_ontology(copy)
    load._SHA.clear()
    st = copy.stat()
    edited = copy.read_text(encoding="utf-8").replace("name: Seizure\n", "name: SEIZURE\n")
    assert len(edited) == len(copy.read_text(encoding="utf-8"))
    copy.write_text(edited, encoding="utf-8")
    os.utime(copy, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime: only ctime tells
    second = load_ontology(copy)
    assert second.source_sha256 != first.source_sha256
    assert second.label("TOY:0000005") == "SEIZURE"


def test_sha_memo_in_unwritable_cache_is_skipped(
    toy_obo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = _settled_copy(toy_obo, tmp_path / "toy.obo")
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("", encoding="utf-8")  # the cache dir is a file: nothing can be written below it
    monkeypatch.setenv("PHENOTK_CACHE_DIR", str(blocked))
    idx = load_ontology(copy)
    assert idx.source_sha256 == cache.file_sha256(copy)
    load._SHA.clear()
    assert load_ontology(copy).source_sha256 == idx.source_sha256


def test_synonyms_are_unpacked_only_when_asked(toy_obo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = load_ontology(toy_obo)
    _no_pronto(monkeypatch)
    warm = load_ontology(toy_obo)
    assert warm.loaded_from_cache
    assert isinstance(warm._data["synonyms"], bytes) and "_syn" not in vars(warm)  # still packed
    assert warm.label("TOY:0000005") == cold.label("TOY:0000005")
    assert "_syn" not in vars(warm)
    assert warm.synonyms("TOY:0000005") == cold.synonyms("TOY:0000005") == ["Seizures", "Fits"]
    assert warm.lookup("seizures") == cold.lookup("seizures")
    assert warm.to_payload() == cold.to_payload()
