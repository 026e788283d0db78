"""Every real v2 document reads and survives JSON → protobuf binary → YAML → JSON unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from google.protobuf import json_format

from phenotk.errors import InputError
from phenotk.io import Element, Format, dumps, iter_documents, parse_bytes, read_document


def _one(raw: bytes, fmt: Format, element: Element):
    items = list(parse_bytes(raw, f"<{fmt.value}>", fmt=fmt, element=element))
    assert len(items) == 1 and not isinstance(items[0], InputError), items
    return items[0]


@pytest.mark.slow
def test_every_store_and_example_document_round_trips(store_dir: Path, shared_data: Path) -> None:
    count = 0
    failures: list[str] = []
    for item in iter_documents([shared_data / "v2-examples", store_dir]):
        if isinstance(item, InputError):
            failures.append(str(item))
            continue
        msg = item.message
        if msg is None:
            failures.append(f"{item.path}: {item.parse_error}")
            continue
        pb_doc = _one(dumps(msg, Format.PB), Format.PB, item.element)
        yaml_doc = _one(dumps(pb_doc.message, Format.YAML), Format.YAML, item.element)
        json_doc = _one(dumps(yaml_doc.message, Format.JSON), Format.JSON, item.element)
        if json_doc.message != msg:
            failures.append(f"{item.path}: round trip changed the message")
        count += 1
    assert not failures, failures[:20]
    # the corpus as documented: 7,682 store packets + 15 schema examples
    assert count == len(list(store_dir.glob("*/*.json"))) + len(list((shared_data / "v2-examples").glob("*.json")))


def test_strict_parse_agrees_with_lenient_on_store_sample(store_files: list[Path]) -> None:
    # the store is valid protobuf JSON: strict parsing (no unknown fields) must give the same message
    for path in store_files[::97]:
        doc = read_document(path)
        strict = json_format.Parse(path.read_text(encoding="utf-8"), doc.element.message_class())
        assert strict == doc.message, path


def test_pb_sniffing_finds_element_without_hints(shared_data: Path, tmp_path: Path) -> None:
    family = read_document(shared_data / "v2-examples" / "family.json")
    assert family.element is Element.FAMILY
    target = tmp_path / "no-extension"
    target.write_bytes(dumps(family.message, Format.PB))
    doc = read_document(target)
    assert doc.format is Format.PB and doc.element is Element.FAMILY
    assert doc.message == family.message
