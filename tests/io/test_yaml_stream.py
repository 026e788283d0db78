"""A YAML stream of several documents (``---``) is read as one document each, like JSON Lines records.

Real store packets dumped as YAML: each document is named ``file#L<first line>``, positions are those of the
file, a broken document is one located error while the others are read, ``fix`` refuses to rewrite the stream
(it would keep one document), and ``convert`` names each output by its id.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import phenotk
from phenotk.cli.app import main

pytestmark = pytest.mark.shared


@pytest.fixture
def packets(store_files: list[Path]) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in store_files[:3]]


def _stream(packets: list[dict[str, Any]], tmp_path: Path, broken: bool = False) -> tuple[Path, list[int]]:
    """The packets as one YAML stream; the first line (1-based) of each document."""
    parts = ["%YAML 1.2\n", "# three packets\n"]
    starts = []
    for i, p in enumerate(packets):
        starts.append(sum(part.count("\n") for part in parts) + 1 if i else 1)
        parts.append("---\n")
        body = yaml.safe_dump(p, sort_keys=False, allow_unicode=True)
        if broken and i == 1:
            body = "id: [unclosed\n"
        parts.append(body)
        parts.append("...\n")
    path = tmp_path / "stream.yaml"
    path.write_text("".join(parts), encoding="utf-8")
    return path, starts


def test_each_document_is_read_at_its_place(packets: list[dict[str, Any]], tmp_path: Path) -> None:
    packets[2]["subject"]["sex"] = "male"  # a finding inside the third document
    path, starts = _stream(packets, tmp_path)
    report = phenotk.validate([str(path)], hpo=False)
    assert [r.id for r in report.results] == [p["id"] for p in packets]
    assert [r.path for r in report.results] == [f"{path}#L{s}" for s in starts]
    [enum] = [i for i in report.results[2].issues if i.rule == "schema-enum"]
    lines = path.read_text(encoding="utf-8").splitlines()
    want = next(n for n, line in enumerate(lines, 1) if n > starts[2] and line.strip() == "sex: male")
    assert (enum.pointer, enum.line, enum.column) == ("/subject/sex", want, lines[want - 1].index("male") + 1)


def test_a_broken_document_is_one_error_and_the_rest_is_read(packets: list[dict[str, Any]], tmp_path: Path) -> None:
    path, starts = _stream(packets, tmp_path, broken=True)
    report = phenotk.validate([str(path)], hpo=False)
    unreadable = [(r.path, i) for r in report.results for i in r.issues if i.rule == "input-unreadable"]
    assert len(unreadable) == 1 and unreadable[0][0] == str(path)
    line = unreadable[0][1].line
    assert line is not None and starts[1] < line < starts[2]
    assert [r.id for r in report.results if r.id] == [packets[0]["id"], packets[2]["id"]]


def test_fix_refuses_a_stream_and_convert_splits_it(
    packets: list[dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    packets[0]["subject"]["sex"] = "male"
    path, _ = _stream(packets, tmp_path)
    before = path.read_bytes()
    with pytest.raises(SystemExit) as exc:
        main(["fix", "-i", str(path), "--no-hpo"])
    assert exc.value.code == 2 and path.read_bytes() == before
    assert "a YAML stream of 3 documents" in capsys.readouterr().err
    conversion = phenotk.convert([str(path)], to="json")
    assert conversion.write(f"{tmp_path}/out/") == 3
    assert sorted(p.stem for p in (tmp_path / "out").iterdir()) == sorted(p["id"] for p in packets)
