"""``ignore_columns`` takes ``*``/``?`` patterns, as ``phenotypes.wide.columns`` does (REDCap checkbox columns)."""

from __future__ import annotations

from pathlib import Path

import phenotk

MAPPING = """phenotk_mapping: 1
name: i
subject: {id: ID}
ignore_columns: ["letter_group___*", "Notes"]
"""


def test_ignore_patterns(tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text("ID,letter_group___1,letter_group___2,Notes,Other\nP1,1,0,x,y\n", encoding="utf-8")
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    conv = phenotk.convert(tmp_path / "s.csv", mapping=tmp_path / "m.yaml", hpo=False, validate=False)
    conv.messages()
    unmapped = sorted(i.context.get("column") for i in conv.report.issues if i.rule == "map-unmapped-column")
    assert unmapped == ["Other"]  # the checkbox columns were one warning each
