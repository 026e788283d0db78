"""Reports for the reporter tests.

``real_report`` is a run over real store phenopackets plus two project-made fixtures, built without
the validation engine: a few genuine checks are computed here from the data (HPO terms newer than the
2025-05-06 release per ``hpo/store_terms_not_in_these_releases.tsv``, features without onset, a CURIE
written with ``_``), located with ``Document.locate``; an unreadable fixture gives the
``input-unreadable`` result of GUIDE §2. Codes/names are test stand-ins for the engine's rules.
"""

from __future__ import annotations

import csv
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from phenotk.errors import InputError
from phenotk.io import Document, iter_documents
from phenotk.io.sourcemap import join
from phenotk.issue import Fix, Issue, PatchOp, Report, Result, RuleInfo, Severity

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "report"
ARTIFACTS = Path(__file__).resolve().parent.parent / "_artifacts"  # gitignored; CI may upload it
CHROMIUM = Path("/usr/bin/chromium")
#: Store folders holding terms newer than the shared HPO releases (found with grep), 16 files.
STORE_GENES = ("TUBA1C", "SGCE", "DONSON", "THOC2")
HPO_RELEASE = "2025-05-06"

RULES = {
    "HPO001": RuleInfo(
        code="HPO001",
        name="hpo-curie-format",
        severity=Severity.ERROR,
        summary="HPO ids are CURIEs written HP:NNNNNNN",
        doc="""Checks that every HPO term id is a CURIE ``HP:`` followed by seven digits.

        Why: tools look terms up by exact id; ``HP_0001250`` (an OBO PURL fragment) matches nothing.

        Anti-pattern: {"type": {"id": "HP_0001250"}}

        Fixed: {"type": {"id": "HP:0001250"}}
        """,
        group="hpo",
    ),
    "HPO010": RuleInfo(
        code="HPO010",
        name="hpo-term-not-in-release",
        severity=Severity.WARNING,
        summary="HPO term is not in the HPO release used",
        doc="""Checks that each HPO id exists in the release the validator loaded.

        Why: a term newer than the release cannot be checked (label, obsolescence, ancestors).
        """,
        group="hpo",
    ),
    "TIME004": RuleInfo(
        code="TIME004",
        name="feature-onset-missing",
        severity=Severity.INFO,
        summary="Observed phenotypic feature has no onset",
        doc="Reports observed features without onset; age of onset drives many analyses.",
        group="time",
    ),
}
RULES_BY_NAME_AND_CODE = {**RULES, **{r.name: r for r in RULES.values()}}


def _issue(doc: Document, code: str, message: str, pointer: str, fix: Fix | None = None) -> Issue:
    info = RULES[code]
    line, col = doc.locate(pointer)
    return Issue(code, info.name, info.severity, message, pointer, line, col, fix)


def check(doc: Document, newer_terms: set[str]) -> Result:
    """The stand-in checks: CURIE form, term not in release, missing onset."""
    res = Result(doc.path, doc.element.value, doc.id)
    for n, feature in enumerate(doc.data.get("phenotypicFeatures", [])):
        term = feature.get("type", {})
        term_id = term.get("id", "")
        ptr = join("/phenotypicFeatures", str(n), "type", "id")
        if term_id.startswith("HP_"):
            fixed = term_id.replace("_", ":", 1)
            fix = Fix((PatchOp("replace", ptr, fixed),), safe=True, description=f"write {fixed}")
            res.issues.append(_issue(doc, "HPO001", f"{term_id} is not a CURIE; write {fixed}", ptr, fix))
        elif term_id in newer_terms:
            res.issues.append(
                _issue(
                    doc,
                    "HPO010",
                    f"{term_id} ({term.get('label', '')}) is not in HPO release {HPO_RELEASE}; "
                    "load a newer release to check it",
                    ptr,
                )
            )
        if not feature.get("excluded") and "onset" not in feature:
            res.issues.append(
                _issue(
                    doc,
                    "TIME004",
                    f"observed feature {term_id} has no onset",
                    join("/phenotypicFeatures", str(n)),
                )
            )
    return res


def unreadable(err: InputError) -> Result:
    """GUIDE §2: an unreadable file still gets a result, with one ``input-unreadable`` issue."""
    issue = Issue("IO001", "input-unreadable", Severity.ERROR, err.message, "", err.line, err.column)
    return Result(err.path or "<input>", None, None, [issue])


@pytest.fixture(scope="session")
def newer_terms(hpo_dir: Path) -> set[str]:
    with open(hpo_dir / "store_terms_not_in_these_releases.tsv", newline="") as fh:
        return {row["hpo_id"] for row in csv.DictReader(fh, delimiter="\t") if row["in_hp.json_2025-05-06"] == "False"}


@pytest.fixture(scope="session")
def real_inputs(store_dir: Path) -> list[str]:
    paths = [str(p) for g in STORE_GENES for p in sorted((store_dir / g).glob("*.json"))]
    return [*paths, str(FIXTURES / "bad-curie.json"), str(FIXTURES / "broken.json")]


@pytest.fixture(scope="session")
def real_report(real_inputs: list[str], newer_terms: set[str]) -> Report:
    report = Report(hpo_version=HPO_RELEASE)
    for item in iter_documents(real_inputs):
        report.results.append(unreadable(item) if isinstance(item, InputError) else check(item, newer_terms))
    return report


@pytest.fixture()
def rules() -> dict[str, RuleInfo]:
    return dict(RULES_BY_NAME_AND_CODE)


@pytest.fixture()
def small_report() -> Report:
    """A tiny hand-made run with every shape a reporter must handle."""
    fix = Fix((PatchOp("replace", "/phenotypicFeatures/0/type/id", "HP:0001250"),), safe=True, description="")
    return Report(
        hpo_version="2025-05-06",
        notes=["cohort checks skipped: single file"],
        results=[
            Result(
                "data/a b.json",
                "phenopacket",
                "P1",
                [
                    Issue(
                        "HPO010",
                        "hpo-term-not-in-release",
                        Severity.WARNING,
                        "HP:0020003 is not in release 2025-05-06",
                        "/phenotypicFeatures/1/type/id",
                        30,
                        15,
                    ),
                    Issue(
                        "HPO001",
                        "hpo-curie-format",
                        Severity.ERROR,
                        "HP_0001250 is not a CURIE; write HP:0001250",
                        "/phenotypicFeatures/0/type/id",
                        9,
                        15,
                        fix,
                    ),
                ],
            ),
            Result("data/clean.yaml", "phenopacket", "P2", []),
            Result(
                "data/meta.json",
                "family",
                None,
                [Issue("META002", "meta-resource-missing", Severity.INFO, "no resource for OMIM", "/metaData")],
            ),
        ],
    )


Chromium = Callable[[list[str], Path], "subprocess.CompletedProcess[str]"]


@pytest.fixture()
def chromium() -> Chromium:
    """Runs Debian's headless Chromium (own profile, no network services); stdout is a DOM dump.

    Skipped when /usr/bin/chromium is absent unless PHENOTK_REQUIRE_CHROMIUM=1.
    """
    if not CHROMIUM.exists():
        if os.environ.get("PHENOTK_REQUIRE_CHROMIUM") == "1":
            pytest.fail(f"{CHROMIUM} missing and PHENOTK_REQUIRE_CHROMIUM=1 (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")

    def run(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
        cmd = [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *args,
        ]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)

    return run


@pytest.fixture()
def artifacts() -> Path:
    """tests/_artifacts (gitignored): screenshots for people and CI to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
