"""Declared, validated configuration: ``[tool.phenotk]`` in pyproject.toml or a ``phenotk.toml``.

Keys (all optional)::

    [tool.phenotk]                 # in phenotk.toml the [tool.phenotk] header may be left out
    profile = "rare-disease"       # default | rare-disease | strict | sharing | exomiser | lirical | gpsea | pheval
    select = ["schema", "TIM003"]  # only these rules (codes, names, groups or code prefixes)
    ignore = ["recommended-missing"]
    require = ["schemas/our-minimum.json"]   # user JSON Schemas (paths relative to the config file)
    hpo = "data/hp.json"
    require-hpo = true             # no HPO could be loaded → exit 2 instead of skipping the HPO checks
    fail-on = "warning"            # error | warning | never
    [tool.phenotk.severity]
    time-future = "warning"
    [tool.phenotk.limits]          # input limits (see phenotk.limits.Limits for every key and its default)
    sheet-rows = 5_000_000
    document-bytes = 1_073_741_824

Unknown keys, rule names, profiles or severities are a :class:`~phenotk.errors.UsageError` (exit 2)
with a suggestion, at start-up.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from phenotk.errors import UsageError
from phenotk.issue import Severity
from phenotk.limits import DEFAULT as DEFAULT_LIMITS
from phenotk.limits import Limits
from phenotk.validation.engine import EngineConfig
from phenotk.validation.profiles.readiness import RULES as READINESS_RULES
from phenotk.validation.profiles.sharing import RULES as SHARING_RULES
from phenotk.validation.rule import Rule

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PROFILES = ("default", "rare-disease", "strict", "sharing", *READINESS_RULES)
#: rules each profile switches on in addition to the defaults
PROFILE_RULES: dict[str, tuple[str, ...]] = {
    "default": (),
    "rare-disease": ("rare-disease-requirements",),
    "strict": (),
    "sharing": SHARING_RULES,  # the opt-in privacy group, before a data release
    **READINESS_RULES,  # exomiser, lirical, gpsea, pheval: what each consumer needs of a packet
}
KEYS = (
    "profile", "select", "ignore", "severity", "require", "hpo", "require-hpo", "fail-on", "annotations", "limits",
    "skip-foreign",
)  # fmt: skip
FAIL_ON = ("error", "warning", "never")


@dataclass
class Options:
    """What a user asked for: config file, then CLI flags or API keywords over it (see :func:`merge`).

    The one declared options model of a run (:class:`phenotk.workflow.session.Session` builds it);
    :func:`engine_config` resolves it into the rule set the engine runs.
    """

    profile: str = "default"
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    require: list[str] = field(default_factory=list)
    hpo: str | None = None  # from the config file (``--hpo`` / ``hpo=`` are passed to the session directly)
    fail_on: str = "error"
    fail_fast: bool = False
    source: str | None = None  # config file the settings came from (for messages)
    #: no HPO: HPO rules are not run and no ontology is loaded (``--no-hpo``: a quiet, explicit opt-out)
    no_hpo: bool = False
    #: HPO must be loaded: without one the run stops with exit 2 (``require-hpo``; implied by ``strict``)
    require_hpo: bool = False
    #: other ontologies by CURIE prefix → file (``--ontology MONDO=mondo.obo``)
    ontology_files: dict[str, str] = field(default_factory=dict)
    #: HPO ids every packet must assess (``--organ-systems``; switches on ``hpo-organ-system-missing``)
    organ_systems: list[str] = field(default_factory=list)
    #: HPO annotation file (``phenotype.hpoa``): disease labels for converters, modes of inheritance for the
    #: ``genotype-inheritance`` rule (``annotations = …``)
    annotations: str | None = None
    #: input limits (``[tool.phenotk.limits]``); the session makes them current for the run's readers
    limits: Limits = DEFAULT_LIMITS
    #: files that are no Phenopacket, Family or Cohort at all (``package.json``, a FHIR bundle …) are left out of
    #: the report with one note, instead of an ``input-unreadable`` error each (``--skip-foreign``; pre-commit)
    skip_foreign: bool = False

    @property
    def hpo_required(self) -> bool:
        """True when a missing HPO is an error (exit 2) rather than a note: ``require-hpo`` or ``strict``."""
        return not self.no_hpo and (self.require_hpo or self.profile == "strict")


def _suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(choices)})"


def find_config(start: str | os.PathLike[str] | None = None) -> Path | None:
    """Nearest ``phenotk.toml`` or ``pyproject.toml`` with a ``[tool.phenotk]`` table, from ``start`` up."""
    from phenotk.ontology.resolve import nearest_config  # one search: HPO's config look-up uses it too

    try:
        here = Path(start or Path.cwd())
    except OSError:  # the working directory was deleted under the shell: no config, not an internal error
        return None
    return nearest_config(here)


def load_config(path: str | os.PathLike[str]) -> Options:
    """Read and validate a config file (pyproject.toml or phenotk.toml)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise UsageError("a UTF-16 file: save it as UTF-8 (TOML is UTF-8)", path=str(p))
        data = tomllib.loads(raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))  # a byte-order mark is no setting
    except OSError as exc:
        raise UsageError(f"cannot read config: {exc.strerror or exc}", path=str(p)) from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"invalid TOML: {exc}", path=str(p)) from None
    except RecursionError:
        raise UsageError("invalid TOML: nested too deeply", path=str(p)) from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"not UTF-8: byte {exc.start} cannot be decoded", path=str(p)) from None
    table: Any = data
    if p.name == "pyproject.toml" or "tool" in data:
        table = data.get("tool", {}).get("phenotk", {})
    if not isinstance(table, dict):
        raise UsageError("[tool.phenotk] must be a table", path=str(p))
    return options_from_mapping(table, source=str(p), base=p.parent)


