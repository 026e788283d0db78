"""genotype-inheritance's per-run memo of misfits answers as the check itself, whatever the sex is written as."""

from __future__ import annotations

import itertools
from typing import Any

from phenotk.ontology.annotations import (
    AUTOSOMAL_DOMINANT,
    AUTOSOMAL_RECESSIVE,
    X_LINKED,
    X_LINKED_DOMINANT,
    X_LINKED_RECESSIVE,
)
from phenotk.validation.rules.genotype import inheritance as gi


def test_memoised_misfit_is_the_worked_out_one() -> None:
    """Every mode set, genotype of up to three calls and sex (as strings, objects, lists, numbers, None), asked
    twice in shuffled orders: the memo's answer is :func:`_misfit_of` with the sex as written."""
    all_modes = [AUTOSOMAL_DOMINANT, AUTOSOMAL_RECESSIVE, X_LINKED, X_LINKED_DOMINANT, X_LINKED_RECESSIVE]
    mode_sets = [frozenset(c) for n in (1, 2) for c in itertools.combinations(all_modes, n)]
    kinds = ["het", "comphet", "hom", "hemi"]
    genotypes = [list(g) for n in (1, 2, 3) for g in itertools.product(kinds, repeat=n)]
    sexes: list[Any] = ["FEMALE", "MALE", "UNKNOWN_SEX", "OTHER_SEX", "female", None, "", {"x": 1}, ["MALE"], 1]
    gi._MISFITS.clear()
    cases = [(m, g, s) for m in mode_sets for g in genotypes for s in sexes]
    for order in (cases, cases[::-1]):
        for modes, genotype, sex in order:
            calls = [(j, {}, {}, k) for j, k in enumerate(genotype)]
            assert gi._misfit(modes, calls, sex) == gi._misfit_of(modes, genotype, sex)
    assert 0 < len(gi._MISFITS) < len(cases)  # the memo is used, with fewer keys than questions
    found = [gi._misfit(m, [(0, {}, {}, k) for k in g], s) for m, g, s in cases]
    assert any(f is None for f in found) and any(f is not None for f in found)
