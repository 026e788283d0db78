"""The Python API on hostile input: ``PhenotkError`` subclasses or findings, never a bare error from deep inside.

Values at real JSON pointers of real files are swapped for other JSON types (string, object, list, number,
null, bool, a 31-digit integer) by hypothesis; the files are also cut and emptied.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _robust import SOURCES, SWAPS, byte_flips, deep_nesting, pointers, set_at, source_path, truncations
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import phenotk
from phenotk.conversion import registry
from phenotk.conversion.base import ConvertOptions

pytestmark = pytest.mark.shared

_JSON_KINDS = [k for k, (rel, _) in SOURCES.items() if rel.endswith(".json")]


def _calls(tree: Any, path: Path) -> dict[str, Callable[[], Any]]:
    def reader(name: str) -> Callable[[], Any]:
        return lambda: list(registry.reader(name).read(path, ConvertOptions()))

    calls: dict[str, Callable[[], Any]] = {
        "read(path)": lambda: phenotk.read(path),
        "validate(path)": lambda: phenotk.validate(path),
        "fix(path)": lambda: phenotk.fix(path),
        "upgrade(path)": lambda: phenotk.upgrade(path),
        "from_fhir(path)": lambda: phenotk.from_fhir(path),
        "read_cohort(path)": lambda: phenotk.read_cohort(path).summary(),
    }
    if isinstance(tree, dict):
        calls["read(dict)"] = lambda: phenotk.read(tree)
        calls["validate(dict)"] = lambda: phenotk.validate(tree)
        calls["fix(dict)"] = lambda: phenotk.fix(tree)
        calls["upgrade(dict)"] = lambda: phenotk.upgrade(tree)
        calls["from_fhir(dict)"] = lambda: phenotk.from_fhir(tree)
    for name in ("fhir", "v1", "beacon", "phetools-json", "template"):
        calls[f"reader {name}"] = reader(name)
    return calls


def _misbehaving(tree: Any, path: Path) -> list[str]:
    out = []
    for name, call in _calls(tree, path).items():
        try:
            call()
        except phenotk.PhenotkError as exc:
            if not str(exc).strip():
                out.append(f"{name}: {type(exc).__name__} without a message")
        except Exception as exc:
            out.append(f"{name}: {type(exc).__name__}: {str(exc)[:200]}")
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_wrong_types_at_real_pointers(data: st.DataObject, shared_data: Path, tmp_path: Path) -> None:
    """Any real value swapped for another JSON type: a PhenotkError or a result, nothing else."""
    kind = data.draw(st.sampled_from(_JSON_KINDS))
    tree = json.loads(source_path(shared_data, kind).read_bytes())
    ptr = data.draw(st.sampled_from(list(pointers(tree))))
    value = data.draw(st.sampled_from(SWAPS))
    mutated = set_at(tree, ptr, value)
    path = tmp_path / f"{kind}.json"
    path.write_text(json.dumps(mutated), encoding="utf-8")
    bad = _misbehaving(mutated, path)
    assert not bad, f"{kind} {ptr} = {value!r}:\n" + "\n".join(bad)


@pytest.mark.parametrize("kind", _JSON_KINDS)
def test_damaged_files(kind: str, shared_data: Path, tmp_path: Path) -> None:
    """Cut, flipped, empty, deeply nested, scalar and missing files: PhenotkError (or a result), nothing else."""
    raw = source_path(shared_data, kind).read_bytes()
    cases = {**dict(truncations(raw)), "flip": byte_flips(raw, 3, 6), "empty": b"", "deep": deep_nesting(20_000),
             "scalar": b'"text"', "array": b"[1, 2]"}
    failures = []
    for label, payload in cases.items():
        path = tmp_path / f"{label}.json"
        path.write_bytes(payload)
        failures += [f"{label}: {b}" for b in _misbehaving(None, path)]
    failures += [f"missing: {b}" for b in _misbehaving(None, tmp_path / "missing.json")]
    failures += [f"directory: {b}" for b in _misbehaving(None, tmp_path)]
    assert not failures, "\n".join(failures)
