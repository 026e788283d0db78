"""YAML values that JSON has not (``!!set``, ``!!binary``) in a field of another type: a stable, named finding.

A ``!!set`` was shown with Python's repr, whose order changes from run to run (string hashing is salted), so the
same file gave a different message each time; both were named by their Python type (``set``, ``bytes``).
"""

from __future__ import annotations

import string
from typing import Any

from phenotk.io import parse_bytes
from phenotk.validation.rules.schema.type import _wrong
from phenotk.validation.schema import message_specs


def _field(message: str, json_name: str) -> Any:
    return message_specs()[message].by_json[json_name]


def test_a_yaml_set_is_shown_sorted_and_named() -> None:
    letters = list(string.ascii_lowercase[:12])
    text = ("id: p1\nphenotypicFeatures: !!set {" + ", ".join(reversed(letters)) + "}\n").encode()
    (doc,) = parse_bytes(text, "x.yaml")
    value = doc.data["phenotypicFeatures"]
    assert isinstance(value, set)
    msg = _wrong(_field("Phenopacket", "phenotypicFeatures"), value, "an array").message
    shown = "{" + ", ".join(repr(c) for c in letters)
    assert "found YAML set (!!set) " + shown[:57] in msg, msg


def test_yaml_binary_is_named() -> None:
    msg = _wrong(_field("Phenopacket", "metaData"), b"hello", "an object").message
    assert "found YAML binary (!!binary) b'hello'" in msg
