"""hpo-release-older on resource lists the store does not have (its fast path covers HP-first, prefixed lists)."""

from __future__ import annotations

from collections import OrderedDict
from types import SimpleNamespace
from typing import Any

import pytest

from phenotk.validation.rule import Context, Node
from phenotk.validation.rules.hpo._common import cited_hpo_release
from phenotk.validation.rules.hpo.release_older import PATHS_PER_RELEASE, ReleaseOlder

LOADED = SimpleNamespace(prefix="HP", version="2025-05-06")  # only what the rule reads of an index


def _hp(version: str, **extra: Any) -> dict[str, Any]:
    return {"id": "hp", "version": version, "namespacePrefix": "HP", **extra}


GENO = {"id": "geno", "version": "2026-01-01", "namespacePrefix": "GENO"}


def _run(data: dict[str, Any]) -> tuple[str | None, list[Any]]:
    ctx = Context(hpo=LOADED, data=data, state={})
    rule = ReleaseOlder()
    note = rule.remember(None, Node(data, "Phenopacket", "", None, None), ctx, _no_locate)  # type: ignore[arg-type]
    found = [f.violation for f in rule.end_run([("a.json", note)])] if note is not None else []
    return cited_hpo_release(ctx), found


def _no_locate(pointer: str) -> tuple[None, None]:
    raise AssertionError("the rule places nothing")


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
        assert [v.context["resource"] for v in found] == [pointer]
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
    assert [v.context["resource"] for v in found] == ["/metaData/resources/1/version"]


def test_messages_follow_the_loaded_index() -> None:
    """One rule instance used with two indexes names each one's release."""
    rule = ReleaseOlder()
    data = {"metaData": {"resources": [_hp("2026-06-06")]}}
    node = Node(data, "Phenopacket", "", None, None)
    for version in ("2025-05-06", "2024-01-01", "2025-05-06"):
        ctx = Context(hpo=SimpleNamespace(prefix="HP", version=version), data=data, state={})
        note = rule.remember(None, node, ctx, _no_locate)  # type: ignore[arg-type]
        (found,) = rule.end_run([("a.json", note)])
        v = found.violation
        assert f"newer than the loaded HPO {version}:" in v.message


def test_once_per_run_with_counts_per_release_and_bounded_paths() -> None:
    """Many documents: one finding on the first one, counting every document per cited release."""
    rule = ReleaseOlder()
    notes = []
    for k in range(PATHS_PER_RELEASE + 7):
        for version in ("2026-06-06", "2025-10-22"):
            data = {"metaData": {"resources": [GENO, _hp(version)]}}
            ctx = Context(hpo=LOADED, data=data, state={})
            node = Node(data, "Phenopacket", "", None, None)
            notes.append((f"{version}/{k}.json", rule.remember(None, node, ctx, _no_locate)))  # type: ignore[arg-type]
    (found,) = rule.end_run(notes)
    n = PATHS_PER_RELEASE + 7
    assert found.index == 0 and (found.line, found.column) == (None, None) and found.violation.path == ()
    assert found.violation.message.startswith(
        f"{2 * n} documents name HPO releases newer than the loaded HPO 2025-05-06 (2025-10-22: {n}, 2026-06-06: {n})"
    )
    ctx_ = found.violation.context or {}
    assert ctx_["documents"] == 2 * n and ctx_["releases"] == {"2025-10-22": n, "2026-06-06": n}
    assert ctx_["paths"]["2026-06-06"] == [f"2026-06-06/{k}.json" for k in range(PATHS_PER_RELEASE)]
    assert ctx_["resource"] == "/metaData/resources/1/version" and ctx_["loaded"] == "2025-05-06"


_SHAPES: list[Any] = [
    {"metaData": {"resources": [GENO, _hp("2026-06-06")]}},
    {"metaData": {"resources": [_hp("2026-06-06"), GENO]}},  # the same version at another position
    {"metaData": {"resources": [_hp("2024-01-01"), GENO]}},  # older than the loaded release
    {"metaData": {"resources": [_hp("v2026-02-02/hp.owl")]}},
    {"metaData": {"resources": [_hp("no date")]}},
    {"metaData": {"resources": [_hp(None)]}},  # type: ignore[arg-type]
    {"metaData": {"resources": [_hp(["2026-06-06"])]}},  # type: ignore[arg-type]
    {"metaData": {"resources": [OrderedDict(_hp("2026-06-06")), GENO]}},
    {"metaData": {"resources": [GENO, {"id": "hp", "version": "2026-06-06", "namespacePrefix": None}]}},
    {"metaData": {"resources": [_hp("2026-06-06"), _hp("2026-07-07")]}},
    {"metaData": {"resources": [_hp("2026-06-06"), "hp", None]}},
    {"metaData": {"resources": [{"namespacePrefix": "HP", "namespace_prefix": "HP", "version": "2026-03-03"}]}},
    {"metaData": {"resources": {"hp": _hp("2026-06-06")}}},
    {"metaData": None, "meta_data": {"resources": [_hp("2026-06-06")]}},
    {"metaData": "text", "meta_data": {"resources": [_hp("2026-06-06")]}},
    {"meta_data": {"resources": [_hp("2026-06-06")]}},
    {"proband": {"metaData": {"resources": [_hp("2026-01-01")]}}, "metaData": {"resources": [_hp("2025-01-01")]}},
    {"members": [{"metaData": {"resources": [_hp("2026-01-01")]}}], "metaData": {"resources": [GENO]}},
    {},
]


def test_the_per_version_memo_agrees_with_the_general_path() -> None:
    """Notes and cited releases are the same with the memo as without it, in any order and on repeats."""
    slow = ReleaseOlder()
    slow._common_case = lambda ctx: None  # type: ignore[method-assign]  # the general path only
    fast = ReleaseOlder()
    for data in [*_SHAPES, *reversed(_SHAPES), *_SHAPES]:
        node = Node(data, "Phenopacket", "", None, None)
        got = []
        for rule in (slow, fast):
            ctx = Context(hpo=LOADED, data=data, state={})
            got.append((rule.remember(None, node, ctx, _no_locate), cited_hpo_release(ctx)))  # type: ignore[arg-type]
        assert got[0] == got[1], data
    # the store's shape does take the memo
    assert ReleaseOlder()._common_case(Context(hpo=LOADED, data=_SHAPES[0], state={})) is not None


def test_the_per_version_memo_follows_the_loaded_index() -> None:
    """The memo is made again for another index: a version newer than one release is not newer than the next."""
    rule = ReleaseOlder()
    data = {"metaData": {"resources": [_hp("2026-06-06")]}}
    node = Node(data, "Phenopacket", "", None, None)
    notes = []
    for version in ("2025-05-06", "2026-06-06", "2027-01-01", "2025-05-06"):
        ctx = Context(hpo=SimpleNamespace(prefix="HP", version=version), data=data, state={})
        notes.append(rule.remember(None, node, ctx, _no_locate))  # type: ignore[arg-type]
    newer = ("2026-06-06", "2025-05-06", "/metaData/resources/0/version")
    assert notes == [newer, None, None, newer]
