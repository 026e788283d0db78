"""hpo-release-older on resource lists the store does not have (its fast path covers HP-first, prefixed lists)."""

from __future__ import annotations

from collections import OrderedDict
from types import SimpleNamespace
from typing import Any

import pytest

from phenotk.validation.rule import Context, Node
from phenotk.validation.rules.hpo._common import cited_hpo_release
from phenotk.validation.rules.hpo.release_older import ReleaseOlder

LOADED = SimpleNamespace(prefix="HP", version="2025-05-06")  # only what the rule reads of an index


def _hp(version: str, **extra: Any) -> dict[str, Any]:
    return {"id": "hp", "version": version, "namespacePrefix": "HP", **extra}


GENO = {"id": "geno", "version": "2026-01-01", "namespacePrefix": "GENO"}


def _run(data: dict[str, Any]) -> tuple[str | None, list[Any]]:
    ctx = Context(hpo=LOADED, data=data, state={})
    found = list(ReleaseOlder().end_document(Node(data, "Phenopacket", "", None, None), ctx))
    return cited_hpo_release(ctx), found


@pytest.mark.parametrize(
    ("resources", "cited", "pointer"),
    [
        ([_hp("2026-06-06"), GENO], "2026-06-06", "/metaData/resources/0/version"),
        ([GENO, _hp("2026-06-06")], "2026-06-06", "/metaData/resources/1/version"),
        # two HP entries: the newest counts; the pointer names the first
        ([_hp("2025-12-01"), GENO, _hp("2026-02-02")], "2026-02-02", "/metaData/resources/0/version"),
        # no prefix: recognised by its id alone
        ([GENO, {"id": "HP", "version": "v2026-03-03"}], "2026-03-03", "/metaData/resources"),
        # snake_case prefix
        (
            [{"id": "x", "version": "2026-04-04", "namespace_prefix": "HP"}],
            "2026-04-04",
            "/metaData/resources/0/version",
        ),
        # entries that are not objects are skipped
        (["hp", None, _hp("2026-05-05")], "2026-05-05", "/metaData/resources/2/version"),
        # HP cites the loaded release or an older one: no finding
        ([_hp("2025-05-06"), GENO], "2025-05-06", None),
        ([GENO, _hp("not a date")], None, None),
        ([GENO], None, None),
        ([], None, None),
    ],
)
def test_cited_release_and_pointer(resources: list[Any], cited: str | None, pointer: str | None) -> None:
    got_cited, found = _run({"id": "p", "metaData": {"resources": resources}})
    assert got_cited == cited
    if pointer is None:
        assert found == []
    else:
        assert [v.context for v in found] == [{"resource": pointer}]
        assert found[0].message.startswith(f"metaData names HPO {cited}, newer than the loaded HPO 2025-05-06")


def test_an_hp_entry_of_another_mapping_type_is_not_read() -> None:
    """Only plain JSON objects are resources (as before the fast path): an OrderedDict entry is skipped."""
    cited, found = _run({"metaData": {"resources": [OrderedDict(_hp("2026-06-06")), GENO]}})
    assert (cited, found) == (None, [])


def test_family_members_resources_count() -> None:
    data = {
        "proband": {"id": "p", "metaData": {"resources": [_hp("2026-01-01")]}},
        "metaData": {"resources": [GENO, _hp("2025-01-01")]},
    }
    cited, found = _run(data)
    assert cited == "2026-01-01"
    assert [v.context for v in found] == [{"resource": "/metaData/resources/1/version"}]


def test_messages_follow_the_loaded_index() -> None:
    """One rule instance used with two indexes names each one's release."""
    rule = ReleaseOlder()
    data = {"metaData": {"resources": [_hp("2026-06-06")]}}
    node = Node(data, "Phenopacket", "", None, None)
    for version in ("2025-05-06", "2024-01-01", "2025-05-06"):
        ctx = Context(hpo=SimpleNamespace(prefix="HP", version=version), data=data, state={})
        (v,) = rule.end_document(node, ctx)
        assert f"newer than the loaded HPO {version}:" in v.message
