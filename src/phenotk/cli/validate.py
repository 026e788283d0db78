"""``phenotk validate``: check Phenopackets against the schema, the specification and (optionally) HPO."""

from __future__ import annotations

import enum
import os
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from phenotk.cli._common import (
    exclusive,
    needs,
    not_stdout,
    note_inputs,
    ontology_specs,
    split_values,
    usage_warning,
)
from phenotk.errors import UsageError
from phenotk.issue import Severity
from phenotk.report import ReportFormat
from phenotk.validation.config import PROFILES

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.issue import Report

if TYPE_CHECKING:  # pragma: no cover
    ValidateFormat = ReportFormat
else:  #: ``--format`` choices: every report format, plus ``parquet`` (a directory of Arrow tables, docs/scale.md)
    ValidateFormat = enum.Enum(
        "ValidateFormat", {**{f.name: f.value for f in ReportFormat}, "parquet": "parquet"}, type=str
    )

#: show a progress bar on a terminal when at least this many inputs are expected
PROGRESS_MIN = 50


def _progress(paths: list[str], quiet: bool) -> tuple[Any, Any]:
    """A rich progress bar on stderr when it is a terminal and the run is long; (context, callback)."""
    if quiet or not sys.stderr.isatty() or paths == ["-"]:
        return None, None
    from phenotk.io.readers import iter_sources

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
        ValidateFormat, typer.Option("--format", "-f", help="Report format.", case_sensitive=False)
    ] = ValidateFormat.text,
    output: Annotated[
        list[str] | None,
        typer.Option(
            "--output", "-o", help="Report file (default: stdout), or FORMAT=PATH (repeatable: several reports)."
        ),
    ] = None,
    show: Annotated[
        list[str] | None,
        typer.Option("--show", help="Display threshold error|warning|info for text/HTML, or FORMAT=LEVEL."),
    ] = None,
    base_dir: Annotated[
        str | None, typer.Option("--base-dir", help="SARIF URIs relative to this folder (default: git root, else cwd).")
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option("--profile", "-p", help=" | ".join(PROFILES) + " (strict: warnings count as errors)."),
    ] = None,
    require: Annotated[
        list[str] | None,
        typer.Option("--require", help="User JSON Schema (2019-09/2020-12) to meet."),
    ] = None,
    fail_on: Annotated[
        str | None, typer.Option("--fail-on", help="Exit 1 on findings at or above: error | warning | never.")
    ] = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs", "-j", min=0, help="Worker processes (0, the default: one per CPU for 2,000 files or more, Linux)."
        ),
    ] = 0,
    engine: Annotated[
        str, typer.Option("--engine", help="local | dask | spark (dask/spark: --format parquet -o DIR; docs/scale.md).")
    ] = "local",
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler address or Spark master URL.")
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Local Dask/Spark worker processes (no --scheduler).")
    ] = None,
    hpo: Annotated[str | None, typer.Option("--hpo", help="HPO file (obo, json, owl; gz accepted).")] = None,
    no_hpo: Annotated[bool, typer.Option("--no-hpo", help="Skip the HPO checks (no ontology is loaded).")] = False,
    require_hpo: Annotated[
        bool, typer.Option("--require-hpo", help="Exit 2 when no HPO can be loaded (strict implies it).")
    ] = False,
    skip_foreign: Annotated[
        bool,
        typer.Option(
            "--skip-foreign",
            help="Leave out files that are no Phenopacket, Family or Cohort (package.json …) with one note "
            "(the pre-commit hooks use it).",
        ),
    ] = False,
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
    from phenotk.report import parse_outputs, parse_show, text_blocks, write_reports
    from phenotk.workflow.session import Session

    exclusive(("--hpo", hpo), ("--no-hpo", no_hpo))
    exclusive(("--require-hpo", require_hpo), ("--no-hpo", no_hpo))
    scaled = engine != "local"
    needs("--scheduler", scheduler, "--engine dask or spark", scaled)
    needs("--workers", workers, "--engine dask or spark", scaled)
    not_stdout("--write-baseline", write_baseline_, "a baseline is a file the next runs read")
    if write_baseline_ and not force:
        _baseline_target(write_baseline_)
    plain = [o for o in output or [] if "=" not in o]
    if format_.value != "parquet":  # usage errors before the run
        outputs, shows = parse_outputs(output or [], format_.value), parse_show(show or [])
        _show_targets(show or [], {o.fmt.value for o in outputs})
        sarif = any(o.fmt.value == "sarif" for o in outputs)
        needs("--base-dir", base_dir, "a SARIF report (-f sarif, or -o sarif=FILE)", sarif)
    if base_dir is not None and not os.path.isdir(base_dir):  # a typo gave every SARIF URI a wrong base
        raise UsageError(f"--base-dir {base_dir}: no such folder")

    session = Session.from_settings(
        config=config or True,
        hpo=False if no_hpo else hpo,
        profile=profile,
        select=split_values(select),
        ignore=split_values(ignore),
        require=list(require) if require else None,
        require_hpo=require_hpo or None,
        skip_foreign=skip_foreign or None,
        fail_on=fail_on,
        fail_fast=fail_fast or None,
        ontology_files=ontology_specs(ontology),
        organ_systems=split_values([organ_systems] if organ_systems else None),
    )
    opts, others = session.options, (ontology_specs(ontology) or {}).values()
    if (opts.select or opts.ignore) and not session.engine.config.rules:  # it checked nothing and exited 0
        chosen = f"select {', '.join(opts.select or []) or '(all)'}, ignore {', '.join(opts.ignore) or '(none)'}"
        why = "; HPO rules need HPO: drop --no-hpo" if opts.no_hpo else ""
        usage_warning(f"--select/--ignore (with the config's) leave no rule to run ({chosen}){why}; nothing is checked")
    note_inputs(opts.source, session.hpo_path, opts.annotations, *opts.require, *others)  # never overwritten
    if session.hpo_warning:
        typer.echo(session.hpo_warning, err=True)
    _note_lowered(jobs, "--jobs")
    if not scheduler:
        _note_lowered(workers or 0, "--workers")
    if engine != "local" or format_.value == "parquet":
        _scale(paths, session, engine, format_.value, plain[0] if plain else None, force, scheduler, workers, jobs)
    bar, callback = _progress(paths, quiet)
    if not (baseline or write_baseline_):
        from phenotk.report.stream import streamable

        if streamable(outputs):  # JSON, JSONL, SARIF, CSV: written as results arrive (docs/scale.md)
            _stream(paths, session, outputs, bar, callback, jobs=jobs, force=force, show=shows, base_dir=base_dir)
    blocks = text_blocks(outputs, shows)  # the text report's documents rendered as results arrive
    on_result = blocks.add if blocks is not None else None
    if bar is not None:
        with bar:
            report = session.validate(paths, jobs=jobs, progress=callback, on_result=on_result)
    else:
        report = session.validate(paths, jobs=jobs, on_result=on_result)
    if baseline or write_baseline_:
        from phenotk.validation.baseline import apply_baseline, load_baseline, write_baseline

        known = load_baseline(baseline) if baseline else None
        if write_baseline_:  # every finding of today, those the old baseline hides too (--baseline B --write-baseline B
            n = write_baseline(report, write_baseline_)  # refreshes B; it used to write an empty one)
            report.notes.append(f"baseline with {n} finding(s) written to {write_baseline_}")
        if known is not None:
            apply_baseline(report, known)
    write_reports(
        report,
        outputs,
        rules=_rule_infos(),
        fail_on=session.fail_on,
        force=force,
        show=shows,
        base_dir=base_dir,
        warnings=[session.hpo_warning],
        text_blocks=blocks,
    )
    raise typer.Exit(exit_code(report, session.fail_on, baseline_written=bool(write_baseline_)))


