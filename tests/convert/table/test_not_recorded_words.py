"""Words that say a finding was not looked at are *not recorded*, never excluded or observed; ♂/♀ are sexes.

"not evaluated", "not examined", "not applicable", "n/a" written with dots, "n/d", "pending", "n.e." and the
same words of the other languages of the value vocabulary were no status word of the built-in vocabulary (a bad
cell in a wide or long status column). They are now in ``DEFAULT_VOCABULARY["unknown"]``: nothing is written for
them, no finding.
"""

from __future__ import annotations

from typing import Any

import pytest
from google.protobuf.json_format import MessageToDict

from phenotk.conversion.table import build_packets
from phenotk.conversion.table.sheets import Sheet
from phenotk.mapping import load_mapping
from phenotk.mapping.model import DEFAULT_SEX_MAP, DEFAULT_VOCABULARY, Vocabulary

CREATED = "2025-01-01T00:00:00Z"
WORDS = ["not evaluated", "Not Examined", "not applicable", "N/A", "n.a.", "N.A", "n/d", "N.D", "pending",
         "n.e.", "not done", "nicht beurteilt", "nicht zutreffend", "ausstehend", "non examiné", "non applicable",
         "en attente", "no examinado", "no aplica", "pendiente", "niet beoordeeld", "niet van toepassing",
         "n.v.t.", "non esaminato", "non applicabile", "in attesa", "não examinado", "não aplicável", "pendente"]


@pytest.mark.parametrize("word", WORDS)
def test_not_recorded_words_are_unknown(word: str) -> None:
    assert Vocabulary.build().status(word) == "unknown"


def test_the_lists_do_not_overlap() -> None:
    observed, excluded, unknown = (set(DEFAULT_VOCABULARY[k]) for k in ("observed", "excluded", "unknown"))
    assert not (observed & excluded) and not (observed & unknown) and not (excluded & unknown)


def test_wide_and_long_cells_write_nothing_and_report_nothing(hpo_stub: Any) -> None:
    rows = [[f"P{i}", word, word] for i, word in enumerate(WORDS)]
    sheet = Sheet("cases", ["id", "Seizure", "Hypotonia"], rows, list(range(2, 2 + len(rows))))
    mapping = {"phenotk_mapping": 1, "subject": {"id": "id"},
               "phenotypes": {"wide": {"columns": ["Seizure", "Hypotonia"]}}}
    result = build_packets(sheet, load_mapping(mapping), ontology=hpo_stub, created=CREATED)
    assert [MessageToDict(p).get("phenotypicFeatures") for p in result.packets] == [None] * len(WORDS)
    assert [(i.rule, i.context.get("value")) for i in result.all_issues if i.context.get("value") in WORDS] == []
    long_rows = [["P1", "Seizure", word] for word in WORDS]
    sheet = Sheet("cases", ["id", "term", "status"], long_rows, list(range(2, 2 + len(long_rows))))
    mapping = {"phenotk_mapping": 1, "input": {"rows": "many"}, "subject": {"id": "id"},
               "phenotypes": {"long": {"term": "term", "status": "status"}}}
    result = build_packets(sheet, load_mapping(mapping), ontology=hpo_stub, created=CREATED)
    assert [MessageToDict(p).get("phenotypicFeatures") for p in result.packets] == [None]
    assert [(i.rule, i.context.get("value")) for i in result.all_issues if i.context.get("value") in WORDS] == []


@pytest.mark.parametrize(("symbol", "sex"), [("♂", "MALE"), ("♀", "FEMALE"), ("♂\ufe0f", "MALE"),
                                             ("♀\ufe0f", "FEMALE")])
def test_sex_symbols_are_built_in(symbol: str, sex: str, hpo_stub: Any) -> None:
    assert DEFAULT_SEX_MAP[symbol] == sex
    sheet = Sheet("cases", ["id", "Sex"], [["P1", symbol]], [2])
    result = build_packets(sheet, load_mapping({"phenotk_mapping": 1, "subject": {"id": "id", "sex": "Sex"}}),
                           ontology=hpo_stub, created=CREATED)
    assert MessageToDict(result.packets[0])["subject"]["sex"] == sex
    assert not result.all_issues
