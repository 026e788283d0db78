"""FHIR XML input: the hardened stdlib parser (defusedxml) reads real bundles as lxml and fhir.resources do, needs
no lxml at run time, and refuses hostile XML (entity expansion, external entities, DTDs) with a one-line error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format

from phenotk.conversion.base import ConvertOptions
from phenotk.conversion.fhir import load_fhir, read_fhir, validate_fhir
from phenotk.conversion.fhir.xml import MAX_DEPTH, XHTML_NS, _model, element_to_json, xml_to_json
from phenotk.errors import InputError

REPO = Path(__file__).parents[3]
CREATED = "2026-01-01T00:00:00Z"


def _shared_names(suffix: str) -> list[str]:
    """File names for parametrisation (collection time); the tests read them through the shared_data fixture."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_phenotk_tests_root", REPO / "tests" / "conftest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    root = module.SHARED
    if root is None:
        return ["<shared data missing>"]
    return sorted(p.name for p in (root / "fhir").glob(f"*{suffix}"))


def _lxml_tree(data: bytes) -> dict[str, Any]:
    """The FHIR JSON tree of ``data`` walked from an lxml parse (the parser phenotk used before; dev-only)."""
    etree = pytest.importorskip("lxml.etree")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    root = etree.fromstring(data, parser=parser)
    return element_to_json(root, _model(etree.QName(root).localname), resource=True)


def _conv(items: list[Any]) -> list[tuple[Any, list[tuple[str, str, str]]]]:
    """Packets and findings (sorted: XML fixes the element order, so findings may come in another order)."""
    return [
        (
            json_format.MessageToDict(i.message) if i.message is not None else None,
            sorted((x.code, x.pointer, x.message) for x in i.issues),
        )
        for i in items
    ]


# ---------------------------------------------------------------------- real XML reads as before
@pytest.mark.shared
@pytest.mark.parametrize("name", _shared_names(".xml"))
def test_real_xml_parses_as_lxml_did(shared_data: Path, name: str) -> None:
    """Same FHIR JSON tree as the lxml parse phenotk used before (differential over the real XML files)."""
    data = (shared_data / "fhir" / name).read_bytes()
    assert xml_to_json(data) == _lxml_tree(data)


def test_fixture_xml_parses_as_lxml_did(fixtures_dir: Path) -> None:
    data = (fixtures_dir / "fhir" / "kf-style-observations.xml").read_bytes()
    assert xml_to_json(data) == _lxml_tree(data)


@pytest.mark.shared
@pytest.mark.parametrize("name", _shared_names(".xml"))
def test_real_xml_agrees_with_fhir_resources(shared_data: Path, name: str) -> None:
    """fhir.resources' own XML parser (lxml, valid resources only) builds the same model from the file."""
    pytest.importorskip("lxml")
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    etree = pytest.importorskip("lxml.etree")
    data = (shared_data / "fhir" / name).read_bytes()
    tree = xml_to_json(data)
    cls = get_fhir_model_class(tree["resourceType"])
    # fhir.resources keeps comments (``fhir_comments``) and then loses attributes next to some; the tolerant
    # reader drops comments, so the reference parse gets the file without them
    plain = etree.tostring(etree.fromstring(data, parser=etree.XMLParser(remove_comments=True, resolve_entities=False)))
    try:
        ref = cls.model_validate_xml(plain)
    except ValidationError as exc:
        if validate_fhir(tree):
            return  # both reject it (the tolerant reader still reads it; the model check reports it)
        pytest.skip(f"fhir.resources' XML parser rejects a resource its JSON model accepts: {exc.errors()[0]}")
    assert ref.model_dump(mode="json") == cls.model_validate(tree).model_dump(mode="json")


@pytest.mark.shared
@pytest.mark.parametrize("name", _shared_names(".json"))
def test_xml_counterpart_of_real_json_converts_identically(shared_data: Path, name: str) -> None:
    """Each real JSON resource, serialised as FHIR XML by fhir.resources: the same packets and findings."""
    pytest.importorskip("lxml")
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    tree = json.loads((shared_data / "fhir" / name).read_text())
    try:
        model = get_fhir_model_class(tree["resourceType"]).model_validate(tree)
    except ValidationError:
        pytest.skip("fhir.resources cannot serialise a resource it rejects")
    xml = model.model_dump_xml()
    options = ConvertOptions(created=CREATED)
    from_json = _conv(read_fhir(tree, options, validate=False))
    from_xml = _conv(read_fhir(xml if isinstance(xml, bytes) else xml.encode(), options, validate=False))
    assert from_json and from_xml == from_json


