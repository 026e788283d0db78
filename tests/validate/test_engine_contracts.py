"""The engine knows no rule, and the walk generator does not import the engine (static import graph, grimp).

The same contracts are in pyproject.toml for ``lint-imports``; this test keeps them under pytest too, with the
import chain in the failure message.
"""

from __future__ import annotations

import grimp
import pytest

from phenotk.validation.engine import Engine
from phenotk.validation.hooks import ROLES
from phenotk.validation.registry import rule_classes


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("phenotk")


def test_engine_imports_no_rule(graph: grimp.ImportGraph) -> None:
    engine = ["phenotk.validation.engine", *sorted(graph.find_descendants("phenotk.validation.engine"))]
    rules = ["phenotk.validation.rules", *sorted(graph.find_descendants("phenotk.validation.rules"))]
    for src in engine:
        for dst in rules:
            chain = graph.find_shortest_chain(importer=src, imported=dst)
            assert chain is None, " -> ".join(chain or ())


@pytest.mark.parametrize("module", ["codegen", "reference", "plan"])
def test_walks_do_not_import_the_engine(graph: grimp.ImportGraph, module: str) -> None:
    importer = f"phenotk.validation.engine.{module}"
    chain = graph.find_shortest_chain(importer=importer, imported="phenotk.validation.engine")
    assert chain is None, " -> ".join(chain or ())


def test_no_import_cycle_in_validation(graph: grimp.ImportGraph) -> None:
    """No module of phenotk.validation imports a module that imports it back.

    Imports inside functions and under ``TYPE_CHECKING`` count.
    """
    modules = sorted(m for m in graph.modules if m.startswith("phenotk.validation"))
    for m in modules:
        for imported in graph.find_modules_directly_imported_by(m):
            if not imported.startswith("phenotk.validation") or imported == m:
                continue
            back = graph.find_shortest_chain(importer=imported, imported=m)
            assert back is None, f"{m} -> {' -> '.join(back or ())}"


def test_every_structural_role_is_taken_by_one_rule() -> None:
    """Each hook role (unknown field, type, enum, required, unreadable, crash, run) is taken by a shipped rule."""
    taken = {role: [c.name for c in rule_classes() if issubclass(c, role)] for role in ROLES}
    assert all(taken.values()), taken
    for role in ROLES[:-1]:  # one rule per walk/input role; several rules may be run hooks
        assert len(taken[role]) == 1, (role.__name__, taken[role])
    assert Engine.__module__ == "phenotk.validation.engine"
