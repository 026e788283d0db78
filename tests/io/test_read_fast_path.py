"""The reader's fast path for ``{``-led ``.json`` files agrees with the full path on hostile inputs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from phenotk.errors import InputError
from phenotk.io import parse_bytes, readers
from phenotk.io.readers import _plain_json, documents_of_sources, iter_sources, read_file

PACKET = b'{\n  "id": "P1",\n  "metaData": {\n    "phenopacketSchemaVersion": "2.0"\n  }\n}\n'


def _shape(items: list[object]) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for item in items:
        if isinstance(item, InputError):
            out.append(("error", item.message, item.path, item.line, item.column, item.kind))
        else:
            out.append(("doc", item.path, item.format, item.element, item.data, item.bom, item.text))  # type: ignore[attr-defined]
    return out


HOSTILE = [
    ("p.json", PACKET),
    ("P.JSON", PACKET),
    ("p.json", b"\xef\xbb\xbf" + PACKET),  # BOM: the full path
    ("p.json", PACKET.decode().encode("utf-16-le")),  # UTF-16 text without a BOM starts with "{\x00"
    ("p.csv", PACKET),  # another format's name: refused even though it is JSON
    ("p.jsonl", PACKET.replace(b"\n", b"") + b"\n" + PACKET.replace(b"\n", b"") + b"\n"),
    ("p.json", b'{"id": "P1"'),  # syntax error: line:column from the full path
    ("p.json", b'{"id": "P1", "genes": []}'),  # v1: refused by element_of
    ("p.json", b'{"resourceType": "Patient"}'),  # a FHIR resource
    ("p.json", b"{}"),
    ("p.json", b"[" + PACKET + b"]"),  # a top-level array
    ("p.json", b"{\"id\": \"\\ud800\"}"),  # a lone surrogate escape
    ("p.json", b'{"id": 1' + b"0" * 5000 + b"}"),  # a huge number
    ("p", PACKET),  # no extension
]


@pytest.mark.parametrize(("name", "raw"), HOSTILE)
def test_fast_path_equals_full_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, raw: bytes) -> None:
    f = tmp_path / name
    f.write_bytes(raw)
    fast = _shape(list(documents_of_sources(iter_sources([str(f)]))))
    assert _shape(list(parse_bytes(raw, str(f), name=name))) == fast
    monkeypatch.setattr(readers, "_plain_json", lambda raw, name: False)  # every check of the full path
    assert _shape(list(documents_of_sources(iter_sources([str(f)])))) == fast


def test_plain_json_only_for_brace_led_json_names() -> None:
    assert _plain_json(PACKET, "x.json")
    assert _plain_json(PACKET, "X.Json")
    assert not _plain_json(b"\xef\xbb\xbf" + PACKET, "x.json")
    assert not _plain_json(b"{\x00\"\x00", "x.json")
    assert not _plain_json(PACKET, "x.jsonl")
    assert not _plain_json(PACKET, "x.csv")
    assert not _plain_json(b"", "x.json")


def test_read_file(tmp_path: Path) -> None:
    f = tmp_path / "p.json"
    f.write_bytes(PACKET)
    assert read_file(str(f)) == PACKET
    empty = tmp_path / "e.json"
    empty.write_bytes(b"")
    assert read_file(str(empty)) == b""
    with pytest.raises(IsADirectoryError):
        read_file(str(tmp_path))
    with pytest.raises(FileNotFoundError):
        read_file(str(tmp_path / "missing.json"))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_read_file_refuses_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "f.json"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        read_file(str(fifo))
