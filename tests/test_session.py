"""The run session: one set of findings for API and CLI, the HPO resolution order, a missing HPO said aloud.

Real store files (three gene folders with the most varied findings) and the shared HPO releases; the
ontology cache lives in a tmp dir and nothing is downloaded (``PHENOTK_OFFLINE=1``).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import phenotk
from phenotk.cli.app import main
from phenotk.workflow.session import Session

#: gene folders whose packets have between them most kinds of store findings (time-order, obsolete, label …)
GENES = ("RAG1", "TOP2B", "KDM2B")
#: a config with a profile, an ignore and severity overrides — what every face must apply the same way
CONFIG = """[tool.phenotk]
profile = "rare-disease"
ignore = ["hpo-release-older"]
[tool.phenotk.severity]
time-order = "warning"
"""


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An isolated phenotk cache for the module (ontology indexes built here, no release in it at first)."""
    old = os.environ.get("PHENOTK_CACHE_DIR")
    path = tmp_path_factory.mktemp("session-cache")
    os.environ["PHENOTK_CACHE_DIR"] = str(path)
    try:
        yield path
    finally:
        if old is None:
            os.environ.pop("PHENOTK_CACHE_DIR", None)
        else:
            os.environ["PHENOTK_CACHE_DIR"] = old


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cache: Path) -> None:
    """Offline, no PHENOTK_HPO, a working directory without config, no cached release left over."""
    monkeypatch.setenv("PHENOTK_OFFLINE", "1")
    monkeypatch.delenv("PHENOTK_HPO", raising=False)
    monkeypatch.chdir(tmp_path)
    shutil.rmtree(cache / "ontology" / "releases", ignore_errors=True)


@pytest.fixture(scope="module")
def hp_json(hpo_dir: Path) -> Path:
    path = hpo_dir / "hp.json"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    return path


@pytest.fixture(scope="module")
def hp_2024(hpo_dir: Path) -> Path:
    path = hpo_dir / "old" / "hp.v2024-04-26.json"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    return path


@pytest.fixture(scope="module")
def store_sample(store_dir: Path) -> list[str]:
    files = sorted(str(p) for gene in GENES for p in (store_dir / gene).glob("*.json"))
    assert len(files) > 20
    return files


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    out = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else (0 if code is None else 1)), out.out, out.err


def _where(path: str, issue: Any) -> str:
    line = issue["line"] if isinstance(issue, dict) else issue.line
    column = issue["column"] if isinstance(issue, dict) else issue.column
    loc = path
    if line is not None:
        loc += f":{line}"
        if column is not None:
            loc += f":{column}"
    return loc


# ---------------------------------------------------------------------- one set of findings


def test_api_cli_validate_and_fix_give_identical_findings(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, hp_json: Path, store_sample: list[str]
) -> None:
    cfg = tmp_path / "phenotk.toml"
    cfg.write_text(CONFIG, encoding="utf-8")

    api = phenotk.validate(store_sample, config=cfg, hpo=hp_json)
    api_rows = [
        (r.path, i.code, i.rule, i.severity.value, i.message, i.pointer, i.line, i.column, i.fix is not None)
        for r, i in api.iter_issues()
    ]
    rules = {row[2] for row in api_rows}
    # the config took effect: the profile's rule ran, the ignored rule did not, severities were overridden
    assert "hpo-release-older" not in rules and "time-order" in rules and "hpo-unknown-term" in rules
    assert {row[3] for row in api_rows if row[2] == "time-order"} == {"warning"}
    assert api.hpo_version == "2025-05-06"

    code, out, _ = _cli(capsys, "validate", *store_sample, "--config", str(cfg), "--hpo", str(hp_json), "-f", "json")
    assert code == (1 if any(row[3] == "error" for row in api_rows) else 0)
    cli = json.loads(out)
    keys = ("code", "rule", "severity", "message", "pointer", "line", "column")
    cli_rows = [(r["path"], *(i[k] for k in keys), bool(i["fix"])) for r in cli["results"] for i in r["issues"]]
    assert cli_rows == api_rows
    assert cli["hpo_version"] == api.hpo_version

    # ``fix`` validates with the same session: its findings before fixing are the same findings
    session = Session.from_settings(config=cfg, hpo=hp_json)
    before = [
        (res.path, i.code, i.rule, i.severity.value, i.message, i.pointer, i.line, i.column, i.fix is not None)
        for _, ff in session.fix_paths(store_sample)
        for res in ff.before
        for i in res.issues
    ]
    assert before == api_rows

    # the CLI's fix prints what remains at or above --fail-on; fixing only input-unreadable (never has a fix)
    # changes nothing, so what it prints is every finding at or above warning
    code, _, err = _cli(
        capsys, "fix", *store_sample, "--dry-run", "--config", str(cfg), "--hpo", str(hp_json),
        "--fail-on", "warning", "--rule", "input-unreadable",
    )  # fmt: skip
    printed = [line for line in err.splitlines() if line.endswith("]") and not line.startswith("note:")]
    wanted = [
        f"{_where(r.path, i)}: {i.severity.value}: {i.message} [{i.rule}]"
        for r, i in api.iter_issues()
        if i.severity.value in ("error", "warning")
    ]
    assert printed == wanted and len(wanted) > 10 and code == 1