def options_from_mapping(table: dict[str, Any], *, source: str = "<config>", base: Path | None = None) -> Options:
    """Validate a config mapping (unknown keys → ``UsageError`` with a suggestion)."""
    opts = Options(source=source)
    for key, value in table.items():
        norm = key.replace("_", "-")
        if norm not in KEYS:
            raise UsageError(f"unknown key {key!r} in [tool.phenotk]{_suggest(norm, KEYS)}", path=source)
        if norm == "profile":
            opts.profile = _profile(value, source)
        elif norm in ("select", "ignore"):
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
                raise UsageError(f"{key} must be a list of rule codes or names", path=source)
            if norm == "select":
                opts.select = list(items)
            else:
                opts.ignore = list(items)
        elif norm == "severity":
            if not isinstance(value, dict):
                raise UsageError("[tool.phenotk.severity] must map rule names to error/warning/info", path=source)
            opts.severity = {str(k): str(v) for k, v in value.items()}
        elif norm == "limits":
            opts.limits = Limits.from_mapping(value, source=source)
        else:
            _set_run_key(opts, norm, value, source, base)
    check_names(opts)  # rule names and severities are checked now, at start-up
    return opts


def _set_run_key(opts: Options, norm: str, value: Any, source: str, base: Path | None) -> None:
    """``require``, ``hpo``, ``annotations``, ``require-hpo``, ``skip-foreign`` and ``fail-on`` of a config mapping."""
    if norm == "require":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(x, str) and x.strip() for x in items):
            raise UsageError(f"require must be a list of JSON Schema paths, not {value!r}", path=source)
        opts.require = [str((base / x) if base and not os.path.isabs(x) else x) for x in items]
    elif norm in ("hpo", "annotations"):
        if not isinstance(value, str) or not value.strip():  # hpo = 5 was an internal error; "" the config's folder
            raise UsageError(f"{norm} must be the path of a file, not {value!r}", path=source)
        resolved = str((base / value) if base and not os.path.isabs(str(value)) else value)
        setattr(opts, norm, resolved)
    elif norm in ("require-hpo", "skip-foreign"):
        if not isinstance(value, bool):
            raise UsageError(f"{norm} must be true or false", path=source)
        setattr(opts, norm.replace("-", "_"), value)
    elif norm == "fail-on":
        if value not in FAIL_ON:
            raise UsageError(f"fail-on {value!r}{_suggest(str(value), FAIL_ON)}", path=source)
        opts.fail_on = value


