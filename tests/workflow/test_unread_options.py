"""An ``-O`` key no reader or writer takes (a typo: ``delimeter``) is said in a run note; it was ignored silently."""

from __future__ import annotations

from pathlib import Path

import phenotk
from phenotk.conversion.base import OPTION_KEYS, unread_options


def test_an_unread_option_is_a_note_with_a_suggestion(tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text("ID;Sex\nP1;F\n", encoding="utf-8")
    (tmp_path / "m.yaml").write_text("phenotk_mapping: 1\nsubject: {id: ID, sex: Sex}\n", encoding="utf-8")
    conv = phenotk.convert(tmp_path / "s.csv", mapping=tmp_path / "m.yaml", hpo=False, validate=False,
                           options={"delimeter": ";", "sheet": "1"})
    conv.messages()
    notes = [n for n in conv.report.notes if "no reader or writer takes" in n]
    assert notes == ["-O 'delimeter' (did you mean 'delimiter'?): no reader or writer takes this option; it is ignored"]


def test_every_option_a_converter_reads_is_known() -> None:
    """The keys the converters read (grep of options.extra in src/phenotk/conversion) are all in OPTION_KEYS."""
    import re

    src = Path(__file__).resolve().parents[2] / "src" / "phenotk" / "conversion"
    read = set()
    for path in src.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        read |= set(re.findall(r"(?:options\.)?extra\.get\(\"([^\"]+)\"", text))
        read |= set(re.findall(r"\"([a-z_-]+)\" in extra", text))
    assert read and read <= OPTION_KEYS, read - OPTION_KEYS
    assert unread_options({k: "" for k in OPTION_KEYS}) == []
