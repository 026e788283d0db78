"""Hand-written JSON (schema examples, other projects' fixtures) fails most often on a trailing comma or a comment.

The stdlib parser stops at the closing bracket after a trailing comma ("Expecting property name enclosed in
double quotes" at the ``}``, a line below the mistake) and says "Expecting value" at a ``//``: the finding now
names the mistake and, for the comma, points at the comma itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from phenotk.errors import InputError
from phenotk.io import read

GOOD = (
    '{\n  "id": "p1",\n  "subject": {\n    "id": "s1",\n    "sex": "FEMALE"\n  },\n'
    '  "metaData": {"phenopacketSchemaVersion": "2.0"}\n}\n'
)


def _error(tmp_path: Path, text: str) -> InputError:
    f = tmp_path / "p.json"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read(f)
    return err.value


def test_trailing_comma_in_object_points_at_the_comma(tmp_path: Path) -> None:
    err = _error(tmp_path, GOOD.replace('"sex": "FEMALE"\n', '"sex": "FEMALE",\n'))
    assert "comma before the closing '}'" in err.message
    assert (err.line, err.column) == (5, len('    "sex": "FEMALE",'))


def test_trailing_comma_in_array(tmp_path: Path) -> None:
    err = _error(tmp_path, '{"id": "p1", "phenotypicFeatures": [{"type": {"id": "HP:0001250"}},\n  ]}')
    assert "comma before the closing ']'" in err.message
    assert (err.line, err.column) == (1, len('{"id": "p1", "phenotypicFeatures": [{"type": {"id": "HP:0001250"}},'))


def test_comment(tmp_path: Path) -> None:
    err = _error(tmp_path, "// exported by hand\n" + GOOD)
    assert "a comment (JSON has no comments)" in err.message
    assert (err.line, err.column) == (1, 1)


def test_other_errors_keep_the_parser_message(tmp_path: Path) -> None:
    err = _error(tmp_path, GOOD.replace('"id": "p1",', '"id" "p1",'))
    assert err.message == "invalid JSON: Expecting ':' delimiter"
