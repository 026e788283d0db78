"""``phenotk.deidentify(inputs, output)`` with an input named inside the output: a usage error, as on the CLI.

The CLI refused ``deidentify p.json -o .``; through the API the same call de-identified 0 documents without a word.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import phenotk
from phenotk.errors import UsageError


def test_an_input_inside_the_output_is_refused_by_the_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("p.json").write_text(json.dumps({"id": "p1", "subject": {"id": "s1"}}), encoding="utf-8")
    with pytest.raises(UsageError, match="lies inside the output directory"):
        phenotk.deidentify("p.json", ".", random_key=True)
    os.mkdir("release")
    done = phenotk.deidentify("p.json", "release", random_key=True)  # outside: written
    assert done.written == 1
