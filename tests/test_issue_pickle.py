"""Findings cross process boundaries (``--jobs``, Dask) by pickle: the round trip keeps every field."""

from __future__ import annotations

import copy
import pickle

from phenotk.issue import Fix, Issue, PatchOp, Result, Severity


def _result() -> Result:
    issue = Issue(
        "VAL001", "required-default", Severity.WARNING, "REQUIRED field absent", "/a/0/b", 3, 7,
        context={"field": "b", "default": "NOT_PROVIDED"},
    )  # fmt: skip
    fixed = Issue(
        "MET001", "meta-x", Severity.ERROR, "m", fix=Fix((PatchOp("add", "/metaData/x", [1, "y"]),), description="d")
    )
    return Result("dir/p.json", "Phenopacket", "P1", [issue, fixed])


def test_round_trip_equal_for_every_protocol() -> None:
    res = _result()
    for proto in range(2, pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(res, protocol=proto))
        assert back == res
        assert back.issues[0].severity is Severity.WARNING  # the enum member itself, not a copy
        assert back.issues[0].context == {"field": "b", "default": "NOT_PROVIDED"}
    assert copy.deepcopy(res) == res and copy.deepcopy(res) is not res


def test_attributes_a_caller_attached_survive() -> None:
    res = _result()
    res.source_line = 12  # type: ignore[attr-defined]
    back = pickle.loads(pickle.dumps(res))
    assert back.source_line == 12
    assert back == res