def test_validate_message_points_into_the_json_form(hp_json: Path, store_sample: list[str]) -> None:
    """The conversion pipeline's step: a protobuf message, findings with pointers and no line/column."""
    from google.protobuf import json_format

    from phenotk.fixes.patch import _get

    session = Session.from_settings(hpo=hp_json)
    report = session.validate(store_sample)
    path, wanted = next((r.path, i) for r, i in report.iter_issues() if i.rule == "hpo-label-mismatch")
    packet = phenotk.read(path)
    result = session.validate_message(packet, path="converted.json")
    assert result.path == "converted.json" and result.id == packet.id
    assert (wanted.rule, wanted.pointer) in {(i.rule, i.pointer) for i in result.issues}
    tree = json_format.MessageToDict(packet)
    for issue in result.issues:
        assert issue.line is None and issue.column is None
        _get(tree, issue.pointer.rsplit("/", 1)[0])  # every pointer's parent is a value of the message's JSON form
    assert session.validate_documents([]).results == []


def test_config_severity_wins_over_a_severity_the_rule_picks(
    tmp_path: Path, hp_json: Path, store_sample: list[str]
) -> None:
    """``hpo-label-mismatch`` softens some findings to info itself; a pinned severity in the config still wins."""
    plain = phenotk.validate(store_sample, hpo=hp_json)
    picked = {i.severity.value for _, i in plain.iter_issues() if i.rule == "hpo-label-mismatch"}
    assert picked and "error" not in picked  # the rule softens them (release gap) below its default
    cfg = tmp_path / "phenotk.toml"
    cfg.write_text('[tool.phenotk.severity]\nhpo-label-mismatch = "error"\n', encoding="utf-8")
    pinned = phenotk.validate(store_sample, config=cfg, hpo=hp_json)
    rows = [(r.path, i.pointer, i.severity.value) for r, i in pinned.iter_issues() if i.rule == "hpo-label-mismatch"]
    want = [(r.path, i.pointer) for r, i in plain.iter_issues() if i.rule == "hpo-label-mismatch"]
    assert [row[:2] for row in rows] == want and {row[2] for row in rows} == {"error"}


# ---------------------------------------------------------------------- HPO resolution order


def _cache_release(path: Path, cache: Path, release: str) -> None:
    releases = cache / "ontology" / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, releases / f"hp-{release}.json")
    (releases / "current").write_text(f"hp-{release}.json\n", encoding="utf-8")


def _api_version(doc: Any = None, **kwargs: Any) -> str | None:
    return phenotk.validate(doc or {"id": "p", "subject": {"id": "s"}}, **kwargs).hpo_version


