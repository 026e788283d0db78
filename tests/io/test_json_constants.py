"""Bare ``NaN`` / ``Infinity`` are not JSON (RFC 8259 §6): orjson refuses them, Python's json module reads them.

phenotk falls back to the stdlib parser to word orjson's errors; that fallback read a hand-written
``"value": NaN`` as a float, and the document validated and converted as if it were JSON ("NaN" in the output).
Now it is unreadable input, at the token's line and column, whatever the container (file, array item, JSON Lines).
A ``"NaN"`` string (protobuf JSON's spelling of a float NaN) and the word inside other strings stay fine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from phenotk.errors import InputError
from phenotk.io import iter_documents, read

PACKET = """{
  "id": "p1",
  "subject": {"id": "s1", "note": "NaN Infinity in a string is text"},
  "measurements": [{"assay": {"id": "LOINC:26515-7", "label": "Platelets"},
    "value": {"quantity": {"unit": {"id": "UO:0000316", "label": "cells per microliter"}, "value": %s}}}],
  "metaData": {"created": "2021-01-01T00:00:00Z", "createdBy": "x", "phenopacketSchemaVersion": "2.0"}
}
"""


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_bare_constant_is_unreadable_at_its_position(tmp_path: Path, token: str) -> None:
    f = tmp_path / "p.json"
    f.write_text(PACKET % token, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read(f)
    assert f"{token} is not a JSON value" in err.value.message
    line = (PACKET % token).splitlines()[4]
    assert (err.value.line, err.value.column) == (5, line.index(token) + 1)


def test_quoted_nan_is_protobuf_json(tmp_path: Path) -> None:
    f = tmp_path / "p.json"
    f.write_text(PACKET % '"NaN"', encoding="utf-8")
    msg = read(f)
    assert msg.measurements[0].value.quantity.value != msg.measurements[0].value.quantity.value  # NaN


def test_array_item_and_json_lines(tmp_path: Path) -> None:
    arr = tmp_path / "a.json"
    arr.write_text("[" + PACKET % "1.0" + "," + PACKET % "NaN" + "]", encoding="utf-8")
    items = list(iter_documents([arr]))
    assert any(isinstance(i, InputError) and "NaN is not a JSON value" in i.message for i in items)
    lines = tmp_path / "l.jsonl"
    lines.write_text((PACKET % "NaN").replace("\n", " ") + "\n" + (PACKET % "2").replace("\n", " ") + "\n")
    items = list(iter_documents([lines]))
    bad = [i for i in items if isinstance(i, InputError)]
    assert len(bad) == 1 and bad[0].line == 1 and "NaN is not a JSON value" in bad[0].message
    assert sum(1 for i in items if not isinstance(i, InputError)) == 1
