from __future__ import annotations

from pathlib import Path

import pytest
from phenopackets import Cohort, Family, Phenopacket

from phenotk.errors import InputError
from phenotk.io import Element, Format, iter_documents, read, read_document

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_examples_read_with_right_element() -> None:
    docs = list(iter_documents([EXAMPLES]))
    by_name = {Path(d.path).name: d for d in docs}
    assert by_name["family-trio.json"].element is Element.FAMILY
    assert by_name["proband-marfan.json"].element is Element.PHENOPACKET
    assert by_name["sibling-with-problems.yaml"].format is Format.YAML
    assert isinstance(read(EXAMPLES / "family-trio.json"), Family)
    assert isinstance(read(EXAMPLES / "proband-marfan.json"), Phenopacket)


def test_cohort_from_dict() -> None:
    msg = read({"id": "c", "members": [{"id": "p1"}], "metaData": {"phenopacketSchemaVersion": "2.0"}})
    assert isinstance(msg, Cohort)
    assert msg.members[0].id == "p1"


def test_unknown_field_kept_in_data_but_lenient_message() -> None:
    doc = read_document({"id": "x", "subjekt": {"id": "a"}, "metaData": {}})
    assert doc.message is not None and doc.message.id == "x"
    assert "subjekt" in doc.data
    assert doc.strict_error() is not None and "subjekt" in doc.strict_error()


def test_source_map_json_positions() -> None:
    doc = read_document(EXAMPLES / "proband-marfan.json")
    line, col = doc.locate("/phenotypicFeatures/1/onset/age/iso8601duration")
    assert line == 12
    text_line = (EXAMPLES / "proband-marfan.json").read_text().splitlines()[line - 1]
    assert text_line[col - 1 :].startswith('"P6Y"')


def test_source_map_yaml_positions() -> None:
    doc = read_document(EXAMPLES / "sibling-with-problems.yaml")
    line, col = doc.locate("/phenotypicFeatures/1/onset/age/iso8601duration")
    text_line = (EXAMPLES / "sibling-with-problems.yaml").read_text().splitlines()[line - 1]
    assert text_line[col - 1 :].startswith("P10Y")


def test_missing_path_is_an_error_item() -> None:
    items = list(iter_documents(["/nonexistent/file.json"]))
    assert len(items) == 1 and isinstance(items[0], InputError)
    with pytest.raises(InputError):
        read("/nonexistent/file.json")


def test_yaml_and_json_may_start_with_a_bom(tmp_path: Path) -> None:
    """RFC 8259 §8.1 lets a JSON reader ignore a leading BOM; YAML allows one (issue 19 item 12)."""
    yaml_file = tmp_path / "p.yaml"
    yaml_file.write_bytes(b"\xef\xbb\xbf" + (EXAMPLES / "sibling-with-problems.yaml").read_bytes())
    assert read(yaml_file).id == "example-sibling-2"
    json_file = tmp_path / "p.json"
    json_file.write_bytes(b"\xef\xbb\xbf" + (EXAMPLES / "proband-marfan.json").read_bytes())
    assert read(json_file).id == read(EXAMPLES / "proband-marfan.json").id


def test_a_python_object_with_a_key_that_is_not_a_string_is_unreadable_not_a_crash() -> None:
    # phenotk.validate({..., 1: "x"}) ended in an internal error inside a rule that compares keys as text
    import phenotk
    from phenotk.io.readers import read_document

    report = phenotk.validate({"id": "p", "subject": {"id": "s", 2: "x"}}, hpo=False)
    assert [(i.rule, i.message) for r in report.results for i in r.issues] == [
        ("input-unreadable", "key 2 at /subject is not a string (JSON object keys are strings)")]
    with pytest.raises(InputError, match="key None at / is not a string"):
        read_document({None: 1, "id": "p"})