def _cli_version(capsys: pytest.CaptureFixture[str], path: str, *argv: str) -> str | None:
    code, out, err = _cli(capsys, "validate", path, "-f", "json", "--fail-on", "never", *argv)
    assert code == 0, err
    return json.loads(out)["hpo_version"]


def test_hpo_resolution_order_file_env_config_cache(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    cache: Path,
    hp_json: Path,
    hp_2024: Path,
    store_sample: list[str],
) -> None:
    one = store_sample[0]
    cfg = tmp_path / "pyproject.toml"  # found from the working directory by the CLI and by config=True

    # cache alone: the API uses the cached release exactly as the CLI does
    _cache_release(hp_2024, cache, "2024-04-26")
    assert _cli_version(capsys, one) == "2024-04-26"
    assert _api_version(config=True) == "2024-04-26"
    # config beats the cache
    cfg.write_text(f'[tool.phenotk]\nhpo = "{hp_json}"\n', encoding="utf-8")
    assert _cli_version(capsys, one) == "2025-05-06"
    assert _api_version(config=True) == "2025-05-06"
    # env beats config
    monkeypatch.setenv("PHENOTK_HPO", str(hp_2024))
    assert _cli_version(capsys, one) == "2024-04-26"
    assert _api_version(config=True) == "2024-04-26"
    # the explicit file beats env
    assert _cli_version(capsys, one, "--hpo", str(hp_json)) == "2025-05-06"
    assert _api_version(config=True, hpo=hp_json) == "2025-05-06"
    # --no-hpo / hpo=False: nothing loaded, one quiet note
    assert _cli_version(capsys, one, "--no-hpo") is None
    report = phenotk.validate({"id": "p"}, config=True, hpo=False)
    assert report.hpo_version is None and report.notes == ["HPO checks skipped: --no-hpo"]


def test_config_hpo_that_does_not_exist_names_the_config(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, store_sample: list[str]
) -> None:
    (tmp_path / "phenotk.toml").write_text('hpo = "missing/hp.json"\n', encoding="utf-8")
    code, _, err = _cli(capsys, "validate", store_sample[0])
    assert code == 2 and "HPO file not found (from config" in err and "phenotk.toml" in err


# ---------------------------------------------------------------------- no HPO is never a silent pass


def test_offline_without_hpo_is_said_and_strict_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, store_sample: list[str]
) -> None:
    one = store_sample[0]
    sarif = tmp_path / "x.sarif"
    code, out, err = _cli(capsys, "validate", one, "-f", "sarif", "-o", str(sarif))
    lines = [line for line in err.splitlines() if "HPO" in line]
    assert code == 0 and out == ""
    assert len(lines) == 1 and "--hpo FILE" in lines[0] and "--no-hpo" in lines[0]
    invocation = json.loads(sarif.read_text())["runs"][0]["invocations"][0]
    notes = [n["message"]["text"] for n in invocation.get("toolExecutionNotifications", [])]
    assert any(n.startswith("HPO checks skipped") for n in notes)

    # profiles and hooks that require HPO stop with exit 2 and say how to fix it
    for argv in (("--profile", "strict"), ("--require-hpo",)):
        code, _, err = _cli(capsys, "validate", one, "--quiet", *argv)
        assert code == 2 and "--hpo FILE" in err and "--no-hpo" in err
    (tmp_path / "phenotk.toml").write_text("require-hpo = true\n", encoding="utf-8")
    assert _cli(capsys, "validate", one)[0] == 2
    assert _cli(capsys, "fix", one, "--dry-run")[0] == 2
    (tmp_path / "phenotk.toml").unlink()

    # --no-hpo stays an explicit, quiet opt-out (also under strict)
    code, _, err = _cli(capsys, "validate", one, "--no-hpo", "--profile", "strict", "-f", "json")
    assert code in (0, 1) and "HPO" not in err

    # the API records it in the notes; strict raises
    report = phenotk.validate(one)
    assert report.hpo_version is None and report.notes[0].startswith("HPO checks skipped")
    with pytest.raises(phenotk.HpoNotAvailable, match="--no-hpo"):
        phenotk.validate(one, profile="strict")


