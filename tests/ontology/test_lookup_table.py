"""``LookupTable``: the sorted keys searched by bisection answer as the text -> term number(s) dict they came from.

The cached file holds the keys in order; one whose keys are out of order (or are not all strings) is refused,
whatever its seal, since bisection would then miss texts it holds.
"""

from __future__ import annotations

import marshal
import random
from pathlib import Path

from phenotk.ontology import OntologyIndex, cache, load
from phenotk.ontology.index import LookupTable


def test_get_equals_the_dict_it_was_made_from() -> None:
    rng = random.Random(5)
    words = ["", " ", "a", "ab", "abc", "b", "seizure", "seizures", "zz", "é", "ß", "\u3000x", "Z"]
    table: dict[str, int | tuple[int, ...]] = {}
    for w in words:
        r = rng.random()
        if r < 0.6:
            table[w] = rng.randrange(100)
        elif r < 0.8:
            table[w] = (rng.randrange(100), rng.randrange(100))
    lt = LookupTable.of(table)
    assert lt.keys == sorted(lt.keys) and len(lt.keys) == len(set(lt.keys))
    probes = [*words, "0", "aa", "abcd", "zzz", "\U0010ffff", "A"]  # before the first, between, after the last
    assert [lt.get(p) for p in probes] == [table.get(p) for p in probes]
    assert LookupTable.of({}).get("x") is None


def _fresh(path: Path) -> OntologyIndex:
    load._MEMO.clear()
    return load.load_ontology(path)


def test_cached_table_with_keys_out_of_order_is_refused(mini_hp: Path) -> None:
    first = _fresh(mini_hp)
    want = {t: first.lookup(t) for t in ("seizure", "seizures", "nothing like this")}
    path = cache.lookup_path(first)
    assert path is not None and path.is_file()
    head, keys, numbers, several = marshal.loads(cache.unsealed(path.read_bytes()) or b"")
    assert keys == sorted(keys) and len(keys) > 2
    for bad_keys in (keys[::-1], [*keys[:-1], 3]):  # out of order; a key that is no string
        path.write_bytes(cache.sealed(marshal.dumps((head, bad_keys, numbers, several))))
        assert cache.read_lookup(_fresh(mini_hp)) is None
        again = _fresh(mini_hp)
        assert {t: again.lookup(t) for t in want} == want
