"""The mapping assistant's edits and the upload name checks, without a server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import phenotk
from phenotk.conversion.table.starter import init_mapping
from phenotk.serve import assistant
from phenotk.serve.workspace import ServeError, check_name


@pytest.fixture(scope="module")
def start(template_xlsx: Path, hpo_index: Any) -> Any:
    return init_mapping(template_xlsx, ontology=hpo_index)


def _meanings(data: dict[str, Any], header: list[str], onto: Any) -> dict[str, str]:
    return {c["column"]: c["meaning"] for c in assistant.columns(data, header, onto)}


def test_columns_read_back_what_mapping_init_placed(start: Any, hpo_index: Any) -> None:
    data = assistant.parse(start.text)
    rows = assistant.columns(data, start.sheet.header, hpo_index)
    assert [r["column"] for r in rows] == start.sheet.header
    placed = {r["column"] for r in rows if r["meaning"] != "unplaced"}
    assert sorted(set(start.sheet.header) - placed) == sorted(start.placement.unplaced)
    terms = {r["column"]: r["term"]["id"] for r in rows if r["meaning"] == "hpo"}
    assert terms == {h: hit[0] for h, hit in start.placement.hpo_columns.items()}


def test_meaning_changes_edit_the_mapping_and_convert(start: Any, hpo_index: Any, template_xlsx: Path,
                                                      tmp_path: Path) -> None:
    header = start.sheet.header
    data = assistant.parse(start.text)
    moved = assistant.set_meaning(data, "sex", "ignore", header=header)
    assert "sex" not in moved["subject"] and "sex" in moved["ignore_columns"]
    assert _meanings(moved, header, hpo_index)["sex"] == "ignore"
    assert data["subject"]["sex"] == "sex"  # the input dict is not changed
    back = assistant.set_meaning(moved, "sex", "subject.sex", header=header)
    assert "ignore_columns" not in back and back["subject"]["sex"] == "sex"
    hpo = assistant.set_meaning(back, "comment", "hpo", "HP:0001250", header=header)
    assert hpo["phenotypes"]["wide"]["terms"] == {"comment": "HP:0001250"}
    assert _meanings(hpo, header, hpo_index)["comment"] == "hpo"
    text = assistant.set_meaning(hpo, "variant.comment", "text", header=header)
    assert text["phenotypes"]["text"]["columns"] == ["variant.comment"]
    absent = assistant.set_meaning(text, "comment", "text_excluded", header=header)
    assert absent["phenotypes"]["text"] == {"columns": ["variant.comment"], "excluded_columns": ["comment"]}
    assert "terms" not in absent["phenotypes"]["wide"]  # moved out of the wide terms
    assert _meanings(absent, header, hpo_index)["comment"] == "text_excluded"
    back_to_text = assistant.set_meaning(absent, "variant.comment", "ignore", header=header)
    assert back_to_text["phenotypes"]["text"] == {"excluded_columns": ["comment"]}
    assert "text" not in assistant.set_meaning(back_to_text, "comment", "ignore", header=header)["phenotypes"]
    mapping = tmp_path / "m.yaml"
    mapping.write_text(assistant.dump(assistant.set_meaning(back, "sex", "ignore", header=header)), encoding="utf-8")
    packets = phenotk.convert(template_xlsx, mapping=mapping, from_="table", hpo=hpo_index).messages()
    assert packets and all(p.subject.sex == 0 for p in packets)  # UNKNOWN_SEX: the column is no longer read


def test_refusals(start: Any) -> None:
    data = assistant.parse(start.text)
    with pytest.raises(ServeError, match="unknown meaning"):
        assistant.set_meaning(data, "sex", "favourite colour")
    with pytest.raises(ServeError, match="no column"):
        assistant.set_meaning(data, "nope", "ignore", header=start.sheet.header)
    with pytest.raises(ServeError, match="subject id"):
        assistant.set_meaning(data, "individual_id", "ignore", header=start.sheet.header)
    with pytest.raises(ServeError, match="mapping not valid"):
        assistant.parse("phenotk_mapping: 1\nsubject: {sex: 3}\n")


def test_term_search(hpo_index: Any) -> None:
    hits = assistant.search_terms(hpo_index, "seizure")
    assert hits[0] == {"id": "HP:0001250", "label": "Seizure", "match": "seizure"}
    assert assistant.search_terms(hpo_index, "HP:0001250")[0]["label"] == "Seizure"
    assert assistant.search_terms(hpo_index, "x") == [] and assistant.search_terms(None, "seizure") == []


@pytest.mark.parametrize("name", ["a\x00.csv", "a\n.csv", "a\u202e.csv", "x" * 300 + ".csv", "", "~x.csv"])
def test_odd_names_are_refused(name: str) -> None:
    with pytest.raises(ServeError) as exc:
        check_name(name)
    assert exc.value.status == 400 and "refused" in exc.value.message
