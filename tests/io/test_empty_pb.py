"""A Phenopacket whose fields are all defaults is zero bytes of protobuf: writing and reading it agree.

``phenotk convert '{"id": ""}' -o x.pb`` and ``phenotk.write(Phenopacket(), "x.pb")`` write a 0-byte file (that is
the protobuf encoding of the empty message). Reading it used to fail with "empty file" (exit 2). Now, as
protobuf itself does, 0 bytes in a ``.pb`` file (or with the format forced to protobuf) are the empty message of
the element asked for (a Phenopacket when nothing says which), and the validator names the missing REQUIRED
fields. A 0-byte ``.json``/``.yaml`` file is still "empty file": text formats have no empty encoding.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from phenopackets import Family, Phenopacket

from phenotk.cli.app import main
from phenotk.errors import InputError
from phenotk.io import Element, Format, parse_bytes, read, write


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out, out.err


def test_empty_message_round_trips_through_a_pb_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.pb"
    write(Phenopacket(), p)
    assert p.read_bytes() == b""  # protobuf's encoding of a message with only defaults
    back = read(p)
    assert isinstance(back, Phenopacket) and back == Phenopacket()


@pytest.mark.parametrize("raw", [b"", b"\x0a\x00"], ids=["zero-bytes", "id-set-to-its-default"])
def test_an_empty_pb_is_the_empty_message_of_the_element_asked_for(raw: bytes) -> None:
    (doc,) = parse_bytes(raw, "x.pb")
    assert not isinstance(doc, InputError), doc
    assert doc.format is Format.PB and doc.element is Element.PHENOPACKET and doc.data == {}
    (fam,) = parse_bytes(raw, "x.bin", element=Element.FAMILY)
    assert not isinstance(fam, InputError) and isinstance(fam.message, Family)
    (forced,) = parse_bytes(raw, "<stdin>", fmt=Format.PB)
    assert not isinstance(forced, InputError) and forced.element is Element.PHENOPACKET


@pytest.mark.parametrize("name", ["x.json", "x.yaml", "x.jsonl", "<stdin>"])
def test_an_empty_text_file_is_still_unreadable(name: str) -> None:
    (err,) = parse_bytes(b"", name)
    assert isinstance(err, InputError) and "empty file" in str(err)


def test_converted_empty_packet_validates_with_its_missing_required_fields(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    src = tmp_path / "min.json"
    src.write_text('{"id": ""}\n')
    out = tmp_path / "min.pb"
    code, _, err = _cli(capsys, "convert", str(src), "-o", str(out))
    assert code == 0 and out.read_bytes() == b"", err
    code, stdout, err = _cli(capsys, "validate", "--no-hpo", "-f", "jsonl", str(out))
    rows = [json.loads(line) for line in stdout.splitlines()]
    assert code == 1, err  # findings, not an unreadable input (exit 2)
    assert {(r["rule"], r["pointer"]) for r in rows if r["severity"] == "error"} == {
        ("schema-required", "/id"),
        ("schema-required", "/metaData"),
    }
    assert all(r["element"] == "phenopacket" for r in rows)
