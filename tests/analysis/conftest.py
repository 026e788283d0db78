"""An independent HPO closure for the analysis tests: parsed here from hp.json (OBO Graphs), not by phenotk."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import orjson
import pytest

ALT_ID = "http://www.geneontology.org/formats/oboInOwl#hasAlternativeId"


def _curie(uri: str) -> str:
    return uri.rsplit("/", 1)[-1].replace("_", ":", 1)


@dataclass
class RawHpo:
    """is_a parents, children and alt ids of every HP node of hp.json, with memoised closures."""

    parents: dict[str, set[str]] = field(default_factory=dict)
    children: dict[str, set[str]] = field(default_factory=dict)
    owner: dict[str, str] = field(default_factory=dict)  # alt id → the term listing it
    nodes: set[str] = field(default_factory=set)
    _up: dict[str, frozenset[str]] = field(default_factory=dict)
    _down: dict[str, frozenset[str]] = field(default_factory=dict)

    def key(self, tid: str) -> str:
        return self.owner.get(tid, tid)

    def up(self, tid: str) -> frozenset[str]:
        k = self.key(tid)
        if k not in self._up:
            seen, stack = {k}, [k]
            while stack:
                for q in self.parents.get(stack.pop(), ()):
                    if q not in seen:
                        seen.add(q)
                        stack.append(q)
            self._up[k] = frozenset(seen)
        return self._up[k]

    def down(self, tid: str) -> frozenset[str]:
        k = self.key(tid)
        if k not in self._down:
            seen, stack = {k}, [k]
            while stack:
                for q in self.children.get(stack.pop(), ()):
                    if q not in seen:
                        seen.add(q)
                        stack.append(q)
            self._down[k] = frozenset(seen)
        return self._down[k]


@pytest.fixture(scope="session")
def raw_hpo(hpo_dir: Path) -> RawHpo:
    """hp.json read with orjson: nodes, ``is_a`` edges, ``hasAlternativeId`` values."""
    graph = orjson.loads((hpo_dir / "hp.json").read_bytes())["graphs"][0]
    h = RawHpo()
    for node in graph["nodes"]:
        if "/HP_" not in node["id"]:
            continue
        cid = _curie(node["id"])
        h.nodes.add(cid)
        for bpv in node.get("meta", {}).get("basicPropertyValues", []):
            if bpv.get("pred") == ALT_ID:
                h.owner[bpv["val"]] = cid
    for e in graph["edges"]:
        if e["pred"] == "is_a" and "/HP_" in e["sub"] and "/HP_" in e["obj"]:
            s, o = _curie(e["sub"]), _curie(e["obj"])
            h.parents.setdefault(s, set()).add(o)
            h.children.setdefault(o, set()).add(s)
    return h


@pytest.fixture(scope="session")
def raw_store(store_files: list[Path]) -> list[dict]:
    """Every store packet as plain JSON (orjson), in file order."""
    return [orjson.loads(p.read_bytes()) for p in store_files]


@pytest.fixture(scope="session")
def hpo(hpo_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """phenotk's index of hp.json (built once per session into a private cache unless PHENOTK_CACHE_DIR is set)."""
    import os

    import phenotk

    os.environ.setdefault("PHENOTK_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    return phenotk.load_ontology(str(hpo_dir / "hp.json"))