def test_pre_commit_hpo_hook_requires_hpo() -> None:
    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((Path(__file__).parents[1] / ".pre-commit-hooks.yaml").read_text())}
    assert "--require-hpo" in hooks["phenotk-validate-hpo"]["entry"]
    assert "--no-hpo" in hooks["phenotk-validate"]["entry"]


# ---------------------------------------------------------------------- one engine per run


def test_engine_config_runs_once_and_the_engine_is_built_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, store_sample: list[str]
) -> None:
    import phenotk.validation.engine as engine_module
    import phenotk.workflow.session as session_module

    calls: list[str] = []
    real_config, real_init = session_module.engine_config, engine_module.Engine.__init__

    def counted_config(*args: Any, **kwargs: Any) -> Any:
        calls.append("engine_config")
        return real_config(*args, **kwargs)

    def counted_init(self: Any, *args: Any, **kwargs: Any) -> None:
        calls.append("Engine")
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(session_module, "engine_config", counted_config)
    monkeypatch.setattr(engine_module.Engine, "__init__", counted_init)
    (tmp_path / "phenotk.toml").write_text('profile = "rare-disease"\nignore = ["time"]\n', encoding="utf-8")
    code, _, _ = _cli(capsys, "validate", *store_sample[:3], "--no-hpo", "--organ-systems", "HP:0000707")
    assert code in (0, 1) and calls == ["engine_config", "Engine"]
    calls.clear()
    _cli(capsys, "fix", *store_sample[:3], "--no-hpo", "--dry-run")
    assert calls == ["engine_config", "Engine"]


def test_unknown_option_keys_are_usage_errors_with_a_suggestion() -> None:
    from phenotk.errors import UsageError
    from phenotk.workflow.session import settings

    with pytest.raises(UsageError, match="did you mean 'profile'"):
        settings(profil="strict")
    with pytest.raises(UsageError, match="did you mean 'time-order'"):
        Session.from_settings(select=["time-ordr"])


def test_organ_systems_that_are_not_hpo_ids_are_usage_errors_at_start(
    capsys: pytest.CaptureFixture[str], store_sample: list[str]
) -> None:
    # 'nope' (or a label) was a warning "organ system nope is not in HPO" on every document of the run
    from phenotk.errors import UsageError

    code, out, err = _cli(capsys, "validate", *store_sample[:3], "--no-hpo", "--organ-systems", "HP:0000707,nope")
    assert code == 2 and "'nope' is not an HPO id" in err and out == ""
    with pytest.raises(UsageError, match="'Abnormality of the eye' is not an HPO id"):
        Session.from_settings(config=False, hpo=False, organ_systems=["Abnormality of the eye"])
    written = Session.from_settings(config=False, hpo=False, organ_systems=["hp:0000707", "HP_0001626"])
    assert written.options.organ_systems == ["HP:0000707", "HP:0001626"]


def test_an_ontology_file_that_does_not_hold_its_prefix_is_refused(
    capsys: pytest.CaptureFixture[str], fixtures_dir: Path, store_sample: list[str]
) -> None:
    # --ontology MONDO=toy.obo (or OMIM=hp.json) checked nothing: no id of the run carries the file's prefix
    toy, mondo = fixtures_dir / "ontology" / "toy.obo", fixtures_dir / "fix" / "mini-mondo.obo"
    code, out, err = _cli(capsys, "validate", store_sample[0], "--no-hpo", "--ontology", f"MONDO={toy}")
    assert code == 2 and out == "" and "--ontology MONDO=: not the MONDO ontology: it holds TOY: terms" in err
    session = Session.from_settings(config=False, hpo=False, ontology_files={"mondo": str(mondo)})
    assert list(session.ontologies) == ["MONDO"]  # the prefix's case is the file's


