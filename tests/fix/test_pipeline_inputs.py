"""What pipelines hand ``phenotk fix`` and ``phenotk.fix``: multi-document files, snake_case JSON, bytes, arrays.

All documents are synthetic; each reproduces the shape of an input that was mishandled.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import phenotk
from phenotk.cli.app import main
from phenotk.errors import InputError


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out, out.err


def _packet(pid: str = "p1", sex: str = "female") -> dict[str, Any]:
    return {
        "id": pid,
        "subject": {"id": "s1", "sex": sex},
        "metaData": {"created": "2024-01-01T00:00:00Z", "createdBy": "test", "phenopacketSchemaVersion": "2.0"},
    }


def test_api_fix_of_a_jsonl_file_says_it_holds_several_documents(tmp_path: Path) -> None:
    p = tmp_path / "two.jsonl"
    p.write_text("".join(json.dumps(_packet(f"p{i}")) + "\n" for i in range(2)))
    with pytest.raises(InputError) as exc:
        phenotk.fix(p, hpo=False)
    msg = str(exc.value)
    assert "2 documents" in msg and "\n" not in msg and '{"id"' not in msg, msg
    assert str(p) in msg


def test_api_fix_of_a_one_item_json_array_returns_its_message(tmp_path: Path) -> None:
    p = tmp_path / "one.json"
    p.write_text(json.dumps([_packet()], indent=2) + "\n")
    fixed, applied = phenotk.fix(p, hpo=False)
    assert fixed.id == "p1" and fixed.subject.sex == 1  # FEMALE
    assert [a.issue.rule for a in applied] == ["schema-enum"]


def _snake(o: Any) -> Any:
    if isinstance(o, dict):
        return {re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), k): _snake(v) for k, v in o.items()}
    if isinstance(o, list):
        return [_snake(x) for x in o]
    return o


def test_a_resource_added_to_a_snake_case_document_uses_snake_case_keys(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, hp_json: tuple[Path, Any]
) -> None:
    packet = _packet(sex="FEMALE")
    packet["phenotypicFeatures"] = [{"type": {"id": "HP:0001250", "label": "Seizure"}}]
    packet["metaData"]["resources"] = [
        {"id": "omim", "name": "OMIM", "url": "https://www.omim.org", "version": "2024-01-01",
         "namespacePrefix": "OMIM", "iriPrefix": "https://www.omim.org/entry/"}
    ]
    p = tmp_path / "snake.json"
    p.write_text(json.dumps(_snake(packet), indent=2) + "\n")
    _code, _out, err = _cli(capsys, "fix", "--hpo", str(hp_json[0]), "-i", str(p))
    resources = json.loads(p.read_text())["meta_data"]["resources"]
    assert [sorted(r) for r in resources] == [sorted(resources[0])] * 2, resources
    assert resources[1]["namespace_prefix"] == "HP" and resources[1]["iri_prefix"].endswith("/HP_"), err


def test_yaml_re_serialised_keeps_crlf() -> None:
    from phenotk.fixes.apply import apply_to_text
    from phenotk.issue import Fix, PatchOp

    text = "id: p1\r\nsubject:\r\n  id: s1\r\n  description: |\r\n    two\r\n    lines\r\n"
    out = apply_to_text(text, "yaml", [Fix((PatchOp("replace", "/subject/description", "one"),))])
    assert out.method == "reserialise"
    assert re.search(r"(?<!\r)\n", out.text or "") is None, (out.text or "").encode()


def test_api_fix_of_a_snake_case_tree_adds_snake_case_keys(hp_json: tuple[Path, Any]) -> None:
    packet = _packet(sex="FEMALE")
    packet["phenotypicFeatures"] = [{"type": {"id": "HP:0001250", "label": "Seizure"}}]
    packet["metaData"]["resources"] = []
    fixed, applied = phenotk.fix(_snake(packet), hpo=hp_json[1])
    assert [a.issue.rule for a in applied] == ["meta-undeclared-prefix"]
    (res,) = fixed["meta_data"]["resources"]
    assert res["namespace_prefix"] == "HP" and "namespacePrefix" not in res, res


# ------------------------------------------------------------------ a fix aimed at the whole document


def test_a_fix_that_would_replace_the_whole_document_is_not_applied() -> None:
    from phenotk.fixes.patch import apply_to_tree
    from phenotk.issue import Fix, PatchOp

    stray = Fix((PatchOp("replace", "", "Patient 1"),), safe=True, description="use the subject id")
    tree, plan = apply_to_tree({"id": "p1"}, [stray])
    assert tree == {"id": "p1"} and plan.accepted == []
    assert [s.fix for s in plan.skipped] == [stray] and "whole document" in plan.skipped[0].reason


def test_subject_id_with_stray_blanks_in_an_interpretation_keeps_the_file_readable(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # xref-unknown-subject offers a safe fix whose pointer is the document itself (a rule bug reported to the
    # lead); fix replaced the whole packet by the string 'Patient 1' and then called the input unreadable
    packet = _packet(sex="FEMALE")
    packet["subject"]["id"] = "Patient 1"
    packet["interpretations"] = [{
        "id": "i1", "progressStatus": "SOLVED",
        "diagnosis": {
            "disease": {"id": "OMIM:615790", "label": "Xia-Gibbs syndrome"},
            "genomicInterpretations": [{"subjectOrBiosampleId": " patient 1 ", "interpretationStatus": "CAUSATIVE"}],
        },
    }]
    p = tmp_path / "p.json"
    p.write_text(json.dumps(packet, indent=2) + "\n")
    before = p.read_bytes()
    code, _out, err = _cli(capsys, "fix", "--no-hpo", "--unsafe", "-i", str(p))
    assert "found a string" not in err and "unreadable" not in err, err
    assert code in (0, 1), err
    data = json.loads(p.read_text())  # still a phenopacket (fixed or left alone, never replaced by a string)
    assert data["id"] == "p1" and data["subject"]["id"] == "Patient 1"
    if p.read_bytes() == before:
        assert "fix not applied [xref-unknown-subject]" in err and "whole document" in err, err


def test_fixes_that_would_leave_an_unreadable_file_are_reported_as_such(monkeypatch: pytest.MonkeyPatch) -> None:
    # the last line of defence: whatever a rule's fix did, the input is not called unreadable and nothing is kept
    import phenotk.fixes.run as run
    from phenotk.fixes.apply import FixOutcome

    def to_a_string(doc: Any, fixes: Any) -> FixOutcome:
        return FixOutcome(data={}, text='"Patient 1"\n', applied=list(fixes))

    monkeypatch.setattr(run, "apply_to_document", to_a_string)
    raw = (json.dumps(_packet(), indent=2) + "\n").encode()
    result = run.fix_bytes(raw, "p.json", run.build_engine())
    assert result.new == raw and not result.changed and result.applied == []
    assert result.error is not None
    msg = str(result.error)
    assert msg.startswith("p.json") and "not fixed" in msg and "phenotk bug" in msg, msg


def test_jsonl_with_a_byte_order_mark_keeps_it_when_its_first_record_is_fixed() -> None:
    from phenotk.fixes.run import build_engine, fix_bytes

    lines = [json.dumps(_packet("p0")), json.dumps(_packet("p1", sex="MALE"))]
    raw = b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode()
    result = fix_bytes(raw, "cases.jsonl", build_engine())
    assert [a.issue.rule for a in result.applied] == ["schema-enum"]
    assert result.new.startswith(b'\xef\xbb\xbf{"id": "p0"'), result.new[:20]
    assert result.new == raw.replace(b'"female"', b'"FEMALE"')


# ------------------------------------------------------------------ what scripts pass to phenotk.fix


def test_api_fix_of_a_tree_with_a_non_string_key_is_an_input_error() -> None:
    tree: dict[Any, Any] = {**_packet(), 1: "x"}  # yaml.safe_load of '1: x', or a script's dict
    with pytest.raises(InputError) as exc:
        phenotk.fix(tree, hpo=False)
    assert "key 1" in str(exc.value) and "not a string" in str(exc.value)


def test_api_fix_of_bytes_fixes_the_document_they_hold() -> None:
    raw = (json.dumps(_packet(), indent=2) + "\n").encode()
    fixed, applied = phenotk.fix(raw, hpo=False)
    assert fixed.subject.sex == 1 and [a.issue.rule for a in applied] == ["schema-enum"]


def test_api_fix_of_something_else_is_a_type_error_naming_what_it_takes() -> None:
    for wrong in (None, [_packet()], 42):
        with pytest.raises(TypeError) as exc:
            phenotk.fix(wrong, hpo=False)  # type: ignore[arg-type]
        assert "message, a dict, bytes or a path" in str(exc.value), exc.value


# ------------------------------------------------------------------ a top-level JSON array of many packets


def test_a_json_array_of_many_packets_is_spliced_item_by_item(
    monkeypatch: pytest.MonkeyPatch, hp_json: tuple[Path, Any]
) -> None:
    # 3,000 packets in one array (12,000 fixes) ran for over 10 minutes and 6 GB: every 'add' rescanned the whole
    # file. Each item's fixes now touch only that item's text: the characters scanned stay a few times the file.
    from phenotk.fixes import jsontext
    from phenotk.fixes.run import build_engine, fix_bytes

    items = []
    for i in range(60):
        p = _packet(f"p{i}")  # sex 'female' (replace) …
        p["phenotypicFeatures"] = [{"type": {"id": "HP:0001250", "label": "Seizure"}}]  # … and no HP resource (add)
        p["metaData"]["resources"] = []
        items.append(p)
    raw = (json.dumps(items, indent=2) + "\n").encode()
    scanned = 0
    real_scan = jsontext.scan

    def counting_scan(text: str) -> Any:
        nonlocal scanned
        scanned += len(text)
        return real_scan(text)

    monkeypatch.setattr(jsontext, "scan", counting_scan)
    result = fix_bytes(raw, "cohort.json", build_engine(hpo=hp_json[1]), versions={"HP": "2025-05-06"})
    assert len(result.applied) == 120 and not result.not_applied, result.not_applied[:2]
    assert scanned < 6 * len(raw), f"scanned {scanned / len(raw):.0f} times the file"
    fixed = json.loads(result.new)
    assert [p["subject"]["sex"] for p in fixed] == ["FEMALE"] * 60
    assert all(p["metaData"]["resources"][0]["version"] == "2025-05-06" for p in fixed)
    expected = json.dumps(json.loads(result.new), indent=2) + "\n"  # the layout stays json.dumps(indent=2)'s
    assert result.new.decode() == expected


def test_a_json_array_item_that_cannot_be_spliced_falls_back_to_the_whole_array() -> None:
    from phenotk.fixes.run import build_engine, fix_bytes

    items = [_packet("p0"), _packet("p1", sex="MALE")]
    raw = json.dumps(items).encode()  # one line: splices in place
    result = fix_bytes(raw, "two.json", build_engine())
    assert result.new == raw.replace(b'"female"', b'"FEMALE"', 1)