def _show_targets(show: list[str], written: set[str]) -> None:
    """``--show html=info`` in a run that writes no HTML report was ignored without a word."""
    for value in show:
        head, sep, _ = value.rpartition("=")
        if sep and head.strip().lower() not in written:
            usage_warning(
                f"--show {value}: this run writes no {head.strip().lower()} report (reports: "
                f"{', '.join(sorted(written))}); it is ignored — add -o {head.strip().lower()}=FILE or drop it"
            )


def _baseline_target(path: str) -> None:
    """``--write-baseline FILE`` may replace a baseline (that is how one is refreshed), never any other file."""
    from phenotk.validation.baseline import load_baseline

    if not os.path.lexists(path):
        return
    try:
        load_baseline(path)
    except UsageError:
        raise UsageError("exists and is not a phenotk baseline; use --force to replace it", path=path) from None


def _note_lowered(jobs: int, option: str) -> None:
    """One line on stderr when ``--jobs``/``--workers`` asks for more processes than a run starts."""
    from phenotk._procs import jobs_note

    note = jobs_note(jobs, option)
    if note:
        typer.echo(note, err=True)


def _stream(paths: list[str], session: Any, outputs: Any, bar: Any, callback: Any, **kw: Any) -> None:
    """Machine reports streamed: memory holds no finding, whatever the number of documents; exit."""
    from phenotk.report.stream import stream_reports

    if bar is not None:
        with bar:
            totals = stream_reports(session, paths, outputs, progress=callback, rules=_rule_infos(), **kw)
    else:
        totals = stream_reports(session, paths, outputs, rules=_rule_infos(), **kw)
    raise typer.Exit(totals.exit_code(session.fail_on))


def _scale(paths: list[str], session: Any, engine: str, fmt: str, output: str | None, *args: Any) -> None:
    """``--engine dask|spark`` / ``--format parquet``: phenotk.scale runs it; print the summary, exit."""
    try:
        from phenotk.scale.cli import run
    except ImportError:  # pyarrow (the extra) missing
        from phenotk.scale import INSTALL_HINT

        raise UsageError(INSTALL_HINT) from None
    from phenotk.scale import ScaleNotInstalled

    force, scheduler, workers, jobs = args
    try:
        line, code = run(paths, session, engine=engine, fmt=fmt, output=output, force=force, scheduler=scheduler,
                         workers=workers, jobs=jobs)  # fmt: skip
    except ScaleNotInstalled as exc:
        raise UsageError(str(exc)) from None
    typer.echo(line)
    raise typer.Exit(code)


def _rule_infos() -> dict[str, Any]:
    from phenotk.validation.registry import rule_infos

    infos = rule_infos()
    out: dict[str, Any] = dict(infos)
    out.update({i.code: i for i in infos.values()})
    return out


def exit_code(report: Report, fail_on: Severity | None, *, baseline_written: bool = False) -> int:
    """GUIDE §2: 2 when an input was unreadable; else 1 when a finding is at or above ``fail_on``; else 0."""
    rank = None if fail_on is None or baseline_written else fail_on.rank
    fails = False
    for result in report.results:  # one pass over the findings, no list of them (a store run has ~35,000)
        for i in result.issues:
            if i.rule == "input-unreadable" and i.severity is Severity.ERROR:  # not a symlinked folder's warning
                return 2
            if rank is not None and not fails:
                fails = i.severity.rank >= rank
    return 1 if fails else 0


def register(app: typer.Typer) -> None:
    """Add ``validate`` to the app."""
    app.command("validate")(validate_command)


__all__ = ["exit_code", "register", "validate_command"]