def test_a_config_hpo_that_is_not_hpo_is_refused_naming_the_config(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fixtures_dir: Path, store_sample: list[str]
) -> None:
    # `hpo = "toy.obo"` in phenotk.toml validated with exit 0 and reported "HPO 2020-01-01"
    shutil.copy(fixtures_dir / "ontology" / "toy.obo", tmp_path / "toy.obo")
    (tmp_path / "phenotk.toml").write_text('hpo = "toy.obo"\n', encoding="utf-8")
    code, _, err = _cli(capsys, "validate", store_sample[0])
    assert code == 2 and "not an HPO file: it holds TOY: terms" in err and "(from config" in err


def test_a_deleted_working_directory_reads_no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from phenotk.validation.config import find_config

    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    assert find_config() is None


def test_an_index_that_cannot_be_cached_is_a_note(hp_json: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from phenotk.ontology import load_ontology

    index = load_ontology(hp_json)
    monkeypatch.setattr(index, "cache_problem", "cannot write /ro/ontology/index: Read-only file system")
    for hpo in (index, str(hp_json)):  # given loaded, or as a path (the same index, remembered by the loader)
        notes = Session.from_settings(config=False, hpo=hpo).notes
        assert len(notes) == 1 and "not cached (cannot write /ro/ontology/index" in notes[0]
    monkeypatch.setattr(index, "cache_problem", None)
    assert Session.from_settings(config=False, hpo=str(hp_json)).notes == []


def test_sub_packages_are_attributes_without_their_own_import() -> None:
    """``phenotk.report.write_report`` (the report's repr suggests it) works after a bare ``import phenotk``."""
    import subprocess
    import sys

    code = ("import phenotk, sys; assert 'phenotk.report' not in sys.modules; "
            "print(phenotk.report.write_report.__name__, phenotk.analysis.summarize.__name__); "
            "print(hasattr(phenotk, 'no_such_name'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["write_report", "summarize", "False"]


def _validate_in(folder: Path, *args: str) -> tuple[int, str]:
    import subprocess
    import sys

    packet = Path(__file__).resolve().parents[1] / "examples" / "proband-marfan.json"
    run = subprocess.run([sys.executable, "-m", "phenotk", "validate", str(packet), "-q", *args], cwd=folder,
                         capture_output=True, text=True)
    return run.returncode, run.stderr


@pytest.mark.parametrize(("text", "words"), [
    ("[tool.phenotk]\nhpo = 5\n", "hpo must be the path of a file, not 5"),
    ("[tool.phenotk]\nannotations = 1\n", "annotations must be the path of a file, not 1"),
    ("[tool.phenotk]\nrequire = [1]\n", "require must be a list of JSON Schema paths, not [1]"),
    ("[tool.phenotk]\nhpo = \"\"\n", "hpo must be the path of a file, not ''"),
    ("[tool.phenotk\nhpo = \"x\"\n", "invalid TOML"),  # ours but broken: its settings were lost without a word
])
def test_config_values_of_the_wrong_kind_are_one_usage_error(tmp_path: Path, text: str, words: str) -> None:
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    code, err = _validate_in(tmp_path, "--no-hpo")
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 2 and len(lines) == 1 and words in lines[0] and "internal error" not in err, err


def test_config_encodings(tmp_path: Path) -> None:
    """Notepad's byte-order mark is read past; UTF-16 is named; another project's broken pyproject is passed over."""
    (tmp_path / "pyproject.toml").write_bytes(b"\xef\xbb\xbf[tool.phenotk]\nfail-on = \"bogus\"\n")
    assert "fail-on 'bogus'" in _validate_in(tmp_path, "--no-hpo")[1]  # read: its setting is checked
    (tmp_path / "pyproject.toml").write_bytes("[tool.phenotk]\nfail-on = \"x\"\n".encode("utf-16"))
    assert "a UTF-16 file: save it as UTF-8" in _validate_in(tmp_path, "--no-hpo")[1]
    (tmp_path / "pyproject.toml").write_text("[project\nname = 'other'\n", encoding="utf-8")
    assert _validate_in(tmp_path, "--no-hpo")[0] in (0, 1)
