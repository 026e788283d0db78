"""The HPO rules' shared fast paths agree with plain per-feature reference code, on the store and on hostile lists.

``feature_sets`` decides with one memo probe and one ``isdisjoint`` per feature whether a list has any pair or
group worth building; ``hpo-organ-system-missing`` probes one per-id memo for every configured system at once.
Each is compared here with a straightforward implementation of what it must decide: the store's packets
(the lists the fast paths were tuned for) and seeded random lists mixing ancestors and descendants, alt,
obsolete and unknown ids, non-string and unhashable ids, items that are not objects and odd excluded flags.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import orjson
import pytest

from phenotk.validation.rule import Context, Node
from phenotk.validation.rules.hpo import _common as C
from phenotk.validation.rules.hpo.organ_system_missing import OrganSystemMissing

#: Seizure, three of its descendants, two of its ancestors, and unrelated terms
SEIZURE = "HP:0001250"
TERMS = [
    SEIZURE,
    "HP:0007359",  # Focal-onset seizure
    "HP:0002069",  # Bilateral tonic-clonic seizure
    "HP:0020219",  # Motor seizure
    "HP:0012638",  # Abnormal nervous system physiology
    "HP:0000707",  # Abnormality of the nervous system
    "HP:0001627",  # Abnormal heart morphology
    "HP:0000118",  # Phenotypic abnormality
    "HP:0004322",  # Short stature
]
ODD_IDS: list[Any] = ["HP:9999999", "HP:12", "MONDO:0000001", 42, None, ["HP:0001250"], {"id": 1}]


def ctx_for(hpo: Any) -> Context:
    return Context(hpo=hpo)


def reference_sets(items: Any, hpo: Any) -> tuple[list[tuple[int, int]], list[list[int]], list[int]]:
    """Pairs, same-term groups and listed features, deciding 'anything related?' feature pair by feature pair."""
    if type(items) is not list or len(items) < 2:
        return [], [], []
    tables = hpo.tables()
    ids = [C._type_id(item) for item in items]
    infos = C._feature_infos(ids, tables)
    known = [(k, x) for k, x in enumerate(infos) if x]
    terms = [x[0] for _, x in known]
    related = len(set(terms)) != len(terms)
    for i, (ki, xi) in enumerate(known):
        for j, (kj, xj) in enumerate(known):
            if i != j and xi[0] in xj[1]:  # feature ki is an ancestor of feature kj
                anc_excluded = items[ki].get("excluded") is True
                desc_excluded = items[kj].get("excluded") is True
                related = related or not desc_excluded or (anc_excluded and desc_excluded)
    if not related:
        return [], [], []
    sets = C._related(None, ids, infos, items, set(terms))
    return shape(sets)


def shape(sets: C.FeatureSets) -> tuple[list[tuple[int, int]], list[list[int]], list[int]]:
    return (
        [(a.index, d.index) for a, d in sets.pairs],
        [[f.index for f in group] for group in sets.same_term],
        [f.index for f in sets.features],
    )


def fast_sets(items: Any, hpo: Any) -> tuple[list[tuple[int, int]], list[list[int]], list[int]]:
    node = Node({"phenotypicFeatures": items}, "Phenopacket", "", None, None)
    return shape(C.feature_sets(node, ctx_for(hpo)))


def random_items(rng: random.Random, hpo: Any) -> list[Any]:
    alt = sorted(hpo.alt_ids())[:50]
    obsolete = [t for t in hpo.terms(obsolete=True) if hpo.is_obsolete(t)][:50]
    out: list[Any] = []
    for _ in range(rng.randint(0, 9)):
        r = rng.random()
        if r < 0.65:
            cid: Any = rng.choice(TERMS)
        elif r < 0.75:
            cid = rng.choice(alt)
        elif r < 0.82:
            cid = rng.choice(obsolete)
        else:
            cid = rng.choice(ODD_IDS)
        item: Any = {"type": {"id": cid, "label": "x"}}
        flag = rng.random()
        if flag < 0.4:
            item["excluded"] = True
        elif flag < 0.5:
            item["excluded"] = rng.choice([False, None, 1, "true", 1.0])
        shape_r = rng.random()
        if shape_r < 0.03:
            item = "not an object"
        elif shape_r < 0.06:
            item = {"type": "HP:0001250"}
        elif shape_r < 0.08:
            item = {"excluded": True}
        out.append(item)
    return out


@pytest.fixture(scope="module")
def store_lists(store_dir: Path) -> list[Any]:
    files = sorted(store_dir.glob("*/*.json"))[::7]
    return [orjson.loads(f.read_bytes()).get("phenotypicFeatures") for f in files]


def test_feature_sets_equal_reference_on_the_store(store_lists: list[Any], hpo_index: Any) -> None:
    assert len(store_lists) > 1000
    related = 0
    for items in store_lists:
        want = reference_sets(items, hpo_index)
        assert fast_sets(items, hpo_index) == want
        related += bool(want[0] or want[1])
    assert related  # the store has lists with pairs: both paths were taken


def test_feature_sets_equal_reference_on_hostile_lists(hpo_index: Any) -> None:
    rng = random.Random(20261207)
    kinds = {"pairs": 0, "groups": 0, "none": 0}
    for _ in range(3000):
        items = random_items(rng, hpo_index)
        want = reference_sets(items, hpo_index)
        assert fast_sets(items, hpo_index) == want, items
        kinds["pairs" if want[0] else "groups" if want[1] else "none"] += 1
    assert all(kinds.values()), kinds


def test_observed_ancestor_of_an_excluded_descendant_is_no_pair(hpo_index: Any) -> None:
    """The consistent record: Seizure observed, Focal-onset seizure excluded (and the other orders)."""
    seizure, focal = {"type": {"id": SEIZURE}}, {"type": {"id": "HP:0007359"}}
    ex = {"excluded": True}
    assert fast_sets([seizure, {**focal, **ex}], hpo_index) == ([], [], [])
    assert fast_sets([{**focal, **ex}, seizure], hpo_index) == ([], [], [])
    assert fast_sets([seizure, focal], hpo_index)[0] == [(0, 1)]
    assert fast_sets([{**seizure, **ex}, focal], hpo_index)[0] == [(0, 1)]
    assert fast_sets([{**seizure, **ex}, {**focal, **ex}], hpo_index)[0] == [(0, 1)]


def reference_organ(ids: list[Any], systems: list[str], hpo: Any) -> list[str]:
    """Messages of hpo-organ-system-missing, one system at a time, id by id."""
    out = []
    for system in systems:
        root = hpo.primary_id(system)
        if root is None:
            out.append(f"organ system {system} is not in HPO {hpo.version}; check the option")
            continue
        below = any(
            type(c) is str and (term := hpo.tables().primary.get(c)) is not None and hpo.is_descendant_of(term, root)
            for c in ids
        )
        if not below:
            out.append(
                f"no feature in organ system {C.describe(hpo, root)}: record an observed term below it, "
                f"or exclude {root} explicitly if it was examined and normal"
            )
    return out


def test_organ_systems_equal_reference(store_lists: list[Any], hpo_index: Any) -> None:
    systems = ["HP:0000707", "HP:0001626", "HP:9999999", "HP:0001627", "HP:0000707"]
    rule = OrganSystemMissing()
    ctx = Context(hpo=hpo_index, options={"organ_systems": systems})
    rng = random.Random(7)
    lists = [x for x in store_lists[:300] if type(x) is list] + [random_items(rng, hpo_index) for _ in range(500)]
    for items in lists:
        ctx.state = {}
        node = Node({"phenotypicFeatures": items}, "Phenopacket", "", None, None)
        got = [v.message for v in rule.check(node, ctx)]
        assert got == reference_organ([C._type_id(i) for i in items], systems, hpo_index), items


def test_organ_cover_sets_equal_the_ancestry_definition(hpo_index: Any) -> None:
    """``TermTables.under(root)`` (what hpo-organ-system-missing probes) holds exactly the ids the release knows
    whose primary id is the root or has it as an ``is_a`` ancestor: every id of the release (primary, alt,
    obsolete, merged), for organ systems, the Onset root and obsolete roots."""
    tables = hpo_index.tables()
    obsolete = [t for t in hpo_index.terms(obsolete=True) if hpo_index.is_obsolete(t) and not hpo_index.is_alt_id(t)]
    roots = ["HP:0000707", "HP:0000152", "HP:0001626", "HP:0000118", "HP:0003674", *obsolete[:5]]
    for root in roots:
        under = tables.under(root)
        want = {c for c, term in tables.primary.items() if hpo_index.is_descendant_of(term, root)}
        assert under == want, root
        assert root in under


# ---------------------------------------------------------------- batch rules: the batch equals check() node by node

ONSET_TERMS: list[Any] = ["HP:0003577", "HP:0011463", "HP:0003593", SEIZURE, "HP:9999999", "MONDO:0000001", 5, None]


def random_class(rng: random.Random, hpo: Any, pool: list[Any]) -> Any:
    r = rng.random()
    if r < 0.05:
        return rng.choice(["not an object", None, ["HP:0001250"]])
    cid = rng.choice(pool)
    label = hpo.label(cid) if type(cid) is str and rng.random() < 0.7 else rng.choice(["Seizures", "x", None, 3])
    out: dict[str, Any] = {"id": cid, "label": label}
    if rng.random() < 0.08:
        del out["label"]
    if rng.random() < 0.03:
        del out["id"]
    return out


def random_time(rng: random.Random, hpo: Any) -> Any:
    r = rng.random()
    if r < 0.3:
        return {"age": {"iso8601duration": "P3Y"}}
    if r < 0.75:
        return {rng.choice(["ontologyClass", "ontology_class"]): random_class(rng, hpo, ONSET_TERMS)}
    if r < 0.85:
        return {"ontologyClass": random_class(rng, hpo, ONSET_TERMS), "ontology_class": {"id": "HP:0003577"}}
    return rng.choice([None, "P3Y", ["x"], {}])


def random_feature_or_disease(rng: random.Random, hpo: Any) -> tuple[str, dict[str, Any]]:
    pool = [*TERMS, "HP:0000006", "HP:0012828", "HP:0012832", "HP:0003577", *ODD_IDS[:4]]
    if rng.random() < 0.2:
        d: dict[str, Any] = {"term": random_class(rng, hpo, ["OMIM:100100", "MONDO:0000001"])}
        for key in ("onset", "resolution"):
            if rng.random() < 0.4:
                d[key] = random_time(rng, hpo)
        if rng.random() < 0.2:
            d["laterality"] = random_class(rng, hpo, ["HP:0012834", SEIZURE, "HP:0012835"])
        return "Disease", d
    f: dict[str, Any] = {"type": random_class(rng, hpo, pool)}
    if rng.random() < 0.4:
        f["excluded"] = True
    for key in ("onset", "resolution"):
        if rng.random() < 0.3:
            f[key] = random_time(rng, hpo)
    if rng.random() < 0.1:
        f["severity"] = random_class(rng, hpo, ["HP:0012828", SEIZURE])
    if rng.random() < 0.1:
        f["modifiers"] = [random_class(rng, hpo, ["HP:0012832", SEIZURE]) for _ in range(rng.randint(0, 2))]
    return "PhenotypicFeature", f


def node_by_node(rule: Any, nodes: list[Node], ctx: Context) -> list[tuple[str, str, tuple[Any, ...]]]:
    return [(node.pointer, v.message, v.path) for node in nodes for v in rule.check(node, ctx)]


def batched(rule: Any, nodes: list[Node], ctx: Context) -> list[tuple[str, str, tuple[Any, ...]]]:
    ctx.state = {}
    return [(node.pointer, v.message, v.path) for node, v in rule.check_batch(nodes, ctx)]


def test_wrong_branch_batch_equals_check(hpo_index: Any, store_dir: Path) -> None:
    from phenotk.validation.rules.hpo.wrong_branch import WrongBranch

    rule, ctx = WrongBranch(), ctx_for(hpo_index)
    rng = random.Random(11)
    found = 0
    for n in range(1500):
        nodes = [Node(v, kind, f"/{n}/{k}", None, None) for k, (kind, v) in
                 enumerate(random_feature_or_disease(rng, hpo_index) for _ in range(rng.randint(0, 6)))]  # fmt: skip
        want = node_by_node(rule, nodes, ctx)
        assert batched(rule, nodes, ctx) == want, [n[0] for n in nodes]
        found += len(want)
    assert found
    for f in sorted(store_dir.glob("*/*.json"))[::50]:
        data = orjson.loads(f.read_bytes())
        nodes = [Node(v, "PhenotypicFeature", f"/f/{k}", None, None) for k, v in enumerate(data["phenotypicFeatures"])]
        nodes += [Node(v, "Disease", f"/d/{k}", None, None) for k, v in enumerate(data.get("diseases", []))]
        assert batched(rule, nodes, ctx) == node_by_node(rule, nodes, ctx)


def test_wrong_branch_packet_shortcut_equals_check(hpo_index: Any, store_dir: Path) -> None:
    """With the document's packet as ``ctx.root``, its plain features are cleared as a whole: the batch still
    equals ``check()`` node by node, also when the leading nodes are not the packet's features (a biosample's
    first, shared objects, features after the diseases) or some feature is not plain."""
    from phenotk.validation.rules.hpo.wrong_branch import WrongBranch, _to_look_at

    rule, ctx = WrongBranch(), ctx_for(hpo_index)
    under_pa = hpo_index.tables().under("HP:0000118")
    rng = random.Random(17)
    plain = [{"type": {"id": t, "label": "x"}} for t in ("HP:0001250", "HP:0004322", "HP:0001627")]
    cleared = 0
    for n in range(1500):
        made = [random_feature_or_disease(rng, hpo_index) for _ in range(rng.randint(0, 5))]
        feats = [v for kind, v in made if kind == "PhenotypicFeature"]
        if rng.random() < 0.5:  # a list that is all plain (the store's usual)
            feats = [dict(rng.choice(plain)) for _ in range(rng.randint(1, 4))]
        diseases = [v for kind, v in made if kind == "Disease"]
        packet: dict[str, Any] = {"phenotypicFeatures": feats, "diseases": diseases}
        walked = [("PhenotypicFeature", f) for f in feats if type(f) is dict] + [("Disease", d) for d in diseases]
        r = rng.random()
        if r < 0.15:  # a biosample's features walked first, sharing the packet's objects and a wrong-branch term
            shared = ("PhenotypicFeature", feats[0] if feats else {})
            walked = [shared, ("PhenotypicFeature", {"type": {"id": "HP:0000006"}}), *walked]
        elif r < 0.25:  # the diseases before the features
            walked = [w for w in walked if w[0] == "Disease"] + [w for w in walked if w[0] != "Disease"]
        elif r < 0.3 and feats:
            feats.append("not an object")
        nodes = [Node(v, kind, f"/{n}/{k}", None, None) for k, (kind, v) in enumerate(walked)]
        ctx.root = Node(packet, "Phenopacket", "", None, None)
        ctx.state = {}
        cleared += len(_to_look_at(nodes, ctx, under_pa)) < len(nodes)
        want = node_by_node(rule, nodes, ctx)
        assert batched(rule, nodes, ctx) == want, walked
    assert cleared > 300
    ctx.root = None


@pytest.mark.parametrize("name", ["unknown_term", "obsolete_term", "label_mismatch"])
def test_term_rule_batch_equals_check(name: str, hpo_index: Any) -> None:
    import importlib

    module = importlib.import_module(f"phenotk.validation.rules.hpo.{name}")
    rule = next(v for v in vars(module).values() if isinstance(v, type) and getattr(v, "code", "").startswith("HPO"))()
    ctx = ctx_for(hpo_index)
    alt = sorted(hpo_index.alt_ids())[:30]
    obsolete = [t for t in hpo_index.terms(obsolete=True) if hpo_index.is_obsolete(t)][:30]
    pool = [*TERMS, *alt, *obsolete, *ODD_IDS, "HP:0001251", "HP:0040280", "OMIM:100100"]
    rng = random.Random(name)
    found = 0
    for n in range(1500):
        classes = [random_class(rng, hpo_index, pool) for _ in range(rng.randint(0, 6))]
        nodes = [Node(c, "OntologyClass", f"/{n}/{k}", None, None) for k, c in enumerate(classes) if type(c) is dict]
        want = node_by_node(rule, nodes, ctx)
        assert batched(rule, nodes, ctx) == want, classes
        found += len(want)
    assert found


def test_class_suspects_equal_the_definition(hpo_index: Any) -> None:
    """The shared suspect pass (its fast loop and its fallback) picks exactly the nodes the plain test picks, on
    hostile classes met again and again with other labels, with and without another ontology loaded."""
    alt = sorted(hpo_index.alt_ids())[:20]
    pool = [*TERMS, *alt, *ODD_IDS, "HP:0001251", "OMIM:100100", "GENO:0000135", True, 1, 1.0]
    labels = hpo_index.tables().labels

    def plain(nodes: list[Node], others: bool) -> list[Node]:
        out = []
        for node in nodes:
            cid, label = node.value.get("id"), node.value.get("label")
            if type(cid) is str and labels.get(cid, C._ABSENT) != label and (others or cid.startswith("HP:")):
                out.append(node)
        return out

    rng = random.Random(23)
    found = 0
    for others in (False, True, False):
        ctx = Context(hpo=hpo_index, options={C.ONTOLOGIES_OPTION: {"MONDO": hpo_index}} if others else {})
        for n in range(2000):
            classes = []
            for _ in range(rng.randint(0, 6)):
                cid = rng.choice(pool)
                label = rng.choice([labels.get(cid) if type(cid) is str else None, "x", "Seizure", None, 3, ["x"]])
                c: dict[str, Any] = {"id": cid, "label": label}
                if rng.random() < 0.03:
                    del c["label"]
                classes.append(c)
            nodes = [Node(c, "OntologyClass", f"/{n}/{k}", None, None) for k, c in enumerate(classes)]
            ctx.state = {}
            got = C.class_suspects(nodes, ctx)
            assert got == plain(nodes, others), classes
            found += len(got)
    assert found