def _profile(value: Any, source: str | None = None) -> str:
    if value not in PROFILES:
        raise UsageError(f"unknown profile {value!r}{_suggest(str(value), PROFILES)}", path=source)
    return str(value)


def merge(base: Options, **overrides: Any) -> Options:
    """``base`` with the given non-None overrides (CLI flags win over the config file).

    ``ignore`` adds to the config file's list and ``severity`` updates its table; every other key replaces.
    Unknown keys are a :class:`UsageError`.
    """
    known = {f.name for f in fields(Options)}
    clean = {k: v for k, v in overrides.items() if v is not None and v != [] and v != {}}
    for key in clean:
        if key not in known:
            raise UsageError(f"unknown option {key!r}{_suggest(key, sorted(known))}")
    if "ignore" in clean:
        clean["ignore"] = list(dict.fromkeys([*base.ignore, *clean["ignore"]]))
    if "severity" in clean:
        clean["severity"] = {**base.severity, **clean["severity"]}
    if "fail_on" in clean and clean["fail_on"] not in FAIL_ON:
        raise UsageError(f"--fail-on must be one of {', '.join(FAIL_ON)}, not {clean['fail_on']!r}")
    if "profile" in clean:
        _profile(clean["profile"], None)
    if "organ_systems" in clean:
        clean["organ_systems"] = _organ_systems(clean["organ_systems"])
    return replace(base, **clean)


_HPO_ID = re.compile(r"HP:\d{7}")


def _organ_systems(values: Any) -> list[str]:
    """``--organ-systems`` ids, checked at start: a value that is not an HPO id is a usage error.

    ``nope`` (or a label, or ``HP:707``) was a warning on every document of the run, "organ system nope is not in
    HPO", 7,697 times over the store. ``hp:0000707`` and ``HP_0000707`` are read as ``HP:0000707``.
    """
    items = [values] if isinstance(values, str) else list(values)
    out: list[str] = []
    for raw in items:
        value = str(raw).strip()
        norm = value.upper().replace("_", ":", 1)
        if not _HPO_ID.fullmatch(norm):
            raise UsageError(f"--organ-systems: {value!r} is not an HPO id (write it as HP:0000707, comma-separated)")
        out.append(norm)
    return out


def check_names(opts: Options) -> None:
    """Raise :class:`UsageError` (with a suggestion) for an unknown profile, rule name or severity."""
    from phenotk.validation.registry import resolve, resolve_selector

    _profile(opts.profile, opts.source)
    for key in [*(opts.select or ()), *opts.ignore]:
        _wrap(resolve_selector, key, opts.source)
    for key, sev in opts.severity.items():
        _wrap(resolve, key, opts.source)
        try:
            Severity.parse(sev)
        except ValueError as exc:
            raise UsageError(f"severity of {key}: {exc}", path=opts.source) from None


def fail_on_severity(value: str) -> Severity | None:
    """``error``/``warning``/``info`` → Severity; ``never`` → None."""
    if value == "never":
        return None
    try:
        return Severity.parse(value)
    except ValueError:
        raise UsageError(f"--fail-on {value!r}{_suggest(value, FAIL_ON)}") from None


