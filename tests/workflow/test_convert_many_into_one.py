"""Several documents converted into one JSON file (an array) or one YAML file (a stream of documents).

phenotk reads both (a top-level JSON array, a YAML stream), as other converters write them; ``convert`` refused
to write them ("N documents cannot go into one json file"). A protobuf binary file holds one message: several
documents into one ``.pb`` stay refused (exit 2), naming the outputs that can hold them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import phenotk
from phenotk.cli.app import main
from phenotk.io import iter_documents

pytestmark = pytest.mark.shared


def _messages(paths: list[str]) -> list[bytes]:
    out = []
    for doc in iter_documents(paths):
        assert not isinstance(doc, Exception), doc
        assert doc.message is not None
        out.append(doc.message.SerializeToString(deterministic=True))
    return out


@pytest.mark.parametrize("suffix", ["json", "yaml"])
def test_many_documents_into_one_file_read_back_the_same(store_files: list[Path], tmp_path: Path, suffix: str) -> None:
    sources = [str(p) for p in store_files[:5]]
    target = tmp_path / f"all.{suffix}"
    conversion = phenotk.convert(sources, to=suffix)
    assert conversion.write(str(target)) == 5
    text = target.read_text(encoding="utf-8")
    if suffix == "json":
        data = json.loads(text)
        assert isinstance(data, list) and [d["id"] for d in data] == [
            json.loads(Path(s).read_text())["id"] for s in sources
        ]
    else:
        assert [d["id"] for d in yaml.safe_load_all(text)] == [json.loads(Path(s).read_text())["id"] for s in sources]
    assert _messages([str(target)]) == _messages(sources)  # every value carried, in input order


def test_many_documents_into_one_pb_file_is_refused(
    store_files: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["convert", *(str(p) for p in store_files[:2]), "-o", str(tmp_path / "all.pb")])
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert exc.value.code == 2 and "2 documents cannot go into one pb file" in err and ".yaml (a stream)" in err
    assert not (tmp_path / "all.pb").exists()
