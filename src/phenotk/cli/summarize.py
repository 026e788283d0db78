"""``phenotk summarize``: cohort counts, sex, ages, diseases, HPO term frequencies, organ-system roll-up."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from phenotk.errors import PhenotkError, UsageError


class SummaryFormat(str, enum.Enum):
    """Output formats of ``phenotk summarize``."""

    text = "text"
    json = "json"
    html = "html"


def summarize_command(
    paths: Annotated[list[str], typer.Argument(help="Files, directories, globs, .zip archives or -.")],
    fmt: Annotated[SummaryFormat, typer.Option("--format", "-f", help="text, json or html.")] = SummaryFormat.text,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")] = None,
    top: Annotated[int, typer.Option("--top", help="Terms and diseases to list, in every format.", min=1)] = 20,
    hpo: Annotated[str | None, typer.Option("--hpo", help="HPO file for labels and the organ-system roll-up.")] = None,
    no_hpo: Annotated[bool, typer.Option("--no-hpo", help="Do not load HPO (no organ-system roll-up).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --output.")] = False,
    engine: Annotated[str, typer.Option("--engine", help="local | dask (partitions summed).")] = "local",
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler address.")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Local Dask worker processes.")] = None,
) -> None:
    """Summarise a cohort of Phenopackets (families and cohorts are flattened to their packets)."""
    from phenotk.analysis import read_cohort
    from phenotk.cli._common import exclusive, note_inputs
    from phenotk.workflow.session import Session

    exclusive(("--hpo", hpo), ("--no-hpo", no_hpo))
    # HPO in the order every command uses; an explicit --hpo must load (errors are exit 2), else it is optional
    session = Session.from_settings(config=True, hpo=False if no_hpo else hpo, want_hpo=True)
    note_inputs(session.options.source, session.hpo_path)
    if engine == "local":
        if scheduler or workers:
            raise UsageError("--scheduler and --workers need --engine dask")
        cohort = read_cohort(paths, hpo=session.hpo)
        summary, errors = cohort.summary(top=top), [str(e) for e in cohort.errors]
    else:
        summary, errors = _scale(paths, session, engine, top, scheduler, workers)
    for err in errors:
        typer.echo(err, err=True)
    if errors and not summary.packets:  # nothing could be read: the errors say it, no summary of nothing
        raise typer.Exit(2)
    if fmt is SummaryFormat.json:
        text = json.dumps(summary.to_dict(), indent=2, ensure_ascii=False) + "\n"
    elif fmt is SummaryFormat.html:
        text = summary.to_html()
    else:
        text = summary.to_text() + "\n"
    if output is None or str(output) == "-":  # -o - is stdout (it wrote a file named "-")
        typer.echo(text, nl=False)
    else:
        from phenotk.io import atomic_write

        atomic_write(output, text.encode("utf-8"), force=force)
        typer.echo(f"wrote {output}", err=True)
    if errors:
        raise typer.Exit(2)
    if not summary.packets:
        raise PhenotkError("no phenopackets found")


def _scale(paths: list[str], session: Any, engine: str, top: int, scheduler: str | None, workers: int | None) -> Any:
    """``--engine dask``: :func:`phenotk.scale.summarize.run` (one line naming the extra when it is missing)."""
    from phenotk.scale import ScaleNotInstalled

    if engine != "dask":
        raise UsageError(f"unknown engine {engine!r}; use one of: local, dask")
    from phenotk.scale.summarize import run

    try:
        return run(paths, session, top=top, scheduler=scheduler, workers=workers)
    except ScaleNotInstalled as exc:
        raise UsageError(str(exc)) from None


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("summarize")(summarize_command)
