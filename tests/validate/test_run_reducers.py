"""Run hooks reduce their notes as the run goes (``Engine.run_log``): the same findings as gathering them at the end.

A run's log made by :meth:`Engine.run_log` feeds each document's notes to its hook's reducer when the document
is added, so the end of a run (serial, with the workers of ``--jobs`` or Dask idle) only collects findings.
These tests run real store packets — with deliberate duplicate ids (one inside a top-level JSON array), a
Family split into its members' files with one member's sex changed, and HPO loaded so every packet names a
release — through both kinds of log and compare every finding.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from phenotk.io import iter_documents
from phenotk.validation.engine import Engine, RunLog
from phenotk.validation.hooks import Gathered, RunFinding, reduce_all
from phenotk.validation.rule import Violation
from phenotk.validation.rules.hpo.release_older import ReleaseOlder
from phenotk.validation.rules.xref.id_duplicate import IdDuplicate
from phenotk.workflow.session import Session


def _corpus(shared_data: Path, store_files: list[Path], dest: Path) -> list[str]:
    """Store packets, three with an earlier packet's id (one as item 1 of an array) and a split Family."""
    dest.mkdir()
    picked = store_files[::40]
    paths = [str(p) for p in picked]
    for k, src in enumerate(picked[:3]):  # the same ids again, later in the run
        data = json.loads(src.read_text(encoding="utf-8"))
        target = dest / f"again-{k}.json"
        if k == 1:
            other = json.loads(picked[5].read_text(encoding="utf-8"))
            other["id"] = other["id"] + "-not-a-duplicate"
            target.write_text(json.dumps([other, data], indent=2), encoding="utf-8")
        else:
            target.write_text(json.dumps(data, indent=2), encoding="utf-8")
        paths.append(str(target))
    family = json.loads((shared_data / "v2-examples" / "family.json").read_text(encoding="utf-8"))
    fam_dir = dest / "family"
    fam_dir.mkdir()
    (fam_dir / "family.json").write_text(json.dumps(family, indent=2), encoding="utf-8")
    for pp in [family["proband"], *family.get("relatives", [])]:
        own = copy.deepcopy(pp)
        own.setdefault("metaData", copy.deepcopy(family["metaData"]))
        if own.get("subject", {}).get("sex") in ("MALE", "FEMALE"):
            own["subject"]["sex"] = "FEMALE" if own["subject"]["sex"] == "MALE" else "MALE"
        (fam_dir / f"{own['id']}.json").write_text(json.dumps(own, indent=2), encoding="utf-8")
    paths.append(str(fam_dir))
    return paths


def _run(engine: Engine, paths: list[str], log: RunLog) -> list[tuple[Any, ...]]:
    """Check every document into ``log`` (as a run does), end the run; every finding as a row."""
    results = []
    for item in iter_documents(paths):
        per_doc = RunLog()  # what a worker sends back: the document's notes
        res = engine.check(item, per_doc)
        log.add(res, per_doc.entries[0][1] if per_doc.entries else ())
        results.append(res)
    engine.end_run(log)
    return [
        (r.path, i.rule, i.message, i.pointer, i.line, i.column, repr(i.context)) for r in results for i in r.issues
    ]


@pytest.fixture(scope="module")
def engine(shared_data: Path) -> Engine:
    return Session.from_settings(config=False, hpo=str(shared_data / "hpo" / "hp.json")).engine


def test_streamed_log_gives_the_findings_of_a_gathered_one(
    engine: Engine, shared_data: Path, store_files: list[Path], tmp_path: Path
) -> None:
    paths = _corpus(shared_data, store_files, tmp_path / "run")
    streamed = _run(engine, paths, engine.run_log())
    gathered = _run(engine, paths, RunLog())
    assert streamed == gathered
    rules = {row[1] for row in streamed}
    cross = [row for row in streamed if row[1] in ("id-duplicate", "xref-member-mismatch", "hpo-release-older")]
    assert {"id-duplicate", "xref-member-mismatch", "hpo-release-older"} <= rules, rules
    dups = [row for row in cross if row[1] == "id-duplicate"]
    assert len(dups) == 3 and any(row[3] == "/1/id" for row in dups)  # the array item points into its file
    assert sum(row[1] == "hpo-release-older" for row in cross) == 1  # once per run, counting every document


def test_incremental_hooks_find_as_notes_arrive() -> None:
    """id-duplicate and hpo-release-older do their work in ``add``: ``finish`` only hands it over."""
    dup = IdDuplicate().reducer()
    assert not isinstance(dup, Gathered)
    dup.add(0, "a.json", ("X", 2, 3, ""))
    dup.add(1, "b.json", ("Y", 2, 3, ""))
    dup.add(2, "c.json", ("X", 4, 5, "/0"))
    assert [f.index for f in dup.found] == [2]  # before finish
    (found,) = dup.finish()
    assert found == RunFinding(2, Violation("id 'X' is also the id of a.json", ("0", "id")), 4, 5)
    older = ReleaseOlder().reducer()
    assert not isinstance(older, Gathered)
    notes = [("a.json", ("2025-01-01", "2024-04-26", "/metaData/resources/0/version")),
             ("b.json", ("2025-03-03", "2024-04-26", "/metaData/resources/1/version")),
             ("c.json", ("2025-01-01", "2024-04-26", "/metaData/resources/0/version"))]  # fmt: skip
    (one,) = reduce_all(older, notes)
    assert one.index == 0
    assert one.violation.context["documents"] == 3
    assert one.violation.context["releases"] == {"2025-01-01": 2, "2025-03-03": 1}
    assert one.violation.context["resource"] == "/metaData/resources/0/version"
    assert list(ReleaseOlder().end_run(notes)) == [one]
