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