def test_narrative_div_is_kept_as_xhtml_markup() -> None:
    """The narrative div becomes a string with the XHTML namespace as default, as FHIR JSON has it."""
    etree = pytest.importorskip("lxml.etree")
    div = (
        f'<div xmlns="{XHTML_NS}"><p class="a&quot;b">Tom &amp; Jerry &lt;3 <b>x</b><br/>tail</p>'
        '<p xml:lang="de">Grüße</p></div>'
    )
    data = f'<Patient xmlns="http://hl7.org/fhir"><text><status value="generated"/>{div}</text></Patient>'.encode()
    got = xml_to_json(data)["text"]["div"]
    assert got == etree.tostring(etree.fromstring(div), encoding="unicode")
    # a div whose namespace is declared with a prefix on an ancestor comes out with XHTML as default namespace
    prefixed = (
        f'<Patient xmlns="http://hl7.org/fhir" xmlns:h="{XHTML_NS}"><text><h:div><h:p>Hi</h:p></h:div></text></Patient>'
    )
    assert xml_to_json(prefixed.encode())["text"]["div"] == f'<div xmlns="{XHTML_NS}"><p>Hi</p></div>'


def test_xml_reads_without_lxml(fixtures_dir: Path) -> None:
    """A plain install has no lxml: FHIR XML still reads (lxml blocked in a fresh interpreter)."""
    path = fixtures_dir / "fhir" / "kf-style-observations.xml"
    code = (
        "import sys\n"
        "sys.modules['lxml'] = None\n"
        "from phenotk.conversion.fhir import read_fhir\n"
        f"items = read_fhir({str(path)!r})\n"
        "print(items[0].message.subject.id, len(items[0].message.phenotypic_features))\n"
        "assert 'lxml.etree' not in sys.modules\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["pt-1", "2"]


def test_no_runtime_lxml_import_in_src() -> None:
    import ast

    for path in (REPO / "src" / "phenotk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n == "lxml" or n.startswith("lxml.") for n in names), f"{path} imports lxml"


# ---------------------------------------------------------------------- hostile XML is refused
_BUNDLE = b'<Bundle xmlns="http://hl7.org/fhir"><id value="&e;"/><type value="collection"/></Bundle>'
HOSTILE = {
    "billion-laughs": (
        b'<?xml version="1.0"?>\n<!DOCTYPE Bundle [\n<!ENTITY a "aaaaaaaaaa">\n'
        + b"".join(
            f'<!ENTITY {n} "{("&" + p + ";") * 10}">\n'.encode() for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + b'<!ENTITY e "&i;">\n]>\n'
        + _BUNDLE
    ),
    "external-entity": (
        b'<?xml version="1.0"?>\n<!DOCTYPE Bundle [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n' + _BUNDLE
    ),
    "parameter-entity": (
        b'<?xml version="1.0"?>\n<!DOCTYPE Bundle [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>\n'
        + _BUNDLE.replace(b"&e;", b"x")
    ),
    "external-dtd": b'<?xml version="1.0"?>\n<!DOCTYPE Bundle SYSTEM "file:///etc/passwd">\n'
    + _BUNDLE.replace(b"&e;", b"x"),
}


@pytest.mark.parametrize("label", sorted(HOSTILE))
def test_hostile_xml_is_an_input_error(label: str, tmp_path: Path) -> None:
    path = tmp_path / f"{label}.xml"
    path.write_bytes(HOSTILE[label])
    with pytest.raises(InputError) as err:
        load_fhir(path)
    assert err.value.path == str(path) and err.value.line == 2
    assert "refused" in err.value.message and "DOCTYPE" in err.value.message


@pytest.mark.parametrize("label", sorted(HOSTILE))
def test_hostile_xml_refused_by_the_cli_with_exit_2(label: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from phenotk.cli.app import app

    path = tmp_path / f"{label}.xml"
    path.write_bytes(HOSTILE[label])
    out = tmp_path / "out"
    for extra in ([], ["--from", "fhir"]):
        res = CliRunner().invoke(app, ["convert", *extra, str(path), "-o", f"{out}/"])
        assert res.exit_code == 2, res.output
        assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
        text = res.output
        assert "Traceback" not in text and "root:" not in text
        lines = [line for line in text.splitlines() if str(path) in line]
        assert len(lines) == 1 and "refused" in lines[0] and "DOCTYPE" in lines[0], text
    assert not out.exists() or not any(out.rglob("*.json"))


def test_undefined_entity_and_broken_xml_are_located(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(b'<?xml version="1.0"?>\n<Bundle xmlns="http://hl7.org/fhir">\n  <id value="&e;"/>\n</Bundle>')
    with pytest.raises(InputError) as err:
        load_fhir(path)
    assert (err.value.line, err.value.column) == (3, 3) and "undefined entity" in err.value.message
    path.write_bytes(b'<Bundle xmlns="http://hl7.org/fhir">\n<id value="x">\n</Bundle>')
    with pytest.raises(InputError) as err:
        load_fhir(path)
    assert err.value.line == 3 and "mismatched tag" in err.value.message
    path.write_bytes(b'<Bundle xmlns="http://example.org"/>')
    with pytest.raises(InputError, match="not in the FHIR namespace"):
        load_fhir(path)


def test_deep_nesting_is_refused_not_recursed(tmp_path: Path) -> None:
    depth = MAX_DEPTH + 50
    body = b"<extension>" * depth + b"</extension>" * depth
    path = tmp_path / "deep.xml"
    path.write_bytes(b'<Patient xmlns="http://hl7.org/fhir">' + body + b"</Patient>")
    with pytest.raises(InputError, match="nested deeper"):
        load_fhir(path)
    # a nesting within the limit is read
    ok = b"<extension>" * 20 + b"</extension>" * 20
    assert load_fhir(b'<Patient xmlns="http://hl7.org/fhir">' + ok + b"</Patient>")["resourceType"] == "Patient"


def test_writing_xml_without_lxml_is_a_usage_error(tmp_path: Path) -> None:
    """fhir.resources needs lxml to write XML: without it, a one-line usage error before anything is written."""
    out = tmp_path / "bundle.xml"
    code = (
        "import sys\n"
        "sys.modules['lxml'] = None\n"
        "from pathlib import Path\n"
        "from phenopackets import Phenopacket\n"
        "from phenotk.conversion.base import ConvertOptions\n"
        "from phenotk.conversion.fhir import FhirWriter\n"
        "from phenotk.errors import UsageError\n"
        "p = Phenopacket(id='a')\n"
        "p.subject.id = 's'\n"
        "try:\n"
        f"    FhirWriter().write([p], Path({str(out)!r}), ConvertOptions())\n"
        "except UsageError as exc:\n"
        "    print(exc.message)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "needs the lxml package" in run.stdout
    assert not out.exists()


def test_xml_output_keeps_sub_microsecond_timestamps_as_the_json_does() -> None:
    # store packets' metaData.created has nanoseconds ('2024-03-05T13:15:24.676137924Z'); fhir.resources' XML
    # serialiser cut it to '…24.676137+00:00' (a Python datetime), so the XML bundle read back differed from the JSON
    pytest.importorskip("lxml")
    from phenopackets import Phenopacket

    from phenotk.conversion.fhir import bundle_bytes, to_fhir

    packet = json_format.ParseDict(
        {
            "id": "p",
            "subject": {"id": "s", "dateOfBirth": "2001-02-03T04:05:06.123456789Z"},
            "phenotypicFeatures": [{"type": {"id": "HP:0001250", "label": "Seizure"}}],
            "metaData": {"created": "2024-03-05T13:15:24.676137924Z", "phenopacketSchemaVersion": "2.0"},
        },
        Phenopacket(),
    )
    bundle = to_fhir(packet, created=CREATED)
    xml = bundle_bytes(bundle, "xml")
    assert b'value="2024-03-05T13:15:24.676137924Z"' in xml
    options = ConvertOptions(created=CREATED)
    (from_json,) = read_fhir(bundle, options, validate=False)
    (from_xml,) = read_fhir(xml, options, validate=False)
    assert from_xml.message == from_json.message == packet
