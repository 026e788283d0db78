"""``phenotk validate``: check Phenopackets against the schema, the specification and (optionally) HPO."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from phenotk.errors import UsageError
from phenotk.io.readers import iter_sources
from phenotk.issue import Report, Severity
from phenotk.report import ReportFormat, write_report
from phenotk.validation.baseline import apply_baseline, load_baseline, write_baseline
from phenotk.validation.config import FAIL_ON, Options, engine_config, fail_on_severity, find_config, load_config, merge
from phenotk.validation.registry import rule_infos
from phenotk.validation.runner import run

#: show a progress bar on a terminal when at least this many inputs are expected
PROGRESS_MIN = 50


def _split(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def _needs_hpo(opts: Options) -> bool:
    cfg = engine_config(opts)
    return any(r.requires_hpo for r in cfg.rules)


def _load_hpo(hpo: str | None, opts: Options, notes: list[str]) -> Any:
    """The HPO index per GUIDE §2 (``--hpo`` → env → config → cache → download); None + a note on failure."""
    from phenotk.ontology import HpoNotAvailable, resolve_hpo

    path = hpo or opts.hpo
    try:
        return resolve_hpo(path, progress=None)
    except HpoNotAvailable as exc:
        notes.append(f"HPO checks skipped: {exc.message}")
        return None
    except OSError as exc:  # download failed (offline)
        notes.append(f"HPO checks skipped: could not obtain HPO ({exc})")
        return None


def _progress(paths: list[str], quiet: bool) -> tuple[Any, Any]:
    """A rich progress bar on stderr when it is a terminal and the run is long; (context, callback)."""
    if quiet or not sys.stderr.isatty() or paths == ["-"]:
        return None, None
    total = sum(1 for _ in iter_sources(paths))
    if total < PROGRESS_MIN:
        return None, None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("validating"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("validate", total=total)
    return bar, lambda n: bar.advance(task, n)


def validate_command(
    paths: Annotated[list[str], typer.Argument(help="Files, directories, globs, .zip archives or - (stdin).")],
    format_: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Report format.", case_sensitive=False)
    ] = ReportFormat.text,
    output: Annotated[str | None, typer.Option("--output", "-o", help="Report file (default: stdout).")] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", "-p", help="default | rare-disease | strict (warnings count as errors).")
    ] = None,
    require: Annotated[
        list[str] | None,
        typer.Option("--require", help="User JSON Schema (2019-09/2020-12) to meet."),
    ] = None,
    fail_on: Annotated[
        str | None, typer.Option("--fail-on", help="Exit 1 on findings at or above: error | warning | never.")
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes.")] = 1,
    hpo: Annotated[str | None, typer.Option("--hpo", help="HPO file (obo, json, owl; gz accepted).")] = None,
    no_hpo: Annotated[bool, typer.Option("--no-hpo", help="Skip the HPO checks (no ontology is loaded).")] = False,
    ontology: Annotated[
        list[str] | None,
        typer.Option("--ontology", help="Another ontology for id/label checks: PREFIX=FILE (repeatable)."),
    ] = None,
    organ_systems: Annotated[
        str | None,
        typer.Option("--organ-systems", help="HPO ids every packet must assess (turns on hpo-organ-system-missing)."),
    ] = None,
    select: Annotated[
        list[str] | None, typer.Option("--select", help="Only these rules (codes, names, groups; comma-separated).")
    ] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Skip these rules.")] = None,
    config: Annotated[
        str | None, typer.Option("--config", help="Config file (default: phenotk.toml / pyproject.toml found upwards).")
    ] = None,
    fail_fast: Annotated[bool, typer.Option("--fail-fast", help="Stop after the first failing document.")] = False,
    baseline: Annotated[str | None, typer.Option("--baseline", help="Hide findings in this baseline.")] = None,
    write_baseline_: Annotated[
        str | None, typer.Option("--write-baseline", help="Record today's findings in this file (exit 0).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --output if it exists.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Validate Phenopackets, Families and Cohorts; exit 0 (clean), 1 (findings ≥ --fail-on), 2 (unreadable/usage)."""
    cfg_path = config or find_config()
    base = load_config(cfg_path) if cfg_path else Options()
    if fail_on is not None and fail_on not in FAIL_ON:
        raise UsageError(f"--fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    opts = merge(
        base,
        profile=profile,
        select=_split(select),
        ignore=(base.ignore + (_split(ignore) or [])) if ignore else None,
        require=list(require) if require else None,
        hpo=hpo,
        fail_on=fail_on,
        fail_fast=fail_fast or None,
    )
    engine_cfg = engine_config(opts)
    threshold = fail_on_severity(opts.fail_on)
    notes: list[str] = []
    index = None
    if not no_hpo and _needs_hpo(opts):
        index = _load_hpo(hpo, opts, notes)
    if no_hpo:
        engine_cfg.rules = tuple(r for r in engine_cfg.rules if not r.requires_hpo)
        notes.append("HPO checks skipped: --no-hpo")
    _extra_ontologies(engine_cfg, ontology, organ_systems)
    bar, callback = _progress(paths, quiet)
    hpo_path = getattr(index, "source", None) if index is not None else None
    if bar is not None:
        with bar:
            report = run(paths, engine_cfg, hpo=index, hpo_path=hpo_path, jobs=jobs, progress=callback)
    else:
        report = run(paths, engine_cfg, hpo=index, hpo_path=hpo_path, jobs=jobs)
    report.notes[:0] = notes
    if baseline:
        apply_baseline(report, load_baseline(baseline))
    if write_baseline_:
        n = write_baseline(report, write_baseline_)
        report.notes.append(f"baseline with {n} finding(s) written to {write_baseline_}")
    write_report(report, format_, output, rules=_rule_infos(), fail_on=threshold, force=force)
    raise typer.Exit(exit_code(report, threshold, baseline_written=bool(write_baseline_)))


def _extra_ontologies(cfg: Any, specs: list[str] | None, organ_systems: str | None) -> None:
    """``--ontology MONDO=mondo.obo`` and ``--organ-systems`` into the engine options (as the HPO rules read them)."""
    from phenotk.validation.registry import resolve

    options = dict(cfg.options)
    if specs:
        from phenotk.ontology import load_ontology

        loaded: dict[str, Any] = {}
        for spec in specs:
            prefix, sep, path = spec.partition("=")
            if not sep or not prefix.strip() or not path.strip():
                raise UsageError(f"--ontology takes PREFIX=FILE (e.g. MONDO=mondo.obo), not {spec!r}")
            loaded[prefix.strip()] = load_ontology(path.strip())
        options["ontologies"] = loaded
    if organ_systems:
        options["organ_systems"] = [x.strip() for x in organ_systems.split(",") if x.strip()]
        rule = resolve("hpo-organ-system-missing")
        if rule not in cfg.rules:
            cfg.rules = (*cfg.rules, rule)
    cfg.options = options


def _rule_infos() -> dict[str, Any]:
    infos = rule_infos()
    out: dict[str, Any] = dict(infos)
    out.update({i.code: i for i in infos.values()})
    return out


def exit_code(report: Report, fail_on: Severity | None, *, baseline_written: bool = False) -> int:
    """GUIDE §2: 2 when an input was unreadable; else 1 when a finding is at or above ``fail_on``; else 0."""
    if any(i.rule == "input-unreadable" for i in report.issues):
        return 2
    if baseline_written:
        return 0
    return 1 if report.fails(fail_on) else 0


def register(app: typer.Typer) -> None:
    """Add ``validate`` to the app."""
    app.command("validate")(validate_command)


__all__ = ["exit_code", "register", "validate_command"]
