"""xref-member-mismatch on real Family files split into one phenopacket file per person (issue 17).

The family files of the shared data (the EGA Family of ``beacon/ega-phenopackets-to-BFF`` and the v2 schema's
``family.json``) are written next to their members' own phenopacket files, as a family is often shared. The
cross-file comparison is a run hook fed by notes: the same findings in one process, with ``--jobs 2`` and on
Dask (notes pickled across processes and reduced at the end), and no file is read twice.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from phenotk.validation.rule import field_key
from phenotk.workflow.session import Session

RULE = "xref-member-mismatch"
FAMILIES = ("beacon/ega-phenopackets-to-BFF/phenopackets_in/family.json", "v2-examples/family.json")


def _split(shared: Path, rel: str, dest: Path) -> tuple[Path, dict[str, Path]]:
    """The family file copied to ``dest`` and each embedded phenopacket as its own file: (family, id → file)."""
    dest.mkdir(parents=True)
    family = json.loads((shared / rel).read_text(encoding="utf-8"))
    (dest / "family.json").write_text(json.dumps(family, indent=2), encoding="utf-8")
    members = [family["proband"], *family.get("relatives", [])]
    own: dict[str, Path] = {}
    for pp in members:
        doc = copy.deepcopy(pp)
        doc.setdefault("metaData", copy.deepcopy(family["metaData"]))
        own[doc["id"]] = dest / f"{doc['id']}.json"
        own[doc["id"]].write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return dest / "family.json", own


def _findings(paths: list[str], jobs: int = 1) -> Counter[tuple[Any, ...]]:
    report = Session.from_settings(config=False, hpo=False).validate(paths, jobs=jobs)
    return Counter(
        (r.path, i.rule, i.severity.value, i.message, i.pointer, i.line, i.column) for r, i in report.iter_issues()
    )


def _mine(found: Counter[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return sorted(k for k in found.elements() if k[1] == RULE)


@pytest.mark.parametrize("rel", FAMILIES)
def test_real_family_and_its_members_files_agree(shared_data: Path, tmp_path: Path, rel: str) -> None:
    _, own = _split(shared_data, rel, tmp_path / "fam")
    assert own  # the proband at least
    assert _mine(_findings([str(tmp_path / "fam")])) == []


def test_real_family_disagreeing_with_a_members_file(shared_data: Path, tmp_path: Path) -> None:
    family, own = _split(shared_data, FAMILIES[0], tmp_path / "fam")
    tree = json.loads(family.read_text(encoding="utf-8"))
    persons = {p["individualId"]: (i, p) for i, p in enumerate(tree["pedigree"]["persons"])}
    # the mother's own file says MALE: her relative copy and her pedigree person (both FEMALE) disagree with it
    mother_id, mother = next((k, v) for k, v in own.items() if json.loads(v.read_text())["subject"]["sex"] == "FEMALE")
    doc = json.loads(mother.read_text(encoding="utf-8"))
    sid = doc["subject"]["id"]
    doc["subject"]["sex"] = "MALE"
    mother.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    # the proband's own file re-types the subject id
    proband = own[tree["proband"]["id"]]
    doc = json.loads(proband.read_text(encoding="utf-8"))
    doc["subject"]["id"] = doc["subject"]["id"] + "-x"
    proband.write_text(json.dumps(doc, indent=2), encoding="utf-8")

    found = _findings([str(tmp_path / "fam")])
    mine = _mine(found)
    rel_index = next(i for i, r in enumerate(tree["relatives"]) if r["id"] == mother_id)
    want = {
        "/proband/subject/id",
        f"/relatives/{rel_index}/subject/sex",
        f"/pedigree/persons/{persons[sid][0]}/sex",
    }
    assert {k[4] for k in mine} == want and len(mine) == 3
    assert all(k[0] == str(family) and k[2] == "error" for k in mine)  # placed in the family, naming the other file
    assert any(str(mother) in k[3] and "is FEMALE here but MALE" in k[3] for k in mine)
    text = family.read_text(encoding="utf-8").splitlines()
    for k in mine:  # line and column of the value in the family file
        assert k[5] is not None and k[6] is not None
        assert text[k[5] - 1][k[6] - 1 :].startswith('"'), (k, text[k[5] - 1])
    # the same findings, every finding, with worker processes
    assert _findings([str(tmp_path / "fam")], jobs=2) == found


def test_same_findings_on_dask(shared_data: Path, tmp_path: Path) -> None:
    """Partitions of one file each: the family and the files it disagrees with sit in different tasks."""
    pytest.importorskip("dask.dataframe")
    pytest.importorskip("pyarrow")
    import phenotk.dask

    _, own = _split(shared_data, FAMILIES[0], tmp_path / "fam")
    for path in own.values():
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc["subject"]["sex"] = {"MALE": "FEMALE", "FEMALE": "MALE"}.get(doc["subject"].get("sex"), "MALE")
        path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    paths = [str(tmp_path / "fam")]
    single = _mine(_findings(paths))
    assert len(single) >= 2 * len(own) - 1
    frame = phenotk.dask.validate(paths, hpo=False, partition_size=1).compute(scheduler="processes", num_workers=2)
    rows = frame[frame["rule"] == RULE].to_dict("records")
    got = sorted(
        (r["path"], r["rule"], r["severity"], r["message"], r["pointer"], r["line"], r["column"]) for r in rows
    )
    assert [(*k[:5], int(k[5]), int(k[6])) for k in got] == single


def test_snake_case_keys_are_read(tmp_path: Path) -> None:
    fam = {"id": "F", "proband": {"id": "P", "subject": {"id": "S", "sex": "MALE"}},
           "pedigree": {"persons": [{"individual_id": "S", "sex": "MALE"}]}, "meta_data": {}}  # fmt: skip
    assert field_key(fam["pedigree"]["persons"][0], "individualId") == "individual_id"
    (tmp_path / "f.json").write_text(json.dumps(fam, indent=2), encoding="utf-8")
    (tmp_path / "p.json").write_text(json.dumps({"id": "P", "subject": {"id": "S", "sex": "FEMALE"}}), encoding="utf-8")
    mine = _mine(_findings([str(tmp_path)]))
    assert [k[4] for k in mine] == ["/pedigree/persons/0/sex", "/proband/subject/sex"]
