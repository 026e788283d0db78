"""A file name that is not UTF-8 (bytes 0xE9 0xFF on Linux) reaches the reporters as lone surrogates
(``os.fsdecode``'s surrogateescape): every report must still be written, as valid UTF-8 its consumers can read.

Before: JSON, JSONL, HTML (orjson: "str is not valid UTF-8: surrogates not allowed"), SARIF (``quote``) and text
and CSV written to a file (``str.encode``) ended in an internal error, exit 3, and no report.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from phenotk.issue import Issue, Report, Result, Severity
from phenotk.report import ReportFormat, render, write_report

NAME = os.fsdecode(b"lat\xe9\xff.json")  # 'lat\udce9\udcff.json'
REPLACED = "lat\ufffd\ufffd.json"


def _report() -> Report:
    issue = Issue("X1", "x-rule", Severity.ERROR, f"id 'P\udce9' in {NAME}", "/id", 2, 3)
    return Report(results=[Result(f"d/{NAME}", "phenopacket", "P\udce9", [issue])], hpo_version="2025-05-06")


@pytest.mark.parametrize("fmt", [f.value for f in ReportFormat])
def test_every_report_is_written_as_utf8(fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / f"r.{fmt}"
    write_report(_report(), fmt, out, base_dir=tmp_path)
    text = out.read_bytes().decode("utf-8")  # strict: valid UTF-8
    if fmt == "json":
        doc = json.loads(text)
        assert doc["results"][0]["path"] == f"d/{REPLACED}"
        assert doc["results"][0]["id"] == "P\ufffd"
    elif fmt == "jsonl":
        assert json.loads(text)["path"] == f"d/{REPLACED}"
    elif fmt == "sarif":
        loc = json.loads(text)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        assert loc == {"uri": "d/lat%E9%FF.json", "uriBaseId": "%SRCROOT%"}  # the file's own bytes, as RFC 3986 has it
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[1][0] == f"d/{REPLACED}"
    elif fmt == "junit":
        ET.fromstring(text.encode("utf-8"))
    elif fmt == "text":
        assert "d/lat\\xe9\\xff.json:2:3: error X1" in text  # the bytes, shown as a shell shows them
    else:  # html: shown as the text report shows it
        assert "d/lat\\xe9\\xff.json:2:3: error X1" in text


def test_stdout_gets_utf8_too(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    for fmt in ("csv", "json", "html"):
        write_report(_report(), fmt)
        captured = capsysbinary.readouterr().out
        captured.decode("utf-8")


def test_render_itself_does_not_fail() -> None:
    for fmt in ReportFormat:
        assert render(_report(), fmt)


@pytest.mark.skipif(sys.platform != "linux", reason="a file name that is not UTF-8 needs a byte file system")
@pytest.mark.parametrize("fmt", ["json", "jsonl", "sarif", "csv", "html", "text"])
def test_cli_writes_the_report_of_a_folder_with_such_a_name(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from phenotk.cli.app import app

    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    packet = {"id": "P1", "subject": {"id": "S1"}, "metaData": {"created": "2024-01-01T00:00:00Z"}}
    with open(os.fsencode(folder) + b"/lat\xe9\xff.json", "w", encoding="utf-8") as f:
        json.dump(packet, f)
    out = tmp_path / f"r.{fmt}"
    res = CliRunner().invoke(app, ["validate", str(folder), "--no-hpo", "-q", "-f", fmt, "-o", str(out)])
    assert res.exit_code in (0, 1), res.output
    text = out.read_bytes().decode("utf-8")  # strict
    shown = {"sarif": "in/lat%E9%FF.json", "text": "in/lat\\xe9\\xff.json", "html": "in/lat\\xe9\\xff.json"}.get(
        fmt, f"in/{REPLACED}"
    )
    assert shown in text
