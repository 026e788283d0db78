"""Generated walkers stay debuggable: their source is in ``linecache`` and they are generated per type on demand."""

from __future__ import annotations

import copy
import linecache
import traceback
from typing import Any

import pytest

from phenotk.io.readers import document_from_tree
from phenotk.validation.config import Options, engine_config
from phenotk.validation.engine import Engine

DOC: dict[str, Any] = {
    "id": "p1",
    "subject": {"id": "s1", "sex": "FEMALE", "colour": "blue"},  # an unknown field: the walker calls ``unknown``
    "metaData": {"created": "2024-01-01T00:00:00Z", "createdBy": "test", "phenopacketSchemaVersion": "2.0"},
}


def test_traceback_from_a_generated_walker_shows_its_source_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(self: Engine, *args: Any) -> None:
        raise RuntimeError("raised from inside a walker")

    monkeypatch.setattr(Engine, "_unknown", boom)  # bound into the walkers' globals when the engine is built
    engine = Engine(engine_config(Options()))
    with pytest.raises(RuntimeError) as info:
        engine.check_document(document_from_tree(copy.deepcopy(DOC)))
    frames = [f for f in traceback.extract_tb(info.value.__traceback__) if f.filename.startswith("<phenotk walker")]
    assert frames, "no generated walker frame in the traceback"
    walker = frames[-1]
    assert "Individual" in walker.filename  # one file name per message type
    assert walker.line is not None and walker.line.startswith("unknown(")  # the generated line, from linecache
    text = "".join(traceback.format_exception(info.value))
    assert walker.line in text
    # the registered text is the source the code object was compiled from
    assert linecache.getline(walker.filename, walker.lineno).strip() == walker.line


def test_walkers_are_generated_only_for_the_types_a_run_meets() -> None:
    engine = Engine(engine_config(Options()))
    walkers = engine._walkers
    generated = {name for name, fn in walkers.items() if fn.__code__.co_filename.startswith("<phenotk walker")}
    assert generated == set()
    engine.check_document(document_from_tree(copy.deepcopy(DOC)))
    generated = {name for name, fn in walkers.items() if fn.__code__.co_filename.startswith("<phenotk walker")}
    assert {"Phenopacket", "Individual", "MetaData"} <= generated
    assert "Biosample" not in generated and len(generated) < len(walkers) // 2


@pytest.fixture
def walker_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Any:
    """An empty on-disk walker cache in ``tmp_path`` and no walker compiled in this process yet."""
    from phenotk.validation.engine import codegen

    monkeypatch.setenv("PHENOTK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PHENOTK_WALKER_CACHE", raising=False)
    monkeypatch.setattr(codegen, "_CODE", {})
    codegen._cache_folder.cache_clear()
    yield tmp_path / "cache" / "walkers"
    codegen._cache_folder.cache_clear()


def _crash_in_walker(monkeypatch: pytest.MonkeyPatch) -> traceback.FrameSummary:
    def boom(self: Engine, *args: Any) -> None:
        raise RuntimeError("raised from inside a walker")

    with monkeypatch.context() as m:
        m.setattr(Engine, "_unknown", boom)
        engine = Engine(engine_config(Options()))
    with pytest.raises(RuntimeError) as info:
        engine.check_document(document_from_tree(copy.deepcopy(DOC)))
    frames = [f for f in traceback.extract_tb(info.value.__traceback__) if f.filename.startswith("<phenotk walker")]
    return frames[-1]


def test_walkers_compiled_once_are_read_from_the_disk_cache_and_still_show_source(
    walker_cache: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from phenotk.validation.engine import codegen

    first = _crash_in_walker(monkeypatch)
    written = sorted(p.name for p in walker_cache.glob("*/*"))
    assert written and not any(n.startswith(".tmp-") for n in written)
    # a new process: nothing in memory, nothing in linecache; compiling is not allowed
    monkeypatch.setattr(codegen, "_CODE", {})
    linecache.clearcache()

    def no_compile(*args: Any) -> None:
        raise AssertionError("a cached walker must not be compiled again")

    monkeypatch.setattr(codegen, "compile", no_compile, raising=False)
    again = _crash_in_walker(monkeypatch)
    assert (again.filename, again.lineno) == (first.filename, first.lineno)
    assert again.line is not None and again.line.startswith("unknown(")  # source from linecache, as before


def test_damaged_or_unwritable_walker_cache_is_skipped(
    walker_cache: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from phenotk.validation.engine import codegen

    expected = Engine(engine_config(Options())).check_document(document_from_tree(copy.deepcopy(DOC))).issues
    files = [p for p in walker_cache.glob("*/*")]
    assert files
    for p in files:  # truncated / overwritten files: ignored, compiled again, rewritten
        p.write_bytes(p.read_bytes()[:40])
    monkeypatch.setattr(codegen, "_CODE", {})
    assert Engine(engine_config(Options())).check_document(document_from_tree(copy.deepcopy(DOC))).issues == expected
    assert all(len(p.read_bytes()) > 40 for p in files)
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("PHENOTK_CACHE_DIR", str(blocked))  # nothing can be written below a file
    codegen._cache_folder.cache_clear()
    monkeypatch.setattr(codegen, "_CODE", {})
    assert Engine(engine_config(Options())).check_document(document_from_tree(copy.deepcopy(DOC))).issues == expected
