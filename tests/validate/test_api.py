"""Python API: ``phenotk.validation`` on dicts, messages, paths; config; the package stays importable; hooks file."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

import phenotk
from phenotk.errors import UsageError
from phenotk.validation.config import Options, engine_config, load_config, options_from_mapping

from .conftest import BASE_PHENOPACKET

REPO = Path(__file__).resolve().parents[2]


def test_validate_dict_message_and_path(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE_PHENOPACKET)
    doc["subject"]["sex"] = "male"
    report = phenotk.validate(doc)
    assert not report.ok and [i.pointer for i in report.issues] == ["/subject/sex"]
    message = phenotk.read(BASE_PHENOPACKET)
    assert phenotk.validate(message).ok
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc, indent=2))
    frame = phenotk.validate([path, str(path)]).to_dataframe()
    assert list(frame["rule"]) == ["schema-enum", "id-duplicate", "schema-enum"]
    assert set(frame.columns) >= {"path", "rule", "pointer", "line", "column", "severity"}


def test_validate_options_and_unreadable(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE_PHENOPACKET)
    del doc["subject"]["sex"]
    assert phenotk.validate(doc, ignore=["recommended-missing"]).issues == []
    assert [i.rule for i in phenotk.validate(doc, profile="rare-disease").issues if i.severity.value == "error"] == [
        "rare-disease-requirements"
    ]
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    report = phenotk.validate(bad)
    assert report.issues[0].rule == "input-unreadable"
    with pytest.raises(UsageError, match="did you mean 'time-order'"):
        phenotk.validate(doc, select=["time-ordre"])


def test_package_modules_stay_importable() -> None:
    import phenotk.validation.engine as engine_module

    assert phenotk.validation.Engine is engine_module.Engine
    assert phenotk.validation.registry.rule_infos()["time-order"].code == "TIM003"
    with pytest.raises(AttributeError):
        _ = phenotk.validation.no_such_thing


def test_config_validation(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="did you mean 'select'"):
        options_from_mapping({"selcet": ["time"]})
    with pytest.raises(UsageError, match="fail-on"):
        options_from_mapping({"fail-on": "sometimes"})
    with pytest.raises(UsageError, match="unknown severity"):
        options_from_mapping({"severity": {"time-order": "fatal"}})
    opts = options_from_mapping({"select": ["time", "SCH"], "ignore": ["time-future"], "fail_on": "warning"})
    names = {r.name for r in engine_config(opts).rules}
    assert (
        "time-order" in names and "schema-enum" in names and "time-future" not in names and "curie-syntax" not in names
    )
    (tmp_path / "phenotk.toml").write_text('profile = "strict"\nrequire = ["s.json"]\n')
    (tmp_path / "s.json").write_text('{"required": ["id"]}')
    loaded = load_config(tmp_path / "phenotk.toml")
    assert loaded.profile == "strict" and loaded.require == [str(tmp_path / "s.json")]
    cfg = engine_config(loaded)
    assert cfg.warnings_as_errors and any(r.name == "profile-requirement" for r in cfg.rules)
    assert not engine_config(Options()).warnings_as_errors


def test_pre_commit_hooks_file() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    ids = {h["id"] for h in hooks}
    assert ids == {"phenotk-validate", "phenotk-validate-hpo"}
    for hook in hooks:
        assert hook["entry"].startswith("phenotk validate") and hook["language"] == "python"
        assert "json" in hook["files"]


def test_report_frame_is_typed(tmp_path: Path) -> None:
    """Report.to_dataframe: string text, ordered severity, nullable integer positions — also with no finding."""
    doc = copy.deepcopy(BASE_PHENOPACKET)
    doc["subject"]["sex"] = "female"
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc, indent=2))
    frame = phenotk.validate([path, str(path)]).to_dataframe()
    assert str(frame["rule"].dtype) == "string" and str(frame["line"].dtype) == "Int64"
    assert list(frame["severity"].cat.categories) == ["info", "warning", "error"] and frame["severity"].cat.ordered
    assert len(frame[frame["severity"] >= "warning"]) == len([i for i in frame["severity"] if i != "info"])
    empty = phenotk.validate(BASE_PHENOPACKET).to_dataframe()
    assert empty.empty and str(empty["line"].dtype) == "Int64" and str(empty["severity"].dtype) == "category"