def load_schema(path: str) -> tuple[str, dict[str, Any]]:
    """(label, schema) of a user JSON Schema; ``UsageError`` when unreadable or not a valid schema."""
    import jsonschema

    try:
        with open(path, encoding="utf-8") as fh:
            schema = json.load(fh)
    except OSError as exc:
        raise UsageError(f"cannot read schema: {exc.strerror or exc}", path=path) from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"invalid JSON: {exc.msg}", path=path, line=exc.lineno, column=exc.colno) from None
    except (ValueError, RecursionError) as exc:  # nested too deeply, an integer past the digit limit, bad UTF-8
        raise UsageError(f"cannot read schema: {' '.join(str(exc).split())[:200]}", path=path) from None
    if not isinstance(schema, dict):
        raise UsageError("a JSON Schema must be an object", path=path)
    from phenotk.validation.userschema import check_references

    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise UsageError(f"not a valid JSON Schema: {exc.message}", path=path) from None
    except RecursionError:
        raise UsageError("not a valid JSON Schema: nested too deeply", path=path) from None
    if "$id" not in schema and "id" not in schema:  # relative $refs resolve beside the schema file, never the cwd
        schema = {**schema, "$id": Path(path).resolve().as_uri()}
    check_references(schema, path)  # no network: a remote $ref is refused here (phenotk.validation.userschema)
    return os.path.basename(path), schema


def engine_config(opts: Options, *, ontologies: Mapping[str, Any] | None = None) -> EngineConfig:
    """Resolve options into the rule set, severities and options the engine runs with.

    ``opts.no_hpo`` leaves out the rules that need HPO; ``opts.organ_systems`` switches on
    ``hpo-organ-system-missing``; ``ontologies`` are the loaded indexes of other ontologies by prefix.
    """
    from phenotk.validation.registry import resolve, resolve_selector, rule_classes

    profile = _profile(opts.profile, opts.source)
    if opts.select is not None:
        chosen: list[type[Rule]] = []
        for key in opts.select:
            chosen.extend(_wrap(resolve_selector, key, opts.source))
    else:
        chosen = [r for r in rule_classes() if r.default_enabled]
    for name in PROFILE_RULES[profile]:
        chosen.append(resolve(name))
    options: dict[str, Any] = {}
    if opts.require:
        options["require"] = [load_schema(p) for p in opts.require]
        chosen.append(resolve("profile-requirement"))
    if ontologies:
        options["ontologies"] = dict(ontologies)
    if opts.organ_systems:
        options["organ_systems"] = list(opts.organ_systems)
    if opts.annotations:  # disease → mode of inheritance, for genotype-inheritance (loaded once, cached)
        from phenotk.ontology.annotations import load_inheritance

        options["annotations"] = load_inheritance(opts.annotations)
        if opts.select is None:  # what the annotation file is for in a validation run
            chosen.append(resolve("genotype-inheritance"))
    ignored: set[str] = set()
    for key in opts.ignore:
        ignored.update(r.name for r in _wrap(resolve_selector, key, opts.source))
    rules = tuple(dict.fromkeys(r for r in chosen if r.name not in ignored))
    if opts.organ_systems:
        organ = resolve("hpo-organ-system-missing")
        if organ not in rules:
            rules = (*rules, organ)
    if opts.no_hpo:
        rules = tuple(r for r in rules if not r.requires_hpo)
    severity: dict[str, Severity] = {}
    for key, sev in opts.severity.items():
        rule = _wrap(resolve, key, opts.source)
        try:
            severity[rule.name] = Severity.parse(sev)
        except ValueError as exc:
            raise UsageError(f"severity of {key}: {exc}", path=opts.source) from None
    return EngineConfig(
        rules=rules,
        severity=severity,
        warnings_as_errors=profile == "strict",
        options=options,
        fail_fast=opts.fail_fast,
        fail_on=fail_on_severity(opts.fail_on),
        skip_foreign=opts.skip_foreign,
    )


def _wrap(fn: Any, key: str, source: str | None) -> Any:
    try:
        return fn(key)
    except UsageError as exc:
        if source and exc.path is None:
            exc.path = source
        raise
